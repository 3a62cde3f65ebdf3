// Tests for Numbers: integer parsing/formatting and the float text formats of Redis 7.0.
// Every expected string below was produced by a real redis-server 7.0.15 (INCRBY,
// INCRBYFLOAT, ZADD/ZSCORE) on this machine.

import XCTest
@testable import ApusCore

final class NumbersTests: XCTestCase {
    private func b(_ s: String) -> [UInt8] { Array(s.utf8) }
    private func str(_ a: [UInt8]) -> String { String(decoding: a, as: UTF8.self) }

    // MARK: - string2ll

    func testString2llAcceptsCanonicalIntegersOnly() {
        XCTAssertEqual(Numbers.string2ll(b("0")), 0)
        XCTAssertEqual(Numbers.string2ll(b("7")), 7)
        XCTAssertEqual(Numbers.string2ll(b("-42")), -42)
        XCTAssertEqual(Numbers.string2ll(b("9223372036854775807")), Int64.max)
        XCTAssertEqual(Numbers.string2ll(b("-9223372036854775808")), Int64.min)
        for bad in ["", "-", "-0", "+1", "01", "00", " 1", "1 ", "1a", "1.0", "0x10",
                    "9223372036854775808", "-9223372036854775809", "18446744073709551616",
                    "99999999999999999999", "123456789012345678901", "--1", "1-"] {
            XCTAssertNil(Numbers.string2ll(b(bad)), "\(bad) must be rejected")
        }
    }

    func testString2llRejectsMoreThanTwentyBytes() {
        XCTAssertEqual(Numbers.string2ll(b("-1234567890123456789")), -1234567890123456789)
        XCTAssertNil(Numbers.string2ll(b("-12345678901234567890")))  // 21 bytes
    }

    func testString2lAndStringOverload() {
        XCTAssertEqual(Numbers.string2l(b("-17")), -17)
        XCTAssertNil(Numbers.string2l(b("17 ")))
        XCTAssertEqual(Numbers.string2ll("12345"), 12345)
    }

    // MARK: - ll2string

    func testLl2stringRoundTripsAndMatchesSwiftDescription() {
        var values: [Int64] = [0, 1, -1, 9, 10, 99, 100, 101, 999, 1000, 12345, -12345,
                               Int64.max, Int64.min, Int64.max - 1, Int64.min + 1]
        var p: Int64 = 1
        for _ in 0..<18 { p *= 10; values += [p - 1, p, p + 1, -p, -(p - 1)] }
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<2000 { values.append(Int64.random(in: .min ... .max, using: &rng)) }
        var buf = [UInt8](repeating: 0, count: Numbers.maxInt64Chars)
        for v in values {
            let n = buf.withUnsafeMutableBytes { Numbers.ll2string(v, into: $0.baseAddress!) }
            XCTAssertEqual(str(Array(buf[0..<n])), String(v))
            XCTAssertEqual(n, Numbers.sdigits10(v))
            XCTAssertEqual(v.decimalBytes, b(String(v)))
            XCTAssertEqual(Numbers.string2ll(v.decimalBytes), v)
        }
    }

    func testDigits10() {
        XCTAssertEqual(Numbers.digits10(0), 1)
        XCTAssertEqual(Numbers.digits10(9), 1)
        XCTAssertEqual(Numbers.digits10(10), 2)
        XCTAssertEqual(Numbers.digits10(999_999_999_999), 12)
        XCTAssertEqual(Numbers.digits10(1_000_000_000_000), 13)
        XCTAssertEqual(Numbers.digits10(UInt64.max), 20)
        XCTAssertEqual(Numbers.sdigits10(Int64.min), 20)
    }

    // MARK: - parseDouble / formatDouble (ZADD + ZSCORE)

