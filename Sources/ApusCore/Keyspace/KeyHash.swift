// KeyHash: the seeded 64-bit byte hash used by every keyspace table, plus a tiny
// non-cryptographic PRNG for random sampling (RANDOMKEY, active expiry, SPOP-style
// picks). The hash follows the wyhash construction (128-bit multiply-and-fold over
// 16/48-byte strides), written here from the published algorithm; it plays the role
// of Redis's SipHash-1-2 `dictGenHashFunction`: a per-process random seed makes
// bucket placement unpredictable to clients (hash-flooding resistance is best effort,
// as in Redis with its seeded hash).

import Glibc

public enum KeyHash {
    /// Process-wide seed. Set it once at startup, before any key is stored: every
    /// table hashes with it, so changing it later would lose existing keys.
    public static var seed: UInt64 = 0x9E37_79B9_7F4A_7C15

    // The four wyhash mixing primes.
    @usableFromInline static let p0: UInt64 = 0x2d35_8dcc_aa6c_78a5
    @usableFromInline static let p1: UInt64 = 0x8bb8_4b93_962e_acc9
    @usableFromInline static let p2: UInt64 = 0x4b33_a62e_d433_d4a3
    @usableFromInline static let p3: UInt64 = 0x4d5a_2da5_1de1_aa47

    /// Replaces the seed with kernel randomness (the stdlib system generator). Call
    /// before creating keys.
    public static func randomizeSeed() {
        var g = SystemRandomNumberGenerator()
        let s = g.next()
        if s != 0 { seed = s }
        FastRandom.seed(s ^ 0xA076_1D64_78BD_642F)
    }

    @inline(__always) @usableFromInline
    static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always) @usableFromInline
    static func r8(_ p: UnsafeRawPointer, _ off: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt64.self))
    }

    @inline(__always) @usableFromInline
    static func r4(_ p: UnsafeRawPointer, _ off: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: off, as: UInt32.self)))
    }

    /// Hashes `len` bytes at `p` with the process seed.
    @inline(__always)
    public static func hash(_ p: UnsafeRawPointer?, count len: Int) -> UInt64 {
        var s = seed ^ mum(seed ^ p0, p1)
        var a: UInt64 = 0
        var b: UInt64 = 0
        if len <= 16 {
            if let p = p, len >= 4 {
                let q = (len >> 3) << 2
                a = (r4(p, 0) << 32) | r4(p, q)
                b = (r4(p, len - 4) << 32) | r4(p, len - 4 - q)
            } else if let p = p, len > 0 {
                let b0 = UInt64(p.load(fromByteOffset: 0, as: UInt8.self))
                let b1 = UInt64(p.load(fromByteOffset: len >> 1, as: UInt8.self))
                let b2 = UInt64(p.load(fromByteOffset: len - 1, as: UInt8.self))
                a = (b0 << 16) | (b1 << 8) | b2
            }
        } else {
            let p = p.unsafelyUnwrapped
            var i = len
            var off = 0
            if i > 48 {
                var s1 = s
                var s2 = s
                repeat {
                    s = mum(r8(p, off) ^ p1, r8(p, off + 8) ^ s)
                    s1 = mum(r8(p, off + 16) ^ p2, r8(p, off + 24) ^ s1)
                    s2 = mum(r8(p, off + 32) ^ p3, r8(p, off + 40) ^ s2)
                    off += 48
                    i -= 48
                } while i > 48
                s ^= s1 ^ s2
            }
            while i > 16 {
                s = mum(r8(p, off) ^ p1, r8(p, off + 8) ^ s)
                off += 16
                i -= 16
            }
            a = r8(p, len - 16)
            b = r8(p, len - 8)
        }
        a ^= p1
        b ^= s
        let m = a.multipliedFullWidth(by: b)
        return mum(m.low ^ p0 ^ UInt64(truncatingIfNeeded: len), m.high ^ p1)
    }

    /// Hashes the bytes of `buf` with the process seed.
    @inline(__always)
    public static func hash(_ buf: UnsafeRawBufferPointer) -> UInt64 {
        hash(buf.baseAddress, count: buf.count)
    }
}

/// wyrand: a 64-bit PRNG that is fast enough to call per sampled bucket. Not for
/// anything security related; only for fair-ish random picks.
public enum FastRandom {
    @usableFromInline static var state: UInt64 = 0x1234_5678_9ABC_DEF1

    public static func seed(_ s: UInt64) { state = s | 1 }

    @inline(__always)
    public static func next() -> UInt64 {
        state &+= 0xA076_1D64_78BD_642F
        let m = state.multipliedFullWidth(by: state ^ 0xE703_7ED1_A0B4_28DB)
        return m.high ^ m.low
    }

    /// Uniform-enough value in 0..<n (n > 0), via the multiply-shift reduction.
    @inline(__always)
    public static func below(_ n: Int) -> Int {
        Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(n)).high)
    }
}
