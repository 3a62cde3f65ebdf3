"""Publish/subscribe against real clients and a real Redis 7.0.15.

The raw conversations are compared byte for byte with redis-server (RESP2 and RESP3,
every (un)subscribe variant, messages, pattern messages, shard channels, PUBSUB
introspection and its errors, subscribed-mode restrictions, RESET); redis-py's PubSub
(both protocols) and redis-cli's subscribe mode work unchanged; a subscriber that never
reads is cut off by client-output-buffer-limit pubsub; INFO and CLIENT LIST report
subscriptions.
"""

from __future__ import annotations

import re
import socket
import subprocess
import threading
import time

import pytest

from harness import encode_command, wait_for


def conversation(port: int, script) -> list[bytes]:
    """Runs `script` ([(connection name, command or None)]) and returns what each step
    brought to its connection. Every step ends with PING <marker> on that connection,
    allowed in subscribed mode too, so its output is complete when the marker's reply
    arrives (messages published before it are ahead of it in the stream)."""
    conns: dict[str, socket.socket] = {}
    out = []
    try:
        for i, (who, cmd) in enumerate(script):
            s = conns.get(who)
            if s is None:
                s = conns[who] = socket.create_connection(("127.0.0.1", port), timeout=10)
            marker = b"mark%d" % i
            s.sendall((encode_command(cmd) if cmd else b"") + encode_command(["PING", marker]))
            data = b""
            while not data.endswith(marker + b"\r\n"):
                chunk = s.recv(65536)
                assert chunk, f"connection {who} closed at step {i}"
                data += chunk
            out.append(re.sub(rb"\$2\r\nid\r\n:\d+\r\n", b"$2\r\nid\r\n:ID\r\n", data))
    finally:
        for s in conns.values():
            s.close()
    return out


SCRIPT = [
    ("a", ["UNSUBSCRIBE"]), ("a", ["PUNSUBSCRIBE"]), ("a", ["SUNSUBSCRIBE"]),
    ("a", ["SUBSCRIBE", "c1", "c2", "c1"]), ("a", ["PSUBSCRIBE", "c*", "x?"]), ("a", ["SSUBSCRIBE", "s1", "s2"]),
    ("a", ["GET", "k"]), ("a", ["PUBSUB", "NUMPAT"]), ("a", ["PING"]), ("a", ["PING", "hi"]),
    ("b", ["PUBLISH", "c1", "hello"]), ("a", None), ("b", ["SPUBLISH", "s1", "sharded"]), ("a", None),
    ("b", ["PUBLISH", "xy", "by pattern"]), ("a", None), ("b", ["PUBLISH", "nobody", "m"]),
    ("b", ["PUBLISH", "c2", b"\x00\r\nbinary"]), ("a", None),
    ("b", ["PUBSUB", "NUMSUB", "c1", "c2", "nope"]), ("b", ["PUBSUB", "NUMSUB"]), ("b", ["PUBSUB", "NUMPAT"]),
    ("b", ["PUBSUB", "SHARDNUMSUB", "s1", "s3"]), ("b", ["PUBSUB", "CHANNELS", "c2"]), ("b", ["PUBSUB", "CHANNELS", "z*"]),
    ("b", ["PUBSUB", "SHARDCHANNELS", "s1"]), ("b", ["PUBSUB", "CHANNELS", "a", "b"]), ("b", ["PUBSUB", "NUMPAT", "x"]),
    ("b", ["PUBSUB", "FOO"]), ("b", ["PUBSUB", "HELP"]), ("b", ["PUBSUB"]), ("b", ["PUBLISH", "c1"]),
    ("b", ["SUBSCRIBE"]), ("b", ["SPUBLISH", "s1"]),
    ("a", ["UNSUBSCRIBE", "c1", "nope"]), ("a", ["PUNSUBSCRIBE", "x?"]), ("a", ["PUNSUBSCRIBE"]), ("a", ["UNSUBSCRIBE"]),
    ("a", ["GET", "k"]), ("a", ["SUNSUBSCRIBE", "s2"]), ("a", ["SUNSUBSCRIBE"]), ("a", ["GET", "k"]),
    ("c", ["HELLO", "3"]), ("c", ["SUBSCRIBE", "c1"]), ("c", ["GET", "k"]), ("c", ["SET", "k", "v"]),
    ("b", ["PUBLISH", "c1", "to resp3"]), ("c", None), ("c", ["PSUBSCRIBE", "*"]), ("b", ["PUBLISH", "c1", "twice"]),
    ("c", None), ("c", ["UNSUBSCRIBE", "zz"]), ("c", ["PUNSUBSCRIBE"]), ("c", ["UNSUBSCRIBE"]), ("c", ["UNSUBSCRIBE"]),
    ("c", ["SSUBSCRIBE", "s9"]), ("c", ["SUNSUBSCRIBE", "s9", "s8"]),
    ("d", ["SUBSCRIBE", "q"]), ("d", ["RESET"]), ("d", ["GET", "k"]), ("b", ["PUBSUB", "NUMSUB", "q"]),
    ("e", ["SUBSCRIBE", "gone"]), ("e", ["PING"]),
]


