"""Keyspace notifications, event for event against a real Redis 7.0.15.

Both servers get the same long random command stream (3 seeds x 2000 steps; EVENT_SEEDS
and EVENT_STEPS change them) over every data type (strings, lists, hashes, sets, sorted
sets, keys and TTLs, MULTI/EXEC blocks with blocking pops, RESTORE, SORT STORE, several
databases) with `notify-keyspace-events` on for every class. A subscriber on each collects `__keyspace@*` and `__keyevent@*` messages; a
marker published after each step groups them by the step that raised them, and the
groups must be identical, as must the replies. Expiry is made deterministic: active
expiry is off on both sides and keys expire only because their time is already past
when they are read (`expired`, then `keymiss`).

Also: the config directive (every class letter, the canonical CONFIG GET spelling,
errors, the config file, CONFIG REWRITE), redis-py's pubsub receiving events in both
protocols, and no event at all when the classes are off.
"""

from __future__ import annotations

import os
import random
import socket

import pytest

from conftest import ServerFactory
from harness import decode_one as decode, encode_command, wait_for


@pytest.fixture(scope="module")
def pair(apus_bin, redis_bin, tmp_path_factory):
    """(apus, redis), both allowing DEBUG (to switch active expiry off)."""
    f = ServerFactory(apus_bin, redis_bin, str(tmp_path_factory.mktemp("events")))
    try:
        args = ["--enable-debug-command", "yes"]
        yield f.new("apus", args=args), f.new("redis", args=args)
    finally:
        f.stop_all()


EVENT_PATTERN = b"__key*__:*"


class Subscriber:
    """A raw RESP2 connection subscribed to every keyspace channel and to `mark`."""

    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""
        self.sock.sendall(encode_command(["PSUBSCRIBE", EVENT_PATTERN]) + encode_command(["SUBSCRIBE", "mark"]))
        assert self._next()[0] == b"psubscribe"
        assert self._next()[0] == b"subscribe"

    def _next(self):
        while True:
            end = _frame_end(self.buf, 0) if self.buf else None
            if end is not None:
                frame, self.buf = self.buf[:end], self.buf[end:]
                return decode(frame)
            chunk = self.sock.recv(65536)
            assert chunk, "subscriber connection closed"
            self.buf += chunk

    def until_mark(self, mark: bytes) -> list[tuple[bytes, bytes]]:
        """The (channel, message) pairs received before the marker `mark`."""
        out = []
        while True:
            m = self._next()
            if m[0] == b"message" and m[1] == b"mark":
                assert m[2] == mark, f"marker {m[2]!r} while waiting for {mark!r}"
                return out
            assert m[0] == b"pmessage", m
            out.append((m[2], m[3]))

    def close(self):
        self.sock.close()


def collect(p, n: int, timeout: float = 5.0) -> list[tuple[bytes, bytes]]:
    """The next `n` messages of redis-py PubSub `p`, as (channel, data)."""
    got = []

    def more():
        m = p.get_message(timeout=0.1)
        if m is not None:
            got.append((m["channel"], m["data"]))
        return len(got) >= n
    wait_for(more, timeout=timeout, what=f"{n} messages")
    return got


def _line(buf: bytes, pos: int):
    i = buf.find(b"\r\n", pos)
    return None if i < 0 else i


def _frame_end(buf: bytes, pos: int):
    """End offset of the RESP2 frame starting at `pos`, or None if incomplete."""
    e = _line(buf, pos)
    if e is None:
        return None
    t = buf[pos:pos + 1]
    if t in (b"+", b"-", b":"):
        return e + 2
    n = int(buf[pos + 1:e])
    if t == b"$":
        if n < 0:
            return e + 2
        return e + 2 + n + 2 if len(buf) >= e + 2 + n + 2 else None
    if t == b"*":
        p = e + 2
        for _ in range(max(n, 0)):
            p = _frame_end(buf, p)
            if p is None:
                return None
        return p
    raise AssertionError(f"unexpected frame type {t!r}")


