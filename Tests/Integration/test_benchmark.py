"""apus-benchmark end to end: a drop-in for redis-benchmark 7.0.15 plus its extensions.

Drop-in cases run redis-benchmark and apus-benchmark with the same arguments against the
same server and compare exit status and the *shape* of the output: the text a terminal
would show (progress lines overwritten by \\r are dropped), with every number replaced by
a placeholder that keeps its count of decimals, and runs of identical lines (percentile
tables) collapsed.  Server-side effects (keys, databases, INFO commandstats, CLIENT LIST)
are checked directly.  Extension cases (--duration, --rate, --ratio, --json,
--failover-report, TLS refusal) have no redis-benchmark counterpart; they are marked
EXTENSION below.  Cluster and failover cases use real Redis 7.0.15 topologies from
cluster_harness.py.

The binary is $APUS_BENCHMARK or .build/release/apus-benchmark.  A missing binary fails
the module unless $APUS_ALLOW_MISSING_BENCHMARK is set (then it is skipped), so CI cannot
pass silently without it.  Every benchmark process runs in its own session and is killed
by its process-group id (= its PID) if it outlives its test.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import signal
import subprocess
import time
from dataclasses import dataclass

import pytest

from cluster_harness import RedisCluster, SentinelSetup
from harness import REPO_ROOT, wait_for


# MARK: - Binaries

@pytest.fixture(scope="module")
def bench() -> str:
    path = os.environ.get("APUS_BENCHMARK") or str(REPO_ROOT / ".build" / "release" / "apus-benchmark")
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        msg = (f"apus-benchmark binary not found at {path}; build it with "
               f"`swift build -c release --product apus-benchmark` or set APUS_BENCHMARK")
        if os.environ.get("APUS_ALLOW_MISSING_BENCHMARK"):
            pytest.skip(msg)
        pytest.fail(msg, pytrace=False)
    return path


@pytest.fixture(scope="module")
def redis_bench() -> str:
    path = shutil.which(os.environ.get("REDIS_BENCHMARK", "redis-benchmark"))
    if not path:
        pytest.fail("redis-benchmark 7.0.x is required for the reference comparisons", pytrace=False)
    return path


# MARK: - Running a benchmark

@dataclass
class Run:
    argv: list[str]
    rc: int
    out: str
    err: str
    elapsed: float

    def __repr__(self) -> str:  # shown by pytest when an assertion mentions the run
        return (f"{' '.join(self.argv)} -> rc={self.rc} in {self.elapsed:.2f}s\n"
                f"--- stdout ---\n{self.out[-3000:]}\n--- stderr ---\n{self.err[-3000:]}")


def _kill_group(p: subprocess.Popen) -> None:
    if p.poll() is None:
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass
        try:
            p.wait(10)
        except subprocess.TimeoutExpired:
            pass


def start(binary: str, *args, stdin=subprocess.DEVNULL) -> subprocess.Popen:
    return subprocess.Popen([binary, *map(str, args)], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, start_new_session=True)


def finish(p: subprocess.Popen, t0: float, timeout: float = 60, input: bytes | None = None) -> Run:
    try:
        out, err = p.communicate(input=input, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(p)
        out, err = p.communicate()
        raise AssertionError(f"{p.args} did not finish in {timeout}s:\n{out.decode(errors='replace')[-2000:]}"
                             f"\n{err.decode(errors='replace')[-2000:]}")
    finally:
        _kill_group(p)
    return Run(list(p.args), p.returncode, out.decode(errors="replace"), err.decode(errors="replace"),
               time.monotonic() - t0)


def run(binary: str, *args, input: bytes | None = None, timeout: float = 60) -> Run:
    t0 = time.monotonic()
    p = start(binary, *args, stdin=subprocess.PIPE if input is not None else subprocess.DEVNULL)
    return finish(p, t0, timeout, input)


def target(server) -> list[str]:
    return ["-h", "127.0.0.1", "-p", str(server.port)]


# MARK: - Output shape

QUIET = re.compile(r"^(?P<title>.+): (?P<rps>[0-9.]+) requests per second, p50=(?P<p50>[0-9.]+) msec$")
PERCENTILE = re.compile(r"^[0-9]+\.[0-9]{3}% <= [0-9]+\.[0-9]{3} milliseconds \(cumulative count [0-9]+\)$")
CSV_HEADER = ('"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms",'
              '"p95_latency_ms","p99_latency_ms","max_latency_ms"')


def screen(out: str) -> list[str]:
    """The lines a terminal would end up showing: within a line, text before the last \\r
    (redis-benchmark's live progress) is overwritten."""
    return [line.rsplit("\r", 1)[-1] for line in out.split("\n")]


def _shape_number(m: re.Match) -> str:
    pad, whole, frac = m.group(1), m.group(2), m.group(3)
    shape = "N" if frac is None else "N." + "d" * len(frac)
    # A number after 2+ spaces sits in a right-aligned column (printf "%9.3f"): keep the
    # column width, not the padding, since 12.383 ms takes one pad space less than 0.979.
    if len(pad) >= 2:
        return f"[{len(pad) + len(whole) + (0 if frac is None else len(frac) + 1)}:{shape}]"
    return pad + shape


def skeleton(out: str) -> list[str]:
    """screen(out) with numbers abstracted (decimal places kept) and repeated lines collapsed."""
    lines = [re.sub(r"( *)(\d+)(?:\.(\d+))?", _shape_number, line) for line in screen(out)]
    collapsed: list[str] = []
    for line in lines:
        if not collapsed or collapsed[-1] != line:
            collapsed.append(line)
    return collapsed


def quiet_results(out: str) -> list[tuple[str, float, float]]:
    res = []
    for line in screen(out):
        m = QUIET.match(line)
        if m:
            res.append((m.group("title"), float(m.group("rps")), float(m.group("p50"))))
    return res


def csv_rows(out: str) -> tuple[str, list[list[str]]]:
    lines = [l for l in screen(out) if l]
    return lines[0], list(csv.reader(io.StringIO("\n".join(lines[1:]))))


def cmd_calls(client, name: str) -> int:
    return client.info("commandstats").get(f"cmdstat_{name}", {}).get("calls", 0)


def json_lines(out: str) -> list[dict]:
    objs = []
    for line in screen(out):
        line = line.strip()
        if line.startswith("{"):
            objs.append(json.loads(line))
    return objs


# MARK: - Drop-in: command line and messages

def help_options(text: str) -> list[str]:
    """Option names as listed at the start of redis-benchmark's help lines (" -h <hostname> ...")."""
    return re.findall(r"^ (-{1,2}[A-Za-z0-9][A-Za-z0-9-]*)", text, re.M)


def test_help_lists_every_redis_benchmark_option(bench, redis_bench):
    ref = run(redis_bench, "--help")
    got = run(bench, "--help")
    assert ref.rc == 0 and got.rc == 0, got
    assert re.search(r"^Usage: \S*benchmark \[OPTIONS\] \[COMMAND ARGS\.\.\.\]$", got.out, re.M), got
    ref_opts = help_options(ref.out)
    assert len(ref_opts) >= 30, ref.out  # sanity of the extraction itself
    got_opts = set(help_options(got.out))
    missing = [o for o in ref_opts if o not in got_opts]
    assert not missing, f"options listed by redis-benchmark but not by apus-benchmark: {missing}\n{got.out}"
    # EXTENSION: the options redis-benchmark lacks are documented too.
    for o in ("--duration", "--rate", "--ratio", "--json", "--failover-report", "--sentinel", "--master-name"):
        assert o in got_opts, f"{o} not in --help\n{got.out}"


def test_version(bench, redis_bench):
    ref = run(redis_bench, "--version")
    assert ref.rc == 0 and re.fullmatch(r"redis-benchmark \S+\n", ref.out), ref
    got = run(bench, "--version")
    assert got.rc == 0 and got.out.startswith("apus-benchmark ") and got.out.endswith("\n"), got
    assert got.out.count("\n") == 1, got


@pytest.mark.parametrize("args,bad", [(["--bogus"], "--bogus"), (["-n"], "-n"), (["-t"], "-t"),
                                      (["-c", "5", "--dbnum"], "--dbnum"), (["-Z", "-n", "10"], "-Z")],
                         ids=["unknown", "missing-n", "missing-t", "missing-dbnum", "unknown-short"])
def test_invalid_option_or_missing_argument(bench, redis_bench, args, bad):
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    # On stdout: the message, an empty line, then exactly what --help prints; exit status 1.
    for binary, r in ((redis_bench, ref), (bench, got)):
        assert r.rc == 1 and r.err == "", r
        assert r.out == f'Invalid option "{bad}" or option argument missing\n\n' + run(binary, "--help").out, r


def test_tls_options_are_refused(bench):
    # Apus-specific deviation (redis-benchmark here is built with TLS): no TLS support.
    got = run(bench, "--tls", "-n", "10", timeout=10)
    assert got.rc == 1 and "apus-benchmark: TLS is not supported" in got.err, got


# MARK: - Drop-in: output formats

def test_quiet_lines(bench, redis_bench, apus):
    args = [*target(apus), "-n", "2000", "-t", "ping,set,get", "-q"]
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 0 and got.rc == 0, got
    titles = ["PING_INLINE", "PING_MBULK", "SET", "GET"]
    assert [t for t, _, _ in quiet_results(ref.out)] == titles, ref
    res = quiet_results(got.out)
    assert [t for t, _, _ in res] == titles, got
    assert all(rps > 0 and p50 >= 0 for _, rps, p50 in res), got
    assert skeleton(got.out) == skeleton(ref.out), got


def test_csv_output(bench, redis_bench, apus):
    args = [*target(apus), "-n", "2000", "-t", "ping,set,get,incr,mset", "--csv"]
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 0 and got.rc == 0, got
    rh, rrows = csv_rows(ref.out)
    gh, grows = csv_rows(got.out)
    assert rh == CSV_HEADER and gh == CSV_HEADER, got
    assert [r[0] for r in grows] == [r[0] for r in rrows] == \
        ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "MSET (10 keys)"], got
    for row in grows:
        assert len(row) == 8, row
        vals = [float(v) for v in row[1:]]
        assert vals[0] > 0 and vals[2] <= vals[3] <= vals[6], row  # min <= p50 <= max
    assert skeleton(got.out) == skeleton(ref.out), got


