// The list value against a plain array model: random pushes, pops, inserts, removals,
// trims and replacements under count- and size-bounded nodes keep the same elements,
// every node stays a valid listpack within its budget, and memory is counted exactly.
// Then the blocking commands in-process: a parked client is served by another's push,
// in order, and what reaches the command stream is the non-blocking form.

import XCTest
@testable import ApusCore

final class ListValueTests: XCTestCase {
    private func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    private func check(_ l: ListValue, _ model: [[UInt8]], fill: Int, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(l.count, model.count, file: file, line: line)
        XCTAssertEqual(l.elements(), model, file: file, line: line)
        var total = 0
        let nodes = Int(l.nodeCount), depth = Int(l.compressDepth)
        for i in 0..<nodes {
            l.withNode(i) { n in
                XCTAssertEqual(Listpack.validate(n.bytes), n.count, "node \(i) is a valid listpack", file: file, line: line)
                XCTAssertGreaterThan(n.count, 0, "no empty node", file: file, line: line)
                total += n.count
                if fill > 0 { XCTAssertLessThanOrEqual(n.count, fill + 1, file: file, line: line) }
                // With a compress depth: the ends plain, inner nodes compressed when LZF
                // saves enough (our elements repeat, so every big enough node qualifies).
                if depth > 0 {
                    let inner = i >= depth && i < nodes - depth
                    if !inner {
                        XCTAssertFalse(l.nodeIsCompressed(i), "end node \(i) of \(nodes) is plain", file: file, line: line)
                    } else if n.totalBytes >= 600 {
                        XCTAssertTrue(l.nodeIsCompressed(i), "inner node \(i) of \(nodes) is compressed", file: file, line: line)
                    }
                }
            }
        }
        XCTAssertEqual(total, model.count, file: file, line: line)
    }

    func testRandomOperationsMatchAnArrayModel() {
        for (fill, depth) in [(3, 0), (16, 0), (-1, 0), (-2, 0), (4, 1), (16, 2), (-1, 1)] {
            var rng = SystemRandomNumberGenerator()
            let meter = MemoryMeter()
            do {
                let l = ListValue(meter: meter, compressDepth: depth)
                var model: [[UInt8]] = []
                func element() -> [UInt8] {
                    switch Int.random(in: 0..<4, using: &rng) {
                    case 0: return bytes(String(Int.random(in: -100_000...100_000, using: &rng)))
                    case 1: return bytes("v\(Int.random(in: 0..<20, using: &rng))")
                    case 2: return [UInt8](repeating: 120, count: Int.random(in: 0..<300, using: &rng))
                    default: return bytes("e")
                    }
                }
                for step in 0..<4000 {
                    let v = element()
                    switch Int.random(in: 0..<9, using: &rng) {
                    case 0, 1:
                        v.withUnsafeBytes { l.push($0, atHead: true, fill: fill) }
                        model.insert(v, at: 0)
                    case 2, 3:
                        v.withUnsafeBytes { l.push($0, atHead: false, fill: fill) }
                        model.append(v)
                    case 4:
                        let head = Bool.random(using: &rng)
                        let got = l.pop(fromHead: head)
                        XCTAssertEqual(got, model.isEmpty ? nil : (head ? model.removeFirst() : model.removeLast()))
                    case 5 where !model.isEmpty:
                        let pivot = model[Int.random(in: 0..<model.count, using: &rng)]
                        let after = Bool.random(using: &rng)
                        let ok = pivot.withUnsafeBytes { p in v.withUnsafeBytes { l.insert($0, pivot: p, after: after, fill: fill) } }
                        XCTAssertTrue(ok)
                        let at = model.firstIndex(of: pivot)!
                        model.insert(v, at: after ? at + 1 : at)
                    case 6 where !model.isEmpty:
                        let target = model[Int.random(in: 0..<model.count, using: &rng)]
                        let limit = Int.random(in: 0..<3, using: &rng)
                        let fromTail = Bool.random(using: &rng)
                        let removed = target.withUnsafeBytes { l.removeMatching($0, limit: limit, fromTail: fromTail) }
                        var idx = Array(model.indices.filter { model[$0] == target })
                        if fromTail { idx.reverse() }
                        if limit > 0 { idx = Array(idx.prefix(limit)) }
                        XCTAssertEqual(removed, idx.count)
                        for i in idx.sorted(by: >) { model.remove(at: i) }
                    case 7 where !model.isEmpty:
                        let i = Int.random(in: 0..<model.count, using: &rng)
                        XCTAssertTrue(v.withUnsafeBytes { l.replace(at: i, with: $0) })
                        model[i] = v
                        XCTAssertEqual(l.withElement(at: i) { Array($0) }, v)
                    case 8 where model.count > 10 && step % 7 == 0:
                        let head = Int.random(in: 0..<4, using: &rng), tail = Int.random(in: 0..<4, using: &rng)
                        l.removeRange(fromHead: true, count: head)
                        l.removeRange(fromHead: false, count: tail)
                        model.removeFirst(head)
                        model.removeLast(tail)
                    default:
                        break
                    }
                    if step % 500 == 0 { check(l, model, fill: fill) }
                }
                check(l, model, fill: fill)
                // Reverse walks from any start match the model too.
                if !model.isEmpty {
                    let start = model.count / 3
                    var seen: [[UInt8]] = []
                    l.forEach(from: start, reverse: true) { seen.append(Array($0)); return true }
                    XCTAssertEqual(seen, Array(model.reversed().dropFirst(start)))
                }
                let copy = l.duplicate()
                XCTAssertEqual(copy.elements(), model)
            }
            XCTAssertEqual(meter.bytes, 0, "fill \(fill) depth \(depth): every byte counted is given back")
        }
    }