class Conn:
    def __init__(self, port: int):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.buf = b""

    def send(self, *cmds) -> list[bytes]:
        self.sock.sendall(b"".join(encode_command(c) for c in cmds))
        out = []
        for _ in cmds:
            while True:
                end = _frame_end(self.buf, 0) if self.buf else None
                if end is not None:
                    out.append(self.buf[:end])
                    self.buf = self.buf[end:]
                    break
                chunk = self.sock.recv(65536)
                assert chunk, "connection closed"
                self.buf += chunk
        return out

    def close(self):
        self.sock.close()


# MARK: - The random command stream

STR = ["s1", "s2", "s3"]
LST = ["l1", "l2"]
HSH = ["h1", "h2"]
SETS = ["t1", "t2", "t3"]
ZS = ["z1", "z2", "z3"]
ALL = STR + LST + HSH + SETS + ZS + ["missing"]


def gen_steps(rng: random.Random, n: int, payload: bytes) -> list[list[list]]:
    """`n` steps, each a list of commands sent together (a MULTI block is one step)."""
    def k(pool=None):
        return rng.choice(pool or ALL)

    def v():
        return rng.choice(["a", "bb", "1", "42", "-7", "3.5", "xyz"])

    def m():
        return rng.choice(["m1", "m2", "m3", "m4", "5", "6"])

    def single():
        r = rng.random()
        if r < 0.22:
            return rng.choice([
                ["SET", k(STR), v()], ["SET", k(STR), v(), "EX", "1000"], ["SET", k(STR), v(), "PX", "900000", "GET"],
                ["SET", k(STR), v(), "NX"], ["SET", k(STR), v(), "XX", "KEEPTTL"], ["SET", k(STR), v(), "PXAT", "1"],
                ["SETNX", k(STR), v()], ["SETEX", k(STR), "100", v()], ["PSETEX", k(STR), "100000", v()],
                ["GETSET", k(STR), v()], ["GETDEL", k(STR)], ["GETEX", k(STR), "EX", "500"], ["GETEX", k(STR), "PERSIST"],
                ["GETEX", k(STR), "PXAT", "1"], ["GETEX", k(STR)], ["MSET", k(STR), v(), k(STR), v()],
                ["MSETNX", k(STR), v(), k(STR), v()], ["APPEND", k(STR), v()], ["SETRANGE", k(STR), str(rng.randint(0, 5)), v()],
                ["SETRANGE", k(STR), "0", ""], ["INCR", k(STR)], ["INCRBY", k(STR), "5"], ["DECR", k(STR)],
                ["DECRBY", k(STR), "2"], ["INCRBYFLOAT", k(STR), "1.5"], ["GET", k()], ["MGET", k(), k()], ["STRLEN", k()],
                ["GETRANGE", k(STR), "0", "2"],
            ])
        if r < 0.40:
            return rng.choice([
                ["LPUSH", k(LST), v(), v()], ["RPUSH", k(LST), v()], ["LPUSHX", k(LST), v()], ["RPUSHX", k(LST), v()],
                ["LPOP", k(LST)], ["RPOP", k(LST)], ["LPOP", k(LST), str(rng.randint(0, 3))], ["RPOP", k(LST), "2"],
                ["LSET", k(LST), "0", v()], ["LINSERT", k(LST), "BEFORE", v(), v()], ["LREM", k(LST), "0", v()],
                ["LTRIM", k(LST), "0", str(rng.randint(-2, 3))], ["LTRIM", k(LST), "1", "0"],
                ["LMOVE", k(LST), k(LST), rng.choice(["LEFT", "RIGHT"]), rng.choice(["LEFT", "RIGHT"])],
                ["RPOPLPUSH", k(LST), k(LST)], ["LMPOP", "2", k(LST), k(LST), "LEFT", "COUNT", "2"],
                ["LRANGE", k(LST), "0", "-1"], ["LLEN", k()], ["LINDEX", k(LST), "0"],
            ])
        if r < 0.52:
            return rng.choice([
                ["HSET", k(HSH), "f1", v(), "f2", v()], ["HSET", k(HSH), "f" + str(rng.randint(1, 4)), v()],
                ["HMSET", k(HSH), "f3", v()], ["HSETNX", k(HSH), "f" + str(rng.randint(1, 4)), v()],
                ["HDEL", k(HSH), "f1", "f2"], ["HDEL", k(HSH), "f3", "f4"], ["HINCRBY", k(HSH), "n", "3"],
                ["HINCRBYFLOAT", k(HSH), "x", "0.25"], ["HGET", k(HSH), "f1"], ["HGETALL", k(HSH)], ["HLEN", k()],
            ])
        if r < 0.66:
            return rng.choice([
                ["SADD", k(SETS), m(), m()], ["SADD", k(SETS), m()], ["SREM", k(SETS), m(), m()],
                ["SPOP", k(SETS), "1000"], ["SPOP", k(SETS), "0"], ["SMOVE", k(SETS), k(SETS), m()],
                ["SINTERSTORE", k(SETS), k(SETS), k(SETS)], ["SUNIONSTORE", k(SETS), k(SETS), k(SETS)],
                ["SDIFFSTORE", k(SETS), k(SETS), k(SETS)], ["SISMEMBER", k(SETS), m()], ["SCARD", k()],
            ])
        if r < 0.80:
            return rng.choice([
                ["ZADD", k(ZS), str(rng.randint(0, 9)), m(), str(rng.randint(0, 9)), m()],
                ["ZADD", k(ZS), "NX", "1", m()], ["ZADD", k(ZS), "XX", "CH", "2", m()], ["ZADD", k(ZS), "GT", "5", m()],
                ["ZADD", k(ZS), "INCR", "1", m()], ["ZINCRBY", k(ZS), "2", m()], ["ZREM", k(ZS), m(), m()],
                ["ZREMRANGEBYSCORE", k(ZS), "0", "3"], ["ZREMRANGEBYRANK", k(ZS), "0", "0"],
                ["ZPOPMIN", k(ZS)], ["ZPOPMAX", k(ZS), "2"],
                # Lexicographic ranges are defined only over equal scores: their own key.
                ["ZADD", "zlex", "0", m(), "0", m()], ["ZREMRANGEBYLEX", "zlex", "-", "[m2"],
                ["ZREMRANGEBYLEX", "zlex", "(5", "+"], ["ZLEXCOUNT", "zlex", "-", "+"],
                ["ZMPOP", "2", k(ZS), k(ZS), "MIN", "COUNT", "2"], ["ZUNIONSTORE", k(ZS), "2", k(ZS), k(SETS)],
                ["ZINTERSTORE", k(ZS), "2", k(ZS), k(ZS)], ["ZDIFFSTORE", k(ZS), "2", k(ZS), k(ZS)],
                ["ZRANGESTORE", k(ZS), k(ZS), "0", "1"], ["ZSCORE", k(ZS), m()], ["ZCARD", k()],
            ])
        return rng.choice([
            ["DEL", k(), k()], ["UNLINK", k()], ["EXISTS", k(), k()], ["TYPE", k()], ["TTL", k()],
            ["EXPIRE", k(), "1000"], ["PEXPIRE", k(), "500000", "NX"], ["EXPIRE", k(), "1000", "GT"],
            ["EXPIREAT", k(), "1"], ["PEXPIREAT", k(), "1"], ["PERSIST", k()], ["RENAME", k(), k()],
            ["RENAMENX", k(), k()], ["COPY", k(), k()], ["COPY", k(), k(), "REPLACE"], ["COPY", k(), k(), "DB", "1"],
            ["MOVE", k(), "1"], ["RESTORE", k(STR), "0", payload, "REPLACE"], ["RESTORE", k(STR), "0", payload],
            ["RESTORE", k(STR), "1", payload, "ABSTTL", "REPLACE"], ["SORT", k(LST + SETS), "ALPHA", "STORE", k(LST)],
            ["SORT", k(SETS), "BY", "nosort", "GET", "#", "GET", "s*", "STORE", k(LST)], ["OBJECT", "ENCODING", k()],
            ["SELECT", "1"], ["SELECT", "0"], ["SWAPDB", "0", "1"], ["PING"],
        ])

    steps = []
    for _ in range(n):
        if rng.random() < 0.06:
            block = [["MULTI"]] + [single() for _ in range(rng.randint(1, 4))]
            if rng.random() < 0.5:
                block.insert(rng.randint(1, len(block)), ["BLPOP", k(LST), k(LST), "0"])
            if rng.random() < 0.3:
                block.insert(rng.randint(1, len(block)), ["BZPOPMIN", k(ZS), "0"])
            block.append(["EXEC"])
            steps.append(block)
        else:
            steps.append([single()])
    return steps


