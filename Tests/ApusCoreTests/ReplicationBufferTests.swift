// The shared replication buffer: offsets as Redis counts them (the first byte fed is
// offset 1), bytes read back across block boundaries from any held position, the
// backlog window (first byte, history length, what PSYNC may continue from) and
// which blocks trimming frees while a reader still needs them.

import XCTest
@testable import ApusCore

final class ReplicationBufferTests: XCTestCase {
    private func feed(_ b: ReplicationBuffer, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { b.append($0) }
    }

    private func read(_ b: ReplicationBuffer, from position: Int64) -> [UInt8] {
        var out: [UInt8] = []
        b.forEachPiece(from: position) { out += $0; return true }
        return out
    }

    func testOffsetsCountEveryByteAndReadBackAcrossBlocks() {
        let b = ReplicationBuffer()
        b.create()
        XCTAssertEqual(b.backlogStart, 1)
        XCTAssertEqual(b.historyLength, 0)
        let data = (0..<(ReplicationBuffer.blockSize * 2 + 100)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        feed(b, data)
        XCTAssertEqual(b.offset, Int64(data.count))
        XCTAssertEqual(b.historyLength, Int64(data.count))
        XCTAssertEqual(read(b, from: 1), data)
        XCTAssertEqual(read(b, from: Int64(ReplicationBuffer.blockSize) + 5), Array(data[(ReplicationBuffer.blockSize + 4)...]))
        XCTAssertEqual(read(b, from: b.offset + 1), [])
    }

    func testPsyncMayContinueFromAnyHeldByteOrTheNextOne() {
        let b = ReplicationBuffer()
        feed(b, [1, 2, 3])            // no backlog yet: nothing is kept
        XCTAssertFalse(b.backlogCovers(1))
        b.create()
        XCTAssertEqual(b.backlogStart, 4)
        feed(b, [4, 5])
        XCTAssertTrue(b.backlogCovers(4))
        XCTAssertTrue(b.backlogCovers(6))    // nothing missing: +CONTINUE with no bytes
        XCTAssertFalse(b.backlogCovers(3))
        XCTAssertFalse(b.backlogCovers(7))
    }

    func testTheBacklogKeepsAtLeastItsSizeAndFreesWhatNoReaderNeeds() {
        let b = ReplicationBuffer()
        b.backlogSize = ReplicationBuffer.minBacklogSize
        b.create()
        let block = ReplicationBuffer.blockSize
        feed(b, [UInt8](repeating: 1, count: block * 5))
        // A reader still at offset 1 keeps every block.
        b.trim(oldestReader: 1)
        XCTAssertEqual(b.allocatedBytes, block * 5)
        XCTAssertGreaterThanOrEqual(b.historyLength, Int64(b.backlogSize))
        XCTAssertFalse(b.backlogCovers(1))
        XCTAssertEqual(read(b, from: 1).count, block * 5)
        // Without readers, only the backlog's blocks stay.
        b.trim(oldestReader: nil)
        XCTAssertGreaterThanOrEqual(b.historyLength, Int64(b.backlogSize))
        XCTAssertLessThan(b.historyLength, Int64(b.backlogSize + block))
        XCTAssertEqual(Int64(b.allocatedBytes), b.historyLength)
        XCTAssertEqual(read(b, from: b.backlogStart).count, Int(b.historyLength))
    }

    func testRebaseRenumbersWithoutKeepingAnything() {
        let b = ReplicationBuffer()
        b.create()
        feed(b, [1, 2, 3])
        b.rebase(to: 1000)
        XCTAssertEqual(b.offset, 1000)
        XCTAssertEqual(b.allocatedBytes, 0)
        feed(b, [9])
        XCTAssertEqual(b.offset, 1001)
        XCTAssertEqual(read(b, from: 1001), [9])
    }
}
