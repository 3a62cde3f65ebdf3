// In-process tests of request parsing, dispatch and reply encoding: bytes go into a
// client's query buffer, the server processes them, the reply buffer is inspected.

import XCTest
import Glibc
@testable import ApusCore

/// A server without listeners and clients on socketpairs: commands are fed straight
/// into a client's query buffer and the reply buffer is read back.
final class InProcessServer {
    let server: Server

    init(configure: (ServerConfig) -> Void = { _ in }) {
        let config = ServerConfig()
        config.savePoints = []
        configure(config)
        server = try! Server(config: config)
    }

    func makeClient() -> Client {
        var fds: [Int32] = [0, 0]
        precondition(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds) == 0)
        let c = Client(server: server, id: 1, fd: fds[0], registration: 1, peer: "test:0", local: "test:0",
                       unix: true, db: server.keyspace.dbs[0], now: 0, authenticated: true)
        if Int(fds[0]) >= server.clientsByFd.count {
            server.clientsByFd.append(contentsOf: repeatElement(nil, count: Int(fds[0]) + 1 - server.clientsByFd.count))
        }
        server.clientsByFd[Int(fds[0])] = c
        return c
    }

    /// Feeds raw bytes and returns everything replied since the last call.
    func feed(_ c: Client, _ s: String) -> String { feed(c, bytes: Array(s.utf8)) }

    /// Feeds raw bytes (binary arguments survive) and returns the replies as text.
    func feed(_ c: Client, bytes: [UInt8]) -> String {
        bytes.withUnsafeBytes { c.query.append($0) }
        server.refreshTime()
        server.processInputBuffer(c)
        let out = String(decoding: c.reply.readableView, as: UTF8.self)
        c.reply.readIndex = c.reply.writeIndex
        return out
    }
}

final class ProtocolTests: XCTestCase {
    var harness: InProcessServer!
    var server: Server { harness.server }

    override func setUp() { harness = InProcessServer() }
    func makeClient() -> Client { harness.makeClient() }
    func feed(_ c: Client, _ s: String) -> String { harness.feed(c, s) }

