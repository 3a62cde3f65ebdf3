"""maxmemory eviction with every 7.0 policy.

Keys are made old, cold or short-lived deterministically with RESTORE ... IDLETIME /
FREQ and with TTLs, then maxmemory is lowered below the memory in use: the policy
must take the keys it should (the approximated LRU/LFU keeps nearly all hot keys),
volatile policies never touch keys without a TTL, and noeviction — or a volatile
policy with nothing volatile left — answers 7.0's -OOM to commands that may grow
memory while reads and deletes still work. Evictions go through the write path:
replicas and the AOF receive DEL (UNLINK with lazyfree-lazy-eviction), `evicted`
keyspace events fire, WATCH sees the key change, INFO counts them.
"""

from __future__ import annotations

import socket
import time

import pytest
import redis

from harness import wait_for

N = 2000
VALUE = b"v" * 200


def fill(c, prefix: str, n: int, idle: int | None = None, freq: int | None = None, ttl: int | None = None):
    """n keys `prefix:i` with a 200-byte value; an IDLETIME/FREQ stamp through RESTORE."""
    c.set("__template", VALUE)
    payload = c.dump("__template")
    c.delete("__template")
    pipe = c.pipeline(transaction=False)
    for i in range(n):
        k = f"{prefix}:{i}"
        args = ["RESTORE", k, ttl or 0, payload, "REPLACE"]
        if idle is not None:
            args += ["IDLETIME", idle]
        if freq is not None:
            args += ["FREQ", freq]
        pipe.execute_command(*args)
    pipe.execute()


def count(c, prefix: str) -> int:
    return sum(1 for _ in c.scan_iter(f"{prefix}:*", count=1000))


def squeeze(c, fraction: float):
    """Lowers maxmemory so that about `fraction` of the data must go, then lets one
    write trigger the eviction."""
    m = c.info("memory")
    used, data = m["used_memory"], m["used_memory_dataset"]
    c.config_set("maxmemory", int(used - data * fraction))
    c.ping()
    wait_for(lambda: c.info("memory")["used_memory"] <= int(c.config_get("maxmemory")["maxmemory"]) * 1.05 or
             c.info("stats")["evicted_keys"] > 0, timeout=10, what="eviction")
    time.sleep(0.3)


@pytest.fixture
def c(apus):
    cl = apus.client()
    yield cl
    cl.close()


@pytest.mark.parametrize("policy", ["allkeys-lru", "volatile-lru"])
def test_lru_keeps_recently_used_keys(c, policy):
    c.config_set("maxmemory-policy", policy)
    ttl = 100_000 if policy == "volatile-lru" else None
    fill(c, "cold", N, idle=10_000, ttl=ttl)
    fill(c, "hot", N, idle=0, ttl=ttl)
    fill(c, "keep", 200)                       # no TTL
    squeeze(c, 0.4)
    cold, hot = count(c, "cold"), count(c, "hot")
    assert c.info("stats")["evicted_keys"] > 0
    assert hot > 0.9 * N, (cold, hot)
    assert cold < 0.5 * N, (cold, hot)
    if policy == "volatile-lru":
        assert count(c, "keep") == 200
    assert c.object("idletime", "hot:0") < 10


@pytest.mark.parametrize("policy", ["allkeys-lfu", "volatile-lfu"])
def test_lfu_keeps_frequently_used_keys(c, policy):
    c.config_set("maxmemory-policy", policy)
    ttl = 100_000 if policy == "volatile-lfu" else None
    fill(c, "rare", N, freq=1, ttl=ttl)
    fill(c, "often", N, freq=200, ttl=ttl)
    fill(c, "keep", 200, freq=0)
    squeeze(c, 0.4)
    rare, often = count(c, "rare"), count(c, "often")
    assert often > 0.9 * N, (rare, often)
    assert rare < 0.5 * N, (rare, often)
    if policy == "volatile-lfu":
        assert count(c, "keep") == 200
    assert c.object("freq", "often:0") >= 190
    with pytest.raises(redis.ResponseError, match="An LFU maxmemory policy is selected, idle time not tracked"):
        c.object("idletime", "often:0")


def test_volatile_ttl_takes_the_nearest_expiry_first(c):
    c.config_set("maxmemory-policy", "volatile-ttl")
    fill(c, "soon", N, ttl=100_000)
    fill(c, "late", N, ttl=10_000_000)
    fill(c, "keep", 200)
    squeeze(c, 0.4)
    soon, late = count(c, "soon"), count(c, "late")
    assert late > 0.9 * N and soon < 0.5 * N, (soon, late)
    assert count(c, "keep") == 200