ALL_CLASSES = "KEA" + "nm"


def _comparable(step, replies):
    """Replies with unordered results (SPOP of a whole set, also inside EXEC) sorted."""
    out = []
    for cmd, r in zip(step, replies):
        if cmd[0] == "SPOP" and r.startswith(b"*"):
            out.append(sorted(decode(r)))
        elif cmd[0] == "EXEC" and r.startswith(b"*") and any(c[0] == "SPOP" for c in step):
            queued = [c for c in step[1:-1]]
            out.append([sorted(x) if c[0] == "SPOP" and isinstance(x, list) else x
                        for c, x in zip(queued, decode(r))])
        else:
            out.append(r)
    return out


def _prepare(srv) -> Conn:
    c = Conn(srv.port)
    assert c.send(["FLUSHALL"], ["DEBUG", "SET-ACTIVE-EXPIRE", "0"],
                  ["CONFIG", "SET", "notify-keyspace-events", ALL_CLASSES]) == [b"+OK\r\n"] * 3
    return c


def _payload(ref) -> bytes:
    c = Conn(ref.port)
    try:
        reply = c.send(["SET", "dump-src", "restored"], ["DUMP", "dump-src"], ["DEL", "dump-src"])[1]
    finally:
        c.close()
    return decode(reply)


@pytest.mark.parametrize("seed", [int(s) for s in os.environ.get("EVENT_SEEDS", "1,2,3").split(",")])
def test_notifications_match_redis_for_a_random_command_stream(pair, seed):
    apus, ref = pair
    payload = _payload(ref)
    steps = gen_steps(random.Random(seed), int(os.environ.get("EVENT_STEPS", "2000")), payload)
    conns = [_prepare(apus), _prepare(ref)]
    subs = [Subscriber(apus.port), Subscriber(ref.port)]
    mismatches = []
    total_events = 0
    try:
        for i, step in enumerate(steps):
            mark = b"%d" % i
            got = []
            for conn, sub in zip(conns, subs):
                replies = conn.send(*step, ["PUBLISH", "mark", mark])
                events = sub.until_mark(mark)
                got.append((replies[:-1], events))
            (ra, ea), (rr, er) = got
            ra, rr = _comparable(step, ra), _comparable(step, rr)
            total_events += len(er)
            if ea != er or ra != rr:
                mismatches.append(f"step {i}: {step}\n  apus  events {ea}\n  redis events {er}"
                                  + (f"\n  apus  replies {ra}\n  redis replies {rr}" if ra != rr else ""))
                break   # what follows a divergence only repeats it
    finally:
        for c in conns + subs:
            c.close()
        for srv in pair:
            c = Conn(srv.port)
            c.send(["CONFIG", "SET", "notify-keyspace-events", ""], ["DEBUG", "SET-ACTIVE-EXPIRE", "1"])
            c.close()
    assert not mismatches, "\n".join(mismatches)
    # The stream must exercise the feature, not pass vacuously.
    assert total_events > 1000


