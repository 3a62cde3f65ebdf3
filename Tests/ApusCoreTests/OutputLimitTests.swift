// client-output-buffer-limit is enforced while replies are appended, not once per read:
// a pipeline of big replies to a client that never reads stops at the limit, the
// client runs no further commands and its reply memory is released at once.

import XCTest
@testable import ApusCore

final class OutputLimitTests: XCTestCase {
    private let kb = 1024

    /// A server whose `class` limit is `hard`/`soft` bytes, with a 100 KB value under "big".
    private func harness(normal: OutputBufferLimit = OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0),
                         pubsub: OutputBufferLimit = OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0))
        -> (InProcessServer, String) {
        let h = InProcessServer { c in
            c.outputBufferLimits[0] = normal
            c.outputBufferLimits[2] = pubsub
        }
        let value = String(repeating: "v", count: 100 * kb)
        let loader = h.makeClient()
        _ = h.feed(loader, "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$\(value.utf8.count)\r\n\(value)\r\n")
        let gets = String(repeating: "*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n", count: 200)
        return (h, gets)
    }

    /// Feeds `input` without draining the reply buffer (a client that never reads).
    private func feedWithoutReading(_ h: InProcessServer, _ c: Client, _ input: String) {
        Array(input.utf8).withUnsafeBytes { c.query.append($0) }
        h.server.refreshTime()
        h.server.processInputBuffer(c)
    }

    func testHardLimitStopsThePipelineAtTheLimit() {
        let (h, gets) = harness(normal: OutputBufferLimit(hard: 1024 * kb, soft: 0, softSeconds: 0))
        let c = h.makeClient()
        let before = c.commandsProcessed
        feedWithoutReading(h, c, gets)
        XCTAssertTrue(c.flags.contains(.closeASAP))
        // 1 MB of 100 KB replies: about ten GETs ran, not all two hundred.
        let ran = c.commandsProcessed - before
        XCTAssertLessThanOrEqual(ran, 12, "\(ran) commands ran after the limit")
        XCTAssertGreaterThanOrEqual(ran, 10)
        XCTAssertEqual(c.reply.readableBytes, 0, "replies of a closing client are dropped")
        XCTAssertLessThanOrEqual(c.reply.allocatedBytes, 64 * kb, "reply memory released at once")
        XCTAssertTrue(h.server.clientsToClose.contains { $0 === c })
    }

    func testNoLimitKeepsEveryReply() {
        let (h, gets) = harness()
        let c = h.makeClient()
        feedWithoutReading(h, c, gets)
        XCTAssertFalse(c.flags.contains(.closeASAP))
        XCTAssertGreaterThan(c.reply.readableBytes, 200 * 100 * kb)
    }

    func testPubSubClientsAreHeldToThePubSubClass() {
        let (h, _) = harness(pubsub: OutputBufferLimit(hard: 512 * kb, soft: 0, softSeconds: 0))
        let normal = h.makeClient()
        let sub = h.makeClient()
        sub.flags.insert(.pubsub)
        XCTAssertEqual(h.server.outputLimitClass(normal), 0)
        XCTAssertEqual(h.server.outputLimitClass(sub), 2)
        let chunk = Array(repeating: UInt8(120), count: 100 * kb)
        for _ in 0..<8 {
            normal.addReplyBulk(chunk)
            sub.addReplyBulk(chunk)
        }
        XCTAssertFalse(normal.flags.contains(.closeASAP), "the normal class has no limit here")
        XCTAssertTrue(sub.flags.contains(.closeASAP), "past the pub/sub hard limit")
    }

    func testSoftLimitClosesOnlyAfterItsSeconds() {
        let (h, _) = harness(normal: OutputBufferLimit(hard: 0, soft: 256 * kb, softSeconds: 2))
        let c = h.makeClient()
        let chunk = Array(repeating: UInt8(120), count: 100 * kb)
        for _ in 0..<4 { c.addReplyBulk(chunk) }
        XCTAssertFalse(c.flags.contains(.closeASAP), "over the soft limit starts the clock only")
        XCTAssertGreaterThan(c.softLimitReachedAt, 0)
        // Two seconds later it is still within the allowance; past it, the client closes.
        c.softLimitReachedAt -= 2
        c.addReplyBulk(chunk)
        XCTAssertFalse(c.flags.contains(.closeASAP))
        c.softLimitReachedAt -= 1
        c.addReplyBulk(chunk)
        XCTAssertTrue(c.flags.contains(.closeASAP))
    }

    func testDeferredLengthOfADroppedBufferIsIgnored() {
        let (h, _) = harness(normal: OutputBufferLimit(hard: 256 * kb, soft: 0, softSeconds: 0))
        let c = h.makeClient()
        let handle = c.addReplyDeferredLen()
        let chunk = Array(repeating: UInt8(120), count: 100 * kb)
        for _ in 0..<4 { c.addReplyBulk(chunk) }
        XCTAssertTrue(c.flags.contains(.closeASAP))
        c.setDeferredArrayLen(handle, 4)   // must not write into the released buffer
        XCTAssertEqual(c.reply.readableBytes, 0)
    }

    func testTheFloorFollowsTheConfiguredLimits() {
        let h = InProcessServer()
        XCTAssertEqual(h.server.outputLimitFloor, 8 * 1024 * 1024, "pub/sub's default soft limit is the smallest")
        let none = OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0)
        h.server.config.outputBufferLimits = [none, none, none]
        h.server.refreshOutputLimitFloor()
        XCTAssertEqual(h.server.outputLimitFloor, Int.max)
    }
}
