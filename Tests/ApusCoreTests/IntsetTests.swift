// The intset is Redis's format byte for byte: built member by member it equals the blob
// real Redis 7.0.15 holds (the hex below is the intset inside its DUMP payloads for the
// same sets, with rdbcompression off), widths upgrade in place, removal keeps the order,
// and validation refuses damaged blobs.

import XCTest
@testable import ApusCore

final class IntsetTests: XCTestCase {
    private func build(_ values: [Int64]) -> Intset {
        var s = Intset()
        for v in values { s.insert(v) }
        return s
    }

    func testBuiltIntsetsEqualRedisBytes() {
        let cases: [([Int64], String)] = [
            ([5, -3, 100, 32767, -32768], "02000000050000000080fdff05006400ff7f"),
            ([5, 70000, -3], "0400000003000000fdffffff0500000070110100"),
            ([5, Int64.max, Int64.min, 70000],
             "0800000004000000000000000000008005000000000000007011010000000000ffffffffffffff7f"),
        ]
        for (values, want) in cases {
            let s = build(values)
            XCTAssertEqual(Array(s.bytes), hexBytes(want), "\(values)")
            XCTAssertEqual(Intset.validate(s.bytes), values.count)
            s.free()
        }
    }

    func testUpgradeRemoveAndSearch() {
        var s = build([3, 1, 2])
        defer { s.free() }
        XCTAssertEqual(s.width, 2)
        XCTAssertFalse(s.insert(2))
        XCTAssertTrue(s.insert(-100_000))     // upgrade, new value first
        XCTAssertEqual(s.width, 4)
        XCTAssertTrue(s.insert(1 << 40))      // upgrade, new value last
        XCTAssertEqual(s.width, 8)
        XCTAssertEqual((0..<s.count).map { s.value(at: $0) }, [-100_000, 1, 2, 3, 1 << 40])
        XCTAssertTrue(s.contains(2) && !s.contains(4) && !s.contains(Int64.max))
        XCTAssertTrue(s.remove(1))
        XCTAssertFalse(s.remove(1))
        XCTAssertEqual((0..<s.count).map { s.value(at: $0) }, [-100_000, 2, 3, 1 << 40])
        XCTAssertEqual(s.width, 8, "widths never shrink")
        XCTAssertEqual(Intset.validate(s.bytes), 4)
    }

    func testValidationRefusesDamage() {
        let s = build([1, 2, 3])
        defer { s.free() }
        let good = Array(s.bytes)
        func bad(_ b: [UInt8], _ why: String) { XCTAssertNil(b.withUnsafeBytes { Intset.validate($0) }, why) }
        var b = good; b[0] = 3; bad(b, "width")
        b = good; b[4] = 4; bad(b, "count")
        b = good; b[8] = 9; bad(b, "order")
        bad(Array(good.dropLast()), "truncated")
        bad([2, 0, 0, 0, 0, 0, 0, 0], "empty")
    }
}
