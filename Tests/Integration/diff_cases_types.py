"""Differential cases for the Redis 7.0 "string-backed and special" types: bitmaps,
HyperLogLog, geo indexes and streams.

Same format as CASES in test_differential.py — a list of (name, [commands...]) where a
command is a shell-like string, a list of str/bytes arguments, or a Cmd wrapper that
relaxes the comparison.  The runner FLUSHALLs both servers before every case, so
cases reuse short key names freely; a case that changes a CONFIG parameter restores
it before it ends (the servers are shared by the whole module).

Every case was checked against two real redis-server 7.0.15 processes in RESP2 and
RESP3 (also with the second server getting each command up to 40 ms later), so nothing
here depends on the clock or on hash-table order except where a wrapper says so:
Timed (stream idle/seen/delivery times, rax node count), CountOnly (GEO ... COUNT n ANY),
Unordered (geo results without ASC/DESC) and Approx (TTL).  Stream ids are always
explicit (`*` would give each server its own time-based id).

Import this module from test_differential.py only after its wrappers (Cmd, Unordered,
Shape, ...) are defined, e.g.
    from diff_cases_types import BITMAP_CASES, HLL_CASES, GEO_CASES, STREAM_CASES
    CASES += BITMAP_CASES + HLL_CASES + GEO_CASES + STREAM_CASES
"""

from __future__ import annotations

import re

from test_differential import Approx, Cmd, Unordered

__all__ = ["BITMAP_CASES", "HLL_CASES", "GEO_CASES", "STREAM_CASES"]


# MARK: - Normalisers for replies that carry times

# Fields of XINFO CONSUMERS / XINFO STREAM FULL whose integer value is a time (7.0 has
# "idle" and "seen-time"; "inactive"/"active-time" are 7.2 names, masked too should a
# server send them).  "radix-tree-nodes" counts the nodes of Redis's rax, an internal
# layout detail, so it is masked as well; "radix-tree-keys" (listpack nodes) is kept.
_MASKED_KEYS = {b"idle", b"seen-time", b"inactive", b"active-time", b"radix-tree-nodes"}
_TOKEN = re.compile(rb"([+\-:$*%~>_,#(!=|])([^\r]*)\r\n")


def _tokens(reply: bytes) -> list[tuple[bytes, bytes]]:
    """The RESP2/RESP3 reply as a flat list of (type byte, payload) tokens."""
    out, pos = [], 0
    while pos < len(reply):
        m = _TOKEN.match(reply, pos)
        assert m, f"bad RESP at {pos}: {reply[pos:pos + 40]!r}"
        t, head = m.group(1), m.group(2)
        pos = m.end()
        if t in b"$!=" and head != b"-1":
            n = int(head)
            out.append((t, reply[pos:pos + n]))
            pos += n + 2
        else:
            out.append((t, head))
    return out


def _mask_times(reply: bytes):
    """Masks the integers that are times: the value after a key in _MASKED_KEYS, any
    integer that looks like a Unix time in ms (PEL delivery times in XINFO ... FULL),
    and the idle field of each [id, consumer, idle, deliveries] entry of XPENDING."""
    toks = _tokens(reply)
    out = list(toks)
    for i, (t, v) in enumerate(toks):
        if t in b"$+" and v in _MASKED_KEYS and i + 1 < len(toks) and toks[i + 1][0] == b":":
            out[i + 1] = (b":", b"<masked>")
        elif t == b":" and len(v) >= 13 and v.isdigit():
            out[i] = (b":", b"<time>")
        elif (t == b"*" and v == b"4" and i + 4 < len(toks)
              and [x[0] for x in toks[i + 1:i + 5]] == [b"$", b"$", b":", b":"]):
            out[i + 3] = (b":", b"<idle>")
    return out


def _array_length(reply: bytes):
    """Only the array header (how many members came back) and error-ness."""
    return reply.split(b"\r\n", 1)[0]


def CountOnly(args) -> Cmd:
    """COUNT n ANY when more than n members match: which ones come back depends on the
    order the geohash boxes are scanned, so only the number of results is compared."""
    return Cmd(args, normalize=_array_length, label=f"count-only {args!r}")


def Timed(args) -> Cmd:
    """A stream reply with idle / seen / delivery times masked (see _mask_times)."""
    return Cmd(args, normalize=_mask_times, label=f"timed {args!r}")


# MARK: - Bitmaps (SETBIT/GETBIT/BITCOUNT/BITPOS/BITOP/BITFIELD)

