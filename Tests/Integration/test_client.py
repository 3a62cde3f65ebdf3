"""redis-py (RESP2 and RESP3) against apus-server: string and keyspace commands,
expiry (relative/absolute, TTL, PERSIST, active expiry), database commands, SCAN
coverage, HELLO, CLIENT subcommands, CONFIG GET/SET, INFO parsing and pipelining.
The `r` fixture runs every test once per protocol version."""

from __future__ import annotations

import time

import pytest
import redis

from harness import wait_for


# MARK: - Strings

def test_strings_basic(r):
    assert r.set("k", "v") is True
    assert r.get("k") == b"v"
    assert r.get("nope") is None
    assert r.append("k", "xyz") == 4
    assert r.strlen("k") == 4
    assert r.getrange("k", 1, -1) == b"xyz"
    assert r.setrange("k", 6, "!") == 7
    assert r.get("k") == b"vxyz\x00\x00!"
    assert r.mset({"a": "1", "b": "2"}) is True
    assert r.mget("a", "b", "nope") == [b"1", b"2", None]
    assert r.msetnx({"a": "x", "c": "3"}) is False
    assert r.get("c") is None
    assert r.setnx("c", "3") is True and r.setnx("c", "4") is False
    assert r.getset("c", "5") == b"3"
    assert r.getdel("c") == b"5" and r.exists("c") == 0


def test_binary_safe_values(r):
    blob = bytes(range(256)) * 4
    r.set(b"\x00bin\xff", blob)
    assert r.get(b"\x00bin\xff") == blob
    assert r.strlen(b"\x00bin\xff") == 1024


def test_counters(r):
    assert r.incr("n") == 1
    assert r.incrby("n", 10) == 11
    assert r.decr("n") == 10
    assert r.decrby("n", 20) == -10
    assert r.incrbyfloat("f", 1.5) == 1.5
    assert r.incrbyfloat("f", "2.0e2") == 201.5
    r.set("big", str(2**63 - 1))
    with pytest.raises(redis.ResponseError, match="increment or decrement would overflow"):
        r.incr("big")
    r.set("s", "abc")
    with pytest.raises(redis.ResponseError, match="not an integer or out of range"):
        r.incr("s")


def test_set_options(r):
    assert r.set("k", "1", nx=True) is True
    assert r.set("k", "2", nx=True) is None
    assert r.set("k", "3", xx=True) is True
    assert r.set("missing", "x", xx=True) is None
    assert r.set("k", "4", get=True) == b"3"
    assert r.set("k", "5", ex=100, keepttl=False) is True
    assert 99 <= r.ttl("k") <= 100
    assert r.set("k", "6", keepttl=True) is True
    assert 99 <= r.ttl("k") <= 100
    assert r.set("k", "7") is True
    assert r.ttl("k") == -1
    with pytest.raises(redis.ResponseError, match="syntax error"):
        r.execute_command("SET", "k", "v", "NX", "XX")
    with pytest.raises(redis.ResponseError, match="invalid expire time in 'set' command"):
        r.execute_command("SET", "k", "v", "EX", "0")


def test_getex(r):
    r.set("k", "v")
    assert r.getex("k", ex=50) == b"v"
    assert 49 <= r.ttl("k") <= 50
    assert r.getex("k", persist=True) == b"v"
    assert r.ttl("k") == -1
    assert r.getex("nope", ex=5) is None


def test_lcs(r):
    r.mset({"k1": "ohmytext", "k2": "mynewtext"})
    assert r.lcs("k1", "k2") == b"mytext"
    assert r.lcs("k1", "k2", len=True) == 6
    res = r.lcs("k1", "k2", idx=True, minmatchlen=4, withmatchlen=True)
    if isinstance(res, list):  # RESP2: flat list
        assert res[0] == b"matches" and res[2] == b"len" and res[3] == 6
        assert res[1] == [[[4, 7], [5, 8], 4]]
    else:
        assert res[b"len"] == 6 and res[b"matches"] == [[[4, 7], [5, 8], 4]]


# MARK: - Keys

def test_keys_commands(r):
    r.mset({"a": "1", "b": "2", "c": "3"})
    assert r.exists("a", "b", "zz", "a") == 3
    assert sorted(r.keys("*")) == [b"a", b"b", b"c"]
    assert r.keys("[ab]") and sorted(r.keys("[ab]")) == [b"a", b"b"]
    assert r.type("a") == b"string"
    assert r.type("zz") == b"none"
    assert r.rename("a", "a2") is True
    assert r.renamenx("a2", "b") is False
    assert r.delete("a2", "zz") == 1
    assert r.unlink("b") == 1
    assert r.touch("c", "zz") == 1
    assert r.randomkey() == b"c"
    assert r.dbsize() == 1
    assert r.object("encoding", "c") == b"int"
    with pytest.raises(redis.ResponseError, match="no such key"):
        r.rename("zz", "yy")


