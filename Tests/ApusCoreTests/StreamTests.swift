// The stream type (Keyspace/StreamValue.swift, StreamGroups.swift) and its commands
// through the dispatcher: node layout and limits, deletion and trimming, ID parsing,
// consumer-group bookkeeping, the ordered PEL map and the RDB round trip.

import XCTest
@testable import ApusCore

final class StreamTests: XCTestCase {
    var h: InProcessServer!
    var c: Client!

    override func setUp() {
        h = InProcessServer()
        c = h.makeClient()
    }

    func run(_ cmd: String) -> String { h.feed(c, cmd + "\r\n") }

    func stream(_ key: String) -> StreamValue {
        let e = Array(key.utf8).withUnsafeBytes { c.server.keyspace.dbs[0].peek($0) }!
        return e.object(as: StreamValue.self)
    }

    func testIDsParseAsRedisParsesThem() {
        func p(_ s: String, strict: Bool = false, star: Bool = false) -> String? {
            Array(s.utf8).withUnsafeBytes { b in
                StreamCommands.parseID(b, strict: strict, seqStar: star).map { String(decoding: $0.0.text, as: UTF8.self) + ($0.1 ? "" : "*") }
            }
        }
        XCTAssertEqual(p("5"), "5-0")
        XCTAssertEqual(p("5-3"), "5-3")
        XCTAssertEqual(p("-"), "0-0")
        XCTAssertEqual(p("+"), "18446744073709551615-18446744073709551615")
        XCTAssertNil(p("+", strict: true))
        XCTAssertEqual(p("7-*", star: true), "7-0*")
        XCTAssertNil(p("7-*"))
        XCTAssertNil(p("-1"))
        XCTAssertNil(p("1-2-3"))
        XCTAssertEqual(p("18446744073709551615"), "18446744073709551615-0")
        XCTAssertNil(p("18446744073709551616"))
    }

    func testNodesCloseAtTheConfiguredEntryCount() {
        XCTAssertEqual(run("CONFIG SET stream-node-max-entries 4"), "+OK\r\n")
        for i in 1...10 { _ = run("XADD s \(i)-0 f \(i)") }
        let s = stream("s")
        XCTAssertEqual(s.nodeCount, 3)
        XCTAssertEqual(s.length, 10)
        var seen: [UInt64] = []
        s.forEachEntry { e, _ in seen.append(e.id.ms); return true }
        XCTAssertEqual(seen, Array(1...10))
        var back: [UInt64] = []
        s.forEachEntry(reverse: true) { e, _ in back.append(e.id.ms); return true }
        XCTAssertEqual(back, Array((1...10).reversed()))
    }

    func testEntriesWithTheMastersFieldsDoNotRepeatThem() {
        _ = run("XADD s 1-0 a 1 b 2")
        _ = run("XADD s 2-0 a 3 b 4")
        _ = run("XADD s 3-0 c 5")
        let s = stream("s")
        var flags: [Int64] = []
        s.forEachEntry { e, _ in flags.append(e.flags); return true }
        XCTAssertEqual(flags, [StreamValue.flagSameFields, StreamValue.flagSameFields, 0])
        XCTAssertEqual(run("XRANGE s 3 3"), "*1\r\n*2\r\n$3\r\n3-0\r\n*2\r\n$1\r\nc\r\n$1\r\n5\r\n")
    }

    func testDeletingEveryEntryOfANodeDropsTheNode() {
        XCTAssertEqual(run("CONFIG SET stream-node-max-entries 2"), "+OK\r\n")
        for i in 1...4 { _ = run("XADD s \(i)-0 f v") }
        XCTAssertEqual(stream("s").nodeCount, 2)
        XCTAssertEqual(run("XDEL s 1-0 2-0 9-0"), ":2\r\n")
        XCTAssertEqual(stream("s").nodeCount, 1)
        XCTAssertEqual(stream("s").firstID, StreamID(ms: 3, seq: 0))
        XCTAssertEqual(stream("s").maxDeletedID, StreamID(ms: 2, seq: 0))
    }

    func testTrimmingIsExactOrWholeNodes() {
        XCTAssertEqual(run("CONFIG SET stream-node-max-entries 10"), "+OK\r\n")
        for i in 1...35 { _ = run("XADD s \(i)-0 f v") }
        XCTAssertEqual(run("XTRIM s MAXLEN ~ 20"), ":10\r\n")
        XCTAssertEqual(run("XLEN s"), ":25\r\n")
        XCTAssertEqual(run("XTRIM s MAXLEN 20"), ":5\r\n")
        XCTAssertEqual(run("XLEN s"), ":20\r\n")
        XCTAssertEqual(run("XTRIM s MINID 30"), ":14\r\n")
        XCTAssertEqual(stream("s").firstID, StreamID(ms: 30, seq: 0))
        XCTAssertEqual(run("XTRIM s MAXLEN 5 LIMIT 2"), "-ERR syntax error, LIMIT cannot be used without the special ~ option\r\n")
    }

