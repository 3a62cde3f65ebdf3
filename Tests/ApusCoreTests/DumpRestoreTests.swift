// DUMP payloads byte for byte as Redis 7.0.15 makes them (the expected bytes below are
// real Redis's DUMP output for the same values), the trailer check, and RESTORE's
// propagation: a relative TTL replays as the absolute time it set.

import XCTest
@testable import ApusCore

final class DumpRestoreTests: XCTestCase {
    private func payload(_ h: InProcessServer, _ key: String) -> [UInt8] {
        let e = Array(key.utf8).withUnsafeBytes { h.server.keyspace.dbs[0].peek($0) }!
        return DumpPayload.encode(e, compress: true)
    }

    func testPayloadsEqualRedis() {
        let h = InProcessServer()
        let c = h.makeClient()
        _ = h.feed(c, "SET s hello\r\nSET i 12345\r\nSET big \(String(repeating: "x", count: 100))\r\n")
        XCTAssertEqual(payload(h, "s"), hexBytes("000568656c6c6f0a006372df766534200a"))
        XCTAssertEqual(payload(h, "i"), hexBytes("00c139300a009d94ea2793fc08b9"))
        XCTAssertEqual(payload(h, "big"), hexBytes("00c3094064017878e057000178780a005db7f663bb08625f"))
    }

    func testVerifyChecksTrailer() {
        let good = hexBytes("000568656c6c6f0a006372df766534200a")
        XCTAssertTrue(good.withUnsafeBytes { DumpPayload.verify($0) })
        var newer = good
        newer[newer.count - 10] = 11
        XCTAssertFalse(newer.withUnsafeBytes { DumpPayload.verify($0) }, "a newer RDB version")
        var flipped = good
        flipped[2] ^= 1
        XCTAssertFalse(flipped.withUnsafeBytes { DumpPayload.verify($0) }, "checksum")
        XCTAssertFalse(Array(good.prefix(9)).withUnsafeBytes { DumpPayload.verify($0) }, "too short")
    }

    func testRestorePropagatesAbsoluteTTL() {
        let h = InProcessServer()
        let c = h.makeClient()
        let stream = RecordingConsumer()
        h.server.keyspace.propagator.attach(stream)
        _ = h.feed(c, "SET s hello\r\n")
        let p = payload(h, "s")
        func send(_ args: [[UInt8]]) -> String {
            h.feed(c, bytes: RESPCommandEncoder.encode(args))
        }
        _ = stream.take()
        let before = h.server.mstime
        XCTAssertEqual(send([Array("RESTORE".utf8), Array("a".utf8), Array("5000".utf8), p]), "+OK\r\n")
        XCTAssertEqual(send([Array("RESTORE".utf8), Array("b".utf8), Array("0".utf8), p]), "+OK\r\n")
        XCTAssertEqual(send([Array("RESTORE".utf8), Array("s".utf8), Array("1".utf8), p, Array("ABSTTL".utf8),
                             Array("REPLACE".utf8)]), "+OK\r\n")
        XCTAssertEqual(send([Array("RESTORE".utf8), Array("z".utf8), Array("1".utf8), p, Array("ABSTTL".utf8)]), "+OK\r\n")
        let out = stream.take()
        XCTAssertEqual(out.count, 3, "\(out)")
        let first = out[0].split(separator: " ")
        XCTAssertEqual(first[1], "RESTORE")
        XCTAssertEqual(first.last, "ABSTTL")
        XCTAssertEqual(Int64(first[3])! - before, 5000, accuracy: 50)
        XCTAssertTrue(out[1].hasPrefix("0: RESTORE b 0 "), out[1])
        XCTAssertEqual(out[2], "0: DEL s", "an already expired RESTORE REPLACE only deletes")
    }
}

/// Collections count every byte they hold in used_memory, through every encoding change,
/// and give it all back when they go.
final class CollectionMemoryTests: XCTestCase {
    func testUsedMemoryReturnsToBaselineAfterCollections() {
        let h = InProcessServer()
        let c = h.makeClient()
        let base = h.server.keyspace.usedMemory
        var load = ""
        for i in 0..<200 {
            load += "HSET h\(i) a 1 b \(String(repeating: "x", count: i % 90))\r\n"   // some convert (value > 64)
            load += "SADD s\(i) 1 2 \(i * 100_000)\r\n"                              // intset widths
            if i % 3 == 0 { load += "SADD s\(i) member\r\n" }                          // converts to table
            if i % 5 == 0 { load += "HDEL h\(i) a\r\nSREM s\(i) 1\r\n" }
        }
        load += "HSET big" + (0..<700).map { " f\($0) v" }.joined() + "\r\n"        // over 512 fields
        load += "SADD bigset" + (0..<700).map { " \($0)" }.joined() + "\r\n"
        load += "COPY big big2\r\nCOPY bigset bigset2\r\nCOPY h1 h1copy\r\n"
        _ = h.feed(c, load)
        XCTAssertGreaterThan(h.server.keyspace.usedMemory, base + 100_000)
        _ = h.feed(c, "FLUSHALL\r\n")
        XCTAssertEqual(h.server.keyspace.usedMemory, base)
    }
}

/// The save points count changes as Redis does: one per field or member written.
final class CollectionDirtyTests: XCTestCase {
    func testChangesCountedPerElement() {
        let h = InProcessServer()
        let c = h.makeClient()
        func delta(_ cmd: String) -> Int {
            let before = h.server.keyspace.dirty
            _ = h.feed(c, cmd + "\r\n")
            return h.server.keyspace.dirty - before
        }
        XCTAssertEqual(delta("HSET h a 1 b 2 c 3"), 3)
        XCTAssertEqual(delta("HSET h a 9"), 1)
        XCTAssertEqual(delta("HDEL h a b c"), 3)
        XCTAssertEqual(delta("SADD s 1 2 3 4"), 4)
        XCTAssertEqual(delta("SADD s 4"), 0)
        XCTAssertEqual(delta("SREM s 1 2"), 2)
        XCTAssertEqual(delta("SREM s 3 4"), 2)
        XCTAssertEqual(delta("HMSET m x 1"), 1)
    }
}
