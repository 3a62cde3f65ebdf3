// The HyperLogLog representation (Keyspace/HyperLogLog.swift) and the PF commands
// through the dispatcher: Redis's exact bytes, sparse and dense agreeing, and
// corrupted values refused.

import XCTest
@testable import ApusCore

final class HyperLogLogTests: XCTestCase {
    var h: InProcessServer!
    var c: Client!

    override func setUp() {
        h = InProcessServer()
        c = h.makeClient()
    }

    func run(_ cmd: String) -> String { h.feed(c, cmd + "\r\n") }

    func hex(_ s: String) -> [UInt8] {
        var out: [UInt8] = []
        var i = s.startIndex
        while i < s.endIndex {
            let j = s.index(i, offsetBy: 2)
            out.append(UInt8(s[i..<j], radix: 16)!)
            i = j
        }
        return out
    }

    func testAnEmptyHLLIsSparseWithOneXZeroRun() {
        XCTAssertEqual(HyperLogLog.empty(), hex("48594c4c0100000000000000000000007fff"))
        XCTAssertEqual(HyperLogLog.empty().withUnsafeBytes { HyperLogLog.estimate(HyperLogLog.histogram($0)!) }, 0)
    }

    func testPFADDStoresTheBytesRedis70Stores() {
        // What redis-server 7.0.15 holds after PFADD hx a b c.
        var v = HyperLogLog.empty()
        let elements = ["a", "b", "c"].map { Array($0.utf8) }
        let n = HyperLogLog.add(&v, { k in elements[k].withUnsafeBytes { $0 } }, count: 3, maxBytes: 3000)
        XCTAssertEqual(n, 3)
        HyperLogLog.invalidateCache(&v)
        XCTAssertEqual(v, hex("48594c4c01000000000000000000008060f38050b1844bfb80425a"))
    }

    func testSparseAndDenseGiveTheSameRegistersAndEstimate() {
        var sparse = HyperLogLog.empty()
        var dense = [UInt8](repeating: 0, count: HyperLogLog.denseSize)
        dense[4] = HyperLogLog.dense
        for j in 1...2000 {
            var e = UInt64(j) &* 0x9E3779B97F4A7C15
            let (i, run) = withUnsafeBytes(of: &e) { HyperLogLog.registerAndRun($0) }
            XCTAssertNotNil(HyperLogLog.raise(&sparse, index: i, to: run, maxBytes: 1 << 20))
            XCTAssertNotNil(HyperLogLog.raise(&dense, index: i, to: run, maxBytes: 1 << 20))
        }
        XCTAssertEqual(sparse[4], HyperLogLog.sparse)
        let converted = sparse.withUnsafeBytes { HyperLogLog.sparseToDense($0) }
        XCTAssertEqual(converted.map { Array($0[16...]) }, Array(dense[16...]))
        let a = sparse.withUnsafeBytes { HyperLogLog.estimate(HyperLogLog.histogram($0)!) }
        let b = dense.withUnsafeBytes { HyperLogLog.estimate(HyperLogLog.histogram($0)!) }
        XCTAssertEqual(a, b)
        XCTAssertLessThan(abs(Double(a) - 2000) / 2000, 0.05)
    }

    func testTheSparseCodeBecomesDenseAtTheConfiguredSize() {
        XCTAssertEqual(run("CONFIG SET hll-sparse-max-bytes 60"), "+OK\r\n")
        XCTAssertEqual(run("PFADD h " + (0..<10).map { "e\($0)" }.joined(separator: " ")), ":1\r\n")
        XCTAssertEqual(run("PFDEBUG ENCODING h"), "+sparse\r\n")
        XCTAssertEqual(run("PFADD h " + (10..<40).map { "e\($0)" }.joined(separator: " ")), ":1\r\n")
        XCTAssertEqual(run("PFDEBUG ENCODING h"), "+dense\r\n")
        XCTAssertEqual(run("STRLEN h"), ":12304\r\n")
        XCTAssertEqual(run("PFCOUNT h"), ":40\r\n")
    }

    func testCorruptedValuesAreRefusedNotFollowed() {
        XCTAssertEqual(run("SET s HYLLjunk"), "+OK\r\n")
        XCTAssertEqual(run("PFADD s a"), "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n")
        XCTAssertEqual(run("SET n 123"), "+OK\r\n")
        XCTAssertEqual(run("PFCOUNT n"), "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n")
        // A sparse code covering fewer than 16384 registers.
        XCTAssertEqual(run("SET bad \"HYLL\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x01\""), "+OK\r\n")
        XCTAssertEqual(run("PFCOUNT bad"), "-INVALIDOBJ Corrupted HLL object detected\r\n")
        XCTAssertEqual(run("PFCOUNT bad h"), "-INVALIDOBJ Corrupted HLL object detected\r\n")
        XCTAssertEqual(run("PFADD bad x y z"), "-INVALIDOBJ Corrupted HLL object detected\r\n")
        // A dense header with the wrong length.
        XCTAssertEqual(run("SET bad2 \"HYLL\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x80\\x01\""), "+OK\r\n")
        XCTAssertEqual(run("PFCOUNT bad2"), "-WRONGTYPE Key is not a valid HyperLogLog string value.\r\n")
    }

    func testPFCOUNTCachesTheEstimateInTheHeader() {
        XCTAssertEqual(run("PFADD h a b c"), ":1\r\n")
        let before = c.server.keyspace.dirty
        XCTAssertEqual(run("PFCOUNT h"), ":3\r\n")
        XCTAssertEqual(c.server.keyspace.dirty, before + 1)
        XCTAssertEqual(run("PFCOUNT h"), ":3\r\n")
        XCTAssertEqual(c.server.keyspace.dirty, before + 1)
        XCTAssertEqual(run("PFMERGE u h nokey"), "+OK\r\n")
        XCTAssertEqual(run("PFCOUNT u h"), ":3\r\n")
    }
}