    func testParseDoubleFollowsStrtodWithRedisRejections() {
        XCTAssertEqual(Numbers.parseDouble(b("1.5")), 1.5)
        XCTAssertEqual(Numbers.parseDouble(b("+1")), 1)
        XCTAssertEqual(Numbers.parseDouble(b("1e3")), 1000)
        XCTAssertEqual(Numbers.parseDouble(b(".5")), 0.5)
        XCTAssertEqual(Numbers.parseDouble(b("5.")), 5)
        XCTAssertEqual(Numbers.parseDouble(b("0x10")), 16)
        XCTAssertEqual(Numbers.parseDouble(b("inf")), .infinity)
        XCTAssertEqual(Numbers.parseDouble(b("-Infinity")), -.infinity)
        XCTAssertEqual(Numbers.parseDouble(b("4e-320")), 4e-320, "denormals are accepted")
        for bad in ["", " 1", "1 ", "nan", "-nan", "1e400", "-1e400", "1e-400", "abc", "1e", ".",
                    "1,5", "1_0"] {
            XCTAssertNil(Numbers.parseDouble(b(bad)), "\(bad) must be rejected")
        }
        XCTAssertNil(Numbers.parseDouble([0x31, 0x00, 0x32]), "embedded NUL ends the C string")
    }

    func testFormatDoubleMatchesZscoreOutput() {
        let cases: [(Double, String)] = [
            (0.1, "0.10000000000000001"), (1, "1"), (0, "0"), (-0.0, "-0"),
            (1e17, "1e+17"), (1e16, "10000000000000000"),
            (123456789012345678, "1.2345678901234568e+17"), (1.5e-5, "1.5e-05"),
            (1e-5, "1.0000000000000001e-05"), (0.0001, "0.0001"), (3.14159, "3.1415899999999999"),
            (1e300, "1.0000000000000001e+300"), (.infinity, "inf"), (-.infinity, "-inf"),
            (2.5, "2.5"), (100, "100"), (-1.5e-7, "-1.4999999999999999e-07"), (1e21, "1e+21"),
            (0.30000000000000004, "0.30000000000000004"), (5e-324, "4.9406564584124654e-324"),
            (-99999999999999984, "-99999999999999984"), (.nan, "nan"),
        ]
        for (v, want) in cases {
            XCTAssertEqual(str(Numbers.formatDouble(v)), want, "\(v)")
        }
    }

