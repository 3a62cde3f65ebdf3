// Ziplists and zipmaps (hash encodings of RDB files written before Redis 7.0): every
// entry encoding decodes, the two-element hash Redis's own test files hold (f1=v1,
// f2=v2) decodes from its exact bytes, and damaged blobs are refused without crashing.

import XCTest
@testable import ApusCore

final class RDBLegacyEncodingsTests: XCTestCase {
    /// A ziplist of `entries`, built from the format: each entry is the previous entry's
    /// length, an encoding, the payload.
    private func ziplist(_ entries: [[UInt8]]) -> [UInt8] {
        var body: [UInt8] = []
        var prev = 0
        var lastStart = 10
        for e in entries {
            lastStart = 10 + body.count
            var entry: [UInt8] = prev < 254 ? [UInt8(prev)] : [0xFE] + le(prev, 4)
            entry += e
            prev = entry.count
            body += entry
        }
        let total = 10 + body.count + 1
        return le(total, 4) + le(entries.isEmpty ? 10 : lastStart, 4) + le(entries.count, 2) + body + [0xFF]
    }

    private func le(_ v: Int, _ n: Int) -> [UInt8] { (0..<n).map { UInt8(truncatingIfNeeded: v >> (8 * $0)) } }

    private func str(_ s: [UInt8]) -> [UInt8] {
        if s.count < 64 { return [UInt8(s.count)] + s }
        if s.count < 16384 { return [0x40 | UInt8(s.count >> 8), UInt8(s.count & 0xFF)] + s }
        return [0x80, UInt8(s.count >> 24), UInt8((s.count >> 16) & 0xFF), UInt8((s.count >> 8) & 0xFF), UInt8(s.count & 0xFF)] + s
    }

    private func decode(_ b: [UInt8]) -> [String]? {
        b.withUnsafeBytes { RDBLegacyEncodings.ziplistEntries($0) }?.map { String(decoding: $0, as: UTF8.self) }
    }

    func testEveryZiplistEncodingDecodes() {
        let long = [UInt8](repeating: 120, count: 300)
        let huge = [UInt8](repeating: 121, count: 20_000)
        let entries: [[UInt8]] = [
            str(Array("f1".utf8)), [0xF1], [0xFD],                           // 0 and 12 inside the byte
            [0xFE, 0x80], [0xC0] + le(-300, 2), [0xF0] + le(-70_000, 3),     // int8, int16, int24
            [0xD0] + le(100_000_000, 4), [0xE0] + le(-5_000_000_000, 8),     // int32, int64
            str(long), str(huge),                                            // 14-bit, 32-bit lengths
        ]
        let got = decode(ziplist(entries))
        XCTAssertEqual(got, ["f1", "0", "12", "-128", "-300", "-70000", "100000000", "-5000000000",
                             String(decoding: long, as: UTF8.self), String(decoding: huge, as: UTF8.self)])
    }

    func testRedisFixtureBytesDecode() {
        // The ziplist of Redis's hash-ziplist test file and the zipmap of hash-zipmap.
        let zl: [UInt8] = [0x1b, 0, 0, 0, 0x16, 0, 0, 0, 4, 0, 0, 2, 0x66, 0x31, 4, 2, 0x76, 0x31, 4, 2, 0x66, 0x32,
                           4, 2, 0x76, 0x32, 0xff]
        XCTAssertEqual(decode(zl), ["f1", "v1", "f2", "v2"])
        let zm: [UInt8] = [2, 2, 0x66, 0x31, 2, 0, 0x76, 0x31, 2, 0x66, 0x32, 2, 0, 0x76, 0x32, 0xff]
        XCTAssertEqual(zm.withUnsafeBytes { RDBLegacyEncodings.zipmapPairs($0) }?.map { String(decoding: $0, as: UTF8.self) },
                       ["f1", "v1", "f2", "v2"])
    }

    func testDamageIsRefusedWithoutCrashing() {
        let good = ziplist([str(Array("field".utf8)), [0xD0] + le(7, 4), str([UInt8](repeating: 65, count: 70))])
        XCTAssertNotNil(decode(good))
        var bad = good; bad[0] &+= 1; XCTAssertNil(decode(bad), "total bytes")
        bad = good; bad[4] &+= 1; XCTAssertNil(decode(bad), "tail offset")
        bad = good; bad[8] = 9; XCTAssertNil(decode(bad), "count")
        bad = good; bad[17] = 0xF5; XCTAssertNil(decode(bad), "previous length")
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<3000 {
            var d = good
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                d[Int.random(in: 0..<d.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { d = Array(d.prefix(Int.random(in: 0..<d.count, using: &rng))) }
            _ = decode(d)
            _ = d.withUnsafeBytes { RDBLegacyEncodings.zipmapPairs($0) }
        }
    }
}
