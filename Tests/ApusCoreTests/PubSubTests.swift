// Publish/subscribe inside one process: fan-out to subscribers of both protocols from
// one encoding, counts as PUBLISH reports them, pattern and shard namespaces, and the
// bookkeeping when clients unsubscribe, RESET or go away.

import XCTest
@testable import ApusCore

final class PubSubTests: XCTestCase {
    func testOneFrameServesBothProtocols() {
        var buffer = ByteBuffer(capacity: 64)
        defer { buffer.free() }
        Array("ch".utf8).withUnsafeBytes { ch in
            Array("hi".utf8).withUnsafeBytes { m in PubSub.frame("message", nil, ch, m, into: &buffer) }
        }
        let frame = Array(buffer.readableView)
        XCTAssertEqual(String(decoding: frame, as: UTF8.self), "3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n")
        let h = InProcessServer()
        let two = h.makeClient(), three = h.makeClient()
        three.resp = 3
        two.addPushFrame(buffer.readableView)
        three.addPushFrame(buffer.readableView)
        XCTAssertEqual(String(decoding: two.reply.readableView, as: UTF8.self), "*" + String(decoding: frame, as: UTF8.self))
        XCTAssertEqual(String(decoding: three.reply.readableView, as: UTF8.self), ">" + String(decoding: frame, as: UTF8.self))
    }

    func testPublishCountsChannelAndPatternDeliveries() {
        let h = InProcessServer()
        let a = h.makeClient(), b = h.makeClient(), p = h.makeClient()
        _ = h.feed(a, "SUBSCRIBE news\r\nPSUBSCRIBE n*\r\n")
        _ = h.feed(b, "SSUBSCRIBE news\r\n")
        XCTAssertEqual(h.feed(p, "PUBLISH news x\r\n"), ":2\r\n")
        XCTAssertEqual(h.feed(a, ""), "*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$1\r\nx\r\n*4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$1\r\nx\r\n")
        XCTAssertEqual(h.feed(b, ""), "", "shard channels are a namespace of their own")
        XCTAssertEqual(h.feed(p, "SPUBLISH news y\r\n"), ":1\r\n")
        XCTAssertEqual(h.feed(b, ""), "*3\r\n$8\r\nsmessage\r\n$4\r\nnews\r\n$1\r\ny\r\n")
        XCTAssertEqual(h.feed(a, ""), "", "patterns do not see shard messages")
    }

    func testUnsubscribeResetAndDisconnectForgetTheClient() {
        let h = InProcessServer()
        let a = h.makeClient(), b = h.makeClient(), p = h.makeClient()
        _ = h.feed(a, "SUBSCRIBE c1 c2\r\nPSUBSCRIBE *\r\n")
        _ = h.feed(b, "SUBSCRIBE c1\r\n")
        XCTAssertTrue(a.flags.contains(.pubsub))
        XCTAssertEqual(h.feed(a, "UNSUBSCRIBE\r\n"),
                       "*3\r\n$11\r\nunsubscribe\r\n$2\r\nc1\r\n:2\r\n*3\r\n$11\r\nunsubscribe\r\n$2\r\nc2\r\n:1\r\n")
        XCTAssertTrue(a.flags.contains(.pubsub), "still subscribed to a pattern")
        XCTAssertEqual(h.feed(a, "RESET\r\n"), "+RESET\r\n")
        XCTAssertFalse(a.flags.contains(.pubsub))
        XCTAssertNil(a.subscriptions)
        XCTAssertEqual(h.server.pubsub.patterns.count, 0)
        h.server.freeClient(b)
        XCTAssertEqual(h.server.pubsub.channels.count, 0)
        XCTAssertEqual(h.feed(p, "PUBLISH c1 x\r\n"), ":0\r\n")
    }
}
