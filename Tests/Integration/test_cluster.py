"""Cluster mode end to end, driven by the real tools: `redis-cli --cluster`
(create / check / reshard / rebalance / add-node / del-node), `redis-cli -c`, redis-py's
RedisCluster, and real redis-server 7.0 nodes on the same bus.

Every node is a process on a free loopback port with its bus on a second free port
(`cluster-port`); everything is killed by PID when a test ends (cluster_harness).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time

import pytest
import redis
from redis.cluster import RedisCluster as PyCluster

from cluster_harness import REDIS_CLI, REDIS_SERVER, RedisCluster
from harness import Server, apus_binary, free_port, wait_for


def cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run([REDIS_CLI, *args], capture_output=True, text=True, timeout=timeout)


def check_clean(port: int) -> str:
    p = cli("--cluster", "check", f"127.0.0.1:{port}")
    out = p.stdout + p.stderr
    assert p.returncode == 0, out
    assert "[OK] All nodes agree about slots configuration." in out, out
    assert "[OK] All 16384 slots covered." in out, out
    assert "[WARNING]" not in out and "[ERR]" not in out, out
    return out


class Writer(threading.Thread):
    """Writes w:<n> = n through RedisCluster until stopped; counts errors (redirections
    are followed by the client and are not errors)."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.rc = PyCluster(host="127.0.0.1", port=port, decode_responses=True)
        self.acked: list[int] = []
        self.errors: list[str] = []
        self.stop_flag = threading.Event()

    def run(self) -> None:
        n = 0
        while not self.stop_flag.is_set():
            try:
                self.rc.set(f"w:{n}", n)
                self.acked.append(n)
            except redis.RedisError as e:
                self.errors.append(repr(e))
            n += 1

    def finish(self) -> None:
        self.stop_flag.set()
        self.join(30)

    def lost(self) -> list[int]:
        return [n for n in self.acked if self.rc.get(f"w:{n}") != str(n)]


@pytest.fixture
def apus_cluster():
    with RedisCluster(masters=3, replicas=1, binary=apus_binary()) as c:
        yield c


def test_create_check_and_clients(apus_cluster):
    c = apus_cluster
    check_clean(c.ports[0])
    rc = PyCluster(host="127.0.0.1", port=c.ports[0], decode_responses=True)
    for i in range(10000):
        rc.set(f"key:{i}", i)
    assert all(rc.get(f"key:{i}") == str(i) for i in range(10000))
    assert sum(c.dbsizes().values()) == 10000
    # Keys live where their slot is served: COUNTKEYSINSLOT agrees with KEYSLOT.
    with c.client(c.master_ports()[0]) as m:
        slot = m.execute_command("CLUSTER", "KEYSLOT", "key:1")
        owner = next(p for p in c.master_ports()
                     if c.client(p).execute_command("CLUSTER", "COUNTKEYSINSLOT", slot) > 0)
        keys = c.client(owner).execute_command("CLUSTER", "GETKEYSINSLOT", slot, 1000)
        assert "key:1" in keys
        assert len(keys) == c.client(owner).execute_command("CLUSTER", "COUNTKEYSINSLOT", slot)
    # redis-cli -c follows MOVED from any node.
    for p in c.ports[:3]:
        out = cli("-c", "-p", str(p), "GET", "key:4242").stdout.strip()
        assert out == "4242"
    # Without -c a node that does not serve the slot answers MOVED with the owner's address.
    wrong = next(p for p in c.master_ports() if p != owner)
    with pytest.raises(redis.exceptions.MovedError, match=rf"^{slot} 127.0.0.1:{owner}$"):
        c.client(wrong).get("key:1")
    with pytest.raises(redis.ResponseError, match="^Keys in request don.t hash to the same slot$"):
        c.client(owner).mget("a", "b", "c")
    # Several keys of one slot are fine.
    assert rc.mget("{t}a", "{t}b") == [None, None]
    # Replicas redirect reads unless READONLY.
    rep = c.replicas_of(c.node_id(owner))[0]["port"]
    wait_for(lambda: c.client(rep).dbsize() == c.client(owner).dbsize(), timeout=20, what="replica synced")
    raw = redis.Redis(port=rep, decode_responses=True, protocol=2)
    with pytest.raises(redis.exceptions.MovedError):
        raw.get("key:1")
    raw.execute_command("READONLY")
    assert raw.get("key:1") == "1"
    with pytest.raises(redis.exceptions.MovedError):
        raw.set("key:1", "x")
    raw.execute_command("READWRITE")
    with pytest.raises(redis.exceptions.MovedError):
        raw.get("key:1")
    with pytest.raises(redis.ResponseError, match="SELECT is not allowed in cluster mode"):
        raw.execute_command("SELECT", "1")
    info = c.client(owner).info("cluster")
    assert info["cluster_enabled"] == 1


