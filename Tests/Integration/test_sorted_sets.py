"""Sorted sets move between Apus and a real Redis 7.0.15 unchanged: RDB files either way
(redis-check-rdb accepts Apus's; both encodings, infinite and fractional scores, TTLs),
DUMP/RESTORE either way with byte-identical listpack payloads, the same encodings and
DEBUG DIGEST; redis-py's sorted-set API works; BZPOPMIN/BZMPOP block and are served.
"""

from __future__ import annotations

from harness import save_and_load_in_redis
from test_lists import blocked_count, start_blocked

DEBUG = ["--enable-debug-command", "yes"]


def populate(c):
    c.zadd("small", {"a": 1, "b": 2.5, "c": -3, "d": float("inf"), "e": float("-inf"), "f": 0.1})
    c.zadd("big", {f"member:{i}": (i * 7919) % 1000 / 8 for i in range(1000)})   # skiplist
    c.zadd("long", {"x" * 100: 1})                                                 # member over 64 bytes
    c.zadd("ttl", {"t": 7})
    c.pexpire("ttl", 500_000)


def snapshot(c) -> dict:
    return {k: (c.type(k), c.zrange(k, 0, -1, withscores=True), c.object("encoding", k), c.pttl(k) > 0)
            for k in c.keys("*")}


def test_sorted_sets_cross_through_rdb_both_ways(servers):
    apus, before, r = save_and_load_in_redis(servers, populate, snapshot, DEBUG)
    assert before[b"small"][2] == b"listpack" and before[b"big"][2] == b"skiplist"
    assert before[b"long"][2] == b"skiplist"
    r.zadd("fromredis", {f"m{i}": i / 3 for i in range(500)})
    assert r.save()
    again = servers.new("apus", workdir=apus.dir, args=DEBUG)
    b = again.client()
    assert snapshot(b) == snapshot(r)
    assert b.execute_command("DEBUG", "DIGEST") == r.execute_command("DEBUG", "DIGEST")
    b.execute_command("DEBUG", "RELOAD")
    assert b.execute_command("DEBUG", "DIGEST") == r.execute_command("DEBUG", "DIGEST")


def test_sorted_set_dump_restore_both_ways(servers):
    apus, ref = servers.new("apus", args=DEBUG), servers.new("redis", args=DEBUG)
    a, r = apus.client(), ref.client()
    populate(a)
    populate(r)
    for k in (b"small", b"big", b"long"):
        a.restore(b"copy:" + k, 0, r.dump(k))
        r.restore(b"copy:" + k, 0, a.dump(k))
        assert a.zrange(b"copy:" + k, 0, -1, withscores=True) == r.zrange(k, 0, -1, withscores=True)
        assert r.zrange(b"copy:" + k, 0, -1, withscores=True) == r.zrange(k, 0, -1, withscores=True)
        assert a.object("encoding", b"copy:" + k) == r.object("encoding", b"copy:" + k)
    assert a.dump(b"small") == r.dump(b"small")


def test_redis_py_sorted_set_api(servers):
    c = servers.new("apus", args=DEBUG).client(protocol=3)
    assert c.zadd("board", {"ann": 10, "bob": 20, "cid": 15}) == 3
    assert c.zincrby("board", 7, "ann") == 17.0
    assert c.zrange("board", 0, -1, desc=True, withscores=True) == [[b"bob", 20.0], [b"ann", 17.0], [b"cid", 15.0]]
    assert c.zrank("board", "ann") == 1 and c.zscore("board", "cid") == 15.0
    assert c.zrangebyscore("board", 16, "+inf") == [b"ann", b"bob"]
    assert c.zpopmax("board") == [b"bob", 20.0]        # flat without a count, as 7.0
    assert c.zmpop(1, ["board"], min=True, count=5) == [b"board", [[b"cid", 15.0], [b"ann", 17.0]]]
    assert not c.exists("board")


def test_bzpopmin_blocks_until_a_member_arrives(servers):
    apus = servers.new("apus")
    c = apus.client()
    w1 = start_blocked(apus, c, "BZPOPMIN", "z1", "z2", "0")
    w2 = start_blocked(apus, c, "BZMPOP", "0", "1", "z2", "MAX", "COUNT", "2")
    assert c.zadd("z2", {"a": 1, "b": 2, "c": 3}) == 3
    w1.join(5)
    w2.join(5)
    assert w1.reply == [b"z2", b"a", 1.0]
    assert w2.reply == [b"z2", [[b"c", b"3"], [b"b", b"2"]]]
    assert blocked_count(c) == 0 and not c.exists("z2")
    assert c.bzpopmax(["nothing"], timeout=0.1) is None
