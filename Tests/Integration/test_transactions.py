"""MULTI/EXEC/DISCARD/WATCH/UNWATCH against real clients and a real Redis 7.0.15.

A scripted multi-connection conversation (queuing, errors while queuing, EXECABORT,
runtime errors in place, nesting, WATCH touched by writes, FLUSHDB, SWAPDB and expiry,
RESP3, RESET, blocking and subscribe commands inside EXEC) is compared reply by reply
with redis-server; redis-py's transactional pipeline and its WATCH retry loop work
unchanged; EXEC is atomic and blocked clients are served only after it.
"""

from __future__ import annotations

import re
import threading
import time

import pytest

from harness import RawConn, wait_for

# (connection, command); "sleep" lets a short TTL pass.
SCRIPT = [
    ("a", ["EXEC"]), ("a", ["DISCARD"]), ("a", ["MULTI"]), ("a", ["MULTI"]), ("a", ["SET", "k", "1"]),
    ("a", ["INCR", "k"]), ("a", ["LPUSH", "k", "x"]), ("a", ["GET", "k"]), ("a", ["WATCH", "k"]), ("a", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["SET", "k", "2"]), ("a", ["NOSUCH", "x"]), ("a", ["GET", "k"]), ("a", ["EXEC"]),
    ("a", ["GET", "k"]), ("a", ["MULTI"]), ("a", ["GET"]), ("a", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["OBJECT", "NOSUCH"]), ("a", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["DISCARD"]), ("a", ["GET", "k"]),
    ("a", ["WATCH", "w1", "w2"]), ("b", ["SET", "w1", "x"]), ("a", ["MULTI"]), ("a", ["SET", "w3", "v"]),
    ("a", ["EXEC"]), ("a", ["EXISTS", "w3"]),
    ("a", ["WATCH", "w1"]), ("b", ["DEL", "nothere"]), ("a", ["MULTI"]), ("a", ["PING"]), ("a", ["EXEC"]),
    ("a", ["WATCH", "w1"]), ("a", ["UNWATCH"]), ("b", ["SET", "w1", "y"]), ("a", ["MULTI"]), ("a", ["PING"]),
    ("a", ["EXEC"]),
    ("a", ["WATCH", "w1"]), ("b", ["FLUSHDB"]), ("a", ["MULTI"]), ("a", ["EXEC"]),
    ("a", ["WATCH", "gone"]), ("b", ["FLUSHDB"]), ("a", ["MULTI"]), ("a", ["EXEC"]),
    ("b", ["SET", "sw", "1"]), ("a", ["SELECT", "1"]), ("a", ["WATCH", "sw"]), ("b", ["SWAPDB", "0", "1"]),
    ("a", ["MULTI"]), ("a", ["EXEC"]), ("a", ["SELECT", "0"]),
    ("a", ["MULTI"]), ("a", ["EXEC", "extra"]), ("a", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["BLPOP", "nolist", "0"]), ("a", ["SUBSCRIBE", "ch"]), ("a", ["EXEC"]),
    ("a", ["UNSUBSCRIBE"]),
    ("a", ["SET", "t", "v", "PX", "30"]), ("a", ["WATCH", "t"]), ("sleep", None), ("a", ["MULTI"]),
    ("a", ["PING"]), ("a", ["EXEC"]),
    ("a", ["SET", "t2", "v", "PX", "1"]), ("sleep", None), ("a", ["WATCH", "t2"]), ("a", ["MULTI"]),
    ("a", ["PING"]), ("a", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["WATCH", "x"]), ("a", ["EXEC"]),
    ("c", ["HELLO", "3"]), ("c", ["WATCH", "z"]), ("b", ["SET", "z", "1"]), ("c", ["MULTI"]), ("c", ["EXEC"]),
    ("c", ["MULTI"]), ("c", ["INCR", "z"]), ("c", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["RESET"]), ("a", ["EXEC"]),
    ("a", ["MULTI"]), ("a", ["SET", "k", "v"]), ("a", ["SELECT", "2"]), ("a", ["SET", "k2", "v2"]), ("a", ["EXEC"]),
    ("a", ["CLIENT", "INFO"]), ("b", ["MULTI"]), ("b", ["CLIENT", "INFO"]), ("b", ["EXEC"]),
]

# Fields of CLIENT INFO that differ between any two servers or runs.
VOLATILE = re.compile(rb"(id|addr|laddr|fd|age|idle|qbuf|qbuf-free|argv-mem|multi-mem|rbs|rbp|tot-mem)=\S+"
                      rb"|\$\d+\r\n(?=id=)|=\d+\r\ntxt:|id\r\n:\d+")