def test_conversations_match_redis_byte_for_byte(pair):
    apus, redis_ = pair
    got, want = conversation(apus.port, SCRIPT), conversation(redis_.port, SCRIPT)
    for step, g, w in zip(SCRIPT, got, want):
        assert g == w, f"{step}: apus {g!r} redis {w!r}"


def test_disconnected_subscriber_is_forgotten(apus):
    r = apus.client()
    s = socket.create_connection(("127.0.0.1", apus.port))
    s.sendall(encode_command(["SUBSCRIBE", "ch"]) + encode_command(["PSUBSCRIBE", "p*"]))
    wait_for(lambda: r.pubsub_numsub("ch") == [(b"ch", 1)], what="subscription")
    s.close()
    wait_for(lambda: r.pubsub_numsub("ch") == [(b"ch", 0)] and r.pubsub_numpat() == 0, what="cleanup")
    assert r.publish("ch", "x") == 0


def test_messages_reach_subscribers_even_with_client_reply_off(pair):
    for srv in pair:
        s = socket.create_connection(("127.0.0.1", srv.port), timeout=5)
        s.sendall(encode_command(["CLIENT", "REPLY", "OFF"]) + encode_command(["SUBSCRIBE", "r"]))
        wait_for(lambda: srv.client().pubsub_numsub("r") == [(b"r", 1)], what="subscription")
        srv.client().publish("r", "pushed")
        want = b"*3\r\n$9\r\nsubscribe\r\n$1\r\nr\r\n:1\r\n*3\r\n$7\r\nmessage\r\n$1\r\nr\r\n$6\r\npushed\r\n"
        got = b""
        while len(got) < len(want):
            got += s.recv(4096)
        assert got == want, srv
        s.close()


