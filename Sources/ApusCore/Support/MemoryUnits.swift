// Memory-size text as Redis 7.0 reads and writes it: `memtoull` (CONFIG SET / redis.conf
// values such as "100mb"; k=1000, kb=1024, m, mb, g, gb, b, case-insensitive), the unit
// form CONFIG REWRITE writes back ("2gb", "512mb", "4kb" or plain bytes), and
// `bytesToHuman` for INFO's *_human fields ("0B", "1.13M", "23.54G"). CONFIG GET itself
// prints memory settings as plain byte counts, so it needs none of these.
//
// Quirks kept from Redis: a value with no digits is 0 ("" and "kb" both parse as 0), a
// digit run too large for 64 bits saturates (strtoull) and the unit multiplication then
// wraps modulo 2^64; leading '-' is an error, while leading '+' or spaces fail as bad units.

import Glibc

public enum MemoryUnits {
    // MARK: - Parsing

    /// Redis `memtoull`: nil where Redis reports an error.
    public static func memtoull(_ s: UnsafeRawBufferPointer) -> UInt64? {
        // Redis sees a C string, so anything after a NUL byte does not exist.
        var n = s.count
        if let z = s.firstIndex(of: 0) { n = z }
        if n > 0 && s[0] == UInt8(ascii: "-") { return nil }
        var digits = 0
        while digits < n && s[digits] >= 0x30 && s[digits] <= 0x39 { digits += 1 }

        let mul: UInt64
        switch unitLower(s, from: digits, to: n) {
        case "", "b": mul = 1
        case "k": mul = 1000
        case "kb": mul = 1024
        case "m": mul = 1000 * 1000
        case "mb": mul = 1024 * 1024
        case "g": mul = 1000 * 1000 * 1000
        case "gb": mul = 1024 * 1024 * 1024
        default: return nil
        }
        // Redis copies the digits into a 128-byte buffer first and gives up if they
        // do not fit.
        if digits >= 128 { return nil }
        var v: UInt64 = 0
        for i in 0..<digits {
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(s[i] - 0x30))
            if o1 || o2 { v = .max; break }
            v = a
        }
        return v &* mul
    }

    /// `[UInt8]` convenience for `memtoull`.
    public static func memtoull(_ a: [UInt8]) -> UInt64? { a.withUnsafeBytes { memtoull($0) } }

    /// `String` convenience for `memtoull`.
    public static func memtoull(_ s: String) -> UInt64? {
        var s = s
        return s.withUTF8 { memtoull(UnsafeRawBufferPointer($0)) }
    }

    /// `memtoull` reinterpreted as the `long long` Redis stores it in for signed memory
    /// configs (`numericParseString`): values above Int64.max come back negative.
    public static func memtoll(_ s: UnsafeRawBufferPointer) -> Int64? {
        memtoull(s).map { Int64(bitPattern: $0) }
    }

    /// `[UInt8]` convenience for `memtoll`.
    public static func memtoll(_ a: [UInt8]) -> Int64? { a.withUnsafeBytes { memtoll($0) } }

    /// `String` convenience for `memtoll`.
    public static func memtoll(_ s: String) -> Int64? { memtoull(s).map { Int64(bitPattern: $0) } }

    /// Unit suffix folded to ASCII lowercase; anything longer than 2 bytes is invalid.
    private static func unitLower(_ s: UnsafeRawBufferPointer, from: Int, to: Int) -> String {
        if to - from > 2 { return "?" }
        var out = ""
        for i in from..<to {
            var b = s[i]
            if b >= 0x41 && b <= 0x5A { b += 32 }
            out.unicodeScalars.append(Unicode.Scalar(b))
        }
        return out
    }

    // MARK: - Formatting

    /// CONFIG REWRITE's `rewriteConfigFormatMemory`: the largest of gb/mb/kb that divides
    /// the value exactly, else the plain number (0 stays "0").
    public static func formatForConfig(_ bytes: Int64) -> String {
        let gb: Int64 = 1024 * 1024 * 1024, mb: Int64 = 1024 * 1024, kb: Int64 = 1024
        if bytes != 0 && bytes % gb == 0 { return "\(bytes / gb)gb" }
        if bytes != 0 && bytes % mb == 0 { return "\(bytes / mb)mb" }
        if bytes != 0 && bytes % kb == 0 { return "\(bytes / kb)kb" }
        return "\(bytes)"
    }

    /// Redis `bytesToHuman` for INFO: "<n>B" under 1024, else two decimals (C `%.2f`)
    /// with K, M, G, T or P; from 1024 PiB upwards it falls back to "<n>B".
    public static func bytesToHuman(_ n: UInt64) -> String {
        let units: [(UInt64, Character)] = [
            (1 << 20, "K"), (1 << 30, "M"), (1 << 40, "G"), (1 << 50, "T"), (1 << 60, "P"),
        ]
        if n < 1024 { return "\(n)B" }
        var divisor: UInt64 = 1024
        for (limit, suffix) in units {
            if n < limit {
                return twoDecimals(Double(n) / Double(divisor)) + String(suffix)
            }
            divisor <<= 10
        }
        return "\(n)B"
    }

    /// C `%.2f` (round-half-even on the exact binary value, as glibc does).
    private static func twoDecimals(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        let len = withVaList([d]) { vsnprintf(&buf, 64, "%.2f", $0) }
        return String(decoding: buf[0..<Int(max(0, len))].map { UInt8(bitPattern: $0) },
                      as: UTF8.self)
    }
}
