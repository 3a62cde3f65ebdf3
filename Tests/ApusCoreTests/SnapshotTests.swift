// Tests for forkless snapshots: the sink must receive exactly the keyspace contents
// at the cut — every key once, with its cut-time value and TTL, under its cut-time
// database index — no matter which writes, expiries, renames, moves, copies,
// SWAPDBs, FLUSHDBs and table resizes run between the snapshot's steps.

import XCTest
@testable import ApusCore

struct SnapRecord: Hashable, CustomStringConvertible {
    let db: Int
    let key: String
    let type: UInt8
    let value: String
    let ttl: Int64
    var description: String { "db\(db) \(key)=\(value.prefix(20)) ttl=\(ttl)" }
}

final class SnapshotRecordingSink: SnapshotSink {
    var records: [SnapRecord] = []
    override func emit(db: Int, entry: KeyEntry) {
        records.append(SnapRecord(db: db, key: entry.testKeyString, type: entry.type.rawValue,
                                  value: entry.isObject ? "<obj>" : entry.testValueString,
                                  ttl: entry.hasExpire ? entry.expireAt : -1))
    }
}

final class SnapshotTests: XCTestCase {
    let t0: Int64 = 1_700_000_000_000

    func contents(_ ks: Keyspace) -> [SnapRecord] {
        var out: [SnapRecord] = []
        for db in ks.dbs {
            db.table.forEach { e in
                out.append(SnapRecord(db: db.id, key: e.testKeyString, type: e.type.rawValue,
                                      value: e.testValueString, ttl: e.hasExpire ? e.expireAt : -1))
            }
        }
        return out
    }

    func assertExactlyOnce(_ sink: SnapshotRecordingSink, _ expected: [SnapRecord], file: StaticString = #filePath, line: UInt = #line) {
        var byKey: [String: Int] = [:]
        for r in sink.records { byKey["\(r.db)/\(r.key)", default: 0] += 1 }
        let dups = byKey.filter { $0.value > 1 }
        XCTAssertTrue(dups.isEmpty, "emitted more than once: \(dups.keys.prefix(5))", file: file, line: line)
        let got = Set(sink.records), want = Set(expected)
        XCTAssertEqual(sink.records.count, expected.count, file: file, line: line)
        XCTAssertEqual(got.subtracting(want).count, 0, "unexpected: \(Array(got.subtracting(want)).prefix(5))", file: file, line: line)
        XCTAssertEqual(want.subtracting(got).count, 0, "missing: \(Array(want.subtracting(got)).prefix(5))", file: file, line: line)
    }

    func set(_ ks: Keyspace, _ db: Int, _ key: String, _ value: String, ttl: Int64? = nil, now: Int64) {
        ksBytes(key) { k in ksBytes(value) { _ = ks.dbs[db].setString(k, .bytes($0), expireAt: ttl, now: now, event: .none) } }
    }

    func testQuiescentSnapshotEmitsEverythingOnceAndNotNewKeys() {
        let ks = Keyspace(databases: 3)
        for d in 0..<3 { for i in 0..<1_000 { set(ks, d, "k\(i)", "v\(d)-\(i)", ttl: i % 4 == 0 ? t0 + 1000 : nil, now: t0) } }
        let expected = contents(ks)
        let sink = SnapshotRecordingSink()
        let snap = ks.beginSnapshot(sink: sink)
        XCTAssertTrue(ks.activeSnapshot === snap)
        XCTAssertEqual(snap.keysTotal, 3_000)
        var steps = 0
        while !snap.step(maxEntries: 100) {
            set(ks, steps % 3, "new\(steps)", "x", now: t0)   // written after the cut: never emitted
            steps += 1
        }
        XCTAssertGreaterThan(steps, 20)
        XCTAssertNil(ks.activeSnapshot)
        XCTAssertEqual(snap.keysProcessed, 3_000)
        assertExactlyOnce(sink, expected)
        // A second snapshot sees the new keys too.
        let sink2 = SnapshotRecordingSink()
        let s2 = ks.beginSnapshot(sink: sink2)
        while !s2.step(maxEntries: 1_000) {}
        assertExactlyOnce(sink2, contents(ks))
    }

