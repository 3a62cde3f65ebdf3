// Number <-> text conversions with Redis 7.0 semantics (util.c / object.c / networking.c):
// the strict integer parser `string2ll` (no spaces, no '+', no leading zeros, at most 20
// bytes), the float parsers `string2d` (ZADD, INCRBYFLOAT's double cousins) and
// `string2ld` (INCRBYFLOAT/HINCRBYFLOAT, long double), the digit-pair `ll2string`, the
// `%.17g` double replies of `addReplyDouble`, util.c's `d2string`, and `ld2string` in its
// human (`%.17Lf` trimmed) and auto (`%.17Lg`) modes. Redis computes INCRBYFLOAT in x87
// 80-bit `long double`; on x86-64 Swift has the same type (`Float80`) and glibc formats it,
// so results agree to the last digit.
//
// Float text is produced by glibc's `snprintf` through two small C shim functions, so
// formatting a score builds no Swift varargs array and does not allocate.

import Glibc
import CApusSys

public enum Numbers {
    // MARK: - Types and limits

    #if arch(x86_64) || arch(i386)
    /// C `long double` as Redis sees it on this platform (x87 extended on x86-64).
    public typealias LongDouble = Float80
    #else
    public typealias LongDouble = Double
    #endif

    /// Longest `Int64` in decimal ("-9223372036854775808"); Redis LONG_STR_SIZE - 1.
    public static let maxInt64Chars = 20
    /// Bytes a caller must provide to `formatDouble(_:into:)` / `d2string(_:into:)`.
    public static let maxDoubleChars = 32
    /// Redis MAX_LONG_DOUBLE_CHARS: longest accepted INCRBYFLOAT operand + 1.
    public static let maxLongDoubleChars = 5 * 1024

    // MARK: - Integers: parsing

    /// Redis `string2ll`: the whole buffer must be a canonical decimal `long long`
    /// ("0", or optional '-' then 1-9 then digits), 1...20 bytes, no overflow.
    /// Consequently "-0", "+1", "01", " 1" and "" are all rejected.
    @inlinable
    public static func string2ll(_ s: UnsafeRawBufferPointer) -> Int64? {
        let n = s.count
        if n == 0 || n > maxInt64Chars { return nil }
        guard let p = s.baseAddress else { return nil }
        var i = 0
        let first = p.load(as: UInt8.self)
        if n == 1 && first == UInt8(ascii: "0") { return 0 }
        var negative = false
        if first == UInt8(ascii: "-") {
            negative = true
            i = 1
            if n == 1 { return nil }
        }
        let lead = p.load(fromByteOffset: i, as: UInt8.self)
        guard lead >= UInt8(ascii: "1") && lead <= UInt8(ascii: "9") else { return nil }
        var v = UInt64(lead &- UInt8(ascii: "0"))
        i += 1
        while i < n {
            let d = p.load(fromByteOffset: i, as: UInt8.self) &- UInt8(ascii: "0")
            if d > 9 { return nil }
            // 20 digits can exceed UInt64, so both steps are checked like Redis does.
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            if o1 { return nil }
            let (a, o2) = m.addingReportingOverflow(UInt64(d))
            if o2 { return nil }
            v = a
            i += 1
        }
        if negative {
            if v > UInt64(Int64.max) + 1 { return nil }
            return Int64(bitPattern: 0 &- v)
        }
        if v > UInt64(Int64.max) { return nil }
        return Int64(v)
    }

    /// `[UInt8]` convenience for `string2ll`.
    public static func string2ll(_ a: [UInt8]) -> Int64? {
        a.withUnsafeBytes { string2ll($0) }
    }

    /// `String` convenience for `string2ll` (config and test code).
    public static func string2ll(_ s: String) -> Int64? {
        var s = s
        return s.withUTF8 { string2ll(UnsafeRawBufferPointer($0)) }
    }

    /// Redis `string2l`: `long` is 64-bit on LP64 Linux, so this is `string2ll` as `Int`.
    @inlinable
    public static func string2l(_ s: UnsafeRawBufferPointer) -> Int? {
        string2ll(s).map { Int($0) }
    }

    /// `[UInt8]` convenience for `string2l`.
    public static func string2l(_ a: [UInt8]) -> Int? {
        a.withUnsafeBytes { string2l($0) }
    }

    // MARK: - Integers: formatting

    @usableFromInline
    static let digitPairs: StaticString =
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"