# Every name -t accepts in 7.0.15 (xadd is not a test there: it selects nothing).
ALL_TESTS = "ping,set,get,incr,lpush,rpush,lpop,rpop,sadd,hset,spop,zadd,zpopmin,lrange,mset"


@pytest.mark.parametrize("tests", [None, ALL_TESTS, "lrange_300,ping_inline,SET", "lrange_100,lrange_600,ping_mbulk"],
                         ids=["no-t", "all", "subnames", "subnames2"])
def test_default_test_titles_match_redis(bench, redis_bench, redis_ref, tests):
    # Needs real redis-server: the default suite uses lists, sets, hashes and sorted sets.
    args = [*target(redis_ref), "-n", "1000", "-r", "1000", "--csv"] + (["-t", tests] if tests else [])
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 0 and got.rc == 0, got
    want = [r[0] for r in csv_rows(ref.out)[1]]
    assert len(want) >= 3, ref
    assert [r[0] for r in csv_rows(got.out)[1]] == want, got


def test_unknown_test_name_selects_nothing(bench, redis_bench, apus):
    args = [*target(apus), "-n", "100", "-t", "xadd,nosuch", "-q"]
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 0 and ref.out == "\n", ref  # redis-benchmark prints one empty line
    assert (got.rc, got.out) == (ref.rc, ref.out), got