def test_ask_redirection_and_migrate(apus_cluster):
    c = apus_cluster
    a, b = c.master_ports()[:2]
    ida, idb = c.node_id(a), c.node_id(b)
    ca, cb = c.client(a), c.client(b)
    # A slot A serves, with two keys in it.
    slot = next(s for s in range(16384) if c.masters() and _owner(c, s) == a)
    tag = _tag_for_slot(slot)
    ca.set(f"{{{tag}}}x", "1")
    ca.set(f"{{{tag}}}y", "2")
    ca.set(f"{{{tag}}}z", "3")
    assert cb.execute_command("CLUSTER", "SETSLOT", slot, "IMPORTING", ida) == "OK"
    assert ca.execute_command("CLUSTER", "SETSLOT", slot, "MIGRATING", idb) == "OK"
    # Present keys are served by the source; absent ones get ASK.
    assert ca.get(f"{{{tag}}}x") == "1"
    with pytest.raises(redis.exceptions.AskError, match=rf"^{slot} 127.0.0.1:{b}$"):
        ca.get(f"{{{tag}}}new")
    # The target refuses without ASKING and serves with it.
    with pytest.raises(redis.exceptions.MovedError, match=rf"^{slot} 127.0.0.1:{a}$"):
        cb.get(f"{{{tag}}}new")
    # Move one key; multi-key commands on the split slot get TRYAGAIN on the target.
    assert ca.execute_command("MIGRATE", "127.0.0.1", b, "", 0, 5000, "KEYS", f"{{{tag}}}x") == "OK"
    raw_b = redis.Redis(port=b, decode_responses=True, protocol=2)
    pipe = raw_b.pipeline(transaction=False)
    pipe.execute_command("ASKING")
    pipe.execute_command("MGET", f"{{{tag}}}x", f"{{{tag}}}y")
    with pytest.raises(redis.exceptions.TryAgainError):
        pipe.execute()
    # redis-cli -c follows ASK for the migrated key.
    assert cli("-c", "-p", str(a), "GET", f"{{{tag}}}x").stdout.strip() == "1"
    # COPY keeps the source's key; REPLACE overwrites the target's.
    assert ca.execute_command("MIGRATE", "127.0.0.1", b, "", 0, 5000, "COPY", "KEYS", f"{{{tag}}}z") == "OK"
    ca.set(f"{{{tag}}}z", "4")
    with pytest.raises(redis.ResponseError, match="BUSYKEY"):
        ca.execute_command("MIGRATE", "127.0.0.1", b, "", 0, 5000, "COPY", "KEYS", f"{{{tag}}}z")
    assert ca.execute_command("MIGRATE", "127.0.0.1", b, "", 0, 5000, "REPLACE", "KEYS", f"{{{tag}}}z") == "OK"
    with pytest.raises(redis.exceptions.AskError):   # gone here: asked elsewhere
        ca.get(f"{{{tag}}}z")
    pipe = raw_b.pipeline(transaction=False)
    pipe.execute_command("ASKING")
    pipe.get(f"{{{tag}}}z")
    assert pipe.execute()[1] == "4"
    assert ca.execute_command("MIGRATE", "127.0.0.1", b, f"{{{tag}}}y", 0, 5000) == "OK"
    assert ca.execute_command("MIGRATE", "127.0.0.1", b, f"{{{tag}}}y", 0, 5000) == "NOKEY"
    for p in (a, b):
        assert c.client(p).execute_command("CLUSTER", "SETSLOT", slot, "NODE", idb) == "OK"
    wait_for(lambda: _owner(c, slot) == b, timeout=10, what="slot moved everywhere")
    assert cli("-c", "-p", str(a), "GET", f"{{{tag}}}y").stdout.strip() == "2"
    check_clean(a)


