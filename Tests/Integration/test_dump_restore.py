"""DUMP and RESTORE: payloads move between Apus and a real Redis 7.0.15 both ways, and
every option and error behaves as in Redis (the same script runs against both servers
and the outputs must match, apart from remaining TTLs). Damaged payloads are refused,
never crash the server.
"""

from __future__ import annotations

import random
import struct

import redis as redispy


def outcome(c, *args):
    try:
        return ("ok", c.execute_command(*args))
    except redispy.ResponseError as e:
        return ("err", str(e))


def script(c) -> list:
    """Every RESTORE option and error path; returns what the server answered."""
    c.flushall()
    c.set("s", "hello")
    c.set("i", "12345")
    c.set("big", "x" * 100)
    ds, di, db = c.dump("s"), c.dump("i"), c.dump("big")
    bad_version = bytearray(ds)
    bad_version[-10] = 11
    out = [ds, di, db, outcome(c, "DUMP", "nokey")]
    cases = [
        ("RESTORE", "n1", "0", b"garbage"),
        ("RESTORE", "n2", "-1", ds),
        ("RESTORE", "s", "abc", b"garbage"),          # BUSYKEY comes before the TTL check
        ("RESTORE", "n3", "abc", b"garbage"),
        ("RESTORE", "n5", "0", ds, "IDLETIME", "-1"),
        ("RESTORE", "n6", "0", ds, "FREQ", "256"),
        ("RESTORE", "n6", "0", ds, "FREQ", "x"),
        ("RESTORE", "n7", "0", ds, "FOO"),
        ("RESTORE", "s", "0", ds, "FOO"),
        ("RESTORE", "n8", "1", ds, "ABSTTL"),           # already expired: OK, no key
        ("EXISTS", "n8"),
        ("RESTORE", "s", "1", ds, "ABSTTL", "REPLACE"),  # deletes the old key
        ("EXISTS", "s"),
        ("RESTORE", "n9", "0", bytes(bad_version)),
        ("RESTORE", "n11", "0", b"123456789"),
        ("RESTORE", "n12", "0", b""),
        ("RESTORE", "n13", "0", ds, "IDLETIME", "100"),
        ("OBJECT", "IDLETIME", "n13"),
        ("RESTORE", "n14", "0", di), ("OBJECT", "ENCODING", "n14"), ("GET", "n14"),
        ("RESTORE", "n15", "0", db), ("OBJECT", "ENCODING", "n15"), ("GET", "n15"),
        ("RESTORE", "n16", "0", ds, "REPLACE", "REPLACE", "IDLETIME", "5", "IDLETIME", "7"),
        ("OBJECT", "IDLETIME", "n16"),
        ("RESTORE", "n17", "0", ds, "IDLETIME"),
        ("RESTORE", "n18", "0", ds, "IDLETIME", "5", "FREQ", "5"),
        ("RESTORE", "n19", "0", ds, "FREQ", "5"), ("GET", "n19"),
        ("RESTORE", "n20", "9223372036854775807", ds), ("EXISTS", "n20"),
        ("RESTORE", "n21", "5000", ds, "REPLACE"),
        ("RESTORE", "n21", "5000", ds),
    ]
    out += [outcome(c, *a) for a in cases]
    c.config_set("maxmemory-policy", "allkeys-lfu")
    out += [outcome(c, "RESTORE", "n22", "0", ds, "FREQ", "77"), outcome(c, "OBJECT", "FREQ", "n22")]
    c.config_set("maxmemory-policy", "noeviction")
    out.append(0 < c.pttl("n21") <= 5000)
    return out


def test_options_and_errors_match_redis(apus, redis_ref):
    a, r = apus.client(), redis_ref.client()
    assert script(a) == script(r)


def test_payloads_cross_between_apus_and_redis(apus, redis_ref):
    a, r = apus.client(), redis_ref.client()
    values = [b"", b"0", b"-1", b"12345", b"9223372036854775807", b"hello", b"x" * 100,
              bytes(range(256)) * 40, b"y" * 100_000]
    for i, v in enumerate(values):
        r.set(f"k{i}", v)
        a.set(f"k{i}", v)
        from_redis = r.dump(f"k{i}")
        from_apus = a.dump(f"k{i}")
        # The same value gives the same payload (same encodings, same LZF, same CRC).
        assert from_apus == from_redis, v[:20]
        a.restore(f"r{i}", 0, from_redis)
        r.restore(f"a{i}", 0, from_apus)
        assert a.get(f"r{i}") == v and r.get(f"a{i}") == v
        assert a.object("encoding", f"r{i}") == r.object("encoding", f"a{i}")
    # TTLs: relative and absolute.
    p = r.dump("k5")
    a.restore("t1", 100_000, p)
    assert 99_000 < a.pttl("t1") <= 100_000
    a.restore("t2", 4_000_000_000_000, p, absttl=True)
    assert a.pexpiretime("t2") == 4_000_000_000_000


def test_damaged_payloads_are_refused(apus):
    c = apus.client()
    c.set("s", "x" * 300)
    c.rpush("l", *[f"e{i}" for i in range(40)], "y" * 30)
    c.zadd("zl", {"a": 1, "b": 2.5, "c": -3})
    c.zadd("zs", {f"m{i}": i / 3 for i in range(200)})
    c.hset("h", mapping={"f1": "v1", "f2": 22})
    c.sadd("si", 1, 2, 300000)
    c.sadd("ss", "a", "b")
    goods = [c.dump(k) for k in ("s", "l", "zl", "zs", "h", "si", "ss")]
    rnd = random.Random(17)
    answers = set()
    for n in range(3000):
        p = bytearray(goods[n % len(goods)])
        for _ in range(rnd.randint(1, 4)):
            p[rnd.randrange(len(p))] = rnd.randrange(256)
        if rnd.random() < 0.3:
            p = p[: rnd.randrange(len(p))]
        if rnd.random() < 0.5 and len(p) >= 10:
            # Fix the checksum so the damage reaches the decoder.
            p = p[:-8] + struct.pack("<Q", crc64(bytes(p[:-8])))
        kind, val = outcome(c, "RESTORE", f"d{n}", "0", bytes(p))
        answers.add(val if kind == "err" else "OK")
    assert c.ping()
    assert answers <= {"OK", "DUMP payload version or checksum are wrong", "Bad data format"}
    assert "Bad data format" in answers and "DUMP payload version or checksum are wrong" in answers


def crc64(data: bytes) -> int:
    """Redis's CRC-64 (Jones polynomial, reflected), bit by bit."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    return crc