def test_default_report_sections(bench, redis_bench, apus):
    args = [*target(apus), "-n", "2000", "-t", "set,get"]
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 0 and got.rc == 0, got
    lines = screen(got.out)
    for title in ("SET", "GET"):
        i = lines.index(f"====== {title} ======")
        block = lines[i:lines.index("Summary:", i) + 6]
        assert block[1] == "  2000 requests completed in " + block[1].split(" in ")[1], block
        assert re.fullmatch(r"  2000 requests completed in [0-9]+\.[0-9]{2} seconds", block[1]), block
        assert block[2:8] == ["  50 parallel clients", "  3 bytes payload", "  keep alive: 1",
                              '  host configuration "save": ', '  host configuration "appendonly": no',
                              "  multi-thread: no"], block
        j = block.index("Latency by percentile distribution:")
        k = block.index("Cumulative distribution of latencies:")
        pct = block[j + 1:k - 1]
        assert pct and all(PERCENTILE.match(l) for l in pct), pct
        assert pct[0].startswith("0.000% <= ") and pct[-1].startswith("100.000% <= "), pct
        assert pct[-1].endswith("(cumulative count 2000)"), pct
        cum = block[k + 1:block.index("Summary:") - 1]
        assert cum and all(PERCENTILE.match(l) for l in cum) and cum[-1].startswith("100.000% <= "), cum
        s = block.index("Summary:")
        assert re.fullmatch(r"  throughput summary: [0-9]+\.[0-9]{2} requests per second", block[s + 1]), block
        assert block[s + 2] == "  latency summary (msec):", block
        assert block[s + 3] == "          avg       min       p50       p95       p99       max", block
        nums = [float(x) for x in block[s + 4].split()]
        assert len(nums) == 6 and nums[1] <= nums[2] <= nums[3] <= nums[4] <= nums[5], block
    assert skeleton(got.out) == skeleton(ref.out), got