    func testFormatDoubleIntegerFastPathAgreesWithPrintf() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            let v = Double(Int64.random(in: -99_999_999_999_999_999 ... 99_999_999_999_999_999, using: &rng))
            XCTAssertEqual(str(Numbers.formatDouble(v)), String(format: "%.17g", v))
            let f = Double.random(in: -1e6...1e6, using: &rng)
            XCTAssertEqual(str(Numbers.formatDouble(f)), String(format: "%.17g", f))
        }
    }

    func testFormatDoubleAgreesWithPrintfAcrossAllExponents() {
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let v = Double(bitPattern: rng.next())
            if v.isNaN || v.isInfinite { continue }
            XCTAssertEqual(str(Numbers.formatDouble(v)), String(format: "%.17g", v))
        }
    }

    func testD2stringUsesIntegersUpToHalfLlongMax() {
        XCTAssertEqual(str(Numbers.d2string(1e17)), "100000000000000000")
        XCTAssertEqual(str(Numbers.d2string(-0.0)), "-0")
        XCTAssertEqual(str(Numbers.d2string(0.1)), "0.10000000000000001")
        XCTAssertEqual(str(Numbers.d2string(1e19)), "1e+19")
        XCTAssertEqual(str(Numbers.d2string(.nan)), "nan")
        XCTAssertEqual(str(Numbers.d2string(-.infinity)), "-inf")
    }

    // MARK: - parseLongDouble / formatLongDouble (INCRBYFLOAT)

    /// INCRBYFLOAT as Redis does it: parse both, add in long double, reject NaN/inf, format.
    private func incrbyfloat(_ current: String?, _ incr: String) -> String {
        guard let a = current.map({ Numbers.parseLongDouble(b($0)) }) ?? 0,
              let d = Numbers.parseLongDouble(b(incr)) else { return "ERR value is not a valid float" }
        let r = a + d
        if r.isNaN || r.isInfinite { return "ERR increment would produce NaN or Infinity" }
        return str(Numbers.formatLongDouble(r, humanFriendly: true))
    }

    func testIncrbyfloatSequencesMatchRealRedis() {
        let big300 = "1000000000000000000008997324079559193870523944273290747938260082321265646596180935755849152083750497190350372508614274835903592556184672983913096260520748646287327135641843653294084255107606016789726652932370030551382947620994540294772781889620606179267611627097410650567187386105690089424915104006144"
        let cases: [(String?, String, String)] = [
            ("10.5", "0.1", "10.6"), ("10", "0.1", "10.1"), (nil, "0.1", "0.1"),
            ("0.1", "0.2", "0.3"), ("0.1", "0.7", "0.8"), ("5.0e3", "0", "5000"),
            ("3.0e3", "200", "3200"), (nil, "1e300", big300), (nil, "-1e300", "-" + big300),
            (nil, "1.5e-5", "0.000015"), (nil, "1e-20", "0"), (nil, "-0.0", "0"), ("-0.0", "0", "0"),
            (nil, "0", "0"), ("1", "-1", "0"), (nil, "+1", "1"), (nil, "0x10", "16"),
            (nil, "1e-4940", "0"), (nil, "1.0000000000000001", "1.0000000000000001"),
            (nil, "123456789.123456789", "123456789.12345678899873747"),
            (nil, "3.14159265358979323846", "3.14159265358979324"),
            ("1e17", "1", "100000000000000001"), (nil, "99999999999999999999", "100000000000000000000"),
            (nil, "0.3", "0.3"), (nil, "-0.1", "-0.1"), (nil, "1e20", "100000000000000000000"),
            (nil, "1.23e-10", "0.000000000123"), ("00012", "1", "13"), ("1.5", "1e-30", "1.5"),
            (nil, ".5", "0.5"), (nil, "5.", "5"), (nil, "0x1p-2", "0.25"),
            (nil, " 1", "ERR value is not a valid float"), (nil, "1 ", "ERR value is not a valid float"),
            (nil, "nan", "ERR value is not a valid float"), (nil, "abc", "ERR value is not a valid float"),
            (nil, "", "ERR value is not a valid float"), (nil, "1e", "ERR value is not a valid float"),
            (nil, "1e-5000", "ERR value is not a valid float"), (nil, "-1e-5000", "ERR value is not a valid float"),
            ("abc", "1", "ERR value is not a valid float"),
            (nil, "inf", "ERR increment would produce NaN or Infinity"),
            (nil, "-inf", "ERR increment would produce NaN or Infinity"),
            (nil, "infinity", "ERR increment would produce NaN or Infinity"),
        ]
        for (cur, incr, want) in cases {
            XCTAssertEqual(incrbyfloat(cur, incr), want, "\(cur ?? "<none>") + \(incr)")
        }
    }

    func testIncrbyfloatOfHugeLongDoubleKeepsAllDigits() {
        // 1e4932 fits in x87 long double but not in a double; Redis prints 4933 digits.
        guard let v = Numbers.parseLongDouble(b("1e4932")) else { return XCTFail("1e4932 rejected") }
        let text = str(Numbers.formatLongDouble(v, humanFriendly: true))
        XCTAssertEqual(text.count, 4933)
        XCTAssertTrue(text.hasPrefix("1000000000000000000006018949387963891323837774254533114773785"))
        XCTAssertTrue(text.hasSuffix("1886622720"))
    }

    func testParseLongDoubleLengthLimit() {
        let longZeros = "0." + String(repeating: "0", count: 5000) + "1"
        XCTAssertNil(Numbers.parseLongDouble(b(longZeros)), "5120 bytes or more is rejected")
        let ok = "1." + String(repeating: "0", count: 5000)
        XCTAssertEqual(Numbers.parseLongDouble(b(ok)), 1)
    }

    func testFormatLongDoubleAutoModeAndInfinity() {
        XCTAssertEqual(str(Numbers.formatLongDouble(0.1 as Double, humanFriendly: false)), "0.10000000000000001")
        XCTAssertEqual(str(Numbers.formatLongDouble(1e17 as Double, humanFriendly: false)), "1e+17")
        XCTAssertEqual(str(Numbers.formatLongDouble(Numbers.LongDouble.infinity, humanFriendly: true)), "inf")
        XCTAssertEqual(str(Numbers.formatLongDouble(-Numbers.LongDouble.infinity, humanFriendly: false)), "-inf")
        // GEOPOS-style: a double widened to long double (value checked with C printf %.17Lf).
        XCTAssertEqual(str(Numbers.formatLongDouble(13.361389 as Double, humanFriendly: true)), "13.36138900000000085")
    }

    // MARK: - MemoryUnits (memtoull, rewrite format, bytesToHuman)

    func testMemtoullUnitsMatchConfigSetMaxmemory() {
        XCTAssertEqual(MemoryUnits.memtoull("1mb"), 1_048_576)
        XCTAssertEqual(MemoryUnits.memtoull("1KB"), 1024)
        XCTAssertEqual(MemoryUnits.memtoull("1k"), 1000)
        XCTAssertEqual(MemoryUnits.memtoull("2M"), 2_000_000)
        XCTAssertEqual(MemoryUnits.memtoull("3g"), 3_000_000_000)
        XCTAssertEqual(MemoryUnits.memtoull("1Gb"), 1_073_741_824)
        XCTAssertEqual(MemoryUnits.memtoull("5B"), 5)
        XCTAssertEqual(MemoryUnits.memtoull("5"), 5)
        XCTAssertEqual(MemoryUnits.memtoull("007"), 7)
        for bad in ["-5", " 5", "+5", "5 mb", "1.5mb", "5kbb", "5t", "abc", "5 "] {
            XCTAssertNil(MemoryUnits.memtoull(bad), "\(bad) must be rejected")
        }
    }

    func testMemtoullQuirksFromRealRedis() {
        // CONFIG SET maxmemory "" and "kb" both succeed and read back 0.
        XCTAssertEqual(MemoryUnits.memtoull(""), 0)
        XCTAssertEqual(MemoryUnits.memtoull("kb"), 0)
        // Too many digits saturate (strtoull), then the unit multiply wraps.
        XCTAssertEqual(MemoryUnits.memtoull("99999999999999999999999"), UInt64.max)
        XCTAssertEqual(MemoryUnits.memtoull("18446744073709551615gb"), 18_446_744_072_635_809_792)
        XCTAssertNil(MemoryUnits.memtoull(String(repeating: "1", count: 128)))
        XCTAssertEqual(MemoryUnits.memtoll("18446744073709551615"), -1)
        XCTAssertEqual(MemoryUnits.memtoll(Array("100mb".utf8)), 104_857_600)
        XCTAssertEqual(MemoryUnits.memtoull([0x35, 0x00, 0x78]), 5, "C string ends at NUL")
    }

    func testFormatForConfigRewrite() {
        XCTAssertEqual(MemoryUnits.formatForConfig(0), "0")
        XCTAssertEqual(MemoryUnits.formatForConfig(1_073_741_824), "1gb")
        XCTAssertEqual(MemoryUnits.formatForConfig(104_857_600), "100mb")
        XCTAssertEqual(MemoryUnits.formatForConfig(3072), "3kb")
        XCTAssertEqual(MemoryUnits.formatForConfig(1000), "1000")
    }

    func testBytesToHumanMatchesInfo() {
        let cases: [(UInt64, String)] = [
            (0, "0B"), (200, "200B"), (1023, "1023B"), (32768, "32.00K"), (66560, "65.00K"),
            (1_048_575, "1024.00K"), (1_113_152, "1.06M"), (12_402_688, "11.83M"),
            (1_130_552, "1.08M"), (5_368_709_120, "5.00G"), (25_276_063_744, "23.54G"),
            (1_099_511_627_776_000, "1000.00T"), (UInt64.max, "18446744073709551615B"),
        ]
        for (n, want) in cases { XCTAssertEqual(MemoryUnits.bytesToHuman(n), want, "\(n)") }
    }
}
