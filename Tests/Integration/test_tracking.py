"""Client-side caching, byte for byte against Redis 7.0.15.

Each scenario runs on raw connections against apus-server and redis-server side by
side: a tracking client (RESP3 pushes, or RESP2 with REDIRECT to a client subscribed
to __redis__:invalidate), writers, and after each step everything each connection
received. The streams must be identical (client ids normalized). Then redis-py as a
user meets it: a RESP3 push handler and a RESP2 PubSub redirect see the same
invalidations; and the table bound, INFO fields and CLIENT LIST flags.
"""

from __future__ import annotations

import re
import select
import socket
import time

import pytest
import redis

from harness import wait_for


class Conn:
    def __init__(self, port: int):
        self.s = socket.create_connection(("127.0.0.1", port))

    def send(self, *args) -> None:
        parts = [a if isinstance(a, bytes) else str(a).encode() for a in args]
        self.s.sendall(b"*%d\r\n" % len(parts) + b"".join(b"$%d\r\n%s\r\n" % (len(p), p) for p in parts))

    def drain(self, quiet: float = 0.08) -> bytes:
        out = b""
        while True:
            r, _, _ = select.select([self.s], [], [], quiet)
            if not r:
                return out
            chunk = self.s.recv(65536)
            if not chunk:
                return out
            out += chunk

    def call(self, *args) -> bytes:
        self.send(*args)
        return self.drain()

    def close(self):
        self.s.close()


def run(port: int, script) -> list:
    """Runs `script(open_conn, log)`; returns the log with client ids normalized."""
    conns = []

    def open_conn():
        c = Conn(port)
        conns.append(c)
        return c
    log: list = []
    try:
        script(open_conn, log)
    finally:
        for c in conns:
            c.close()
    return log


def ident(c: Conn) -> str:
    return c.call("CLIENT", "ID")[1:-2].decode()


def scenario_resp3_basic(open_conn, log):
    t = open_conn()
    w = open_conn()
    t.call("HELLO", "3")
    log.append(t.call("CLIENT", "TRACKING", "ON"))
    log.append(t.call("GET", "a"))
    log.append(t.call("MGET", "b", "c"))
    log.append(w.call("SET", "a", "1"))
    log.append(t.drain())
    log.append(w.call("MSET", "b", "1", "c", "2", "d", "3"))
    log.append(t.drain())
    # Once invalidated, a key is not tracked until read again.
    log.append(w.call("SET", "a", "2"))
    log.append(t.drain())
    log.append(t.call("GET", "a"))
    log.append(w.call("DEL", "a"))
    log.append(t.drain())
    # The client's own writes invalidate too, after the reply; NOLOOP stops that.
    log.append(t.call("GET", "x"))
    log.append(t.call("SET", "x", "1"))
    log.append(t.call("CLIENT", "TRACKING", "ON", "NOLOOP"))
    log.append(t.call("GET", "x"))
    log.append(t.call("SET", "x", "2"))
    log.append(t.call("CLIENT", "TRACKINGINFO"))
    # Writes inside MULTI: the invalidation follows EXEC's reply.
    log.append(t.call("CLIENT", "TRACKING", "ON"))
    log.append(t.call("GET", "m"))
    for cmd in (("MULTI",), ("SET", "m", "1"), ("INCR", "n"), ("EXEC",)):
        log.append(t.call(*cmd))
    # FLUSHALL: the null invalidation.
    log.append(t.call("GET", "f"))
    log.append(w.call("FLUSHALL"))
    log.append(t.drain())
    log.append(t.call("FLUSHDB"))
    # Expiry invalidates.
    log.append(w.call("SET", "e", "1", "PX", "50"))
    log.append(t.call("GET", "e"))
    time.sleep(0.2)
    log.append(t.call("GET", "e"))
    log.append(t.drain())
    log.append(t.call("CLIENT", "TRACKING", "OFF"))
    log.append(t.call("CLIENT", "TRACKINGINFO"))