    func testMultibulkSetGetPipelined() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n"),
                       "+OK\r\n$5\r\nhello\r\n")
    }

    func testCommandSplitAcrossReads() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "*2\r\n$4\r\nEC"), "")
        XCTAssertEqual(feed(c, "HO\r\n$3\r"), "")
        XCTAssertEqual(feed(c, "\nabc\r\n"), "$3\r\nabc\r\n")
    }

    func testCompactionKeepsArgumentsOfAPartialCommand() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "PING\r\n*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva"), "+PONG\r\n")
        // What the read path does when the buffer is full: slide unparsed bytes down.
        c.compactQuery()
        XCTAssertEqual(feed(c, "lue\r\n*2\r\n$3\r\nGET\r\n$3\r\nkey\r\n"), "+OK\r\n$5\r\nvalue\r\n")
    }

    func testLargeArgumentArrivesInPieces() {
        let c = makeClient()
        let value = String(repeating: "x", count: 100_000)
        let cmd = "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$\(value.utf8.count)\r\n\(value)\r\n"
        let bytes = Array(cmd.utf8)
        var out = ""
        var i = 0
        while i < bytes.count {
            let n = min(7000, bytes.count - i)
            out += feed(c, String(decoding: bytes[i..<(i + n)], as: UTF8.self))
            if c.query.writableBytes < 16 * 1024 { c.compactQuery(); c.query.reserve(16 * 1024) }
            i += n
        }
        XCTAssertEqual(out, "+OK\r\n")
        XCTAssertEqual(feed(c, "STRLEN k\r\n"), ":100000\r\n")
    }

    func testClientPauseWriteHoldsWritesUntilUnpause() {
        let c = makeClient()
        let admin = makeClient()
        XCTAssertEqual(feed(admin, "CLIENT PAUSE 100000 WRITE\r\n"), "+OK\r\n")
        XCTAssertEqual(feed(c, "GET k\r\nSET k v\r\nGET k\r\n"), "$-1\r\n")
        XCTAssertTrue(c.flags.contains(.postponed))
        XCTAssertEqual(feed(admin, "CLIENT UNPAUSE\r\n"), "+OK\r\n")
        let out = String(decoding: c.reply.readableView, as: UTF8.self)
        XCTAssertEqual(out, "+OK\r\n$1\r\nv\r\n")
    }

    func testInlineCommandsWithQuotes() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "SET k \"a b\"\r\nGET k\n"), "+OK\r\n$3\r\na b\r\n")
        XCTAssertEqual(feed(c, "ECHO \"\\x41\"\r\n"), "$1\r\nA\r\n")
    }

    func testUnbalancedQuotesIsProtocolError() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "SET k \"abc\r\n"), "-ERR Protocol error: unbalanced quotes in request\r\n")
        XCTAssertTrue(c.flags.contains(.closeAfterReply))
    }

    func testInvalidMultibulkLength() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "*abc\r\n"), "-ERR Protocol error: invalid multibulk length\r\n")
        let d = makeClient()
        XCTAssertEqual(feed(d, "*3000000000\r\n"), "-ERR Protocol error: invalid multibulk length\r\n")
    }

    func testExpectedDollar() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "*1\r\n+PING\r\n"), "-ERR Protocol error: expected '$', got '+'\r\n")
    }

    func testInvalidBulkLength() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "*1\r\n$-5\r\n"), "-ERR Protocol error: invalid bulk length\r\n")
        let d = makeClient()
        XCTAssertEqual(feed(d, "*1\r\n$600000000\r\n"), "-ERR Protocol error: invalid bulk length\r\n")
    }

    func testHugeBulkLengthUnderHugeLimitNeitherCrashesNorAllocates() {
        server.config.protoMaxBulkLen = Int.max
        let c = makeClient()
        XCTAssertEqual(feed(c, "*1\r\n$9223372036854775806\r\nabc"), "")
        XCTAssertLessThanOrEqual(c.query.capacity, server.config.clientQueryBufferLimit + 64 * 1024)
    }

    func testSetrangeOffsetNearInt64MaxIsRejected() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "SETRANGE k 9223372036854775807 x\r\n"),
                       "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n")
    }

    func testTooBigInlineRequest() {
        let c = makeClient()
        let big = String(repeating: "a", count: 70 * 1024)
        XCTAssertEqual(feed(c, big), "-ERR Protocol error: too big inline request\r\n")
    }

    func testUnauthenticatedLimits() {
        server.config.requirepass = "secret"
        let c = makeClient()
        c.authenticated = false
        XCTAssertEqual(feed(c, "*11\r\n"), "-ERR Protocol error: unauthenticated multibulk length\r\n")
        let d = makeClient()
        d.authenticated = false
        XCTAssertEqual(feed(d, "*1\r\n$20000\r\n"), "-ERR Protocol error: unauthenticated bulk length\r\n")
        let e = makeClient()
        e.authenticated = false
        XCTAssertEqual(feed(e, "GET k\r\n"), "-NOAUTH Authentication required.\r\n")
        XCTAssertEqual(feed(e, "AUTH secret\r\nGET k\r\n"), "+OK\r\n$-1\r\n")
    }

    func testUnknownCommandAndArity() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "FOO a b\r\n"), "-ERR unknown command 'FOO', with args beginning with: 'a' 'b' \r\n")
        XCTAssertEqual(feed(c, "GET\r\n"), "-ERR wrong number of arguments for 'get' command\r\n")
        XCTAssertEqual(feed(c, "OBJECT nope k\r\n"), "-ERR unknown subcommand 'nope'. Try OBJECT HELP.\r\n")
    }

    func testResp3NullAndMap() {
        let c = makeClient()
        let hello = feed(c, "HELLO 3\r\n")
        XCTAssertTrue(hello.hasPrefix("%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n"))
        XCTAssertEqual(feed(c, "GET missing\r\n"), "_\r\n")
    }

    func testEmptyMultibulkIsIgnored() {
        let c = makeClient()
        XCTAssertEqual(feed(c, "*0\r\n*-1\r\nPING\r\n"), "+PONG\r\n")
    }

    /// Random and mutated requests must never crash the parser; every client either
    /// gets replies or a protocol error, and a fresh client still works afterwards.
    func testFuzzRandomAndMutatedInput() {
        var rng = SystemRandomNumberGenerator()
        let seeds = ["*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n", "GET k\r\n", "*1\r\n$4\r\nPING\r\n",
                     "SET \"a b\" 'c'\r\n", "*2\r\n$4\r\nECHO\r\n$3\r\nabc\r\n", "*0\r\n"]
        let alphabet: [UInt8] = Array("*$\r\n-+:0123456789abcSETGET \"'\\x".utf8)
        for round in 0..<3000 {
            let c = makeClient()
            var bytes = Array(seeds[round % seeds.count].utf8)
            for _ in 0..<Int.random(in: 0...6, using: &rng) {
                let pos = Int.random(in: 0...bytes.count, using: &rng)
                switch Int.random(in: 0...2, using: &rng) {
                case 0: bytes.insert(alphabet.randomElement(using: &rng)!, at: pos)
                case 1: if pos < bytes.count { bytes.remove(at: pos) }
                default: if pos < bytes.count { bytes[pos] = UInt8.random(in: 0...255, using: &rng) }
                }
            }
            if round % 10 == 0 {
                bytes = (0..<Int.random(in: 1...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            bytes.withUnsafeBytes { c.query.append($0) }
            server.processInputBuffer(c)
            close(c.fd)
            server.clientsByFd[Int(c.fd)] = nil
        }
        let ok = makeClient()
        XCTAssertEqual(feed(ok, "PING\r\n"), "+PONG\r\n")
    }
}