# MARK: - The directive


def _on_both(pair, *cmds) -> list[list[bytes]]:
    """The replies of `cmds` from Apus and from Redis, on a fresh connection each."""
    out = []
    for srv in pair:
        c = Conn(srv.port)
        try:
            out.append(c.send(*cmds))
        finally:
            c.close()
    return out


@pytest.mark.parametrize("value", [
    "", "KEA", "AKE", "Ag$lshzxeKEtmdn", "g$lshzxetdn", "AKEm", "Kx", "En", "K", "An", "$lz", "mK", "KEA" * 2,
])
def test_config_get_spells_the_classes_as_redis_does(pair, value):
    got, want = _on_both(pair, ["CONFIG", "SET", "notify-keyspace-events", value],
                         ["CONFIG", "GET", "notify-keyspace-events"], ["CONFIG", "SET", "notify-keyspace-events", ""])
    assert got == want


@pytest.mark.parametrize("value", ["KEAq", "a", "ke", "*", " K"])
def test_an_unknown_class_letter_is_refused_as_redis_refuses_it(pair, value):
    got, want = _on_both(pair, ["CONFIG", "SET", "notify-keyspace-events", value],
                         ["CONFIG", "GET", "notify-keyspace-events"])
    assert got == want
    assert got[0].startswith(b"-ERR")


