"""Every Redis 7.0 data type moves between Apus and a real Redis 7.0.15 unchanged: RDB
files both ways (redis-check-rdb accepts Apus's; the same DEBUG DIGEST on both sides),
DUMP/RESTORE both ways, a stream in the older RDB type 15. Streams also block and wake
as in 7.0 (XREAD, XREADGROUP, a destroyed group, a deleted key), and their consumer-group
state reaches real Redis replicas and survives an AOF rewrite exactly.
"""

from __future__ import annotations

import struct
import subprocess
import threading
import time

import pytest
import redis as redispy

from harness import assert_rdb_ok, wait_for

DEBUG = ["--enable-debug-command", "yes"]


# MARK: - A dataset of every type

def populate(c):
    c.set("str", "hello")
    c.set("int", 12345)
    c.rpush("list", *[f"e{i}" for i in range(200)])
    c.sadd("set", *range(100))
    c.sadd("sset", "a", "b", "c")
    c.zadd("zset", {f"m{i}": i / 3 for i in range(300)})
    c.hset("hash", mapping={f"f{i}": f"v{i}" for i in range(50)})
    # Bitmaps and bit fields are strings.
    c.setbit("bits", 7, 1)
    c.setbit("bits", 100_000, 1)
    c.bitfield("bf").set("i16", "#3", -1234).set("u5", 77, 19).execute()
    # HyperLogLogs, sparse and dense.
    c.pfadd("hll:sparse", *[f"x{i}" for i in range(100)])
    c.pfadd("hll:dense", *[f"y{i}" for i in range(5000)])
    c.pfcount("hll:sparse")
    # Geo sets are sorted sets.
    c.geoadd("geo", (13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania", 2.3522, 48.8566, "Paris"))
    # Streams: several nodes, deletions, trimming, groups with pending entries.
    c.config_set("stream-node-max-entries", 10)
    for i in range(1, 96):
        c.xadd("stream", {"a": i, "b": f"v{i}"} if i % 7 else {"other": "fields", "n": i}, id=f"{1000 + i}-{i % 3}")
    c.xdel("stream", "1005-2", "1050-2", "1051-0")
    c.xtrim("stream", minid="1003-0")
    c.xgroup_create("stream", "g1", id="0")
    c.xgroup_create("stream", "g2", id="1050-0")
    c.xreadgroup("g1", "alice", {"stream": ">"}, count=5)
    c.xreadgroup("g1", "bob", {"stream": ">"}, count=3)
    c.xreadgroup("g2", "carol", {"stream": ">"}, count=4, noack=True)
    c.xack("stream", "g1", "1004-1")
    c.xgroup_createconsumer("stream", "g1", "idle")
    c.config_set("stream-node-max-entries", 100)
    # An empty stream that keeps its group and counters.
    c.xadd("empty-stream", {"x": "y"}, id="5-5")
    c.xdel("empty-stream", "5-5")
    c.xgroup_create("empty-stream", "g", id="$")
    c.xgroup_create("made", "g", id="$", mkstream=True)
    c.xadd("ttl-stream", {"k": "v"}, id="1-1")
    c.pexpire("ttl-stream", 600_000)


def value(c, k, t):
    if t == b"string":
        return c.get(k)
    if t == b"list":
        return c.lrange(k, 0, -1)
    if t == b"set":
        return sorted(c.smembers(k))
    if t == b"zset":
        return c.zrange(k, 0, -1, withscores=True)
    if t == b"hash":
        return c.hgetall(k)
    if t == b"stream":
        return (c.xrange(k), c.execute_command("XINFO", "STREAM", k, "FULL"),
                c.execute_command("XINFO", "GROUPS", k))
    raise AssertionError(f"unexpected type {t!r}")


def snapshot(c) -> dict:
    out = {}
    for k in sorted(c.keys("*")):
        t = c.type(k)
        out[k] = (t, value(c, k, t), c.object("encoding", k), c.pttl(k) > 0)
    return out


def test_redis_rdb_with_every_type_loads_in_apus(servers):
    ref = servers.new("redis", args=DEBUG)
    r = ref.client()
    populate(r)
    assert r.save()
    # What Redis itself holds once the file is loaded (a string edited in place is "raw"
    # before, "embstr" after a load).
    assert r.execute_command("DEBUG", "RELOAD") == b"OK"
    before = snapshot(r)
    digest = r.execute_command("DEBUG", "DIGEST")
    apus = servers.new("apus", workdir=ref.dir, args=DEBUG)
    a = apus.client()
    assert snapshot(a) == before
    assert a.execute_command("DEBUG", "DIGEST") == digest
    assert a.execute_command("DEBUG", "RELOAD") == b"OK"
    assert snapshot(a) == before


def test_apus_rdb_with_every_type_loads_in_redis_and_back(servers):
    apus = servers.new("apus", args=DEBUG)
    a = apus.client()
    populate(a)
    assert a.save()
    assert_rdb_ok(apus.rdb_path())
    assert a.execute_command("DEBUG", "RELOAD") == b"OK"
    before = snapshot(a)
    digest = a.execute_command("DEBUG", "DIGEST")
    assert before[b"stream"][2] == b"stream" and before[b"hll:dense"][0] == b"string"
    r = servers.new("redis", workdir=apus.dir, args=DEBUG).client()
    assert snapshot(r) == before
    assert r.execute_command("DEBUG", "DIGEST") == digest


def test_dump_restore_of_every_type_both_ways(servers):
    apus, ref = servers.new("apus", args=DEBUG), servers.new("redis", args=DEBUG)
    a, r = apus.client(), ref.client()
    populate(r)
    for k in r.keys("*"):
        payload = r.dump(k)
        ttl = max(r.pttl(k), 0)
        a.restore(k, ttl, payload, replace=True)
        back = a.dump(k)
        r.restore(b"back:" + k, ttl, back)
        t = r.type(k)
        assert value(a, k, t) == value(r, k, t), k
        assert value(r, b"back:" + k, t) == value(r, k, t), k
        # The digest mixes in whether the key has a TTL, and both copies have one.
        assert a.execute_command("DEBUG", "DIGEST-VALUE", k) == r.execute_command("DEBUG", "DIGEST-VALUE", k), k


# MARK: - RDB type 15 (streams as 5.0-6.2 wrote them)

def crc64(data: bytes) -> int:
    """Redis's CRC-64/Jones (reflected, polynomial 0xad93d23594c935a9)."""
    poly = 0x95AC9329AC4BC9B5
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ poly if crc & 1 else crc >> 1
    return crc


class Reader:
    def __init__(self, b: bytes):
        self.b, self.p = b, 0

    def length(self) -> int:
        t = self.b[self.p]
        kind = t >> 6
        if kind == 0:
            self.p += 1
            return t & 0x3F
        if kind == 1:
            v = ((t & 0x3F) << 8) | self.b[self.p + 1]
            self.p += 2
            return v
        if t == 0x80:
            v = struct.unpack(">I", self.b[self.p + 1:self.p + 5])[0]
            self.p += 5
            return v
        if t == 0x81:
            v = struct.unpack(">Q", self.b[self.p + 1:self.p + 9])[0]
            self.p += 9
            return v
        raise AssertionError(f"unexpected length byte {t:#x}")

    def raw_length_bytes(self) -> bytes:
        start = self.p
        self.length()
        return self.b[start:self.p]

    def string_bytes(self) -> bytes:
        start = self.p
        n = self.length()
        self.p += n
        return self.b[start:self.p]


def to_type15(payload: bytes) -> bytes:
    """Rewrites an uncompressed 7.0 stream DUMP payload (type 19) as type 15: the same
    nodes, without the first ID, largest deleted ID, entries-added counter and group
    read counters, under RDB version 9."""
    body = payload[:-10]
    assert body[0] == 19
    rd = Reader(body[1:])
    out = bytearray([15])
    nodes_raw = rd.raw_length_bytes()
    out += nodes_raw
    rd2 = Reader(nodes_raw)
    for _ in range(rd2.length()):
        out += rd.string_bytes()          # master ID
        out += rd.string_bytes()          # listpack
    for _ in range(3):                    # length, last ID
        out += rd.raw_length_bytes()
    for _ in range(5):                    # first ID, max deleted ID, entries added: dropped
        rd.raw_length_bytes()
    groups_raw = rd.raw_length_bytes()
    out += groups_raw
    for _ in range(Reader(groups_raw).length()):
        out += rd.string_bytes()
        out += rd.raw_length_bytes() + rd.raw_length_bytes()
        rd.raw_length_bytes()             # entries read: dropped
        pel_raw = rd.raw_length_bytes()
        out += pel_raw
        for _ in range(Reader(pel_raw).length()):
            out += rd.b[rd.p:rd.p + 16 + 8]
            rd.p += 24
            out += rd.raw_length_bytes()
        cons_raw = rd.raw_length_bytes()
        out += cons_raw
        for _ in range(Reader(cons_raw).length()):
            out += rd.string_bytes()
            out += rd.b[rd.p:rd.p + 8]
            rd.p += 8
            owned_raw = rd.raw_length_bytes()
            out += owned_raw
            n = Reader(owned_raw).length()
            out += rd.b[rd.p:rd.p + 16 * n]
            rd.p += 16 * n
    assert rd.p == len(rd.b), "the whole payload was understood"
    out += struct.pack("<H", 9)
    out += struct.pack("<Q", crc64(bytes(out)))
    return bytes(out)


def test_a_type_15_stream_loads_as_redis_loads_it(servers):
    apus, ref = servers.new("apus", args=DEBUG), servers.new("redis", args=DEBUG)
    a, r = apus.client(), ref.client()
    r.config_set("rdbcompression", "no")
    for i in range(1, 30):
        r.xadd("s", {"f": i}, id=f"{i}-0")
    r.xdel("s", "1-0", "17-0")
    r.xgroup_create("s", "g", id="0")
    r.xreadgroup("g", "c", {"s": ">"}, count=4)
    legacy = to_type15(r.dump("s"))
    r.restore("old", 0, legacy)
    a.restore("old", 0, legacy)
    assert a.execute_command("XINFO", "STREAM", "old", "FULL") == r.execute_command("XINFO", "STREAM", "old", "FULL")
    assert a.execute_command("XINFO", "GROUPS", "old") == r.execute_command("XINFO", "GROUPS", "old")


# MARK: - Blocking reads

def blocked_call(c, *args):
    """Runs a command on its own connection in a thread; returns (thread, result box)."""
    box = {}

    def run():
        try:
            box["ok"] = c.execute_command(*args)
        except redispy.ResponseError as e:
            box["err"] = str(e)
    t = threading.Thread(target=run)
    t.start()
    return t, box


def wait_blocked(c, n):
    wait_for(lambda: c.info("clients")["blocked_clients"] == n, what=f"{n} blocked clients")


def test_xread_blocks_until_an_entry_arrives(servers):
    srv = servers.new("apus")
    c = srv.client()
    c.xadd("s", {"a": 1}, id="1-1")
    t, box = blocked_call(srv.client(), "XREAD", "BLOCK", "0", "STREAMS", "s", "other", "$", "0")
    wait_blocked(c, 1)
    c.xadd("other", {"b": 2}, id="2-2")
    t.join(5)
    assert box["ok"] == [[b"other", [(b"2-2", {b"b": b"2"})]]]
    # A timeout answers a null array (redis-py turns it into []); COUNT bounds what a
    # woken reader gets.
    assert not c.execute_command("XREAD", "BLOCK", "50", "STREAMS", "s", "$")
    t, box = blocked_call(srv.client(), "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "s", "$")
    wait_blocked(c, 1)
    with c.pipeline(transaction=True) as p:
        p.xadd("s", {"x": 1}, id="3-1")
        p.xadd("s", {"x": 2}, id="3-2")
        p.execute()
    t.join(5)
    assert box["ok"] == [[b"s", [(b"3-1", {b"x": b"1"})]]]


def test_xreadgroup_blocks_and_learns_of_a_destroyed_group_or_deleted_key(servers):
    srv = servers.new("apus")
    c = srv.client()
    c.xgroup_create("s", "g", id="$", mkstream=True)
    t, box = blocked_call(srv.client(), "XREADGROUP", "GROUP", "g", "alice", "BLOCK", "0", "STREAMS", "s", ">")
    wait_blocked(c, 1)
    c.xadd("s", {"k": "v"}, id="5-0")
    t.join(5)
    assert box["ok"] == [[b"s", [(b"5-0", {b"k": b"v"})]]]
    assert c.xpending("s", "g")["pending"] == 1

    t, box = blocked_call(srv.client(), "XREADGROUP", "GROUP", "g", "bob", "BLOCK", "0", "STREAMS", "s", ">")
    wait_blocked(c, 1)
    c.xgroup_destroy("s", "g")
    t.join(5)
    assert box["err"] == "NOGROUP the consumer group this client was blocked on no longer exists"

    c.xgroup_create("s", "g2", id="$")
    t, box = blocked_call(srv.client(), "XREADGROUP", "GROUP", "g2", "bob", "BLOCK", "0", "STREAMS", "s", ">")
    t2, box2 = blocked_call(srv.client(), "XREAD", "BLOCK", "300", "STREAMS", "s", "$")
    wait_blocked(c, 2)
    c.delete("s")
    t.join(5)
    assert box["err"] == "UNBLOCKED the stream key no longer exists"
    t2.join(5)
    assert not box2["ok"]         # a plain reader keeps waiting, then times out


@pytest.mark.parametrize("kind", ["apus", "redis"])
def test_only_what_wakes_redis_readers_wakes_them(servers, kind):
    """XDEL, XTRIM and EXPIRE leave blocked readers waiting, as in 7.0 (only XADD, a
    destroyed group and the key's replacement or deletion wake them); a flush or an
    expiry that removes the key releases a group reader with -UNBLOCKED. Run on Redis too,
    to show that is what it does."""
    srv = servers.new(kind)
    c = srv.client()
    c.xadd("s", {"a": 1}, id="1-0")
    c.xadd("s", {"a": 2}, id="2-0")
    c.xgroup_create("s", "g", id="1-0")
    c.xdel("s", "2-0")
    t, box = blocked_call(srv.client(), "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
    t2, box2 = blocked_call(srv.client(), "XREAD", "BLOCK", "0", "STREAMS", "s", "1-0")
    wait_blocked(c, 2)
    c.xdel("s", "1-0")
    c.xtrim("s", maxlen=0)
    c.expire("s", 1000)
    time.sleep(0.2)
    assert c.info("clients")["blocked_clients"] == 2 and not box and not box2
    c.xadd("s", {"a": 3}, id="3-0")
    t.join(5)
    t2.join(5)
    assert box["ok"] == [[b"s", [(b"3-0", {b"a": b"3"})]]]
    assert box2["ok"] == [[b"s", [(b"3-0", {b"a": b"3"})]]]

    for gone in (lambda: c.flushall(), lambda: c.pexpire("s", 1)):
        c.xadd("s", {"a": 4}, id="9-0")
        c.xgroup_create("s", "g2", id="$")
        t, box = blocked_call(srv.client(), "XREADGROUP", "GROUP", "g2", "c", "BLOCK", "0", "STREAMS", "s", ">")
        wait_blocked(c, 1)
        gone()
        time.sleep(0.05)
        c.exists("s")                # an expired key goes when touched, or by the cron
        t.join(5)
        assert box["err"] == "UNBLOCKED the stream key no longer exists"
        c.delete("s")


# MARK: - Replication and AOF of group state

def group_state(c, key):
    return (c.xrange(key), c.execute_command("XINFO", "STREAM", key, "FULL"))


def masked(state):
    """A group state with the times that depend on the clock (seen times, delivery
    times) zeroed, so two servers fed the same commands compare equal."""
    def walk(x):
        if isinstance(x, dict):
            out = {}
            for k, v in x.items():
                if k == b"seen-time":
                    out[k] = 0
                elif k == b"pending":
                    out[k] = [[e[0], e[1], 0, e[3]] if len(e) == 4 else [e[0], 0, e[2]] for e in v]
                else:
                    out[k] = walk(v)
            return out
        if isinstance(x, tuple):
            return tuple(walk(v) for v in x)
        if isinstance(x, list):
            keys = x[::2]
            if len(x) % 2 == 0 and all(isinstance(k, bytes) for k in keys) and \
                    ({b"groups", b"pending", b"seen-time"} & set(keys)):
                return walk(dict(zip(x[::2], x[1::2])))
            return [walk(v) for v in x]
        return x
    return walk(list(state))


def drive_groups(c):
    """Every group operation that changes state, with explicit IDs."""
    c.xgroup_create("s", "g", id="$", mkstream=True)
    for i in range(1, 21):
        c.xadd("s", {"i": i}, id=f"{100 + i // 4}-{i % 4}")
    c.xadd("s", {"i": "t"}, id="200-0", maxlen=15, approximate=True)
    c.xreadgroup("g", "alice", {"s": ">"}, count=6)
    c.xreadgroup("g", "bob", {"s": ">"}, count=2, noack=True)
    ids = [e[0] for e in c.xrange("s", count=3)]
    c.xack("s", "g", ids[0])
    c.xclaim("s", "g", "carol", 0, [ids[1]])
    c.xautoclaim("s", "g", "dave", 0, start_id="0-0", count=2)
    c.xreadgroup("g", "alice", {"s": "0"})            # history: not replicated, as in 7.0
    c.xgroup_create("s", "late", id="0")
    c.xreadgroup("late", "erin", {"s": ">"}, count=3, noack=True)
    c.xclaim("s", "g", "frank", 0, ["101-1", "999-0"], justid=True, force=True)
    c.xgroup_setid("s", "g", id="$")
    c.xgroup_delconsumer("s", "g", "bob")
    c.xdel("s", ids[2])


def first_difference(a, b, path=""):
    """Where two nested replies first differ, for a readable failure."""
    if type(a) is not type(b):
        return f"{path}: {a!r} vs {b!r}"
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            d = first_difference(a.get(k), b.get(k), f"{path}/{k!r}")
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return f"{path}: {len(a)} items vs {len(b)}: {a!r} vs {b!r}"
        for i, (x, y) in enumerate(zip(a, b)):
            d = first_difference(x, y, f"{path}/{i}")
            if d:
                return d
        return None
    return None if a == b else f"{path}: {a!r} vs {b!r}"


@pytest.mark.parametrize("replica_kind", ["redis", "apus"])
def test_stream_group_effects_replicate_as_redis_does(servers, replica_kind):
    """The same commands on an Apus master and on a Redis master leave the same state on
    each master and on each one's replica (times aside): Apus replicates what 7.0 does."""
    states = {}
    for master_kind in ("apus", "redis"):
        master = servers.new(master_kind)
        replica = servers.new(replica_kind if master_kind == "apus" else "redis")
        m, rc = master.client(), replica.client()
        rc.replicaof("127.0.0.1", master.port)
        wait_for(lambda: rc.info("replication")["master_link_status"] == "up", what="replica link up")
        drive_groups(m)
        auto = m.xadd("auto", {"k": "v"})              # an ID from the clock reaches the replica
        m.set("marker", "1")
        wait_for(lambda: rc.get("marker") == b"1", what="replica caught up")
        assert rc.xrange("auto") == m.xrange("auto") and rc.xrange("auto")[0][0] == auto
        states[master_kind] = (masked(group_state(m, "s")), masked(group_state(rc, "s")))
    assert states["apus"] == states["redis"], first_difference(states["apus"], states["redis"])


def test_stream_state_survives_aof_rewrite_and_restart_as_in_redis(servers):
    """An AOF rewrite (no RDB preamble) and a restart leave each server with the same
    state as the other (times aside; a pending entry whose entry was deleted does not
    survive the rewrite on either), and Redis reads Apus's AOF to the same state."""
    args = ["--appendonly", "yes", "--aof-use-rdb-preamble", "no"]
    reloaded = {}
    for kind in ("apus", "redis"):
        srv = servers.new(kind, args=args)
        c = srv.client()
        drive_groups(c)
        c.xadd("empty", {"a": "b"}, id="9-9")
        c.xdel("empty", "9-9")
        assert c.bgrewriteaof()
        wait_for(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0
                 and c.info("persistence")["aof_rewrite_scheduled"] == 0, what="rewrite done")
        c.xadd("s", {"after": "rewrite"}, id="300-0")
        srv.stop()
        again = servers.new(kind, workdir=srv.dir, args=args)
        a = again.client()
        reloaded[kind] = (group_state(a, "s"), group_state(a, "empty"))
        again.stop()
        if kind == "apus":
            ref = servers.new("redis", workdir=srv.dir, args=args)
            theirs = masked((group_state(ref.client(), "s"), group_state(ref.client(), "empty")))
            # Replaying XCLAIMs stamps consumers with the time of the load: times aside.
            assert theirs == masked(reloaded["apus"]), first_difference(theirs, masked(reloaded["apus"]))
            ref.stop()
    ours, theirs = masked(reloaded["apus"]), masked(reloaded["redis"])
    assert ours == theirs, first_difference(ours, theirs)


# MARK: - Clients' APIs

@pytest.mark.parametrize("protocol", [2, 3])
def test_redis_py_uses_every_new_type(servers, protocol):
    srv = servers.new("apus")
    c = srv.client(protocol=protocol, decode_responses=True)
    assert c.setbit("b", 3, 1) == 0 and c.getbit("b", 3) == 1 and c.bitcount("b") == 1
    assert c.bitpos("b", 1) == 3
    assert c.bitfield("bf").incrby("u8", 0, 300).get("i8", 0).execute() == [44, 44]
    assert c.pfadd("h", "a", "b", "c") == 1 and c.pfcount("h") == 3
    assert c.pfmerge("h2", "h") and c.pfcount("h", "h2") == 3
    assert c.geoadd("g", (13.361389, 38.115556, "Palermo", 15.087269, 37.502669, "Catania")) == 2
    assert round(c.geodist("g", "Palermo", "Catania", "km"), 4) == 166.2742
    assert c.geosearch("g", longitude=15, latitude=37, radius=200, unit="km", sort="ASC") == ["Catania", "Palermo"]
    first = c.xadd("s", {"k": "v"})
    assert c.xlen("s") == 1 and c.xrange("s")[0][0] == first
    c.xgroup_create("s", "grp", id="0")
    got = c.xreadgroup("grp", "me", {"s": ">"})
    assert (got["s"][0] if protocol == 3 else got[0][1])[0][0] == first
    assert c.xack("s", "grp", first) == 1
    info = c.xinfo_stream("s")
    assert info["length"] == 1 and info["entries-added"] == 1 and info["groups"] == 1
