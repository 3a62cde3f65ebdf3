"""Hashes move between Apus and a real Redis 7.0.15 unchanged: RDB files either way
(redis-check-rdb accepts Apus's), DUMP/RESTORE either way, with the encoding 7.0 would
pick and the same DEBUG DIGEST; a BGSAVE taken while hashes are written keeps the cut;
redis-py's hash API works in RESP2 and RESP3.
"""

from __future__ import annotations

import time

from harness import assert_rdb_ok, save_and_load_in_redis

DEBUG = ["--enable-debug-command", "yes"]


def populate(c):
    c.hset("small", mapping={"a": "1", "b": "two", "n": "-42", "empty": ""})
    c.hset("big", mapping={f"f{i}": f"v{i}" for i in range(1000)})          # over 512 fields
    c.hset("long", mapping={"k": "x" * 100, "ok": "y"})                     # a value over 64 bytes
    c.hset("ttl", "f", "v")
    c.pexpire("ttl", 500_000)
    c.hset("ints", mapping={str(i): str(i * 1000003) for i in range(-50, 50)})
    c.set("plain", "string")


def snapshot(c) -> dict:
    out = {}
    for k in c.keys("*"):
        t = c.type(k)
        out[k] = (t, c.hgetall(k) if t == b"hash" else c.get(k), c.object("encoding", k), c.pttl(k) > 0)
    return out



def test_apus_rdb_with_hashes_loads_in_redis_and_back(servers):
    apus, before, r = save_and_load_in_redis(servers, populate, snapshot, DEBUG)
    assert before[b"small"][2] == b"listpack" and before[b"big"][2] == b"hashtable"
    assert before[b"long"][2] == b"hashtable"
    again = servers.new("apus", workdir=apus.dir, args=DEBUG)
    assert snapshot(again.client()) == before


def test_redis_rdb_with_hashes_loads_in_apus(servers):
    ref = servers.new("redis", args=DEBUG)
    r = ref.client()
    populate(r)
    before = snapshot(r)
    digest = r.execute_command("DEBUG", "DIGEST")
    assert r.save()
    apus = servers.new("apus", workdir=ref.dir, args=DEBUG)
    a = apus.client()
    assert snapshot(a) == before
    assert a.execute_command("DEBUG", "DIGEST") == digest
    assert a.execute_command("DEBUG", "RELOAD") == b"OK"
    assert snapshot(a) == before


def test_hash_dump_restore_both_ways(servers):
    apus, ref = servers.new("apus", args=DEBUG), servers.new("redis", args=DEBUG)
    a, r = apus.client(), ref.client()
    populate(a)
    populate(r)
    for k in (b"small", b"big", b"long", b"ints"):
        pa, pr = a.dump(k), r.dump(k)
        a.restore(b"copy:" + k, 0, pr)
        r.restore(b"copy:" + k, 0, pa)
        assert a.hgetall(b"copy:" + k) == r.hgetall(k) == r.hgetall(b"copy:" + k)
        assert a.object("encoding", b"copy:" + k) == r.object("encoding", b"copy:" + k)
        assert a.execute_command("DEBUG", "DIGEST-VALUE", b"copy:" + k) == r.execute_command("DEBUG", "DIGEST-VALUE", k)
    # A small hash's payload is byte for byte Redis's (the listpack is the same).
    assert a.dump("small") == r.dump("small")


def test_bgsave_under_hash_writes_keeps_the_cut(servers):
    apus = servers.new("apus", args=DEBUG)
    a = apus.client()
    pipe = a.pipeline(transaction=False)
    for i in range(2000):
        pipe.hset(f"h{i}", mapping={f"f{j}": "v" * 20 for j in range(20)})
    pipe.hset("huge", mapping={f"f{j}": "x" for j in range(200_000)})
    pipe.execute()
    before = a.execute_command("DEBUG", "DIGEST")
    assert a.bgsave()
    writer = apus.client()
    for i in range(2000):
        writer.hset(f"h{i}", "f0", "changed")
        writer.hdel("huge", f"f{i}")
        if a.info("persistence")["rdb_bgsave_in_progress"] == 0:
            break
    deadline = time.time() + 60
    while a.info("persistence")["rdb_bgsave_in_progress"]:
        assert time.time() < deadline
        time.sleep(0.05)
    assert a.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert_rdb_ok(apus.rdb_path())
    ref = servers.new("redis", workdir=apus.dir, args=DEBUG)
    assert ref.client().execute_command("DEBUG", "DIGEST") == before


def test_redis_py_hash_api(r):
    assert r.hset("user:1", mapping={"name": "ada", "visits": 1}) == 2
    assert r.hincrby("user:1", "visits", 2) == 3
    assert r.hincrbyfloat("user:1", "score", 1.5) == 1.5
    assert r.hget("user:1", "name") == b"ada"
    assert r.hmget("user:1", ["name", "nope"]) == [b"ada", None]
    assert r.hgetall("user:1") == {b"name": b"ada", b"visits": b"3", b"score": b"1.5"}
    assert sorted(r.hkeys("user:1")) == [b"name", b"score", b"visits"]
    assert r.hlen("user:1") == 3 and r.hexists("user:1", "name") and r.hstrlen("user:1", "name") == 3
    assert r.hsetnx("user:1", "name", "bob") == 0
    assert r.hrandfield("user:1") in (b"name", b"visits", b"score")
    assert len(r.hrandfield("user:1", -5, withvalues=True)) in (5, 10)
    cursor, items = r.hscan("user:1")
    assert cursor == 0 and items == {b"name": b"ada", b"visits": b"3", b"score": b"1.5"}
    assert sum(1 for _ in r.hscan_iter("user:1")) == 3
    assert r.hdel("user:1", "name", "visits", "score") == 3 and not r.exists("user:1")