def test_dump_restore_roundtrip(r):
    r.set("k", "hello")
    payload = r.dump("k")
    assert payload is not None
    assert r.restore("k2", 0, payload) in (True, b"OK", "OK")
    assert r.get("k2") == b"hello"
    with pytest.raises(redis.ResponseError, match="BUSYKEY"):
        r.restore("k2", 0, payload)


# MARK: - Expiry

def test_expire_family(r):
    r.set("k", "v")
    assert r.expire("k", 100) is True
    assert 99 <= r.ttl("k") <= 100
    assert 99000 <= r.pttl("k") <= 100000
    assert r.persist("k") is True
    assert r.ttl("k") == -1
    assert r.ttl("nope") == -2 and r.pttl("nope") == -2
    assert r.pexpire("k", 5000) is True
    assert 4000 <= r.pttl("k") <= 5000
    at = int(time.time()) + 1000
    assert r.expireat("k", at) is True
    assert r.expiretime("k") == at
    assert r.pexpireat("k", at * 1000 + 5) is True
    assert r.pexpiretime("k") == at * 1000 + 5
    assert r.expire("k", 10, gt=True) is False
    assert r.expire("k", 10, lt=True) is True
    assert r.expire("k", 20, nx=True) is False
    r.set("fresh", "1")
    assert r.expire("fresh", 20, xx=True) is False
    assert r.expire("fresh", -1) is True  # a non-positive TTL deletes the key
    assert r.exists("fresh") == 0


def test_set_ex_px_exat_pxat(r):
    r.set("a", "1", ex=10)
    r.set("b", "1", px=10000)
    r.set("c", "1", exat=int(time.time()) + 10)
    r.set("d", "1", pxat=int(time.time() * 1000) + 10000)
    for k in "abcd":
        assert 8 <= r.ttl(k) <= 10, k


def test_expired_key_is_gone_on_access(r):
    r.set("k", "v", px=50)
    wait_for(lambda: r.get("k") is None, timeout=3, what="key to expire")
    assert r.exists("k") == 0


def test_active_expiry_without_access(apus, protocol):
    """Keys with short TTLs disappear from DBSIZE without ever being read (active expire cycle)."""
    r = apus.client(protocol=protocol)
    with r.pipeline(transaction=False) as p:
        for i in range(500):
            p.set(f"short:{i}", "x", px=100)
        for i in range(10):
            p.set(f"long:{i}", "x")
        p.execute()
    assert r.dbsize() == 510
    wait_for(lambda: r.dbsize() == 10, timeout=10, interval=0.1, what="active expiry to reclaim keys")
    info = r.info("stats")
    assert info["expired_keys"] >= 500
    assert r.info("keyspace")["db0"]["keys"] == 10


# MARK: - Databases

def test_databases_single_connection(apus, protocol):
    r = apus.client(protocol=protocol, single_connection_client=True)
    r.set("k", "v0")
    assert r.move("k", 1) is True
    assert r.exists("k") == 0
    r.select(1)
    assert r.get("k") == b"v0"
    assert r.copy("k", "k2") is True
    assert r.copy("k", "k2") is False
    assert r.copy("k", "k2", replace=True) is True
    assert r.copy("k", "k", destination_db=0) is True
    r.select(0)
    assert r.get("k") == b"v0"
    r.set("only0", "x")
    assert r.swapdb(0, 1) is True
    assert r.exists("only0") == 0 and r.get("k2") == b"v0"
    r.select(1)
    assert r.get("only0") == b"x"
    assert r.flushdb() is True
    assert r.dbsize() == 0
    r.select(0)
    assert r.dbsize() == 2
    with pytest.raises(redis.ResponseError, match="DB index is out of range"):
        r.select(16)
    assert r.flushall() is True
    assert r.dbsize() == 0


# MARK: - SCAN

def test_scan_covers_all_keys(r):
    n = 3000
    with r.pipeline(transaction=False) as p:
        for i in range(n):
            p.set(f"key:{i}", i)
        p.execute()
    seen = set()
    cursor = 0
    calls = 0
    while True:
        cursor, keys = r.scan(cursor, count=100)
        seen.update(keys)
        calls += 1
        if cursor == 0:
            break
        assert calls < 10 * n
    assert len(seen) == n
    assert set(r.scan_iter(match="key:1??")) == {f"key:{i}".encode() for i in range(100, 200)}
    assert set(r.scan_iter(_type="string", count=1000)) == seen
    assert list(r.scan_iter(_type="list")) == []


def test_scan_during_growth_guarantees(apus):
    """Keys present for the whole scan are returned even while the table rehashes."""
    r = apus.client()
    for i in range(200):
        r.set(f"base:{i}", 1)
    seen = set()
    cursor = 0
    extra = 0
    while True:
        cursor, keys = r.scan(cursor, count=20)
        seen.update(keys)
        for _ in range(50):
            r.set(f"extra:{extra}", 1)
            extra += 1
        if cursor == 0:
            break
    assert {f"base:{i}".encode() for i in range(200)} <= seen


