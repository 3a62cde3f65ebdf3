"""Replication, against Redis 7.0.15 in both roles.

An Apus master feeds Apus replicas and a real redis-server replica; an Apus replica
follows a real Redis master. A full sync (diskless `$EOF:` form by default, or
through the dump file) under a continuous write load of every type ends with the
same data key by key and the same offsets; a dropped link resumes with a partial
resync from the backlog (a full one past it); a promoted replica keeps its old
history as ID2 so the others continue partially; chains pass the top master's stream
on byte for byte; WAIT, min-replicas-to-write, read-only replicas, stale data and the
replica's rule for expired keys behave as in 7.0.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import threading
import time

import pytest
import redis

from harness import dataset, wait_for

# Tests start their sync at once instead of waiting 5 s for more replicas.
FAST = ["--repl-diskless-sync-delay", "0"]


def info(srv, section="replication") -> dict:
    return srv.client().info(section)


def offset(srv) -> int:
    return info(srv)["master_repl_offset"]


def link_up(replica) -> bool:
    i = info(replica)
    return i.get("master_link_status") == "up"


def wait_synced(master, *replicas, timeout=30.0):
    """Every replica's link is up and it applied all of the master's stream."""
    def done():
        want = offset(master)
        return all(link_up(r) and info(r)["slave_repl_offset"] == want and offset(r) == want for r in replicas)
    wait_for(done, timeout=timeout, what="replicas caught up with the master")


def follow(replica, master) -> None:
    replica.client().replicaof("127.0.0.1", master.port)


class Writer:
    """Writes commands of every type to a master from a thread until stopped."""

    def __init__(self, srv, seed=1):
        self.r = srv.client(single_connection_client=True)
        self.rng = random.Random(seed)
        self.stop_flag = threading.Event()
        self.count = 0
        self.thread = threading.Thread(target=self.run, daemon=True)

    def step(self):
        rng, r = self.rng, self.r
        k = f"k{rng.randrange(200)}"
        op = rng.randrange(16)
        if op == 0:
            r.set(f"s:{k}", rng.randbytes(rng.randrange(1, 300)))
        elif op == 1:
            r.set(f"s:{k}", "v", ex=1000)
        elif op == 2:
            r.incr(f"n:{k}")
        elif op == 3:
            r.incrbyfloat(f"f:{k}", 0.5)
        elif op == 4:
            r.rpush(f"l:{k}", *[rng.randrange(1000) for _ in range(rng.randrange(1, 5))])
        elif op == 5:
            r.lpop(f"l:{k}")
        elif op == 6:
            r.hset(f"h:{k}", mapping={f"f{rng.randrange(30)}": rng.randrange(1000) for _ in range(3)})
        elif op == 7:
            r.sadd(f"set:{k}", *[rng.randrange(600) for _ in range(4)])
        elif op == 8:
            r.spop(f"set:{k}")
        elif op == 9:
            r.zadd(f"z:{k}", {f"m{rng.randrange(300)}": rng.random() for _ in range(3)})
        elif op == 10:
            r.zpopmin(f"z:{k}")
        elif op == 11:
            r.delete(f"s:{k}")
        elif op == 12:
            r.expire(f"h:{k}", 2000)
        elif op == 13:
            p = r.pipeline(transaction=True)
            p.incr("tx:a").lpush("tx:l", "x").hincrbyfloat("tx:h", "f", 1.5)
            p.execute()
        elif op == 14:
            r.execute_command("SELECT", 5)
            r.set(k, rng.randrange(100))
            r.execute_command("SELECT", 0)
        else:
            r.publish("ch", "m")
        self.count += 1

    def run(self):
        while not self.stop_flag.is_set():
            try:
                self.step()
            except redis.ResponseError:
                # The server stopped taking writes (it became a replica): what it
                # acknowledged so far is what counts.
                return

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop_flag.set()
        self.thread.join(10)
        self.r.close()


def sync_under_writes(master, replica, seed=1, preload=2000) -> int:
    """Preloads the master, then makes `replica` follow it while a Writer keeps writing;
    returns how many commands were written. The caller waits for the offsets."""
    w = Writer(master, seed=seed)
    for _ in range(preload):
        w.step()
    with w:
        follow(replica, master)
        wait_for(lambda: link_up(replica), timeout=30, what="link up")
        time.sleep(0.5)
    return w.count


def synced_pair(servers, master_args=None, replica_args=None):
    """An Apus master and an Apus replica that has caught up with it."""
    master = servers.new("apus", args=FAST + (master_args or []))
    replica = servers.new("apus", args=replica_args or [])
    follow(replica, master)
    wait_synced(master, replica)
    return master, replica


def synced_chain(servers):
    """Apus top -> middle -> leaf: the middle caught up, the leaf following it."""
    top = servers.new("apus", args=FAST)
    middle = servers.new("apus", args=FAST)
    leaf = servers.new("apus")
    follow(middle, top)
    wait_synced(top, middle)
    follow(leaf, middle)
    return top, middle, leaf


def same_data(master, replica):
    a, b = dataset(master), dataset(replica)
    assert a == b, f"{len(a)} keys on the master, {len(b)} on the replica; " \
        f"differing: {sorted(set(a.items()) ^ set(b.items()))[:5]}"


# MARK: - Full sync under load, every pairing

@pytest.mark.parametrize("master_kind,replica_kind,diskless", [
    ("apus", "apus", "yes"),
    ("apus", "apus", "no"),
    ("apus", "redis", "yes"),
    ("apus", "redis", "no"),
    ("redis", "apus", "yes"),
    ("redis", "apus", "no"),
])
def test_full_sync_under_writes_gives_the_same_data(servers, master_kind, replica_kind, diskless):
    master = servers.new(master_kind, args=FAST + ["--repl-diskless-sync", diskless])
    replica = servers.new(replica_kind)
    assert sync_under_writes(master, replica) > 2000
    wait_synced(master, replica)
    same_data(master, replica)
    assert info(replica)["master_replid"] == info(master)["master_replid"]
    assert info(master, "stats")["sync_full"] == 1


def test_master_info_and_role(servers):
    master = servers.new("apus", args=FAST)
    replica = servers.new("apus", args=["--replica-announce-ip", "127.0.0.1"])
    follow(replica, master)
    master.client().set("a", "1")
    wait_synced(master, replica)
    wait_for(lambda: info(master)["slave0"]["state"] == "online", what="replica online")
    mi = info(master)
    assert mi["role"] == "master" and mi["connected_slaves"] == 1
    assert mi["slave0"]["ip"] == "127.0.0.1" and mi["slave0"]["port"] == replica.port
    assert mi["repl_backlog_active"] == 1 and mi["repl_backlog_first_byte_offset"] == 1
    assert mi["repl_backlog_histlen"] == mi["master_repl_offset"]
    ri = info(replica)
    assert ri["role"] == "slave" and ri["master_port"] == master.port and ri["slave_read_only"] == 1
    wait_for(lambda: master.client().execute_command("ROLE")[2], what="replica listed by ROLE")
    role = master.client().execute_command("ROLE")
    assert role[0] == b"master" and role[1] == offset(master)
    assert role[2][0][:2] == [b"127.0.0.1", str(replica.port).encode()]
    rrole = replica.client().execute_command("ROLE")
    assert rrole[:4] == [b"slave", b"127.0.0.1", master.port, b"connected"] and rrole[4] == offset(master)
    hello = replica.client(protocol=3).execute_command("HELLO")
    assert hello[b"role"] == b"replica" and master.client(protocol=3).execute_command("HELLO")[b"role"] == b"master"


# MARK: - The replica's rules

def test_replica_is_read_only_and_serves_stale_data_as_configured(servers):
    master = servers.new("apus", args=FAST)
    replica = servers.new("apus")
    follow(replica, master)
    master.client().set("a", "1")
    wait_synced(master, replica)
    r = replica.client()
    with pytest.raises(redis.exceptions.ReadOnlyError, match="^You can't write against a read only replica.$"):
        r.set("b", "2")
    p = r.pipeline(transaction=True)
    p.set("b", "2")
    with pytest.raises(redis.exceptions.ReadOnlyError):
        p.execute()
    r.config_set("replica-read-only", "no")
    assert r.set("local", "1")
    master.stop()
    wait_for(lambda: not link_up(replica), what="link down")
    assert r.get("a") == b"1"
    r.config_set("replica-serve-stale-data", "no")
    with pytest.raises(redis.ResponseError, match="Link with MASTER is down and replica-serve-stale-data is set to 'no'.$"):
        r.get("a")
    with pytest.raises(redis.ResponseError, match="Link with MASTER is down"):
        r.ping()   # as 7.0: PING is not among the commands served stale
    assert info(replica)["master_link_down_since_seconds"] >= 0


def test_replica_keeps_expired_keys_until_the_master_deletes_them(servers):
    master = servers.new("apus", args=FAST + ["--enable-debug-command", "yes"])
    replica = servers.new("apus")
    follow(replica, master)
    m = master.client()
    m.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")
    m.set("gone", "x", px=300)
    wait_synced(master, replica)
    time.sleep(0.4)
    r = replica.client()
    assert r.get("gone") is None and r.exists("gone") == 0
    assert r.dbsize() == 1, "the key stays until the master's DEL"
    assert m.get("gone") is None   # the master expires it and propagates DEL
    wait_synced(master, replica)
    assert r.dbsize() == 0


# MARK: - Partial resync

@pytest.mark.parametrize("master_kind,replica_kind", [("apus", "apus"), ("apus", "redis"), ("redis", "apus")])
def test_killed_link_resumes_with_a_partial_resync(servers, master_kind, replica_kind):
    master = servers.new(master_kind, args=FAST)
    replica = servers.new(replica_kind)
    follow(replica, master)
    wait_synced(master, replica)
    with Writer(master, seed=7):
        time.sleep(0.3)
        master.client().client_kill_filter(_type="replica")
        time.sleep(0.5)
    wait_synced(master, replica)
    same_data(master, replica)
    st = info(master, "stats")
    assert st["sync_full"] == 1 and st["sync_partial_ok"] == 1


def test_stopped_replica_resumes_partially_or_fully_past_the_backlog(servers):
    master = servers.new("apus", args=FAST + ["--repl-backlog-size", "1mb"])
    replica = servers.new("apus", args=["--repl-timeout", "2"])
    follow(replica, master)
    wait_synced(master, replica)
    m = master.client()
    # A short stop within the backlog: partial.
    os.kill(replica.pid, signal.SIGSTOP)
    for i in range(100):
        m.set(f"a{i}", i)
    m.client_kill_filter(_type="replica")
    os.kill(replica.pid, signal.SIGCONT)
    wait_synced(master, replica)
    assert info(master, "stats")["sync_partial_ok"] == 1
    # Past the backlog: full.
    os.kill(replica.pid, signal.SIGSTOP)
    m.client_kill_filter(_type="replica")
    big = "x" * 1000
    p = m.pipeline(transaction=False)
    for i in range(3000):
        p.set(f"b{i}", big)
    p.execute()
    os.kill(replica.pid, signal.SIGCONT)
    wait_synced(master, replica)
    same_data(master, replica)
    st = info(master, "stats")
    assert st["sync_full"] == 2 and st["sync_partial_err"] >= 1


def test_replica_restarted_from_its_rdb_resumes_partially(servers):
    master = servers.new("apus", args=FAST)
    replica = servers.new("apus")
    follow(replica, master)
    master.client().mset({"a": 1, "b": 2})
    wait_synced(master, replica)
    r = replica.client()
    r.config_set("save", "")
    r.save()
    workdir = replica.dir
    replica.stop()
    master.client().set("c", 3)
    again = servers.new("apus", workdir=workdir, args=["--replicaof", "127.0.0.1", str(master.port)])
    wait_synced(master, again)
    assert again.client().mget("a", "b", "c") == [b"1", b"2", b"3"]
    assert info(master, "stats")["sync_partial_ok"] == 1


# MARK: - Promotion, chains

@pytest.mark.parametrize("master_kind,other_kind", [("apus", "apus"), ("apus", "redis"), ("redis", "redis")])
def test_promoted_replica_lets_the_others_continue_partially(servers, master_kind, other_kind):
    master = servers.new(master_kind, args=FAST)
    promoted = servers.new("apus", args=FAST)
    other = servers.new(other_kind)
    follow(promoted, master)
    follow(other, master)
    with Writer(master, seed=3):
        time.sleep(0.3)
    wait_synced(master, promoted, other)
    old_id = info(master)["master_replid"]
    master.stop()
    promoted.client().replicaof("no", "one")
    pi = info(promoted)
    assert pi["role"] == "master" and pi["master_replid2"] == old_id
    assert pi["second_repl_offset"] == pi["master_repl_offset"] + 1
    follow(other, promoted)
    promoted.client().set("after", "1")
    wait_synced(promoted, other)
    assert other.client().get("after") == b"1"
    st = info(promoted, "stats")
    assert st["sync_partial_ok"] == 1 and st["sync_full"] == 0


def test_chained_replica_gets_the_top_masters_stream(servers):
    top, middle, leaf = synced_chain(servers)
    with Writer(top, seed=11):
        time.sleep(0.5)
    wait_synced(top, middle, leaf)
    same_data(top, leaf)
    ids = {info(s)["master_replid"] for s in (top, middle, leaf)}
    assert len(ids) == 1
    # The middle one is promoted: the leaf keeps working with it.
    top.stop()
    middle.client().replicaof("no", "one")
    middle.client().set("new", "1")
    wait_synced(middle, leaf)
    assert leaf.client().get("new") == b"1"


# MARK: - WAIT and min-replicas

def test_wait_counts_the_replicas_that_acknowledged(servers):
    master = servers.new("apus", args=FAST)
    r1, r2 = servers.new("apus"), servers.new("redis")
    follow(r1, master)
    follow(r2, master)
    m = master.client()
    m.set("a", "1")
    wait_synced(master, r1, r2)
    m.set("b", "2")
    assert m.wait(2, 2000) == 2
    os.kill(r1.pid, signal.SIGSTOP)
    try:
        m.set("c", "3")
        t = time.monotonic()
        assert m.wait(2, 500) == 1
        assert time.monotonic() - t >= 0.45
    finally:
        os.kill(r1.pid, signal.SIGCONT)
    with pytest.raises(redis.ResponseError, match="WAIT cannot be used with replica instances"):
        r1.client().wait(1, 10)


def test_min_replicas_to_write_refuses_writes_without_good_replicas(servers):
    master = servers.new("apus", args=FAST + ["--min-replicas-to-write", "1", "--min-replicas-max-lag", "2"])
    m = master.client()
    with pytest.raises(redis.ResponseError, match="^NOREPLICAS Not enough good replicas to write.$"):
        m.set("a", "1")
    assert m.get("a") is None
    replica = servers.new("apus")
    follow(replica, master)
    wait_for(lambda: info(master).get("min_slaves_good_slaves") == 1, timeout=15, what="a good replica")
    assert m.set("a", "1")
    os.kill(replica.pid, signal.SIGSTOP)
    try:
        wait_for(lambda: info(master).get("min_slaves_good_slaves") == 0, timeout=15, what="lagging replica")
        with pytest.raises(redis.ResponseError, match="NOREPLICAS"):
            m.set("b", "1")
    finally:
        os.kill(replica.pid, signal.SIGCONT)


# MARK: - Slow replicas

def test_replica_over_its_output_limit_is_cut_and_resyncs(servers):
    master = servers.new("apus", args=FAST + ["--client-output-buffer-limit", "replica 256kb 0 0",
                                              "--repl-backlog-size", "16kb"])
    replica = servers.new("apus")
    follow(replica, master)
    wait_synced(master, replica)
    os.kill(replica.pid, signal.SIGSTOP)
    m = master.client()
    try:
        for chunk in range(20):
            p = m.pipeline(transaction=False)
            for i in range(1000):
                p.set(f"k{chunk}:{i}", "x" * 1000)
            p.execute()
        wait_for(lambda: info(master)["connected_slaves"] == 0, what="the replica cut")
    finally:
        os.kill(replica.pid, signal.SIGCONT)
    assert "scheduled to be closed ASAP for overcoming of output buffer limits" in master.log_text()
    wait_synced(master, replica)
    same_data(master, replica)


# MARK: - FAILOVER

@pytest.mark.parametrize("other_kind", ["apus", "redis"])
def test_failover_hands_mastership_over_without_losing_a_write(servers, other_kind):
    master = servers.new("apus", args=FAST)
    target = servers.new("apus", args=FAST)
    other = servers.new(other_kind)
    follow(target, master)
    follow(other, master)
    wait_synced(master, target, other)
    acked = 0
    with Writer(master, seed=5) as w:
        time.sleep(0.3)
        m = master.client()
        assert m.execute_command("FAILOVER", "TO", "127.0.0.1", target.port, "TIMEOUT", 5000) == b"OK"
        wait_for(lambda: info(target)["role"] == "master", timeout=15, what="the target promoted")
        acked = w.count
    wait_for(lambda: info(master)["role"] == "slave" and link_up(master), timeout=15, what="old master following")
    assert info(master)["master_port"] == target.port
    assert info(master)["master_failover_state"] == "no-failover"
    # Every write the old master acknowledged is on the new one.
    wait_synced(target, master)
    same_data(target, master)
    st = info(target, "stats")
    assert st["sync_partial_ok"] >= 1 and st["sync_full"] == 0
    # The other replica follows the new master too.
    follow(other, target)
    target.client().set("after", "1")
    wait_synced(target, other)
    same_data(target, other)
    assert acked > 0


def test_failover_errors_and_abort(servers):
    master = servers.new("apus", args=FAST)
    m = master.client()
    with pytest.raises(redis.ResponseError, match="^FAILOVER requires connected replicas.$"):
        m.execute_command("FAILOVER")
    with pytest.raises(redis.ResponseError, match="^No failover in progress.$"):
        m.execute_command("FAILOVER", "ABORT")
    replica = servers.new("apus")
    follow(replica, master)
    wait_synced(master, replica)
    with pytest.raises(redis.ResponseError, match="^FAILOVER with force option requires both a timeout and target HOST and IP.$"):
        m.execute_command("FAILOVER", "FORCE")
    with pytest.raises(redis.ResponseError, match="^FAILOVER target HOST and PORT is not a replica.$"):
        m.execute_command("FAILOVER", "TO", "127.0.0.1", 1)
    with pytest.raises(redis.ResponseError, match="^FAILOVER is not valid when server is a replica.$"):
        replica.client().execute_command("FAILOVER")
    os.kill(replica.pid, signal.SIGSTOP)
    try:
        m.set("x", "1")
        assert m.execute_command("FAILOVER", "TIMEOUT", 60000) == b"OK"
        assert info(master)["master_failover_state"] == "waiting-for-sync"
        with pytest.raises(redis.ResponseError, match="^FAILOVER already in progress.$"):
            m.execute_command("FAILOVER")
        with pytest.raises(redis.ResponseError, match="^REPLICAOF not allowed while failing over.$"):
            m.replicaof("no", "one")
        assert m.execute_command("FAILOVER", "ABORT") == b"OK"
        assert info(master)["master_failover_state"] == "no-failover" and info(master)["role"] == "master"
        assert m.set("y", "1")
    finally:
        os.kill(replica.pid, signal.SIGCONT)


# MARK: - SHUTDOWN waits for replicas

def test_shutdown_waits_for_a_lagging_replica(servers):
    master, replica = synced_pair(servers)
    os.kill(replica.pid, signal.SIGSTOP)
    m = master.client()
    for i in range(200):
        m.set(f"k{i}", i)
    done = []
    t = threading.Thread(target=lambda: done.append(_shutdown(master)), daemon=True)
    t.start()
    wait_for(lambda: "Waiting for replicas before shutting down." in master.log_text(), what="the wait")
    assert master.alive()
    os.kill(replica.pid, signal.SIGCONT)
    assert master.wait_exit(15) == 0
    t.join(5)
    assert replica.client().get("k199") == b"199"


def test_shutdown_abort_resumes_writes(servers):
    master, replica = synced_pair(servers)
    os.kill(replica.pid, signal.SIGSTOP)
    try:
        m = master.client()
        m.set("a", "1")
        with pytest.raises(redis.ResponseError, match="^No shutdown in progress.$"):
            m.execute_command("SHUTDOWN", "ABORT")
        errors = []
        t = threading.Thread(target=lambda: errors.append(_shutdown(master)), daemon=True)
        t.start()
        wait_for(lambda: "Waiting for replicas before shutting down." in master.log_text(), what="the wait")
        assert m.execute_command("SHUTDOWN", "ABORT") is True
        t.join(5)
        assert errors and "Errors trying to SHUTDOWN" in errors[0]
        assert m.set("b", "2") and master.alive()
    finally:
        os.kill(replica.pid, signal.SIGCONT)


def _shutdown(srv) -> str:
    try:
        srv.client().shutdown()
    except redis.ConnectionError:
        return "closed"
    except redis.ResponseError as e:
        return str(e)
    return "returned"


# MARK: - redis-cli's replication modes

@pytest.mark.parametrize("diskless", ["yes", "no"])
def test_redis_cli_rdb_and_replica_modes(servers, tmp_path, diskless):
    master = servers.new("apus", args=FAST + ["--repl-diskless-sync", diskless])
    m = master.client()
    m.mset({"a": "1", "b": "2"})
    out = tmp_path / "dump.rdb"
    p = subprocess.run(["redis-cli", "-p", str(master.port), "--rdb", str(out)], capture_output=True, text=True, timeout=30)
    assert p.returncode == 0 and "Transfer finished with success" in p.stderr, p.stderr
    check = subprocess.run(["redis-check-rdb", str(out)], capture_output=True, text=True)
    assert "RDB looks OK" in check.stdout and "2 keys read" in check.stdout
    # rdb-only: the connection is closed after the file, nothing stays attached.
    wait_for(lambda: info(master)["connected_slaves"] == 0, what="rdb-only replica gone")
    cli = subprocess.Popen(["redis-cli", "-p", str(master.port), "--replica"], stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True)
    try:
        wait_for(lambda: info(master).get("slave0", {}).get("state") == "online", timeout=15, what="cli replica online")
        time.sleep(1.5)   # redis-cli waits a second before its ACK starts the stream
        m.set("c", "3")
        m.execute_command("SELECT", 0)
        time.sleep(0.5)
    finally:
        cli.terminate()
    text, err = cli.communicate(timeout=10)
    assert "discarding bytes of bulk transfer" in err and "SYNC done" in err
    assert '"SELECT","0"\n"SET","c","3"' in text


# MARK: - Authentication, AOF, big values, CONFIG REWRITE

@pytest.mark.parametrize("master_kind,replica_kind", [("apus", "redis"), ("redis", "apus"), ("apus", "apus")])
def test_masterauth_against_a_password_protected_master(servers, master_kind, replica_kind):
    master = servers.new(master_kind, args=FAST + ["--requirepass", "s3cret"])
    replica = servers.new(replica_kind, args=["--masterauth", "s3cret"])
    m = master.client(password="s3cret")
    m.set("a", "1")
    follow(replica, master)
    wait_for(lambda: link_up(replica), timeout=20, what="link up")
    wait_for(lambda: replica.client().get("a") == b"1", what="data")
    bad = servers.new(replica_kind, args=["--masterauth", "wrong"])
    follow(bad, master)
    time.sleep(1.5)
    assert not link_up(bad)


def test_replica_with_aof_keeps_the_synced_data_across_a_restart(servers):
    master = servers.new("apus", args=FAST)
    replica = servers.new("apus", args=["--appendonly", "yes", "--appendfsync", "always"])
    m = master.client()
    m.mset({"a": "1", "b": "2"})
    follow(replica, master)
    wait_synced(master, replica)
    m.rpush("l", "x", "y")
    wait_synced(master, replica)
    wait_for(lambda: info(replica, "persistence")["aof_rewrite_in_progress"] == 0, what="AOF base written")
    workdir = replica.dir
    replica.stop()
    again = servers.new("apus", workdir=workdir, args=["--appendonly", "yes"])
    r = again.client()
    assert r.mget("a", "b") == [b"1", b"2"] and r.lrange("l", 0, -1) == [b"x", b"y"]


def test_values_larger_than_a_buffer_block(servers):
    master = servers.new("apus", args=FAST)
    replicas = [servers.new("apus"), servers.new("redis")]
    m = master.client()
    big = os.urandom(200_000)
    m.set("before", big)
    for r in replicas:
        follow(r, master)
    wait_synced(master, *replicas)
    for i in range(20):
        m.set(f"big{i}", big[i:])
        m.hset("h", f"f{i}", big[: 50_000 + i])
    wait_synced(master, *replicas)
    for r in replicas:
        same_data(master, r)


def test_config_rewrite_keeps_the_replicaof_line(servers, tmp_path):
    master = servers.new("apus", args=FAST)
    conf = tmp_path / "replica.conf"
    conf.write_text("port 0\n")
    replica = servers.new("apus", conf=str(conf))
    follow(replica, master)
    r = replica.client()
    assert r.config_get("replicaof") == {"replicaof": f"127.0.0.1 {master.port}"}
    r.config_rewrite()
    assert f"replicaof 127.0.0.1 {master.port}" in conf.read_text()
    r.replicaof("no", "one")
    assert r.config_get("replicaof") == {"replicaof": ""}
    r.config_rewrite()
    assert "replicaof" not in conf.read_text()


# MARK: - repl-diskless-load

@pytest.mark.parametrize("mode", ["on-empty-db", "swapdb"])
@pytest.mark.parametrize("master_kind,diskless", [("apus", "yes"), ("apus", "no"), ("redis", "yes")])
def test_diskless_load_modes(servers, mode, master_kind, diskless):
    master = servers.new(master_kind, args=FAST + ["--repl-diskless-sync", diskless])
    replica = servers.new("apus", args=["--repl-diskless-load", mode])
    replica.client().set("old", "data")
    sync_under_writes(master, replica, seed=21, preload=1500)
    wait_synced(master, replica)
    same_data(master, replica)
    log = replica.log_text()
    # on-empty-db with data present goes through the dump file; swapdb never does.
    assert ("receiving streamed RDB" in log or "bytes from master to disk" in log)
    assert ("from socket" in log or "the master's socket" in log) == (mode == "swapdb")


def test_swapdb_restores_the_old_data_when_the_load_fails(servers):
    """A master that dies in the middle of the payload: with swapdb the replica gets its
    old data back instead of an empty or half-loaded dataset."""
    import socket as so
    lsock = so.socket()
    lsock.bind(("127.0.0.1", 0))
    lsock.listen(1)
    port = lsock.getsockname()[1]

    def fake_master():
        conn, _ = lsock.accept()
        buf = b""
        while b"PSYNC" not in buf or not buf.endswith(b"\r\n"):
            chunk = conn.recv(4096)
            if not chunk:
                return
            buf += chunk
            if b"PING" in chunk:
                conn.sendall(b"+PONG\r\n")
            for _ in range(chunk.count(b"REPLCONF")):
                conn.sendall(b"+OK\r\n")
        mark = b"m" * 40
        conn.sendall(b"+FULLRESYNC " + b"a" * 40 + b" 0\r\n$EOF:" + mark + b"\r\n"
                     + b"REDIS0010\xfa\tredis-ver\x067.0.15\xfe\x00\xfb\x02\x00\x00\x01a")
        time.sleep(0.3)
        conn.close()

    t = threading.Thread(target=fake_master, daemon=True)
    t.start()
    replica = servers.new("apus", args=["--repl-diskless-load", "swapdb"])
    r = replica.client()
    r.set("old", "data")
    r.execute_command("SELECT", 3)
    r.set("other", "db")
    r.replicaof("127.0.0.1", port)
    wait_for(lambda: "Restoring the backup of the old data" in replica.log_text(), timeout=20, what="the restore")
    t.join(5)
    lsock.close()
    r = replica.client()
    assert r.get("old") == b"data" and r.dbsize() == 1
    r.execute_command("SELECT", 3)
    assert r.get("other") == b"db"


def test_swapdb_within_one_history_loads_asynchronously(servers):
    """A full sync from the same history (the backlog was overrun) with swapdb: the
    replica loads the new data aside and keeps answering from the current data."""
    master = servers.new("apus", args=FAST + ["--repl-backlog-size", "16kb"])
    replica = servers.new("apus", args=["--repl-diskless-load", "swapdb"])
    m = master.client()
    m.set("a", "1")
    follow(replica, master)
    wait_synced(master, replica)
    os.kill(replica.pid, signal.SIGSTOP)
    m.client_kill_filter(_type="replica")
    p = m.pipeline(transaction=False)
    for i in range(3000):
        p.set(f"b{i}", "x" * 100)
    p.execute()
    os.kill(replica.pid, signal.SIGCONT)
    wait_synced(master, replica)
    same_data(master, replica)
    log = replica.log_text()
    assert "Loading DB in memory asynchronously" in log
    assert info(master, "stats")["sync_full"] == 2
    assert info(replica, "persistence")["async_loading"] == 0


def test_a_middle_replica_never_adds_to_the_stream_it_passes_on(servers):
    """SHUTDOWN on a replica with sub-replicas waits without sending GETACK into the
    proxied stream, so the chain keeps the top master's offsets and data."""
    top, middle, leaf = synced_chain(servers)
    wait_synced(top, middle, leaf)
    os.kill(leaf.pid, signal.SIGSTOP)
    try:
        top.client().set("lagging", "1")
        wait_for(lambda: offset(middle) == offset(top), what="middle caught up")
        t = threading.Thread(target=lambda: _shutdown(middle), daemon=True)
        t.start()
        wait_for(lambda: "Waiting for replicas before shutting down." in middle.log_text(), what="the wait")
        assert middle.client().execute_command("SHUTDOWN", "ABORT") is True
    finally:
        os.kill(leaf.pid, signal.SIGCONT)
    t.join(5)
    m = top.client()
    m.client_kill_filter(_type="replica")
    for i in range(5):
        m.set(f"key{i}", i)
    wait_synced(top, middle, leaf)
    same_data(top, leaf)
    assert offset(top) == offset(middle) == offset(leaf)


