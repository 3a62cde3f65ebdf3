"""Protocol robustness: malformed requests must get the same `-ERR Protocol error: ...`
reply as real Redis 7.0.15, the connection must then be closed, and the server must
keep serving everyone else.  A seeded fuzz test throws random and mutated RESP at
apus-server and checks that every reply is well-formed and the server stays up.
Set APUS_FUZZ_SEED / APUS_FUZZ_ITERATIONS to reproduce or extend a fuzz run."""

from __future__ import annotations

import os
import random
import socket

import pytest

from harness import RawConn, decode, encode_command


def exchange_until_close(srv, data: bytes, timeout: float = 5.0) -> bytes:
    """Sends data and returns everything received until the server closes the connection."""
    with srv.raw(timeout=timeout) as c:
        c.send(data)
        try:
            return c.read_until_closed(timeout)
        except socket.timeout:
            pytest.fail(f"server did not close the connection after {data[:60]!r}")


def assert_serving(srv):
    assert srv.alive(), f"server died:\n{srv.log_text()[-3000:]}"
    with srv.raw() as c:
        assert c.command("PING") == b"+PONG\r\n"


# (request bytes, exact reply bytes real Redis sends before closing)
CLOSING_CASES = [
    (b"*abc\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*2147483648\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*3000000000\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*+1\r\n$4\r\nPING\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*01\r\n$4\r\nPING\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"*1\n$4\r\nPING\r\n", b"-ERR Protocol error: invalid multibulk length\r\n"),
    (b"PING\r\n*1\r\n$abc\r\n", b"+PONG\r\n-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$-1\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$ 4\r\nPING\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$+4\r\nPING\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$04\r\nPING\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$4\nPING\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\n$536870913\r\n", b"-ERR Protocol error: invalid bulk length\r\n"),
    (b"*1\r\nfoo\r\n", b"-ERR Protocol error: expected '$', got 'f'\r\n"),
    (b"*1\r\n\xff\r\n", b"-ERR Protocol error: expected '$', got '\xff'\r\n"),
    (b"*1\r\n\r\n\r\n", b"-ERR Protocol error: expected '$', got ' '\r\n"),
    (b"*2\r\n$4\r\nECHO\r\n:5\r\n", b"-ERR Protocol error: expected '$', got ':'\r\n"),
    (b"ECHO \"a\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"ECHO \"a\"b\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"ECHO 'a\r\n", b"-ERR Protocol error: unbalanced quotes in request\r\n"),
    (b"A" * 70000, b"-ERR Protocol error: too big inline request\r\n"),
    (b"*" + b"1" * 70000, b"-ERR Protocol error: too big mbulk count string\r\n"),
    (b"*1\r\n$" + b"1" * 70000, b"-ERR Protocol error: too big bulk count string\r\n"),
    (b"SET a 1\r\nGET a\r\n*x\r\nGET a\r\n", b"+OK\r\n$1\r\n1\r\n-ERR Protocol error: invalid multibulk length\r\n"),
    (b"QUIT\r\n", b"+OK\r\n"),
    (b"*1\r\n$4\r\nQUIT\r\nPING\r\n", b"+OK\r\n"),
]


@pytest.mark.parametrize("data,expected", CLOSING_CASES, ids=[repr(c[0][:24]) for c in CLOSING_CASES])
def test_protocol_error_closes_connection(pair, data, expected):
    apus, ref = pair
    want = exchange_until_close(ref, data)
    assert want == expected, "reference redis disagrees with the expectation in this test"
    with apus.raw() as bystander:
        assert bystander.command("SET", "bystander", "1") == b"+OK\r\n"
        got = exchange_until_close(apus, data)
        assert got == want
        # the other connection is unaffected
        assert bystander.command("GET", "bystander") == b"$1\r\n1\r\n"
    assert_serving(apus)


# Requests that do not close the connection; replies compared one by one.
OPEN_CASES = [
    (b"*-1\r\n*0\r\nPING\r\n", 1),
    (b"\r\n\r\nPING\r\n", 1),
    (b"*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n", 2),   # Redis skips 2 bytes after a bulk, unchecked
    (b"*1\r\n$4\r\nPING\r\nGET\r\n", 2),
    (b"$5\r\n", 1),
    (b"*1\r\n$0\r\n\r\n", 1),
    (b"*2\r\n$4\r\nECHO\r\n$0\r\n\r\n", 1),
    (b"  \r\nPING\r\n", 1),
    (b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\r\n\r\n$3\r\nGET\r\n", 1),
]


@pytest.mark.parametrize("data,n", OPEN_CASES, ids=[repr(c[0][:24]) for c in OPEN_CASES])
def test_protocol_edge_requests_match_redis(pair, data, n):
    apus, ref = pair
    replies = []
    for srv in (apus, ref):
        with srv.raw() as c:
            c.send(data)
            got = [c.read_reply() for _ in range(n)]
            got.append(c.command("PING"))  # the connection is still usable
            replies.append(got)
    assert replies[0] == replies[1]


def test_split_writes_are_reassembled(apus):
    """A request delivered one byte at a time is parsed like a whole one."""
    req = encode_command(["SET", "split", "x" * 300]) + b"GET split\r\n"
    with apus.raw() as c:
        for i in range(len(req)):
            c.send(req[i:i + 1])
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$300\r\n" + b"x" * 300 + b"\r\n"


def test_big_bulk_argument(apus):
    with apus.raw(timeout=30) as c:
        val = os.urandom(3 * 1024 * 1024)
        assert c.command("SET", "huge", val) == b"+OK\r\n"
        assert c.command("STRLEN", "huge") == b":%d\r\n" % len(val)
        assert c.command("GET", "huge") == b"$%d\r\n%s\r\n" % (len(val), val)


def test_unauthenticated_limits(servers):
    """With requirepass, Redis caps request size before AUTH."""
    for kind in ("apus", "redis"):
        srv = servers.new(kind, args=["--requirepass", "pw"])
        assert exchange_until_close(srv, b"*11\r\n") == b"-ERR Protocol error: unauthenticated multibulk length\r\n"
        assert exchange_until_close(srv, b"*1\r\n$16385\r\n") == b"-ERR Protocol error: unauthenticated bulk length\r\n"
        with srv.raw() as c:
            assert c.command("GET", "k") == b"-NOAUTH Authentication required.\r\n"
            assert c.command("AUTH", "wrong") == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
            assert c.command("AUTH", "pw") == b"+OK\r\n"
            assert c.command("SET", "k", "v" * 20000) == b"+OK\r\n"


def test_many_clients_and_pipelined_bursts(apus):
    conns = [apus.raw() for _ in range(50)]
    try:
        for i, c in enumerate(conns):
            c.send(b"".join(encode_command(["INCR", "ctr"]) for _ in range(100)))
        for c in conns:
            for _ in range(100):
                assert c.read_reply().startswith(b":")
        assert conns[0].command("GET", "ctr") == b"$4\r\n5000\r\n"
    finally:
        for c in conns:
            c.close()


# MARK: - Fuzz

SAFE_COMMANDS = [
    ["PING"], ["ECHO", "hello"], ["SET", "k", "v"], ["GET", "k"], ["APPEND", "k", "xyz"],
    ["STRLEN", "k"], ["INCR", "n"], ["INCRBYFLOAT", "f", "1.5"], ["DEL", "k", "n"], ["EXISTS", "k"],
    ["SETRANGE", "k", "5", "abc"], ["GETRANGE", "k", "0", "-1"], ["MSET", "a", "1", "b", "2"],
    ["MGET", "a", "b", "c"], ["EXPIRE", "a", "100"], ["TTL", "a"], ["LCS", "a", "b", "IDX"],
    ["SCAN", "0", "COUNT", "5"], ["KEYS", "*"], ["GETEX", "a", "PX", "5000"], ["COPY", "a", "z"],
    ["OBJECT", "ENCODING", "a"], ["TYPE", "a"], ["SELECT", "1"], ["SELECT", "0"], ["HELLO", "3"],
    ["HELLO", "2"], ["CLIENT", "SETNAME", "fz"], ["DBSIZE"], ["SET", "big", "x" * 2000, "EX", "100"],
]


def _mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(7)
        if not b:
            b += rng.randbytes(4)
            continue
        i = rng.randrange(len(b))
        if op == 0:
            b[i] = rng.randrange(256)
        elif op == 1:
            del b[i:i + rng.randint(1, 8)]
        elif op == 2:
            b[i:i] = rng.choice([b"\r\n", b"*", b"$", b"-1", b"0", b"99", b"\"", b"'", b"\\x", b"\x00",
                                 b"*2147483647\r\n", b"$-5\r\n", b"\n", b"\r"])
        elif op == 3:
            j = rng.randrange(len(b))
            b[i:i] = b[j:j + rng.randint(1, 30)]
        elif op == 4:
            b = b[:i]
        elif op == 5:
            b[i:i] = rng.randbytes(rng.randint(1, 16))
        else:  # swap a digit for another
            if chr(b[i]).isdigit():
                b[i] = ord(rng.choice("0123456789"))
    return bytes(b)


def _well_formed_prefix(data: bytes) -> bool:
    """True if data is a sequence of complete RESP frames (a trailing partial frame is allowed
    only when the server may still have been writing — we read until close, so not allowed)."""
    rest = data
    while rest:
        try:
            _, rest = decode(rest)
        except Exception:
            return False
    return True


def test_fuzz_random_and_mutated_resp(apus):
    seed = int(os.environ.get("APUS_FUZZ_SEED", "20240607"))
    iterations = int(os.environ.get("APUS_FUZZ_ITERATIONS", "400"))
    rng = random.Random(seed)
    for it in range(iterations):
        kind = rng.random()
        if kind < 0.6:
            cmds = [encode_command(rng.choice(SAFE_COMMANDS)) for _ in range(rng.randint(1, 6))]
            data = _mutate(rng, b"".join(cmds))
        elif kind < 0.8:
            inline = b" ".join(rng.choice([b"SET", b"GET", b"ECHO", b"\"q\"", b"'x'", b"\"\\x4", b"k", b"12"])
                               for _ in range(rng.randint(1, 5))) + b"\r\n"
            data = _mutate(rng, inline)
        else:
            data = rng.randbytes(rng.randint(1, 300))
        with apus.raw(timeout=5) as c:
            try:
                c.send(data)
                c.sock.shutdown(socket.SHUT_WR)
                out = c.read_until_closed(5)
            except socket.timeout:
                out = None  # waiting for more of a partial request is legitimate
            except (BrokenPipeError, ConnectionResetError):
                out = b""
        if out is not None:
            assert _well_formed_prefix(out), f"seed={seed} it={it} malformed reply {out[:200]!r} to {data!r}"
        if it % 20 == 0 or out is None:
            assert apus.alive(), f"seed={seed} it={it} server died on {data!r}:\n{apus.log_text()[-3000:]}"
            with RawConn(("127.0.0.1", apus.port)) as probe:
                assert probe.command("PING") == b"+PONG\r\n", f"seed={seed} it={it} after {data!r}"
    assert_serving(apus)


# Commands whose replies are the same on any correct server given the same history
# (no ordering-dependent KEYS/SCAN, no connection ids, no clock-dependent TTLs).
DETERMINISTIC_COMMANDS = [c for c in SAFE_COMMANDS if c[0] not in ("KEYS", "SCAN", "HELLO", "TTL")]


def _stream_reply(srv, data: bytes) -> bytes | None:
    with srv.raw(timeout=5) as c:
        try:
            c.send(data)
            c.sock.shutdown(socket.SHUT_WR)
            return c.read_until_closed(5)
        except socket.timeout:
            return None
        except (BrokenPipeError, ConnectionResetError):
            return b"<reset>"


def test_fuzz_differential_against_redis(pair):
    """Mutated request streams get byte-identical answers from apus and real Redis."""
    apus, ref = pair
    for srv in (apus, ref):
        with srv.raw() as c:
            c.command("FLUSHALL")
    seed = int(os.environ.get("APUS_FUZZ_SEED", "20240607")) + 1
    iterations = int(os.environ.get("APUS_FUZZ_ITERATIONS", "400"))
    rng = random.Random(seed)
    mismatches = []
    for it in range(iterations):
        cmds = [encode_command(rng.choice(DETERMINISTIC_COMMANDS)) for _ in range(rng.randint(1, 5))]
        data = b"".join(cmds)
        if rng.random() < 0.8:
            data = _mutate(rng, data)
        got, want = _stream_reply(apus, data), _stream_reply(ref, data)
        if got != want:
            mismatches.append(f"seed={seed} it={it}\n  request: {data!r}\n  apus : {got!r}\n  redis: {want!r}")
            if len(mismatches) >= 5:
                break
    assert_serving(apus)
    assert not mismatches, "\n".join(mismatches)