def replies(port: int) -> list[bytes]:
    conns: dict[str, RawConn] = {}
    out = []
    try:
        for who, cmd in SCRIPT:
            if who == "sleep":
                time.sleep(0.15)
                continue
            c = conns.get(who) or conns.setdefault(who, RawConn(("127.0.0.1", port)))
            out.append(VOLATILE.sub(b"_", c.command(*cmd)))
    finally:
        for c in conns.values():
            c.close()
    return out


def test_conversation_matches_redis_reply_for_reply(servers):
    apus, ref = servers.new("apus"), servers.new("redis")
    steps = [s for s in SCRIPT if s[0] != "sleep"]
    for step, got, want in zip(steps, replies(apus.port), replies(ref.port)):
        assert got == want, f"{step}: apus {got!r} redis {want!r}"


def test_redis_py_transactional_pipeline(apus, protocol):
    r = apus.client(protocol=protocol)
    with r.pipeline(transaction=True) as p:
        p.set("a", 1).incr("a").lpush("a", "x").get("a")
        res = p.execute(raise_on_error=False)
    assert res[:2] == [True, 2] and isinstance(res[2], Exception) and res[3] == b"2"


def test_watch_retry_loop_from_two_connections(apus):
    """redis-py's optimistic-locking helper (WATCH, read, MULTI, write, EXEC, retry on
    a null EXEC) while another connection keeps incrementing the same key: no update
    is lost, so the total is exact."""
    r = apus.client()
    r.set("counter", 0)
    stop = threading.Event()
    rival_incrs = [0]
    attempts = [0]

    def rival():
        w = apus.client()
        while not stop.is_set():
            w.incr("counter")
            rival_incrs[0] += 1
            time.sleep(0.002)

    def add_ten(pipe):
        attempts[0] += 1
        v = int(pipe.get("counter"))
        time.sleep(0.001)           # widen the window the rival can hit
        pipe.multi()
        pipe.set("counter", v + 10)

    t = threading.Thread(target=rival)
    t.start()
    try:
        for _ in range(50):
            r.transaction(add_ten, "counter")
    finally:
        stop.set()
        t.join()
    assert int(r.get("counter")) == 50 * 10 + rival_incrs[0]
    assert attempts[0] > 50, "the rival must have made some EXEC fail for the test to mean anything"


def test_redis_py_lock_acquires_with_set_nx(apus):
    """redis-py's Lock takes the lock with SET NX PX, which Apus serves as Redis does."""
    r = apus.client()
    lock = r.lock("resource", timeout=5)
    assert lock.acquire(blocking=False)
    assert not r.lock("resource", timeout=5).acquire(blocking=False)
    assert 0 < r.pttl("resource") <= 5000


@pytest.mark.xfail(strict=True, raises=Exception,
                   reason="Lock.release/extend run Lua through EVALSHA: scripting arrives in stage 3")
def test_redis_py_lock_releases(apus):
    r = apus.client()
    lock = r.lock("resource", timeout=5)
    assert lock.acquire(blocking=False)
    lock.release()
    assert r.exists("resource") == 0


def test_exec_is_atomic_and_blocked_clients_are_served_after_it(apus):
    waiter = apus.client()
    got = []
    t = threading.Thread(target=lambda: got.append(waiter.blpop("q", 5)))
    t.start()
    r = apus.client()
    wait_for(lambda: r.info("clients")["blocked_clients"] == 1, what="the BLPOP to block")
    with r.pipeline(transaction=True) as p:
        p.rpush("q", "a").rpush("q", "b").lrange("q", 0, -1)
        res = p.execute()
    t.join(5)
    assert res == [1, 2, [b"a", b"b"]], "nothing was taken from q in the middle of EXEC"
    assert got == [(b"q", b"a")]
    assert r.lrange("q", 0, -1) == [b"b"]


def test_queued_commands_after_an_error_leave_nothing_behind(apus):
    with RawConn(("127.0.0.1", apus.port)) as c:
        assert c.command("MULTI") == b"+OK\r\n"
        assert c.command("SET", "never", "1") == b"+QUEUED\r\n"
        assert c.command("SET", "never") .startswith(b"-ERR wrong number of arguments")
        assert c.command("EXEC") == b"-EXECABORT Transaction discarded because of previous errors.\r\n"
        assert c.command("EXISTS", "never") == b":0\r\n"
