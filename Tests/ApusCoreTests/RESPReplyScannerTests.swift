// The streaming reply scanner: every RESP2/RESP3 reply shape counted once, whatever the read
// boundaries, pushes and attributes not counted, error texts kept, bad input reported.

import XCTest
@testable import ApusCore

private struct Collector: RESPReplyHandler {
    var replies: [(Bool, String)] = []
    var stopAfter = Int.max
    mutating func reply(isError: Bool, scanner: inout RESPReplyScanner) -> Bool {
        replies.append((isError, isError ? String(decoding: scanner.errorText, as: UTF8.self) : ""))
        return replies.count < stopAfter
    }
}

final class ReplyScannerTests: XCTestCase {
    /// Feeds `input` in pieces of `chunk` bytes; returns the replies seen.
    private func scan(_ input: String, chunk: Int) -> (replies: [(Bool, String)], problem: String?) {
        var scanner = RESPReplyScanner()
        var c = Collector()
        let bytes = Array(input.utf8)
        var i = 0
        while i < bytes.count {
            let piece = Array(bytes[i..<min(i + chunk, bytes.count)])
            if let p = piece.withUnsafeBytes({ scanner.scan($0, &c) }) { return (c.replies, p) }
            i += chunk
        }
        return (c.replies, nil)
    }

    let mixed = "+OK\r\n-ERR unknown command 'foo'\r\n:42\r\n$5\r\nhello\r\n$-1\r\n*-1\r\n*0\r\n"
        + "*3\r\n$1\r\na\r\n*2\r\n:1\r\n:2\r\n$0\r\n\r\n"          // nested array
        + "%2\r\n+server\r\n+redis\r\n+proto\r\n:3\r\n"            // RESP3 map
        + ">3\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n_\r\n"      // push: not a reply
        + "|1\r\n+ttl\r\n:3600\r\n$3\r\nbar\r\n"                    // attribute, then the reply
        + "~2\r\n,1.5\r\n#t\r\n(12345678901234567890\r\n_\r\n=8\r\ntxt:abcd\r\n"
        + "!21\r\nSYNTAX invalid syntax\r\n"

    func testEveryReplyShapeIsCountedOnceWhateverTheReadBoundaries() {
        for chunk in [1, 2, 3, 5, 7, 64, 4096] {
            let (replies, problem) = scan(mixed, chunk: chunk)
            XCTAssertNil(problem, "chunk \(chunk)")
            XCTAssertEqual(replies.count, 15, "chunk \(chunk)")
            XCTAssertEqual(replies.filter { $0.0 }.map { $0.1 }, ["ERR unknown command 'foo'", "SYNTAX invalid syntax"],
                           "chunk \(chunk)")
        }
    }

    func testLargeBulkIsSkippedNotBuffered() {
        let big = String(repeating: "x", count: 1_000_000)
        let (replies, problem) = scan("$1000000\r\n" + big + "\r\n+OK\r\n", chunk: 65536)
        XCTAssertNil(problem)
        XCTAssertEqual(replies.count, 2)
    }

    func testLrangeSizedArray() {
        var s = "*600\r\n"
        for i in 0..<600 { s += "$\(String(i).count)\r\n\(i)\r\n" }
        XCTAssertEqual(scan(s + s, chunk: 1000).replies.count, 2)
    }

    func testHandlerCanStopTheScan() {
        var scanner = RESPReplyScanner()
        var c = Collector(stopAfter: 2)
        _ = Array("+A\r\n+B\r\n+C\r\n".utf8).withUnsafeBytes { scanner.scan($0, &c) }
        XCTAssertEqual(c.replies.count, 2)
    }

    func testBadTypeByteIsAProtocolError() {
        let (_, problem) = scan("+OK\r\n@what\r\n", chunk: 100)
        XCTAssertEqual(problem, "Protocol error, got \"@\" as reply type byte")
        XCTAssertNotNil(scan("$abc\r\n", chunk: 100).problem)
    }

    func testNestingIsBounded() {
        let deep = String(repeating: "*1\r\n", count: 100) + ":1\r\n"
        XCTAssertNotNil(scan(deep, chunk: 100).problem)
        let ok = String(repeating: "*1\r\n", count: 60) + ":1\r\n"
        let (replies, problem) = scan(ok, chunk: 3)
        XCTAssertNil(problem)
        XCTAssertEqual(replies.count, 1)
    }

    func testResetDropsPartialState() {
        var scanner = RESPReplyScanner()
        var c = Collector()
        _ = Array("*2\r\n$3\r\nfo".utf8).withUnsafeBytes { scanner.scan($0, &c) }
        scanner.reset()
        _ = Array("+OK\r\n".utf8).withUnsafeBytes { scanner.scan($0, &c) }
        XCTAssertEqual(c.replies.count, 1)
    }
}