# MARK: - Connection / client

def test_hello_map(apus):
    r = apus.client(protocol=3)
    h = r.execute_command("HELLO", 3)
    assert h[b"server"] == b"redis" or h.get("server") == "redis"
    h = {(k.decode() if isinstance(k, bytes) else k): v for k, v in h.items()}
    assert h["proto"] == 3 and h["version"] == b"7.0.15" and h["mode"] == b"standalone"
    assert h["role"] == b"master" and h["modules"] == [] and isinstance(h["id"], int)
    r2 = apus.client(protocol=2)
    h2 = r2.execute_command("HELLO", 2)
    assert isinstance(h2, list) and h2[0] == b"server" and h2[5] == 2
    with pytest.raises(redis.ResponseError, match="NOPROTO"):
        r2.execute_command("HELLO", 4)


def test_client_setname_getname_list_kill(apus, protocol):
    r = apus.client(protocol=protocol, single_connection_client=True)
    assert r.client_setname("alpha") is True
    assert r.client_getname() == "alpha" or r.client_getname() == b"alpha"
    other = apus.client(protocol=protocol, single_connection_client=True)
    other.client_setname("victim")
    lst = r.client_list()
    names = {c["name"] for c in lst}
    assert {"alpha", "victim"} <= names
    victim = next(c for c in lst if c["name"] == "victim")
    assert victim["cmd"] in ("client|setname", "client|list")
    assert r.client_kill_filter(_id=victim["id"]) == 1
    with pytest.raises(redis.ConnectionError):
        other.connection.send_command("PING")
        other.connection.read_response()
    assert "victim" not in {c["name"] for c in r.client_list()}
    assert r.client_id() == int(next(c for c in r.client_list() if c["name"] == "alpha")["id"])
    with pytest.raises(redis.ResponseError, match="cannot contain spaces"):
        r.client_setname("a b")


def test_client_kill_by_addr(apus):
    r = apus.client(single_connection_client=True)
    other = apus.client(single_connection_client=True)
    other.client_setname("byaddr")
    addr = next(c for c in r.client_list() if c["name"] == "byaddr")["addr"]
    assert r.execute_command("CLIENT", "KILL", addr) in (True, b"OK", "OK")
    with pytest.raises(redis.ResponseError, match="No such client"):
        r.execute_command("CLIENT", "KILL", addr)


def test_config_get_set(r):
    cfg = r.config_get("maxmemory")
    assert cfg == {"maxmemory": "0"} or cfg == {b"maxmemory": b"0"}
    assert r.config_set("maxmemory", "10mb") is True
    assert r.config_get("maxmemory")["maxmemory"] in ("10485760", b"10485760")
    r.config_set("maxmemory", "0")
    many = r.config_get("max*")
    assert "maxclients" in many and "maxmemory-policy" in many
    assert r.config_get("port")["port"] == str(r.connection_pool.connection_kwargs["port"])
    with pytest.raises(redis.ResponseError, match="Unknown option or number of arguments"):
        r.config_set("no-such-option", "1")
    with pytest.raises(redis.ResponseError, match="can't set immutable config"):
        r.config_set("daemonize", "yes")
    assert r.config_set("hz", 20) is True and r.config_get("hz")["hz"] == "20"


def test_info_sections_parse(r):
    full = r.info("everything")
    for key in ("redis_version", "connected_clients", "used_memory", "rdb_changes_since_last_save",
                "total_commands_processed", "role", "used_cpu_sys"):
        assert key in full, key
    assert full["redis_version"] == "7.0.15"
    assert full["role"] == "master"
    r.set("x", 1, ex=100)
    ks = r.info("keyspace")
    assert ks["db0"]["keys"] == 1 and ks["db0"]["expires"] == 1
    for section in ("server", "clients", "memory", "persistence", "stats", "replication",
                    "cpu", "commandstats", "errorstats", "keyspace"):
        assert isinstance(r.info(section), dict), section
    cs = r.info("commandstats")
    assert "cmdstat_set" in cs and cs["cmdstat_set"]["calls"] >= 1


def test_pipeline_1000_commands(r):
    with r.pipeline(transaction=False) as p:
        for i in range(1000):
            p.set(f"p:{i}", i)
        for i in range(1000):
            p.get(f"p:{i}")
        res = p.execute()
    assert res[:1000] == [True] * 1000
    assert res[1000:] == [str(i).encode() for i in range(1000)]


def test_multi_exec_transaction(r):
    with r.pipeline(transaction=True) as p:
        p.set("t", 1).incr("t").get("t")
        assert p.execute() == [True, 2, b"2"]


def test_ping_echo_time(r):
    assert r.ping() is True
    assert r.echo("hi") == b"hi"
    secs, usecs = r.time()
    assert abs(secs - time.time()) < 5 and 0 <= usecs < 1_000_000
