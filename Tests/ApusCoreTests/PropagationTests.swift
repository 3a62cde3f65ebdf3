// The one propagation point: what call() and the keyspace hand to consumers of the
// command stream — only commands that changed the dataset, replacements where 7.0
// rewrites the command (absolute expiries, INCRBYFLOAT's result, GETDEL), forced
// FLUSHALL/FLUSHDB, expiries as DEL/UNLINK in order, and nothing without a consumer.

import XCTest
@testable import ApusCore

/// Records what reaches the command stream, decoded back to argument lists.
final class RecordingConsumer: PropagationConsumer {
    let target: PropagationTargets = .all
    var commands: [(db: Int, args: [String])] = []
    var units = 0
    func feed(_ unit: [PropagatedCommand]) {
        units += 1
        for c in unit {
            let d = RESPReplyDecoder.decodeAll(Array(c.resp))
            guard d.count == 1, case .array(let items) = d[0] else {
                commands.append((c.db, ["<not one RESP array>"]))
                continue
            }
            commands.append((c.db, items.map { $0.text ?? "?" }))
        }
    }
    func take() -> [String] {
        defer { commands.removeAll() }
        return commands.map { "\($0.db): " + $0.args.joined(separator: " ") }
    }
}

final class PropagationTests: XCTestCase {
    var h: InProcessServer!
    var c: Client!
    var stream: RecordingConsumer!

    override func setUp() {
        h = InProcessServer()
        c = h.makeClient()
        stream = RecordingConsumer()
        h.server.keyspace.propagator.attach(stream)
    }

    private func run(_ lines: String...) -> [String] {
        for l in lines { _ = h.feed(c, l + "\r\n") }
        return stream.take()
    }

    func testOnlyCommandsThatChangedTheDatasetArePropagated() {
        XCTAssertEqual(run("SET a 1", "GET a", "INCR a", "SETNX a 2", "DEL nothing", "DEL a"),
                       ["0: SET a 1", "0: INCR a", "0: DEL a"])
        XCTAssertEqual(run("SELECT 3", "APPEND b x", "PING"), ["3: APPEND b x"])
        XCTAssertEqual(run("SET k v XX", "MSET x 1 y 2"), ["3: MSET x 1 y 2"])
    }

    func testATransactionReachesConsumersAsOneUnit() {
        let before = stream.units
        XCTAssertEqual(run("MULTI", "SET a 1", "GET a", "SELECT 2", "INCR n", "DEL nothing", "EXEC"),
                       ["0: MULTI", "0: SET a 1", "2: INCR n", "2: EXEC"])
        XCTAssertEqual(stream.units, before + 1, "EXEC hands its writes over together")
        XCTAssertEqual(run("SELECT 0", "MULTI", "GET a", "EXEC"), [], "a transaction that changed nothing")
        XCTAssertEqual(run("MULTI", "SET b 1", "DISCARD"), [])
        // Blocking pops inside EXEC act as their non-blocking forms.
        XCTAssertEqual(run("RPUSH l x", "MULTI", "BLPOP l 0", "BLPOP l 0", "EXEC"), ["0: RPUSH l x", "0: LPOP l"],
                       "one write inside EXEC is not wrapped")
    }

    func testRelativeExpiriesBecomeAbsolute() {
        let before = h.server.mstime
        let out = run("SET k v EX 100 NX GET", "SETEX s 10 v", "PSETEX p 500 v", "EXPIRE k 50", "GETEX k PERSIST")
        XCTAssertEqual(out.count, 5)
        func at(_ line: String, _ i: Int) -> Int64 { Int64(line.split(separator: " ")[i])! }
        // As 7.0.15 writes it: only the key, the value and the absolute time.
        XCTAssertTrue(out[0].hasPrefix("0: SET k v PXAT ") && out[0].split(separator: " ").count == 6, out[0])
        XCTAssertEqual(at(out[0], 5) - before, 100_000, accuracy: 50)
        XCTAssertTrue(out[1].hasPrefix("0: SET s v PXAT "), out[1])
        XCTAssertEqual(at(out[1], 5) - before, 10_000, accuracy: 50)
        XCTAssertEqual(at(out[2], 5) - before, 500, accuracy: 50)
        XCTAssertTrue(out[3].hasPrefix("0: PEXPIREAT k "), out[3])
        XCTAssertEqual(at(out[3], 3) - before, 50_000, accuracy: 50)
        XCTAssertEqual(out[4], "0: PERSIST k")
        let xx = run("EXPIRE k 10 XX", "EXPIRE k 20")
        XCTAssertEqual(xx.count, 1, "EXPIRE ... XX on a key without a TTL changes nothing")
        XCTAssertTrue(xx[0].hasPrefix("0: PEXPIREAT k "), xx[0])
        let gt = run("EXPIRE k 30 GT")
        XCTAssertTrue(gt.count == 1 && gt[0].hasPrefix("0: PEXPIREAT k ") && gt[0].hasSuffix(" GT"), "\(gt)")
        // Absolute forms replay as sent apart from the unit; the last of repeated units wins.
        XCTAssertEqual(run("PEXPIREAT k 99999999999999"), ["0: PEXPIREAT k 99999999999999"])
        XCTAssertEqual(run("SET k v PXAT 99999999999999 GET"), ["0: SET k v PXAT 99999999999999"])
        let twice = run("SET k2 v EX 5 EX 10")
        XCTAssertEqual(at(twice[0], 5) - before, 10_000, accuracy: 50)
        // GET is dropped when nothing is rewritten; other options stay.
        XCTAssertEqual(run("SET k v GET", "SET k w XX GET KEEPTTL", "GETSET k z"),
                       ["0: SET k v", "0: SET k w XX KEEPTTL", "0: SET k z"])
        // An expire time already past deletes the key, and replays as DEL.
        XCTAssertEqual(run("EXPIREAT k 1"), ["0: DEL k"])
        XCTAssertEqual(run("SET g v", "GETEX g PXAT 1"), ["0: SET g v", "0: DEL g"])
    }