@pytest.mark.parametrize("policy", ["allkeys-random", "volatile-random"])
def test_random_policies(c, policy):
    c.config_set("maxmemory-policy", policy)
    ttl = 100_000 if policy == "volatile-random" else None
    fill(c, "a", N, idle=10_000, ttl=ttl)
    fill(c, "b", N, idle=0, ttl=ttl)
    fill(c, "keep", 200)
    squeeze(c, 0.4)
    a, b = count(c, "a"), count(c, "b")
    # No preference: both sets shrink alike.
    assert a < N and b < N and abs(a - b) < 0.25 * N, (a, b)
    if policy == "volatile-random":
        assert count(c, "keep") == 200
    else:
        assert count(c, "keep") < 200


@pytest.mark.parametrize("policy", ["noeviction", "volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_oom_when_nothing_can_be_evicted(c, policy):
    c.config_set("maxmemory-policy", policy)
    fill(c, "k", N)                            # no TTL: nothing volatile
    c.config_set("maxmemory", 1024 * 1024)
    with pytest.raises(redis.ResponseError, match="command not allowed when used memory"):
        c.set("new", "x")
    assert c.get("k:1") == VALUE              # reads still work
    assert c.delete("k:1") == 1               # and deletes (not deny-oom)
    assert c.dbsize() == N - 1
    assert c.info("stats")["evicted_keys"] == 0
    assert c.info("stats")["current_eviction_exceeded_time"] >= 0
    # Inside MULTI everything but EXEC/DISCARD is refused while out of memory.
    p = c.pipeline(transaction=True)
    p.get("k:2")
    with pytest.raises(redis.ResponseError, match="command not allowed"):
        p.execute()
    c.config_set("maxmemory", 0)
    assert c.set("new", "x")


def test_evictions_reach_replicas_aof_watch_and_notifications(servers):
    # A small backlog: the replication buffer the backlog keeps counts towards maxmemory.
    master = servers.new("apus", args=["--appendonly", "yes", "--appendfsync", "always",
                                       "--notify-keyspace-events", "Ee", "--repl-backlog-size", "16kb"])
    replica = servers.new("apus", args=["--replicaof", "127.0.0.1", str(master.port)])
    c = master.client()
    wait_for(lambda: replica.client().info("replication")["master_link_status"] == "up", what="replica")
    fill(c, "k", N - 1)
    fill(c, "old", 1, idle=1_000_000)          # the one key LRU must take
    wait_for(lambda: replica.client().dbsize() == N, what="replica data")
    ps = c.pubsub()
    ps.psubscribe("__keyevent@0__:evicted")
    ps.get_message(timeout=1)
    w = master.client().pipeline(transaction=True)
    w.watch("old:0")
    c.config_set("maxmemory-policy", "allkeys-lru")
    c.config_set("maxmemory-samples", 64)
    squeeze(c, 0.5)
    wait_for(lambda: c.info("stats")["evicted_keys"] + c.dbsize() == N, what="a settled count")
    evicted = c.info("stats")["evicted_keys"]
    assert evicted > 0
    # The replica (replica-ignore-maxmemory yes) loses exactly the evicted keys.
    wait_for(lambda: replica.client().dbsize() == c.dbsize(), what="replica following the evictions")
    events = []
    while (m := ps.get_message(timeout=0.5)) is not None:
        if m["type"] == "pmessage":
            events.append(m["data"])
    assert len(events) == evicted
    # WATCH: the evicted key counts as changed; the transaction is aborted.
    assert not c.exists("old:0")
    w.multi()
    w.set("other", "1")
    with pytest.raises(redis.WatchError):
        w.execute()
    # The AOF has the deletions.
    aof = open(next(iter(sorted(__import__("glob").glob(master.dir + "/appendonlydir/*.incr.aof")))), "rb").read()
    assert aof.count(b"$3\r\nDEL\r\n") == evicted + 2   # fill() deleted its template twice
    assert b"MULTI" not in aof


def test_lazy_eviction_propagates_unlink(servers):
    master = servers.new("apus", args=["--lazyfree-lazy-eviction", "yes"])
    replica = servers.new("apus", args=["--replicaof", "127.0.0.1", str(master.port)])
    wait_for(lambda: replica.client().info("replication")["master_link_status"] == "up", what="replica")
    c = master.client()
    fill(c, "k", N)
    c.config_set("maxmemory-policy", "allkeys-lru")
    squeeze(c, 0.5)
    assert c.info("stats")["evicted_keys"] > 0
    wait_for(lambda: replica.client().dbsize() == c.dbsize(), what="replica following")
    assert replica.client().info("commandstats").get("cmdstat_unlink", {}).get("calls", 0) == \
        c.info("stats")["evicted_keys"]


def test_a_large_eviction_does_not_stall_the_loop(c):
    # tenacity 0: each pass evicts one batch; the rest goes on between events.
    c.config_set("maxmemory-eviction-tenacity", 0)
    c.config_set("maxmemory-policy", "allkeys-lru")
    fill(c, "k", 20000)
    c.config_set("maxmemory", 1_500_000)
    t = time.monotonic()
    assert c.ping()
    assert time.monotonic() - t < 0.5
    wait_for(lambda: c.info("memory")["used_memory"] < 1_600_000, timeout=20, what="the eviction to finish")
    assert c.info("stats")["evicted_keys"] > 10000


def test_replica_ignores_maxmemory_unless_told(servers):
    master = servers.new("apus")
    replica = servers.new("apus", args=["--replicaof", "127.0.0.1", str(master.port), "--maxmemory", "1mb",
                                        "--maxmemory-policy", "allkeys-lru"])
    wait_for(lambda: replica.client().info("replication")["master_link_status"] == "up", what="replica")
    fill(master.client(), "k", N)
    wait_for(lambda: replica.client().dbsize() == N, what="all keys on the replica")
    assert replica.client().info("stats")["evicted_keys"] == 0


# MARK: - Client eviction (maxmemory-clients)

def closed_by_server(sock) -> bool:
    """True once the server has closed the connection (EOF or reset)."""
    sock.settimeout(0.2)
    try:
        return sock.recv(1) == b""
    except socket.timeout:
        return False
    except OSError:
        return True


@pytest.mark.parametrize("kind", ["apus", "redis"])
def test_maxmemory_clients_directive(servers, kind):
    c = servers.new(kind).client()
    assert c.config_get("maxmemory-clients") == {"maxmemory-clients": "0"}
    c.config_set("maxmemory-clients", "10%")
    assert c.config_get("maxmemory-clients") == {"maxmemory-clients": "10%"}
    c.config_set("maxmemory-clients", "1mb")
    assert c.config_get("maxmemory-clients") == {"maxmemory-clients": "1048576"}
    for bad in ("abc", "101%"):
        with pytest.raises(redis.ResponseError):
            c.config_set("maxmemory-clients", bad)


@pytest.mark.parametrize("kind", ["apus", "redis"])
def test_the_biggest_client_is_evicted_and_no_evict_protects(servers, kind):
    """A client whose unfinished 4 MB argument puts the clients over a 1 MB limit is
    disconnected, on Redis as on Apus; one that said CLIENT NO-EVICT ON is kept."""
    srv = servers.new(kind)
    c = srv.client()
    c.config_set("maxmemory-clients", "1mb")
    big = socket.create_connection(("127.0.0.1", srv.port))
    try:
        big.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n" + b"x" * 3_000_000)
        wait_for(lambda: closed_by_server(big), what="the big client evicted")
    except (ConnectionResetError, BrokenPipeError):
        pass                     # evicted while it was still sending
    assert c.info("stats")["evicted_clients"] == 1
    assert c.ping()

    kept = socket.create_connection(("127.0.0.1", srv.port))
    kept.sendall(b"*3\r\n$6\r\nCLIENT\r\n$8\r\nNO-EVICT\r\n$2\r\nON\r\n")
    assert kept.recv(16) == b"+OK\r\n"
    kept.sendall(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4000000\r\n" + b"x" * 3_000_000)
    time.sleep(0.5)
    kept.sendall(b"x" * 1_000_000 + b"\r\n")
    kept.settimeout(10)
    assert kept.recv(16) == b"+OK\r\n"
    big.close()
    kept.close()
    # The small control client may have gone with the others meanwhile: a fresh one.
    fresh = srv.client()
    fresh.config_set("maxmemory-clients", "0")
    assert fresh.strlen("k") == 4_000_000