    /// Decimal digit count of `v` (Redis `digits10`).
    @inlinable
    public static func digits10(_ v: UInt64) -> Int {
        if v < 10 { return 1 }
        if v < 100 { return 2 }
        if v < 1000 { return 3 }
        if v < 1_000_000_000_000 {
            if v < 100_000_000 {
                if v < 1_000_000 {
                    if v < 10000 { return 4 }
                    return 5 + (v >= 100_000 ? 1 : 0)
                }
                return 7 + (v >= 10_000_000 ? 1 : 0)
            }
            if v < 10_000_000_000 { return 9 + (v >= 1_000_000_000 ? 1 : 0) }
            return 11 + (v >= 100_000_000_000 ? 1 : 0)
        }
        return 12 + digits10(v / 1_000_000_000_000)
    }

    /// Length of `v` in decimal including a '-' sign (Redis `sdigits10`).
    @inlinable
    public static func sdigits10(_ v: Int64) -> Int {
        v < 0 ? digits10(v.magnitude) + 1 : digits10(UInt64(v))
    }

    /// Writes `v` in decimal at `dst` (needs `digits10(v)` <= 20 writable bytes, no NUL)
    /// and returns the byte count. Two digits per division, from a pair table.
    @inlinable @discardableResult
    public static func ull2string(_ value: UInt64, into dst: UnsafeMutableRawPointer) -> Int {
        let length = digits10(value)
        let table = UnsafeRawPointer(digitPairs.utf8Start)
        var v = value
        var next = length - 1
        while v >= 100 {
            let i = Int((v % 100) &* 2)
            v /= 100
            dst.storeBytes(of: table.load(fromByteOffset: i + 1, as: UInt8.self),
                           toByteOffset: next, as: UInt8.self)
            dst.storeBytes(of: table.load(fromByteOffset: i, as: UInt8.self),
                           toByteOffset: next - 1, as: UInt8.self)
            next -= 2
        }
        if v < 10 {
            dst.storeBytes(of: UInt8(truncatingIfNeeded: v) &+ UInt8(ascii: "0"),
                           toByteOffset: next, as: UInt8.self)
        } else {
            let i = Int(v &* 2)
            dst.storeBytes(of: table.load(fromByteOffset: i + 1, as: UInt8.self),
                           toByteOffset: next, as: UInt8.self)
            dst.storeBytes(of: table.load(fromByteOffset: i, as: UInt8.self),
                           toByteOffset: next - 1, as: UInt8.self)
        }
        return length
    }

