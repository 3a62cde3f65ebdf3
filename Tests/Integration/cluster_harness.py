"""Real Redis 7.0.15 topologies for the apus-benchmark integration tests.

`RedisCluster` starts N masters (and optionally one replica per master) as redis-server
processes with cluster mode on, joins them with `redis-cli --cluster create`, and waits
until every node reports cluster_state:ok and agrees on the slot map.  `SentinelSetup`
starts a master, one replica (--replicaof) and one redis-sentinel monitoring "mymaster",
and can trigger a coordinated `SENTINEL FAILOVER`.  Both bind 127.0.0.1 on free ports,
keep each process in its own temporary directory, and kill everything by PID on exit
(also when start-up fails half way), reusing `harness.Server` for the process handling.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time

import redis

from harness import Server, free_port, wait_for

REDIS_SERVER = os.environ.get("REDIS_SERVER", "redis-server")
REDIS_SENTINEL = os.environ.get("REDIS_SENTINEL", "redis-sentinel")
REDIS_CLI = os.environ.get("REDIS_CLI", "redis-cli")


def _client(port: int, **kw) -> redis.Redis:
    return redis.Redis(host="127.0.0.1", port=port, socket_timeout=10, decode_responses=True, **kw)


def _distinct_free_ports(n: int, taken: set[int]) -> list[int]:
    """n free loopback ports, distinct from each other and from `taken`."""
    out: list[int] = []
    while len(out) < n:
        p = free_port()
        if p not in taken and p not in out:
            out.append(p)
    return out


# MARK: - Cluster

class _Started:
    """Context-manager protocol shared by the process groups below: start() on entry (and
    stop() if start-up fails half-way), stop() on exit, always by PID."""

    def __enter__(self):
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


class RedisCluster(_Started):
    """A real Redis cluster on 127.0.0.1: `masters` masters with `replicas` replicas each.

    Attributes after __enter__: `nodes` (harness.Server list, creation order), `ports`,
    and helpers to find masters/replicas and node ids from the live CLUSTER NODES view.
    The cluster bus port is set explicitly (`cluster-port`, new in 7.0) to a second free
    port, so we never depend on port+10000 being free.
    """

    def __init__(self, masters: int = 3, replicas: int = 0, node_timeout_ms: int = 2000,
                 basedir: str | None = None, extra_args: list[str] | None = None,
                 binary: str | None = None):
        assert masters >= 3, "redis-cli --cluster create needs at least 3 masters"
        assert replicas in (0, 1)
        # The same topology of Apus nodes when `binary` is apus-server.
        self.binary = binary or REDIS_SERVER
        self.n_masters = masters
        self.n_replicas = replicas
        self.node_timeout_ms = node_timeout_ms
        self.own_base = basedir is None
        self.basedir = basedir or tempfile.mkdtemp(prefix="rcluster-")
        self.extra_args = list(extra_args or [])
        self.nodes: list[Server] = []

    # MARK: lifecycle

    def start(self) -> None:
        count = self.n_masters * (1 + self.n_replicas)
        ports = _distinct_free_ports(2 * count, set())
        for i in range(count):
            port, bus = ports[2 * i], ports[2 * i + 1]
            d = os.path.join(self.basedir, f"node-{port}")
            os.makedirs(d, exist_ok=True)
            srv = self.make_node(self.binary, d, port, bus)
            self.nodes.append(srv)
            srv.start()
        argv = [REDIS_CLI, "--cluster", "create"] + [f"127.0.0.1:{s.port}" for s in self.nodes]
        argv += ["--cluster-replicas", str(self.n_replicas), "--cluster-yes"]
        p = subprocess.run(argv, capture_output=True, timeout=60)
        if p.returncode != 0:
            raise RuntimeError(f"redis-cli --cluster create failed ({p.returncode}):\n"
                               + p.stdout.decode(errors="replace") + p.stderr.decode(errors="replace"))
        self.wait_stable(timeout=30)

    def make_node(self, binary: str, d: str, port: int, bus: int) -> Server:
        """A cluster-enabled server (not started) with this cluster's settings."""
        name = "apus" if "apus" in os.path.basename(binary) else "redis"
        srv = Server(binary, name, workdir=d, port=port, save="",
                      args=["--appendonly", "no", "--repl-diskless-sync-delay", "0",
                            "--cluster-enabled", "yes",
                            "--cluster-config-file", f"nodes-{port}.conf",
                            "--cluster-node-timeout", str(self.node_timeout_ms),
                            "--cluster-port", str(bus)] + self.extra_args)
        srv.bus_port = bus
        return srv

    def add_empty_node(self, binary: str | None = None) -> Server:
        """Starts one more cluster-enabled node (not yet part of the cluster)."""
        port, bus = _distinct_free_ports(2, set(self.ports))
        d = os.path.join(self.basedir, f"node-{port}")
        os.makedirs(d, exist_ok=True)
        srv = self.make_node(binary or self.binary, d, port, bus)
        self.nodes.append(srv)
        srv.start()
        return srv

    def stop(self) -> None:
        for s in self.nodes:
            s.stop()
        if self.own_base:
            shutil.rmtree(self.basedir, ignore_errors=True)

    # MARK: state

    @property
    def ports(self) -> list[int]:
        return [s.port for s in self.nodes]

    def client(self, port: int) -> redis.Redis:
        return _client(port)

    def cluster_nodes(self, port: int | None = None) -> list[dict]:
        """CLUSTER NODES as seen by one node: dicts with id, port, flags (set), master_id, slots (count)."""
        port = port or self.nodes[0].port
        # Two separate words: redis-py then skips its CLUSTER NODES parser and returns the text.
        with _client(port) as c:
            text = c.execute_command("CLUSTER", "NODES")
        out = []
        for line in str(text).strip().splitlines():
            f = line.split()
            addr = f[1].split("@")[0]
            slots = 0
            for r in f[8:]:
                if r.startswith("["):
                    continue  # migrating/importing marker
                a, _, b = r.partition("-")
                slots += (int(b) - int(a) + 1) if b else 1
            out.append({"id": f[0], "port": int(addr.rsplit(":", 1)[1]), "flags": set(f[2].split(",")),
                        "master_id": None if f[3] == "-" else f[3], "slots": slots})
        return out

    def masters(self, port: int | None = None) -> list[dict]:
        return [n for n in self.cluster_nodes(port) if "master" in n["flags"] and "fail" not in n["flags"]
                and n["slots"] > 0]

    def master_ports(self) -> list[int]:
        return sorted(n["port"] for n in self.masters())

    def replicas_of(self, master_id: str) -> list[dict]:
        return [n for n in self.cluster_nodes() if n["master_id"] == master_id and "slave" in n["flags"]]

    def node_id(self, port: int) -> str:
        with _client(port) as c:
            return c.execute_command("CLUSTER", "MYID")

    def _state_ok(self) -> bool:
        views = []
        for s in self.nodes:
            try:
                with _client(s.port) as c:
                    info = c.execute_command("CLUSTER", "INFO")
                    if isinstance(info, dict):
                        ok = info.get("cluster_state") == "ok"
                    else:
                        ok = "cluster_state:ok" in str(info)
                    if not ok:
                        return False
                    if self.n_replicas and "master" not in self._role(c):
                        if c.info("replication").get("master_link_status") != "up":
                            return False
            except redis.RedisError:
                return False
            views.append(sorted((n["port"], n["slots"], "master" in n["flags"])
                                for n in self.cluster_nodes(s.port)))
        # Every node must see the same slot owners, or clients would be bounced around.
        return all(v == views[0] for v in views) and sum(n[1] for n in views[0]) == 16384

    @staticmethod
    def _role(c: redis.Redis) -> str:
        return c.info("replication").get("role", "")

    def wait_stable(self, timeout: float = 30.0) -> None:
        wait_for(self._state_ok, timeout=timeout, interval=0.1,
                 what="cluster_state:ok and one slot map on every node")

    # MARK: operations

    def dbsizes(self) -> dict[int, int]:
        out = {}
        for m in self.master_ports():
            with _client(m) as c:
                out[m] = c.dbsize()
        return out

    def keys(self, pattern: str = "*") -> set[str]:
        """All keys on all masters (SCAN per node)."""
        ks: set[str] = set()
        for m in self.master_ports():
            with _client(m) as c:
                ks.update(c.scan_iter(match=pattern, count=1000))
        return ks

    def reshard(self, from_port: int, to_port: int, slots: int, timeout: float = 120) -> subprocess.CompletedProcess:
        """Moves `slots` slots with redis-cli --cluster reshard (MIGRATE under the hood)."""
        argv = [REDIS_CLI, "--cluster", "reshard", f"127.0.0.1:{from_port}",
                "--cluster-from", self.node_id(from_port), "--cluster-to", self.node_id(to_port),
                "--cluster-slots", str(slots), "--cluster-yes"]
        return subprocess.run(argv, capture_output=True, timeout=timeout)

    def manual_failover(self, replica_port: int, timeout: float = 20.0) -> None:
        """CLUSTER FAILOVER (coordinated) on a replica; waits until it is a master with slots
        and every node agrees again."""
        with _client(replica_port) as c:
            c.execute_command("CLUSTER", "FAILOVER")
        wait_for(lambda: any(n["port"] == replica_port for n in self.masters(replica_port)),
                 timeout=timeout, interval=0.1, what=f"replica {replica_port} promoted")
        self.wait_stable(timeout=timeout)