def test_threads_report_header(bench, redis_bench, apus):
    args = [*target(apus), "-n", "2000", "-t", "set", "--threads", "2"]
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 0 and got.rc == 0, got
    assert "  multi-thread: yes" in screen(got.out) and "  threads: 2" in screen(got.out), got
    assert skeleton(got.out) == skeleton(ref.out), got


# MARK: - Drop-in: what reaches the server

def test_command_line_with_rand_int(bench, apus):
    r = apus.client(decode_responses=True)
    got = run(bench, *target(apus), "-r", "1000", "-n", "2000", "-q", "set", "foo:__rand_int__", "bar")
    assert got.rc == 0, got
    assert [t for t, _, _ in quiet_results(got.out)] == ["set foo:__rand_int__ bar"], got
    keys = list(r.scan_iter(count=1000))
    assert all(re.fullmatch(r"foo:\d{12}", k) for k in keys), keys[:10]
    assert all(int(k[4:]) < 1000 for k in keys), keys[:10]
    assert 500 <= len(keys) <= 1000, len(keys)  # 2000 draws from 1000 values: ~865 distinct
    assert r.get(keys[0]) == "bar"
    assert cmd_calls(r, "set") == 2000


def test_dbnum(bench, apus):
    r = apus.client()
    got = run(bench, *target(apus), "--dbnum", "3", "-t", "set", "-n", "2000", "-r", "100", "-q")
    assert got.rc == 0, got
    assert r.dbsize() == 0
    r.select(3)
    assert 0 < r.dbsize() <= 100


def test_password_and_user(bench, redis_bench, servers):
    srv = servers.new("apus", args=["--requirepass", "s3cret"])
    r = srv.client(password="s3cret")
    ok = run(bench, *target(srv), "-a", "s3cret", "-t", "set", "-n", "2000", "-q")
    assert ok.rc == 0 and [t for t, _, _ in quiet_results(ok.out)] == ["SET"], ok
    assert cmd_calls(r, "set") == 2000
    ok = run(bench, *target(srv), "--user", "default", "-a", "s3cret", "-t", "get", "-n", "1000", "-q")
    assert ok.rc == 0 and cmd_calls(r, "get") == 1000, ok
    # Failures: same status and messages as redis-benchmark ("Node ... replied with error:").
    for args in (["-a", "wrong"], []):
        ref = run(redis_bench, *target(srv), *args, "-t", "set", "-n", "100", "-q")
        got = run(bench, *target(srv), *args, "-t", "set", "-n", "100", "-q")
        assert ref.rc == 1 and got.rc == 1, got
        assert got.err == ref.err and got.err.startswith(f"Node 127.0.0.1:{srv.port} replied with error:\n"), got