    /// The model test: random interleaving of steps and every kind of write.
    func testSnapshotDeliversExactCutUnderRandomConcurrentWrites() {
        for seed in 1...4 { runModel(seed: UInt64(seed)) }
    }

    func runModel(seed: UInt64) {
        FastRandom.seed(seed &* 0x9E37_79B9)
        var rng = SnapshotModelRNG(seed: seed)
        let ndb = 5
        let ks = Keyspace(databases: ndb)
        var now = t0
        let keySpace = 1_500
        for d in 0..<ndb {
            for i in 0..<(800 + d * 200) {
                let v: String
                switch i % 4 {
                case 0: v = "\(i * 7)"
                case 1: v = "short-\(d)-\(i)"
                case 2: v = String(repeating: "L", count: 45 + i % 80)
                default: v = ""
                }
                // Some keys are already expired at the cut: they must be emitted as they are.
                let ttl: Int64? = i % 5 == 0 ? now + Int64(rng.below(4_000)) - 500 : nil
                set(ks, d, "k\(i)", v, ttl: ttl, now: now)
            }
        }
        let expected = contents(ks)
        let sink = SnapshotRecordingSink()
        let snap = ks.beginSnapshot(sink: sink)
        var volatile = 0
        var steps = 0
        func rk() -> String { "k\(rng.below(keySpace))" }
        while !snap.step(maxEntries: 1 + rng.below(60)) {
            steps += 1
            for _ in 0..<(1 + rng.below(12)) {
                let d = rng.below(ndb)
                let db = ks.dbs[d]
                switch rng.below(100) {
                case 0..<15:
                    set(ks, d, rk(), rng.below(2) == 0 ? "\(rng.below(1000))" : "val\(steps)",
                        ttl: rng.below(3) == 0 ? now + Int64(rng.below(3000)) : nil, now: now)
                case 15..<22:
                    if let e = ksBytes(rk(), { db.lookupWrite($0, now: now) }) {
                        _ = ksBytes("+app\(steps)") { db.appendString(e, $0) }
                    }
                case 22..<27:
                    if let e = ksBytes(rk(), { db.lookupWrite($0, now: now) }) {
                        _ = ksBytes("RANGE") { db.setRange(e, offset: rng.below(60), $0) }
                    }
                case 27..<32:
                    if let e = ksBytes(rk(), { db.lookupWrite($0, now: now) }) {
                        _ = db.setInt(e, Int64(rng.below(1_000_000)))
                    }
                case 32..<42:
                    _ = ksBytes(rk()) { db.delete($0, now: now, event: .none) }
                case 42..<50:
                    now += Int64(rng.below(200))
                    for _ in 0..<5 { _ = ksBytes(rk()) { db.lookupReadNoStats($0, now: now) } }
                case 50..<53:
                    ks.activeExpireCycle(now: now, timeLimitUs: 1_000)
                case 53..<60:
                    if let e = ksBytes(rk(), { db.lookupWrite($0, now: now) }) {
                        if rng.below(2) == 0 { _ = db.setExpire(e, at: now + Int64(rng.below(5000)), event: .none) } else { _ = db.removeExpire(e) }
                    }
                case 60..<67:
                    _ = ksBytes(rk()) { a in ksBytes(rk()) { b in ks.rename(db: d, from: a, to: b, nx: rng.below(4) == 0, now: now) } }
                case 67..<73:
                    let to = rng.below(ndb)
                    if to != d { _ = ksBytes(rk()) { ks.moveKey(from: d, $0, to: to, now: now) } }
                case 73..<78:
                    let to = rng.below(ndb)
                    _ = ksBytes(rk()) { a in ksBytes(rk()) { b in
                        ks.copyKey(from: d, a, to: to, destinationKey: b, replace: rng.below(2) == 0, now: now) } }
                case 78..<81:
                    ks.swapDB(d, rng.below(ndb))
                case 81:
                    if rng.below(4) == 0 { db.flush(async: rng.below(2) == 0) }
                case 82..<88:
                    // Bulk inserts force growth (and rehashing) mid-scan.
                    for _ in 0..<200 { set(ks, d, "bulk\(volatile)", "b", now: now); volatile += 1 }
                case 88..<93:
                    // Bulk deletes then a shrink.
                    for _ in 0..<400 where volatile > 0 {
                        volatile -= 1
                        for x in 0..<ndb { _ = ksBytes("bulk\(volatile)") { ks.dbs[x].delete($0, event: .none) } }
                    }
                    ks.resizeAndRehash(rehashMilliseconds: 1)
                case 93..<96:
                    _ = db.randomKey(now: now)
                default:
                    db.table.rehash(rng.below(20))
                }
            }
        }
        XCTAssertGreaterThan(steps, 30)
        XCTAssertEqual(snap.keysProcessed, snap.keysTotal)
        assertExactlyOnce(sink, expected)
        ks.lazyFreeStep(maxEntries: Int.max)
        // Accounting still exact after all of that (detached tables freed).
        var acc = 0
        for db in ks.dbs {
            db.table.forEach { acc += $0.allocatedSize }
            acc += db.table.memoryBytes + db.expires.memoryBytes
        }
        XCTAssertEqual(ks.usedMemory, acc)
    }