BITMAP_CASES: list[tuple[str, list]] = [
    ("bitmap-setbit-getbit", [
        "SETBIT b 7 1", "SETBIT b 7 1", "GET b", "SETBIT b 7 0", "GET b", "SETBIT b 0 1", "GET b",
        "GETBIT b 0", "GETBIT b 1", "GETBIT b 7", "GETBIT b 8", "GETBIT b 1000", "GETBIT nokey 0",
        "STRLEN b", "SETBIT b 100 1", "STRLEN b", "GET b", "OBJECT ENCODING b", "TYPE b",
        # Offsets: 0 .. 2^32-1 (512 MB); only GETBIT goes near the top, SETBIT there would allocate.
        "GETBIT b 4294967295", "GETBIT b 4294967296", "SETBIT b 4294967296 1", "SETBIT b -1 1",
        "GETBIT b -1", "SETBIT b x 1", "GETBIT b x", "GETBIT b 1.5", "SETBIT b 01 1", "SETBIT b ' 1' 1",
        "SETBIT b 0x10 1", "SETBIT b '' 1", "GETBIT b 99999999999999999999",
        # Bit values: only 0 or 1.
        "SETBIT b 1 2", "SETBIT b 1 -1", "SETBIT b 1 x", "SETBIT b 1 ''", "SETBIT b 1 01", "SETBIT b 1 1.0",
        "SETBIT b 4294967296 2", "SETBIT b", "SETBIT b 1", "GETBIT b", "SETBIT b 1 1 1", "GETBIT b 1 1",
        # A write of 0 still creates (and pads) the key.
        "SETBIT z 20 0", "EXISTS z", "GET z", "STRLEN z",
        # Integer-encoded and empty strings.
        "SET n 12345", "OBJECT ENCODING n", "SETBIT n 0 1", "GET n", "OBJECT ENCODING n", "GETBIT n 2",
        "SET e ''", "GETBIT e 0", "SETBIT e 3 1", "GET e", "SET emb abc", "SETBIT emb 23 0", "GET emb",
        "OBJECT ENCODING emb",
        "RPUSH l a", "SETBIT l 0 1", "GETBIT l 0", "GETBIT l x", "SETBIT l 0 5",
    ]),
    ("bitmap-bitcount", [
        "SET s foobar", "BITCOUNT s", "BITCOUNT s 0 0", "BITCOUNT s 1 1", "BITCOUNT s 1 1 BYTE",
        "BITCOUNT s 0 -1", "BITCOUNT s -2 -1", "BITCOUNT s -100 -1", "BITCOUNT s -100 -50", "BITCOUNT s 2 1",
        "BITCOUNT s 0 100", "BITCOUNT s 6 10", "BITCOUNT s 5 30 BIT", "BITCOUNT s 0 0 BIT", "BITCOUNT s 1 1 BIT",
        "BITCOUNT s -1 -1 BIT", "BITCOUNT s -8 -1 BIT", "BITCOUNT s -1 -2 BIT", "BITCOUNT s 0 -1 bit",
        "BITCOUNT s 0 -1 byte", "BITCOUNT s 0 47 BIT", "BITCOUNT s 0 1000 BIT", "BITCOUNT s 47 47 BIT",
        "BITCOUNT s 48 100 BIT", "BITCOUNT s 0 9223372036854775807", "BITCOUNT s -9223372036854775808 -1",
        "BITCOUNT s 0 9223372036854775807 BIT",
        # Syntax: start and end go together; the unit must be BYTE or BIT.
        "BITCOUNT s 0", "BITCOUNT s 0 1 2", "BITCOUNT s 0 1 BYTES", "BITCOUNT s 0 1 BIT BIT", "BITCOUNT s a 1",
        "BITCOUNT s 0 b", "BITCOUNT s 1.5 2", "BITCOUNT", "BITCOUNT nokey", "BITCOUNT nokey 0 -1 BIT",
        "BITCOUNT nokey 0", "BITCOUNT nokey a b", "BITCOUNT nokey 0 1 FOO",
        "SET n 255", "BITCOUNT n", "BITCOUNT n 0 0", "SET e ''", "BITCOUNT e", "BITCOUNT e 0 -1 BIT",
        ["SET", "ff", b"\xff" * 70 + b"\x01\x80"], "BITCOUNT ff", "BITCOUNT ff 3 69", "BITCOUNT ff -3 -1",
        "BITCOUNT ff 559 567 BIT", "BITCOUNT ff 3 573 BIT",
        "SADD set a", "BITCOUNT set", "BITCOUNT set 0 1", "BITCOUNT set 0",
    ]),
    ("bitmap-bitpos", [
        ["SET", "s", b"\xff\xf0\x00"], "BITPOS s 0", "BITPOS s 1", "BITPOS s 0 1", "BITPOS s 1 1", "BITPOS s 1 2",
        "BITPOS s 0 2", "BITPOS s 1 -1", "BITPOS s 0 -2 -1", "BITPOS s 1 0 -1", "BITPOS s 1 5 2",
        "BITPOS s 0 8 15 BIT", "BITPOS s 1 9 15 BIT", "BITPOS s 1 12 23 BIT", "BITPOS s 0 3 11 BIT",
        "BITPOS s 0 -12 -1 BIT", "BITPOS s 1 -12 -1 BIT", "BITPOS s 0 0 -1 bit", "BITPOS s 1 0 0 byte",
        "BITPOS s 0 100", "BITPOS s 1 100", "BITPOS s 0 100 200", "BITPOS s 0 -100", "BITPOS s 1 -100 -90",
        # All ones: without an explicit end a clear bit is found just past the string.
        ["SET", "ones", b"\xff\xff"], "BITPOS ones 0", "BITPOS ones 0 0", "BITPOS ones 0 1", "BITPOS ones 0 0 -1",
        "BITPOS ones 0 0 1", "BITPOS ones 0 0 -1 BIT", "BITPOS ones 0 3 BIT", "BITPOS ones 0 8 15 BIT",
        "BITPOS ones 1", "BITPOS ones 1 1", "BITPOS ones 0 2", "BITPOS ones 0 -1",
        # All zeros and missing keys.
        ["SET", "z", b"\x00\x00\x00"], "BITPOS z 1", "BITPOS z 0", "BITPOS z 1 0 -1", "BITPOS z 0 2",
        "BITPOS z 0 5 10 BIT",
        "BITPOS nokey 0", "BITPOS nokey 1", "BITPOS nokey 0 0 -1", "BITPOS nokey 1 0 -1 BIT", "SET e ''",
        "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0 -1",
        ["SET", "long", b"\x00" * 40 + b"\x01" + b"\xff" * 40], "BITPOS long 1", "BITPOS long 0 41",
        "BITPOS long 1 8 40", "BITPOS long 0 41 -1", "BITPOS long 0 41",
        # Errors.
        "BITPOS s 2", "BITPOS s -1", "BITPOS s x", "BITPOS s 1 x", "BITPOS s 1 0 x", "BITPOS s 1 0 -1 FOO",
        "BITPOS s 1 0 -1 BIT 5", "BITPOS s", "BITPOS nokey 2", "BITPOS nokey 1 x", "SET n 7", "BITPOS n 1",
        "RPUSH l a", "BITPOS l 1", "BITPOS l 2",
    ]),
    ("bitmap-bitop", [
        ["SET", "a", b"\xff\x0f\xaa"], ["SET", "b", b"\x0f\xff"], ["SET", "c", b"\x01"],
        "BITOP AND d a b", "GET d", "BITOP OR d a b", "GET d", "BITOP XOR d a b", "GET d",
        "BITOP AND d a b c", "GET d", "BITOP OR d a b c", "GET d", "BITOP XOR d a b c", "GET d",
        "BITOP NOT d a", "GET d", "BITOP NOT d c", "GET d", "BITOP and d a b", "GET d", "BITOP xor d a a", "GET d",
        "BITOP AND d a nokey", "GET d", "BITOP OR d nokey a", "GET d", "BITOP XOR d a", "GET d",
        # An all-missing (or empty) input deletes the destination.
        "BITOP AND d nokey nokey2", "EXISTS d", "SET d x", "BITOP NOT d nokey", "EXISTS d", "SET e ''",
        "SET d x", "BITOP OR d e", "EXISTS d", "SET d x", "BITOP OR d e a", "GET d",
        "BITOP NOT d a b", "BITOP NOT d", "BITOP FOO d a", "BITOP AND d", "BITOP", "BITOP AND",
        "BITOP ANDX d a", "BITOP NOTX d a",
        # The destination's old type does not matter; a source of the wrong type does.
        "RPUSH l x", "SADD set m", "BITOP AND l a b", "TYPE l", "GET l", "BITOP OR d a set", "BITOP NOT d set",
        "BITOP XOR d nokey set", "GET d", "BITOP OR set a", "TYPE set",
        # Long inputs (word-at-a-time path) of unequal lengths; integer-encoded sources.
        ["SET", "la", b"\x5a\xa5\x3c" * 30], ["SET", "lb", b"\xf0\x0f" * 33], ["SET", "lc", b"\x81" * 40],
        ["SET", "ld", b"\x00\xff" * 35],
        "BITOP AND r la lb lc ld", "GET r", "BITOP OR r la lb lc ld", "GET r", "BITOP XOR r la lb lc ld", "GET r",
        "BITOP NOT r la", "GET r", "BITOP AND r la lb", "GET r", "STRLEN r",
        "SET n1 123", "SET n2 456", "BITOP XOR r n1 n2", "GET r", "BITOP OR r n1 n2 n1", "GET r",
        "BITOP AND r la la", "GET r", "DEL r", "BITOP OR r r la", "STRLEN r",
    ]),
    ("bitmap-bitfield", [
        "BITFIELD bf SET u8 0 255", "GET bf", "BITFIELD bf GET u8 0", "BITFIELD bf GET i8 0", "BITFIELD bf GET u4 0",
        "BITFIELD bf GET i4 4", "BITFIELD bf GET u1 7", "BITFIELD bf GET i1 7", "BITFIELD bf GET u16 0",
        "BITFIELD bf INCRBY u8 0 10", "BITFIELD bf INCRBY u8 0 -20", "BITFIELD bf SET i8 0 -128", "GET bf",
        "BITFIELD bf INCRBY i8 0 -1", "BITFIELD bf OVERFLOW SAT INCRBY i8 0 -300",
        "BITFIELD bf OVERFLOW SAT INCRBY i8 0 1000",
        "BITFIELD bf OVERFLOW SAT SET i8 0 1000", "BITFIELD bf GET i8 0", "BITFIELD bf OVERFLOW SAT SET u8 0 -5",
        "BITFIELD bf GET u8 0", "BITFIELD bf OVERFLOW FAIL INCRBY u8 0 1", "BITFIELD bf OVERFLOW FAIL SET u8 0 256",
        "BITFIELD bf OVERFLOW FAIL SET i8 0 -129", "BITFIELD bf OVERFLOW FAIL INCRBY u8 0 -1", "BITFIELD bf GET u8 0",
        "BITFIELD bf OVERFLOW WRAP INCRBY u8 0 257", "BITFIELD bf OVERFLOW wrap SET u8 0 511",
        "BITFIELD bf OVERFLOW sat INCRBY u2 100 5 OVERFLOW fail INCRBY u2 102 5 OVERFLOW WRAP INCRBY u2 104 5",
        "BITFIELD bf GET u2 100 GET u2 102 GET u2 104",
        # Several operations in order; OVERFLOW applies to the INCRBY/SETs after it.
        "BITFIELD m SET u4 0 15 SET u4 4 1 GET u8 0 INCRBY u4 4 15 GET u8 0 OVERFLOW SAT INCRBY u4 0 1 INCRBY u4 4 -100",
        "GET m",
        # 63/64-bit fields.
        "BITFIELD w SET i64 0 -1", "BITFIELD w GET u63 0", "BITFIELD w GET u63 1", "BITFIELD w GET i64 0",
        "BITFIELD w SET i64 0 9223372036854775807", "BITFIELD w INCRBY i64 0 1", "BITFIELD w GET i64 0",
        "BITFIELD w OVERFLOW SAT INCRBY i64 0 -1", "BITFIELD w OVERFLOW SAT INCRBY i64 0 -9223372036854775808",
        "BITFIELD w OVERFLOW FAIL INCRBY i64 0 -1", "BITFIELD w SET u63 0 9223372036854775807", "GET w",
        "BITFIELD w OVERFLOW SAT INCRBY u63 0 1", "BITFIELD w OVERFLOW WRAP INCRBY u63 0 1", "BITFIELD w GET u63 0",
        "BITFIELD w SET i64 3 -2", "GET w", "BITFIELD w GET i64 3", "BITFIELD w SET u63 0 -1",
        "BITFIELD w SET i64 0 9223372036854775808", "BITFIELD w INCRBY i64 0 x", "BITFIELD w SET i32 0 1.5",
        # '#' offsets are multiplied by the field width.
        "BITFIELD h SET u8 #1 200", "GET h", "BITFIELD h GET u8 #1", "BITFIELD h GET u8 8", "BITFIELD h SET i5 #3 -3",
        "BITFIELD h GET i5 #3", "BITFIELD h GET u5 15", "BITFIELD h INCRBY u16 #0 1", "GET h", "BITFIELD h GET u8 #-1",
        "BITFIELD h GET u8 #x", "BITFIELD h GET u8 #", "BITFIELD h GET u8 #536870911", "BITFIELD h GET u8 #536870912",
        "BITFIELD h GET u8 4294967288", "BITFIELD h GET u8 4294967289", "BITFIELD h GET u1 4294967295",
        "BITFIELD h GET u8 -1", "BITFIELD h GET u8 x",
        # Type and syntax errors (nothing is applied when any part is invalid).
        "BITFIELD bf GET u64 0", "BITFIELD bf GET i65 0", "BITFIELD bf GET u0 0", "BITFIELD bf GET i0 0",
        "BITFIELD bf GET x8 0", "BITFIELD bf GET U8 0", "BITFIELD bf GET I8 0", "BITFIELD bf GET u 0",
        "BITFIELD bf GET 8 0",
        "BITFIELD bf GET u8", "BITFIELD bf SET u8 0", "BITFIELD bf INCRBY u8 0", "BITFIELD bf FOO",
        "BITFIELD bf OVERFLOW", "BITFIELD bf OVERFLOW BAD", "BITFIELD bf OVERFLOW SAT", "BITFIELD bf",
        "BITFIELD bf SET u8 0 7 GET u64 0", "BITFIELD bf GET u8 0", "BITFIELD", "BITFIELD bf get u8 0 incrby u8 0 1",
        # Missing keys: GET reads zeros and creates nothing; a write creates the key.
        "BITFIELD nokey GET u8 0 GET i64 100", "EXISTS nokey", "BITFIELD nokey", "BITFIELD nokey OVERFLOW SAT",
        "EXISTS nokey", "BITFIELD nokey OVERFLOW FAIL INCRBY u8 0 300", "EXISTS nokey", "BITFIELD nokey SET u8 16 0",
        "GET nokey",
    ]),
    ("bitmap-bitfield-ro-wrongtype", [
        "SET k abc", "BITFIELD_RO k GET u8 0", "BITFIELD_RO k GET u8 0 GET i16 8 GET u4 #5", "BITFIELD_RO k",
        "BITFIELD_RO k SET u8 0 1", "BITFIELD_RO k INCRBY u8 0 1", "BITFIELD_RO k OVERFLOW SAT",
        "BITFIELD_RO k GET u8 0 SET u8 0 1", "BITFIELD_RO k get u8 0", "BITFIELD_RO k GET u64 0",
        "BITFIELD_RO k GET u8", "BITFIELD_RO k FOO", "GET k", "BITFIELD_RO nokey GET u8 0", "EXISTS nokey",
        "BITFIELD_RO", "RPUSH l a", "BITFIELD l GET u8 0", "BITFIELD_RO l GET u8 0", "BITFIELD l SET u8 0 1",
        "BITFIELD l GET u64 0", "HSET h f v", "BITFIELD h", "BITFIELD_RO h",
        "COMMAND GETKEYS BITFIELD_RO k GET u8 0", "COMMAND GETKEYS BITFIELD k SET u8 0 1",
    ]),
    ("bitmap-string-interplay", [
        "SET k abc", "GETBIT k 1", "GETBIT k 7", "SETBIT k 7 0", "GET k", "SETRANGE k 5 zz", "GET k", "BITCOUNT k",
        "BITPOS k 1 3", "BITPOS k 0 3", "APPEND k !", "BITFIELD k GET u8 #7", "SETBIT k 79 1", "GET k", "STRLEN k",
        "GETRANGE k 8 9", "BITFIELD k SET u16 #6 25186", "GET k", "SET k 10", "SETBIT k 14 1", "GET k", "INCR k",
        "SETBIT k 15 1", "INCR k", "SET k 5", "BITFIELD k INCRBY u8 0 1", "GET k", "INCR k", "OBJECT ENCODING k",
        "SET f 0.5", "BITFIELD f GET u8 #1", "BITOP NOT g f", "GET g", "SETRANGE g 0 x", "BITCOUNT g",
        "SET t v EX 100", "SETBIT t 0 1", Approx("TTL t", 1), "BITFIELD t SET u8 0 0", Approx("TTL t", 1), "GET t",
        "SETBIT k 0 1", "MULTI", "SETBIT k 1 1", "GETBIT k 1", "BITCOUNT k", "EXEC",
    ]),
]


