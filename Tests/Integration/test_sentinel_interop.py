"""Real redis-sentinel 7.0.15 steering Apus servers.

Three redis-sentinels (quorum 2, down-after 2000 ms) watch an Apus master with two Apus
replicas. They discover the replicas from INFO and each other through hellos published
on the Apus servers; after `kill -9` of the master they promote a replica with
MULTI / SLAVEOF NO ONE / CONFIG REWRITE / CLIENT KILL / EXEC, point the other one at
it, and turn the old master, restarted, into a replica. redis-py's Sentinel client
follows the switch and finds every write that was WAITed for before the kill.
"""

from __future__ import annotations

import os
import signal
import time

import pytest
import redis
from redis.sentinel import Sentinel

from harness import Server, free_port, wait_for

NAME = "apus"
FAST = ["--repl-diskless-sync-delay", "0"]


def sentinel_conf(path: str, port: int, master_port: int) -> str:
    with open(path, "w") as f:
        f.write(f"port {port}\nbind 127.0.0.1\ndir {os.path.dirname(path)}\n"
                f"sentinel monitor {NAME} 127.0.0.1 {master_port} 2\n"
                f"sentinel down-after-milliseconds {NAME} 2000\n"
                f"sentinel failover-timeout {NAME} 10000\n"
                f"sentinel parallel-syncs {NAME} 1\n")
    return path


@pytest.fixture
def setup(servers, tmp_path):
    master = servers.new("apus", args=FAST)
    replicas = [servers.new("apus", args=FAST + ["--replicaof", "127.0.0.1", str(master.port)]) for _ in range(2)]
    wait_for(lambda: master.client().info("replication")["connected_slaves"] == 2, timeout=20, what="replicas")
    sentinels = []
    for i in range(3):
        d = tmp_path / f"s{i}"
        d.mkdir()
        port = free_port()
        conf = sentinel_conf(str(d / "sentinel.conf"), port, master.port)
        s = Server("redis-sentinel", "sentinel", workdir=str(d), conf=conf, port=port, save=None)
        servers.servers.append(s)
        sentinels.append(s.start())

    def ready():
        for s in sentinels:
            m = s.client().execute_command("SENTINEL", "MASTER", NAME)
            m = m if isinstance(m, dict) else dict(zip(m[::2], m[1::2]))
            if int(m[b"num-slaves"]) != 2 or int(m[b"num-other-sentinels"]) != 2:
                return False
        return True
    wait_for(ready, timeout=30, interval=0.2, what="sentinels to know the replicas and each other")
    return master, replicas, sentinels


def test_redis_sentinels_fail_over_an_apus_master(setup, servers):
    master, replicas, sentinels = setup
    sentinel = Sentinel([("127.0.0.1", s.port) for s in sentinels], socket_timeout=2)
    w = sentinel.master_for(NAME, socket_timeout=2)
    for i in range(100):
        w.set(f"k{i}", i)
    assert w.execute_command("WAIT", 2, 2000) == 2
    killed_at = time.monotonic()
    os.kill(master.pid, signal.SIGKILL)

    def promoted():
        addr = sentinels[0].client().execute_command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", NAME)
        return int(addr[1]) != master.port and int(addr[1])
    new_port = wait_for(promoted, timeout=30, interval=0.1, what="a new master")
    new_master = next(r for r in replicas if r.port == new_port)
    other = next(r for r in replicas if r.port != new_port)

    def writes_accepted():
        try:
            return w.set("after", "1")
        except (redis.ConnectionError, redis.TimeoutError, redis.ReadOnlyError):
            return False
    wait_for(writes_accepted, timeout=30, interval=0.1, what="writes through the sentinel client")
    downtime = time.monotonic() - killed_at
    assert downtime < 20, downtime
    assert all(w.get(f"k{i}") == str(i).encode() for i in range(100))
    assert new_master.client().info("replication")["role"] == "master"
    wait_for(lambda: other.client().info("replication").get("master_port") == new_port
             and other.client().info("replication")["master_link_status"] == "up",
             timeout=30, interval=0.2, what="the other replica following")
    wait_for(lambda: other.client().get("after") == b"1", what="the other replica's data")
    # The old master comes back as a master with its old data: the sentinels turn it
    # into a replica of the new one.
    again = servers.new("apus", workdir=master.dir, args=FAST, port=master.port)
    wait_for(lambda: again.client().info("replication")["role"] == "slave"
             and again.client().info("replication")["master_link_status"] == "up",
             timeout=40, interval=0.2, what="the old master rejoining as a replica")
    assert again.client().info("replication")["master_port"] == new_port
    wait_for(lambda: again.client().get("after") == b"1", what="the old master's data")