def scenario_optin_optout(open_conn, log):
    t = open_conn()
    w = open_conn()
    t.call("HELLO", "3")
    log.append(t.call("CLIENT", "CACHING", "YES"))
    log.append(t.call("CLIENT", "TRACKING", "ON", "OPTIN"))
    log.append(t.call("CLIENT", "CACHING", "NO"))
    log.append(t.call("GET", "a"))                     # not tracked
    log.append(t.call("CLIENT", "CACHING", "YES"))
    log.append(t.call("CLIENT", "TRACKINGINFO"))
    log.append(t.call("GET", "b"))                     # tracked
    log.append(t.call("GET", "c"))                     # not: CACHING lasts one command
    log.append(w.call("MSET", "a", "1", "b", "1", "c", "1"))
    log.append(t.drain())
    log.append(t.call("CLIENT", "TRACKING", "ON", "OPTOUT"))
    log.append(t.call("CLIENT", "TRACKING", "OFF"))
    log.append(t.call("CLIENT", "TRACKING", "ON", "OPTOUT"))
    log.append(t.call("CLIENT", "CACHING", "NO"))
    log.append(t.call("GET", "a"))                     # not tracked
    log.append(t.call("GET", "b"))                     # tracked
    log.append(w.call("MSET", "a", "2", "b", "2"))
    log.append(t.drain())