def _owner(c: RedisCluster, slot: int, port: int | None = None) -> int | None:
    with c.client(port or c.ports[0]) as cl:
        for r in cl.execute_command("CLUSTER", "SLOTS"):
            if r[0] <= slot <= r[1]:
                return int(r[2][1])
    return None


def _tag_for_slot(slot: int) -> str:
    # Brute force a short tag that hashes to `slot` (CRC16 via CLUSTER KEYSLOT locally).
    from binascii import crc_hqx
    i = 0
    while True:
        t = f"t{i}"
        if crc_hqx(t.encode(), 0) % 16384 == slot:
            return t
        i += 1


def test_reshard_and_rebalance_while_writing(apus_cluster):
    c = apus_cluster
    w = Writer(c.ports[0])
    w.start()
    time.sleep(1)
    a, b = c.master_ports()[:2]
    p = c.reshard(a, b, 1500)
    assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()
    new = c.add_empty_node()
    p = cli("--cluster", "add-node", f"127.0.0.1:{new.port}", f"127.0.0.1:{a}")
    assert p.returncode == 0, p.stdout + p.stderr
    wait_for(lambda: any(n["port"] == new.port for n in c.cluster_nodes(a)), timeout=20, what="new node known")
    time.sleep(2)
    p = cli("--cluster", "rebalance", f"127.0.0.1:{a}", "--cluster-use-empty-masters")
    assert p.returncode == 0, p.stdout + p.stderr
    time.sleep(1)
    w.finish()
    assert w.errors == []
    assert len(w.acked) > 500
    assert w.lost() == []
    with c.client(new.port) as n:
        assert n.dbsize() > 0
    check_clean(a)
    # Empty it again and remove it for good.
    new_id = c.node_id(new.port)
    p = cli("--cluster", "rebalance", f"127.0.0.1:{a}", "--cluster-weight", f"{new_id}=0")
    assert p.returncode == 0, p.stdout + p.stderr
    p = cli("--cluster", "del-node", f"127.0.0.1:{a}", new_id)
    assert p.returncode == 0, p.stdout + p.stderr
    wait_for(lambda: all(n["id"] != new_id for n in c.cluster_nodes(a)), timeout=10, what="node forgotten")
    c.nodes.remove(new)
    new.stop()
    check_clean(a)


def test_failover_after_kill_and_rejoin(apus_cluster):
    c = apus_cluster
    rc = PyCluster(host="127.0.0.1", port=c.ports[0], decode_responses=True)
    for i in range(2000):
        rc.set(f"f:{i}", i)
    victim_port = c.master_ports()[0]
    victim_id = c.node_id(victim_port)
    replica_port = c.replicas_of(victim_id)[0]["port"]
    with c.client(victim_port) as v:
        v.execute_command("WAIT", 1, 5000)
    victim = next(s for s in c.nodes if s.port == victim_port)
    os.kill(victim.pid, 9)
    victim.proc.wait(10)
    t0 = time.monotonic()
    survivor = next(p for p in c.ports if p not in (victim_port,))
    wait_for(lambda: any(n["port"] == replica_port for n in c.masters(survivor)), timeout=20,
             what="replica promoted")
    wait_for(lambda: "cluster_state:ok" in str(c.client(survivor).execute_command("CLUSTER", "INFO")),
             timeout=20, what="cluster ok again")
    elapsed = time.monotonic() - t0
    assert elapsed < c.node_timeout_ms / 1000 + 5
    rc = PyCluster(host="127.0.0.1", port=survivor, decode_responses=True)
    assert all(rc.get(f"f:{i}") == str(i) for i in range(2000))
    # The old master comes back as a replica of its successor.
    victim.start()
    new_master_id = c.node_id(replica_port)
    wait_for(lambda: any(n["port"] == victim_port and n["master_id"] == new_master_id
                         for n in c.cluster_nodes(victim_port)), timeout=20, what="old master rejoined as replica")
    c.wait_stable(timeout=30)
    check_clean(survivor)


