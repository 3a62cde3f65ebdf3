// The bit commands through the dispatcher: bit order, ranges in BYTE and BIT units,
// BITFIELD's overflow policies, and the rule that an unchanged bit changes nothing.

import XCTest
@testable import ApusCore

final class BitmapTests: XCTestCase {
    var h: InProcessServer!
    var c: Client!

    override func setUp() {
        h = InProcessServer()
        c = h.makeClient()
    }

    func run(_ cmd: String) -> String { h.feed(c, cmd + "\r\n") }

    func testBitsAreNumberedFromTheFirstBytesHighBit() {
        XCTAssertEqual(run("SETBIT k 1 1"), ":0\r\n")
        XCTAssertEqual(run("SETBIT k 7 1"), ":0\r\n")
        XCTAssertEqual(run("GET k"), "$1\r\nA\r\n")
        XCTAssertEqual(run("SETBIT k 7 0"), ":1\r\n")
        XCTAssertEqual(run("GETBIT k 1"), ":1\r\n")
        XCTAssertEqual(run("GETBIT k 9999"), ":0\r\n")
    }

    func testAnUnchangedBitDoesNotDirtyTheDataset() {
        XCTAssertEqual(run("SETBIT k 3 1"), ":0\r\n")
        let before = c.server.keyspace.dirty
        XCTAssertEqual(run("SETBIT k 3 1"), ":1\r\n")
        XCTAssertEqual(c.server.keyspace.dirty, before)
        XCTAssertEqual(run("SETBIT k 3 0"), ":1\r\n")
        XCTAssertEqual(c.server.keyspace.dirty, before + 1)
    }

    func testOffsetsAndBitValuesAreValidated() {
        XCTAssertEqual(run("SETBIT k -1 1"), "-ERR bit offset is not an integer or out of range\r\n")
        XCTAssertEqual(run("SETBIT k 4294967296 1"), "-ERR bit offset is not an integer or out of range\r\n")
        XCTAssertEqual(run("SETBIT k 0 2"), "-ERR bit is not an integer or out of range\r\n")
        XCTAssertEqual(run("EXISTS k"), ":0\r\n")
    }

    func testCountsAndPositionsInByteAndBitRanges() {
        XCTAssertEqual(run("SET s foobar"), "+OK\r\n")
        XCTAssertEqual(run("BITCOUNT s"), ":26\r\n")
        XCTAssertEqual(run("BITCOUNT s 1 1"), ":6\r\n")
        XCTAssertEqual(run("BITCOUNT s 5 30 BIT"), ":17\r\n")
        XCTAssertEqual(run("BITCOUNT s -1 -2"), ":0\r\n")
        XCTAssertEqual(run("BITPOS s 1 7 15 BIT"), ":9\r\n")
        XCTAssertEqual(run("SET ones \"\\xff\\xff\""), "+OK\r\n")
        XCTAssertEqual(run("BITPOS ones 0"), ":16\r\n")
        XCTAssertEqual(run("BITPOS ones 0 0 -1"), ":-1\r\n")
        XCTAssertEqual(run("BITPOS nokey 1"), ":-1\r\n")
    }

    func testBitcountOfALargeBitmapCountsEveryWord() {
        // Long enough for the wide loop, with an odd tail.
        XCTAssertEqual(run("SETRANGE big 0 \"" + String(repeating: "\\xff", count: 1003) + "\""), ":1003\r\n")
        XCTAssertEqual(run("BITCOUNT big"), ":8024\r\n")
        XCTAssertEqual(run("BITCOUNT big 3 1000 BIT"), ":998\r\n")
    }

    func testBitopCombinesStringsOfDifferentLengths() {
        XCTAssertEqual(run("SET a \"\\xf0\\x0f\\xaa\""), "+OK\r\n")
        XCTAssertEqual(run("SET b \"\\xff\""), "+OK\r\n")
        XCTAssertEqual(run("BITOP AND d a b"), ":3\r\n")
        XCTAssertEqual(run("BITCOUNT d"), ":4\r\n")
        XCTAssertEqual(run("BITPOS d 0"), ":4\r\n")
        XCTAssertEqual(run("BITOP XOR d a b"), ":3\r\n")
        XCTAssertEqual(run("BITCOUNT d"), ":12\r\n")
        XCTAssertEqual(run("BITOP NOT d a b"), "-ERR BITOP NOT must be called with a single source key.\r\n")
        XCTAssertEqual(run("BITOP AND d nokey"), ":0\r\n")
        XCTAssertEqual(run("EXISTS d"), ":0\r\n")
    }

    func testBitfieldOverflowPolicies() {
        XCTAssertEqual(run("BITFIELD k SET u8 0 255 INCRBY u8 0 10 OVERFLOW SAT INCRBY u8 0 300 OVERFLOW FAIL INCRBY u8 0 1"),
                       "*4\r\n:0\r\n:9\r\n:255\r\n$-1\r\n")
        XCTAssertEqual(run("BITFIELD k SET i8 #1 -100 INCRBY i8 #1 -100"), "*2\r\n:0\r\n:56\r\n")
        XCTAssertEqual(run("BITFIELD k SET i64 64 -1 GET u63 64 GET i64 64"),
                       "*3\r\n:0\r\n:9223372036854775807\r\n:-1\r\n")
        XCTAssertEqual(run("BITFIELD k GET u64 0"),
                       "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n")
        XCTAssertEqual(run("BITFIELD_RO k SET u8 0 1"), "-ERR BITFIELD_RO only supports the GET subcommand\r\n")
        XCTAssertEqual(run("BITFIELD nokey GET u8 0"), "*1\r\n:0\r\n")
        XCTAssertEqual(run("EXISTS nokey"), ":0\r\n")
    }
}