def test_redis_py_pubsub(apus, protocol):
    r = apus.client(protocol=protocol)
    p = r.pubsub()
    p.subscribe("news", "sport")
    p.psubscribe("n*")
    p.ssubscribe("shard")
    confirmations = [p.get_message(timeout=2) for _ in range(4)]
    assert [m["type"] for m in confirmations] == ["subscribe", "subscribe", "psubscribe", "ssubscribe"]
    assert [m["data"] for m in confirmations] == [1, 2, 3, 1]
    assert r.publish("news", "hello") == 2       # the channel and the pattern
    assert r.spublish("shard", "s") == 1
    got = [p.get_message(timeout=2) for _ in range(3)]
    assert {(m["type"], m["channel"], m["data"]) for m in got} == {
        ("message", b"news", b"hello"), ("pmessage", b"news", b"hello"), ("smessage", b"shard", b"s")}
    assert [m["pattern"] for m in got if m["type"] == "pmessage"] == [b"n*"]
    assert r.pubsub_channels() == [b"news", b"sport"] or sorted(r.pubsub_channels()) == [b"news", b"sport"]
    assert r.pubsub_numpat() == 1
    assert r.pubsub_shardnumsub("shard") == [(b"shard", 1)]

    received = []

    def listen():
        for m in p.listen():
            if m["type"] == "message":
                received.append(m["data"])
                if len(received) == 100:
                    return

    t = threading.Thread(target=listen)
    t.start()
    for i in range(100):
        r.publish("sport", str(i))
    t.join(10)
    assert received == [str(i).encode() for i in range(100)], "one publisher's messages arrive in order"
    p.unsubscribe()
    p.punsubscribe()
    p.sunsubscribe()
    p.close()
    wait_for(lambda: r.pubsub_numsub("news", "sport") == [(b"news", 0), (b"sport", 0)], what="unsubscribed")


def test_redis_cli_subscribe_mode(apus, protocol):
    cli = subprocess.Popen(["redis-cli", "-p", str(apus.port), f"-{protocol}", "SUBSCRIBE", "ch"],
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        r = apus.client()
        wait_for(lambda: r.pubsub_numsub("ch") == [(b"ch", 1)], what="redis-cli subscribed")
        assert r.publish("ch", "first") == 1
        assert r.publish("ch", "second") == 1
        time.sleep(0.3)
    finally:
        cli.terminate()
        out = cli.communicate(timeout=10)[0].decode()
    lines = [l for l in out.splitlines() if l.strip()]
    assert lines[-6:] == ["message", "ch", "first", "message", "ch", "second"], out
    assert "subscribe" in lines and "ch" in lines


def test_info_and_client_list_report_subscriptions(apus):
    r = apus.client()
    s = socket.create_connection(("127.0.0.1", apus.port))
    s.sendall(encode_command(["CLIENT", "SETNAME", "sub"]) + encode_command(["SUBSCRIBE", "a", "b"])
              + encode_command(["PSUBSCRIBE", "x*"]) + encode_command(["SSUBSCRIBE", "sh"]))
    wait_for(lambda: r.info("stats")["pubsubshard_channels"] == 1, what="subscriptions")
    stats = r.info("stats")
    assert (stats["pubsub_channels"], stats["pubsub_patterns"], stats["pubsubshard_channels"]) == (2, 1, 1)
    line = next(l for l in r.execute_command("CLIENT", "LIST").decode().splitlines() if " name=sub " in l)
    assert " flags=P " in line and " sub=2 psub=1 ssub=1 " in line, line
    assert [c["name"] for c in r.client_list(_type="pubsub")] == ["sub"]
    s.close()


def test_subscriber_that_never_reads_is_cut_off(servers):
    """Default client-output-buffer-limit pubsub 32mb 8mb 60: the server drops the
    subscriber once its pending output passes 32 MB instead of holding it all."""
    apus = servers.new("apus")
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    s.connect(("127.0.0.1", apus.port))
    s.sendall(encode_command(["SUBSCRIBE", "flood"]))
    r = apus.client()
    wait_for(lambda: r.pubsub_numsub("flood") == [(b"flood", 1)], what="subscription")
    payload = b"x" * (256 * 1024)
    sent = 0
    with r.pipeline(transaction=False) as p:
        for _ in range(200):                      # 50 MB in all
            p.publish("flood", payload)
        counts = p.execute()
    sent = sum(counts)
    assert sent >= 1
    wait_for(lambda: r.pubsub_numsub("flood") == [(b"flood", 0)], what="the slow subscriber to be dropped")
    assert "scheduled to be closed ASAP for overcoming of output buffer limits" in apus.log_text()
    assert r.info("memory")["used_memory"] < 40 * 1024 * 1024
    s.close()