def test_manual_failover_and_takeover(apus_cluster):
    c = apus_cluster
    m = c.master_ports()[1]
    r = c.replicas_of(c.node_id(m))[0]["port"]
    c.manual_failover(r)
    assert "slave" in next(n["flags"] for n in c.cluster_nodes(m) if n["port"] == m)
    with c.client(m) as old:
        assert old.execute_command("CLUSTER", "FAILOVER", "TAKEOVER") == "OK"
    wait_for(lambda: any(n["port"] == m for n in c.masters(m)), timeout=20, what="takeover")
    c.wait_stable()
    check_clean(m)


def test_nodes_conf_survives_restart(apus_cluster):
    c = apus_cluster
    node = c.nodes[0]
    before = c.node_id(node.port)
    with c.client(node.port) as cl:
        epoch = cl.execute_command("CLUSTER", "INFO")
    text = open(os.path.join(node.dir, f"nodes-{node.port}.conf")).read()
    assert "myself" in text and text.rstrip().splitlines()[-1].startswith("vars currentEpoch ")
    node.stop()
    node.start()
    assert c.node_id(node.port) == before
    c.wait_stable(timeout=30)
    check_clean(node.port)
    assert epoch is not None


def test_mixed_cluster_with_real_redis():
    """A real redis-server 7.0 joins an Apus cluster by CLUSTER MEET, takes slots by
    reshard, and both sides' views pass redis-cli --cluster check."""
    with RedisCluster(masters=3, replicas=0, binary=apus_binary()) as c:
        real = c.add_empty_node(REDIS_SERVER)
        a = c.ports[0]
        with c.client(a) as ca:
            assert ca.execute_command("CLUSTER", "MEET", "127.0.0.1", real.port, real.bus_port) == "OK"
        wait_for(lambda: len(c.cluster_nodes(real.port)) == 4 and len(c.cluster_nodes(a)) == 4,
                 timeout=20, what="real node joined")
        time.sleep(1)
        rc = PyCluster(host="127.0.0.1", port=a, decode_responses=True)
        for i in range(3000):
            rc.set(f"m:{i}", i)
        p = c.reshard(a, real.port, 500)
        assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()
        with c.client(real.port) as r:
            assert r.dbsize() > 0
        # And back: slots move from the Redis node to an Apus node.
        p = c.reshard(real.port, c.ports[1], 200)
        assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()
        wait_for(lambda: _views_agree(c, [a, real.port]), timeout=20, what="same slot map on both")
        check_clean(a)
        check_clean(real.port)
        rc = PyCluster(host="127.0.0.1", port=real.port, decode_responses=True)
        assert all(rc.get(f"m:{i}") == str(i) for i in range(3000))


def _views_agree(c: RedisCluster, ports: list[int]) -> bool:
    views = [sorted((n["id"], n["slots"]) for n in c.cluster_nodes(p)) for p in ports]
    return all(v == views[0] for v in views)