def scenario_bcast(open_conn, log):
    t = open_conn()
    n = open_conn()
    w = open_conn()
    t.call("HELLO", "3")
    n.call("HELLO", "3")
    log.append(t.call("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "user:", "PREFIX", "obj:"))
    log.append(n.call("CLIENT", "TRACKING", "ON", "BCAST", "NOLOOP"))
    log.append(w.call("SET", "user:1", "a"))
    log.append(w.call("SET", "obj:2", "b"))
    log.append(w.call("SET", "other", "c"))
    log.append(t.drain())
    log.append(n.drain())
    log.append(n.call("SET", "mine", "1"))             # NOLOOP: not sent back to n
    log.append(n.call("CLIENT", "TRACKINGINFO"))
    log.append(t.call("CLIENT", "TRACKINGINFO"))
    log.append(t.call("CLIENT", "TRACKING", "ON", "PREFIX", "x"))


def scenario_resp2_redirect(open_conn, log):
    r = open_conn()
    t = open_conn()
    w = open_conn()
    rid = ident(r)
    log.append(r.call("SUBSCRIBE", "__redis__:invalidate"))
    log.append(t.call("CLIENT", "TRACKING", "ON", "REDIRECT", rid))
    log.append(t.call("CLIENT", "GETREDIR"))
    log.append(t.call("GET", "k"))
    log.append(w.call("SET", "k", "v"))
    log.append(r.drain())
    log.append(t.call("GET", "k"))
    log.append(w.call("FLUSHALL"))
    log.append(r.drain())
    # The redirect client goes away: the tracking client is told (RESP3) or flagged.
    log.append(t.call("GET", "k"))
    r.close()
    time.sleep(0.1)
    log.append(w.call("SET", "k", "v2"))
    log.append(t.call("CLIENT", "TRACKINGINFO"))
    # RESP2 without redirect: accepted, nothing can be delivered.
    log.append(w.call("CLIENT", "TRACKING", "ON"))
    log.append(w.call("GET", "z"))
    log.append(t.call("SET", "z", "1"))
    log.append(w.drain())


def scenario_errors(open_conn, log):
    c = open_conn()
    for args in [("CLIENT", "TRACKING", "MAYBE"),
                 ("CLIENT", "TRACKING", "ON", "REDIRECT", "999999"),
                 ("CLIENT", "TRACKING", "ON", "REDIRECT", "x"),
                 ("CLIENT", "TRACKING", "ON", "PREFIX", "a"),
                 ("CLIENT", "TRACKING", "ON", "BCAST", "OPTIN"),
                 ("CLIENT", "TRACKING", "ON", "OPTIN", "OPTOUT"),
                 ("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab", "PREFIX", "a"),
                 ("CLIENT", "TRACKING", "ON", "NOSUCH"),
                 ("CLIENT", "CACHING", "YES"),
                 ("CLIENT", "GETREDIR"),
                 ("CLIENT", "TRACKING", "ON", "OPTIN"),
                 ("CLIENT", "CACHING", "NO"),
                 ("CLIENT", "CACHING", "MAYBE"),
                 ("CLIENT", "TRACKING", "ON", "BCAST"),
                 ("CLIENT", "TRACKING", "ON", "OPTOUT"),
                 ("CLIENT", "TRACKING", "OFF"),
                 ("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a"),
                 ("CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "ab"),
                 ("CLIENT", "TRACKING", "ON"),
                 ("CLIENT", "TRACKINGINFO")]:
        log.append(c.call(*args))


SCENARIOS = [scenario_resp3_basic, scenario_optin_optout, scenario_bcast, scenario_resp2_redirect, scenario_errors]


def normalize(log: list) -> list:
    return [re.sub(rb":\d+\r\n", b":<int>\r\n", entry) if b"redirect" in entry or b"GETREDIR" in entry
            or entry.startswith(b":") else entry for entry in log]


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.__name__ for s in SCENARIOS])
def test_tracking_matches_redis(pair, scenario):
    apus, real = pair
    for s in (apus, real):
        s.client().flushall()
    a = normalize(run(apus.port, scenario))
    r = normalize(run(real.port, scenario))
    for i, (x, y) in enumerate(zip(a, r)):
        assert x == y, f"step {i}: apus {x!r} vs redis {y!r}"
    assert len(a) == len(r)


def test_redis_py_sees_invalidations_in_both_protocols(apus):
    got3: list = []
    c3 = redis.Redis(port=apus.port, protocol=3)
    conn = c3.connection_pool.get_connection()
    conn._parser.set_invalidation_push_handler(lambda m: got3.append(m))
    conn.send_command("CLIENT", "TRACKING", "ON")
    assert conn.read_response() == b"OK"
    conn.send_command("GET", "k")
    conn.read_response()
    # RESP2: invalidations arrive on a PubSub connection the tracking client redirects to.
    c2 = redis.Redis(port=apus.port, protocol=2)
    ps = c2.pubsub()
    ps.subscribe("__redis__:invalidate")
    ps.get_message(timeout=1)
    rid = next(cl["id"] for cl in apus.client().client_list() if cl["sub"] == "1")
    tracker2 = c2.connection_pool.get_connection()
    tracker2.send_command("CLIENT", "TRACKING", "ON", "REDIRECT", rid)
    assert tracker2.read_response() == b"OK"
    tracker2.send_command("GET", "k")
    tracker2.read_response()
    apus.client().set("k", "v")
    conn.send_command("PING")
    assert conn.read_response() == b"PONG"
    assert got3 and got3[0][0] == b"invalidate" and got3[0][1] == [b"k"]
    m = wait_for(lambda: ps.get_message(timeout=0.5), what="a RESP2 invalidation")
    assert m["channel"] == b"__redis__:invalidate" and m["data"] == [b"k"]
    info = apus.client().info()
    assert info["tracking_clients"] == 2
    flags = {c["id"]: c["flags"] for c in apus.client().client_list()}
    assert sum("t" in f for f in flags.values()) == 2


def test_tracking_table_is_bounded(apus):
    c = apus.client()
    c.config_set("tracking-table-max-keys", 100)
    t = Conn(apus.port)
    t.call("HELLO", "3")
    t.call("CLIENT", "TRACKING", "ON")
    for i in range(300):
        t.send("GET", f"k{i}")
    got = t.drain(0.3)
    t.call("PING")
    got += t.drain(0.2)
    info = c.info("stats")
    assert info["tracking_total_keys"] <= 101
    # Keys dropped from the table were invalidated: the client may not keep them.
    assert got.count(b"invalidate") >= 190
    t.close()
    wait_for(lambda: c.info("clients")["tracking_clients"] == 0, what="tracking gone with its client")


def test_benchmarks_run_with_tracking(apus):
    import os
    import subprocess
    bench = os.environ.get("APUS_BENCHMARK") or os.path.join(os.path.dirname(apus.binary), "apus-benchmark")
    for tool in ("redis-benchmark", bench):
        if tool != "redis-benchmark" and not os.path.exists(tool):
            continue
        r = subprocess.run([tool, "-p", str(apus.port), "--enable-tracking", "-t", "set,get", "-n", "2000", "-q"],
                           capture_output=True, timeout=60)
        assert r.returncode == 0, r
        out = r.stdout.decode()
        assert "SET:" in out and "GET:" in out and "requests per second" in out, out
    assert apus.client().info("stats")["tracking_total_keys"] >= 1


def test_a_replicas_full_sync_flushes_client_caches(servers):
    master = servers.new("apus")
    master.client().set("k", "from-master")
    replica = servers.new("apus")
    t = Conn(replica.port)
    t.call("HELLO", "3")
    assert t.call("CLIENT", "TRACKING", "ON") == b"+OK\r\n"
    t.call("GET", "k")
    replica.client().replicaof("127.0.0.1", master.port)
    wait_for(lambda: replica.client().info("replication")["master_link_status"] == "up", what="the sync")
    assert t.drain(0.3) == b">2\r\n$10\r\ninvalidate\r\n_\r\n"
    t.close()
