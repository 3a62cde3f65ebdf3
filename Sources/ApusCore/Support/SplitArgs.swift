// Argument splitting for inline commands, redis.conf lines and redis-cli style input,
// mirroring Redis 7.0 `sdssplitargs` exactly. Tokens are separated by C whitespace;
// "double quotes" understand \n \r \t \b \a \xHH and backslash-anything (the char
// itself); 'single quotes' only understand \'. A closing quote must be followed by
// whitespace or the end, otherwise the whole line is rejected, as is an unterminated
// quote. Faithful oddities kept on purpose: the input stops at the first NUL byte (C
// string), a quote may open in the middle of a bare token (`a"b c"` is one argument
// `ab c`), and \v / \f are skipped between tokens but do not end a bare token.

public enum SplitArgs {
    /// Splits `line` into arguments; nil on unbalanced quotes or a closing quote followed
    /// by a non-space. An empty or all-blank line yields `[]`.
    public static func split(_ line: UnsafeRawBufferPointer) -> [[UInt8]]? {
        let n = line.count
        // Reads past the end (or at an embedded NUL) behave like the C terminator.
        @inline(__always) func at(_ i: Int) -> UInt8 { i < n ? line[i] : 0 }

        var out: [[UInt8]] = []
        var i = 0
        while true {
            while at(i) != 0 && isCSpace(at(i)) { i += 1 }
            if at(i) == 0 { return out }

            var cur: [UInt8] = []
            var inDouble = false
            var inSingle = false
            var done = false
            while !done {
                let c = at(i)
                if inDouble {
                    if c == UInt8(ascii: "\\") && at(i + 1) == UInt8(ascii: "x")
                        && isHex(at(i + 2)) && isHex(at(i + 3)) {
                        cur.append(hexValue(at(i + 2)) << 4 | hexValue(at(i + 3)))
                        i += 3
                    } else if c == UInt8(ascii: "\\") && at(i + 1) != 0 {
                        i += 1
                        switch at(i) {
                        case UInt8(ascii: "n"): cur.append(0x0A)
                        case UInt8(ascii: "r"): cur.append(0x0D)
                        case UInt8(ascii: "t"): cur.append(0x09)
                        case UInt8(ascii: "b"): cur.append(0x08)
                        case UInt8(ascii: "a"): cur.append(0x07)
                        default: cur.append(at(i))
                        }
                    } else if c == UInt8(ascii: "\"") {
                        let next = at(i + 1)
                        if next != 0 && !isCSpace(next) { return nil }
                        done = true
                    } else if c == 0 {
                        return nil
                    } else {
                        cur.append(c)
                    }
                } else if inSingle {
                    if c == UInt8(ascii: "\\") && at(i + 1) == UInt8(ascii: "'") {
                        i += 1
                        cur.append(UInt8(ascii: "'"))
                    } else if c == UInt8(ascii: "'") {
                        let next = at(i + 1)
                        if next != 0 && !isCSpace(next) { return nil }
                        done = true
                    } else if c == 0 {
                        return nil
                    } else {
                        cur.append(c)
                    }
                } else {
                    switch c {
                    case 0x20, 0x0A, 0x0D, 0x09, 0x00: done = true
                    case UInt8(ascii: "\""): inDouble = true
                    case UInt8(ascii: "'"): inSingle = true
                    default: cur.append(c)
                    }
                }
                if at(i) != 0 { i += 1 }
            }
            out.append(cur)
        }
    }

    /// `[UInt8]` convenience for `split(_:)`.
    public static func split(_ line: [UInt8]) -> [[UInt8]]? {
        line.withUnsafeBytes { split($0) }
    }

    /// `String` convenience for `split(_:)` (config files, tests).
    public static func split(_ line: String) -> [[UInt8]]? {
        var s = line
        return s.withUTF8 { split(UnsafeRawBufferPointer($0)) }
    }

    // MARK: - Character classes (C locale)

    @inline(__always)
    static func isCSpace(_ b: UInt8) -> Bool { b == 0x20 || (b >= 0x09 && b <= 0x0D) }

    @inline(__always)
    static func isHex(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }

    @inline(__always)
    static func hexValue(_ b: UInt8) -> UInt8 {
        switch b {
        case 0x30...0x39: return b - 0x30
        case 0x61...0x66: return b - 0x61 + 10
        case 0x41...0x46: return b - 0x41 + 10
        default: return 0
        }
    }
}