def test_cluster_replies_match_redis():
    """Error texts and reply shapes side by side with a real cluster-enabled redis-server."""
    apus = Server(apus_binary(), "apus", args=["--cluster-enabled", "yes", "--cluster-port", str(free_port())])
    red = Server(REDIS_SERVER, "redis", args=["--cluster-enabled", "yes", "--cluster-port", str(free_port())])
    apus.start()
    try:
        red.start()
        cmds = [
            ["CLUSTER", "KEYSLOT", "foo{bar}"], ["CLUSTER", "COUNTKEYSINSLOT", "99999"],
            ["CLUSTER", "GETKEYSINSLOT", "1", "-1"], ["CLUSTER", "ADDSLOTS", "16384"],
            ["CLUSTER", "ADDSLOTS", "1", "1"], ["CLUSTER", "DELSLOTS", "5"], ["CLUSTER", "ADDSLOTSRANGE", "5", "1"],
            ["CLUSTER", "ADDSLOTSRANGE", "1"], ["CLUSTER", "SETSLOT", "1", "MIGRATING", "nope"],
            ["CLUSTER", "SETSLOT", "1", "BOGUS"], ["CLUSTER", "FORGET", "nope"], ["CLUSTER", "REPLICATE", "nope"],
            ["CLUSTER", "FAILOVER"], ["CLUSTER", "SET-CONFIG-EPOCH", "-1"], ["CLUSTER", "RESET", "MEDIUM"],
            ["CLUSTER", "MEET", "1.2.3", "7000"], ["CLUSTER", "MEET", "127.0.0.1", "x"], ["CLUSTER", "NOPE"],
            ["SELECT", "2"], ["GET", "x"], ["MIGRATE", "127.0.0.1", "1", "k", "0", "10", "KEYS", "a"],
            ["MIGRATE", "127.0.0.1", "1", "", "0", "10", "KEYS", "a"], ["SWAPDB", "0", "1"],
            ["CLUSTER", "ADDSLOTS", "0", "1", "2"], ["CLUSTER", "ADDSLOTS", "2"], ["CLUSTER", "COUNTKEYSINSLOT", "0"],
            ["CLUSTER", "GETKEYSINSLOT", "0", "10"], ["CLUSTER", "SETSLOT", "1", "IMPORTING", "nope"],
            ["CLUSTER", "DELSLOTSRANGE", "0", "2"], ["CLUSTER", "FLUSHSLOTS"], ["CLUSTER", "BUMPEPOCH"],
            # Half the slots served: the cluster is down (full coverage required).
            ["CLUSTER", "ADDSLOTSRANGE", "0", "8000"], ["GET", "b"], ["GET", "a"],
            ["CONFIG", "SET", "cluster-allow-reads-when-down", "yes"], ["GET", "b"], ["SET", "b", "1"],
            ["MGET", "b", "{b}x"], ["CONFIG", "SET", "cluster-require-full-coverage", "no"],
        ]
        for cmd in cmds:
            replies = []
            for s in (apus, red):
                with redis.Redis(port=s.port, protocol=2) as cl:
                    try:
                        replies.append(cl.execute_command(*cmd))
                    except redis.ResponseError as e:
                        replies.append("ERR:" + str(e))
            if cmd == ["CLUSTER", "BUMPEPOCH"]:
                assert [r.split()[0] for r in map(bytes.decode, replies)] == ["BUMPED", "BUMPED"]
                continue
            assert replies[0] == replies[1], (cmd, replies)
        # Giving up a slot unsubscribes the clients of its shard channels (7.0).
        import socket
        frames = []
        for s in (apus, red):
            with socket.create_connection(("127.0.0.1", s.port), timeout=5) as sk:
                sk.sendall(b"*2\r\n$10\r\nSSUBSCRIBE\r\n$5\r\n{b}ch\r\n")
                buf = b""
                while buf.count(b"\r\n") < 6:
                    buf += sk.recv(4096)
                with redis.Redis(port=s.port) as cl:
                    cl.execute_command("CLUSTER", "DELSLOTSRANGE", "0", "8000")
                buf = b""
                while buf.count(b"\r\n") < 6:
                    buf += sk.recv(4096)
                frames.append(buf)
        assert frames[0] == frames[1] == b"*3\r\n$12\r\nsunsubscribe\r\n$5\r\n{b}ch\r\n:0\r\n"
        fields = []
        for s in (apus, red):
            with redis.Redis(port=s.port, protocol=2, decode_responses=True) as cl:
                text = cl.execute_command("CLUSTER", "INFO")
                fields.append([l.split(":")[0] for l in str(text).splitlines() if not l.startswith("cluster_stats")])
        assert fields[0] == fields[1]
    finally:
        apus.stop()
        red.stop()


def test_cluster_disabled_errors():
    s = Server(apus_binary(), "apus")
    s.start()
    try:
        with redis.Redis(port=s.port) as cl:
            for cmd in (["CLUSTER", "INFO"], ["ASKING"], ["READONLY"], ["CLUSTER", "NODES"]):
                with pytest.raises(redis.ResponseError, match="This instance has cluster support disabled"):
                    cl.execute_command(*cmd)
    finally:
        s.stop()


def _slot_tags(lo: int, hi: int, n: int) -> list[str]:
    from binascii import crc_hqx
    out, i = [], 0
    while len(out) < n:
        t = f"t{i}"
        if lo <= crc_hqx(t.encode(), 0) % 16384 <= hi:
            out.append(t)
        i += 1
    return out


def _migrations(port: int) -> list[dict]:
    with redis.Redis(port=port, decode_responses=True, protocol=2) as cl:
        raw = cl.execute_command("CLUSTER", "GETSLOTMIGRATIONS")
    return [dict(zip(m[::2], m[1::2])) if isinstance(m, list) else m for m in raw]


