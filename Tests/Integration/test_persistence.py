"""Persistence: RDB files written by apus-server must satisfy redis-check-rdb and load
into a real redis-server 7.0.15 with the same contents; dumps written by real Redis
(strings) must load into apus-server; BGSAVE must not stop service; SHUTDOWN/SIGTERM
must save when save points exist; corrupt files must stop startup with an error; and
DEBUG RELOAD must round-trip the dataset."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time

import pytest

from harness import assert_rdb_ok, encode_command, wait_for

DBS = (0, 1, 5, 15)


def populate(srv, n: int = 300) -> None:
    """A mixed string dataset: int/embstr/raw/compressible/binary values, TTLs, several dbs."""
    r = srv.client(single_connection_client=True)
    for db in DBS:
        r.select(db)
        with r.pipeline(transaction=False) as p:
            for i in range(n):
                p.set(f"int:{db}:{i}", i * 7919 - 1000)
                p.set(f"str:{db}:{i}", f"value-{i}")
                if i % 10 == 0:
                    p.set(f"raw:{db}:{i}", "r" * (100 + i))          # LZF-compressible
                    p.set(f"rand:{db}:{i}", os.urandom(60 + i))      # incompressible binary
                if i % 3 == 0:
                    p.set(f"ttl:{db}:{i}", "t", ex=1000 + i)
                    p.set(f"pttl:{db}:{i}", "p", px=2_000_000 + i)
            p.set(b"\x00\xffbin\r\nkey", b"\x00\x01\r\n")
            p.set("empty", "")
            p.set("neg", "-9223372036854775808")
            p.set("big", "9223372036854775807")
            p.set("float", "3.14")
            p.execute()
    r.close()


def contents(srv) -> dict:
    """{db: {key: (value, pttl or -1)}} over the databases used by populate()."""
    r = srv.client(single_connection_client=True)
    out = {}
    for db in range(16):
        r.select(db)
        keys = list(r.scan_iter(count=1000))
        if not keys:
            continue
        with r.pipeline(transaction=False) as p:
            for k in keys:
                p.get(k)
                p.pttl(k)
            res = p.execute()
        out[db] = {k: (res[2 * i], res[2 * i + 1]) for i, k in enumerate(keys)}
    r.close()
    return out


def assert_same_contents(a: dict, b: dict, ttl_slack_ms: int = 30_000) -> None:
    assert a.keys() == b.keys(), f"databases differ: {sorted(a)} vs {sorted(b)}"
    for db in a:
        ka, kb = set(a[db]), set(b[db])
        assert ka == kb, f"db{db}: only left {sorted(ka - kb)[:5]}, only right {sorted(kb - ka)[:5]}"
        for k, (va, ta) in a[db].items():
            vb, tb = b[db][k]
            assert va == vb, f"db{db} {k!r}: {va!r} != {vb!r}"
            if ta == -1 or tb == -1:
                assert ta == tb, f"db{db} {k!r}: ttl {ta} vs {tb}"
            else:
                assert abs(ta - tb) <= ttl_slack_ms, f"db{db} {k!r}: ttl {ta} vs {tb}"


def check_rdb(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(["redis-check-rdb", path], capture_output=True, timeout=120)


def bgsave_done(r) -> bool:
    return r.info("persistence")["rdb_bgsave_in_progress"] == 0


# MARK: - Apus writes, Redis reads

def test_save_is_valid_rdb_and_loads_in_redis(servers):
    apus = servers.new("apus")
    populate(apus)
    before = contents(apus)
    assert apus.client().save() is True
    path = apus.rdb_path()
    assert os.path.getsize(path) > 0
    p = check_rdb(path)
    assert p.returncode == 0 and b"RDB looks OK" in p.stdout, p.stdout.decode() + p.stderr.decode()
    ref = servers.new("redis", workdir=apus.dir)  # same --dir, default dbfilename dump.rdb
    assert ref.client().dbsize() > 0
    assert_same_contents(before, contents(ref))
    # and apus itself reads back what it wrote
    apus2 = servers.new("apus", workdir=apus.dir)
    assert_same_contents(before, contents(apus2))


def test_save_of_empty_dataset(servers):
    apus = servers.new("apus")
    assert apus.client().save() is True
    p = check_rdb(apus.rdb_path())
    assert p.returncode == 0, p.stdout
    ref = servers.new("redis", workdir=apus.dir)
    assert ref.client().dbsize() == 0


def test_lastsave_and_info_persistence(servers):
    apus = servers.new("apus")
    r = apus.client()
    r.set("a", 1)
    assert r.info("persistence")["rdb_changes_since_last_save"] >= 1
    t0 = int(time.time())
    r.save()
    info = r.info("persistence")
    assert info["rdb_changes_since_last_save"] == 0
    assert info["rdb_last_bgsave_status"] == "ok"
    assert abs(r.lastsave().timestamp() - t0) <= 2


# MARK: - Redis writes, Apus reads

def test_redis_dump_loads_into_apus(servers):
    ref = servers.new("redis")
    populate(ref)
    r = ref.client()
    r.set("long-compressible", "abc" * 10000)
    r.set("long-random", os.urandom(50000))
    expected = contents(ref)
    assert r.save() is True
    apus = servers.new("apus", workdir=ref.dir)
    assert_same_contents(expected, contents(apus))
    assert apus.client().info("keyspace")["db0"]["keys"] == len(expected[0])


def test_redis_dump_without_compression_or_checksum(servers):
    ref = servers.new("redis", args=["--rdbcompression", "no", "--rdbchecksum", "no"])
    populate(ref, n=50)
    expected = contents(ref)
    ref.client().save()
    apus = servers.new("apus", workdir=ref.dir)
    assert_same_contents(expected, contents(apus))


def test_expired_keys_in_dump_are_not_loaded(servers):
    ref = servers.new("redis")
    r = ref.client()
    r.set("keep", "1")
    r.set("gone", "1", px=300)
    r.save()
    time.sleep(0.5)  # let the TTL stored in the file pass before loading it
    apus = servers.new("apus", workdir=ref.dir)
    a = apus.client()
    assert a.get("keep") == b"1"
    assert a.exists("gone") == 0


# MARK: - BGSAVE

def test_bgsave_while_writing(servers):
    apus = servers.new("apus")
    r = apus.client()
    n = 200_000
    with r.pipeline(transaction=False) as p:
        for i in range(n):
            p.set(f"key:{i}", f"v{i}" * 10)
        p.execute()
    assert r.bgsave() is True
    writes = 0
    t0 = time.monotonic()
    while not bgsave_done(r):
        assert r.set(f"key:{writes % n}", "changed") is True
        assert r.get(f"key:{writes % n}") == b"changed"
        writes += 1
        assert time.monotonic() - t0 < 60, "BGSAVE did not finish in 60s"
    info = r.info("persistence")
    assert info["rdb_last_bgsave_status"] == "ok"
    p = check_rdb(apus.rdb_path())
    assert p.returncode == 0, p.stdout
    ref = servers.new("redis", workdir=apus.dir)
    assert ref.client().dbsize() == n
    # the snapshot holds point-in-time values: each is either original or "changed"
    rr = ref.client()
    for i in range(0, n, 997):
        assert rr.get(f"key:{i}") in (f"v{i}".encode() * 10, b"changed")


def test_bgsave_of_big_collections_being_written(servers):
    """Big hashes, sets, sorted sets and lists go to the save thread piece by piece while
    a client keeps changing them: the file passes redis-check-rdb and Redis loads from
    it exactly what they held when BGSAVE answered."""
    apus = servers.new("apus")
    r = apus.client()
    n = 150_000
    with r.pipeline(transaction=False) as p:
        for s in range(0, n, 1000):
            p.hset("h", mapping={f"f{i}": f"v{i}" for i in range(s, s + 1000)})
            p.sadd("s", *[f"m{i}" for i in range(s, s + 1000)])
            p.zadd("z", {f"m{i}": i % 1000 for i in range(s, s + 1000)})
            p.rpush("l", *[f"e{i}" for i in range(s, s + 1000)])
        p.execute()
    r.pexpireat("h", 4_000_000_000_000)

    def image(c):
        return (c.hgetall("h"), c.smembers("s"), c.zrange("z", 0, -1, withscores=True), c.lrange("l", 0, -1),
                c.pexpiretime("h"))

    before = image(r)

    cmd = lambda *args: encode_command(args)
    writes = b"".join(cmd("HSET", "h", f"f{i}", "changed" * (i % 3)) + cmd("HDEL", "h", f"f{i + 1}")
                      + cmd("SREM", "s", f"m{i}") + cmd("SADD", "s", f"new{i}")
                      + cmd("ZINCRBY", "z", "5", f"m{i}") + cmd("ZREM", "z", f"m{i + 2}")
                      + cmd("LPUSH", "l", f"new{i}") + cmd("RPOP", "l")
                      for i in range(0, n, 5)) + cmd("DEL", "s") + cmd("ECHO", "written")
    with socket.create_connection(("127.0.0.1", apus.port)) as sock:
        sock.sendall(cmd("BGSAVE"))
        assert sock.recv(100).startswith(b"+Background saving started")
        # Everything below runs after the cut: none of it may reach the file.
        sock.sendall(writes)
        got = b""
        while not got.endswith(b"written\r\n"):
            chunk = sock.recv(1 << 20)
            assert chunk, "connection closed"
            got += chunk
    assert b"\r\n-" not in got, "a write failed"
    t0 = time.monotonic()
    while not bgsave_done(r):
        assert time.monotonic() - t0 < 60, "BGSAVE did not finish in 60s"
        time.sleep(0.01)
    assert r.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert_rdb_ok(apus.rdb_path())
    ref = servers.new("redis", workdir=apus.dir)
    assert image(ref.client()) == before


def test_bgsave_twice_is_refused_and_schedule(servers):
    apus = servers.new("apus")
    r = apus.client()
    with r.pipeline(transaction=False) as p:
        for i in range(300_000):
            p.set(f"k{i}", "x" * 50)
        p.execute()
    r.bgsave()
    with pytest.raises(Exception, match="Background save already in progress"):
        r.bgsave()
    wait_for(lambda: bgsave_done(r), timeout=60, what="bgsave")
    assert r.execute_command("BGSAVE", "SCHEDULE") in (b"Background saving started", "Background saving started", True)
    wait_for(lambda: bgsave_done(r), timeout=60, what="bgsave")
    assert check_rdb(apus.rdb_path()).returncode == 0


# MARK: - SHUTDOWN and restart

def test_shutdown_saves_with_save_points_and_restart_keeps_data(servers):
    apus = servers.new("apus", save="3600 1")
    populate(apus, n=50)
    before = contents(apus)
    with apus.raw() as c:
        c.send(b"SHUTDOWN\r\n")
        assert c.read_until_closed(30) == b""  # no reply: the server exits
    assert apus.wait_exit(30) == 0
    again = servers.new("apus", workdir=apus.dir, save="3600 1")
    assert_same_contents(before, contents(again))


def test_shutdown_nosave_and_sigterm(servers):
    apus = servers.new("apus", save="3600 1")
    r = apus.client()
    r.set("a", "1")
    r.save()
    r.set("b", "2")
    with apus.raw() as c:
        c.send(b"SHUTDOWN NOSAVE\r\n")
        c.read_until_closed(30)
    assert apus.wait_exit(30) == 0
    again = servers.new("apus", workdir=apus.dir, save="3600 1")
    a = again.client()
    assert a.get("a") == b"1" and a.get("b") is None
    a.set("c", "3")
    os.kill(again.pid, signal.SIGTERM)
    assert again.wait_exit(30) == 0
    third = servers.new("apus", workdir=apus.dir)
    assert third.client().get("c") == b"3"


def test_shutdown_without_save_points_does_not_save(servers):
    apus = servers.new("apus")  # --save ""
    apus.client().set("x", "1")
    with apus.raw() as c:
        c.send(b"SHUTDOWN\r\n")
        c.read_until_closed(30)
    assert apus.wait_exit(30) == 0
    assert not os.path.exists(apus.rdb_path())


# MARK: - Corrupt files

def _expect_startup_failure(servers, workdir: str):
    srv = servers.new("apus", workdir=workdir, start=False)
    srv.start_error = None
    try:
        srv.start(timeout=20)
    except Exception as e:  # ServerStartError: the process exited during startup
        srv.start_error = e
    assert srv.start_error is not None, "apus-server started on a corrupt RDB file"
    assert srv.proc.returncode not in (0, None), srv.proc.returncode
    return srv.log_text()


def test_truncated_rdb_fails_startup(servers):
    ref = servers.new("redis")
    populate(ref, n=100)
    ref.client().save()
    data = open(ref.rdb_path(), "rb").read()
    d = os.path.join(ref.dir, "trunc")
    os.mkdir(d)
    with open(os.path.join(d, "dump.rdb"), "wb") as f:
        f.write(data[: len(data) // 2])
    log = _expect_startup_failure(servers, d)
    assert log.strip(), "no message explaining the failure"


def test_bad_checksum_fails_startup(servers):
    ref = servers.new("redis")
    ref.client().set("k", "v" * 10)
    ref.client().save()
    data = bytearray(open(ref.rdb_path(), "rb").read())
    data[-1] ^= 0xFF  # last byte of the CRC64 trailer
    d = os.path.join(ref.dir, "crc")
    os.mkdir(d)
    open(os.path.join(d, "dump.rdb"), "wb").write(bytes(data))
    log = _expect_startup_failure(servers, d)
    assert "checksum" in log.lower(), log[-2000:]


def test_garbage_file_fails_startup(servers, tmp_path):
    d = tmp_path / "garbage"
    d.mkdir()
    (d / "dump.rdb").write_bytes(b"NOTANRDBFILE" + os.urandom(100))
    log = _expect_startup_failure(servers, str(d))
    assert log.strip()


# MARK: - DEBUG RELOAD

def test_debug_reload(servers):
    apus = servers.new("apus", args=["--enable-debug-command", "yes"])
    populate(apus, n=50)
    before = contents(apus)
    r = apus.client()
    assert r.execute_command("DEBUG", "RELOAD") in (True, b"OK", "OK")
    assert_same_contents(before, contents(apus), ttl_slack_ms=5_000)
    assert os.path.exists(apus.rdb_path())


def test_debug_refused_by_default(apus):
    with apus.raw() as c:
        reply = c.command("DEBUG", "RELOAD")
    assert reply.startswith(b"-ERR DEBUG command not allowed."), reply
