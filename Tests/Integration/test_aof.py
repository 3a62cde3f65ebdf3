"""The append-only file, against Redis 7.0.15's own files and tools.

Apus's AOF directory (manifest, base, incr files) is named and laid out as Redis 7.0
lays it out, passes redis-check-aof and loads into a real redis-server with the same
contents; Redis's AOF directories (RDB preamble or commands) load into Apus. Writes
survive a restart and a kill -9 (appendfsync always acknowledges nothing that is not
on disk); BGREWRITEAOF rotates the files without losing a write made meanwhile;
CONFIG SET appendonly turns the AOF on and off at run time; damaged files are handled
as 7.0 handles them (a truncated tail is cut with aof-load-truncated, an unclosed
MULTI reverted, anything else stops start-up naming the file); an old single-file
appendonly.aof is upgraded.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time

import pytest

from harness import dataset, wait_for

# appendfsync always: under everysec Redis (and Apus) may postpone a write while a
# background fsync runs, so a test reading the file, or killing the server, right
# after a reply could miss the last command. Durability under everysec is
# tools/aof-durability's concern.
AOF = ["--appendonly", "yes", "--appendfsync", "always"]


def populate(srv) -> None:
    r = srv.client(single_connection_client=True)
    for db in (0, 3):
        r.select(db)
        r.set(f"s{db}", "v")
        r.set(f"n{db}", 10)
        r.incrbyfloat(f"f{db}", 2.5)
        r.set(f"ttl{db}", "t", ex=1000)
        r.rpush(f"l{db}", *[f"e{i}" for i in range(300)])
        r.hset(f"h{db}", mapping={f"f{i}": i for i in range(200)})
        # Big enough to be saved element by element by a rewrite's snapshot.
        r.hset(f"bigh{db}", mapping={f"f{i}": "v" * (i % 7) for i in range(600)})
        r.sadd(f"bigs{db}", *[f"m{i}" for i in range(600)])
        r.zadd(f"bigz{db}", {f"m{i}": (i * 7919) % 1000 - 0.5 for i in range(600)})
        r.expire(f"bigz{db}", 1000)
        r.sadd(f"set{db}", *range(50))
        r.sadd(f"sset{db}", "a", "b")
        r.zadd(f"z{db}", {f"m{i}": i / 3 for i in range(150)})
        r.lpop(f"l{db}")
        r.spop(f"set{db}")
        with r.pipeline(transaction=True) as p:
            p.incr(f"n{db}").lpush(f"l{db}", "head").expire(f"s{db}", 500)
            p.execute()
        r.delete(f"gone{db}")
    r.close()


def aof_dir(srv) -> str:
    return os.path.join(srv.dir, "appendonlydir")


def manifest(srv) -> str:
    with open(os.path.join(aof_dir(srv), "appendonly.aof.manifest")) as f:
        return f.read()


def check_aof(srv) -> None:
    out = subprocess.run(["redis-check-aof", os.path.join(aof_dir(srv), "appendonly.aof.manifest")],
                         capture_output=True, text=True)
    assert out.returncode == 0 and "All AOF files and manifest are valid" in out.stdout, out.stdout + out.stderr


def restart(servers, srv, kind="apus", args=None, expect_ready=True):
    """Stops `srv` by PID and starts a server of `kind` on the same directory."""
    srv.stop()
    new = servers.new(kind, workdir=srv.dir, args=args if args is not None else AOF, start=False)
    if expect_ready:
        new.start()
    return new


def log_of(srv) -> str:
    with open(srv.log_path, errors="replace") as f:
        return f.read()


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_a_fresh_aof_is_laid_out_as_redis_lays_it_out(servers, preamble):
    args = AOF + ["--aof-use-rdb-preamble", preamble]
    apus = servers.new("apus", args=args)
    ref = servers.new("redis", args=args)
    for srv in (apus, ref):
        srv.client().set("k", "v")
    suffix = "rdb" if preamble == "yes" else "aof"
    assert sorted(os.listdir(aof_dir(apus))) == sorted(os.listdir(aof_dir(ref))) == [
        f"appendonly.aof.1.base.{suffix}", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"]
    assert manifest(apus) == manifest(ref) == (
        f"file appendonly.aof.1.base.{suffix} seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n")
    if preamble == "no":
        assert os.path.getsize(os.path.join(aof_dir(apus), "appendonly.aof.1.base.aof")) == 0
    with open(os.path.join(aof_dir(apus), "appendonly.aof.1.incr.aof"), "rb") as a, \
            open(os.path.join(aof_dir(ref), "appendonly.aof.1.incr.aof"), "rb") as b:
        assert a.read() == b.read() == b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n"
    check_aof(apus)


def test_info_persistence_lists_the_aof_fields_redis_lists(servers):
    for args in (AOF, []):
        names = []
        for kind in ("apus", "redis"):
            srv = servers.new(kind, args=args)
            names.append([k for k in srv.client().info("persistence") if k.startswith("aof_")])
            # The buffer's memory shows once the AOF is on, in INFO and MEMORY STATS.
            r = srv.client()
            r.set("k", "v")
            held = r.info("memory")["mem_aof_buffer"]
            assert (held > 0) == (args == AOF), (kind, held)
            assert r.memory_stats()["aof.buffer"] == held
            assert r.info("memory")["mem_not_counted_for_evict"] == held
        assert names[0] == names[1]


def test_writes_survive_a_restart_and_load_into_real_redis(servers):
    apus = servers.new("apus", args=AOF)
    populate(apus)
    want = dataset(apus)
    assert len(want) > 15
    check_aof(apus)
    apus = restart(servers, apus)
    assert dataset(apus) == want
    ref = restart(servers, apus, kind="redis")
    assert dataset(ref) == want


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_an_aof_written_by_redis_loads_into_apus(servers, preamble):
    ref = servers.new("redis", args=AOF + ["--aof-use-rdb-preamble", preamble])
    populate(ref)
    ref.client().bgrewriteaof()
    wait_for(lambda: ref.client().info("persistence")["aof_rewrite_in_progress"] == 0
             and ref.client().info("persistence")["aof_rewrites"] == 1, what="Redis's rewrite")
    ref.client().set("after-rewrite", "x")
    want = dataset(ref)
    assert any(f.endswith(".base.rdb" if preamble == "yes" else ".base.aof") for f in os.listdir(aof_dir(ref)))
    apus = restart(servers, ref, kind="apus")
    assert dataset(apus) == want


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_bgrewriteaof_rotates_the_files_and_keeps_every_write(servers, preamble):
    apus = servers.new("apus", args=AOF + ["--aof-use-rdb-preamble", preamble])
    suffix = "rdb" if preamble == "yes" else "aof"
    populate(apus)
    r = apus.client()
    assert r.bgrewriteaof() in (True, b"Background append only file rewriting started",
                                "Background append only file rewriting started")
    r.set("during", "1")
    wait_for(lambda: r.info("persistence")["aof_rewrites"] == 1
             and r.info("persistence")["aof_rewrite_in_progress"] == 0, what="the rewrite")
    r.set("after", "2")
    assert manifest(apus) == (f"file appendonly.aof.2.base.{suffix} seq 2 type b\n"
                              "file appendonly.aof.2.incr.aof seq 2 type i\n")
    assert sorted(os.listdir(aof_dir(apus))) == [
        f"appendonly.aof.2.base.{suffix}", "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"]
    info = r.info("persistence")
    assert info["aof_last_bgrewrite_status"] == "ok" and info["aof_base_size"] > 0
    want = dataset(apus)
    check_aof(apus)
    apus = restart(servers, apus, args=AOF + ["--aof-use-rdb-preamble", preamble])
    assert dataset(apus) == want
    ref = restart(servers, apus, kind="redis")
    assert dataset(ref) == want


def test_bgrewriteaof_replies_as_redis_replies(servers):
    apus = servers.new("apus", args=AOF)
    r = apus.client()
    r.set("k", "v")
    r.bgsave()
    assert r.execute_command("BGREWRITEAOF") in (True, b"Background append only file rewriting scheduled",
                                                  "Background append only file rewriting scheduled",
                                                  b"Background append only file rewriting started",
                                                  "Background append only file rewriting started")
    wait_for(lambda: r.info("persistence")["aof_rewrites"] == 1
             and r.info("persistence")["aof_rewrite_in_progress"] == 0, timeout=20, what="the scheduled rewrite")


def test_config_set_appendonly_turns_the_aof_on_and_off(servers):
    apus = servers.new("apus")
    r = apus.client()
    populate(apus)
    assert not os.path.exists(aof_dir(apus))
    r.config_set("appendonly", "yes")
    wait_for(lambda: r.info("persistence")["aof_enabled"] == 1 and r.info("persistence")["aof_rewrites"] == 1
             and r.info("persistence")["aof_rewrite_in_progress"] == 0, what="the AOF to be on")
    r.set("while-on", "1")
    assert manifest(apus) == "file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n"
    want = dataset(apus)
    check_aof(apus)
    r.config_set("appendonly", "no")
    assert r.info("persistence")["aof_enabled"] == 0
    r.set("while-off", "1")
    apus = restart(servers, apus)
    assert dataset(apus) == want


def test_appendfsync_always_loses_no_acknowledged_write_to_kill_9(servers):
    apus = servers.new("apus", args=AOF)
    r = apus.client()
    acked = 0
    deadline = time.time() + 0.6
    while time.time() < deadline:
        r.set(f"k{acked}", acked)
        acked += 1
    os.kill(apus.pid, signal.SIGKILL)
    apus = restart(servers, apus)
    r = apus.client()
    missing = [i for i in range(acked) if r.get(f"k{i}") != str(i).encode()]
    assert not missing, f"{len(missing)} of {acked} acknowledged writes lost"


def _truncate_last(srv, cut: int) -> str:
    path = os.path.join(aof_dir(srv), "appendonly.aof.1.incr.aof")
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size - cut)
    return path


def test_a_truncated_tail_is_cut_back_with_aof_load_truncated(servers):
    apus = servers.new("apus", args=AOF)
    r = apus.client()
    r.set("a", "1")
    r.set("b", "2")
    path = _truncate_last(apus, 3)
    apus.stop()
    # As 7.0: refused without aof-load-truncated ...
    no = servers.new("apus", workdir=apus.dir, args=AOF + ["--aof-load-truncated", "no"], start=False)
    no.proc = subprocess.Popen(no.argv(), stdout=open(no.log_path, "ab"), stderr=subprocess.STDOUT, cwd=no.dir)
    assert no.proc.wait(20) != 0
    assert "Unexpected end of file reading the append only file appendonly.aof.1.incr.aof" in log_of(no)
    # ... and cut back to the last whole command with it (the default).
    ok = restart(servers, no)
    assert ok.client().get("a") == b"1" and ok.client().get("b") is None
    assert "Truncating the AOF appendonly.aof.1.incr.aof at offset" in log_of(ok)
    with open(path, "rb") as f:
        assert f.read().endswith(b"$1\r\na\r\n$1\r\n1\r\n")


def test_an_unclosed_multi_at_the_end_is_reverted(servers):
    apus = servers.new("apus", args=AOF)
    r = apus.client()
    r.set("before", "1")
    with r.pipeline(transaction=True) as p:
        p.set("x", "1").set("y", "2")
        p.execute()
    path = os.path.join(aof_dir(apus), "appendonly.aof.1.incr.aof")
    data = open(path, "rb").read()
    exec_at = data.rindex(b"*1\r\n$4\r\nEXEC\r\n")
    apus.stop()
    with open(path, "wb") as f:
        f.write(data[:exec_at])
    apus = restart(servers, apus)
    r = apus.client()
    assert r.get("before") == b"1" and r.get("x") is None and r.get("y") is None
    assert "Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof" in log_of(apus)


@pytest.mark.parametrize("damage,message", [
    ("garbage", "Bad file format reading the append only file appendonly.aof.1.incr.aof"),
    ("manifest", "Invalid AOF manifest file format"),
    ("missing", "The append log file appendonly.aof.1.incr.aof doesn't exist"),
    ("unknown", "Unknown command 'NOSUCHCMD' reading the append only file appendonly.aof.1.incr.aof"),
])
def test_damage_stops_start_up_naming_the_file(servers, damage, message):
    apus = servers.new("apus", args=AOF)
    apus.client().set("a", "1")
    apus.stop()
    d = aof_dir(apus)
    incr = os.path.join(d, "appendonly.aof.1.incr.aof")
    if damage == "garbage":
        with open(incr, "ab") as f:
            f.write(b"this is not RESP\r\n*1\r\n$4\r\nPING\r\n")
    elif damage == "manifest":
        with open(os.path.join(d, "appendonly.aof.manifest"), "a") as f:
            f.write("file x seq\n")
    elif damage == "missing":
        os.unlink(incr)
    else:
        with open(incr, "ab") as f:
            f.write(b"*1\r\n$9\r\nNOSUCHCMD\r\n")
    bad = servers.new("apus", workdir=apus.dir, args=AOF, start=False)
    bad.proc = subprocess.Popen(bad.argv(), stdout=open(bad.log_path, "ab"), stderr=subprocess.STDOUT, cwd=bad.dir)
    assert bad.proc.wait(20) != 0
    assert message in log_of(bad)


def test_an_old_single_file_aof_is_upgraded(servers, tmp_path):
    work = str(tmp_path / "old")
    os.makedirs(work)
    with open(os.path.join(work, "appendonly.aof"), "wb") as f:
        f.write(b"*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nSET\r\n$3\r\nold\r\n$3\r\nyes\r\n")
    apus = servers.new("apus", workdir=work, args=AOF)
    assert apus.client().get("old") == b"yes"
    assert not os.path.exists(os.path.join(work, "appendonly.aof"))
    assert manifest(apus) == ("file appendonly.aof seq 1 type b\n"
                              "file appendonly.aof.1.incr.aof seq 1 type i\n")
    apus.client().set("new", "1")
    check_aof(apus)
    ref = restart(servers, apus, kind="redis")
    assert ref.client().get("old") == b"yes" and ref.client().get("new") == b"1"


def _incr_bytes(srv) -> bytes:
    names = sorted(f for f in os.listdir(aof_dir(srv)) if f.endswith(".incr.aof"))
    with open(os.path.join(aof_dir(srv), names[-1]), "rb") as f:
        data = f.read()
    import re
    # Absolute times differ by when each server ran the command.
    return re.sub(rb"\$13\r\n1\d{12}\r\n", b"$13\r\n<ms>\r\n", data)


def test_the_incr_file_holds_what_redis_writes_for_the_same_commands(servers):
    script = [
        ["SET", "a", "1"], ["GET", "a"], ["SET", "e", "v", "EX", "100"], ["INCRBYFLOAT", "f", "1.25"],
        ["PUBLISH", "ch", "not in the AOF"], ["DEL", "nothing"], ["SADD", "s", "x"], ["SPOP", "s"],
        ["RPUSH", "l", "a", "b"], ["BLPOP", "l", "0"], ["SELECT", "4"], ["HSET", "h", "f", "v"],
        ["HINCRBYFLOAT", "h", "n", "2.5"], ["EXPIRE", "h", "50"], ["SELECT", "0"], ["MULTI"], ["INCR", "a"],
        ["LPUSH", "l", "c"], ["EXEC"], ["MULTI"], ["INCR", "a"], ["EXEC"], ["GETEX", "a", "PX", "5000"],
        ["FLUSHDB"], ["SET", "last", "1"],
    ]
    out = []
    for kind in ("apus", "redis"):
        srv = servers.new(kind, args=AOF)
        r = srv.client(single_connection_client=True)
        for cmd in script:
            r.execute_command(*cmd)
        out.append(_incr_bytes(srv))
    assert out[0] == out[1]
    assert b"PUBLISH" not in out[0]


def test_timestamp_annotations_are_written_and_skipped_on_load(servers):
    apus = servers.new("apus", args=AOF + ["--aof-timestamp-enabled", "yes"])
    r = apus.client()
    r.set("a", "1")
    time.sleep(1.1)
    r.set("b", "2")
    data = open(os.path.join(aof_dir(apus), "appendonly.aof.1.incr.aof"), "rb").read()
    assert data.startswith(b"#TS:") and data.count(b"#TS:") == 2
    check_aof(apus)
    for kind in ("apus", "redis"):
        srv = restart(servers, apus, kind=kind)
        assert srv.client().mget("a", "b") == [b"1", b"2"]
        apus = srv


def fill(r, n: int = 200_000) -> None:
    """n keys of 100 bytes (20 MB): enough for a snapshot to still run a round trip later."""
    with r.pipeline(transaction=False) as p:
        for i in range(n):
            p.set(f"k{i}", "v" * 100)
        p.execute()


def during_rewrite(srv, *commands) -> list[bytes]:
    """Starts BGREWRITEAOF and, on the same connection right after it (the 20 MB
    rewrite is still running), sends `commands`; returns every raw reply."""
    raw = srv.raw()
    try:
        return [raw.command("BGREWRITEAOF")] + [raw.command(*c) for c in commands]
    finally:
        raw.close()


def test_bgsave_during_a_rewrite_is_refused_or_scheduled_as_redis_does(servers):
    apus = servers.new("apus", args=AOF)
    r = apus.client()
    fill(r)
    started, bgsave, scheduled = during_rewrite(apus, ("BGSAVE",), ("BGSAVE", "SCHEDULE"))
    assert started == b"+Background append only file rewriting started\r\n"
    assert bgsave.startswith(b"-ERR Another child process is active (AOF?)")
    assert scheduled == b"+Background saving scheduled\r\n"
    wait_for(lambda: os.path.exists(os.path.join(apus.dir, "dump.rdb"))
             and r.info("persistence")["rdb_bgsave_in_progress"] == 0, timeout=30, what="the scheduled BGSAVE")
    wait_for(lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0, what="the rewrite")
    assert r.info("persistence")["aof_last_bgrewrite_status"] == "ok"


def test_turning_the_aof_on_during_a_bgsave_waits_for_it(servers):
    apus = servers.new("apus")
    r = apus.client()
    fill(r)
    r.bgsave()
    r.config_set("appendonly", "yes")
    r.set("while-waiting", "1")
    wait_for(lambda: r.info("persistence")["aof_enabled"] == 1 and r.info("persistence")["aof_rewrites"] == 1
             and r.info("persistence")["aof_rewrite_in_progress"] == 0, timeout=30, what="the AOF to be on")
    r.set("after", "2")
    # The write made while the AOF waited is in the base the rewrite took after it.
    apus = restart(servers, apus)
    r = apus.client()
    assert r.dbsize() == 200_002
    assert r.mget("k0", "k199999", "while-waiting", "after") == [b"v" * 100, b"v" * 100, b"1", b"2"]


def test_save_during_a_rewrite_saves_and_the_rewrite_runs_again(servers):
    apus = servers.new("apus", args=AOF)
    r = apus.client()
    fill(r)
    assert during_rewrite(apus, ("SAVE",)) == [b"+Background append only file rewriting started\r\n", b"+OK\r\n"]
    assert os.path.exists(os.path.join(apus.dir, "dump.rdb"))
    wait_for(lambda: r.info("persistence")["aof_rewrite_in_progress"] == 0
             and r.info("persistence")["aof_rewrite_scheduled"] == 0
             and r.info("persistence")["aof_rewrites"] == 2, timeout=30, what="the rewrite to run again")
    assert r.info("persistence")["aof_last_bgrewrite_status"] == "ok"
    check_aof(apus)
    apus = restart(servers, apus)
    assert apus.client().dbsize() == 200_000