def test_last_argument_from_stdin(bench, apus):
    got = run(bench, *target(apus), "-n", "10", "-x", "set", "xkey", input=b"hello\nworld\n")
    assert got.rc == 0, got
    # redis-benchmark keeps stdin byte for byte, trailing newline included.
    assert apus.client().get("xkey") == b"hello\nworld\n"


@pytest.mark.parametrize("extra", [["-P", "16"], ["--threads", "2"], ["-P", "16", "--threads", "2", "-c", "7"]],
                         ids=["pipeline", "threads", "both"])
def test_pipeline_and_threads_send_exactly_n(bench, apus, extra):
    # -n is a multiple of -P: redis-benchmark rounds the total up to whole pipelines
    # (-n 2001 -P 16 sends 2016 SETs), so only multiples are comparable exactly.
    r = apus.client()
    r.config_resetstat()
    got = run(bench, *target(apus), "-t", "set", "-n", "4000", "-q", *extra)
    assert got.rc == 0 and [t for t, _, _ in quiet_results(got.out)] == ["SET"], got
    stats = r.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 4000, stats
    # Besides SET only the report's CONFIG GET save/appendonly (and our own calls) may appear.
    others = {k for k in stats if k not in ("cmdstat_set", "cmdstat_config|get", "cmdstat_config|resetstat",
                                             "cmdstat_info")}
    assert not others, stats


def test_idle_mode(bench, apus):
    r = apus.client()
    base = len(r.client_list())
    t0 = time.monotonic()
    p = start(bench, *target(apus), "-c", "5", "-I")
    try:
        wait_for(lambda: len(r.client_list()) == base + 5, timeout=10, what="5 idle clients")
        time.sleep(0.3)
        assert p.poll() is None, "idle mode must wait until killed"
        assert len(r.client_list()) == base + 5
    finally:
        _kill_group(p)
    res = finish(p, t0)
    assert res.out.startswith("Creating 5 idle connections and waiting forever (Ctrl+C when done)\n"), res
    wait_for(lambda: len(r.client_list()) == base, timeout=10, what="idle clients gone")


def test_error_reply(bench, redis_bench, apus):
    args = [*target(apus), "-n", "10", "foo"]
    ref = run(redis_bench, *args)
    got = run(bench, *args)
    assert ref.rc == 1 and got.rc == 1, got
    assert ref.err.startswith("Error from server: ERR unknown command 'foo'"), ref
    assert got.err == ref.err, got


# MARK: - Extensions (redis-benchmark has none of these)

def test_duration(bench, apus):
    # EXTENSION: --duration.
    got = run(bench, *target(apus), "-t", "set", "--duration", "2s", "-q")
    assert got.rc == 0, got
    assert 1.5 <= got.elapsed <= 6, got
    res = quiet_results(got.out)
    assert [t for t, _, _ in res] == ["SET"] and res[0][1] > 0, got
    short = run(bench, *target(apus), "-t", "get", "--duration", "500ms", "-q")
    assert short.rc == 0 and 0.3 <= short.elapsed <= 4 and quiet_results(short.out)[0][1] > 0, short


def test_rate_limits_throughput(bench, apus):
    # EXTENSION: --rate (open loop).
    r = apus.client()
    r.config_resetstat()
    got = run(bench, *target(apus), "-t", "set", "--rate", "2000", "--duration", "2s", "--json")
    assert got.rc == 0, got
    (obj,) = json_lines(got.out)
    assert 1500 <= obj["rps"] <= 2500, obj
    assert 2800 <= cmd_calls(r, "set") <= 5200