    /// Writes `v` in decimal at `dst` (needs up to `maxInt64Chars` = 20 writable bytes,
    /// no NUL) and returns the byte count. Int64.min is handled.
    @inlinable @discardableResult
    public static func ll2string(_ v: Int64, into dst: UnsafeMutableRawPointer) -> Int {
        if v < 0 {
            dst.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self)
            return ull2string(v.magnitude, into: dst + 1) + 1
        }
        return ull2string(UInt64(v), into: dst)
    }

    /// `Int64` as decimal bytes (allocates; use `ll2string(_:into:)` on hot paths).
    public static func ll2string(_ v: Int64) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maxInt64Chars) { buf, count in
            count = ll2string(v, into: UnsafeMutableRawPointer(buf.baseAddress!))
        }
    }

    // MARK: - Floats: parsing

    /// C `isspace` in the C locale (bytes >= 0x80 are sign-extended negatives: not space).
    @inline(__always) @usableFromInline
    static func isCSpace(_ b: UInt8) -> Bool {
        b == 0x20 || (b >= 0x09 && b <= 0x0D)
    }

    /// Redis `string2d` (ZADD scores, ZRANGEBYSCORE bounds, getDoubleFromObject): the whole
    /// buffer must be something glibc `strtod` consumes completely — so "+1", "1e3", ".5",
    /// "0x10", "inf", "-Infinity" are fine — with no leading space, not NaN, and not an
    /// overflow (±HUGE_VAL) or an underflow to zero. Denormal results are accepted.
    public static func parseDouble(_ s: UnsafeRawBufferPointer) -> Double? {
        let n = s.count
        if n == 0 || isCSpace(s[0]) { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> Double? in
            let buf = tmp.baseAddress!
            UnsafeMutableRawPointer(buf).copyMemory(from: s.baseAddress!, byteCount: n)
            buf[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtod(buf, &end)
            let err = errno
            guard let e = end, e - buf == n else { return nil }
            if err == ERANGE && (v.isInfinite || v == 0) { return nil }
            if v.isNaN { return nil }
            return v
        }
    }

    /// C strtod over the whole of `s` (a NUL inside ends the C string early, as for
    /// Redis's sds), NaN refused, and with `refusingOverflow` also ERANGE results: how
    /// sorted-set ranges and SORT read a number, more lenient than `parseDouble` (leading
    /// spaces and an empty string are accepted, as there).
    public static func strtodWhole(_ s: UnsafeRawBufferPointer, refusingOverflow: Bool = false) -> Double? {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: s.count + 1) { tmp -> Double? in
            let buf = tmp.baseAddress!
            if s.count > 0 { UnsafeMutableRawPointer(buf).copyMemory(from: s.baseAddress!, byteCount: s.count) }
            buf[s.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtod(buf, &end)
            guard let e = end, e.pointee == 0, !v.isNaN else { return nil }
            if refusingOverflow && errno == ERANGE { return nil }
            return v
        }
    }

    /// `[UInt8]` convenience for `parseDouble`.
    public static func parseDouble(_ a: [UInt8]) -> Double? {
        a.withUnsafeBytes { parseDouble($0) }
    }

    /// Redis `string2ld` (INCRBYFLOAT, HINCRBYFLOAT): like `parseDouble` but with glibc
    /// `strtold` into x87 extended precision, and inputs of 5120 bytes or more rejected.
    public static func parseLongDouble(_ s: UnsafeRawBufferPointer) -> LongDouble? {
        let n = s.count
        if n == 0 || n >= maxLongDoubleChars { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: n + 1) { tmp -> LongDouble? in
            let buf = tmp.baseAddress!
            UnsafeMutableRawPointer(buf).copyMemory(from: s.baseAddress!, byteCount: n)
            buf[n] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            #if arch(x86_64) || arch(i386)
            let v = strtold(buf, &end)
            #else
            let v = strtod(buf, &end)
            #endif
            let err = errno
            if isCSpace(UInt8(bitPattern: buf[0])) { return nil }
            guard let e = end, e.pointee == 0, e - buf == n else { return nil }
            if err == ERANGE && (v.isInfinite || v == 0) { return nil }
            if err == EINVAL || v.isNaN { return nil }
            return v
        }
    }

    /// `[UInt8]` convenience for `parseLongDouble`.
    public static func parseLongDouble(_ a: [UInt8]) -> LongDouble? {
        a.withUnsafeBytes { parseLongDouble($0) }
    }

    // MARK: - Floats: formatting

    /// Redis `addReplyDouble` text (RESP2 bulk body and RESP3 `,` body alike in 7.0):
    /// "inf" / "-inf", otherwise C `%.17g` (so 0.1 is "0.10000000000000001", 1e17 is
    /// "1e+17", -0.0 is "-0", NaN is "nan" or "-nan"). Writes at most 24 bytes; `dst`
    /// must have `maxDoubleChars` (32) writable bytes. Returns the length.
    @discardableResult
    public static func formatDouble(_ v: Double, into dst: UnsafeMutableRawPointer) -> Int {
        if v.isInfinite {
            return writeASCII(v > 0 ? "inf" : "-inf", into: dst)
        }
        // Integral values below 1e17 print as plain integers under %.17g; skip libc.
        if v == v.rounded(.towardZero) && v.magnitude < 1e17 {
            if v == 0 { return writeASCII(v.sign == .minus ? "-0" : "0", into: dst) }
            return ll2string(Int64(v), into: dst)
        }
        return cFormat("%.17g", v, into: dst, capacity: maxDoubleChars)
    }

    /// Allocating convenience for `formatDouble(_:into:)`.
    public static func formatDouble(_ v: Double) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maxDoubleChars) { buf, count in
            count = formatDouble(v, into: UnsafeMutableRawPointer(buf.baseAddress!))
        }
    }

    /// Redis util.c `d2string` (sorted-set listpack scores, GEO and friends): "nan", "inf",
    /// "-inf", "-0"/"0", plain integers when the value is integral and within
    /// ±LLONG_MAX/2, else `%.17g`. Needs `maxDoubleChars` writable bytes.
    @discardableResult
    public static func d2string(_ v: Double, into dst: UnsafeMutableRawPointer) -> Int {
        if v.isNaN { return writeASCII("nan", into: dst) }
        if v.isInfinite { return writeASCII(v < 0 ? "-inf" : "inf", into: dst) }
        if v == 0 { return writeASCII(v.sign == .minus ? "-0" : "0", into: dst) }
        let limit = Double(Int64.max / 2)
        if v >= -limit && v <= limit {
            let ll = Int64(v)
            if Double(ll) == v { return ll2string(ll, into: dst) }
        }
        return cFormat("%.17g", v, into: dst, capacity: maxDoubleChars)
    }

    /// Allocating convenience for `d2string(_:into:)`.
    public static func d2string(_ v: Double) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: maxDoubleChars) { buf, count in
            count = d2string(v, into: UnsafeMutableRawPointer(buf.baseAddress!))
        }
    }

    /// Redis `ld2string`. `humanFriendly` (LD_STR_HUMAN, used by INCRBYFLOAT and
    /// HINCRBYFLOAT replies and stored values): `%.17Lf`, then trailing zeros and a bare
    /// trailing '.' removed, and "-0" turned into "0"; never exponent notation, so 1e300
    /// prints all 301 digits. Otherwise LD_STR_AUTO: `%.17Lg`. Infinities are always
    /// "inf" / "-inf".
    public static func formatLongDouble(_ v: LongDouble, humanFriendly: Bool) -> [UInt8] {
        if v.isInfinite { return Array((v > 0 ? "inf" : "-inf").utf8) }
        return withUnsafeTemporaryAllocation(byteCount: maxLongDoubleChars, alignment: 16) { tmp in
            let buf = tmp.baseAddress!
            var l = cFormatLong(fixed: humanFriendly, v, into: buf, capacity: maxLongDoubleChars)
            if humanFriendly {
                let b = tmp.bindMemory(to: UInt8.self)
                if b[0..<l].contains(UInt8(ascii: ".")) {
                    var p = l - 1
                    while b[p] == UInt8(ascii: "0") { p -= 1; l -= 1 }
                    if b[p] == UInt8(ascii: ".") { l -= 1 }
                }
                if l == 2 && b[0] == UInt8(ascii: "-") && b[1] == UInt8(ascii: "0") {
                    return [UInt8(ascii: "0")]
                }
            }
            return Array(UnsafeRawBufferPointer(start: buf, count: l))
        }
    }

    #if arch(x86_64) || arch(i386)
    /// A `double` widened exactly to `long double` first, as Redis does when it feeds a
    /// double into `ld2string`.
    public static func formatLongDouble(_ v: Double, humanFriendly: Bool) -> [UInt8] {
        formatLongDouble(LongDouble(v), humanFriendly: humanFriendly)
    }
    #endif

    // MARK: - libc formatting without heap allocation

    @inline(__always)
    static func writeASCII(_ s: StaticString, into dst: UnsafeMutableRawPointer) -> Int {
        dst.copyMemory(from: s.utf8Start, byteCount: s.utf8CodeUnitCount)
        return s.utf8CodeUnitCount
    }

    /// `snprintf(dst, capacity, fmt, v)` for one `double` (through the C shim, so no
    /// Swift varargs array is built); returns the length written, clamped to capacity - 1.
    /// `v` through a printf format with one double conversion, as bytes.
    static func formatted(_ fmt: StaticString, _ v: Double) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: 64) { buf, count in
            count = cFormat(fmt, v, into: UnsafeMutableRawPointer(buf.baseAddress!), capacity: 64)
        }
    }

    static func cFormat(_ fmt: StaticString, _ v: Double,
                        into dst: UnsafeMutableRawPointer, capacity: Int) -> Int {
        let cfmt = UnsafeRawPointer(fmt.utf8Start).assumingMemoryBound(to: CChar.self)
        let n = apus_format_double(dst.assumingMemoryBound(to: CChar.self), capacity, cfmt, v)
        return Int(max(0, min(n, Int32(capacity - 1))))
    }

    /// `snprintf(dst, capacity, fixed ? "%.17Lf" : "%.17Lg", v)` for one `long double`.
    static func cFormatLong(fixed: Bool, _ v: LongDouble,
                            into dst: UnsafeMutableRawPointer, capacity: Int) -> Int {
        #if arch(x86_64) || arch(i386)
        let n = apus_format_long_double(dst.assumingMemoryBound(to: CChar.self), capacity, fixed ? 1 : 0, v)
        #else
        let fmt: StaticString = fixed ? "%.17f" : "%.17g"
        let n = apus_format_double(dst.assumingMemoryBound(to: CChar.self), capacity,
                                   UnsafeRawPointer(fmt.utf8Start).assumingMemoryBound(to: CChar.self), v)
        #endif
        return Int(max(0, min(n, Int32(capacity - 1))))
    }
}

// MARK: - Conveniences

extension Int64 {
    /// Decimal text of the value as bytes (Redis `ll2string`).
    public var decimalBytes: [UInt8] { Numbers.ll2string(self) }
}