# MARK: - Sentinel

class SentinelSetup(_Started):
    """A master, one replica and one sentinel (quorum 1) monitoring `name` on 127.0.0.1.

    Attributes after __enter__: master, replica (harness.Server), sentinel (harness.Server
    running redis-sentinel), sentinel_port.  `failover()` runs SENTINEL FAILOVER and waits
    until get-master-addr-by-name reports a different address.
    """

    def __init__(self, name: str = "mymaster", basedir: str | None = None):
        self.name = name
        self.own_base = basedir is None
        self.basedir = basedir or tempfile.mkdtemp(prefix="rsentinel-")
        self.master: Server | None = None
        self.replica: Server | None = None
        self.sentinel: Server | None = None

    def _dir(self, what: str) -> str:
        d = os.path.join(self.basedir, what)
        os.makedirs(d, exist_ok=True)
        return d

    def start(self) -> None:
        # repl-diskless-sync-delay defaults to 5 s in 7.0: every full sync (also the one after
        # a failover) would otherwise wait that long.
        common = ["--appendonly", "no", "--repl-diskless-sync-delay", "0"]
        self.master = Server(REDIS_SERVER, "redis", workdir=self._dir("master"), save="",
                             args=common).start()
        self.replica = Server(REDIS_SERVER, "redis", workdir=self._dir("replica"), save="",
                              args=common + ["--replicaof", "127.0.0.1", str(self.master.port)]).start()
        # The sentinel sees the replica in the master's first INFO only if it is already linked.
        wait_for(lambda: self._link_up(self.replica.port), timeout=20, interval=0.05,
                 what="replica link up")
        sdir = self._dir("sentinel")
        sport = free_port()
        conf = os.path.join(sdir, "sentinel.conf")  # sentinel rewrites its config: must be writable
        with open(conf, "w") as f:
            f.write(f"port {sport}\nbind 127.0.0.1\ndir {sdir}\n"
                    f"sentinel monitor {self.name} 127.0.0.1 {self.master.port} 1\n"
                    f"sentinel down-after-milliseconds {self.name} 1000\n"
                    f"sentinel failover-timeout {self.name} 5000\n"
                    f"sentinel parallel-syncs {self.name} 1\n")
        # Server() puts --port/--bind/--dir after the config file; all agree with the file.
        self.sentinel = Server(REDIS_SENTINEL, "sentinel", workdir=sdir, conf=conf, port=sport,
                               save=None).start()
        wait_for(self._sentinel_knows_replica, timeout=30, interval=0.1,
                 what="sentinel to see the replica as healthy")

    def stop(self) -> None:
        for s in (self.sentinel, self.replica, self.master):
            if s is not None:
                s.stop()
        if self.own_base:
            shutil.rmtree(self.basedir, ignore_errors=True)

    @property
    def sentinel_port(self) -> int:
        return self.sentinel.port

    def sentinel_client(self) -> redis.Redis:
        return _client(self.sentinel.port)

    @staticmethod
    def _link_up(port: int) -> bool:
        try:
            with _client(port) as c:
                return c.info("replication").get("master_link_status") == "up"
        except redis.RedisError:
            return False

    def _sentinel_knows_replica(self) -> bool:
        try:
            with self.sentinel_client() as c:
                reps = c.execute_command("SENTINEL", "REPLICAS", self.name)
        except redis.RedisError:
            return False
        for r in reps or []:
            d = r if isinstance(r, dict) else dict(zip(r[::2], r[1::2]))
            if (int(d.get("port", 0)) == self.replica.port and d.get("flags") == "slave"
                    and d.get("master-link-status") == "ok"):
                return True
        return False

    def master_addr(self) -> tuple[str, int]:
        with self.sentinel_client() as c:
            host, port = c.execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", self.name)
        return host, int(port)

    def failover(self, timeout: float = 20.0) -> tuple[str, int]:
        """SENTINEL FAILOVER; returns the new master address once the sentinel reports it."""
        before = self.master_addr()
        with self.sentinel_client() as c:
            c.execute_command("SENTINEL", "FAILOVER", self.name)
        return wait_for(lambda: (a if (a := self.master_addr()) != before else None),
                        timeout=timeout, interval=0.05, what="sentinel to report a new master")
