// The cluster bus wire format against bytes a real Redis 7.0.15 sent: a MEET captured
// from redis-server (cluster-enabled, slots 0-100 and 16000-16383, config epoch 7,
// announced hostname myhost.example) decodes field by field and encodes back to the
// same bytes; every body kind round-trips; malformed messages are refused as Redis
// refuses them.

import Foundation
import XCTest
@testable import ApusCore

final class ClusterBusMessageTests: XCTestCase {
    private func fixture() throws -> [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/redis-7.0.15-cluster-meet.hex")
        let lines = try String(contentsOf: url, encoding: .utf8).split(separator: "\n")
        let hex = Array(lines[1].utf8)
        var out: [UInt8] = []
        var i = 0
        while i + 1 < hex.count {
            out.append(UInt8(String(decoding: hex[i...(i + 1)], as: UTF8.self), radix: 16)!)
            i += 2
        }
        return out
    }

    func testDecodesAMeetFromRedis() throws {
        let bytes = try fixture()
        XCTAssertEqual(bytes.count, 2280)
        XCTAssertEqual(ClusterBusMessage.announcedLength(bytes), 2280)
        let m = try ClusterBusMessage(decoding: bytes)
        XCTAssertEqual(m.type, .meet)
        XCTAssertEqual(m.port, 38008)
        XCTAssertEqual(m.cport, 48008)
        XCTAssertEqual(m.pport, 0)
        XCTAssertEqual(m.currentEpoch, 7)
        XCTAssertEqual(m.configEpoch, 7)
        XCTAssertEqual(m.offset, 0)
        XCTAssertEqual(m.sender, "1e12b1c822217d8adc54a6285020b3e0cd46d930")
        XCTAssertNil(m.replicaOf)
        XCTAssertNil(m.ip, "not announced: the receiver takes the socket's address")
        XCTAssertEqual(m.flags, [.master, .myself])
        XCTAssertEqual(m.state, 1, "CLUSTER_FAIL: not every slot is served")
        XCTAssertEqual(m.mflags.0, ClusterBusMessage.flagExtData)
        XCTAssertEqual(m.slots.count, 101 + 384)
        XCTAssertTrue(m.slots[0] && m.slots[100] && !m.slots[101] && m.slots[16000] && m.slots[16383])
        XCTAssertEqual(m.body, .ping(gossip: [], hostname: "myhost.example"))
        XCTAssertEqual(m.encoded(), bytes, "re-encoded byte for byte")
    }

    func testEveryBodyRoundTrips() throws {
        var slots = SlotBitmap()
        for s in [0, 7, 8, 5460, 16383] { slots[s] = true }
        let gossip = ClusterGossip(name: String(repeating: "a", count: 40), pingSent: 1700, pongReceived: 1701,
                                   ip: "127.0.0.1", port: 7000, cport: 17000, flags: [.master, .pfail], pport: 0)
        let bodies: [(ClusterMessageType, ClusterBusMessage.Body)] = [
            (.ping, .ping(gossip: [gossip, gossip], hostname: nil)),
            (.pong, .ping(gossip: [gossip], hostname: "node-1")),
            (.fail, .fail(node: String(repeating: "b", count: 40))),
            (.publish, .publish(channel: Array("news".utf8), message: Array("hello".utf8))),
            (.publishShard, .publish(channel: Array("s".utf8), message: [])),
            (.update, .update(configEpoch: 9, node: String(repeating: "c", count: 40), slots: slots)),
            (.module, .module(id: 42, type: 3, payload: [1, 2, 3, 4])),
            (.failoverAuthRequest, .none), (.failoverAuthAck, .none), (.mfStart, .none),
        ]
        for (t, body) in bodies {
            let m = ClusterBusMessage(type: t, port: 7001, currentEpoch: 12, configEpoch: 3, offset: 123_456_789,
                                      sender: String(repeating: "d", count: 40), slots: slots,
                                      replicaOf: String(repeating: "e", count: 40), ip: "10.0.0.5", pport: 0,
                                      cport: 17001, flags: [.replica], state: 0, mflags: (0, 0, 0), body: body)
            let bytes = m.encoded()
            XCTAssertEqual(ClusterBusMessage.announcedLength(bytes), bytes.count)
            var back = try ClusterBusMessage(decoding: bytes)
            if case .ping(_, let h) = body, h != nil { back.mflags.0 &= ~ClusterBusMessage.flagExtData }
            XCTAssertEqual(back, m, "\(t)")
        }
        let hello = ClusterBusMessage(type: .pong, port: 1, currentEpoch: 0, configEpoch: 0, offset: 0, sender: "x",
                                      slots: SlotBitmap(), replicaOf: nil, ip: nil, pport: 0, cport: 0, flags: [],
                                      state: 0, body: .ping(gossip: [], hostname: "myhost.example")).encoded()
        XCTAssertEqual(hello.count, 2256 + 24, "the hostname extension is padded to 8 bytes, as 7.0 pads it")
    }

    func testMalformedMessagesAreRefused() throws {
        let good = try fixture()
        XCTAssertThrowsError(try ClusterBusMessage(decoding: Array(good.prefix(6))))
        var sig = good
        sig[0] = 0x58
        XCTAssertEqual(Result { try ClusterBusMessage(decoding: sig) }.failureValue, .badSignature)
        var ver = good
        ver[9] = 2
        XCTAssertEqual(Result { try ClusterBusMessage(decoding: ver) }.failureValue, .badVersion)
        var count = good
        count[15] = 3   // three gossip entries announced, none there
        XCTAssertEqual(Result { try ClusterBusMessage(decoding: count) }.failureValue, .badLength)
        var type = good
        type[13] = 99
        XCTAssertEqual(Result { try ClusterBusMessage(decoding: type) }.failureValue, .unknownType(99))
        XCTAssertEqual(Result { try ClusterBusMessage(decoding: good + [0]) }.failureValue, .badLength)
    }
}

private extension Result where Failure == Error {
    var failureValue: ClusterBusMessage.DecodeError? {
        if case .failure(let e) = self { return e as? ClusterBusMessage.DecodeError }
        return nil
    }
}
