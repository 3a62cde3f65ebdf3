// The listpack is Redis's format byte for byte: built element by element it equals the
// blob real Redis 7.0.15 holds for the same hash (Fixtures/redis-7.0.15-hash-listpack.bin,
// taken from `DUMP` of a listpack-encoded hash with rdbcompression off), it walks both
// ways, edits keep it valid, and validation refuses damaged blobs without crashing.

import XCTest
@testable import ApusCore

final class ListpackTests: XCTestCase {
    /// The fields and values of the fixture hash, in insertion order.
    static let fixtureElements: [String] = [
        "a", "5", "b", "-100", "c", "30000", "d", "1000000", "e", "100000000", "f", "10000000000",
        "g", "abc", "h", "-9223372036854775808", "i", "4095", "j", "-4096", "k", "127", "l", "128",
        "s100", String(repeating: "x", count: 100), "s5000", String(repeating: "y", count: 5000), "empty", "",
    ]

    static func fixture() -> [UInt8] {
        let url = URL(fileURLWithPath: "\(#filePath)").deletingLastPathComponent()
            .appendingPathComponent("Fixtures/redis-7.0.15-hash-listpack.bin")
        return [UInt8](try! Data(contentsOf: url))
    }

    private func build(_ items: [String]) -> Listpack {
        var lp = Listpack()
        for s in items { Array(s.utf8).withUnsafeBytes { lp.append($0) } }
        return lp
    }

    private func texts(_ lp: Listpack) -> [String] {
        var out: [String] = []
        var o = lp.first
        while let off = o {
            out.append(lp.withElementBytes(at: off) { String(decoding: $0, as: UTF8.self) })
            o = lp.next(off)
        }
        return out
    }

    func testBuiltListpackEqualsRedisBytes() {
        let lp = build(Self.fixtureElements)
        defer { lp.free() }
        let redis = Self.fixture()
        XCTAssertEqual(lp.count, 30)
        XCTAssertEqual(Array(lp.bytes), redis)
    }

    func testRedisListpackValidatesAndWalksBothWays() {
        let redis = Self.fixture()
        let n = redis.withUnsafeBytes { Listpack.validate($0) }
        XCTAssertEqual(n, 30)
        let lp = redis.withUnsafeBytes { Listpack(copying: $0) }
        defer { lp.free() }
        XCTAssertEqual(texts(lp), Self.fixtureElements)
        var back: [String] = []
        var o = lp.last
        while let off = o {
            back.append(lp.withElementBytes(at: off) { String(decoding: $0, as: UTF8.self) })
            o = lp.previous(off)
        }
        XCTAssertEqual(back, Self.fixtureElements.reversed())
        // Integers come back as integers, whatever their width.
        let ints = lp.first.map { f -> [Int64] in
            var out: [Int64] = []
            var o: Int? = f
            while let off = o {
                if case .int(let v) = lp.element(at: off) { out.append(v) }
                o = lp.next(off)
            }
            return out
        }
        XCTAssertEqual(ints, [5, -100, 30000, 1000000, 100000000, 10000000000, Int64.min, 4095, -4096, 127, 128])
    }

    func testEditsKeepTheListpackValid() {
        var model = Self.fixtureElements
        var lp = build(model)
        defer { lp.free() }
        var rng = SystemRandomNumberGenerator()
        let samples = ["", "0", "-1", "65536", "-8388609", "x", String(repeating: "z", count: 70),
                       String(repeating: "w", count: 20000), "9223372036854775807", "01", "-0", "3.5"]
        for _ in 0..<400 {
            let i = model.isEmpty ? 0 : Int.random(in: 0..<model.count, using: &rng)
            var off = lp.first
            for _ in 0..<i { off = lp.next(off!) }
            let s = samples.randomElement(using: &rng)!
            switch Int.random(in: 0..<3, using: &rng) {
            case 0:
                Array(s.utf8).withUnsafeBytes { _ = lp.insert($0, at: off ?? lp.totalBytes - 1) }
                model.insert(s, at: i)
            case 1 where !model.isEmpty:
                Array(s.utf8).withUnsafeBytes { _ = lp.replace(at: off!, with: $0) }
                model[i] = s
            default:
                if !model.isEmpty {
                    lp.delete(at: off!)
                    model.remove(at: i)
                }
            }
            XCTAssertEqual(Listpack.validate(lp.bytes), model.count)
        }
        XCTAssertEqual(texts(lp), model)
        // A deleted range and a copy behave the same.
        if model.count > 3, let f = lp.first {
            lp.delete(at: f, count: 3)
            model.removeFirst(3)
        }
        let copy = lp.duplicate()
        defer { copy.free() }
        XCTAssertEqual(texts(copy), model)
        XCTAssertEqual(Listpack.validate(copy.bytes), model.count)
    }

    func testValidationRefusesDamage() {
        let good = build(["a", "1", String(repeating: "b", count: 100), "-5000"])
        defer { good.free() }
        let bytes = Array(good.bytes)
        XCTAssertEqual(bytes.withUnsafeBytes { Listpack.validate($0) }, 4)
        func bad(_ b: [UInt8], _ why: String) {
            XCTAssertNil(b.withUnsafeBytes { Listpack.validate($0) }, why)
        }
        bad(Array(bytes.dropLast()), "truncated")
        var b = bytes; b[0] &+= 1; bad(b, "total bytes")
        b = bytes; b[4] = 3; bad(b, "count")
        b = bytes; b[bytes.count - 1] = 0; bad(b, "terminator")
        b = bytes; b[6] = 0xF7; bad(b, "encoding byte")
        b = bytes; b[8] = 0x05; bad(b, "backlen")
        var unknown = bytes; unknown[4] = 0xFF; unknown[5] = 0xFF
        XCTAssertEqual(unknown.withUnsafeBytes { Listpack.validate($0) }, 4, "65535 means: count them")
        // Random damage never crashes; what validates can be walked.
        var rng = SystemRandomNumberGenerator()
        let redis = Self.fixture()
        for _ in 0..<3000 {
            var d = Bool.random(using: &rng) ? redis : bytes
            for _ in 0..<Int.random(in: 1...3, using: &rng) {
                d[Int.random(in: 0..<d.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng)
            }
            if Bool.random(using: &rng) { d = Array(d.prefix(Int.random(in: 0..<d.count, using: &rng))) }
            if let n = d.withUnsafeBytes({ Listpack.validate($0) }) {
                let lp = d.withUnsafeBytes { Listpack(copying: $0) }
                XCTAssertEqual(texts(lp).count, n)
                lp.free()
            }
        }
    }
}
