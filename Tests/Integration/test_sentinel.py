"""Sentinels and Apus: Apus as a sentinel (apus-sentinel, or apus-server --sentinel),
and Apus servers under real redis-sentinels.

Three Apus sentinels (quorum 2, down-after 2000 ms) watch a master with two replicas
— Apus servers, then real redis-server 7.0 processes — and fail it over after
`kill -9`: one leader per epoch, a replica promoted, the other repointed, the old
master turned into a replica when it returns, redis-py's Sentinel client following.
Two Apus sentinels and one real redis-sentinel share a quorum and agree on a single
failover. The SENTINEL command family is compared with a real redis-sentinel watching
the same master: field names, shapes in RESP2 and RESP3, error texts. The
configuration file is the sentinel's state: rewritten on every change, read back on
restart.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time

import pytest
import redis
from redis.sentinel import Sentinel

from harness import Server, apus_binary, free_port, wait_for

NAME = "mymaster"
FAST = ["--repl-diskless-sync-delay", "0"]


def sentinel_binary() -> str:
    return os.environ.get("APUS_SENTINEL") or os.path.join(os.path.dirname(apus_binary()), "apus-sentinel")


def write_conf(path: str, port: int, master_port: int, extra: str = "", host: str = "127.0.0.1") -> str:
    with open(path, "w") as f:
        f.write(f"port {port}\nbind 127.0.0.1\n" + extra +
                f"sentinel monitor {NAME} {host} {master_port} 2\n"
                f"sentinel down-after-milliseconds {NAME} 2000\n"
                f"sentinel failover-timeout {NAME} 10000\n")
    return path


def start_sentinel(servers, tmp_path, master_port: int, kind: str = "apus", extra: str = "", tag: str = "",
                   host: str = "127.0.0.1") -> Server:
    """A sentinel process: apus-sentinel (kind apus), apus-server --sentinel (kind
    apus-flag) or a real redis-sentinel (kind redis)."""
    d = tmp_path / f"sentinel-{kind}-{tag or free_port()}"
    d.mkdir()
    port = free_port()
    conf = write_conf(str(d / "sentinel.conf"), port, master_port, extra, host)
    if kind == "redis":
        s = Server("redis-sentinel", "sentinel", workdir=str(d), conf=conf, port=port, save=None)
    elif kind == "apus-flag":
        s = Server(apus_binary(), "sentinel", workdir=str(d), conf=conf, port=port, save=None, args=["--sentinel"])
    else:
        s = Server(sentinel_binary(), "sentinel", workdir=str(d), conf=conf, port=port, save=None)
    servers.servers.append(s)
    return s.start()


def as_dict(v):
    if isinstance(v, dict):
        return v
    return dict(zip(v[::2], v[1::2]))


def master_state(s: Server) -> dict:
    return as_dict(s.client().execute_command("SENTINEL", "MASTER", NAME))


def topology(servers, tmp_path, kind: str = "apus", sentinel_kinds=("apus", "apus", "apus"), extra: str = ""):
    master = servers.new(kind, args=FAST)
    replicas = [servers.new(kind, args=FAST + ["--replicaof", "127.0.0.1", str(master.port)]) for _ in range(2)]
    wait_for(lambda: all(r.client().info("replication")["master_link_status"] == "up" for r in replicas),
             timeout=20, what="replicas")
    sentinels = [start_sentinel(servers, tmp_path, master.port, k, tag=str(i), extra=extra)
                 for i, k in enumerate(sentinel_kinds)]

    def ready():
        for s in sentinels:
            m = master_state(s)
            if int(m[b"num-slaves"]) != 2 or int(m[b"num-other-sentinels"]) != 2:
                return False
        return True
    # Replicas appear with the master's next INFO (every 10 s), sentinels with hellos.
    wait_for(ready, timeout=40, interval=0.2, what="sentinels to know the replicas and each other")
    return master, replicas, sentinels


class EventLog:
    """Subscribes to every event channel of a sentinel and keeps what arrives."""

    def __init__(self, s: Server):
        self.events: list[tuple[str, str]] = []
        self.ps = s.client().pubsub()
        self.ps.psubscribe("*")
        self.stop = False
        self.t = threading.Thread(target=self.run, daemon=True)
        self.t.start()

    def run(self):
        while not self.stop:
            try:
                m = self.ps.get_message(timeout=0.2)
            except Exception:
                return
            if m and m["type"] == "pmessage":
                self.events.append((m["channel"].decode(), m["data"].decode()))

    def named(self, name: str) -> list[str]:
        return [d for c, d in self.events if c == name]

    def close(self):
        self.stop = True
        self.t.join(2)
        self.ps.close()


def rejoin(servers, kind: str, master, new_master):
    """Restarts the killed master (its old data, as a master): the sentinels make it a
    replica of the new one, and it gets the writes made since."""
    again = servers.new(kind, workdir=master.dir, args=FAST, port=master.port)
    wait_for(lambda: again.client().info("replication")["role"] == "slave"
             and again.client().info("replication")["master_link_status"] == "up",
             timeout=40, interval=0.2, what="the old master rejoining as a replica")
    assert again.client().info("replication")["master_port"] == new_master.port
    wait_for(lambda: again.client().get("after") == b"1", what="the old master's data")


def fail_over(servers, master, replicas, sentinels):
    """Writes (WAITed for), kills the master, follows the switch with redis-py's
    Sentinel client; returns (seconds from kill to the first accepted write, new master,
    the other replica)."""
    sentinel = Sentinel([("127.0.0.1", s.port) for s in sentinels], socket_timeout=2)
    w = sentinel.master_for(NAME, socket_timeout=2)
    for i in range(200):
        w.set(f"k{i}", i)
    assert w.execute_command("WAIT", 2, 5000) == 2
    killed_at = time.monotonic()
    os.kill(master.pid, signal.SIGKILL)

    def writes_accepted():
        try:
            return w.set("after", "1")
        except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
            return False
    wait_for(writes_accepted, timeout=40, interval=0.05, what="writes through the sentinel client")
    downtime = time.monotonic() - killed_at
    new_port = w.connection_pool.get_master_address()[1]
    assert new_port != master.port
    assert all(w.get(f"k{i}") == str(i).encode() for i in range(200)), "a WAITed write was lost"
    new_master = next(r for r in replicas if r.port == new_port)
    other = next(r for r in replicas if r.port != new_port)
    assert new_master.client().info("replication")["role"] == "master"
    wait_for(lambda: other.client().info("replication").get("master_port") == new_port
             and other.client().info("replication")["master_link_status"] == "up",
             timeout=30, interval=0.2, what="the other replica following the new master")
    wait_for(lambda: other.client().get("after") == b"1", what="the other replica's data")
    return downtime, new_master, other


def test_three_apus_sentinels_fail_over_an_apus_master(servers, tmp_path):
    out = tmp_path / "reconfig.txt"
    script = tmp_path / "reconfig.sh"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {out}\n")
    script.chmod(0o755)
    master, replicas, sentinels = topology(servers, tmp_path, extra=f"sentinel client-reconfig-script {NAME} {script}\n")
    logs = [EventLog(s) for s in sentinels]
    downtime, new_master, other = fail_over(servers, master, replicas, sentinels)
    assert downtime < 2 + 8, downtime   # down-after plus a few seconds
    wait_for(lambda: all(len(l.named("+switch-master")) == 1 for l in logs), timeout=20,
             what="+switch-master on every sentinel")
    for l in logs:
        sw = l.named("+switch-master")[0].split()
        assert sw == [NAME, "127.0.0.1", str(master.port), "127.0.0.1", str(new_master.port)]
    # One leader for the one epoch; every sentinel agrees on the epochs.
    assert sum(len(l.named("+elected-leader")) for l in logs) == 1
    states = [master_state(s) for s in sentinels]
    assert {int(m[b"config-epoch"]) for m in states} == {1}
    assert {(m[b"ip"], int(m[b"port"])) for m in states} == {(b"127.0.0.1", new_master.port)}
    # The old master comes back with its old data as a master: it is made a replica.
    rejoin(servers, "apus", master, new_master)
    assert any(l.named("+convert-to-slave") for l in logs)
    # client-reconfig-script: the leader once, each other sentinel as an observer.
    lines = out.read_text().splitlines()
    move = f"127.0.0.1 {master.port} 127.0.0.1 {new_master.port}"
    assert sorted(lines) == sorted([f"{NAME} leader start {move}"] + [f"{NAME} observer start {move}"] * 2), lines
    # The state is on disk: each file names the new master, its epoch and both replicas.
    for s in sentinels:
        conf = open(s.conf).read()
        assert f"sentinel monitor {NAME} 127.0.0.1 {new_master.port} 2" in conf
        assert f"sentinel config-epoch {NAME} 1" in conf
        assert f"sentinel known-replica {NAME} 127.0.0.1 {master.port}" in conf
        assert f"sentinel known-replica {NAME} 127.0.0.1 {other.port}" in conf
        assert conf.count("sentinel known-sentinel") == 2
    for l in logs:
        l.close()
    print(f"\nfailover (kill -9 -> writes accepted), Apus sentinels over Apus: {downtime:.2f} s")


def test_apus_sentinels_fail_over_real_redis_servers(servers, tmp_path):
    master, replicas, sentinels = topology(servers, tmp_path, kind="redis")
    downtime, new_master, _ = fail_over(servers, master, replicas, sentinels)
    assert downtime < 2 + 8, downtime
    rejoin(servers, "redis", master, new_master)
    print(f"\nfailover (kill -9 -> writes accepted), Apus sentinels over redis-server: {downtime:.2f} s")


def test_real_redis_sentinels_fail_over_an_apus_master(servers, tmp_path):
    # What a real redis-sentinel sends and parses (COMPAT.md §4): INFO fields, hellos
    # through PUBLISH on masters and replicas, the MULTI/SLAVEOF/CONFIG REWRITE/CLIENT
    # KILL/EXEC reconfiguration.
    master, replicas, sentinels = topology(servers, tmp_path, sentinel_kinds=("redis",) * 3)
    downtime, new_master, _ = fail_over(servers, master, replicas, sentinels)
    assert downtime < 2 + 8, downtime
    rejoin(servers, "apus", master, new_master)
    print(f"\nfailover (kill -9 -> writes accepted), redis-sentinel over Apus: {downtime:.2f} s")


def test_mixed_quorum_agrees_on_one_failover(servers, tmp_path):
    master, replicas, sentinels = topology(servers, tmp_path, sentinel_kinds=("apus-flag", "apus", "redis"))
    logs = [EventLog(s) for s in sentinels]
    downtime, new_master, _ = fail_over(servers, master, replicas, sentinels)
    wait_for(lambda: all(len(l.named("+switch-master")) >= 1 for l in logs), timeout=20,
             what="+switch-master on every sentinel")
    time.sleep(2)
    for l in logs:
        assert len(l.named("+switch-master")) == 1, l.named("+switch-master")
        assert l.named("+switch-master")[0].split()[-1] == str(new_master.port)
    assert sum(len(l.named("+elected-leader")) for l in logs) == 1
    epochs = {int(master_state(s)[b"config-epoch"]) for s in sentinels}
    assert len(epochs) == 1
    for l in logs:
        l.close()
    print(f"\nfailover with a mixed quorum (2 Apus + 1 redis-sentinel): {downtime:.2f} s")


# MARK: - Commands, side by side with a real redis-sentinel

@pytest.fixture
def watched(servers, tmp_path):
    """An Apus master with one replica, watched by one Apus and one real sentinel."""
    master = servers.new("apus", args=FAST)
    replica = servers.new("apus", args=FAST + ["--replicaof", "127.0.0.1", str(master.port)])
    wait_for(lambda: master.client().info("replication")["connected_slaves"] == 1, timeout=20, what="replica")
    apus = start_sentinel(servers, tmp_path, master.port, "apus", tag="a")
    real = start_sentinel(servers, tmp_path, master.port, "redis", tag="r")
    wait_for(lambda: all(int(master_state(s)[b"num-slaves"]) == 1 and int(master_state(s)[b"num-other-sentinels"]) == 1
                         for s in (apus, real)), timeout=40, interval=0.2, what="discovery")
    return master, replica, apus, real


def cli(s: Server, *args) -> str:
    return subprocess.run(["redis-cli", "-p", str(s.port), *args], capture_output=True, timeout=20,
                          check=True).stdout.decode()


def call(s: Server, *args, protocol=2):
    c = s.client(protocol=protocol)
    try:
        return c.execute_command(*args)
    except redis.ResponseError as e:
        return ("error", str(e))
    finally:
        c.close()


def test_instance_maps_have_redis_fields_and_shapes(watched):
    master, replica, apus, real = watched
    for protocol in (2, 3):
        for args in [("SENTINEL", "MASTER", NAME), ("SENTINEL", "MASTERS"), ("SENTINEL", "REPLICAS", NAME),
                     ("SENTINEL", "SLAVES", NAME), ("SENTINEL", "SENTINELS", NAME)]:
            a = call(apus, *args, protocol=protocol)
            r = call(real, *args, protocol=protocol)
            assert type(a) is type(r), args
            one = lambda v: v if args[1] == "MASTER" else v[0]
            am, rm = one(a), one(r)
            assert type(am) is type(rm), (args, protocol)
            ak, rk = list(as_dict(am).keys()), list(as_dict(rm).keys())
            assert ak == rk, (args, protocol)
            assert all(isinstance(v, bytes) for v in as_dict(am).values()), "values are bulk strings"
    m = master_state(apus)
    assert m[b"flags"] == b"master" and int(m[b"port"]) == master.port and int(m[b"quorum"]) == 2
    rep = as_dict(call(apus, "SENTINEL", "REPLICAS", NAME)[0])
    assert rep[b"flags"] == b"slave" and int(rep[b"port"]) == replica.port
    assert rep[b"master-link-status"] == b"ok" and rep[b"slave-priority"] == b"100"
    other = as_dict(call(apus, "SENTINEL", "SENTINELS", NAME)[0])
    assert other[b"runid"] == call(real, "SENTINEL", "MYID") and int(other[b"port"]) == real.port


def test_sentinel_replies_and_errors_match_redis(watched):
    master, replica, apus, real = watched
    same = [
        ("SENTINEL", "MASTER", "nosuch"),
        ("SENTINEL", "REPLICAS", "nosuch"),
        ("SENTINEL", "GET-MASTER-ADDR-BY-NAME", "nosuch"),
        ("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME),
        ("SENTINEL", "CKQUORUM", NAME),
        ("SENTINEL", "CKQUORUM", "nosuch"),
        ("SENTINEL", "SET", NAME, "quorum", "0"),
        ("SENTINEL", "SET", NAME, "nosuch", "1"),
        ("SENTINEL", "SET", NAME, "notification-script", "/bin/true"),
        ("SENTINEL", "CONFIG", "SET", "nosuch", "1"),
        ("SENTINEL", "CONFIG", "SET", "resolve-hostnames", "maybe"),
        ("SENTINEL", "CONFIG", "GET", "announce-*"),
        ("SENTINEL", "CONFIG", "GET", "nosuch"),
        ("SENTINEL", "CONFIG", "BAD"),
        ("SENTINEL", "MONITOR", "m2", "not-an-ip", "6379", "2"),
        ("SENTINEL", "MONITOR", "m2", "127.0.0.1", "6379", "0"),
        ("SENTINEL", "MONITOR", "m2", "127.0.0.1", "x", "2"),
        ("SENTINEL", "MONITOR", NAME, "127.0.0.1", "6379", "2"),
        ("SENTINEL", "DEBUG", "nosuch", "1"),
        ("SENTINEL", "DEBUG", "ping-period", "-1"),
        ("SENTINEL", "SIMULATE-FAILURE", "HELP"),
        ("SENTINEL", "SIMULATE-FAILURE", "nosuch"),
        ("SENTINEL", "FAILOVER", "nosuch"),
        ("SENTINEL", "PENDING-SCRIPTS"),
        ("SENTINEL", "MASTERS", "extra"),
        ("SENTINEL", "NOSUCH"),
        ("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "x", "0", "*"),
        ("SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", str(master.port), "0", "*"),
        ("ROLE",),
        ("PUBLISH", "chan", "msg"),
        ("SET", "a", "b"),
        ("GET", "a"),
        ("CONFIG", "GET", "port"),
        ("SENTINEL", "RESET", "nosuch*"),
    ]
    for args in same:
        for protocol in (2, 3):
            assert call(apus, *args, protocol=protocol) == call(real, *args, protocol=protocol), (args, protocol)
    # DEBUG lists the same parameters; HELP has one entry per subcommand.
    assert as_dict(call(apus, "SENTINEL", "DEBUG")).keys() == as_dict(call(real, "SENTINEL", "DEBUG")).keys()
    entries = lambda s: [l for l in call(s, "SENTINEL", "HELP") if not l.startswith(b" ")]
    assert entries(apus) == entries(real)
    # INFO: the sentinel's sections and the # Sentinel fields.
    fields = lambda s: [l.split(":")[0] for l in cli(s, "INFO").splitlines() if l.strip()]
    a, r = fields(apus), fields(real)
    assert [l for l in a if l.startswith("#")] == [l for l in r if l.startswith("#")]
    sa = a[a.index("# Sentinel"):]
    sr = r[r.index("# Sentinel"):]
    assert sa == sr
    info = apus.client().info("sentinel")
    assert info["master0"]["name"] == NAME and info["master0"]["sentinels"] == 2 and info["master0"]["slaves"] == 1


def test_votes_once_per_epoch_first_come(watched):
    master, _, apus, real = watched
    a = "a" * 40
    b = "b" * 40
    port = str(master.port)
    for s in (apus, real):
        assert call(s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "7", a) == [0, a.encode(), 7]
        assert call(s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "7", b) == [0, a.encode(), 7]
        assert call(s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", port, "8", b) == [0, b.encode(), 8]
        assert call(s, "SENTINEL", "IS-MASTER-DOWN-BY-ADDR", "127.0.0.1", "1", "9", b) == [0, b"*", 0]
    # The vote and the epoch are state: on disk at once.
    conf = open(apus.conf).read()
    assert f"sentinel leader-epoch {NAME} 8" in conf and "sentinel current-epoch 8" in conf


@pytest.mark.parametrize("announce", ["no", "yes"])
def test_hostnames_resolve_and_announce_like_redis(servers, tmp_path, announce):
    master = servers.new("apus")
    extra = f"sentinel resolve-hostnames yes\nsentinel announce-hostnames {announce}\n"
    pair = [start_sentinel(servers, tmp_path, master.port, k, extra=extra, tag=k, host="localhost")
            for k in ("apus", "redis")]
    wait_for(lambda: all(master_state(s)[b"role-reported"] == b"master" and master_state(s)[b"runid"] for s in pair),
             timeout=20, what="the master's INFO")
    want = b"localhost" if announce == "yes" else b"127.0.0.1"
    for s in pair:
        assert master_state(s)[b"ip"] == want
        assert call(s, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME) == [want, str(master.port).encode()]
        assert master_state(s)[b"flags"] == b"master"
    # Without resolve-hostnames a name is refused, by MONITOR as by the config file.
    for args in [("SENTINEL", "MONITOR", "x", "no-such-host.invalid", "6379", "1")]:
        assert call(pair[0], *args) == call(pair[1], *args)


def test_manual_failover_info_cache_and_reset(watched):
    master, replica, apus, _ = watched
    c = apus.client()
    cache = c.execute_command("SENTINEL", "INFO-CACHE", NAME)
    assert cache[0] == NAME.encode() and len(cache[1]) == 2
    assert all(isinstance(age, int) and b"# Replication" in text for age, text in cache[1])
    assert c.execute_command("SENTINEL", "INFO-CACHE", "nosuch") == []
    assert c.execute_command("SENTINEL", "FAILOVER", NAME) == b"OK"
    with pytest.raises(redis.ResponseError, match="INPROG Failover already in progress"):
        c.execute_command("SENTINEL", "FAILOVER", NAME)
    wait_for(lambda: call(apus, "SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)[1] == str(replica.port).encode(),
             timeout=30, what="the forced failover")
    wait_for(lambda: master.client().info("replication")["role"] == "slave"
             and master.client().info("replication")["master_link_status"] == "up",
             timeout=40, interval=0.2, what="the old master demoted")
    # RESET forgets what was learned; discovery starts again.
    assert c.execute_command("SENTINEL", "RESET", "*") == 1
    assert int(master_state(apus)[b"num-other-sentinels"]) == 0
    wait_for(lambda: int(master_state(apus)[b"num-slaves"]) == 1, timeout=30, what="rediscovery")


def test_simulated_crash_after_election(watched):
    _, _, apus, _ = watched
    c = apus.client()
    assert c.execute_command("SENTINEL", "SIMULATE-FAILURE", "CRASH-AFTER-ELECTION") == b"OK"
    assert apus.client().info("sentinel")["sentinel_simulate_failure_flags"] == 1
    c.execute_command("SENTINEL", "FAILOVER", NAME)
    assert apus.wait_exit(20) == 99


def test_scripts_and_authenticated_masters(servers, tmp_path):
    master = servers.new("apus", args=["--requirepass", "s3cret"])
    out = tmp_path / "events.txt"
    script = tmp_path / "notify.sh"
    script.write_text(f"#!/bin/sh\necho \"$@\" >> {out}\n")
    script.chmod(0o755)
    extra = "sentinel deny-scripts-reconfig yes\n"
    s = start_sentinel(servers, tmp_path, master.port, "apus", extra=extra)
    c = s.client()
    # Without the password the master answers -NOAUTH: the sentinel never sees its INFO.
    time.sleep(1.5)
    assert master_state(s)[b"runid"] == b""
    assert c.execute_command("SENTINEL", "SET", NAME, "auth-pass", "s3cret", "down-after-milliseconds", "1000") == b"OK"
    wait_for(lambda: len(master_state(s)[b"runid"]) == 40, timeout=20, what="an authenticated INFO")
    with pytest.raises(redis.ResponseError, match="Reconfiguration of scripts path is denied"):
        c.execute_command("SENTINEL", "SET", NAME, "notification-script", str(script))
    assert "sentinel auth-pass mymaster s3cret" in open(s.conf).read()
    # Scripts from the file are allowed: restart with one, then take the master away.
    with open(s.conf, "a") as f:
        f.write(f"sentinel notification-script {NAME} {script}\n")
    s.stop()
    s.start()
    os.kill(master.pid, signal.SIGKILL)
    wait_for(lambda: out.exists() and "+sdown master mymaster 127.0.0.1" in out.read_text(), timeout=20,
             what="the notification script")
    assert f"+sdown master {NAME} 127.0.0.1 {master.port}" in out.read_text()
    wait_for(lambda: s.client().execute_command("SENTINEL", "PENDING-SCRIPTS") == [], what="the script reaped")


def test_renamed_commands_are_used(servers, tmp_path):
    # A real redis-server with INFO and PUBLISH renamed: the sentinel must send the new
    # names, or it would never learn the run id nor announce itself.
    master = servers.new("redis", args=["--rename-command", "INFO", "MYINFO", "--rename-command", "PUBLISH", "MYPUBLISH"])
    s = start_sentinel(servers, tmp_path, master.port, "apus")
    ps = master.client().pubsub()
    ps.subscribe("__sentinel__:hello")
    c = s.client()
    time.sleep(1.5)
    assert master_state(s)[b"runid"] == b""
    assert c.execute_command("SENTINEL", "SET", NAME, "rename-command", "INFO", "MYINFO",
                             "rename-command", "PUBLISH", "MYPUBLISH") == b"OK"
    wait_for(lambda: len(master_state(s)[b"runid"]) == 40, timeout=20, what="INFO through its new name")

    def hello():
        m = ps.get_message(timeout=0.5)
        return m and m["type"] == "message" and m["data"].split(b",")[2] == c.execute_command("SENTINEL", "MYID")
    wait_for(hello, timeout=10, what="a hello published through MYPUBLISH")
    conf = open(s.conf).read()
    assert f"sentinel rename-command {NAME} INFO MYINFO" in conf and f"sentinel rename-command {NAME} PUBLISH MYPUBLISH" in conf


# MARK: - The configuration file is the state

def test_monitor_set_remove_rewrite_the_file_and_a_restart_resumes(servers, tmp_path):
    master = servers.new("apus")
    s = start_sentinel(servers, tmp_path, master.port, "apus")
    c = s.client()
    myid = c.execute_command("SENTINEL", "MYID")
    assert len(myid) == 40
    assert c.execute_command("SENTINEL", "MONITOR", "other", "127.0.0.1", str(master.port), "1") == b"OK"
    assert c.execute_command("SENTINEL", "SET", "other", "down-after-milliseconds", "1234",
                             "parallel-syncs", "3", "auth-pass", "secret") == b"OK"
    assert c.execute_command("SENTINEL", "SET", NAME, "quorum", "5") == b"OK"
    conf = open(s.conf).read()
    assert f"sentinel myid {myid.decode()}" in conf
    assert "sentinel monitor other 127.0.0.1" in conf and "sentinel down-after-milliseconds other 1234" in conf
    assert "sentinel parallel-syncs other 3" in conf and "sentinel auth-pass other secret" in conf
    assert f"sentinel monitor {NAME} 127.0.0.1 {master.port} 5" in conf
    assert "save " not in conf
    assert c.execute_command("SENTINEL", "REMOVE", "other") == b"OK"
    conf = open(s.conf).read()
    assert "other" not in conf
    # A hello with a higher epoch raises ours; the file keeps it.
    c.execute_command("PUBLISH", "__sentinel__:hello",
                      f"127.0.0.1,1,{'c' * 40},42,{NAME},127.0.0.1,{master.port},0")
    assert int(master_state(s)[b"num-other-sentinels"]) == 1
    s.stop()
    s.start()
    c = s.client()
    assert c.execute_command("SENTINEL", "MYID") == myid
    assert c.info("sentinel")["master0"]["sentinels"] == 2
    assert int(master_state(s)[b"quorum"]) == 5
    assert "sentinel current-epoch 42" in open(s.conf).read()


def test_sentinel_needs_a_writable_config_file(tmp_path):
    r = subprocess.run([sentinel_binary(), "--port", str(free_port())], capture_output=True, timeout=20)
    assert r.returncode == 1
    assert b"Sentinel needs config file on disk to save state. Exiting..." in r.stdout + r.stderr
    conf = tmp_path / "bad.conf"
    conf.write_text("sentinel monitor m 127.0.0.1 6379 0\n")
    r = subprocess.run([sentinel_binary(), str(conf), "--port", str(free_port())], capture_output=True, timeout=20)
    assert r.returncode == 1
    assert b"Reading the configuration file, at line 1" in r.stderr and b"Quorum must be 1 or greater." in r.stderr
    # A normal server refuses sentinel lines, as redis-server does.
    conf.write_text("sentinel monitor m 127.0.0.1 6379 2\n")
    r = subprocess.run([apus_binary(), str(conf), "--port", str(free_port())], capture_output=True, timeout=20)
    assert r.returncode == 1 and b"sentinel directive while not in sentinel mode" in r.stderr


def test_tilt_when_the_process_stalls(servers, tmp_path):
    master = servers.new("apus")
    s = start_sentinel(servers, tmp_path, master.port, "apus")
    log = EventLog(s)
    os.kill(s.pid, signal.SIGSTOP)
    time.sleep(2.5)
    os.kill(s.pid, signal.SIGCONT)
    wait_for(lambda: log.named("+tilt"), timeout=10, what="+tilt")
    info = s.client().info("sentinel")
    assert info["sentinel_tilt"] == 1 and info["sentinel_tilt_since_seconds"] >= 0
    # In TILT the sentinel does not act: is-master-down-by-addr answers "not down".
    log.close()


def test_sentinel_mode_command_table(servers, tmp_path):
    master = servers.new("apus")
    s = start_sentinel(servers, tmp_path, master.port, "apus")
    assert s.client(protocol=3).ping()
    names = set(cli(s, "COMMAND", "LIST").split())
    assert {"sentinel", "ping", "info", "role", "publish", "subscribe", "client", "hello", "auth", "shutdown"} <= names
    assert not names & {"set", "get", "config", "replicaof", "save", "keys"}
    # A normal server has no SENTINEL command.
    with pytest.raises(redis.ResponseError, match="unknown command 'SENTINEL'"):
        master.client().execute_command("SENTINEL", "MASTERS")
