"""Lists: data moves between Apus and a real Redis 7.0.15 unchanged (RDB files either way,
accepted by redis-check-rdb; DUMP/RESTORE either way), and the blocking commands behave
as 7.0's with several real connections: served once, in the order clients blocked, from
the key that became ready; timeouts, CLIENT UNBLOCK, disconnects, pipelined commands
after a block, INFO blocked_clients and CLIENT LIST flags=b.
"""

from __future__ import annotations

import socket
import threading
import time

import pytest

from harness import assert_rdb_ok, encode_command, save_and_load_in_redis, wait_for

DEBUG = ["--enable-debug-command", "yes"]


def populate(c):
    c.rpush("small", "a", "b", 1, 2, -3, "")
    c.rpush("ints", *range(-50, 50))
    c.rpush("long", *[f"element-{i}-" + "x" * 40 for i in range(2000)])   # many nodes
    c.rpush("huge", "y" * 20000)                                           # one element over 8 KB
    c.rpush("ttl", "t")
    c.pexpire("ttl", 500_000)


def snapshot(c) -> dict:
    return {k: (c.type(k), c.lrange(k, 0, -1), c.object("encoding", k), c.pttl(k) > 0) for k in c.keys("*")}


def test_lists_cross_through_rdb_both_ways(servers):
    apus, before, r = save_and_load_in_redis(servers, populate, snapshot, DEBUG)
    assert before[b"small"][2] == b"quicklist"
    r.rpush("fromredis", *range(300), "tail")
    r.config_set("list-compress-depth", 1)
    r.rpush("compressed", *[f"c{i}" * 30 for i in range(3000)])
    assert r.save()
    again = servers.new("apus", workdir=apus.dir, args=DEBUG)
    b = again.client()
    assert b.lrange("fromredis", 0, -1) == r.lrange("fromredis", 0, -1)
    assert b.lrange("compressed", 0, -1) == r.lrange("compressed", 0, -1)
    assert b.execute_command("DEBUG", "DIGEST") == r.execute_command("DEBUG", "DIGEST")
    b.execute_command("DEBUG", "RELOAD")
    assert b.execute_command("DEBUG", "DIGEST") == r.execute_command("DEBUG", "DIGEST")


def test_list_dump_restore_both_ways(servers):
    apus, ref = servers.new("apus", args=DEBUG), servers.new("redis", args=DEBUG)
    a, r = apus.client(), ref.client()
    populate(a)
    populate(r)
    for k in (b"small", b"ints", b"long", b"huge"):
        a.restore(b"copy:" + k, 0, r.dump(k))
        r.restore(b"copy:" + k, 0, a.dump(k))
        assert a.lrange(b"copy:" + k, 0, -1) == r.lrange(k, 0, -1) == r.lrange(b"copy:" + k, 0, -1)
    assert a.dump(b"small") == r.dump(b"small")


def test_redis_py_list_api(servers):
    c = servers.new("apus").client()
    assert c.rpush("q", "a", "b", "c") == 3
    assert c.lpush("q", "z") == 4
    assert c.lrange("q", 0, -1) == [b"z", b"a", b"b", b"c"]
    assert c.lpos("q", "b") == 2
    assert c.lmove("q", "q2", "LEFT", "RIGHT") == b"z"
    assert c.lmpop(2, "nokey", "q", direction="RIGHT", count=2) == [b"q", [b"c", b"b"]]
    assert c.llen("q") == 1 and c.ltrim("q", 1, 0) and not c.exists("q")


# MARK: - Blocking


class Waiter(threading.Thread):
    """Runs one blocking command on its own connection and keeps the reply."""

    def __init__(self, server, *args, protocol: int = 2):
        super().__init__(daemon=True)
        self.client = server.client(protocol=protocol)
        self.client_id = self.client.client_id()
        self.args = args
        self.reply = None
        self.error = None

    def run(self):
        try:
            reply = self.client.execute_command(*self.args)
            # redis-py turns BLPOP's pair into a tuple.
            self.reply = list(reply) if isinstance(reply, tuple) else reply
        except Exception as e:  # noqa: BLE001 - the error is the result under test
            self.error = e


def blocked_count(c) -> int:
    return c.info("clients")["blocked_clients"]


def start_blocked(server, c, *args, protocol: int = 2) -> Waiter:
    before = blocked_count(c)
    w = Waiter(server, *args, protocol=protocol)
    w.start()
    wait_for(lambda: blocked_count(c) == before + 1, what=f"{args[0]} to block")
    return w


@pytest.mark.parametrize("protocol", [2, 3])
def test_blpop_is_served_once_in_blocking_order(servers, protocol):
    apus = servers.new("apus")
    c = apus.client()
    w1 = start_blocked(apus, c, "BLPOP", "q", "0", protocol=protocol)
    w2 = start_blocked(apus, c, "BLPOP", "q", "0", protocol=protocol)
    assert "flags=b" in c.execute_command("CLIENT", "LIST", "ID", w1.client_id).decode()
    assert c.rpush("q", "first") == 1
    w1.join(5)
    assert w1.reply == [b"q", b"first"]
    assert w2.is_alive() and blocked_count(c) == 1
    assert c.rpush("q", "second", "third") == 2
    w2.join(5)
    assert w2.reply == [b"q", b"second"]
    assert c.lrange("q", 0, -1) == [b"third"] and blocked_count(c) == 0