    func testXaddIDErrorsMatchRedis() {
        XCTAssertEqual(run("XADD s 5-5 f v"), "$3\r\n5-5\r\n")
        XCTAssertEqual(run("XADD s 5-5 f v"),
                       "-ERR The ID specified in XADD is equal or smaller than the target stream top item\r\n")
        XCTAssertEqual(run("XADD s 5-* f v"), "$3\r\n5-6\r\n")
        XCTAssertEqual(run("XADD s 0-0 f v"), "-ERR The ID specified in XADD must be greater than 0-0\r\n")
        XCTAssertEqual(run("XADD s abc f v"), "-ERR Invalid stream ID specified as stream command argument\r\n")
        XCTAssertEqual(run("XADD s NOMKSTREAM * f"), "-ERR wrong number of arguments for 'xadd' command\r\n")
        XCTAssertEqual(run("XADD t NOMKSTREAM * f v"), "$-1\r\n")
        XCTAssertEqual(run("EXISTS t"), ":0\r\n")
    }

    func testGroupsTrackPendingEntriesPerConsumer() {
        for i in 1...5 { _ = run("XADD s \(i)-0 f v") }
        XCTAssertEqual(run("XGROUP CREATE s g 0"), "+OK\r\n")
        _ = run("XREADGROUP GROUP g alice COUNT 3 STREAMS s >")
        _ = run("XREADGROUP GROUP g bob STREAMS s >")
        let g = Array("g".utf8).withUnsafeBytes { stream("s").group($0) }!
        XCTAssertEqual(g.pel.count, 5)
        XCTAssertEqual(g.lastID, StreamID(ms: 5, seq: 0))
        XCTAssertEqual(g.entriesRead, 5)
        XCTAssertEqual(run("XACK s g 1-0 2-0 2-0"), ":2\r\n")
        XCTAssertEqual(run("XCLAIM s g bob 0 3-0 JUSTID"), "*1\r\n$3\r\n3-0\r\n")
        XCTAssertEqual(run("XPENDING s g"),
                       "*4\r\n:3\r\n$3\r\n3-0\r\n$3\r\n5-0\r\n*1\r\n*2\r\n$3\r\nbob\r\n$1\r\n3\r\n")
        XCTAssertEqual(run("XGROUP DELCONSUMER s g bob"), ":3\r\n")
        XCTAssertEqual(g.pel.count, 0)
    }

    func testTheOrderedPELMapKeepsOrderThroughSplitsAndRemovals() {
        var m = StreamIDMap<Int>()
        var ids = (0..<1000).map { StreamID(ms: UInt64($0 * 7919 % 1000), seq: 0) }
        for (k, id) in ids.enumerated() { XCTAssertTrue(m.insert(id, k)) }
        XCTAssertFalse(m.insert(ids[3], 0))
        XCTAssertEqual(m.count, 1000)
        for id in ids where id.ms % 3 == 0 { XCTAssertNotNil(m.remove(id)) }
        ids = ids.filter { $0.ms % 3 != 0 }.sorted()
        var walked: [StreamID] = []
        m.forEach { id, _ in walked.append(id); return true }
        XCTAssertEqual(walked, ids)
        XCTAssertEqual(m.ceiling(StreamID(ms: 3, seq: 0))?.0, StreamID(ms: 4, seq: 0))
        XCTAssertNil(m.ceiling(StreamID(ms: 1000, seq: 0)))
        XCTAssertEqual(m.first, StreamID(ms: 1, seq: 0))
        XCTAssertEqual(m.last, StreamID(ms: 998, seq: 0))
    }

    func testRadixTreeNodeCountFollowsRax() {
        XCTAssertEqual(run("CONFIG SET stream-node-max-entries 1"), "+OK\r\n")
        _ = run("XADD s 1-0 f v")
        // One key: the root (a compressed node of 16 bytes) and the key's leaf.
        XCTAssertEqual(stream("s").radixTreeNodes, 2)
        _ = run("XADD s 2-0 f v")
        // The shared 7-byte prefix, a branch on byte 8, and two compressed tails with leaves.
        XCTAssertEqual(stream("s").radixTreeNodes, 6)
    }

