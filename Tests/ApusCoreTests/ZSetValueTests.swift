// The sorted-set value against a model (a dictionary plus a sorted array): random adds,
// score updates, removals and range deletions in both encodings keep the same order,
// ranks, range answers and scores; the skiplist's spans stay consistent (every rank
// lookup finds its node); conversions keep the contents; memory is given back exactly.

import XCTest
@testable import ApusCore

final class ZSetValueTests: XCTestCase {
    private struct Model {
        var scores: [[UInt8]: Double] = [:]
        var sorted: [([UInt8], Double)] {
            scores.map { ($0.key, $0.value) }.sorted { a, b in
                a.1 != b.1 ? a.1 < b.1 : a.0.lexicographicallyPrecedes(b.0)
            }
        }
    }

    private func contents(_ z: ZSetValue, reverse: Bool = false, from: Int = 0) -> [([UInt8], Double)] {
        var out: [([UInt8], Double)] = []
        z.forEach(fromRank: from, reverse: reverse) { m, s in out.append((Array(m), s)); return true }
        return out
    }

    private func check(_ z: ZSetValue, _ m: Model, file: StaticString = #filePath, line: UInt = #line) {
        let want = m.sorted
        let got = contents(z)
        XCTAssertEqual(got.map(\.0), want.map(\.0), file: file, line: line)
        XCTAssertEqual(got.map(\.1), want.map(\.1), file: file, line: line)
        XCTAssertEqual(z.count, want.count, file: file, line: line)
        XCTAssertEqual(contents(z, reverse: true).map(\.0), want.reversed().map(\.0), file: file, line: line)
        for (i, (member, score)) in want.enumerated() where i % 7 == 0 {
            member.withUnsafeBytes { mb in
                XCTAssertEqual(z.rank(of: mb, reverse: false), i, file: file, line: line)
                XCTAssertEqual(z.rank(of: mb, reverse: true), want.count - 1 - i, file: file, line: line)
                XCTAssertEqual(z.score(of: mb), score, file: file, line: line)
            }
            XCTAssertEqual(contents(z, from: i).first?.0, member, file: file, line: line)
        }
        if !want.isEmpty {
            let lo = want[want.count / 4].1, hi = want[want.count * 3 / 4].1
            let r = ScoreRange(min: lo, max: hi, minExclusive: true, maxExclusive: false)
            XCTAssertEqual(z.count(in: r), want.filter { r.contains($0.1) }.count, file: file, line: line)
        }
    }

    func testRandomOperationsMatchAModelInBothEncodings() {
        for maxEntries in [0, 16, 128] {
            let meter = MemoryMeter()
            do {
                let limits = ZSetValue.Limits(maxEntries: maxEntries, maxValue: 64)
                let z = ZSetValue(meter: meter)
                if maxEntries == 0 { z.convertToSkiplist() }
                var m = Model()
                var rng = SystemRandomNumberGenerator()
                for step in 0..<3000 {
                    let member = Array("m\(Int.random(in: 0..<200, using: &rng))".utf8)
                    let score = Double(Int.random(in: -20...20, using: &rng)) / (Bool.random(using: &rng) ? 1 : 4)
                    switch Int.random(in: 0..<10, using: &rng) {
                    case 0...5:
                        let isNew = member.withUnsafeBytes { z.set($0, score: score, limits: limits) }
                        XCTAssertEqual(isNew, m.scores[member] == nil)
                        m.scores[member] = score
                    case 6, 7:
                        let removed = member.withUnsafeBytes { z.remove($0) }
                        XCTAssertEqual(removed, m.scores.removeValue(forKey: member) != nil)
                    case 8 where z.count > 4:
                        let a = Int.random(in: 0..<z.count, using: &rng)
                        let b = min(z.count - 1, a + Int.random(in: 0..<4, using: &rng))
                        let victims = m.sorted[a...b].map(\.0)
                        XCTAssertEqual(z.removeRange(ranks: a, b), victims.count)
                        for v in victims { m.scores[v] = nil }
                    case 9:
                        let r = ScoreRange(min: score, max: score + 1, minExclusive: false, maxExclusive: true)
                        let victims = m.sorted.filter { r.contains($0.1) }.map(\.0)
                        XCTAssertEqual(z.removeRange(r), victims.count)
                        for v in victims { m.scores[v] = nil }
                    default: break
                    }
                    if step % 300 == 0 { check(z, m) }
                    if z.encoding == .listpack { XCTAssertLessThanOrEqual(z.count, maxEntries, "converts past the limit") }
                }
                check(z, m)
                let copy = z.duplicate()
                check(copy, m)
                copy.convertToListpackIfFits(ZSetValue.Limits(maxEntries: 1000, maxValue: 64))
                XCTAssertEqual(copy.encoding, .listpack)
                check(copy, m)
            }
            XCTAssertEqual(meter.bytes, 0, "maxEntries \(maxEntries): every byte counted is given back")
        }
    }

    func testListpackScoresAreStoredAsRedisWritesThem() {
        let z = ZSetValue(meter: MemoryMeter())
        let lim = ZSetValue.Limits(maxEntries: 128, maxValue: 64)
        for (m, s) in [("a", 1.5), ("b", -0.0), ("c", 3.0), ("d", 1e300)] {
            Array(m.utf8).withUnsafeBytes { _ = z.set($0, score: s, limits: lim) }
        }
        let lp = z.listpack!
        var texts: [String] = []
        var o = lp.first
        while let off = o {
            texts.append(lp.withElementBytes(at: off) { String(decoding: $0, as: UTF8.self) })
            o = lp.next(off)
        }
        // -0 is stored as the integer 0 (zzlInsertAt's double2ll), 1e300 as %.17g text.
        XCTAssertEqual(texts, ["b", "0", "a", "1.5", "c", "3", "d", "1.0000000000000001e+300"])
    }
}
