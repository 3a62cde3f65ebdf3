// Small hashes, sets of integers and sorted sets are kept in compact slots between
// commands (the entry holds the listpack or intset block, no object); a command sees an
// object and the block goes back afterwards; big encodings and lists keep their object;
// RDB, DEBUG DIGEST, MEMORY USAGE and deletion work on both forms, and memory is given
// back exactly.

import XCTest
@testable import ApusCore

final class CompactSlotTests: XCTestCase {
    private func entry(_ h: InProcessServer, _ key: String) -> KeyEntry? {
        Array(key.utf8).withUnsafeBytes { h.server.keyspace.dbs[0].peek($0) }
    }

    func testSmallCollectionsLiveInCompactSlotsBetweenCommands() {
        let h = InProcessServer()
        let c = h.makeClient()
        // The baseline holds the bucket array five keys make the table grow to.
        _ = h.feed(c, "MSET h 1 s 1 z 1 l 1 str 1\r\nDEL h s z l str\r\n")
        let baseline = h.server.keyspace.meter.bytes
        _ = h.feed(c, "HSET h a 1 b 2\r\nSADD s 1 2 3\r\nZADD z 1 a 2 b\r\nRPUSH l x\r\nSADD str a\r\n")
        XCTAssertTrue(entry(h, "h")!.isCompactSlot)
        XCTAssertTrue(entry(h, "s")!.isCompactSlot)
        XCTAssertTrue(entry(h, "z")!.isCompactSlot)
        XCTAssertFalse(entry(h, "l")!.isCompactSlot, "lists keep their object")
        XCTAssertTrue(entry(h, "str")!.isCompactSlot, "a small set of strings is a listpack")
        XCTAssertEqual(h.feed(c, "HGET h b\r\nOBJECT ENCODING s\r\nZSCORE z b\r\n"), "$1\r\n2\r\n$6\r\nintset\r\n$1\r\n2\r\n")
        // 7.0 calls every set of strings a hashtable, and saves it as a plain SET (type 2).
        XCTAssertEqual(h.feed(c, "OBJECT ENCODING str\r\nSADD str b 7\r\nSCARD str\r\n"), "$9\r\nhashtable\r\n:2\r\n:3\r\n")
        XCTAssertEqual(DumpPayload.encode(entry(h, "str")!, compress: false).first, 2)
        _ = h.feed(c, "SADD str " + (0..<130).map { "m\($0)" }.joined(separator: " ") + "\r\n")
        XCTAssertFalse(entry(h, "str")!.isCompactSlot, "past 128 members a table")
        XCTAssertTrue(entry(h, "h")!.isCompactSlot, "back in the slot after a read")
        XCTAssertEqual(h.feed(c, "MEMORY USAGE z\r\n").first, ":")
        // Growing past the limits converts for good: the object stays.
        _ = h.feed(c, "HSET h big " + String(repeating: "v", count: 100) + "\r\n")
        XCTAssertFalse(entry(h, "h")!.isCompactSlot)
        // Digests and dumps read compact slots as Redis's bytes.
        let digest = h.feed(c, "DEBUG DIGEST\r\n")
        _ = h.feed(c, "DEBUG RELOAD\r\n")
        XCTAssertEqual(h.feed(c, "DEBUG DIGEST\r\n"), digest)
        XCTAssertTrue(entry(h, "z")!.isCompactSlot, "loaded small collections are compact too")
        _ = h.feed(c, "DEL h s z l str\r\n")
        XCTAssertEqual(h.server.keyspace.meter.bytes, baseline)
    }
}
