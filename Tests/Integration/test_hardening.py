"""Hardening (issue 16): what a hostile client or a surprised operator runs into.

- client-output-buffer-limit is enforced while replies are appended: a client that
  pipelines big GETs and never reads is cut off near its limit, not at a gigabyte;
- listeners exist only where asked (--port 0, unix socket path length), and CONFIG SET
  maxclients / bind fail with 7.0's words;
- a save interrupted by kill -9 leaves no temp file behind after the next start, and the
  logs describe the save thread Apus really has, never a child process;
- TYPE, TTL, EXISTS and OBJECT leave a key's access time alone (LOOKUP_NOTOUCH);
- apus-benchmark says once that it cannot connect.
Every server runs on a free loopback port and is killed by PID afterwards.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time

import pytest

from harness import free_port, wait_for


def vm_peak_kb(pid: int) -> int:
    """VmHWM: the peak resident set size of the process, in kB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    raise AssertionError("no VmHWM")


def listening_tcp_sockets(pid: int) -> list[str]:
    """Local addresses of the TCP sockets in LISTEN state that `pid` holds."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            target = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with open(table) as f:
            next(f)
            for line in f:
                cols = line.split()
                if cols[3] == "0A" and cols[9] in inodes:
                    found.append(cols[1])
    return found


def run_to_exit(binary: str, args: list[str], cwd: str, timeout: float = 20) -> subprocess.CompletedProcess:
    return subprocess.run([binary] + args, capture_output=True, text=True, cwd=cwd, timeout=timeout)


# MARK: - Output buffer limits

@pytest.mark.parametrize("kind", ["apus", "redis"])
def test_client_that_never_reads_is_cut_off_near_its_limit(servers, kind):
    srv = servers.new(kind, args=["--client-output-buffer-limit", "normal 64mb 32mb 10"])
    r = srv.client()
    r.set("bk", b"x" * (1 << 20))
    r.config_resetstat()
    hog = socket.create_connection(("127.0.0.1", srv.port))
    hog.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 64 * 1024)
    hog.sendall(b"*2\r\n$3\r\nGET\r\n$2\r\nbk\r\n" * 1000)
    try:
        assert wait_for(lambda: r.info("clients")["connected_clients"] == 1, timeout=30), \
            "the client over its limit was not closed"
        assert wait_for(lambda: "overcoming of output buffer limits" in srv.log_text(), timeout=5)
        line = next(l for l in srv.log_text().splitlines() if "overcoming of output buffer limits" in l)
        assert "scheduled to be closed ASAP" in line and " omem=" in line and " cmd=get" in line
        omem = int(line.split(" omem=")[1].split()[0])
        assert 64 << 20 <= omem <= (64 << 20) + (2 << 20), line
        # Commands stop running once the client is marked: far fewer than 1000 GETs.
        calls = r.info("commandstats").get("cmdstat_get", {}).get("calls", 0)
        assert calls < 200, f"{calls} GETs ran for a client over its limit"
        # Peak memory stays near the limit (it reached ~780 MB when checked per read).
        assert vm_peak_kb(srv.pid) < 220 * 1024
    finally:
        hog.close()
    assert r.ping()


# MARK: - Listeners

def test_port_zero_without_unix_socket_does_not_start(apus_bin, redis_bin, tmp_path):
    for binary in (apus_bin, redis_bin):
        p = run_to_exit(binary, ["--port", "0", "--save", ""], cwd=str(tmp_path))
        assert p.returncode == 1, (binary, p.stdout)
        assert "Configured to not listen anywhere, exiting." in p.stdout, p.stdout


def test_port_zero_with_unix_socket_serves_only_the_socket(servers, tmp_path):
    sock = str(tmp_path / "only.sock")
    log = open(tmp_path / "apus.log", "wb")
    proc = subprocess.Popen([servers.bins["apus"], "--port", "0", "--save", "", "--unixsocket", sock],
                            stdout=log, stderr=subprocess.STDOUT, cwd=str(tmp_path), start_new_session=True)
    try:
        assert wait_for(lambda: os.path.exists(sock), timeout=10)
        out = subprocess.run(["redis-cli", "-s", sock, "ping"], capture_output=True, text=True, timeout=10)
        assert out.stdout.strip() == "PONG"
        assert listening_tcp_sockets(proc.pid) == []
        info = subprocess.run(["redis-cli", "-s", sock, "info", "server"], capture_output=True, text=True).stdout
        assert "tcp_port:0" in info
    finally:
        proc.kill()
        proc.wait(10)
        log.close()


def test_too_long_unix_socket_path_is_refused_like_redis(apus_bin, redis_bin, tmp_path):
    base = str(tmp_path) + "/"
    path = base + "s" * (108 - len(base))
    assert len(path) == 108
    outputs = []
    for binary in (apus_bin, redis_bin):
        p = run_to_exit(binary, ["--port", "0", "--save", "", "--unixsocket", path], cwd=str(tmp_path))
        assert p.returncode == 1, p.stdout
        assert not os.path.exists(path[:107]) and not os.path.exists(path), "a truncated socket was left"
        outputs.append([l.split("# ", 1)[1] for l in p.stdout.splitlines() if "unix socket" in l.lower()])
    assert outputs[0] == outputs[1] == ["Failed opening Unix socket: unix socket path too long (108), must be under 108"]


def test_config_set_errors_for_maxclients_and_bind_match_redis(servers):
    replies = []
    for kind in ("apus", "redis"):
        srv = servers.new(kind)
        raw = srv.raw()
        got = [raw.command("CONFIG", "SET", "maxclients", "10000000"),
               raw.command("CONFIG", "GET", "maxclients"),
               raw.command("CONFIG", "SET", "bind", "192.0.2.1"),
               raw.command("CONFIG", "SET", "bind", "-192.0.2.1 127.0.0.1"),
               raw.command("CONFIG", "GET", "bind"),
               raw.command("PING")]
        replies.append(got)
        raw.close()
    assert replies[0] == replies[1]
    assert replies[0][0].startswith(b"-ERR CONFIG SET failed (possibly related to argument 'maxclients') - "
                                    b"The operating system is not able to handle the specified number of clients, try with ")
    assert replies[0][2] == b"-ERR CONFIG SET failed (possibly related to argument 'bind') - Failed to bind to specified addresses.\r\n"


# MARK: - Saves: temp files and logs

def apus_with_random_keys(servers, n: int = 300_000):
    """An apus-server holding n keys of 64 random bytes (a save of them takes a while)."""
    apus = servers.new("apus")
    r = apus.client()
    with r.pipeline(transaction=False) as p:
        for i in range(n):
            p.set(f"key:{i}", os.urandom(64))
        p.execute()
    return apus, r


def test_temp_file_of_a_killed_save_is_removed_at_next_start(servers):
    apus, r = apus_with_random_keys(servers)
    assert r.bgsave()
    temp = None
    for _ in range(200):
        names = [n for n in os.listdir(apus.dir) if n.startswith("temp-") and n.endswith(".rdb")]
        if names:
            temp = names[0]
            break
        time.sleep(0.005)
    assert temp, "BGSAVE wrote no temp file"
    apus.stop()  # kill -9 in the middle of the save
    assert os.path.exists(os.path.join(apus.dir, temp))
    # A temp file of a process that is still running is not ours to remove.
    live = f"temp-{os.getpid()}.rdb"
    open(os.path.join(apus.dir, live), "wb").close()
    again = servers.new("apus", workdir=apus.dir)
    assert not os.path.exists(os.path.join(apus.dir, temp))
    assert os.path.exists(os.path.join(apus.dir, live))
    assert f"Removed {temp}, left by an interrupted save" in again.log_text()


def test_aborted_background_saves_are_logged_as_what_they_are(servers):
    apus, r = apus_with_random_keys(servers)
    assert r.bgsave()
    r.flushall()
    assert r.bgsave()
    try:
        r.shutdown(nosave=True)
    except Exception:
        pass
    apus.wait_exit()
    log = apus.log_text()
    assert "child" not in log.lower() and "signal" not in log.lower(), log[-2000:]
    assert "Background saving aborted" in log
    assert not [n for n in os.listdir(apus.dir) if n.startswith("temp-")]


def test_bgsave_lands_in_the_directory_it_started_in(servers, tmp_path):
    apus = servers.new("apus", args=["--enable-protected-configs", "yes"])
    r = apus.client()
    with r.pipeline(transaction=False) as p:
        for i in range(200_000):
            p.set(f"key:{i}", "v" * 40)
        p.execute()
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert r.bgsave()
    r.config_set("dir", str(other))
    assert wait_for(lambda: r.info("persistence")["rdb_bgsave_in_progress"] == 0, timeout=60)
    assert r.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert os.path.exists(os.path.join(apus.dir, "dump.rdb"))
    assert not os.path.exists(other / "dump.rdb")


# MARK: - LOOKUP_NOTOUCH

def test_inspecting_a_key_does_not_refresh_its_access_time(servers):
    srvs = [servers.new("apus"), servers.new("redis")]
    clients = [s.client() for s in srvs]
    for c in clients:
        c.set("k", "v")
        c.set("other", "1")
        c.config_resetstat()
    time.sleep(2.2)
    results = []
    for c in clients:
        c.ttl("k"); c.pttl("k"); c.type("k"); c.exists("k", "nokey"); c.object("encoding", "k")
        c.type("nokey"); c.object("encoding", "nokey"); c.touch("other", "nokey")
        list(c.scan_iter(match="k"))
        idle = c.object("idletime", "k")
        stats = c.info("stats")
        results.append((stats["keyspace_hits"], stats["keyspace_misses"]))
        assert idle >= 2, f"idle time reset to {idle} by a NOTOUCH lookup"
        assert c.object("idletime", "other") == 0, "TOUCH refreshes the access time"
        c.get("k")
        assert c.object("idletime", "k") == 0
    assert results[0] == results[1], f"hits/misses apus {results[0]} redis {results[1]}"


# MARK: - apus-benchmark

def test_benchmark_reports_an_unreachable_server_once(tmp_path):
    bench = os.environ.get("APUS_BENCHMARK") or str(
        __import__("pathlib").Path(__file__).resolve().parents[2] / ".build" / "release" / "apus-benchmark")
    port = free_port()
    p = subprocess.run([bench, "-p", str(port), "-n", "10", "-q"], capture_output=True, text=True, timeout=30)
    out = p.stdout + p.stderr
    assert p.returncode == 1
    assert out.count("Could not connect") == 1, out
    assert f"Could not connect to Redis at 127.0.0.1:{port}: Connection refused" in out