# MARK: - HyperLogLog (PFADD/PFCOUNT/PFMERGE/PFDEBUG)

# A sparse header: "HYLL", encoding 1, 3 unused bytes, an 8-byte cached cardinality whose
# top bit (byte 15) set means "stale".  0x7fff is XZERO:16384 (all registers empty).
_SPARSE_HDR_STALE = b"HYLL\x01\x00\x00\x00" + b"\x00" * 7 + b"\x80"
_SPARSE_HDR_CACHED = b"HYLL\x01\x00\x00\x00" + b"\x05" + b"\x00" * 7

HLL_CASES: list[tuple[str, list]] = [
    ("hll-basic", [
        "PFADD h a b c", "PFADD h a", "PFADD h", "PFADD h c b a", "PFCOUNT h", "PFCOUNT nokey", "PFADD empty",
        "EXISTS empty", "PFCOUNT empty", "GET empty", "PFADD empty", "TYPE h", "OBJECT ENCODING h", "STRLEN h",
        "PFADD h2 x y a", "PFCOUNT h h2", "PFCOUNT h nokey", "PFCOUNT nokey nokey2", "PFCOUNT h h", "PFCOUNT h2",
        ["PFADD", "bin", b"", b"\x00", b"\xff\xfe", "x" * 300], "PFCOUNT bin", "PFADD bin ''",
        # PFMERGE into a new key, into an existing one (which is also a source), with no sources.
        "PFMERGE m h h2", "PFCOUNT m", "GET m", "PFADD m z", "PFMERGE m h", "PFCOUNT m", "PFMERGE m nokey", "PFCOUNT m",
        "PFMERGE n", "EXISTS n", "GET n", "PFCOUNT n", "PFMERGE o nokey", "GET o", "PFMERGE h h", "PFCOUNT h",
        "PFADD", "PFCOUNT", "PFMERGE",
        # A string that is not an HLL, and a key of another type.
        "SET s foo", "PFADD s a", "PFCOUNT s", "PFCOUNT h s", "PFMERGE m s", "PFMERGE s h", "GET s", "PFADD s",
        "RPUSH l a", "PFADD l a", "PFCOUNT l", "PFCOUNT h l", "PFMERGE l h", "PFMERGE m l",
        "SET n 12345", "PFCOUNT n", "SET e ''", "PFADD e a",
    ]),
    # The raw value is observable with GET: header, cached cardinality (and its stale bit),
    # sparse opcodes.  Both servers must produce the same bytes.
    ("hll-raw-bytes-sparse", [
        "PFADD h foo", "GET h", "PFCOUNT h", "GET h", "PFADD h foo", "GET h", "PFADD h bar", "GET h", "PFCOUNT h",
        "GET h", "PFADD h " + " ".join(f"elem:{i}" for i in range(50)), "GET h", "PFCOUNT h", "GET h",
        "PFADD h2 " + " ".join(f"other-{i}" for i in range(200)), "GET h2", "PFCOUNT h2", "STRLEN h2",
        "PFCOUNT h h2", "GET h", "PFMERGE h3 h h2", "GET h3", "PFCOUNT h3", "GET h3", "PFDEBUG ENCODING h3",
        "PFMERGE h h2", "GET h", "PFDEBUG DECODE h2", "PFDEBUG DECODE empty", "PFADD e", "PFDEBUG DECODE e",
        # Clearing the stale bit by hand makes PFCOUNT trust the old cached value.
        ["SETRANGE", "h", "15", b"\x00"], "PFCOUNT h", "APPEND e ''", "PFCOUNT e", "COPY h2 c", "GET c",
    ]),
    # Sparse -> dense at hll-sparse-max-bytes, and dense values byte for byte.
    ("hll-sparse-to-dense", [
        "CONFIG SET hll-sparse-max-bytes 60", "PFADD h " + " ".join(f"a{i}" for i in range(10)),
        "PFDEBUG ENCODING h", "STRLEN h", "PFADD h " + " ".join(f"a{i}" for i in range(10, 40)), "PFDEBUG ENCODING h",
        "STRLEN h", "GET h", "PFCOUNT h", "GET h", "PFADD h a0", "GET h", "PFADD h zz", "GETRANGE h 0 15",
        "PFADD s x y z", "PFDEBUG ENCODING s", "PFCOUNT h s", "PFMERGE d s h", "PFDEBUG ENCODING d", "GET d",
        "PFCOUNT d", "PFMERGE d2 s", "PFDEBUG ENCODING d2", "GET d2", "PFMERGE s h", "PFDEBUG ENCODING s",
        "PFCOUNT s", "PFDEBUG DECODE h", "CONFIG SET hll-sparse-max-bytes 3000",
        # At the default threshold (3000 bytes) a few thousand elements go dense.
        "PFADD big " + " ".join(f"member:{i}" for i in range(1500)), "PFDEBUG ENCODING big", "STRLEN big",
        "PFCOUNT big", "GET big", "PFADD big " + " ".join(f"member:{i}" for i in range(1500, 3000)),
        "PFDEBUG ENCODING big", "PFCOUNT big", "GET big", "PFCOUNT big h", "CONFIG GET hll-sparse-max-bytes",
        "CONFIG SET hll-sparse-max-bytes -1", "CONFIG SET hll-sparse-max-bytes 3000",
    ]),
    # PFDEBUG GETREG converts a sparse value to dense as a side effect.
    ("hll-pfdebug", [
        "PFADD h a b c d", "PFDEBUG ENCODING h", "PFDEBUG DECODE h", "PFDEBUG GETREG h", "PFDEBUG ENCODING h",
        "GET h", "PFDEBUG DECODE h", "PFDEBUG TODENSE h", "PFADD h2 x", "PFDEBUG TODENSE h2", "PFDEBUG ENCODING h2",
        "GET h2", "PFCOUNT h2", "PFDEBUG TODENSE h2", "pfdebug encoding h2", "pfdebug getreg h2",
        "PFDEBUG FOO h", "PFDEBUG GETREG nokey", "PFDEBUG TODENSE nokey", "PFDEBUG ENCODING nokey", "PFDEBUG FOO nokey",
        "PFDEBUG GETREG", "PFDEBUG", "PFDEBUG GETREG h extra", "SET s str", "PFDEBUG GETREG s", "PFDEBUG ENCODING s",
        "RPUSH l a", "PFDEBUG GETREG l", "PFDEBUG ENCODING l", "PFDEBUG DECODE l", "EXISTS nokey",
    ]),
    # Values that start like an HLL but are not one, and sparse values whose opcodes do not
    # cover exactly 16384 registers.
    ("hll-corrupted", [
        "SET a HYLL", "PFADD a x", "PFCOUNT a", "PFMERGE m a", "PFDEBUG GETREG a", "PFCOUNT nokey a",
        "SET b HYLLjunkjunkjunk", "PFADD b x", "PFCOUNT b", "SET c HYLLjunkjunkjunkjunk", "PFADD c x", "PFCOUNT c",
        "PFDEBUG ENCODING c", "PFMERGE m c", "PFMERGE c m",
        ["SET", "d", b"HYLL\x00\x00\x00\x00" + b"\x00" * 8 + b"\x00" * 100], "PFADD d x", "PFCOUNT d",  # dense, short
        ["SET", "e", b"HYLL\x02\x00\x00\x00" + b"\x00" * 8 + b"\x7f\xff"], "PFADD e x", "PFCOUNT e",  # bad encoding
        ["SET", "f", b"HYLL\x01\x00\x00\x00" + b"\x00" * 8 + b"\x7f\xff"], "PFADD f x", "PFCOUNT f", "GET f",
        ["SET", "g", _SPARSE_HDR_STALE + b"\x7f\xfe"], "PFCOUNT g", "PFADD g x", "PFMERGE m g", "PFDEBUG DECODE g",
        "PFCOUNT g f", "GET g",
        ["SET", "g2", _SPARSE_HDR_STALE + b"\x7f\xff\x7f\xff"], "PFCOUNT g2", "PFMERGE m g2", "PFCOUNT f g2",
        ["SET", "g3", _SPARSE_HDR_STALE + b"\x7f\xff\x80"], "PFCOUNT g3", "PFDEBUG DECODE g3",
        ["SET", "g4", _SPARSE_HDR_STALE], "PFCOUNT g4", "PFADD g4 x",
        # A valid cached cardinality is returned without looking at the registers at all.
        ["SET", "k", _SPARSE_HDR_CACHED + b"\x7f\xfe"], "PFCOUNT k", "PFCOUNT k f", "GET k",
        ["SET", "k2", _SPARSE_HDR_CACHED + b"\x7f\xff"], "PFCOUNT k2", "PFADD k2 hello", "PFCOUNT k2", "GET k2",
        "DEL m", "PFMERGE m f g", "EXISTS m",
    ]),
    ("hll-selftest-and-misc", [
        "PFSELFTEST", "PFSELFTEST extra", "pfselftest",
        "PFADD h a", "RENAME h h2", "PFCOUNT h2", "EXPIRE h2 100", "PFADD h2 b", Approx("TTL h2", 1), "PFCOUNT h2",
        "APPEND h2 x", "PFCOUNT h2", "PFADD h2 c", "SET h3 x", "DEL h3", "PFADD h3 a b",
        "MULTI", "PFADD h3 c", "PFCOUNT h3", "PFMERGE h4 h3", "PFCOUNT h4", "EXEC",
        "COMMAND GETKEYS PFMERGE d a b", "COMMAND GETKEYS PFCOUNT a b", "COMMAND GETKEYS PFDEBUG GETREG k",
    ]),
]


