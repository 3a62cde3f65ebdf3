// LZF compression in the liblzf 3.6 stream format, which Redis uses for RDB strings
// longer than 20 bytes (`rdbSaveLzfStringObject`, type byte 0xC3). The format is a
// sequence of items, each starting with a control byte:
//   000LLLLL              literal run of L+1 (1...32) bytes that follow
//   LLLooooo oooooooo     back-reference: copy L+2 (3...8) bytes from `out - offset - 1`
//   111ooooo LLLLLLLL ooooooo  long back-reference: copy L+7+2 (9...264) bytes
// where the offset has 13 bits (1...8192 bytes back). A back-reference may overlap the
// bytes it produces (offset 0 repeats the previous byte), which is how runs compress.
// The compressor is written here; it follows liblzf's greedy parse so its output for a
// given input is the same bytes Redis would write (only decodability is required, but
// identical output makes whole-file comparisons with real Redis possible).

// MARK: - Format limits

@usableFromInline let lzfMaxLiteral = 32          // bytes per literal run
@usableFromInline let lzfMaxOffset = 1 << 13      // distance limit of a back-reference
@usableFromInline let lzfMaxMatch = 264           // bytes per back-reference (L <= 7 + 255, plus 2)

// MARK: - Compressor

/// A reusable LZF compressor. It makes the same greedy choices as liblzf 3.6 as Redis
/// builds it (HLOG 16, VERY_FAST): the same 3-byte hash slot, a single probe, matches
/// never referring to input position 0, the same match-length cap near the end of the
/// input, re-indexing the last two positions of each match, and the same "does it still
/// fit" tests. So for a given input the output (and the decision to give up) matches what
/// Redis writes, which lets tests compare whole RDB files byte for byte.
/// The position table is never cleared: each call stamps positions relative to a running
/// base, so entries left by earlier inputs are recognisably stale (liblzf instead leaves
/// its table uninitialised). That keeps compressing millions of short values cheap.
/// Not thread-safe: give each thread its own instance.
public final class LZFCompressor {
    private static let hashBits = 16
    private let table: UnsafeMutablePointer<UInt32>
    /// Stamp of position 0 of the current input; stored entries below it are stale.
    private var base: UInt32 = 1

    public init() {
        let size = 1 << LZFCompressor.hashBits
        table = .allocate(capacity: size)
        table.initialize(repeating: 0, count: size)
    }

    deinit { table.deallocate() }

    /// Compresses `input` into `out`. Returns the compressed length, or 0 when the result
    /// would not fit in `out` (callers size `out` below the input length, so 0 also
    /// means "compression does not pay"), or when either buffer is empty.
    public func compress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        let n = input.count
        guard n > 0, out.count > 0, let src = input.baseAddress, let dst = out.baseAddress else { return 0 }
        // Restart stamping before positions could overflow 32 bits.
        if n >= Int(UInt32.max) - Int(base) - 1 {
            if n >= Int(UInt32.max) - 2 { return 0 }
            table.update(repeating: 0, count: 1 << LZFCompressor.hashBits)
            base = 1
        }
        let stamp = base
        base += UInt32(n) + 1
        let inp = src.assumingMemoryBound(to: UInt8.self)
        let o = dst.assumingMemoryBound(to: UInt8.self)
        let outEnd = out.count
        let mask = UInt32((1 << LZFCompressor.hashBits) - 1)

        /// liblzf's slot for the 3 bytes at i: ((h >> (24 - HLOG)) - h * 5) masked, h = b0<<16|b1<<8|b2.
        @inline(__always) func slot(_ i: Int) -> Int {
            let h = UInt32(inp[i]) << 16 | UInt32(inp[i + 1]) << 8 | UInt32(inp[i + 2])
            return Int(((h >> UInt32(24 - LZFCompressor.hashBits)) &- h &* 5) & mask)
        }

