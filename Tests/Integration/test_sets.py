"""Sets move between Apus and a real Redis 7.0.15 unchanged: RDB files either way
(redis-check-rdb accepts Apus's), DUMP/RESTORE either way with byte-identical intset
payloads, the encoding 7.0 would pick and the same DEBUG DIGEST; redis-py's set API works.
"""

from __future__ import annotations

from harness import save_and_load_in_redis

DEBUG = ["--enable-debug-command", "yes"]


def populate(c):
    c.sadd("ints", *range(-20, 20))
    c.sadd("wide", 1, 2 ** 40, -(2 ** 62))
    c.sadd("strs", "a", "b", "c", "")
    c.sadd("many", *range(1000))                       # over set-max-intset-entries
    c.sadd("mixed", 1, "x")
    c.sadd("ttl", 7)
    c.pexpire("ttl", 500_000)


def snapshot(c) -> dict:
    return {k: (c.type(k), c.smembers(k) if c.type(k) == b"set" else None, c.object("encoding", k),
                c.pttl(k) > 0) for k in c.keys("*")}



def test_sets_cross_through_rdb_both_ways(servers):
    apus, before, r = save_and_load_in_redis(servers, populate, snapshot, DEBUG)
    assert before[b"ints"][2] == b"intset" and before[b"many"][2] == b"hashtable"
    assert before[b"strs"][2] == b"hashtable"
    r.sadd("fromredis", 1, 2, "z")
    assert r.save()
    again = servers.new("apus", workdir=apus.dir, args=DEBUG)
    b = again.client()
    assert b.smembers("fromredis") == {b"1", b"2", b"z"}
    assert b.execute_command("DEBUG", "DIGEST") == r.execute_command("DEBUG", "DIGEST")


def test_set_dump_restore_both_ways(servers):
    apus, ref = servers.new("apus", args=DEBUG), servers.new("redis", args=DEBUG)
    a, r = apus.client(), ref.client()
    populate(a)
    populate(r)
    for k in (b"ints", b"wide", b"strs", b"many", b"mixed"):
        a.restore(b"copy:" + k, 0, r.dump(k))
        r.restore(b"copy:" + k, 0, a.dump(k))
        assert a.smembers(b"copy:" + k) == r.smembers(k) == r.smembers(b"copy:" + k)
        assert a.object("encoding", b"copy:" + k) == r.object("encoding", b"copy:" + k)
    assert a.dump("ints") == r.dump("ints") and a.dump("wide") == r.dump("wide")


def test_redis_py_set_api(r):
    assert r.sadd("tags", "a", "b", "c") == 3
    assert r.smembers("tags") == {b"a", b"b", b"c"}
    assert r.sismember("tags", "a") and r.smismember("tags", ["a", "z"]) == [1, 0]
    assert r.scard("tags") == 3
    assert r.sadd("other", "c", "d") == 2
    assert r.sinter("tags", "other") == {b"c"}
    assert r.sunion("tags", "other") == {b"a", b"b", b"c", b"d"}
    assert r.sdiff("tags", "other") == {b"a", b"b"}
    assert r.sintercard(2, ["tags", "other"]) == 1
    assert r.smove("tags", "other", "a") and r.sismember("other", "a")
    assert set(r.spop("other", 10)) == {b"a", b"c", b"d"} and not r.exists("other")
    assert r.srandmember("tags") in (b"b", b"c")
    assert sorted(r.sscan_iter("tags")) == [b"b", b"c"]


def test_huge_negative_random_counts_do_not_hold_the_server(apus):
    """SRANDMEMBER/HRANDFIELD with a count near -2^63: the client is cut off at its output
    limit and the server goes on serving others at once."""
    c = apus.client()
    c.sadd("s", 1, 2, 3)
    c.hset("h", "a", "1")
    c.config_set("client-output-buffer-limit", "normal 1mb 1mb 0")
    for cmd in (b"SRANDMEMBER s -9223372036854775807", b"HRANDFIELD h -9223372036854775807",
                b"HRANDFIELD h -4611686018427387903 WITHVALUES"):
        with apus.raw() as raw:
            raw.send(b"*%d\r\n" % len(cmd.split()) + b"".join(b"$%d\r\n%s\r\n" % (len(a), a) for a in cmd.split()))
            other = apus.client()
            assert other.ping()
            other.close()
