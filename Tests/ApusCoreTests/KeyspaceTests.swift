// Tests for the keyspace: the seeded hash, KeyTable (Redis dict behaviour: chaining,
// incremental rehash, reverse-binary SCAN guarantee across grow and shrink, random
// picks), string encodings (int/embstr/raw boundaries as Redis chooses them),
// in-place string edits, TTLs with lazy and active expiry, cross-db commands and
// memory accounting.

import XCTest
@testable import ApusCore

/// Runs `body` with the UTF-8 bytes of `s`.
func ksBytes<R>(_ s: String, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
    try Array(s.utf8).withUnsafeBytes(body)
}

extension KeyEntry {
    var testKeyString: String { String(decoding: key, as: UTF8.self) }
    var testValueString: String { withStringValue { String(decoding: $0, as: UTF8.self) } }
}

/// Allocates a bare string entry for table-level tests.
func ksMakeEntry(_ key: String, meter: MemoryMeter) -> KeyEntry {
    ksBytes(key) { KeyEntry.allocate(key: $0, valueBytes: 0, withExpire: false, version: 1, meter: meter) }
}

final class KeyspaceTests: XCTestCase {
    let now: Int64 = 1_700_000_000_000

    // MARK: - Hash

    func testHashIsDeterministicAndSpreadsAcrossLengths() {
        var seen = Set<UInt64>()
        var bytes = [UInt8]()
        for len in 0..<200 {
            let h1 = bytes.withUnsafeBytes { KeyHash.hash($0) }
            let h2 = bytes.withUnsafeBytes { KeyHash.hash($0) }
            XCTAssertEqual(h1, h2)
            seen.insert(h1)
            bytes.append(UInt8(truncatingIfNeeded: len &* 31))
        }
        XCTAssertEqual(seen.count, 200)
        // Single-bit changes move many output bits.
        let a = ksBytes("key:12345") { KeyHash.hash($0) }
        let b = ksBytes("key:12344") { KeyHash.hash($0) }
        XCTAssertGreaterThan((a ^ b).nonzeroBitCount, 16)
    }

    func testHashDependsOnSeed() {
        let saved = KeyHash.seed
        defer { KeyHash.seed = saved }
        let a = ksBytes("hello world") { KeyHash.hash($0) }
        KeyHash.seed = saved ^ 0xDEAD_BEEF
        let b = ksBytes("hello world") { KeyHash.hash($0) }
        XCTAssertNotEqual(a, b)
    }

    // MARK: - KeyTable

    func testTableAddFindRemoveAtScale() {
        let meter = MemoryMeter()
        let t = KeyTable(meter: meter)
        let n = 100_000
        for i in 0..<n {
            let e = ksMakeEntry("key:\(i)", meter: meter)
            t.add(e, hash: KeyHash.hash(e.key))
        }
        XCTAssertEqual(t.count, n)
        for i in stride(from: 0, to: n, by: 7) {
            let f = ksBytes("key:\(i)") { t.find($0, hash: KeyHash.hash($0)) }
            XCTAssertEqual(f?.testKeyString, "key:\(i)")
        }
        XCTAssertNil(ksBytes("key:\(n)") { t.find($0, hash: KeyHash.hash($0)) })
        for i in stride(from: 0, to: n, by: 2) {
            let r = ksBytes("key:\(i)") { t.remove($0, hash: KeyHash.hash($0)) }
            XCTAssertNotNil(r)
            r?.free(meter: meter)
        }
        XCTAssertEqual(t.count, n / 2)
        for i in 0..<1000 {
            let f = ksBytes("key:\(i)") { t.find($0, hash: KeyHash.hash($0)) }
            XCTAssertEqual(f != nil, i % 2 == 1)
        }
        // Growth keeps load ≤ 1 once rehashing completes.
        while t.rehash(100) {}
        XCTAssertGreaterThanOrEqual(t.bucketCount, t.count)
        t.removeAllAndFree()
        XCTAssertEqual(meter.bytes, 0)
    }