        var ip = 0
        var op = 1      // slot 0 is reserved for the control byte of the first literal run
        var lit = 0     // bytes in the open literal run; its control byte is at op - lit - 1
        while ip + 2 < n {
            let h = slot(ip)
            let entry = table[h]
            table[h] = stamp &+ UInt32(ip)
            if entry > stamp {     // > rather than >=: like liblzf, never reference position 0
                let ref = Int(entry &- stamp)
                let off = ip - ref - 1
                if off < lzfMaxOffset && inp[ref] == inp[ip] && inp[ref + 1] == inp[ip + 1] && inp[ref + 2] == inp[ip + 2] {
                    // Conservative room test for "close run + up to 3 bytes + next control byte".
                    if op - (lit == 0 ? 1 : 0) + 4 >= outEnd { return 0 }
                    // Match length, capped two bytes before the end of the input and at 264.
                    let maxLen = min(n - ip - 2, lzfMaxMatch)
                    var len = 2
                    var mismatch = false
                    if maxLen > 16 {
                        for _ in 0..<16 {
                            len += 1
                            if inp[ref + len] != inp[ip + len] { mismatch = true; break }
                        }
                    }
                    if !mismatch {
                        repeat { len += 1 } while len < maxLen && inp[ref + len] == inp[ip + len]
                    }
                    // Close the literal run (or drop its unused control slot), then emit the reference.
                    if lit > 0 { o[op - lit - 1] = UInt8(lit - 1) } else { op -= 1 }
                    let l = len - 2
                    if l < 7 {
                        o[op] = UInt8(l << 5 | off >> 8)
                        op += 1
                    } else {
                        o[op] = UInt8(7 << 5 | off >> 8)
                        o[op + 1] = UInt8(l - 7)
                        op += 2
                    }
                    o[op] = UInt8(off & 0xff)
                    op += 1
                    lit = 0
                    op += 1     // reserve the next literal control byte
                    ip += len
                    if ip + 2 >= n { break }
                    // Index the last two positions of the match so the next repeat can find it.
                    table[slot(ip - 2)] = stamp &+ UInt32(ip - 2)
                    table[slot(ip - 1)] = stamp &+ UInt32(ip - 1)
                    continue
                }
            }
            if op >= outEnd { return 0 }
            o[op] = inp[ip]
            op += 1
            ip += 1
            lit += 1
            if lit == lzfMaxLiteral {
                o[op - lit - 1] = UInt8(lit - 1)
                lit = 0
                op += 1
            }
        }
        // At most two input bytes remain (plus a possible control byte).
        if op + 3 > outEnd { return 0 }
        while ip < n {
            o[op] = inp[ip]
            op += 1
            ip += 1
            lit += 1
            if lit == lzfMaxLiteral {
                o[op - lit - 1] = UInt8(lit - 1)
                lit = 0
                op += 1
            }
        }
        if lit > 0 { o[op - lit - 1] = UInt8(lit - 1) } else { op -= 1 }
        return op
    }
}

// MARK: - Namespace API

public enum LZF {
    /// One-shot compression with a temporary compressor. Prefer a long-lived
    /// `LZFCompressor` when compressing many values. Returns 0 if the output does not fit.
    public static func compress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int {
        LZFCompressor().compress(input, into: out)
    }

    /// Decompresses a liblzf stream. Returns the decompressed length, or nil if the
    /// stream is malformed (truncated item, reference before the start of the output)
    /// or does not fit in `out`. Redis treats any length other than the stored one as corruption.
    public static func decompress(_ input: UnsafeRawBufferPointer, into out: UnsafeMutableRawBufferPointer) -> Int? {
        let n = input.count
        if n == 0 { return 0 }
        guard let src = input.baseAddress else { return nil }
        let inp = src.assumingMemoryBound(to: UInt8.self)
        let outEnd = out.count
        guard let dst = out.baseAddress else { return nil }
        let o = dst.assumingMemoryBound(to: UInt8.self)
        var ip = 0
        var op = 0
        while ip < n {
            let ctrl = Int(inp[ip])
            ip += 1
            if ctrl < 32 {
                let run = ctrl + 1
                if ip + run > n || op + run > outEnd { return nil }
                (o + op).update(from: inp + ip, count: run)
                ip += run
                op += run
            } else {
                var len = ctrl >> 5
                if len == 7 {
                    if ip >= n { return nil }
                    len += Int(inp[ip])
                    ip += 1
                }
                if ip >= n { return nil }
                let ref = op - ((ctrl & 0x1f) << 8) - Int(inp[ip]) - 1
                ip += 1
                len += 2
                if ref < 0 || op + len > outEnd { return nil }
                if op - ref >= len {
                    (o + op).update(from: o + ref, count: len)
                } else {
                    // Overlapping reference: byte order matters, copy forward one at a time.
                    for i in 0..<len { o[op + i] = o[ref + i] }
                }
                op += len
            }
        }
        return op
    }
}