# MARK: - Geo (GEOADD/GEODIST/GEOHASH/GEOPOS/GEOSEARCH/GEORADIUS...)

_SICILY = "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania 13.583333 37.316667 Agrigento"
_MORE = "GEOADD Sicily 12.758489 38.788135 edge1 17.241510 38.222891 edge2 14.5500 37.4900 Enna 13.5155 37.8010 Corleone"

GEO_CASES: list[tuple[str, list]] = [
    ("geo-add", [
        "GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania",
        "GEOADD Sicily 13.361389 38.115556 Palermo",
        "GEOADD Sicily NX 13.5 38 Palermo 13.583333 37.316667 Agrigento", "GEOPOS Sicily Palermo",
        "GEOADD Sicily XX 13.4 38.1 Palermo 1 1 New", "GEOPOS Sicily Palermo New",
        "GEOADD Sicily XX CH 13.361389 38.115556 Palermo",
        "GEOADD Sicily CH 13.361389 38.115556 Palermo 2 2 Two", "GEOADD Sicily CH NX 3 3 Palermo",
        "GEOADD Sicily ch xx nx 1 1 a",
        "GEOADD Sicily NX XX 1 1 a", "GEOADD Sicily GT 1 1 a", "GEOADD Sicily LT CH 1 1 a", "GEOADD Sicily INCR 1 1 a",
        "ZRANGE Sicily 0 -1 WITHSCORES", "ZCARD Sicily", "TYPE Sicily", "OBJECT ENCODING Sicily",
        # Coordinate limits: longitude +-180, latitude +-85.05112878.
        "GEOADD lim -180 -85.05112878 sw 180 85.05112878 ne 0 0 origin", "GEOPOS lim sw ne origin",
        "GEOHASH lim sw ne origin",
        "ZRANGE lim 0 -1 WITHSCORES", "GEOADD lim 181 0 bad", "GEOADD lim -180.000001 0 bad", "GEOADD lim 0 86 bad",
        "GEOADD lim 0 -85.05112879 bad", "GEOADD lim 13.5 95.123456789 bad", "GEOADD lim 1 2 ok 200 2 bad",
        "EXISTS bad",
        "ZCARD lim", "GEOADD newkey 500 500 bad", "EXISTS newkey",
        "GEOADD lim abc 0 x", "GEOADD lim 0 abc x", "GEOADD lim 1e1 1e1 sci", "GEOADD lim 0x10 1 hex",
        "GEOADD lim inf 0 x",
        "GEOADD lim nan 0 x", "GEOADD lim '' 0 x", "GEOADD lim 1 2", "GEOADD lim 1 2 a 3", "GEOADD lim NX 1 2",
        "GEOADD lim", "GEOADD lim 1", "GEOADD lim XX 1 2 absent", "GEOADD nokey XX 1 2 m", "EXISTS nokey",
        "SET s v", "GEOADD s 1 1 a", "GEOADD s 1000 1 a",
    ]),
    ("geo-dist-hash-pos", [
        _SICILY, "GEODIST Sicily Palermo Catania", "GEODIST Sicily Palermo Catania m",
        "GEODIST Sicily Palermo Catania km",
        "GEODIST Sicily Palermo Catania KM", "GEODIST Sicily Palermo Catania mi", "GEODIST Sicily Palermo Catania ft",
        "GEODIST Sicily Catania Agrigento Mi", "GEODIST Sicily Palermo Palermo", "GEODIST Sicily Palermo Palermo km",
        "GEODIST Sicily Palermo nope", "GEODIST Sicily nope nope2", "GEODIST nokey a b", "GEODIST nokey a b furlongs",
        "GEODIST Sicily Palermo Catania furlongs", "GEODIST Sicily Palermo Catania km extra", "GEODIST Sicily Palermo",
        "GEOHASH Sicily Palermo Catania Agrigento nope", "GEOHASH Sicily", "GEOHASH nokey a b", "GEOHASH nokey",
        "GEOPOS Sicily Palermo Catania nope Agrigento", "GEOPOS Sicily", "GEOPOS nokey a b", "GEOPOS nokey",
        "GEOADD w 0 0 zero -0.000001 0.000001 tiny 179.999999 -85 far -122.4194155 37.7749295 sf 139.6917 35.6895 tokyo",
        "GEOPOS w zero tiny far sf tokyo", "GEOHASH w zero tiny far sf tokyo", "GEODIST w sf tokyo km",
        "GEODIST w zero far", "GEODIST w zero tiny m", "GEODIST w far zero mi",
        # Any sorted set member works as a point: its score is a 52-bit geohash.
        "ZADD z 0 a 4503599627370495 b 3471579339700058 c -1 d 4503599627370496 e 1.5 f", "GEOPOS z a b c d e f",
        "GEOHASH z a b c d e f", "GEODIST z a c", "GEODIST z c d", "GEODIST z b e",
        "SET s v", "GEOPOS s a", "GEOHASH s a", "GEODIST s a b", "GEOPOS", "GEOHASH", "GEODIST",
    ]),
    ("geo-search", [
        _SICILY, _MORE,
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD WITHDIST WITHHASH",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHHASH WITHDIST WITHCOORD DESC",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC WITHCOORD",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200000 m ASC WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 120 mi ASC WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 700000 ft DESC WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 KM ASC",
        "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 100 km ASC WITHDIST",
        "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 0 km",
        "GEOSEARCH Sicily FROMMEMBER Palermo BYRADIUS 1 m WITHDIST WITHCOORD",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km DESC",
        "GEOSEARCH Sicily FROMMEMBER Catania BYBOX 160 60 km ASC WITHCOORD",
        "GEOSEARCH Sicily FROMMEMBER Catania BYBOX 60 160 km ASC",
        "GEOSEARCH Sicily FROMMEMBER Enna BYBOX 1 1 mi ASC WITHHASH", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 0 0 m",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC COUNT 1",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km DESC COUNT 2 WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km ASC COUNT 100 ANY WITHDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km DESC COUNT 7 ANY",
        Unordered("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km COUNT 50 ANY"),
        CountOnly("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km COUNT 1 ANY"),
        CountOnly("GEORADIUSBYMEMBER Sicily Palermo 500 km COUNT 3 ANY"),
        # COUNT without ANY implies ASC.
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km COUNT 3",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km count 2 asc",
        Unordered("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km"),
        "GEOSEARCH Sicily FROMLONLAT 0 0 BYRADIUS 10 km", "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 200 km",
        "GEOSEARCH nokey FROMMEMBER x BYRADIUS 200 km",
        # Option errors.
        "GEOSEARCH Sicily FROMMEMBER nope BYRADIUS 100 km",
        "GEOSEARCH Sicily FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km", "GEOSEARCH Sicily BYRADIUS 1 km",
        "GEOSEARCH Sicily FROMLONLAT 15 37", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 ASC WITHDIST", "GEOSEARCH Sicily BYRADIUS 1 km ASC WITHDIST",
        "GEOSEARCH Sicily WITHDIST BYBOX 1 1 km ASC", "GEOSEARCH Sicily FROMMEMBER Palermo ASC COUNT 1",
        "GEOSEARCH Sicily FROMMEMBER Palermo FROMMEMBER Catania BYRADIUS 1 km",
        "GEOSEARCH Sicily BYRADIUS 1 km BYRADIUS 2 km FROMMEMBER Palermo",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 ASC COUNT 1", "GEOSEARCHSTORE dst Sicily BYBOX 1 1 km ASC COUNT 1",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS -1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX -1 1 km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 -1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS x km",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 parsecs", "GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 1 1 parsecs",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT -1",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT x",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ANY COUNT 1",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT",
        "GEOSEARCH Sicily FROMLONLAT 200 37 BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT 15 86 BYRADIUS 1 km",
        "GEOSEARCH Sicily FROMLONLAT x 37 BYRADIUS 1 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STORE d",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km FOO",
        "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1", "GEOSEARCH Sicily FROMLONLAT 15 BYRADIUS 1 km",
        "GEOSEARCH Sicily FROMMEMBER", "GEOSEARCH Sicily", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 1 km ASC DESC",
        "GEOSEARCH nokey FROMMEMBER x BYRADIUS -1 km", "GEOSEARCH nokey FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0",
        "SET s v", "GEOSEARCH s FROMLONLAT 15 37 BYRADIUS 1 km",
    ]),
    ("geo-searchstore", [
        _SICILY, _MORE,
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC COUNT 2", "ZRANGE dst 0 -1 WITHSCORES",
        "GEOPOS dst Catania Enna", "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST",
        "ZRANGE dst 0 -1 WITHSCORES",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200000 m DESC COUNT 3 STOREDIST",
        "ZRANGE dst 0 -1 WITHSCORES", "GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYBOX 200 200 mi ASC STOREDIST",
        "ZRANGE dst 0 -1 WITHSCORES", "GEOSEARCHSTORE dst Sicily FROMMEMBER Palermo BYBOX 200 200 mi ASC COUNT 10 ANY",
        "ZRANGE dst 0 -1 WITHSCORES", "OBJECT ENCODING dst",
        # Nothing found (or a missing source) deletes the destination.
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 0 0 BYRADIUS 1 km", "EXISTS dst", "SET dst x",
        "GEOSEARCHSTORE dst nokey FROMLONLAT 0 0 BYRADIUS 1 km", "EXISTS dst",
        "GEOSEARCHSTORE Sicily Sicily FROMMEMBER Palermo BYRADIUS 150 km STOREDIST", "ZRANGE Sicily 0 -1 WITHSCORES",
        _SICILY, "RPUSH lst a", "GEOSEARCHSTORE lst Sicily FROMMEMBER Palermo BYRADIUS 150 km", "TYPE lst",
        # Reply options are not allowed when storing.
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHCOORD",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km WITHHASH",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 200 km STORE x",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37",
        "GEOSEARCHSTORE dst Sicily FROMMEMBER nope BYRADIUS 1 km",
        "GEOSEARCHSTORE dst Sicily FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0",
        "GEOSEARCHSTORE dst Sicily", "SET s v", "GEOSEARCHSTORE dst s FROMLONLAT 15 37 BYRADIUS 1 km",
        "COMMAND GETKEYS GEOSEARCHSTORE dst src FROMLONLAT 1 2 BYRADIUS 1 km",
    ]),
    ("geo-georadius", [
        _SICILY, _MORE,
        Unordered("GEORADIUS Sicily 15 37 200 km"), "GEORADIUS Sicily 15 37 200 km ASC",
        "GEORADIUS Sicily 15 37 200 km DESC WITHDIST",
        "GEORADIUS Sicily 15 37 200 km WITHDIST WITHCOORD WITHHASH ASC COUNT 2",
        CountOnly("GEORADIUS Sicily 15 37 200 km COUNT 2 ANY ASC"),
        "GEORADIUS Sicily 15 37 200 km COUNT 5 ANY DESC WITHDIST",
        "GEORADIUS Sicily 15 37 100 mi ASC WITHCOORD", "GEORADIUS Sicily 15 37 1 m", "GEORADIUS nokey 15 37 200 km",
        "GEORADIUS_RO Sicily 15 37 200 km ASC WITHDIST", "GEORADIUS_RO Sicily 15 37 200 km STORE d",
        "GEORADIUS_RO Sicily 15 37 200 km STOREDIST d",
        "GEORADIUSBYMEMBER Sicily Agrigento 100 km ASC",
        "GEORADIUSBYMEMBER Sicily Agrigento 100 km DESC WITHDIST WITHCOORD",
        "GEORADIUSBYMEMBER Sicily Palermo 0 km", "GEORADIUSBYMEMBER_RO Sicily Palermo 150 km ASC COUNT 3 WITHHASH",
        "GEORADIUSBYMEMBER Sicily nope 100 km", "GEORADIUSBYMEMBER nokey nope 100 km",
        "GEORADIUSBYMEMBER_RO Sicily Palermo 1 km STORE d",
        # STORE / STOREDIST.
        "GEORADIUS Sicily 15 37 200 km STORE d", "ZRANGE d 0 -1 WITHSCORES",
        "GEORADIUS Sicily 15 37 200 km ASC COUNT 2 STOREDIST d",
        "ZRANGE d 0 -1 WITHSCORES", "GEORADIUSBYMEMBER Sicily Palermo 150 km STORE d STOREDIST d2", "EXISTS d",
        "ZRANGE d2 0 -1 WITHSCORES", "GEORADIUSBYMEMBER Sicily Palermo 150 km STOREDIST d3 STORE d4", "EXISTS d3",
        "ZRANGE d4 0 -1 WITHSCORES", "GEORADIUS Sicily 0 0 1 km STORE d4", "EXISTS d4",
        "GEORADIUS Sicily 15 37 200 km STORE d WITHDIST", "GEORADIUS Sicily 15 37 200 km WITHCOORD STOREDIST d",
        "GEORADIUS Sicily 15 37 200 km WITHHASH STORE d", "GEORADIUS Sicily 15 37 200 km STORE",
        # Errors.
        "GEORADIUS Sicily 15 37 200 parsecs", "GEORADIUS Sicily 15 37 -1 km", "GEORADIUS Sicily 15 37 x km",
        "GEORADIUS Sicily 200 37 1 km", "GEORADIUS Sicily 15 37 1 km COUNT 0", "GEORADIUS Sicily 15 37 1 km ANY",
        "GEORADIUS Sicily 15 37 1 km FOO", "GEORADIUS Sicily 15 37 1 km FROMLONLAT 1 1",
        "GEORADIUS Sicily 15 37 1 km BYBOX 1 1 km", "GEORADIUS Sicily 15 37 1", "GEORADIUSBYMEMBER Sicily Palermo 1",
        "GEORADIUS_RO Sicily 15 37 1 km COUNT 0", "GEORADIUSBYMEMBER Sicily Palermo -5 km",
        "SET s v", "GEORADIUS s 15 37 1 km", "GEORADIUSBYMEMBER s a 1 km", "GEORADIUS_RO s 15 37 1 km",
        "COMMAND GETKEYS GEORADIUS src 1 2 3 km STORE a STOREDIST b",
        "COMMAND GETKEYS GEORADIUSBYMEMBER src m 3 km STORE a",
    ]),
    # Searches around the poles' limits and across the antimeridian.
    ("geo-edges", [
        "GEOADD e -179.95 0.45 west 179.97 0.5 east 179.93 -0.55 south 0 84.9 north1 180 84.7 north2 -180 -84.9 south2",
        "GEOPOS e west east south north1 north2 south2", "GEOHASH e west east south north1 north2 south2",
        "GEODIST e west east km", "GEODIST e north1 north2 km", "GEODIST e west south2 km",
        "GEOSEARCH e FROMMEMBER west BYRADIUS 200 km ASC WITHDIST",
        "GEOSEARCH e FROMLONLAT 180 0 BYBOX 300 300 km ASC WITHDIST",
        "GEOSEARCH e FROMLONLAT -180 0 BYRADIUS 100 km DESC WITHCOORD",
        "GEOSEARCH e FROMMEMBER north1 BYRADIUS 20000 km ASC",
        "GEOSEARCH e FROMLONLAT 90 84.9 BYBOX 10000 1000 km ASC WITHDIST", "GEORADIUS e 0 0 20040 km ASC WITHDIST",
        "GEORADIUSBYMEMBER e south 120 km ASC WITHDIST", "GEOSEARCH e FROMLONLAT 0 -85 BYRADIUS 1000 km",
        "GEOSEARCH e FROMLONLAT 179.97 0.5 BYRADIUS 0.5 m WITHDIST",
        "GEOSEARCH e FROMLONLAT 0 0 BYRADIUS 40000 km DESC COUNT 3",
    ]),
]


