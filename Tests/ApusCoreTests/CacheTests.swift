// The cache's building blocks without a network: the eviction pool keeps the 16 best
// candidates in score order (7.0's evictionPoolPopulate), the LFU counter grows
// logarithmically as 7.0's does with lfu-log-factor and decays with lfu-decay-time,
// candidates come only from the keys a policy may take, and the tracking table
// remembers readers once, hands them over on a write and keeps its key list dense.

import XCTest
@testable import ApusCore

final class CacheTests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    func testPoolKeepsTheBestSixteenInOrder() {
        var pool = EvictionPool()
        for (i, s) in [50, 10, 90, 30, 70].enumerated() {
            bytes("k\(i)").withUnsafeBytes { pool.insert(score: UInt64(s), db: 0, key: $0) }
        }
        let held = (0..<EvictionPool.size).filter { pool.used[$0] }.map { pool.score[$0] }
        XCTAssertEqual(held, [10, 30, 50, 70, 90], "ascending: the best candidate is last")
        for s in 100..<130 { bytes("x\(s)").withUnsafeBytes { pool.insert(score: UInt64(s), db: 1, key: $0) } }
        XCTAssertTrue(pool.used.allSatisfy { $0 })
        XCTAssertEqual(pool.score[EvictionPool.size - 1], 129)
        XCTAssertEqual(pool.score[0], 114, "the worst were pushed out")
        bytes("low").withUnsafeBytes { pool.insert(score: 1, db: 0, key: $0) }
        XCTAssertEqual(pool.score[0], 114, "a full pool ignores a worse candidate")
        XCTAssertEqual(pool.keys[EvictionPool.size - 1], bytes("x129"))
        pool.clear()
        XCTAssertFalse(pool.used.contains(true))
    }

    func testLFUCounterGrowsLogarithmicallyAndDecays() {
        let ks = Keyspace(databases: 1)
        ks.lfuEnabled = true
        ks.lfuLogFactor = 10
        let db = ks.dbs[0]
        let e = bytes("k").withUnsafeBytes { k in bytes("v").withUnsafeBytes { db.setString(k, .bytes($0), now: 0, event: .none) } }
        XCTAssertEqual(ks.lfuDecayedCounter(e.lru), 5, "new keys start at 5")
        for _ in 0..<100 { ks.touch(e) }
        let after100 = ks.lfuDecayedCounter(e.lru)
        for _ in 0..<9_900 { ks.touch(e) }
        let after10k = ks.lfuDecayedCounter(e.lru)
        // 7.0's table for factor 10: ~10 after 100 hits, ~18 after 1k, ~142 after 100k.
        XCTAssertTrue((8...18).contains(after100), "\(after100)")
        XCTAssertTrue((30...80).contains(after10k), "\(after10k)")
        // Decay: one step per lfu-decay-time minutes elapsed.
        let stamp = (UInt32(0) << 8) | 40
        let minutes = UInt32(truncatingIfNeeded: time(nil) / 60) & 0xFFFF
        let tenMinutesAgo = ((minutes &- 10) & 0xFFFF) << 8 | 40
        XCTAssertEqual(ks.lfuDecayedCounter(tenMinutesAgo), 30)
        ks.lfuDecayTime = 0
        XCTAssertEqual(ks.lfuDecayedCounter(tenMinutesAgo), 40, "lfu-decay-time 0: no decay")
        _ = stamp
    }

    func testCandidatesComeFromThePolicysKeys() {
        let ks = Keyspace(databases: 2)
        let now: Int64 = 1_000
        for i in 0..<50 {
            _ = bytes("plain\(i)").withUnsafeBytes { k in bytes("v").withUnsafeBytes { ks.dbs[0].setString(k, .bytes($0), now: now, event: .none) } }
        }
        for i in 0..<5 {
            _ = bytes("ttl\(i)").withUnsafeBytes { k in
                bytes("v").withUnsafeBytes { ks.dbs[1].setString(k, .bytes($0), expireAt: now + 1000 * Int64(i + 1), now: now, event: .none) }
            }
        }
        var st = EvictionState()
        st.policy = .volatileTTL
        let first = ks.nextEvictionCandidate(&st, samples: 5)   // five keys: sampled whole
        XCTAssertEqual(first?.0, 1)
        XCTAssertEqual(first.map { String(decoding: $0.1, as: UTF8.self) }, "ttl0", "the nearest expiry first")
        st = EvictionState()
        st.policy = .volatileRandom
        for _ in 0..<20 {
            let c = ks.nextEvictionCandidate(&st, samples: 5)
            XCTAssertEqual(c?.0, 1, "only keys with a TTL")
        }
        st.policy = .noEviction
        XCTAssertNil(ks.nextEvictionCandidate(&st, samples: 5))
        let empty = Keyspace(databases: 1)
        st.policy = .allKeysLRU
        XCTAssertNil(empty.nextEvictionCandidate(&st, samples: 5))
    }

    func testTrackingTableRemembersOnceAndHandsOver() {
        let t = TrackingTable()
        bytes("a").withUnsafeBytes { t.remember($0, id: 1) }
        bytes("a").withUnsafeBytes { t.remember($0, id: 1) }
        bytes("a").withUnsafeBytes { t.remember($0, id: 2) }
        bytes("b").withUnsafeBytes { t.remember($0, id: 1) }
        XCTAssertEqual(t.keyCount, 2)
        XCTAssertEqual(t.totalItems, 3)
        XCTAssertEqual(t.take(bytes("a")), [1, 2])
        XCTAssertNil(t.take(bytes("a")), "an invalidated key is forgotten")
        XCTAssertEqual(t.keys, [bytes("b")], "the key list stays dense")
        XCTAssertEqual(t.totalItems, 1)
        t.addPrefix(bytes("user:"), client: 7)
        bytes("user:1").withUnsafeBytes { t.keyWrittenForBroadcast($0, by: 3) }
        bytes("other").withUnsafeBytes { t.keyWrittenForBroadcast($0, by: 3) }
        XCTAssertEqual(t.prefixes[bytes("user:")]?.order, [bytes("user:1")])
        t.removePrefix(bytes("user:"), client: 7)
        XCTAssertEqual(t.prefixCount, 0)
    }
}
