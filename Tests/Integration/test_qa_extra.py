"""QA differential checks that need a non-default server set-up (requirepass, save points,
debug commands, two connections, a deleted dir…), so they cannot live in the shared `pair`
of test_differential.py.  Each test starts apus-server and redis-server 7.0.15 with the same
arguments, drives both identically and compares the replies (bytes, or a normalised form
where timestamps/ids/addresses legitimately differ).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import tempfile
import time

import pytest

from harness import ConnectionClosed, decode_one, encode_command


# MARK: - Helpers

def _start_pair(servers, args=None, **kw):
    a = servers.new("apus", args=list(args or []), **kw)
    r = servers.new("redis", args=list(args or []), **kw)
    return a, r


def _reply(conn, cmd):
    try:
        if isinstance(cmd, bytes):
            conn.send(cmd)
        else:
            conn.send(encode_command(cmd))
        return conn.read_reply()
    except (ConnectionClosed, OSError) as e:
        return f"<closed: {type(e).__name__}>".encode()


def _split(cmd):
    import shlex
    return shlex.split(cmd) if isinstance(cmd, str) else cmd


_HELLO_ID = re.compile(rb"(\$2\r\nid\r\n):\d+\r\n")


def _compare_sequence(a, r, cmds, resp3=False, norm=lambda b: _HELLO_ID.sub(rb"\1:<id>\r\n", b)):
    mism = []
    with a.raw() as ca, r.raw() as cr:
        if resp3:
            _reply(ca, ["HELLO", "3"])
            _reply(cr, ["HELLO", "3"])
        for c in cmds:
            args = _split(c)
            got, want = _reply(ca, args), _reply(cr, args)
            if norm(got) != norm(want):
                mism.append(f"  {c!r}\n    apus : {got[:300]!r}\n    redis: {want[:300]!r}")
    assert not mism, "reply mismatches:\n" + "\n".join(mism)


# MARK: - requirepass / HELLO / AUTH

@pytest.mark.parametrize("resp3", [False, True], ids=["resp2", "resp3"])
def test_requirepass_sequences(servers, resp3):
    a, r = _start_pair(servers, ["--requirepass", "secret"])
    cmds = ["PING", "GET k", "AUTH", "AUTH wrong", "AUTH default wrong", "HELLO", "HELLO 3",
            "HELLO 2 AUTH default wrong", "HELLO 3 AUTH default wrong SETNAME x", "CLIENT GETNAME",
            "AUTH secret", "PING", "RESET", "PING", "HELLO 2 AUTH default secret", "GET k", "RESET",
            "AUTH default secret", "SET k v", "GET k", "RESET", "GET k"]
    # HELLO 3 before auth is the first command so the RESP3 variant starts unauthenticated too.
    mism = []
    with a.raw() as ca, r.raw() as cr:
        seq = (["HELLO 3"] if resp3 else []) + cmds
        for c in seq:
            got, want = _reply(ca, _split(c)), _reply(cr, _split(c))
            if _HELLO_ID.sub(rb"\1:<id>\r\n", got) != _HELLO_ID.sub(rb"\1:<id>\r\n", want):
                mism.append(f"  {c!r}\n    apus : {got[:300]!r}\n    redis: {want[:300]!r}")
    assert not mism, "reply mismatches:\n" + "\n".join(mism)


# MARK: - MONITOR and SLOWLOG

_MON_LINE = re.compile(rb"^\+\d+\.\d+ \[(\d+) [^\]]+\] (.*)\r\n$", re.S)


def _monitor_transcript(srv):
    """Commands from a second client as the MONITOR client sees them (timestamps/addresses stripped)."""
    out = []
    with srv.raw() as m, srv.raw() as c:
        assert m.command("MONITOR") == b"+OK\r\n"
        for cmd in (["SELECT", "3"], ["SET", "k", b'a b"\\\x00\xff\r\n'], ["AUTH", "x", "y"],
                    ["HELLO", "2", "AUTH", "a", "b"], ["CONFIG", "SET", "requirepass", ""], ["GET"],
                    ["NOSUCH"], ["ECHO", "x"]):
            c.command(*cmd)
        c.send(b"PING inline\r\n")
        c.read_reply()
        out_m = []
        m.sock.settimeout(1.0)
        try:
            for _ in range(7):
                out_m.append(m.read_reply())
        except (socket.timeout, ConnectionClosed):
            pass
        # The monitor's own commands are fed back to it too (after its reply).
        out_m.append(m.command("PING"))
        try:
            out_m.append(m.read_reply())
        except (socket.timeout, ConnectionClosed):
            out_m.append(b"<nothing>")
        for line in out_m:
            mm = _MON_LINE.match(line)
            out.append((mm.group(1), mm.group(2)) if mm else line)
    return out


def test_monitor_output(servers):
    a, r = _start_pair(servers)
    assert _monitor_transcript(a) == _monitor_transcript(r)


def _slowlog_args(srv):
    with srv.raw() as c:
        c.command("CONFIG", "SET", "slowlog-log-slower-than", "0")
        c.command("SLOWLOG", "RESET")
        c.command("AUTH", "x", "y")
        c.command("HELLO", "2", "AUTH", "a", "b")
        c.command("SET", "k", "v")
        c.command("CONFIG", "SET", "requirepass", "")
        entries = decode_one(c.command("SLOWLOG", "GET", "-1"))
        c.command("CONFIG", "SET", "slowlog-log-slower-than", "10000")
    return [e[3] for e in entries]


def test_slowlog_redacts_secrets(servers):
    a, r = _start_pair(servers)
    assert _slowlog_args(a) == _slowlog_args(r)


# MARK: - DEBUG (enable-debug-command yes)

def test_debug_sequences(servers):
    a, r = _start_pair(servers, ["--enable-debug-command", "yes"])
    _compare_sequence(a, r, [
        "SET k v", "DEBUG RELOAD NOSAVE", "DBSIZE", "SET k v", "DEBUG RELOAD NOSAVE NOFLUSH", "DBSIZE",
        "DEBUG RELOAD BOGUS", "DEBUG SET-ACTIVE-EXPIRE abc", "DEBUG POPULATE 3 p 4", "MGET p:0 p:2",
        "DEBUG DIGEST-VALUE p:0 nokey", "DEBUG SLEEP 0", "DEBUG OBJECT nokey",
    ])


# MARK: - Failed saves and MISCONF

def _vanishing_dir_sequence(srv, base):
    d = tempfile.mkdtemp(prefix=f"gone-{srv.name}-", dir=base)
    out = []
    with srv.raw() as c:
        assert c.command("CONFIG", "SET", "dir", d) == b"+OK\r\n"
        os.rmdir(d)
        for cmd in (["SET", "k", "v"], ["SAVE"], ["SET", "k2", "v"], ["PING"], ["BGSAVE"]):
            out.append((cmd, c.command(*cmd)))
        # Let the background save finish (Redis: the child fails; Apus: the writer fails).
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            info = c.command("INFO", "persistence")
            if b"rdb_bgsave_in_progress:0" in info:
                break
            time.sleep(0.05)
        for cmd in (["SET", "x", "1"], ["GET", "x"], ["SHUTDOWN"], ["PING"]):
            out.append((cmd, c.command(*cmd)))
        info = c.command("INFO", "persistence").decode()
        fields = dict(l.split(":", 1) for l in info.split("\r\n") if ":" in l)
        out.append(("rdb_last_bgsave_status", fields["rdb_last_bgsave_status"]))
        out.append(("rdb_changes_since_last_save", fields["rdb_changes_since_last_save"]))
    return out


def test_failed_save_misconf(servers, tmp_path):
    args = ["--enable-protected-configs", "yes"]
    a = servers.new("apus", args=args, save="3600 1")
    r = servers.new("redis", args=args, save="3600 1")
    assert _vanishing_dir_sequence(a, str(tmp_path)) == _vanishing_dir_sequence(r, str(tmp_path))


# MARK: - protected mode

def _non_loopback_ipv4():
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent; just picks the outgoing interface
            ip = s.getsockname()[0]
    except OSError:
        return None
    return None if ip.startswith("127.") else ip


def _denied(ip, port):
    with socket.create_connection((ip, port), timeout=5) as s:
        s.sendall(b"PING\r\n")
        data = b""
        while True:
            try:
                chunk = s.recv(4096)
            except (socket.timeout, ConnectionResetError):
                break
            if not chunk:
                break
            data += chunk
        return data


def test_protected_mode_denied_text(servers, apus_bin, redis_bin, tmp_path):
    ip = _non_loopback_ipv4()
    if ip is None:
        pytest.skip("no non-loopback IPv4 address on this host")
    from harness import Server
    a = Server(apus_bin, "apus", workdir=str(tmp_path / "a"), args=["--bind", "*", "--protected-mode", "yes"])
    r = Server(redis_bin, "redis", workdir=str(tmp_path / "r"), args=["--bind", "*", "--protected-mode", "yes"])
    os.makedirs(a.dir, exist_ok=True)
    os.makedirs(r.dir, exist_ok=True)
    servers.servers += [a, r]
    a.start()
    r.start()
    got, want = _denied(ip, a.port), _denied(ip, r.port)
    assert got.startswith(b"-DENIED")
    assert got == want


# MARK: - Directives of this issue that a stock redis.conf carries

@pytest.mark.parametrize("directive", [
    "always-show-logo no", "set-proc-title yes", 'proc-title-template "{title} {listen-addr} {server-mode}"',
    "oom-score-adj no", "oom-score-adj-values 0 200 800", "disable-thp yes", "activerehashing yes",
    "client-output-buffer-limit normal 0 0 0", "client-output-buffer-limit pubsub 32mb 8mb 60",
    "rdb-save-incremental-fsync yes", "jemalloc-bg-thread yes", "supervised no", "syslog-enabled no",
    "crash-log-enabled yes", "io-threads 1",
])
def test_in_scope_directives_accepted(servers, tmp_path, directive):
    """Each directive alone in a config file: redis-server starts, so must apus-server."""
    conf = tmp_path / "one.conf"
    conf.write_text(directive + "\n")
    a = servers.new("apus", conf=str(conf))
    with a.raw() as c:
        assert c.command("PING") == b"+PONG\r\n"


# MARK: - CLIENT LIST cmd= field

def _cmd_field_after(srv, cmds):
    with srv.raw() as e, srv.raw() as c:
        eid = int(e.command("CLIENT", "ID")[1:-2])
        for cmd in cmds:
            e.command(*cmd)
        line = c.command("CLIENT", "LIST", "ID", str(eid))
    return re.search(rb" cmd=(\S+) ", line).group(1)


@pytest.mark.parametrize("cmds", [
    [["CLIENT", "NO-EVICT", "on"], ["NOSUCHCMD"]],
    [["SET", "k", "v"], ["CLIENT", "NOSUCH"]],
    [["SET", "k", "v"], ["GET"]],
], ids=["unknown-command", "unknown-subcommand", "arity-error"])
def test_client_list_cmd_after_unknown(servers, cmds):
    a, r = _start_pair(servers)
    assert _cmd_field_after(a, cmds) == _cmd_field_after(r, cmds)


# MARK: - Expiry during CLIENT PAUSE

def _pause_expiry_transcript(srv):
    out = []
    with srv.raw() as a, srv.raw() as b:
        for k in ("k", "k2", "k3"):
            a.command("SET", k, "v", "PX", "100")
        out.append(a.command("CLIENT", "PAUSE", "1000", "WRITE"))
        time.sleep(0.4)
        # (RANDOMKEY is left out on purpose: 7.0.15 loops forever on it in this state.)
        for c in (["DBSIZE"], ["GET", "k"], ["DBSIZE"], ["EXISTS", "k2"], ["TTL", "k2"], ["INFO", "keyspace"],
                  ["SCAN", "0"], ["KEYS", "*"]):
            out.append((c, b.command(*c)))
        a.command("CLIENT", "UNPAUSE")
    return out


def test_no_expiry_deletes_during_pause(servers):
    a, r = _start_pair(servers)
    assert _pause_expiry_transcript(a) == _pause_expiry_transcript(r)