def test_ratio_mixed_workload(bench, apus):
    # EXTENSION: --ratio.
    r = apus.client()
    r.config_resetstat()
    got = run(bench, *target(apus), "--ratio", "get:set=9:1", "-n", "20000", "-r", "1000", "-q")
    assert got.rc == 0, got
    assert [t for t, _, _ in quiet_results(got.out)] == ["GET:SET 9:1"], got
    gets, sets = cmd_calls(r, "get"), cmd_calls(r, "set")
    assert gets + sets == 20000, (gets, sets)
    assert 7 <= gets / max(sets, 1) <= 11, (gets, sets)


JSON_KEYS = {"test", "requests", "seconds", "rps", "avg_latency_ms", "min_latency_ms", "p50_latency_ms",
             "p95_latency_ms", "p99_latency_ms", "p999_latency_ms", "max_latency_ms", "clients", "pipeline",
             "data_size", "threads", "redirects", "percentiles"}


def test_json_lines(bench, apus):
    # EXTENSION: --json.
    got = run(bench, *target(apus), "-t", "set,get", "-n", "2000", "-c", "10", "-P", "4", "-d", "16", "--json")
    assert got.rc == 0, got
    objs = json_lines(got.out)
    assert [o["test"] for o in objs] == ["SET", "GET"], got
    for o in objs:
        assert JSON_KEYS <= set(o), sorted(JSON_KEYS - set(o))
        assert o["requests"] == 2000 and o["clients"] == 10 and o["pipeline"] == 4 and o["data_size"] == 16, o
        assert o["redirects"] == 0 and o["rps"] > 0 and o["seconds"] > 0, o
        lat = [o[k] for k in ("min_latency_ms", "p50_latency_ms", "p95_latency_ms", "p99_latency_ms",
                              "p999_latency_ms", "max_latency_ms")]
        assert lat == sorted(lat), o
        pts = o["percentiles"]
        assert pts and all(len(p) == 3 for p in pts), pts
        assert pts[0][0] == 0 and pts[-1][0] == 100 and pts[-1][2] == 2000, pts
        assert [p[2] for p in pts] == sorted(p[2] for p in pts), pts


# MARK: - Cluster routing (real Redis cluster)

def test_cluster_routing(bench, redis_bench):
    with RedisCluster(masters=3) as cl:
        args = ["--cluster", "-h", "127.0.0.1", "-p", cl.ports[0], "-t", "set", "-r", "100000", "-q"]
        # redis-benchmark prints a "Cluster has 3 master nodes:" / "Master i: <id> ip:port" header first.
        ref = run(redis_bench, *args, "-n", "3000")
        assert ref.rc == 0, ref
        for port in cl.master_ports():
            with cl.client(port) as c:
                c.flushall()
                c.config_resetstat()
        got = run(bench, *args, "-n", "30000")
        assert got.rc == 0 and [t for t, _, _ in quiet_results(got.out)] == ["SET"], got
        hide_ids = lambda out: re.sub(r"\b[0-9a-f]{40}\b", "<node-id>", out)
        assert skeleton(hide_ids(got.out)) == skeleton(hide_ids(ref.out)), got
        sizes = cl.dbsizes()
        assert len(sizes) == 3 and all(n > 0 for n in sizes.values()), sizes
        assert sum(sizes.values()) == len(cl.keys()), sizes
        total_sets = 0
        for port in cl.master_ports():
            with cl.client(port) as c:
                moved = c.info("errorstats").get("errorstat_MOVED", {}).get("count", 0)
                assert moved == 0, (port, c.info("errorstats"))
                total_sets += cmd_calls(c, "set")
        assert total_sets == 30000


