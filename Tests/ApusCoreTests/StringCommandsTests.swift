// String and key command behaviour through the dispatcher, on an in-process server.

import XCTest
@testable import ApusCore

final class StringCommandsTests: XCTestCase {
    var h: InProcessServer!
    var c: Client!

    override func setUp() {
        h = InProcessServer()
        c = h.makeClient()
    }

    func run(_ cmd: String) -> String { h.feed(c, cmd + "\r\n") }

    func testSetOptionsFollowRedisCompatibilityRules() {
        XCTAssertEqual(run("SET k v NX XX"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("SET k v EX 10 PX 100"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("SET k v EX 0"), "-ERR invalid expire time in 'set' command\r\n")
        XCTAssertEqual(run("SET k v EX abc"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(run("SET k v NX"), "+OK\r\n")
        XCTAssertEqual(run("SET k w NX"), "$-1\r\n")
        XCTAssertEqual(run("SET k w XX GET"), "$1\r\nv\r\n")
        XCTAssertEqual(run("SET k x KEEPTTL EX 5"), "-ERR syntax error\r\n")
    }

    func testSetWithExExpiresTheKey() {
        XCTAssertEqual(run("SET k v PX 1"), "+OK\r\n")
        usleep(5000)
        XCTAssertEqual(run("GET k"), "$-1\r\n")
        XCTAssertEqual(run("EXISTS k"), ":0\r\n")
    }

    func testEncodingsFollowLengthAndIntegerRules() {
        _ = run("SET i 12345")
        XCTAssertEqual(run("OBJECT ENCODING i"), "$3\r\nint\r\n")
        _ = run("SET e " + String(repeating: "a", count: 44))
        XCTAssertEqual(run("OBJECT ENCODING e"), "$6\r\nembstr\r\n")
        _ = run("SET r " + String(repeating: "a", count: 45))
        XCTAssertEqual(run("OBJECT ENCODING r"), "$3\r\nraw\r\n")
        _ = run("APPEND i 6")
        XCTAssertEqual(run("OBJECT ENCODING i"), "$3\r\nraw\r\n")
        XCTAssertEqual(run("GET i"), "$6\r\n123456\r\n")
        _ = run("SET s 5")
        XCTAssertEqual(run("OBJECT REFCOUNT s"), ":2147483647\r\n")
    }

    func testCountersDetectOverflowAndBadValues() {
        _ = run("SET n 9223372036854775806")
        XCTAssertEqual(run("INCR n"), ":9223372036854775807\r\n")
        XCTAssertEqual(run("INCR n"), "-ERR increment or decrement would overflow\r\n")
        XCTAssertEqual(run("DECRBY n -9223372036854775808"), "-ERR decrement would overflow\r\n")
        _ = run("SET s abc")
        XCTAssertEqual(run("INCR s"), "-ERR value is not an integer or out of range\r\n")
        XCTAssertEqual(run("INCRBYFLOAT s 1"), "-ERR value is not a valid float\r\n")
    }

    func testIncrbyfloatFormatsLikeRedis() {
        XCTAssertEqual(run("INCRBYFLOAT f 10.5"), "$4\r\n10.5\r\n")
        XCTAssertEqual(run("INCRBYFLOAT f 0.1"), "$4\r\n10.6\r\n")
        XCTAssertEqual(run("INCRBYFLOAT f -10.6"), "$1\r\n0\r\n")
        XCTAssertEqual(run("INCRBYFLOAT g 5.0e3"), "$4\r\n5000\r\n")
        XCTAssertEqual(run("OBJECT ENCODING g"), "$6\r\nembstr\r\n")
    }

    func testGetrangeAndSetrangeEdges() {
        _ = run("SET s Hello")
        XCTAssertEqual(run("GETRANGE s 0 -1"), "$5\r\nHello\r\n")
        XCTAssertEqual(run("GETRANGE s -3 -1"), "$3\r\nllo\r\n")
        XCTAssertEqual(run("GETRANGE s -1 -3"), "$0\r\n\r\n")
        XCTAssertEqual(run("GETRANGE s 10 20"), "$0\r\n\r\n")
        XCTAssertEqual(run("SETRANGE s 7 !"), ":8\r\n")
        XCTAssertEqual(run("GET s"), "$8\r\nHello\0\0!\r\n")
        XCTAssertEqual(run("SETRANGE s -1 x"), "-ERR offset is out of range\r\n")
        XCTAssertEqual(run("SETRANGE missing 0 \"\""), ":0\r\n")
        XCTAssertEqual(run("EXISTS missing"), ":0\r\n")
    }

    func testLcsMatchesRedis() {
        _ = run("MSET a ohmytext b mynewtext")
        XCTAssertEqual(run("LCS a b"), "$6\r\nmytext\r\n")
        XCTAssertEqual(run("LCS a b LEN"), ":6\r\n")
        XCTAssertEqual(run("LCS a b IDX MINMATCHLEN 4 WITHMATCHLEN"),
                       "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n")
        XCTAssertEqual(run("LCS a b LEN IDX"), "-ERR If you want both the length and indexes, please just use IDX.\r\n")
    }

    func testExpireOptions() {
        _ = run("SET k v")
        XCTAssertEqual(run("EXPIRE k 100 XX"), ":0\r\n")
        XCTAssertEqual(run("EXPIRE k 100 NX"), ":1\r\n")
        XCTAssertEqual(run("EXPIRE k 50 GT"), ":0\r\n")
        XCTAssertEqual(run("EXPIRE k 50 LT"), ":1\r\n")
        XCTAssertEqual(run("TTL k"), ":50\r\n")
        XCTAssertEqual(run("EXPIRE k 10 NX XX"), "-ERR NX and XX, GT or LT options at the same time are not compatible\r\n")
        XCTAssertEqual(run("EXPIRE k 10 foo"), "-ERR Unsupported option foo\r\n")
        XCTAssertEqual(run("PERSIST k"), ":1\r\n")
        XCTAssertEqual(run("TTL k"), ":-1\r\n")
        XCTAssertEqual(run("EXPIRE k -1"), ":1\r\n")
        XCTAssertEqual(run("TTL k"), ":-2\r\n")
    }

    func testKeysMoveCopyRenameAcrossDatabases() {
        _ = run("SET k v")
        XCTAssertEqual(run("MOVE k 0"), "-ERR source and destination objects are the same\r\n")
        XCTAssertEqual(run("COPY k k2 DB 3"), ":1\r\n")
        XCTAssertEqual(run("MOVE k 3"), ":1\r\n")
        XCTAssertEqual(run("RENAME k x"), "-ERR no such key\r\n")
        XCTAssertEqual(run("SELECT 3"), "+OK\r\n")
        XCTAssertEqual(run("MGET k k2"), "*2\r\n$1\r\nv\r\n$1\r\nv\r\n")
        XCTAssertEqual(run("SWAPDB 3 0"), "+OK\r\n")
        XCTAssertEqual(run("DBSIZE"), ":0\r\n")
        XCTAssertEqual(run("SELECT 16"), "-ERR DB index is out of range\r\n")
    }

    func testScanReturnsEveryKey() {
        for i in 0..<500 { _ = run("SET key:\(i) \(i)") }
        var cursor = "0"
        var seen = Set<String>()
        repeat {
            let out = run("SCAN \(cursor) COUNT 37")
            let lines = out.split(separator: "\r\n").map(String.init)
            cursor = lines[2]
            var i = 5
            while i < lines.count { seen.insert(lines[i]); i += 2 }
        } while cursor != "0"
        XCTAssertEqual(seen.count, 500)
        XCTAssertEqual(run("SCAN 0 COUNT 0"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("SCAN x"), "-ERR invalid cursor\r\n")
    }
}