def test_diskless_transfer_goes_on_when_a_stuck_replica_leaves(servers):
    """A replica that stops reading pauses the pipe for everyone; once it leaves (or
    times out), the others' transfer resumes."""
    import socket as so
    master = servers.new("apus", args=["--repl-diskless-sync-delay", "1", "--repl-timeout", "3"])
    m = master.client()
    p = m.pipeline(transaction=False)
    for i in range(40000):
        p.set(f"k{i}", os.urandom(300))   # incompressible: the RDB outgrows socket buffers
    p.execute()
    stuck = so.socket()
    stuck.setsockopt(so.SOL_SOCKET, so.SO_RCVBUF, 4096)   # before connect: a tiny window
    stuck.connect(("127.0.0.1", master.port))
    stuck.sendall(b"*5\r\n$8\r\nREPLCONF\r\n$4\r\ncapa\r\n$3\r\neof\r\n$4\r\ncapa\r\n$6\r\npsync2\r\n")
    assert stuck.recv(5) == b"+OK\r\n"
    stuck.sendall(b"*3\r\n$5\r\nPSYNC\r\n$1\r\n?\r\n$2\r\n-1\r\n")
    replica = servers.new("apus")
    follow(replica, master)
    try:
        wait_synced(master, replica, timeout=40)
    finally:
        stuck.close()
    assert replica.client().dbsize() == 40000
    assert replica.client().get("k123") == m.get("k123")
    assert "Disconnecting timedout replica (full sync)" in master.log_text()


def test_replicas_share_one_snapshot_and_announce_their_address(servers):
    """repl-diskless-sync-max-replicas starts the sync as soon as that many replicas
    wait (instead of the delay); both get the same snapshot. A replica reports the
    address it announces."""
    master = servers.new("apus", args=["--repl-diskless-sync-delay", "60", "--repl-diskless-sync-max-replicas", "2"])
    master.client().set("a", "1")
    r1 = servers.new("apus", args=["--replica-announce-ip", "10.1.2.3", "--replica-announce-port", "7777"])
    r2 = servers.new("apus")
    follow(r1, master)
    time.sleep(1.5)
    assert not link_up(r1), "one replica waits for the second (the delay is 60 s)"
    follow(r2, master)
    wait_synced(master, r1, r2, timeout=15)
    log = master.log_text()
    assert log.count("Starting BGSAVE for SYNC") == 1
    assert info(master, "stats")["sync_full"] == 2
    slaves = [v for k, v in info(master).items() if k.startswith("slave")]
    assert {"ip": "10.1.2.3", "port": 7777} in [{"ip": s["ip"], "port": s["port"]} for s in slaves]