    func testRDBRoundTripKeepsEntriesAndGroups() throws {
        for i in 1...30 { _ = run("XADD s \(i)-\(i % 2) f\(i % 3) v\(i)") }
        _ = run("XDEL s 4-0")
        _ = run("XGROUP CREATE s g 0")
        _ = run("XREADGROUP GROUP g alice COUNT 4 STREAMS s >")
        _ = run("XGROUP CREATECONSUMER s g idle")
        let before = run("XINFO STREAM s FULL")
        let payload = run("DUMP s")
        XCTAssertTrue(payload.hasPrefix("$"))
        let enc = RDBEncoder(initialCapacity: 1024)
        enc.writeStream(stream("s"), compress: true)
        var bytes: [UInt8] = [RDBType.streamListpacks2.rawValue]
        enc.drainBuffered { bytes.append(contentsOf: $0) }
        let loader = c.server.makeRDBLoader(verifyChecksum: false)
        var loaded: StreamValue?
        try bytes.withUnsafeBytes { p in
            try loader.decodeValue(p) { v in if case .stream(let s) = v { loaded = s } }
        }
        let s = try XCTUnwrap(loaded)
        XCTAssertEqual(s.length, stream("s").length)
        XCTAssertEqual(s.groups.count, 1)
        XCTAssertEqual(s.groups[0].pel.count, 4)
        XCTAssertEqual(s.groups[0].consumers.map { String(decoding: $0.name, as: UTF8.self) }, ["alice", "idle"])
        _ = run("RENAME s old")
        Array("s".utf8).withUnsafeBytes { k in
            _ = c.server.keyspace.dbs[0].setObject(k, s, now: 0, event: .none)
        }
        XCTAssertEqual(run("XINFO STREAM s FULL"), before)
    }

    func testCountersWrapAsInRedisInsteadOfTrapping() {
        _ = run("XADD s 1-1 a 1")
        XCTAssertEqual(run("XGROUP CREATE s g 0 ENTRIESREAD 9223372036854775807"), "+OK\r\n")
        XCTAssertTrue(run("XREADGROUP GROUP g c STREAMS s >").hasPrefix("*1\r\n"))
        let g = Array("g".utf8).withUnsafeBytes { stream("s").group($0) }!
        XCTAssertEqual(g.entriesRead, Int64.min)
        XCTAssertEqual(run("XSETID s 1-1 ENTRIESADDED 9223372036854775807"), "+OK\r\n")
        XCTAssertEqual(run("XADD s 2-1 a 1"), "$3\r\n2-1\r\n")
        XCTAssertTrue(run("XINFO GROUPS s").hasPrefix("*1\r\n"))
        XCTAssertEqual(run("CONFIG SET stream-node-max-entries 9223372036854775807"), "+OK\r\n")
        XCTAssertEqual(run("XADD s MAXLEN ~ 1 3-1 a 1"), "$3\r\n3-1\r\n")
    }

    func testSequenceExhaustionAtAMillisecondGivesRedissError() {
        _ = run("XADD s 5-18446744073709551615 a b")
        XCTAssertEqual(run("XADD s 5-* a b"), "-ERR Elements are too large to be stored\r\n")
        XCTAssertEqual(run("XADD s 6-* a b"), "$3\r\n6-0\r\n")
    }

    /// Records each stream's RDB form at the moment the snapshot takes it.
    final class StreamImageSink: SnapshotSink {
        var images: [String: [UInt8]] = [:]
        override func emit(db: Int, entry: KeyEntry) {
            guard entry.type == .stream else { return }
            let enc = RDBEncoder(initialCapacity: 256)
            enc.writeValue(of: entry, compress: false)
            var bytes: [UInt8] = []
            enc.drainBuffered { bytes.append(contentsOf: $0) }
            images[String(decoding: entry.key, as: UTF8.self)] = bytes
        }
    }

    func image(_ key: String) -> [UInt8] {
        let enc = RDBEncoder(initialCapacity: 256)
        enc.writeStream(stream(key), compress: false)
        var bytes: [UInt8] = []
        enc.drainBuffered { bytes.append(contentsOf: $0) }
        return bytes
    }

    func testGroupChangesDuringASnapshotKeepThePointInTimeImage() {
        for i in 1...6 { _ = run("XADD s \(i)-0 f v") }
        _ = run("XGROUP CREATE s g 0")
        _ = run("XREADGROUP GROUP g alice COUNT 3 STREAMS s >")
        for name in ["ack", "claim", "autoclaim", "read"] {
            _ = run("COPY s \(name)")
        }
        let before = image("s")
        let sink = StreamImageSink()
        let snap = c.server.keyspace.beginSnapshot(sink: sink)
        // Each of these changes only group state, through a read lookup.
        _ = run("XACK ack g 1-0")
        _ = run("XCLAIM claim g bob 0 2-0")
        _ = run("XAUTOCLAIM autoclaim g bob 0 0")
        _ = run("XREADGROUP GROUP g bob STREAMS read >")
        while !snap.step(maxEntries: 100) {}
        for name in ["s", "ack", "claim", "autoclaim", "read"] {
            XCTAssertEqual(sink.images[name], before, name)
        }
        XCTAssertNotEqual(image("ack"), before)
    }
}