def test_blocked_client_is_served_from_the_key_that_became_ready(servers):
    apus = servers.new("apus")
    c = apus.client()
    w = start_blocked(apus, c, "BRPOP", "a", "b", "0")
    c.rpush("b", "x", "y")
    w.join(5)
    assert w.reply == [b"b", b"y"]


def test_blmove_chain_and_timeouts(servers):
    apus = servers.new("apus")
    c = apus.client()
    mover = start_blocked(apus, c, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
    popper = start_blocked(apus, c, "BLPOP", "dst", "0")
    c.lpush("src", "job")
    mover.join(5)
    popper.join(5)
    assert mover.reply == b"job" and popper.reply == [b"dst", b"job"]
    assert not c.exists("src", "dst")
    t0 = time.monotonic()
    assert c.blpop(["nothing"], timeout=0.2) is None
    assert 0.15 <= time.monotonic() - t0 < 2
    assert c.execute_command("BLMPOP", "0.1", "1", "nothing", "LEFT") is None
    assert c.brpoplpush("nothing", "x", 0.1) is None


def test_client_unblock_disconnect_and_pipelining(servers):
    apus = servers.new("apus")
    c = apus.client()
    w = start_blocked(apus, c, "BLPOP", "k", "0")
    assert c.client_unblock(w.client_id) == 1
    w.join(5)
    assert w.reply is None
    assert c.client_unblock(w.client_id) == 0
    w = start_blocked(apus, c, "BLPOP", "k", "0")
    assert c.client_unblock(w.client_id, error=True) == 1
    w.join(5)
    assert "UNBLOCKED client unblocked via CLIENT UNBLOCK" in str(w.error)
    # A client that goes away while blocked is forgotten: the push stays in the list.
    # (A raw socket: redis-py would retry the command on a new connection.)
    gone = socket.create_connection(("127.0.0.1", apus.port), timeout=5)
    gone.sendall(encode_command(["BLPOP", "k", "0"]))
    wait_for(lambda: blocked_count(c) == 1, what="the raw BLPOP to block")
    gone.close()
    wait_for(lambda: blocked_count(c) == 0, what="the disconnected client to be dropped")
    assert c.rpush("k", "kept") == 1 and c.lrange("k", 0, -1) == [b"kept"]
    c.delete("k")
    # Commands pipelined behind a blocking one run after it was served, in order.
    s = socket.create_connection(("127.0.0.1", apus.port), timeout=5)
    s.sendall(encode_command(["BLPOP", "k", "0"]) + encode_command(["PING"]) + encode_command(["LLEN", "k"]))
    wait_for(lambda: blocked_count(c) == 1, what="the pipelined BLPOP to block")
    c.rpush("k", "v1", "v2")
    want = b"*2\r\n$1\r\nk\r\n$2\r\nv1\r\n+PONG\r\n:1\r\n"
    got = b""
    while len(got) < len(want):
        got += s.recv(4096)
    assert got == want
    s.close()


def test_blocked_clients_woken_by_restore_rename_and_swapdb(servers):
    apus = servers.new("apus")
    c = apus.client()
    c.rpush("tmp", "r")
    payload = c.dump("tmp")
    w = start_blocked(apus, c, "BLPOP", "restored", "0")
    c.restore("restored", 0, payload)
    w.join(5)
    assert w.reply == [b"restored", b"r"]
    w = start_blocked(apus, c, "BLPOP", "renamed", "0")
    c.rename("tmp", "renamed")
    w.join(5)
    assert w.reply == [b"renamed", b"r"]
    w = start_blocked(apus, c, "BLPOP", "other", "0")
    c1 = apus.client(db=1)
    c1.rpush("other", "from-db1")
    c.swapdb(0, 1)
    w.join(5)
    assert w.reply == [b"other", b"from-db1"]


def test_wrong_type_does_not_serve_in_7_0(servers):
    # 7.0 keeps a client blocked when its key reappears with another type.
    apus = servers.new("apus")
    c = apus.client()
    w = start_blocked(apus, c, "BLPOP", "k", "0")
    c.set("k", "string")
    time.sleep(0.1)
    assert w.is_alive() and blocked_count(c) == 1
    c.delete("k")
    c.rpush("k", "v")
    w.join(5)
    assert w.reply == [b"k", b"v"]


def test_compressed_lists_save_as_lzf_nodes_redis_loads(servers):
    # list-compress-depth 1: inner nodes are kept compressed and written as they are.
    apus = servers.new("apus", args=DEBUG + ["--list-compress-depth", "1"])
    a = apus.client()
    a.rpush("c", *[f"item-{i % 17}-" + "z" * 30 for i in range(3000)])
    a.lset("c", 1500, "middle")
    before = a.lrange("c", 0, -1)
    used = a.memory_usage("c")
    assert a.save()
    assert_rdb_ok(apus.rdb_path())
    ref = servers.new("redis", workdir=apus.dir, args=DEBUG)
    assert ref.client().lrange("c", 0, -1) == before
    # Compression is worth it: the same list plain costs clearly more.
    plain = servers.new("apus", args=DEBUG).client()
    plain.rpush("c", *[f"item-{i % 17}-" + "z" * 30 for i in range(3000)])
    assert used * 3 < plain.memory_usage("c")