def test_atomic_slot_migration_while_writing():
    """CLUSTER MIGRATESLOTS moves a slot range while a client writes to it: no error of
    any kind (no ASK, no TRYAGAIN), nothing lost, counters exact on the target."""
    with RedisCluster(masters=3, replicas=1, binary=apus_binary()) as c:
        src = _owner(c, 0)
        dst = next(p for p in c.master_ports() if p != src)
        rc = PyCluster(host="127.0.0.1", port=src, decode_responses=True)
        tags = _slot_tags(0, 999, 100)
        pipe = rc.pipeline()
        for i in range(20000):
            pipe.set(f"pre{{{tags[i % 100]}}}{i}", i)
        pipe.execute()
        stop = threading.Event()
        acked, errors = [], []

        def writer():
            n = 0
            while not stop.is_set():
                t = tags[n % 100]
                try:
                    rc.set(f"w{{{t}}}{n}", n)
                    rc.incr(f"c{{{t}}}")
                    acked.append(n)
                except redis.RedisError as e:
                    errors.append(repr(e))
                n += 1

        th = threading.Thread(target=writer, daemon=True)
        th.start()
        time.sleep(0.5)
        with c.client(src) as s:
            assert s.execute_command("CLUSTER", "MIGRATESLOTS", "SLOTSRANGE", 0, 999, "NODE", c.node_id(dst)) == "OK"
            with pytest.raises(redis.ResponseError, match="already being migrated"):
                s.execute_command("CLUSTER", "MIGRATESLOTS", "SLOTSRANGE", 5, 6, "NODE", c.node_id(dst))
        wait_for(lambda: _migrations(src)[-1]["state"] in ("success", "failed", "cancelled"), timeout=60,
                 what="migration finished")
        time.sleep(0.5)
        stop.set()
        th.join(30)
        job = _migrations(src)[-1]
        assert job["state"] == "success", job
        assert job["operation"] == "EXPORT" and job["slot_ranges"] == "0-999"
        assert _migrations(dst)[-1]["operation"] == "IMPORT"
        assert errors == []
        assert len(acked) > 100
        assert all(rc.get(f"pre{{{tags[i % 100]}}}{i}") == str(i) for i in range(20000))
        assert all(rc.get(f"w{{{tags[n % 100]}}}{n}") == str(n) for n in acked)
        assert sum(int(rc.get(f"c{{{t}}}") or 0) for t in tags) == len(acked)
        wait_for(lambda: all(_owner(c, s, p) == dst for s in (0, 500, 999) for p in c.master_ports()), timeout=20,
                 what="every node sees the new owner")
        # The source let go of its copies; the target's replica has them.
        wait_for(lambda: c.client(src).execute_command("CLUSTER", "COUNTKEYSINSLOT", 0) == 0, timeout=20,
                 what="source purged")
        c.wait_stable()
        check_clean(src)


def test_cancel_slot_migration_drops_the_partial_copy():
    with RedisCluster(masters=3, replicas=0, binary=apus_binary()) as c:
        src = _owner(c, 0)
        dst = next(p for p in c.master_ports() if p != src)
        rc = PyCluster(host="127.0.0.1", port=src, decode_responses=True)
        tags = _slot_tags(0, 999, 100)
        pipe = rc.pipeline()
        for i in range(100000):
            pipe.set(f"x{{{tags[i % 100]}}}{i}", "v" * 100)
        pipe.execute()
        with c.client(src) as s:
            s.execute_command("CLUSTER", "MIGRATESLOTS", "SLOTSRANGE", 0, 999, "NODE", c.node_id(dst))
            assert s.execute_command("CLUSTER", "CANCELSLOTMIGRATIONS") == "OK"
        job = _migrations(src)[-1]
        # The job may finish before the cancel on a fast machine; then it is complete.
        assert job["state"] in ("cancelled", "success"), job
        if job["state"] == "cancelled":
            assert _owner(c, 0, dst) == src
            assert "CANCELSLOTMIGRATIONS" in job["message"]
        wait_for(lambda: sum(c.dbsizes().values()) == 100000, timeout=30, what="no partial copy left behind")
        assert all(rc.get(f"x{{{tags[i % 100]}}}{i}") is not None for i in range(0, 100000, 97))