# Without ASC/DESC (and without COUNT) Redis returns members in the order it scans the
# nine geohash boxes around the centre, each box in score order.  A faithful port of
# geo.c gives the same order; these replies are compared byte for byte on purpose.
GEO_CASES.append(("geo-unsorted-scan-order", [
    _SICILY, _MORE, "GEORADIUS Sicily 15 37 200 km", "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km WITHDIST",
    "GEOSEARCH Sicily FROMMEMBER Enna BYBOX 300 200 km WITHCOORD", "GEORADIUSBYMEMBER Sicily Palermo 200 km WITHHASH",
    "GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 500 km COUNT 3 ANY",
]))


# MARK: - Streams

# A stream with entries 1-1 .. 9-0 (ids chosen to exercise ms-only and seq parts).
_S9 = ["XADD s 1-1 a 1", "XADD s 1-2 b 2", "XADD s 2-0 c 3", "XADD s 3-5 d 4", "XADD s 5-0 e 5 f 6",
       "XADD s 6-0 g 7", "XADD s 7-1 h 8", "XADD s 8-0 i 9", "XADD s 9-0 j 10"]

STREAM_CASES: list[tuple[str, list]] = [
    ("stream-xadd-ids", [
        "XADD s 1-1 f v", "XADD s 1-1 f v", "XADD s 1-0 f v", "XADD s 0-5 f v", "XADD s 1-* f v", "XADD s 1-* g w",
        "XADD s 2-* f v", "XADD s 5 f v", "XADD s 5 f v", "XADD s 6-0 a 1 b 2 c 3", "XLEN s", "TYPE s",
        "OBJECT ENCODING s",
        "XADD s abc f v", "XADD s 7-x f v", "XADD s 7-1-1 f v", "XADD s -7 f v", "XADD s 7- f v", "XADD s -1 f v",
        "XADD s 18446744073709551616-0 f v", "XADD s 7-18446744073709551616 f v", "XADD s *-1 f v", "XADD s 0x10 f v",
        "XADD s ' 7' f v", "XADD s 8-* f", "XADD s 8-0 f v g", "XADD s 8-0", "XADD s", "XLEN s",
        # 0-0 is never a valid id; 0-1 is the smallest.
        "XADD z 0-0 f v", "EXISTS z", "XADD z 0-* f v", "XADD z 0-* f v", "XADD y 0-1 f v", "XADD x 0 f v",
        # The last possible id, then every new id (even '*') is refused.
        "XADD m 18446744073709551615-18446744073709551614 f v", "XADD m 18446744073709551615-* f v",
        "XADD m 18446744073709551615-* f v", "XADD m * f v", "XADD m 18446744073709551615-18446744073709551615 f v",
        "XADD m2 18446744073709551615-* f v", "XADD m3 18446744073709551615 f v",
        # NOMKSTREAM
        "XADD nokey NOMKSTREAM 1-1 f v", "EXISTS nokey", "XADD s NOMKSTREAM 10-0 f v", "XADD nokey NOMKSTREAM 0-0 f v",
        "XADD nokey NOMKSTREAM abc f v", "XADD s nomkstream 11-0 '' ''", ["XADD", "s", "12-0", b"\x00\xff", b"\r\n"],
        "XRANGE s 10 +", "XLEN nokey", "XLEN s extra", "XLEN",
        "SET str v", "XADD str 1-1 f v", "XADD str NOMKSTREAM 1-1 f v", "XLEN str",
    ]),
    ("stream-xadd-trim", [
        "CONFIG SET stream-node-max-entries 4", *_S9,
        "XADD s MAXLEN 7 10-0 k 11", "XLEN s", "XRANGE s - +", "XADD s MAXLEN = 5 11-0 l 12", "XRANGE s - + COUNT 1",
        "XADD s MAXLEN ~ 2 12-0 m 13", "XLEN s", "XRANGE s - +", "XADD s MAXLEN ~ 2 LIMIT 1 13-0 n 14", "XLEN s",
        "XADD s MINID 10 14-0 o 15", "XRANGE s - +", "XADD s MINID = 12-0 15-0 p 16", "XRANGE s - + COUNT 1",
        "XADD s MINID ~ 100 16-0 q 17", "XLEN s", "XADD s MAXLEN 0 17-0 r 18", "XLEN s", "EXISTS s", "XADD s 16-0 x y",
        "XADD s maxlen 1 minid 1 18-0 a b", "XADD s MAXLEN 1 LIMIT 10 18-0 a b", "XADD s MAXLEN = 1 LIMIT 10 18-0 a b",
        "XADD s MAXLEN ~ 1 LIMIT -1 18-0 a b", "XADD s MAXLEN ~ 1 LIMIT x 18-0 a b", "XADD s MAXLEN -1 18-0 a b",
        "XADD s MAXLEN x 18-0 a b", "XADD s MAXLEN 18-0 a b", "XADD s MINID abc 18-0 a b", "XADD s MAXLEN",
        "XADD s MAXLEN ~ 1 LIMIT 0 18-0 a b", "XLEN s",
        # XTRIM
        "DEL s", *_S9, "XTRIM s MAXLEN 7", "XRANGE s - + COUNT 1", "XTRIM s MAXLEN = 7", "XTRIM s MAXLEN ~ 4", "XLEN s",
        "XTRIM s MAXLEN ~ 4 LIMIT 1", "XTRIM s MINID 7", "XRANGE s - +", "XTRIM s MINID ~ 9", "XTRIM s MINID = 8-0",
        "XTRIM s MAXLEN 0", "XLEN s", "EXISTS s", "XTRIM s MAXLEN 0", "XTRIM nokey MAXLEN 0", "EXISTS nokey",
        "XTRIM s MAXLEN -1", "XTRIM s FOO 1", "XTRIM s MAXLEN 1 MINID 1", "XTRIM s MAXLEN 1 LIMIT 5", "XTRIM s MINID x",
        "XTRIM s", "XTRIM s MAXLEN", "XTRIM s MAXLEN 1 1", "XTRIM s maxlen ~ 0 limit 0",
        "SET str v", "XTRIM str MAXLEN 1", "CONFIG SET stream-node-max-entries 100",
    ]),
    ("stream-range", [
        *_S9, "XRANGE s - +", "XRANGE s - + COUNT 2", "XRANGE s - + COUNT 0", "XRANGE s - + COUNT -1", "XRANGE s 2 3",
        "XRANGE s 1 1", "XRANGE s 1-2 1-2", "XRANGE s (1-1 (3-5", "XRANGE s (1 +", "XRANGE s - (5",
        "XRANGE s (1-2 (2-0",
        "XRANGE s 5 1", "XRANGE s 3-6 4", "XRANGE s 9-0 +", "XRANGE s (9-0 +", "XRANGE s - (1-1", "XRANGE s 0 0",
        "XRANGE s 0-0 18446744073709551615-18446744073709551615", "XRANGE s - + COUNT 1 COUNT 3",
        "XREVRANGE s + -", "XREVRANGE s + - COUNT 1", "XREVRANGE s (9 - COUNT 2", "XREVRANGE s 5 3",
        "XREVRANGE s (5 (3-5",
        "XREVRANGE s 3 5", "XREVRANGE s 1 -", "XREVRANGE s + (8-0",
        "XRANGE s (18446744073709551615-18446744073709551615 +", "XRANGE s - (0-0", "XRANGE s - (-",
        "XREVRANGE s (0-0 -", "XREVRANGE s + (18446744073709551615-18446744073709551615", "XRANGE s (+ +",
        "XRANGE s abc +", "XRANGE s - abc", "XRANGE s ( +", "XRANGE s - + COUNT", "XRANGE s - + COUNT x",
        "XRANGE s - + FOO 1",
        "XRANGE s -", "XRANGE nokey - +", "XREVRANGE nokey + -", "XRANGE nokey abc +",
        "XRANGE s 1-18446744073709551616 +",
        "SET str v", "XRANGE str - +", "XREVRANGE str + -",
    ]),
    ("stream-xdel-xsetid-xinfo", [
        *_S9, "XDEL s 2-0 99-0 3-5 2-0", "XDEL s 1", "XDEL s 1-1", "XLEN s", "XDEL s abc", "XDEL s 1-2 abc", "XLEN s",
        "XDEL nokey 1-1", "XDEL s", "XDEL nokey abc", Timed("XINFO STREAM s"),
        "XDEL s 9-0", Timed("XINFO STREAM s"), "XADD s 9-0 f v", "XADD s 9-1 f v",
        # XSETID
        "XSETID s 100-0", Timed("XINFO STREAM s"), "XADD s 50-0 f v", "XSETID s 9-0", "XSETID s 9-1", "XSETID s 100-0",
        "XSETID s 99-0", "XSETID s 200-0 ENTRIESADDED 1", "XSETID s 200-0 ENTRIESADDED 20 MAXDELETEDID 300-0",
        "XSETID s 200-0 ENTRIESADDED -1", "XSETID s 200-0 ENTRIESADDED x", "XSETID s 200-0 MAXDELETEDID abc",
        "XSETID s 200-0 ENTRIESADDED 20 MAXDELETEDID 150-0", Timed("XINFO STREAM s"), "XSETID s 200-0 FOO 1",
        "XSETID s 200-0 ENTRIESADDED", "XSETID s abc", "XSETID nokey 1-1", "XSETID s", "XSETID s 1",
        "XSETID s 200-0 ENTRIESADDED 19", "XSETID s 200-0 ENTRIESADDED 50 MAXDELETEDID 0-0",
        "XSETID s 18446744073709551615-18446744073709551615", "XADD s 1-1 f v",
        # An empty stream can move its last id anywhere up; a key of another type cannot.
        "XADD e 5-0 f v", "XDEL e 5-0", "XSETID e 3-0", "XSETID e 5-0", "XSETID e 7-0", "XSETID e 0-0 ENTRIESADDED 1",
        Timed("XINFO STREAM e"), "XADD e 6-0 f v", "XADD e 7-1 f v", Timed("XINFO STREAM e"),
        "SET str v", "XDEL str 1-1", "XSETID str 1-1", "XINFO STREAM str", "XINFO STREAM nokey", "XINFO STREAM s FOO",
        "XINFO STREAM s FULL COUNT x", "XINFO STREAM s FULL COUNT", "XINFO", "XINFO FOO", "XINFO STREAM", "XINFO HELP",
    ]),
    ("stream-xread", [
        *_S9[:4], "XADD t 1-0 x y", "XREAD STREAMS s 0", "XREAD COUNT 1 STREAMS s 0", "XREAD COUNT 2 STREAMS s 1-1",
        "XREAD STREAMS s 2", "XREAD STREAMS s $", "XREAD STREAMS s 3-5", "XREAD STREAMS s 99-0",
        "XREAD STREAMS s t 0 0",
        "XREAD COUNT 1 STREAMS s t 1-2 0-5", "XREAD STREAMS s nokey t 0 0 0", "XREAD STREAMS nokey 0",
        "XREAD STREAMS nokey $", "XREAD STREAMS s +", "XREAD STREAMS s -", "XREAD STREAMS s 0-0",
        "XREAD COUNT 0 STREAMS s 0", "XREAD COUNT -1 STREAMS s 0", "XREAD count 1 streams s 0",
        "XREAD BLOCK 10 STREAMS s 0", "XREAD BLOCK 10 COUNT 1 STREAMS s 1-2", "XREAD BLOCK 10 STREAMS s $",
        "XREAD BLOCK 10 STREAMS nokey 0",
        "XREAD STREAMS s", "XREAD STREAMS s t 0", "XREAD COUNT x STREAMS s 0", "XREAD BLOCK x STREAMS s 0",
        "XREAD BLOCK -1 STREAMS s 0", "XREAD STREAMS", "XREAD COUNT 1", "XREAD FOO STREAMS s 0", "XREAD s 0",
        "XREAD GROUP g c STREAMS s 0", "XREAD NOACK STREAMS s 0", "XREAD STREAMS s abc", "XREAD STREAMS s >",
        "XREAD COUNT 1 COUNT 2 STREAMS s 0", "XREAD STREAMS s s 0 2",
        "SET str v", "XREAD STREAMS str 0", "XREAD STREAMS s str 0 0", "XREAD STREAMS nokey str 0 $",
        "COMMAND GETKEYS XREAD COUNT 1 STREAMS a b 0 0",
    ]),
    ("stream-groups", [
        *_S9[:5], "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE s g2 $", "XGROUP CREATE s g3 2-0",
        "XGROUP CREATE s g4 0 ENTRIESREAD 2", "XGROUP CREATE s g5 $ ENTRIESREAD -1",
        "XGROUP CREATE s g6 $ ENTRIESREAD -2",
        "XGROUP CREATE s g6 $ ENTRIESREAD x", "XGROUP CREATE s g6 99-0", "XGROUP CREATE s g7 abc",
        "XGROUP CREATE s g7 0 FOO",
        "XGROUP CREATE s g7 0 MKSTREAM", "XINFO GROUPS s",
        "XGROUP CREATE nokey g $", "XGROUP CREATE nokey g $ MKSTREAM", "XLEN nokey", Timed("XINFO STREAM nokey"),
        "XINFO GROUPS nokey", "XGROUP CREATE nokey2 g 5-0 MKSTREAM ENTRIESREAD 3", "XINFO GROUPS nokey2",
        # SETID, CREATECONSUMER, DELCONSUMER, DESTROY
        "XGROUP SETID s g 3-5", "XGROUP SETID s g $ ENTRIESREAD 5", "XGROUP SETID s g 0 ENTRIESREAD 0",
        "XGROUP SETID s nog 0", "XGROUP SETID nokey3 g 0", "XGROUP SETID s g abc", "XGROUP SETID s g 0 ENTRIESREAD -3",
        "XGROUP SETID s g 0 FOO", "XINFO GROUPS s",
        "XGROUP CREATECONSUMER s g alice", "XGROUP CREATECONSUMER s g alice", "XGROUP CREATECONSUMER s nog alice",
        "XGROUP CREATECONSUMER nokey3 g alice", "XGROUP CREATECONSUMER s g bob", Timed("XINFO CONSUMERS s g"),
        "XGROUP DELCONSUMER s g bob", "XGROUP DELCONSUMER s g bob", "XGROUP DELCONSUMER s nog bob",
        "XGROUP DESTROY s g2", "XGROUP DESTROY s g2", "XGROUP DESTROY nokey3 g", "XINFO GROUPS s",
        "XGROUP", "XGROUP FOO", "XGROUP CREATE s", "XGROUP CREATE s g", "XGROUP SETID s g", "XGROUP DESTROY s",
        "XGROUP CREATECONSUMER s g", "XGROUP DELCONSUMER s g", "XGROUP HELP", "xgroup help",
        "SET str v", "XGROUP CREATE str g 0", "XGROUP CREATE str g 0 MKSTREAM", "XGROUP DESTROY str g",
        "XINFO GROUPS str",
        "XINFO CONSUMERS s nog", "XINFO CONSUMERS nokey3 g", "XINFO CONSUMERS str g",
    ]),
    ("stream-readgroup-ack-pending", [
        *_S9[:6], "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s 0",
        "XREADGROUP GROUP g bob COUNT 1 STREAMS s >", "XREADGROUP GROUP g bob NOACK COUNT 1 STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s 1-1", "XREADGROUP GROUP g carol STREAMS s 0", "XPENDING s g",
        Timed("XPENDING s g - + 10"), Timed("XPENDING s g - + 10 alice"), "XPENDING s g - + 10 nobody",
        Timed("XPENDING s g (1-1 + 1"), "XPENDING s g IDLE 100000000 - + 10", Timed("XPENDING s g IDLE 0 - + 10 bob"),
        "XPENDING s g - + 0", "XPENDING s g - + -1", "XPENDING s g - + x", "XPENDING s g abc + 10", "XPENDING s g - +",
        "XPENDING s g IDLE 10", "XPENDING s g IDLE x - + 1", "XPENDING s nog", "XPENDING nokey g", "XPENDING s",
        "XINFO GROUPS s", Timed("XINFO CONSUMERS s g"),
        # XACK
        "XACK s g 1-1 1-2", "XACK s g 1-1", "XACK s g 99-0", "XACK s g 2-0 abc", "XACK s nog 2-0", "XACK nokey g 1-1",
        "XACK s g", "XPENDING s g", "XREADGROUP GROUP g alice STREAMS s 0",
        # The rest of the stream, then nothing new; a deleted pending entry reads back as nil.
        "XREADGROUP GROUP g alice STREAMS s >", "XREADGROUP GROUP g alice STREAMS s >", "XDEL s 2-0",
        "XREADGROUP GROUP g bob STREAMS s 0", "XPENDING s g", "XINFO GROUPS s",
        "XREADGROUP GROUP g alice BLOCK 10 STREAMS s >", "XREADGROUP GROUP g alice BLOCK 10 STREAMS s 0",
        "XADD s 7-0 z z", "XREADGROUP GROUP g alice BLOCK 10 STREAMS s >", "XGROUP CREATECONSUMER s g alice",
        Timed("XINFO CONSUMERS s g"), "XGROUP DELCONSUMER s g alice", "XPENDING s g",
        # Errors.
        "XREADGROUP GROUP nog alice STREAMS s >", "XREADGROUP GROUP g alice STREAMS nokey >",
        "XREADGROUP GROUP g alice STREAMS s $", "XREADGROUP GROUP g alice STREAMS s", "XREADGROUP GROUP g STREAMS s >",
        "XREADGROUP STREAMS s >", "XREADGROUP GROUP g alice COUNT x STREAMS s >",
        "XREADGROUP GROUP g alice STREAMS s abc",
        "XREADGROUP GROUP g alice STREAMS s +", "XREADGROUP GROUP g alice FOO STREAMS s >", "XREADGROUP",
        "XREADGROUP GROUP g alice STREAMS s t > >", "SET str v", "XREADGROUP GROUP g alice STREAMS str >",
        "XACK str g 1-1", "XPENDING str g",
        "COMMAND GETKEYS XREADGROUP GROUP g c COUNT 1 STREAMS a b > >",
    ]),
    ("stream-claim-autoclaim", [
        *_S9[:6], "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice STREAMS s >",
        "XCLAIM s g bob 0 1-1 1-2 JUSTID", "XCLAIM s g bob 0 2-0", "XCLAIM s g bob 100000000 3-5 JUSTID",
        "XCLAIM s g bob 0 99-0 JUSTID", "XCLAIM s g bob 0 99-0 FORCE JUSTID",
        "XCLAIM s g bob 0 1-1 RETRYCOUNT 7 JUSTID",
        "XCLAIM s g carol 0 3-5 IDLE 5000 JUSTID", "XCLAIM s g carol 0 5-0 TIME 1 RETRYCOUNT 2",
        "XCLAIM s g carol 0 6-0 JUSTID LASTID 50-0", "XINFO GROUPS s", "XPENDING s g",
        Timed("XPENDING s g - + 20"), Timed("XPENDING s g - + 20 carol"),
        "XCLAIM s g bob 0 1-1 RETRYCOUNT -1", "XCLAIM s g bob x 1-1", "XCLAIM s g bob -1 1-1 JUSTID",
        "XCLAIM s g bob 0 abc",
        "XCLAIM s g bob 0 1-1 IDLE x", "XCLAIM s g bob 0 1-1 TIME x", "XCLAIM s g bob 0 1-1 LASTID abc",
        "XCLAIM s g bob 0 1-1 FOO", "XCLAIM s nog bob 0 1-1", "XCLAIM nokey g bob 0 1-1", "XCLAIM s g bob 0",
        # XAUTOCLAIM: [next cursor, claimed, deleted ids].
        "XAUTOCLAIM s g dave 0 0 COUNT 2 JUSTID", "XAUTOCLAIM s g dave 0 1-2 COUNT 2 JUSTID",
        "XAUTOCLAIM s g dave 0 0 JUSTID",
        "XAUTOCLAIM s g dave 100000000 0 JUSTID", "XAUTOCLAIM s g erin 0 (1-1 COUNT 1", "XDEL s 2-0 3-5",
        "XAUTOCLAIM s g dave 0 0 COUNT 10", "XPENDING s g", "XAUTOCLAIM s g dave 0 0 JUSTID", "XDEL s 6-0",
        "XAUTOCLAIM s g dave 0 0 JUSTID", "XAUTOCLAIM s g dave 0 99-0 JUSTID",
        "XAUTOCLAIM s g dave 0 0 COUNT 0", "XAUTOCLAIM s g dave 0 0 COUNT -1", "XAUTOCLAIM s g dave 0 0 COUNT x",
        "XAUTOCLAIM s g dave 0 0 COUNT 1073741824", "XAUTOCLAIM s g dave 0 0 FOO", "XAUTOCLAIM s g dave x 0",
        "XAUTOCLAIM s g dave 0 abc", "XAUTOCLAIM s nog dave 0 0", "XAUTOCLAIM nokey g dave 0 0",
        "XAUTOCLAIM s g dave 0",
        "SET str v", "XCLAIM str g bob 0 1-1", "XAUTOCLAIM str g bob 0 0", Timed("XINFO CONSUMERS s g"),
    ]),
    ("stream-lag-and-full-info", [
        *_S9[:5], "XGROUP CREATE s g 0", "XGROUP CREATE s late $", "XGROUP CREATE s mid 2-0", "XINFO GROUPS s",
        "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "XINFO GROUPS s", "XDEL s 5-0", "XINFO GROUPS s", "XDEL s 1-2",
        "XINFO GROUPS s", "XREADGROUP GROUP g c STREAMS s >", "XINFO GROUPS s", "XADD s 10-0 k v", "XINFO GROUPS s",
        "XGROUP SETID s g 0 ENTRIESREAD 0", "XINFO GROUPS s", "XTRIM s MAXLEN 1", "XINFO GROUPS s",
        Timed("XINFO STREAM s FULL"), Timed("XINFO STREAM s FULL COUNT 1"), Timed("XINFO STREAM s FULL COUNT 0"),
        "XREADGROUP GROUP mid c2 STREAMS s 0", "XREADGROUP GROUP mid c2 NOACK STREAMS s >",
        Timed("XINFO STREAM s FULL"), Timed("XINFO STREAM s"), "XDEL s 10-0", Timed("XINFO STREAM s"),
        Timed("XINFO STREAM s FULL"), "XADD e 1-1 a b", "XGROUP CREATE e g 0", Timed("XINFO STREAM e FULL"),
        "XGROUP CREATE empty g $ MKSTREAM", Timed("XINFO STREAM empty"), Timed("XINFO STREAM empty FULL"),
        "DEL s", "EXISTS s", "RENAME e e2", "XINFO GROUPS e2", "COPY e2 e3", "XINFO GROUPS e3",
    ]),
    ("stream-big-and-misc", [
        "CONFIG SET stream-node-max-entries 5",
        "XADD big 1-1 " + " ".join(f"f{i} v{i}" for i in range(10)),
        *[["XADD", "big", f"{i}-0", f"f{i % 3}", "x" * (i % 7)] for i in range(2, 40)],
        "XLEN big", Timed("XINFO STREAM big"), "XRANGE big 10 15", "XREVRANGE big 30 25 COUNT 3",
        "XDEL big 5-0 6-0 20-0",
        "XRANGE big 4 8", "XTRIM big MAXLEN ~ 20", "XLEN big", "XTRIM big MINID ~ 25", "XLEN big",
        "XTRIM big MAXLEN = 10", "XRANGE big - + COUNT 2", "XREAD COUNT 3 STREAMS big 31", Timed("XINFO STREAM big"),
        "CONFIG SET stream-node-max-entries 0", "XADD big 50-0 a b", "XLEN big",
        "CONFIG SET stream-node-max-entries 100",
        "CONFIG GET stream-node-max-bytes", "CONFIG SET stream-node-max-entries -1",
        "MULTI", "XADD t 1-1 a b", "XADD t 1-1 a b", "XLEN t", "EXEC", "XGROUP CREATE t g 0",
        "MULTI", "XREADGROUP GROUP g c STREAMS t >", "XACK t g 1-1", "EXEC",
        "XADD u 1-1 a b", "EXPIRE u 100", "XADD u 2-0 c d", Approx("TTL u", 1), "XTRIM u MAXLEN 0", Approx("TTL u", 1),
        "COMMAND GETKEYS XADD k 1-1 a b", "COMMAND GETKEYS XGROUP CREATE k g $",
    ]),
]
