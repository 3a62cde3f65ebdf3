// Tests for CRC-64/Jones (Persistence/CRC64.swift): the published check value, agreement
// between the slice-by-8 path and a bit-at-a-time reference, and incremental updates.
import XCTest
@testable import ApusCore

final class CRC64Tests: XCTestCase {
    /// Straightforward bitwise CRC-64/Jones (reflected), independent of the table code.
    private func referenceCRC(_ bytes: [UInt8]) -> UInt64 {
        var crc: UInt64 = 0
        for b in bytes {
            crc ^= UInt64(b)
            for _ in 0..<8 {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x95ac_9329_ac4b_c9b5 : crc >> 1
            }
        }
        return crc
    }

    func testCheckValueOf123456789() {
        XCTAssertEqual(CRC64.checksum(Array("123456789".utf8)), 0xe9c6_d914_c4b8_d9ca)
    }

    func testEmptyInputLeavesCRCUnchanged() {
        XCTAssertEqual(CRC64.checksum([]), 0)
        XCTAssertEqual(CRC64.update(0x1234, UnsafeRawBufferPointer(start: nil, count: 0)), 0x1234)
    }

    func testTableDrivenMatchesBitwiseReferenceForAllLengthsAndAlignments() {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<300).map { _ in UInt8.random(in: 0...255, using: &rng) }
        data.withUnsafeBytes { all in
            for start in 0..<9 {
                for len in [0, 1, 7, 8, 9, 15, 16, 17, 63, 64, 100, 291 - start] {
                    let slice = UnsafeRawBufferPointer(rebasing: all[start ..< start + len])
                    XCTAssertEqual(CRC64.update(0, slice), referenceCRC(Array(slice)), "start \(start) len \(len)")
                }
            }
        }
    }

    func testIncrementalUpdatesEqualOneShot() {
        let data = (0..<10_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 3) }
        let whole = CRC64.checksum(data)
        data.withUnsafeBytes { all in
            var crc: UInt64 = 0
            var i = 0
            var step = 1
            while i < all.count {
                let n = min(step, all.count - i)
                crc = CRC64.update(crc, UnsafeRawBufferPointer(rebasing: all[i ..< i + n]))
                i += n
                step = step * 3 % 1000 + 1
            }
            XCTAssertEqual(crc, whole)
        }
    }
}