    func testFlushAllDuringSnapshotStillEmitsCutAndFreesDetachedTables() {
        let ks = Keyspace(databases: 2)
        for d in 0..<2 { for i in 0..<2_000 { set(ks, d, "k\(i)", "value-\(i)", now: t0) } }
        let expected = contents(ks)
        let sink = SnapshotRecordingSink()
        let snap = ks.beginSnapshot(sink: sink)
        _ = snap.step(maxEntries: 500)
        XCTAssertEqual(ks.flushAll(), 4_000)
        XCTAssertEqual(ks.totalKeys, 0)
        set(ks, 0, "k1", "after", now: t0)
        while !snap.step(maxEntries: 300) {}
        assertExactlyOnce(sink, expected)
        ks.lazyFreeStep(maxEntries: Int.max)
        ksBytes("k1") { _ = ks.dbs[0].delete($0, event: .none) }
        ks.flushAll()
        XCTAssertEqual(ks.usedMemory, 0)
    }

    func testAbortStopsEmissionAndReleasesDetachedTables() {
        let ks = Keyspace(databases: 1)
        for i in 0..<3_000 { set(ks, 0, "k\(i)", "v", now: t0) }
        let sink = SnapshotRecordingSink()
        let snap = ks.beginSnapshot(sink: sink)
        _ = snap.step(maxEntries: 100)
        let emitted = sink.records.count
        ks.dbs[0].flush()
        snap.abort()
        XCTAssertTrue(snap.isAborted)
        XCTAssertNil(ks.activeSnapshot)
        XCTAssertTrue(snap.step(maxEntries: 100))
        XCTAssertEqual(sink.records.count, emitted)
        ks.lazyFreeStep(maxEntries: Int.max)
        XCTAssertEqual(ks.usedMemory, 0)
        // Writes after the abort do not reach the sink.
        set(ks, 0, "x", "y", now: t0)
        ksBytes("x") { _ = ks.dbs[0].delete($0, event: .none) }
        XCTAssertEqual(sink.records.count, emitted)
    }

    func testSwapDBAfterCutKeepsCutIndices() {
        let ks = Keyspace(databases: 2)
        set(ks, 0, "zero", "0", now: t0)
        set(ks, 1, "one", "1", now: t0)
        let sink = SnapshotRecordingSink()
        let snap = ks.beginSnapshot(sink: sink)
        ks.swapDB(0, 1)
        // Modify the key now living in db 0 (was db 1 at the cut): emitted under 1.
        _ = ksBytes("one") { ks.dbs[0].delete($0, event: .none) }
        while !snap.step(maxEntries: 10) {}
        XCTAssertEqual(Set(sink.records.map { "\($0.db):\($0.key)" }), ["0:zero", "1:one"])
    }
}

/// Deterministic PRNG for reproducible model runs.
struct SnapshotModelRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}
