// The per-slot key index of cluster mode (Keyspace/SlotIndex.swift), kept by the
// database's table-mutation point: counts and members per slot stay exact through
// inserts, overwrites that move entries (APPEND growth), TTL changes, deletes,
// flushes and a database swap.

import XCTest
@testable import ApusCore

final class SlotIndexTests: XCTestCase {
    private func key(_ i: Int) -> [UInt8] { Array("key:\(i)".utf8) }

    private func expected(_ live: Set<Int>) -> [Int: Set<[UInt8]>] {
        var out: [Int: Set<[UInt8]>] = [:]
        for i in live { out[HashSlot.of(key(i)), default: []].insert(key(i)) }
        return out
    }

    private func assertIndex(_ db: Database, _ live: Set<Int>, file: StaticString = #filePath, line: UInt = #line) {
        guard let index = db.slotIndex else { return XCTFail("no index", file: file, line: line) }
        let want = expected(live)
        var total = 0
        for s in 0..<HashSlot.count {
            let got = Set(index.entries(s).map { Array(UnsafeRawBufferPointer($0.key)) })
            XCTAssertEqual(index.count(s), got.count, "slot \(s)", file: file, line: line)
            XCTAssertEqual(got, want[s] ?? [], "slot \(s)", file: file, line: line)
            total += got.count
        }
        XCTAssertEqual(total, live.count, file: file, line: line)
    }

    func testIndexFollowsEveryChangeOfTheKeySet() {
        let ks = Keyspace(databases: 2)
        ks.enableSlotIndex()
        let db = ks.dbs[0]
        var live = Set<Int>()
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20000 {
            let i = Int(rng.next() % 3000)
            switch rng.next() % 5 {
            case 0, 1:
                _ = key(i).withUnsafeBytes { k in Array("v".utf8).withUnsafeBytes { db.setString(k, .raw($0), now: 0, event: .none) } }
                live.insert(i)
            case 2:
                // A value that grows moves its entry to a new block.
                if let e = key(i).withUnsafeBytes({ db.lookupReadNoStats($0, now: 0) }) {
                    let big = [UInt8](repeating: 120, count: 200)
                    _ = big.withUnsafeBytes { db.appendString(e, $0) }
                }
            case 3:
                if let e = key(i).withUnsafeBytes({ db.lookupReadNoStats($0, now: 0) }) {
                    _ = db.setExpire(e, at: 1_000_000, event: .none)
                }
            default:
                _ = key(i).withUnsafeBytes { db.delete($0, event: .none) }
                live.remove(i)
            }
        }
        assertIndex(db, live)
        // A swap moves the index with the contents; a flush empties it.
        ks.dbs[0].swapContents(with: ks.dbs[1])
        assertIndex(ks.dbs[1], live)
        assertIndex(ks.dbs[0], [])
        ks.dbs[1].flush()
        assertIndex(ks.dbs[1], [])
    }

    func testIndexOnlyInClusterMode() {
        let ks = Keyspace(databases: 1)
        XCTAssertNil(ks.dbs[0].slotIndex)
        _ = key(1).withUnsafeBytes { k in Array("v".utf8).withUnsafeBytes { ks.dbs[0].setString(k, .raw($0), now: 0, event: .none) } }
        ks.enableSlotIndex()
        XCTAssertEqual(ks.dbs[0].slotIndex?.count(HashSlot.of(key(1))), 1)
    }
}
