"""Big values are freed on the lazy-free thread, as 7.0 decides: UNLINK always, DEL with
lazyfree-lazy-user-del, overwrites with lazyfree-lazy-server-del, FLUSHALL ASYNC; small
values (a compact encoding, at most 64 allocations) are freed in place. The memory
given back is accounted exactly: used_memory returns to where it was.
"""

from __future__ import annotations

from harness import wait_for


def fill(c, key, kind):
    pipe = c.pipeline(transaction=False)
    for i in range(0, 20000, 2000):
        if kind == "hash":
            pipe.hset(key, mapping={f"f{j}": j for j in range(i, i + 2000)})
        elif kind == "zset":
            pipe.zadd(key, {f"m{j}": j for j in range(i, i + 2000)})
        else:
            pipe.sadd(key, *[f"m{j}" for j in range(i, i + 2000)])
    pipe.execute()


def lazyfreed(c) -> int:
    return c.info("all")["lazyfreed_objects"]


def test_big_values_are_freed_in_the_background_and_accounted(servers):
    c = servers.new("apus").client()
    c.set("anchor", "x")
    base = c.info("memory")["used_memory"]
    for kind in ("hash", "zset", "set"):
        fill(c, "big", kind)
        before = lazyfreed(c)
        assert c.unlink("big") == 1
        wait_for(lambda: lazyfreed(c) == before + 1, what=f"the {kind} to be freed lazily")
        wait_for(lambda: c.info("memory")["used_memory"] <= base + 256, what="memory to come back")
    # Small values are freed in place, whatever the command.
    c.hset("small", "f", "v")
    before = lazyfreed(c)
    c.unlink("small")
    assert lazyfreed(c) == before
    # DEL only with lazyfree-lazy-user-del; overwrites with lazyfree-lazy-server-del.
    fill(c, "big", "hash")
    c.delete("big")
    assert lazyfreed(c) == before
    c.config_set("lazyfree-lazy-user-del", "yes")
    fill(c, "big", "hash")
    c.delete("big")
    wait_for(lambda: lazyfreed(c) == before + 1, what="DEL with lazyfree-lazy-user-del")
    c.config_set("lazyfree-lazy-server-del", "yes")
    fill(c, "big", "zset")
    c.set("big", "now a string")
    wait_for(lambda: lazyfreed(c) == before + 2, what="an overwrite with lazyfree-lazy-server-del")
    fill(c, "big2", "set")
    c.flushall(asynchronous=True)
    # The flushed keys count as lazily freed objects, as in Redis (2 keys here).
    wait_for(lambda: lazyfreed(c) >= before + 4, what="FLUSHALL ASYNC")
    wait_for(lambda: c.info("all")["lazyfree_pending_objects"] == 0, what="nothing pending")
    assert c.dbsize() == 0