    func testScanReturnsEveryStableKeyAcrossGrowAndShrink() {
        let meter = MemoryMeter()
        let t = KeyTable(meter: meter)
        let stable = 5_000
        for i in 0..<stable {
            let e = ksMakeEntry("s:\(i)", meter: meter)
            t.add(e, hash: KeyHash.hash(e.key))
        }
        var seen = Set<String>()
        var cursor: UInt64 = 0
        var round = 0
        var volatileNext = 0
        repeat {
            cursor = t.scan(cursor: cursor) { seen.insert($0.testKeyString) }
            round += 1
            // Phase 1: grow a lot (several doublings, rehashing in between).
            if round < 200 {
                for _ in 0..<300 {
                    let e = ksMakeEntry("v:\(volatileNext)", meter: meter)
                    volatileNext += 1
                    t.add(e, hash: KeyHash.hash(e.key))
                }
            } else if round < 400 {
                // Phase 2: delete the volatile keys again and shrink.
                for _ in 0..<600 where volatileNext > 0 {
                    volatileNext -= 1
                    ksBytes("v:\(volatileNext)") { k in
                        t.remove(k, hash: KeyHash.hash(k))?.free(meter: meter)
                    }
                }
                t.resizeIfNeeded()
            }
            if round % 3 == 0 { t.rehash(5) }
        } while cursor != 0
        for i in 0..<stable { XCTAssertTrue(seen.contains("s:\(i)"), "missing s:\(i)") }
        t.removeAllAndFree()
        XCTAssertEqual(meter.bytes, 0)
    }

    func testPrefetchingScanVisitsLikeScanAcrossResizes() {
        let meter = MemoryMeter()
        let t = KeyTable(meter: meter)
        for i in 0..<3_000 {
            let e = ksMakeEntry("s:\(i)", meter: meter)
            t.add(e, hash: KeyHash.hash(e.key))
        }
        // On a stable table: the same cursors, each entry exactly once.
        var plain: [String] = []
        var cursor: UInt64 = 0
        repeat { cursor = t.scan(cursor: cursor) { plain.append($0.testKeyString) } } while cursor != 0
        var batched: [String] = []
        repeat {
            cursor = t.scanPrefetching(cursor: cursor, buckets: 7) { batched.append($0.testKeyString) }
        } while cursor != 0
        XCTAssertEqual(batched, plain)
        XCTAssertEqual(Set(batched).count, 3_000)
        // Growing between calls (rehashing included): every stable key still comes back.
        var seen = Set<String>()
        var extra = 0
        repeat {
            cursor = t.scanPrefetching(cursor: cursor, buckets: 5) { seen.insert($0.testKeyString) }
            for _ in 0..<40 {
                let e = ksMakeEntry("v:\(extra)", meter: meter)
                extra += 1
                t.add(e, hash: KeyHash.hash(e.key))
            }
        } while cursor != 0
        for i in 0..<3_000 { XCTAssertTrue(seen.contains("s:\(i)"), "missing s:\(i)") }
        t.removeAllAndFree()
        XCTAssertEqual(meter.bytes, 0)
    }

    func testScanDuringShrinkRehash() {
        let meter = MemoryMeter()
        let t = KeyTable(meter: meter)
        for i in 0..<20_000 {
            let e = ksMakeEntry("x:\(i)", meter: meter)
            t.add(e, hash: KeyHash.hash(e.key))
        }
        while t.rehash(100) {}
        for i in 100..<20_000 { ksBytes("x:\(i)") { t.remove($0, hash: KeyHash.hash($0))?.free(meter: meter) } }
        t.resizeIfNeeded()
        XCTAssertTrue(t.isRehashing)
        var seen = Set<String>()
        var cursor: UInt64 = 0
        repeat {
            cursor = t.scan(cursor: cursor) { seen.insert($0.testKeyString) }
            t.rehash(1)
        } while cursor != 0
        XCTAssertEqual(seen, Set((0..<100).map { "x:\($0)" }))
        while t.rehash(100) {}
        XCTAssertLessThanOrEqual(t.bucketCount, 128)
        t.removeAllAndFree()
    }

