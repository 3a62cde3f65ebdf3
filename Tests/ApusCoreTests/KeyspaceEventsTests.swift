// Keyspace notifications inside one process: the class letters both ways (as Redis's
// keyspaceEventsStringToFlags / FlagsToString), the events a subscriber receives for
// writes, expiries and misses, their order within a command, and silence while a
// dataset loads or when the classes are off.

import XCTest
@testable import ApusCore

final class KeyspaceEventsTests: XCTestCase {
    private func letters(_ s: String) -> NotifyClass? { NotifyClass(letters: Array(s.utf8)) }

    func testClassLettersParseAndPrintAsRedisDoes() {
        XCTAssertEqual(letters("")?.rawValue, 0)
        XCTAssertEqual(letters("KEA")?.letters, "AKE")
        XCTAssertEqual(letters("Ag$lshzxeKEtmdn")?.letters, "AKEm", "A hides n, as in 7.0")
        XCTAssertEqual(letters("g$lshzxetdn")?.letters, "A", "every data class spelled out is A")
        XCTAssertEqual(letters("Elg")?.letters, "glE")
        XCTAssertEqual(letters("nx$K")?.letters, "$xnK")
        XCTAssertEqual(letters("m")?.letters, "m")
        XCTAssertEqual(letters("A")?.contains(.new), false)
        XCTAssertEqual(letters("A")?.contains(.keyMiss), false)
        XCTAssertNil(letters("KEAq"))
        XCTAssertNil(letters("a"), "letters are case-sensitive")
        XCTAssertEqual(NotifyClass.keyMiss.rawValue, 1 << 11, "Redis's NOTIFY_KEY_MISS")
        XCTAssertEqual(NotifyClass.new.rawValue, 1 << 14, "Redis's NOTIFY_NEW")
    }

    /// The (channel, message) pairs waiting in a RESP2 subscriber's reply buffer.
    private func events(_ h: InProcessServer, _ c: Client) -> [String] {
        let text = h.feed(c, "")
        var out: [String] = []
        let parts = text.components(separatedBy: "\r\n")
        var i = 0
        while i < parts.count {
            if parts[i] == "$8" && parts[i + 1] == "pmessage" {
                out.append(parts[i + 5] + " " + parts[i + 7])
                i += 8
            } else {
                i += 1
            }
        }
        return out
    }

    private func subscribed(_ classes: String) -> (InProcessServer, Client, Client) {
        let h = InProcessServer()
        let sub = h.makeClient(), c = h.makeClient()
        XCTAssertEqual(h.feed(c, "CONFIG SET notify-keyspace-events \(classes)\r\n"), "+OK\r\n")
        _ = h.feed(sub, "PSUBSCRIBE __key*__:*\r\n")
        return (h, sub, c)
    }

    func testWritesRaiseTheirEventsInRedisOrder() {
        let (h, sub, c) = subscribed("KEAn")
        _ = h.feed(c, "SET k v EX 100\r\nLPUSH l a b\r\nRENAME l m\r\nRPOP m 2\r\nSELECT 3\r\nINCR n\r\n")
        XCTAssertEqual(events(h, sub), [
            "__keyspace@0__:k new", "__keyevent@0__:new k",
            "__keyspace@0__:k set", "__keyevent@0__:set k",
            "__keyspace@0__:k expire", "__keyevent@0__:expire k",
            "__keyspace@0__:l new", "__keyevent@0__:new l",
            "__keyspace@0__:l lpush", "__keyevent@0__:lpush l",
            "__keyspace@0__:m new", "__keyevent@0__:new m",
            "__keyspace@0__:l rename_from", "__keyevent@0__:rename_from l",
            "__keyspace@0__:m rename_to", "__keyevent@0__:rename_to m",
            "__keyspace@0__:m rpop", "__keyevent@0__:rpop m",
            "__keyspace@0__:m del", "__keyevent@0__:del m",
            "__keyspace@3__:n new", "__keyevent@3__:new n",
            "__keyspace@3__:n incrby", "__keyevent@3__:incrby n",
        ])
    }

    func testOnlyTheSelectedClassesAndChannelsArePublished() {
        let (h, sub, c) = subscribed("El")
        _ = h.feed(c, "SET k v\r\nRPUSH l x\r\nDEL l k\r\nGET nokey\r\n")
        XCTAssertEqual(events(h, sub), ["__keyevent@0__:rpush l"], "no $, no g, no keyspace channel, no m")
        XCTAssertEqual(h.feed(c, "CONFIG SET notify-keyspace-events Km\r\nGET nokey\r\nCONFIG SET notify-keyspace-events ''\r\nGET nokey\r\n"),
                       "+OK\r\n$-1\r\n+OK\r\n$-1\r\n")
        XCTAssertEqual(events(h, sub), ["__keyspace@0__:nokey keymiss"])
    }

    func testALazyExpiryRaisesExpiredThenTheMiss() {
        let (h, sub, c) = subscribed("Exm")
        _ = h.feed(c, "SET k v PXAT 1\r\nGET k\r\n")
        XCTAssertEqual(events(h, sub), ["__keyevent@0__:expired k", "__keyevent@0__:keymiss k"])
    }

    func testChangesThatChangeNothingRaiseNothing() {
        let (h, sub, c) = subscribed("KEA")
        _ = h.feed(c, "DEL nokey\r\nLPUSHX nolist a\r\nSREM noset m\r\nSADD s m\r\nSADD s m\r\nZREM z x\r\nHDEL h f\r\nPERSIST s\r\nLPOP s\r\n")
        XCTAssertEqual(events(h, sub), ["__keyspace@0__:s sadd", "__keyevent@0__:sadd s"])
    }

    func testALoadedDatasetRaisesNoEvents() {
        let (h, sub, _) = subscribed("KEAn")
        h.server.keyspace.eventsMuted = true
        Array("k".utf8).withUnsafeBytes { k in
            Array("v".utf8).withUnsafeBytes { v in
                _ = h.server.keyspace.dbs[0].store(.string(v), under: k, expireAt: nil, now: 0, event: .none)
            }
        }
        h.server.keyspace.eventsMuted = false
        XCTAssertEqual(events(h, sub), [])
        XCTAssertEqual(h.server.keyspace.dbs[0].count, 1)
    }
}
