// Glob-style pattern matching for KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET and ACL
// patterns. Mirrors Redis 7.0 `stringmatchlen` byte for byte: `*`, `?`, `[...]` with
// `^` negation, ranges (either order) and `\` escapes, a trailing or unterminated `[`
// treated as a class that ends at the end of the pattern, and C's signed-`char`
// arithmetic inside ranges (so bytes >= 0x80 sort *below* ASCII in a range, exactly as
// on x86-64 Redis). The "skip longer matches" short-circuit that Redis 7.0 added
// (CVE-2022-36021) keeps patterns such as `a*a*a*a*...b` linear-ish instead of
// exponential.

public enum Glob {
    // MARK: - Public API

    /// Returns whether `string` matches the glob `pattern`, with Redis `stringmatchlen`
    /// semantics. `nocase` folds ASCII letters only (C locale `tolower`).
    @inlinable
    public static func match(_ pattern: UnsafeRawBufferPointer, _ string: UnsafeRawBufferPointer,
                             nocase: Bool) -> Bool {
        var skipLonger = false
        return matchImpl(pattern.baseAddress, pattern.count, 0,
                         string.baseAddress, string.count, 0, nocase, &skipLonger)
    }

    /// `[UInt8]` convenience for `match(_:_:nocase:)`.
    public static func match(_ pattern: [UInt8], _ string: [UInt8], nocase: Bool = false) -> Bool {
        pattern.withUnsafeBytes { p in string.withUnsafeBytes { s in match(p, s, nocase: nocase) } }
    }

    /// Pattern over bytes, subject as a Swift string (config names, command names).
    public static func match(_ pattern: [UInt8], _ string: String, nocase: Bool = false) -> Bool {
        var s = string
        return s.withUTF8 { su in
            pattern.withUnsafeBytes { p in match(p, UnsafeRawBufferPointer(su), nocase: nocase) }
        }
    }

    // MARK: - Implementation

    /// Byte at `i`, or 0 past the end: Redis patterns are NUL-terminated sds strings and
    /// `stringmatchlen` peeks one byte beyond the pattern in several places.
    @inline(__always) @usableFromInline
    static func at(_ p: UnsafeRawPointer?, _ len: Int, _ i: Int) -> UInt8 {
        i < len ? p.unsafelyUnwrapped.load(fromByteOffset: i, as: UInt8.self) : 0
    }

    /// C `tolower((int)(char)b)` in the C locale: the byte is sign-extended first.
    @inline(__always) @usableFromInline
    static func lower(_ b: UInt8) -> Int32 {
        (b >= 0x41 && b <= 0x5A) ? Int32(b) + 32 : Int32(Int8(bitPattern: b))
    }

    /// Recursive matcher. `pi`/`si` are cursors into the pattern/subject; `skipLonger` is
    /// shared across the whole recursion tree like Redis's `*skipLongerMatches`.
    @usableFromInline
    static func matchImpl(_ pat: UnsafeRawPointer?, _ plen: Int, _ pStart: Int,
                          _ str: UnsafeRawPointer?, _ slen: Int, _ sStart: Int,
                          _ nocase: Bool, _ skipLonger: inout Bool) -> Bool {
        var pi = pStart
        var si = sStart
        while pi < plen && si < slen {
            let pc = at(pat, plen, pi)
            switch pc {
            case UInt8(ascii: "*"):
                while pi < plen && at(pat, plen, pi + 1) == UInt8(ascii: "*") { pi += 1 }
                if plen - pi == 1 { return true }
                while si < slen {
                    if matchImpl(pat, plen, pi + 1, str, slen, si, nocase, &skipLonger) { return true }
                    if skipLonger { return false }
                    si += 1
                }
                // Nothing after this star matches at any later offset, so an earlier star
                // swallowing more characters cannot help either.
                skipLonger = true
                return false
            case UInt8(ascii: "?"):
                si += 1
            case UInt8(ascii: "["):
                let sc = at(str, slen, si)
                pi += 1
                let negate = at(pat, plen, pi) == UInt8(ascii: "^")
                if negate { pi += 1 }
                var matched = false
                while true {
                    let c = at(pat, plen, pi)
                    if c == UInt8(ascii: "\\") && plen - pi >= 2 {
                        pi += 1
                        if at(pat, plen, pi) == sc { matched = true }
                    } else if c == UInt8(ascii: "]") {
                        break
                    } else if pi >= plen {
                        // Unterminated class: step back so the shared `pi += 1` below
                        // lands exactly on the end of the pattern.
                        pi -= 1
                        break
                    } else if plen - pi >= 3 && at(pat, plen, pi + 1) == UInt8(ascii: "-") {
                        var lo = Int32(Int8(bitPattern: c))
                        var hi = Int32(Int8(bitPattern: at(pat, plen, pi + 2)))
                        var v = Int32(Int8(bitPattern: sc))
                        if lo > hi { swap(&lo, &hi) }
                        if nocase {
                            lo = lowerInt(lo); hi = lowerInt(hi); v = lowerInt(v)
                        }
                        pi += 2
                        if v >= lo && v <= hi { matched = true }
                    } else if !nocase {
                        if c == sc { matched = true }
                    } else if lower(c) == lower(sc) {
                        matched = true
                    }
                    pi += 1
                }
                if negate { matched = !matched }
                if !matched { return false }
                si += 1
            default:
                var c = pc
                if pc == UInt8(ascii: "\\") && plen - pi >= 2 {
                    pi += 1
                    c = at(pat, plen, pi)
                }
                let sc = at(str, slen, si)
                if !nocase {
                    if c != sc { return false }
                } else if lower(c) != lower(sc) {
                    return false
                }
                si += 1
            }
            pi += 1
            if si == slen {
                while at(pat, plen, pi) == UInt8(ascii: "*") { pi += 1 }
                break
            }
        }
        return pi == plen && si == slen
    }

    /// `tolower` on an already sign-extended C char value.
    @inline(__always) @usableFromInline
    static func lowerInt(_ v: Int32) -> Int32 {
        (v >= 0x41 && v <= 0x5A) ? v + 32 : v
    }
}