def test_apus_node_joins_redis_cluster():
    """An Apus node joins a cluster of real redis-server 7.0 nodes through CLUSTER MEET
    and takes slots by reshard; both sides check clean."""
    with RedisCluster(masters=3, replicas=0) as c:
        apus = c.add_empty_node(apus_binary())
        r0 = c.ports[0]
        with c.client(apus.port) as a:
            assert a.execute_command("CLUSTER", "MEET", "127.0.0.1", r0, c.nodes[0].bus_port) == "OK"
        wait_for(lambda: len(c.cluster_nodes(r0)) == 4 and len(c.cluster_nodes(apus.port)) == 4, timeout=20,
                 what="apus node joined the redis cluster")
        # A master that just started waits 2 s before it calls the cluster ok (7.0 too).
        wait_for(lambda: "cluster_state:ok" in str(c.client(apus.port).execute_command("CLUSTER", "INFO")),
                 timeout=20, what="apus node sees the cluster ok")
        rc = PyCluster(host="127.0.0.1", port=r0, decode_responses=True)
        for i in range(3000):
            rc.set(f"j:{i}", i)
        p = c.reshard(r0, apus.port, 400)
        assert p.returncode == 0, p.stdout.decode() + p.stderr.decode()
        with c.client(apus.port) as a:
            assert a.dbsize() > 0
        wait_for(lambda: _views_agree(c, [r0, apus.port]), timeout=20, what="same slot map on both")
        check_clean(r0)
        check_clean(apus.port)
        rc = PyCluster(host="127.0.0.1", port=apus.port, decode_responses=True)
        assert all(rc.get(f"j:{i}") == str(i) for i in range(3000))


def test_pubsub_over_the_bus_and_replica_migration(apus_cluster):
    c = apus_cluster
    a, b = c.master_ports()[:2]
    # PUBLISH reaches subscribers on every node; SPUBLISH those of the channel's shard.
    sub = redis.Redis(port=b, decode_responses=True).pubsub()
    sub.subscribe("news")
    wait_for(lambda: sub.get_message(timeout=0.1) is not None, timeout=5, what="subscribed")
    assert c.client(a).publish("news", "hello") == 0
    msg = None
    deadline = time.time() + 5
    while msg is None and time.time() < deadline:
        m = sub.get_message(timeout=0.2)
        if m and m["type"] == "message":
            msg = m
    assert msg is not None and msg["data"] == "hello"
    sub.close()
    owner = _owner(c, HashSlotOf("shardchan"))
    rep = c.replicas_of(c.node_id(owner))[0]["port"]
    # A replica serves SSUBSCRIBE after READONLY, as in 7.0.
    import socket
    with socket.create_connection(("127.0.0.1", rep), timeout=5) as sk:
        sk.sendall(b"*1\r\n$8\r\nREADONLY\r\n*2\r\n$10\r\nSSUBSCRIBE\r\n$9\r\nshardchan\r\n")
        buf = b""
        while b"ssubscribe" not in buf:
            buf += sk.recv(4096)
        assert buf.startswith(b"+OK")
        c.client(owner).execute_command("SPUBLISH", "shardchan", "sharded")
        buf = b""
        while b"sharded" not in buf:
            data = sk.recv(4096)
            assert data, "connection closed"
            buf += data
        assert b"smessage" in buf
    # Replica migration: a master with two replicas gives one to a master left without.
    extra = c.add_empty_node()
    p = cli("--cluster", "add-node", f"127.0.0.1:{extra.port}", f"127.0.0.1:{a}", "--cluster-slave",
            "--cluster-master-id", c.node_id(a))
    assert p.returncode == 0, p.stdout + p.stderr
    wait_for(lambda: len(c.replicas_of(c.node_id(a))) == 2, timeout=20, what="second replica of a")
    time.sleep(2)
    b_replica = c.replicas_of(c.node_id(b))[0]["port"]
    victim = next(s for s in c.nodes if s.port == b_replica)
    victim.stop()
    wait_for(lambda: any(n["master_id"] == c.node_id(b) and "fail" not in n["flags"] and n["port"] != b_replica
                         for n in c.cluster_nodes(a)),
             timeout=40, what="a replica migrated to the orphaned master")
    c.nodes.remove(victim)


def HashSlotOf(key: str) -> int:
    from binascii import crc_hqx
    return crc_hqx(key.encode(), 0) % 16384
