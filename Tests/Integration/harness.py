"""Process and wire-level helpers shared by the Apus integration tests.

This module starts server processes (apus-server or a real redis-server, which take
the same command line), waits until they answer PING, and stops them by PID.  It also
provides a raw RESP connection that returns the exact bytes of each reply, which is
what the differential tests compare between Apus and real Redis 7.0.15, plus a small
RESP2/RESP3 decoder for the cases where byte equality is too strict (ordering of SCAN
results, connection ids, ...).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


# MARK: - Binaries

def apus_binary() -> str:
    """Path of the apus-server binary under test (env APUS_SERVER overrides)."""
    env = os.environ.get("APUS_SERVER")
    if env:
        return env
    return str(REPO_ROOT / ".build" / "release" / "apus-server")


def redis_binary() -> str:
    return os.environ.get("REDIS_SERVER", "redis-server")


def free_port() -> int:
    """A loopback TCP port that was free a moment ago (the kernel picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# MARK: - Server process

class ServerStartError(RuntimeError):
    pass


class Server:
    """One server process on 127.0.0.1:<port>, started with redis-server style arguments.

    The server's stdout/stderr go to `log_path` so failures can show what it said.
    """

    def __init__(self, binary: str, name: str, workdir: str | None = None,
                 args: list[str] | None = None, conf: str | None = None,
                 save: str | None = "", port: int | None = None,
                 unixsocket: bool = False):
        self.binary = binary
        self.name = name
        self.own_dir = workdir is None
        self.dir = workdir or tempfile.mkdtemp(prefix=f"{name}-")
        self.port = port or free_port()
        self.conf = conf
        self.extra = list(args or [])
        self.save = save
        self.unixsocket = os.path.join(self.dir, f"{name}.sock") if unixsocket else None
        self.proc: subprocess.Popen | None = None
        self.log_path = os.path.join(self.dir, f"{name}-{self.port}.log")

    # Building the command line the same way for both servers keeps comparisons fair.
    def argv(self) -> list[str]:
        argv = [self.binary]
        if self.conf:
            argv.append(self.conf)
        argv += ["--port", str(self.port), "--bind", "127.0.0.1", "--dir", self.dir]
        if self.save is not None:
            argv += ["--save", self.save]
        if self.unixsocket:
            argv += ["--unixsocket", self.unixsocket, "--unixsocketperm", "700"]
        argv += self.extra
        return argv

    def start(self, timeout: float = 20.0) -> "Server":
        self._log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(self.argv(), stdout=self._log, stderr=subprocess.STDOUT,
                                     cwd=self.dir, start_new_session=True)
        self.wait_ready(timeout)
        return self

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def wait_ready(self, timeout: float = 20.0) -> None:
        """Polls PING until +PONG; fails early if the process exits."""
        deadline = time.monotonic() + timeout
        last = None
        while time.monotonic() < deadline:
            if not self.alive():
                raise ServerStartError(f"{self.name} exited with {self.proc.returncode} during startup:\n"
                                       + self.log_text()[-4000:])
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1.0) as s:
                    s.sendall(b"*1\r\n$4\r\nPING\r\n")
                    data = s.recv(64)
                    if data.startswith(b"+PONG") or data.startswith(b"-NOAUTH"):
                        return
                    last = data  # e.g. -LOADING while a big dump loads
            except OSError as e:
                last = e
            time.sleep(0.02)
        self.stop()
        raise ServerStartError(f"{self.name} not ready after {timeout}s (last: {last!r}):\n"
                               + self.log_text()[-4000:])

    def wait_exit(self, timeout: float = 20.0) -> int:
        assert self.proc is not None
        return self.proc.wait(timeout)

    def stop(self) -> None:
        """Kills the server by PID (SIGKILL: teardown must never hang on a sick server)."""
        if self.proc is not None and self.proc.poll() is None:
            try:
                os.kill(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                pass
        # A fork()ed BGSAVE child may outlive the parent briefly; it is in our session.
        if self.proc is not None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        if getattr(self, "_log", None):
            self._log.close()
            self._log = None

    def log_text(self) -> str:
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode("utf-8", "replace")
        except OSError:
            return ""

    # Convenience clients.
    def client(self, protocol: int = 2, **kw):
        import redis
        return redis.Redis(host="127.0.0.1", port=self.port, protocol=protocol, socket_timeout=30, **kw)

    def raw(self, timeout: float = 10.0) -> "RawConn":
        return RawConn(("127.0.0.1", self.port), timeout)

    def rdb_path(self, name: str = "dump.rdb") -> str:
        return os.path.join(self.dir, name)

    def __repr__(self) -> str:
        return f"<{self.name} pid={self.proc.pid if self.proc else None} port={self.port}>"


# MARK: - Raw RESP connection

def encode_command(args) -> bytes:
    """RESP multibulk encoding; str args are UTF-8, bytes pass through, ints are formatted."""
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        if isinstance(a, int):
            a = str(a).encode()
        elif isinstance(a, str):
            a = a.encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


class ConnectionClosed(Exception):
    pass


class RawConn:
    """A socket that sends raw bytes and returns each reply's exact bytes."""

    def __init__(self, addr, timeout: float = 10.0):
        if isinstance(addr, str):
            self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            self.sock.settimeout(timeout)
            self.sock.connect(addr)
        else:
            self.sock = socket.create_connection(addr, timeout=timeout)
        self.buf = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def send(self, data: bytes) -> None:
        self.sock.sendall(data)

    def command(self, *args) -> bytes:
        self.send(encode_command(args))
        return self.read_reply()

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionClosed(self.buf)
        self.buf += chunk

    def _line_end(self, pos: int) -> int:
        while True:
            i = self.buf.find(b"\r\n", pos)
            if i >= 0:
                return i
            self._fill()

    def _frame_end(self, pos: int) -> int:
        """Index just past the RESP2/RESP3 value starting at pos (reads more as needed)."""
        while len(self.buf) <= pos:
            self._fill()
        t = self.buf[pos:pos + 1]
        eol = self._line_end(pos)
        header = self.buf[pos + 1:eol]
        if t in b"+-:_,#(":
            return eol + 2
        if t in b"$!=":
            n = int(header)
            if n < 0:
                return eol + 2
            end = eol + 2 + n + 2
            while len(self.buf) < end:
                self._fill()
            return end
        if t in b"*~>%|":
            n = int(header)
            if n < 0:
                return eol + 2
            if t in b"%|":
                n *= 2
            p = eol + 2
            for _ in range(n):
                p = self._frame_end(p)
            if t == b"|":  # an attribute is followed by the value it annotates
                p = self._frame_end(p)
            return p
        raise ValueError(f"not a RESP type byte at {pos}: {self.buf[pos:pos + 40]!r}")

    def read_reply(self) -> bytes:
        end = self._frame_end(0)
        out, self.buf = self.buf[:end], self.buf[end:]
        return out

    def read_until_closed(self, timeout: float = 5.0) -> bytes:
        """Everything the server sends until it closes the connection."""
        self.sock.settimeout(timeout)
        data = self.buf
        self.buf = b""
        while True:
            try:
                chunk = self.sock.recv(65536)
            except ConnectionResetError:
                break
            if not chunk:
                break
            data += chunk
        return data


# MARK: - RESP decoding

class Err(str):
    """An error reply, kept distinct from simple strings."""


class Push(list):
    pass


class Verbatim(bytes):
    pass


def decode(data: bytes):
    """Decodes one RESP2/RESP3 value; returns (value, rest).  Maps become lists of pairs."""
    t = data[:1]
    eol = data.index(b"\r\n")
    header = data[1:eol]
    rest = data[eol + 2:]
    if t == b"+":
        return header.decode(errors="replace"), rest
    if t == b"-":
        return Err(header.decode(errors="replace")), rest
    if t in (b":", b"("):
        return int(header), rest
    if t == b"_":
        return None, rest
    if t == b",":
        return ("double", header.decode()), rest
    if t == b"#":
        return header == b"t", rest
    if t in (b"$", b"!", b"="):
        n = int(header)
        if n < 0:
            return None, rest
        body = rest[:n]
        rest = rest[n + 2:]
        if t == b"!":
            return Err(body.decode(errors="replace")), rest
        return (Verbatim(body) if t == b"=" else body), rest
    if t in (b"*", b"~", b">"):
        n = int(header)
        if n < 0:
            return None, rest
        items = []
        for _ in range(n):
            v, rest = decode(rest)
            items.append(v)
        if t == b"~":
            return ("set", items), rest
        return (Push(items) if t == b">" else items), rest
    if t in (b"%", b"|"):
        n = int(header)
        pairs = []
        for _ in range(n):
            k, rest = decode(rest)
            v, rest = decode(rest)
            pairs.append((k, v))
        if t == b"|":
            v, rest = decode(rest)
            return v, rest
        return ("map", pairs), rest
    raise ValueError(f"bad RESP: {data[:40]!r}")


def decode_one(data: bytes):
    v, rest = decode(data)
    assert rest == b"", f"trailing bytes after reply: {rest[:40]!r}"
    return v


# MARK: - Process memory

def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def wait_for(pred, timeout: float = 10.0, interval: float = 0.02, what: str = "condition"):
    """Polls pred() until truthy; returns its value or raises AssertionError."""
    deadline = time.monotonic() + timeout
    while True:
        v = pred()
        if v:
            return v
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def assert_rdb_ok(path: str) -> None:
    """redis-check-rdb (Redis 7.0.15's own checker) accepts the file."""
    p = subprocess.run(["redis-check-rdb", path], capture_output=True, timeout=120)
    assert p.returncode == 0 and b"RDB looks OK" in p.stdout, p.stdout.decode() + p.stderr.decode()


def save_and_load_in_redis(servers, populate, snapshot, args):
    """Apus (started with `args`) is filled by `populate` and SAVEs; redis-check-rdb
    accepts the file and a redis-server started on it holds the same `snapshot` and the
    same DEBUG DIGEST. Returns the Apus server, that snapshot and a client of Redis."""
    apus = servers.new("apus", args=args)
    a = apus.client()
    populate(a)
    before = snapshot(a)
    digest = a.execute_command("DEBUG", "DIGEST")
    assert a.save()
    assert_rdb_ok(apus.rdb_path())
    r = servers.new("redis", workdir=apus.dir, args=args).client()
    assert snapshot(r) == before
    assert r.execute_command("DEBUG", "DIGEST") == digest, "the same data has the same digest in both"
    return apus, before, r


# MARK: - Datasets

def dataset(srv) -> dict:
    """Every key of every database, by type, with whether it has a TTL (to compare two
    servers key by key)."""
    r = srv.client(single_connection_client=True)
    out = {}
    for db in range(16):
        r.select(db)
        for k in r.scan_iter(count=1000):
            t = r.type(k).decode()
            if t == "string":
                v = r.get(k)
            elif t == "list":
                v = r.lrange(k, 0, -1)
            elif t == "hash":
                v = sorted(r.hgetall(k).items())
            elif t == "set":
                v = sorted(r.smembers(k))
            elif t == "zset":
                v = r.zrange(k, 0, -1, withscores=True)
            else:
                v = t
            out[(db, k)] = (t, v, r.pttl(k) > 0)
    r.close()
    return out