    func testSizeBoundedNodesStayWithinTheirBudget() {
        let l = ListValue(meter: MemoryMeter())
        let v = [UInt8](repeating: 97, count: 100)
        for _ in 0..<1000 { v.withUnsafeBytes { l.push($0, atHead: false, fill: -2) } }
        for i in 0..<Int(l.nodeCount) { XCTAssertLessThanOrEqual(l.withNode(i) { $0.totalBytes }, 8192) }
        XCTAssertGreaterThan(l.nodeCount, 10)
        // One element bigger than the budget gets a node of its own.
        let big = [UInt8](repeating: 98, count: 20_000)
        big.withUnsafeBytes { l.push($0, atHead: true, fill: -2) }
        XCTAssertEqual(l.withNode(0) { $0.count }, 1)
        XCTAssertEqual(l.withElement(at: 0) { $0.count }, 20_000)
    }
}

final class BlockingTests: XCTestCase {
    var h: InProcessServer!
    var stream: RecordingConsumer!

    override func setUp() {
        h = InProcessServer()
        stream = RecordingConsumer()
        h.server.keyspace.propagator.attach(stream)
    }

    func testParkedPopIsServedByAnotherClientsPushAndPropagatedAsAPop() {
        let waiter = h.makeClient(), pusher = h.makeClient()
        XCTAssertEqual(h.feed(waiter, "BLPOP q 0\r\nPING\r\n"), "")
        XCTAssertEqual(h.server.blockedClients, 1)
        XCTAssertTrue(waiter.flags.contains(.blocked))
        XCTAssertEqual(h.feed(pusher, "RPUSH q a b\r\n"), ":2\r\n")
        // The rest of the waiter's input runs before the loop sleeps.
        h.server.blockedBeforeSleep()
        XCTAssertEqual(h.feed(waiter, ""), "*2\r\n$1\r\nq\r\n$1\r\na\r\n+PONG\r\n")
        XCTAssertEqual(stream.take(), ["0: RPUSH q a b", "0: LPOP q"])
        XCTAssertEqual(h.server.blockedClients, 0)
        XCTAssertTrue(h.server.keyspace.waitedKeys.isEmpty)
    }

    func testBlockingMoveAndMultiPopPropagateTheirNonBlockingForms() {
        let a = h.makeClient(), b = h.makeClient(), p = h.makeClient()
        XCTAssertEqual(h.feed(a, "BLMOVE src dst RIGHT LEFT 0\r\n"), "")
        XCTAssertEqual(h.feed(b, "BLMPOP 0 2 x dst LEFT COUNT 5\r\n"), "")
        XCTAssertEqual(h.feed(p, "LPUSH src job\r\n"), ":1\r\n")
        XCTAssertEqual(h.feed(a, ""), "$3\r\njob\r\n")
        XCTAssertEqual(h.feed(b, ""), "*2\r\n$3\r\ndst\r\n*1\r\n$3\r\njob\r\n")
        XCTAssertEqual(stream.take(), ["0: LPUSH src job", "0: LMOVE src dst RIGHT LEFT", "0: LPOP dst 1"])
    }

    func testTimeoutRepliesNullAndReleasesTheKey() {
        let c = h.makeClient()
        XCTAssertEqual(h.feed(c, "BRPOP k 0.01\r\n"), "")
        usleep(30_000)
        h.server.blockedBeforeSleep()
        XCTAssertEqual(h.feed(c, ""), "*-1\r\n")
        XCTAssertTrue(h.server.keyspace.waitedKeys.isEmpty)
        XCTAssertEqual(h.feed(c, "HELLO 3\r\n").isEmpty, false)
        XCTAssertEqual(h.feed(c, "BRPOP k 0.01\r\n"), "")
        usleep(30_000)
        h.server.blockedBeforeSleep()
        XCTAssertEqual(h.feed(c, ""), "_\r\n")
    }
}