    func testRewrittenAndForcedCommands() {
        XCTAssertEqual(run("INCRBYFLOAT f 1.5", "SET d v", "GETDEL d", "GETDEL d"),
                       ["0: SET f 1.5 KEEPTTL", "0: SET d v", "0: DEL d"])
        // FLUSHALL and FLUSHDB go out even when there was nothing to remove.
        XCTAssertEqual(run("FLUSHALL", "FLUSHALL", "FLUSHDB"), ["0: FLUSHALL", "0: FLUSHALL", "0: FLUSHDB"])
    }

    func testExpiredKeysEnterTheStreamBeforeTheCommandThatFoundThem() {
        _ = run("SET e v PX 1")
        usleep(5_000)
        XCTAssertEqual(run("GET e"), ["0: DEL e"])
        _ = run("SET e v PX 1")
        usleep(5_000)
        // A write that finds the key expired: the deletion first, then the write, in one
        // unit, wrapped as 7.0 wraps any unit of several commands.
        let units = stream.units
        XCTAssertEqual(run("APPEND e x"), ["0: MULTI", "0: DEL e", "0: APPEND e x", "0: EXEC"])
        XCTAssertEqual(stream.units, units + 1)
        h.server.config.lazyfreeLazyExpire = true
        h.server.keyspace.lazyExpire = true
        _ = run("SET e v PX 1")
        usleep(5_000)
        XCTAssertEqual(run("EXISTS e"), ["0: UNLINK e"])
    }

    func testListAndSortedSetWritesPropagateAsRedisReplaysThem() {
        XCTAssertEqual(run("RPUSH l a b c", "LPOP l 0", "LRANGE l 0 -1", "LMPOP 1 l RIGHT COUNT 5", "LPOP nokey"),
                       ["0: RPUSH l a b c", "0: RPOP l 3"])
        // Blocking forms served at once go out as their non-blocking forms.
        XCTAssertEqual(run("RPUSH q 1 2", "BLPOP q 0", "BLMOVE q r LEFT RIGHT 0", "BRPOPLPUSH r q 0"),
                       ["0: RPUSH q 1 2", "0: LPOP q", "0: LMOVE q r LEFT RIGHT", "0: RPOPLPUSH r q"])
        XCTAssertEqual(run("ZADD z 1 a 2 b 3 c", "ZADD z NX 5 a", "ZINCRBY z 1 a", "ZRANGE z 0 -1", "ZPOPMIN z"),
                       ["0: ZADD z 1 a 2 b 3 c", "0: ZINCRBY z 1 a", "0: ZPOPMIN z"])
        XCTAssertEqual(run("BZPOPMAX z 0", "ZMPOP 1 z MIN COUNT 9"),
                       ["0: ZPOPMAX z", "0: ZPOPMIN z 1"])
        XCTAssertEqual(run("RPUSH s 3 1 2", "SORT s STORE d", "SORT s"), ["0: RPUSH s 3 1 2", "0: SORT s STORE d"])
    }

    func testSpopWithACountReplaysAsOneSremPerMemberInATransaction() {
        _ = run("SADD s a b c d")
        let out = run("SPOP s 2")
        XCTAssertEqual(out.count, 4, "\(out)")
        XCTAssertEqual(out.first, "0: MULTI")
        XCTAssertEqual(out.last, "0: EXEC")
        let removed = out[1...2].map { $0.split(separator: " ") }
        XCTAssertTrue(removed.allSatisfy { $0.count == 4 && $0[1] == "SREM" && $0[2] == "s" }, "\(out)")
        let gone = Set(removed.map { String($0[3]) })
        XCTAssertEqual(gone.count, 2)
        for m in gone { XCTAssertEqual(h.feed(c, "SISMEMBER s \(m)\r\n"), ":0\r\n") }
        XCTAssertEqual(run("SPOP s 5"), ["0: DEL s"], "taking the whole set is one DEL")
    }

    func testNothingIsRecordedWithoutAConsumer() {
        h.server.keyspace.propagator.detach(stream)
        _ = run("SET a 1 EX 10", "INCRBYFLOAT f 2")
        h.server.keyspace.propagator.attach(stream)
        XCTAssertEqual(stream.take(), [])
        XCTAssertEqual(h.server.keyspace.propagator.propagatedCount, 0)
    }
}