def test_the_directive_works_from_the_config_file_and_is_rewritten(servers, tmp_path):
    conf = tmp_path / "apus.conf"
    conf.write_text("notify-keyspace-events Elg\n")
    srv = servers.new("apus", conf=str(conf))
    r = srv.client()
    assert r.config_get("notify-keyspace-events") == {"notify-keyspace-events": "glE"}
    p = r.pubsub()
    p.subscribe("__keyevent@0__:lpush", "__keyevent@0__:set", "__keyevent@0__:del")
    assert [t for t, _ in collect(p, 3)] == [b"__keyevent@0__:lpush", b"__keyevent@0__:set", b"__keyevent@0__:del"]
    r.lpush("l", "x")
    r.set("s", "v")     # strings ($) are not selected
    r.delete("l")
    r.publish("__keyevent@0__:set", "end")
    assert collect(p, 3) == [(b"__keyevent@0__:lpush", b"l"), (b"__keyevent@0__:del", b"l"),
                             (b"__keyevent@0__:set", b"end")]
    r.config_set("notify-keyspace-events", "KA")
    r.config_rewrite()
    text = conf.read_text()
    assert "notify-keyspace-events \"AK\"" in text
    # Back to the default: a line already in the file stays, emptied (Redis's rule).
    r.config_set("notify-keyspace-events", "")
    r.config_rewrite()
    assert 'notify-keyspace-events ""' in conf.read_text()
    p.close()


def test_redis_py_receives_events_in_both_protocols(apus, protocol):
    r = apus.client(protocol=protocol)
    r.config_set("notify-keyspace-events", "KEA")
    try:
        p = r.pubsub()
        p.psubscribe("__key*__:*")
        collect(p, 1)
        r.set("k", "v", ex=100)
        r.hset("h", mapping={"a": 1})
        r.expire("h", 0)
        want = [
            (b"__keyspace@0__:k", b"set"), (b"__keyevent@0__:set", b"k"),
            (b"__keyspace@0__:k", b"expire"), (b"__keyevent@0__:expire", b"k"),
            (b"__keyspace@0__:h", b"hset"), (b"__keyevent@0__:hset", b"h"),
            (b"__keyspace@0__:h", b"del"), (b"__keyevent@0__:del", b"h"),
        ]
        assert collect(p, len(want)) == want
        p.close()
    finally:
        r.config_set("notify-keyspace-events", "")


def test_expired_keys_raise_expired_from_the_active_cycle_too(apus):
    r = apus.client()
    r.config_set("notify-keyspace-events", "Ex")
    p = r.pubsub()
    p.subscribe("__keyevent@0__:expired")
    collect(p, 1)
    r.set("short", "v", px=30)
    assert collect(p, 1) == [(b"__keyevent@0__:expired", b"short")]
    assert r.exists("short") == 0
    p.close()


def test_no_event_is_published_when_notifications_are_off(apus):
    r = apus.client()
    p = r.pubsub()
    p.psubscribe("*")
    collect(p, 1)
    r.set("k", "v")
    r.lpush("l", "a")
    r.delete("k", "l")
    r.get("missing")
    r.publish("control", "end")
    assert collect(p, 1) == [(b"control", b"end")]
    p.close()
