// Request templates and the default suite (titles, order, placeholders), cluster hashing and
// the slot tag table.

import XCTest
import ApusCore
@testable import ApusBench

final class WorkloadTests: XCTestCase {
    func testSuiteTitlesAndOrderMatchRedisBenchmark() {
        let titles = DefaultSuite.tests(BenchmarkOptions(), data: [1, 2, 3]).map(\.title)
        XCTAssertEqual(titles, ["PING_INLINE", "PING_MBULK", "SET", "GET", "INCR", "LPUSH", "RPUSH", "LPOP", "RPOP",
                                "SADD", "HSET", "SPOP", "ZADD", "ZPOPMIN", "LPUSH (needed to benchmark LRANGE)",
                                "LRANGE_100 (first 100 elements)", "LRANGE_300 (first 300 elements)",
                                "LRANGE_500 (first 500 elements)", "LRANGE_600 (first 600 elements)", "MSET (10 keys)"])
    }

    func testTestSelection() {
        var o = BenchmarkOptions()
        o.tests = ["ping", "lrange_300", "mset"]
        XCTAssertEqual(DefaultSuite.tests(o, data: [0]).map(\.title),
                       ["PING_INLINE", "PING_MBULK", "LPUSH (needed to benchmark LRANGE)",
                        "LRANGE_300 (first 300 elements)", "MSET (10 keys)"])
    }

    func testPlaceholdersOnlyWhenEnabled() {
        var o = BenchmarkOptions()
        o.tests = ["set"]
        let plain = DefaultSuite.tests(o, data: Array("abc".utf8))[0].templates[0]
        XCTAssertEqual(String(decoding: plain.bytes, as: UTF8.self), "*3\r\n$3\r\nSET\r\n$16\r\nkey:__rand_int__\r\n$3\r\nabc\r\n")
        XCTAssertTrue(plain.randOffsets.isEmpty)
        o.randomKeys = true
        o.cluster = true
        let t = DefaultSuite.tests(o, data: Array("abc".utf8))[0].templates[0]
        XCTAssertEqual(String(decoding: t.bytes, as: UTF8.self), "*3\r\n$3\r\nSET\r\n$22\r\nkey:{tag}:__rand_int__\r\n$3\r\nabc\r\n")
        XCTAssertEqual(t.randOffsets.count, 1)
        XCTAssertEqual(t.tagOffsets.count, 1)
        XCTAssertEqual(Array(t.bytes[t.tagOffsets[0]..<(t.tagOffsets[0] + 5)]), Array("{tag}".utf8))
    }

    func testZaddScoreIsRandomOnlyWithR() {
        var o = BenchmarkOptions()
        o.tests = ["zadd"]
        XCTAssertTrue(String(decoding: DefaultSuite.tests(o, data: [])[0].templates[0].bytes, as: UTF8.self).contains("$1\r\n0\r\n"))
        o.randomKeys = true
        XCTAssertEqual(DefaultSuite.tests(o, data: [])[0].templates[0].randOffsets.count, 2)
    }

    func testKeyRangeLocatesTheArgument() {
        let args = ["SET", "user:__rand_int__", "v"].map { Array($0.utf8) }
        let t = RequestTemplate(args: args, randomKeys: true, clusterTags: false, keyIndex: 1)
        let k = t.keyRange!
        XCTAssertEqual(Array(t.bytes[k.offset..<(k.offset + k.length)]), args[1])
    }

    func testDataGeneratorIsRedisBenchmarksSequence() {
        var g = DefaultSuite.DataGenerator()
        let a = g.next(3)
        XCTAssertTrue(a.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "o") })
        XCTAssertNotEqual(a, g.next(3), "state carries over between loops")
    }

    func testCRC16AndHashSlots() {
        XCTAssertEqual(CRC16.checksum(Array("123456789".utf8)), 0x31C3)   // the XMODEM check value
        XCTAssertEqual(HashSlot.of(Array("foo".utf8)), 12182)
        XCTAssertEqual(HashSlot.of(Array("{user1000}.following".utf8)), HashSlot.of(Array("user1000".utf8)))
        XCTAssertEqual(HashSlot.of(Array("foo{}{bar}".utf8)), HashSlot.of(Array("foo{}{bar}".utf8)))
        XCTAssertNotEqual(HashSlot.of(Array("foo{}{bar}".utf8)), HashSlot.of(Array("bar".utf8)), "empty tag hashes all")
    }

    func testEverySlotHasATagThatHashesToIt() {
        for slot in stride(from: 0, to: HashSlot.count, by: 1) {
            let t = SlotTags.table[slot]
            let key = Array("key:{".utf8) + [t.0, t.1, t.2] + Array("}:000000000042".utf8)
            XCTAssertEqual(HashSlot.of(key), slot)
        }
    }
}
