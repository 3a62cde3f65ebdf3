// The outgoing RESP link, over a socket pair standing in for the server: commands
// leave in RESP and in order, replies reach their callbacks in order even when they
// arrive split or together, unsolicited replies go to the message handler, and the
// link reports its end once (peer closed, malformed reply).

import XCTest
import Glibc
import CApusSys
@testable import ApusCore

final class OutgoingLinkTests: XCTestCase {
    private var peer: Int32 = -1
    private var link: OutgoingLink!

    override func setUp() {
        var fds: [Int32] = [-1, -1]
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        _ = apus_set_nonblock(fds[0])
        link = OutgoingLink(id: 7)
        link.adopt(fd: fds[0], connecting: false, nowMs: 1)
        peer = fds[1]
    }

    override func tearDown() {
        link.close(reason: "test over")
        Glibc.close(peer)
    }

    private func peerReads() -> String {
        var buf = [UInt8](repeating: 0, count: 4096)
        let n = buf.withUnsafeMutableBytes { Glibc.read(peer, $0.baseAddress, $0.count) }
        return String(decoding: buf[0..<max(0, n)], as: UTF8.self)
    }

    private func peerWrites(_ s: String) {
        _ = s.withCString { Glibc.write(peer, $0, strlen($0)) }
        link.handle(readable: true, writable: false, nowMs: 2)
    }

    func testRepliesReachTheirCallbacksInOrder() {
        var got: [String] = []
        link.send(["PING"]) { got.append("ping:" + ($0.text ?? "?")) }
        link.send(["INFO", "replication"]) { got.append("info:" + ($0.text ?? "?")) }
        XCTAssertEqual(peerReads(), "*1\r\n$4\r\nPING\r\n*2\r\n$4\r\nINFO\r\n$11\r\nreplication\r\n")
        XCTAssertEqual(link.pendingCount, 2)
        peerWrites("+PONG\r\n$5\r\nro")      // the second reply arrives in two parts
        XCTAssertEqual(got, ["ping:PONG"])
        peerWrites("le:\r\n")
        XCTAssertEqual(got, ["ping:PONG", "info:role:"])
        XCTAssertEqual(link.pendingCount, 0)
        XCTAssertEqual(link.lastActivityMs, 2)
    }

    func testUnsolicitedRepliesAreMessages() {
        var confirmed = false
        var messages: [[String]] = []
        link.onMessage = { v in messages.append((v.elements ?? []).map { $0.text ?? "" }) }
        link.send(["SUBSCRIBE", "__sentinel__:hello"]) { _ in confirmed = true }
        _ = peerReads()
        peerWrites("*3\r\n$9\r\nsubscribe\r\n$18\r\n__sentinel__:hello\r\n:1\r\n"
                   + "*3\r\n$7\r\nmessage\r\n$18\r\n__sentinel__:hello\r\n$5\r\nhello\r\n"
                   + ">3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n")
        XCTAssertTrue(confirmed)
        XCTAssertEqual(messages, [["message", "__sentinel__:hello", "hello"], ["message", "c", "m"]])
    }

    func testTheLinkReportsItsEndOnce() {
        var reasons: [String] = []
        link.onClose = { reasons.append($0) }
        link.send(["PING"])
        Glibc.close(peer)
        peer = -1
        link.handle(readable: true, writable: false, nowMs: 3)
        XCTAssertEqual(link.state, .closed)
        XCTAssertEqual(link.pendingCount, 0)
        link.close(reason: "again")
        XCTAssertEqual(reasons.count, 1)
        link.send(["PING"])                 // ignored once closed
        XCTAssertEqual(link.pendingCount, 0)
    }

    func testAMalformedReplyClosesTheLink() {
        var reasons: [String] = []
        link.onClose = { reasons.append($0) }
        link.send(["PING"])
        _ = peerReads()
        peerWrites("?what\r\n")
        XCTAssertEqual(link.state, .closed)
        XCTAssertEqual(reasons.count, 1)
        XCTAssertTrue(reasons[0].contains("Protocol error"), reasons[0])
    }
}