    func testRandomEntryCoversTheTable() {
        let meter = MemoryMeter()
        let t = KeyTable(meter: meter)
        XCTAssertNil(t.randomEntry())
        for i in 0..<64 {
            let e = ksMakeEntry("r:\(i)", meter: meter)
            t.add(e, hash: KeyHash.hash(e.key))
        }
        var seen = Set<String>()
        for _ in 0..<5_000 { seen.insert(t.randomEntry()!.testKeyString) }
        XCTAssertEqual(seen.count, 64)
        t.removeAllAndFree()
    }

    // MARK: - Strings

    func encodingAfterSet(_ v: String, _ db: Database) -> (String, String) {
        let e = ksBytes("enc") { k in ksBytes(v) { db.setString(k, .bytes($0), now: now, event: .none) } }
        return (e.encoding.name, e.testValueString)
    }

    func testStringEncodingBoundaries() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        XCTAssertEqual(encodingAfterSet("12345", db).0, "int")
        XCTAssertEqual(encodingAfterSet("-42", db).0, "int")
        XCTAssertEqual(encodingAfterSet("0", db).0, "int")
        XCTAssertEqual(encodingAfterSet("9223372036854775807", db).0, "int")
        XCTAssertEqual(encodingAfterSet("-9223372036854775808", db).0, "int")
        XCTAssertEqual(encodingAfterSet("-9223372036854775808", db).1, "-9223372036854775808")
        XCTAssertEqual(encodingAfterSet("9223372036854775808", db).0, "embstr")
        XCTAssertEqual(encodingAfterSet("012", db).0, "embstr")
        XCTAssertEqual(encodingAfterSet("+1", db).0, "embstr")
        XCTAssertEqual(encodingAfterSet("-0", db).0, "embstr")
        XCTAssertEqual(encodingAfterSet(" 1", db).0, "embstr")
        XCTAssertEqual(encodingAfterSet("", db).0, "embstr")
        XCTAssertEqual(encodingAfterSet(String(repeating: "a", count: 44), db).0, "embstr")
        let raw = String(repeating: "b", count: 45)
        XCTAssertEqual(encodingAfterSet(raw, db).0, "raw")
        XCTAssertEqual(encodingAfterSet(raw, db).1, raw)
        XCTAssertEqual(encodingAfterSet(String(repeating: "1", count: 21), db).0, "embstr")
        // createStringObject rules: numeric text stays embstr.
        let f = ksBytes("f") { k in ksBytes("3") { db.setString(k, .embstrOrRaw($0), now: now, event: .none) } }
        XCTAssertEqual(f.encoding, .embstr)
        XCTAssertEqual(f.stringLength, 1)
        let i = ksBytes("i") { db.setString($0, .int(-1234), now: now, event: .none) }
        XCTAssertTrue(i.isInt)
        XCTAssertEqual(i.stringLength, 5)
        XCTAssertEqual(i.testValueString, "-1234")
        XCTAssertEqual(i.type.name, "string")
        XCTAssertEqual(db.count, 3)
    }

    func testAppendGrowsGreedilyAndBecomesRaw() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        var e = ksBytes("a") { k in ksBytes("12") { db.setString(k, .bytes($0), now: now, event: .none) } }
        XCTAssertTrue(e.isInt)
        e = ksBytes("3") { db.appendString(e, $0) }
        XCTAssertEqual(e.testValueString, "123")
        XCTAssertEqual(e.encoding, .raw)
        var expected = "123"
        var moves = 0
        for i in 0..<2000 {
            let chunk = "chunk\(i);"
            let before = e.raw
            e = ksBytes(chunk) { db.appendString(e, $0) }
            if e.raw != before { moves += 1 }
            expected += chunk
        }
        XCTAssertEqual(e.testValueString, expected)
        XCTAssertLessThan(moves, 20, "greedy growth should make appends amortized O(1)")
        XCTAssertGreaterThanOrEqual(e.valueCapacity, expected.utf8.count)
        XCTAssertEqual(ksBytes("a") { db.lookupReadNoStats($0, now: now) }?.testValueString, expected)
    }

    func testSetRangePadsWithZerosAndIntBecomesText() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        var e = ksBytes("s") { k in ksBytes("99") { db.setString(k, .bytes($0), now: now, event: .none) } }
        e = ksBytes("ab") { db.setRange(e, offset: 4, $0) }
        XCTAssertEqual(e.withStringValue { Array($0) }, Array("99".utf8) + [0, 0] + Array("ab".utf8))
        XCTAssertEqual(e.encoding, .raw)
        e = ksBytes("X") { db.setRange(e, offset: 0, $0) }
        XCTAssertEqual(e.stringLength, 6)
        XCTAssertEqual(e.withStringValue { $0[0] }, UInt8(ascii: "X"))
    }

    func testIncrUpdatesIntInPlace() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        var e = ksBytes("n") { k in ksBytes("10") { db.setString(k, .bytes($0), now: now, event: .none) } }
        let p = e.raw
        for _ in 0..<100 { e = db.setInt(e, e.intValue + 1) }
        XCTAssertEqual(e.raw, p)
        XCTAssertEqual(e.testValueString, "110")
        // A text value becomes int-encoded.
        var t = ksBytes("t") { k in ksBytes("abc") { db.setString(k, .bytes($0), now: now, event: .none) } }
        t = db.setInt(t, 7)
        XCTAssertTrue(t.isInt)
        XCTAssertEqual(ksBytes("t") { db.lookupReadNoStats($0, now: now) }?.testValueString, "7")
    }

    func testOverwriteTTLRulesAndTypeChange() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        let e = ksBytes("k") { k in ksBytes("v") { db.setString(k, .bytes($0), expireAt: now + 5000, now: now, event: .none) } }
        XCTAssertEqual(db.expireAt(e), now + 5000)
        XCTAssertEqual(db.expiresCount, 1)
        let kept = ksBytes("k") { k in ksBytes("w") { db.setString(k, .bytes($0), keepTTL: true, now: now, event: .none) } }
        XCTAssertEqual(db.expireAt(kept), now + 5000)
        XCTAssertEqual(kept.testValueString, "w")
        let cleared = ksBytes("k") { k in ksBytes(String(repeating: "z", count: 300)) { db.setString(k, .bytes($0), now: now, event: .none) } }
        XCTAssertNil(db.expireAt(cleared))
        XCTAssertEqual(db.expiresCount, 0)
        XCTAssertEqual(cleared.stringLength, 300)
        var g = ksBytes("k") { db.lookupWrite($0, now: now) }!
        g = db.setExpire(g, at: now + 10, event: .none)
        XCTAssertEqual(g.testKeyString, "k")
        XCTAssertEqual(g.stringLength, 300)
        XCTAssertEqual(db.expiresCount, 1)
        XCTAssertTrue(db.removeExpire(g))
        XCTAssertFalse(db.removeExpire(g))
        XCTAssertEqual(g.stringLength, 300)
        XCTAssertEqual(g.testKeyString, "k")
        XCTAssertEqual(db.expiresCount, 0)
    }

    // MARK: - Expiry

    func testLazyExpiryDeletesOnAccess() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        ksBytes("t") { k in ksBytes("v") { _ = db.setString(k, .bytes($0), expireAt: now + 100, now: now, event: .none) } }
        XCTAssertNotNil(ksBytes("t") { db.lookupReadNoStats($0, now: now + 100) }, "Redis expires only when now > when")
        XCTAssertNil(ksBytes("t") { db.lookupReadNoStats($0, now: now + 101) })
        XCTAssertEqual(db.count, 0)
        XCTAssertEqual(db.expiresCount, 0)
        XCTAssertEqual(ks.expiredKeys, 1)
        // Replica mode: reads miss but the key stays.
        ks.deleteExpiredOnAccess = false
        ksBytes("r") { k in ksBytes("v") { _ = db.setString(k, .bytes($0), expireAt: now, now: now, event: .none) } }
        XCTAssertNil(ksBytes("r") { db.lookupReadNoStats($0, now: now + 1) })
        XCTAssertEqual(db.count, 1)
        XCTAssertNotNil(ksBytes("r") { db.peek($0) })
    }

    func testActiveExpireCycleEmptiesShortTTLKeys() {
        let ks = Keyspace(databases: 3)
        let stream = RecordingConsumer()
        ks.propagator.attach(stream)
        for d in 0..<3 {
            for i in 0..<5_000 {
                ksBytes("k\(i)") { k in ksBytes("v") { _ = ks.dbs[d].setString(k, .bytes($0), expireAt: now + 10, now: now, event: .none) } }
            }
            for i in 0..<100 {
                ksBytes("p\(i)") { k in ksBytes("v") { _ = ks.dbs[d].setString(k, .bytes($0), now: now, event: .none) } }
            }
            for i in 0..<50 {
                ksBytes("l\(i)") { k in ksBytes("v") { _ = ks.dbs[d].setString(k, .bytes($0), expireAt: now + 1_000_000, now: now, event: .none) } }
            }
        }
        XCTAssertEqual(ks.dirty, 3 * 5_150)
        // Before the TTL passes nothing is expired, and the cycle stops quickly.
        let early = ks.activeExpireCycle(now: now, timeLimitUs: 25_000)
        XCTAssertEqual(early.expired, 0)
        XCTAssertLessThanOrEqual(early.sampled, 3 * 20)
        var rounds = 0
        while ks.dbs.contains(where: { $0.expiresCount > 50 }) && rounds < 1000 {
            ks.activeExpireCycle(now: now + 11, timeLimitUs: 25_000)
            rounds += 1
        }
        for db in ks.dbs {
            XCTAssertEqual(db.count, 150)
            XCTAssertEqual(db.expiresCount, 50)
            XCTAssertGreaterThan(db.avgTTL, 0)
        }
        XCTAssertEqual(ks.expiredKeys, 15_000)
        // Each expiry enters the command stream as a DEL of its key in its database,
        // unwrapped as the server's cron flushes them.
        ks.propagator.noMulti = true
        ks.propagator.flush()
        XCTAssertEqual(stream.commands.count, 15_000)
        XCTAssertTrue(stream.commands.allSatisfy { $0.args.count == 2 && $0.args[0] == "DEL" && $0.args[1].hasPrefix("k") })
        XCTAssertEqual(Set(stream.commands.map { $0.db }), [0, 1, 2])
    }

    func testRandomKeySkipsAndDeletesExpired() {
        let ks = Keyspace(databases: 1)
        let db = ks.dbs[0]
        XCTAssertNil(db.randomKey(now: now))
        for i in 0..<200 {
            ksBytes("e\(i)") { k in ksBytes("v") { _ = db.setString(k, .bytes($0), expireAt: now - 1, now: now, event: .none) } }
        }
        ksBytes("live") { k in ksBytes("v") { _ = db.setString(k, .bytes($0), now: now, event: .none) } }
        for _ in 0..<20 { XCTAssertEqual(db.randomKey(now: now)?.testKeyString, "live") }
        db.delete(entry: db.randomKey(now: now)!, event: .none)
        for i in 0..<10 {
            ksBytes("e\(i)") { k in ksBytes("v") { _ = db.setString(k, .bytes($0), expireAt: now - 1, now: now, event: .none) } }
        }
        XCTAssertNil(db.randomKey(now: now))
        XCTAssertEqual(db.count, 0)
    }

    // MARK: - Cross-database commands

    func testRenameMoveCopySwapAndFlush() {
        let ks = Keyspace(databases: 4)
        let db0 = ks.dbs[0], db1 = ks.dbs[1]
        ksBytes("a") { k in ksBytes("A") { _ = db0.setString(k, .bytes($0), expireAt: now + 9000, now: now, event: .none) } }
        ksBytes("b") { k in ksBytes("B") { _ = db0.setString(k, .bytes($0), now: now, event: .none) } }
        // RENAME keeps the TTL and overwrites the destination.
        XCTAssertEqual(ksBytes("a") { k in ksBytes("b") { ks.rename(db: 0, from: k, to: $0, now: now) } }, .ok)
        XCTAssertNil(ksBytes("a") { db0.peek($0) })
        let b = ksBytes("b") { db0.lookupReadNoStats($0, now: now) }!
        XCTAssertEqual(b.testValueString, "A")
        XCTAssertEqual(db0.expireAt(b), now + 9000)
        XCTAssertEqual(db0.count, 1)
        XCTAssertEqual(db0.expiresCount, 1)
        XCTAssertEqual(ksBytes("zz") { k in ksBytes("b") { ks.rename(db: 0, from: k, to: $0, now: now) } }, .noSuchKey)
        ksBytes("c") { k in ksBytes("C") { _ = db0.setString(k, .bytes($0), now: now, event: .none) } }
        XCTAssertEqual(ksBytes("c") { k in ksBytes("b") { ks.rename(db: 0, from: k, to: $0, nx: true, now: now) } }, .targetExists)
        XCTAssertEqual(ksBytes("c") { k in ks.rename(db: 0, from: k, to: k, now: now) }, .ok)
        // MOVE carries the TTL; refuses when the target exists.
        XCTAssertTrue(ksBytes("b") { ks.moveKey(from: 0, $0, to: 1, now: now) })
        XCTAssertEqual(db0.expiresCount, 0)
        XCTAssertEqual(db1.expiresCount, 1)
        XCTAssertEqual(ksBytes("b") { db1.lookupReadNoStats($0, now: now) }.map { db1.expireAt($0) }, now + 9000)
        ksBytes("c") { k in ksBytes("other") { _ = db1.setString(k, .bytes($0), now: now, event: .none) } }
        XCTAssertFalse(ksBytes("c") { ks.moveKey(from: 0, $0, to: 1, now: now) })
        XCTAssertFalse(ksBytes("nope") { ks.moveKey(from: 0, $0, to: 1, now: now) })
        // COPY with and without REPLACE.
        XCTAssertFalse(ksBytes("c") { ks.copyKey(from: 0, $0, to: 1, destinationKey: $0, replace: false, now: now) })
        XCTAssertTrue(ksBytes("c") { ks.copyKey(from: 0, $0, to: 1, destinationKey: $0, replace: true, now: now) })
        XCTAssertEqual(ksBytes("c") { db1.lookupReadNoStats($0, now: now) }?.testValueString, "C")
        XCTAssertTrue(ksBytes("b") { k in ksBytes("b2") { ks.copyKey(from: 1, k, to: 1, destinationKey: $0, replace: false, now: now) } })
        XCTAssertEqual(ksBytes("b2") { db1.lookupReadNoStats($0, now: now) }.map { db1.expireAt($0) }, now + 9000)
        XCTAssertEqual(db1.expiresCount, 2)
        // SWAPDB exchanges contents, not Database identities.
        let c0 = db0.count, c1 = db1.count
        let dirty = ks.dirty
        ks.swapDB(0, 1)
        XCTAssertEqual(ks.dirty, dirty + 1)
        XCTAssertEqual(ks.dbs[0].count, c1)
        XCTAssertEqual(ks.dbs[1].count, c0)
        XCTAssertEqual(ks.dbs[0].id, 0)
        XCTAssertNotNil(ksBytes("b2") { ks.dbs[0].lookupReadNoStats($0, now: now) })
        XCTAssertEqual(ks.flushAll(), c0 + c1)
        XCTAssertEqual(ks.totalKeys, 0)
        XCTAssertEqual(ks.dirty, dirty + 1 + c0 + c1)
        XCTAssertEqual(ks.usedMemory, 0)
    }

    // MARK: - Memory accounting

    func accountedBytes(_ ks: Keyspace) -> Int {
        var total = 0
        for db in ks.dbs {
            db.table.forEach { total += $0.allocatedSize }
            total += db.table.memoryBytes + db.expires.memoryBytes
        }
        return total
    }

    func testMemoryAccountingMatchesAllocationsAndReturnsToBaseline() {
        let ks = Keyspace(databases: 2)
        XCTAssertEqual(ks.usedMemory, 0)
        let db = ks.dbs[0]
        for i in 0..<5_000 {
            let v = i % 3 == 0 ? "\(i)" : String(repeating: "v", count: i % 100)
            ksBytes("m:\(i)") { k in ksBytes(v) { _ = db.setString(k, .bytes($0), expireAt: i % 2 == 0 ? now + 100_000 : nil, now: now, event: .none) } }
        }
        for i in stride(from: 0, to: 5_000, by: 5) {
            var e = ksBytes("m:\(i)") { db.lookupWrite($0, now: now) }!
            e = ksBytes(String(repeating: "+", count: i % 700)) { db.appendString(e, $0) }
            if i % 10 == 0 { e = db.setExpire(e, at: now + 5, event: .none) }
        }
        for i in stride(from: 1, to: 5_000, by: 50) {
            ksBytes("m:\(i)") { k in ksBytes("r:\(i)") { _ = ks.rename(db: 0, from: k, to: $0, now: now) } }
        }
        ksBytes("m:2") { _ = ks.moveKey(from: 0, $0, to: 1, now: now) }
        XCTAssertEqual(ks.usedMemory, accountedBytes(ks))
        // Delete everything key by key.
        for d in ks.dbs {
            var keys = [[UInt8]]()
            d.table.forEach { keys.append(Array($0.key)) }
            for k in keys { XCTAssertTrue(k.withUnsafeBytes { d.delete($0, event: .none) }) }
            XCTAssertEqual(d.count, 0)
            XCTAssertEqual(d.expiresCount, 0)
        }
        ks.resizeAndRehash(rehashMilliseconds: 100)
        ks.resizeAndRehash(rehashMilliseconds: 100)
        XCTAssertEqual(ks.usedMemory, accountedBytes(ks), "only bucket arrays and expire arrays remain")
        ks.flushAll()
        XCTAssertEqual(ks.usedMemory, 0)
    }

    func testAsyncFlushFreesIncrementally() {
        let ks = Keyspace(databases: 1)
        for i in 0..<10_000 {
            ksBytes("k\(i)") { k in ksBytes("value") { _ = ks.dbs[0].setString(k, .bytes($0), now: now, event: .none) } }
        }
        XCTAssertEqual(ks.dbs[0].flush(async: true), 10_000)
        XCTAssertEqual(ks.dbs[0].count, 0)
        XCTAssertGreaterThan(ks.usedMemory, 0)
        var steps = 0
        while ks.lazyFreeStep(maxEntries: 1_000) { steps += 1 }
        XCTAssertGreaterThanOrEqual(steps, 9)
        XCTAssertEqual(ks.usedMemory, 0)
    }

    /// Accounting-based bytes per key for `key:N` → 16-byte values (the release-build
    /// RSS figure comes from the KeyBench scratch executable).
    func testBytesPerKeyForSmallStrings() {
        let ks = Keyspace(databases: 1)
        let n = 200_000
        let value = [UInt8](repeating: UInt8(ascii: "x"), count: 16)
        value.withUnsafeBytes { v in
            for i in 0..<n { ksBytes("key:\(i)") { _ = ks.dbs[0].setString($0, .bytes(v), now: now, event: .none) } }
        }
        while ks.dbs[0].table.rehash(1000) {}
        let perKey = Double(ks.usedMemory) / Double(n)
        print("keyspace bytes/key (200k key:N → 16 B): \(perKey)")
        XCTAssertLessThan(perKey, 80)
    }
}
