"""Startup configuration: bad arguments produce Redis's FATAL CONFIG FILE ERROR block
and exit status 1; the shipped conf/apus.conf starts a working server; a config file
plus command-line overrides yields the same CONFIG GET values as real Redis."""

from __future__ import annotations

import os
import subprocess

import pytest

from harness import REPO_ROOT


def run_fatal(binary: str, *args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([binary, *args], capture_output=True, timeout=20, cwd=cwd)


def _normalize_fatal(text: bytes) -> list[str]:
    lines = text.decode(errors="replace").strip().splitlines()
    # the header names the product/version; the rest must match Redis line for line
    return [("*** FATAL CONFIG FILE ERROR ***" if l.startswith("*** FATAL CONFIG FILE ERROR") else l)
            for l in lines]


BAD_ARGS = [
    ["--port", "abc"],
    ["--port", "99999"],
    ["--nosuchdirective", "1"],
    ["--maxmemory-policy", "bogus"],
    ["--databases", "0"],
    ["--save", "100"],
    ["--appendonly", "maybe"],
    ["--port", "1", "2"],
    ["--maxmemory", "12qb"],
]


@pytest.mark.parametrize("args", BAD_ARGS, ids=[" ".join(a) for a in BAD_ARGS])
def test_bad_argument_is_fatal_like_redis(apus_bin, redis_bin, tmp_path, args):
    want = run_fatal(redis_bin, *args, cwd=tmp_path)
    got = run_fatal(apus_bin, *args, cwd=tmp_path)
    assert want.returncode == 1
    assert got.returncode == 1, (got.stdout + got.stderr).decode()
    out = got.stderr + got.stdout
    assert b"*** FATAL CONFIG FILE ERROR" in out, out.decode()
    assert _normalize_fatal(out) == _normalize_fatal(want.stderr + want.stdout)


def test_port_abc_exact_block(apus_bin):
    p = run_fatal(apus_bin, "--port", "abc")
    assert p.returncode == 1
    lines = _normalize_fatal(p.stderr + p.stdout)
    assert lines == [
        "*** FATAL CONFIG FILE ERROR ***",
        "Reading the configuration file, at line 2",
        ">>> 'port \"abc\"'",
        "argument couldn't be parsed into an integer",
    ]


def test_missing_config_file(apus_bin, tmp_path):
    p = run_fatal(apus_bin, str(tmp_path / "nope.conf"))
    assert p.returncode == 1
    assert b"can't open config file" in p.stdout + p.stderr


def test_shipped_conf_starts_server(servers):
    conf = str(REPO_ROOT / "conf" / "apus.conf")
    apus = servers.new("apus", conf=conf)
    r = apus.client()
    assert r.ping() is True
    r.set("k", "v")
    assert r.get("k") == b"v"
    cfg = r.config_get("*")
    assert cfg["port"] == str(apus.port)
    assert cfg["databases"] == "16"
    assert cfg["tcp-keepalive"] == "300"
    # the shipped file is also a valid redis.conf
    ref = servers.new("redis", conf=conf)
    rcfg = ref.client().config_get("*")
    for name in ("databases", "tcp-keepalive", "maxclients", "hz", "maxmemory-policy", "rdbcompression",
                 "dbfilename", "loglevel", "slowlog-max-len", "latency-tracking-info-percentiles"):
        assert cfg.get(name) == rcfg.get(name), name


CONF_TEXT = """
# comment line
maxmemory 100mb
maxmemory-policy allkeys-lru
hz 15
databases 32
timeout 120
slowlog-log-slower-than 2000
save 900 1
save 300 10
save 60 10000
dbfilename "my dump.rdb"
requirepass "s3cr et"
tcp-keepalive 60
loglevel verbose
lazyfree-lazy-expire yes
proto-max-bulk-len 64mb
"""

COMPARED = ["maxmemory", "maxmemory-policy", "hz", "databases", "timeout", "slowlog-log-slower-than",
            "save", "dbfilename", "requirepass", "tcp-keepalive",
            "loglevel", "lazyfree-lazy-expire", "proto-max-bulk-len", "appendonly"]


def test_config_file_and_overrides_match_redis(servers, tmp_path):
    conf = tmp_path / "test.conf"
    conf.write_text(CONF_TEXT)
    values = []
    for kind in ("apus", "redis"):
        srv = servers.new(kind, conf=str(conf), save=None, args=["--hz", "25", "--save", "100 5"])
        r = srv.client(password="s3cr et")
        values.append({k: r.config_get(k).get(k) for k in COMPARED})
        assert r.execute_command("SELECT", 31) in (True, b"OK", "OK")
    assert values[0] == values[1]
    # command-line arguments are appended to the file, so a later "save" adds to earlier ones
    assert values[0]["hz"] == "25" and values[0]["save"] == "900 1 300 10 60 10000 100 5"


STOCK_CONF = "/etc/redis/redis.conf"


@pytest.mark.skipif(not os.access(STOCK_CONF, os.R_OK), reason="Debian's stock redis.conf is not installed")
def test_debian_stock_redis_conf_is_accepted(servers, tmp_path):
    """A drop-in replacement must start from the redis.conf that Debian ships (all 7.0 directives)."""
    overrides = ["--daemonize", "no", "--supervised", "no", "--logfile", "", "--pidfile",
                 str(tmp_path / "apus.pid")]
    apus = servers.new("apus", conf=STOCK_CONF, args=overrides)
    ref = servers.new("redis", conf=STOCK_CONF, args=overrides)
    a, r = apus.client().config_get("*"), ref.client().config_get("*")
    for name in ("databases", "maxclients", "timeout", "tcp-keepalive", "save", "dbfilename", "hz",
                 "appendonly", "notify-keyspace-events", "client-output-buffer-limit", "hll-sparse-max-bytes",
                 "stream-node-max-bytes", "stream-node-max-entries"):
        assert a.get(name) == r.get(name), name
