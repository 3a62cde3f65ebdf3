"""redis-cli against apus-server: one-shot commands, RESP3 mode (-3), mass insertion
with --pipe, inline commands over a raw socket, and connecting through --unixsocket.
These mirror how operators actually talk to a Redis server."""

from __future__ import annotations

import subprocess

from harness import RawConn


def cli(port: int, *args: str, input: bytes | None = None, sock: str | None = None) -> subprocess.CompletedProcess:
    target = ["-s", sock] if sock else ["-h", "127.0.0.1", "-p", str(port)]
    return subprocess.run(["redis-cli", *target, *args], input=input, capture_output=True, timeout=60)


def test_cli_set_get(apus):
    p = cli(apus.port, "set", "k", "v")
    assert p.returncode == 0 and p.stdout == b"OK\n", p
    p = cli(apus.port, "get", "k")
    assert p.stdout == b"v\n"
    p = cli(apus.port, "get", "missing")
    assert p.stdout == b"\n"  # nil prints as an empty line when not on a tty
    p = cli(apus.port, "incr", "n")
    assert p.stdout == b"1\n"


def test_cli_error_reply(apus):
    p = cli(apus.port, "get")
    assert p.stdout.startswith(b"ERR wrong number of arguments for 'get' command\n"), p


def test_cli_resp3_mode(apus):
    cli(apus.port, "set", "k", "v")
    p = cli(apus.port, "-3", "get", "k")
    assert p.returncode == 0 and p.stdout == b"v\n", p
    p = cli(apus.port, "-3", "hello", "3")
    out = p.stdout.decode()
    assert "proto 3\n" in out and "version 7.0.15\n" in out and "server redis\n" in out, out
    p = cli(apus.port, "-3", "get", "missing")
    assert p.returncode == 0 and p.stdout == b"\n"


def test_cli_pipe_mass_insert(apus):
    n = 20000
    payload = b"".join(b"*3\r\n$3\r\nSET\r\n$%d\r\nkey:%d\r\n$%d\r\nval:%d\r\n"
                       % (len(b"key:%d" % i), i, len(b"val:%d" % i), i) for i in range(n))
    p = cli(apus.port, "--pipe", input=payload)
    assert p.returncode == 0, p
    assert b"errors: 0, replies: %d" % n in p.stdout, p.stdout
    r = apus.client()
    assert r.dbsize() == n
    assert r.get("key:12345") == b"val:12345"


def test_cli_pipe_reports_errors(apus):
    payload = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n*1\r\n$6\r\nNOSUCH\r\n"
    p = cli(apus.port, "--pipe", input=payload)
    assert b"errors: 1, replies: 2" in p.stdout, p.stdout


def test_inline_commands_raw_socket(apus):
    with apus.raw() as c:
        c.send(b"SET greeting \"hello world\"\r\n")
        assert c.read_reply() == b"+OK\r\n"
        c.send(b"GET greeting\n")  # a bare LF also terminates an inline command
        assert c.read_reply() == b"$11\r\nhello world\r\n"
        c.send(b"PING\r\nECHO 'a b'\r\n\r\nEXISTS greeting nope\r\n")
        assert c.read_reply() == b"+PONG\r\n"
        assert c.read_reply() == b"$3\r\na b\r\n"
        assert c.read_reply() == b":1\r\n"
        c.send(b"set hex \"\\x41\\x42\"\r\nget hex\r\n")
        assert c.read_reply() == b"+OK\r\n"
        assert c.read_reply() == b"$2\r\nAB\r\n"


def test_unixsocket(apus):
    p = cli(0, "set", "viaunix", "1", sock=apus.unixsocket)
    assert p.returncode == 0 and p.stdout == b"OK\n", p
    p = cli(apus.port, "get", "viaunix")
    assert p.stdout == b"1\n"
    with RawConn(apus.unixsocket) as c:
        assert c.command("PING") == b"+PONG\r\n"
        assert c.command("GET", "viaunix") == b"$1\r\n1\r\n"
    # INFO server shows the socket path ... and a client via the socket has addr "/path:0"
    r = apus.client()
    with RawConn(apus.unixsocket) as c:
        c.command("CLIENT", "SETNAME", "unixc")
        lst = r.client_list()
        mine = [x for x in lst if x["name"] == "unixc"]
        assert mine and mine[0]["addr"].startswith(apus.unixsocket), lst