def test_cluster_follows_moved_during_reshard(bench):
    # EXTENSION (--duration) around a drop-in behaviour: following MOVED/ASK while slots move.
    with RedisCluster(masters=3) as cl:
        src, dst = cl.master_ports()[:2]
        t0 = time.monotonic()
        p = start(bench, "--cluster", "-h", "127.0.0.1", "-p", src, "-t", "set", "--duration", "8s",
                  "-r", "100000", "-q")
        try:
            time.sleep(1.5)
            rs = cl.reshard(src, dst, 500)
            assert rs.returncode == 0, rs.stdout.decode(errors="replace")[-2000:] + rs.stderr.decode(errors="replace")
        finally:
            res = finish(p, t0, timeout=40)
        assert res.rc == 0 and [t for t, _, _ in quiet_results(res.out)] == ["SET"], res
        counts = {n["port"]: n["slots"] for n in cl.masters()}
        assert counts[dst] - counts[src] >= 1000 - 2, counts  # 5461/5462 -> 4961/5962
        # Sanity of the scenario itself: the benchmark really hit slots while they moved.
        with cl.client(src) as c:
            es = c.info("errorstats")
        redirects = sum(es.get(f"errorstat_{k}", {}).get("count", 0) for k in ("MOVED", "ASK"))
        assert redirects > 0, es


# MARK: - Failover report (EXTENSION)

def _failover_json(out: str) -> dict:
    objs = [o for o in json_lines(out) if o.get("mode") == "failover"]
    assert len(objs) == 1, out
    return objs[0]


FAILOVER_KEYS = {"mode", "seconds", "acknowledged", "failed", "downtime_seconds", "longest_window_seconds",
                 "windows", "master_changes", "masters", "lost", "checked"}


def test_failover_report_sentinel(bench):
    # EXTENSION: --failover-report via Sentinel.  Real Redis facts (measured with 7.0.15):
    # SENTINEL FAILOVER promotes the replica without pausing or disconnecting clients of
    # the old master, which keeps acknowledging writes until the sentinel turns it into a
    # replica (~10 s later).  So the tool must notice the switch by asking the sentinel,
    # not only on write errors, and writes acked by the old master after the promotion
    # are genuinely lost: lost == 0 is NOT guaranteed here.
    with SentinelSetup() as st:
        old = st.master_addr()
        t0 = time.monotonic()
        p = start(bench, "--failover-report", "--sentinel", f"127.0.0.1:{st.sentinel_port}",
                  "--master-name", "mymaster", "--duration", "10s", "-c", "4", "--json")
        try:
            time.sleep(2)
            new = st.failover()
        finally:
            res = finish(p, t0, timeout=40)
        assert res.rc == 0, res
        o = _failover_json(res.out)
        assert FAILOVER_KEYS <= set(o), sorted(FAILOVER_KEYS - set(o))
        assert o["master_changes"] >= 1, o
        assert f"{old[0]}:{old[1]}" in o["masters"] and f"{new[0]}:{new[1]}" in o["masters"], (o, old, new)
        assert o["acknowledged"] > 0 and o["checked"] == o["acknowledged"], o
        assert isinstance(o["lost"], int) and 0 <= o["lost"] <= o["acknowledged"], o
        assert 0 <= o["downtime_seconds"] < 10 and o["longest_window_seconds"] <= o["downtime_seconds"] + 1e-9, o
        assert 8 <= o["seconds"] <= 15, o  # the write phase; read-back time is not included


def test_failover_report_cluster(bench):
    # EXTENSION: --failover-report in cluster mode.  CLUSTER FAILOVER (without FORCE) is
    # coordinated: the master pauses writers until its replica has caught up, so no
    # acknowledged write may be lost.
    with RedisCluster(masters=3, replicas=1) as cl:
        victim = cl.masters()[0]
        replica = cl.replicas_of(victim["id"])[0]["port"]
        t0 = time.monotonic()
        p = start(bench, "--failover-report", "--cluster", "-h", "127.0.0.1", "-p", cl.master_ports()[0],
                  "--duration", "10s", "-c", "4", "--json")
        try:
            time.sleep(2)
            cl.manual_failover(replica)
        finally:
            res = finish(p, t0, timeout=40)
        assert res.rc == 0, res
        o = _failover_json(res.out)
        assert FAILOVER_KEYS <= set(o), sorted(FAILOVER_KEYS - set(o))
        assert o["master_changes"] >= 1 and f"127.0.0.1:{replica}" in o["masters"], o
        assert o["acknowledged"] > 0 and o["checked"] == o["acknowledged"], o
        assert o["lost"] == 0, o
        assert 0 <= o["downtime_seconds"] < 10, o
