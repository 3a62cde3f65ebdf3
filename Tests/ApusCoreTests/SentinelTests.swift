// The sentinel's decisions without a network: which replica a failover promotes, who
// wins an election (one vote per epoch, a majority and the quorum needed), when a
// master is objectively down, and that the sentinel's command table holds exactly the
// commands 7.0 gives a sentinel.

import XCTest
@testable import ApusCore

final class SentinelTests: XCTestCase {
    private var server: Server!
    private var sentinel: Sentinel!
    private var master: SentinelInstance!

    override func setUp() {
        let config = ServerConfig()
        config.sentinelMode = true
        let settings = SentinelSettings()
        settings.myid = String(repeating: "0", count: 40)
        _ = settings.apply(["monitor", "m", "127.0.0.1", "6379", "2"])
        config.sentinelSettings = settings
        server = try! Server(config: config)
        server.refreshTime()
        sentinel = Sentinel(server: server, settings: settings)
        master = sentinel.masters[0]
    }

    /// A replica that answers, with fresh INFO.
    private func replica(_ port: Int, priority: Int = 100, offset: UInt64 = 0, runId: String? = nil) -> SentinelInstance {
        let r = sentinel.addReplica(to: master, host: "127.0.0.1", port: port)!
        r.link.disconnected = false
        r.link.lastAvailTime = sentinel.now
        r.infoRefresh = sentinel.now
        r.replicaPriority = priority
        r.replicaReplOffset = offset
        r.runId = runId
        return r
    }

    private func peer(_ id: Character) -> SentinelInstance {
        sentinel.addSentinel(to: master, host: "127.0.0.1", port: 26000 + sentinel.masters[0].sentinels.count,
                             runId: String(repeating: id, count: 40))!
    }

    func testPromotionPrefersPriorityThenOffsetThenRunId() {
        _ = replica(7001, priority: 100, offset: 50, runId: "b")
        let best = replica(7002, priority: 10, offset: 10, runId: "c")
        _ = replica(7003, priority: 0, offset: 999, runId: "a")   // never promoted
        XCTAssertTrue(sentinel.selectReplica(master) === best)
        best.replicaPriority = 100
        XCTAssertEqual(sentinel.selectReplica(master)?.port, 7001, "the highest offset among equal priorities")
        let tie = replica(7004, priority: 100, offset: 50, runId: "a")
        XCTAssertTrue(sentinel.selectReplica(master) === tie, "then the lowest run id")
        tie.flags.insert(.sDown)
        XCTAssertEqual(sentinel.selectReplica(master)?.port, 7001, "a replica seen down is skipped")
        let stale = sentinel.selectReplica(master)!
        stale.infoRefresh = sentinel.now - 60_000
        XCTAssertEqual(sentinel.selectReplica(master)?.port, 7002, "and one whose INFO is old")
    }

    func testOneVotePerEpochFirstCome() {
        let a = String(repeating: "a", count: 40)
        let b = String(repeating: "b", count: 40)
        XCTAssertEqual(sentinel.voteLeader(master, epoch: 3, runId: a).0, a)
        XCTAssertEqual(sentinel.voteLeader(master, epoch: 3, runId: b).0, a, "the vote of epoch 3 is given")
        XCTAssertEqual(sentinel.currentEpoch, 3)
        XCTAssertEqual(sentinel.voteLeader(master, epoch: 4, runId: b).0, b)
        XCTAssertEqual(master.leaderEpoch, 4)
    }

    func testALeaderNeedsAMajorityAndTheQuorum() {
        let p1 = peer("a")
        let p2 = peer("b")
        master.flags.insert(.oDown)
        sentinel.currentEpoch = 5
        // Both peers voted for us in epoch 5, and we vote for ourselves: 3 of 3.
        for p in [p1, p2] {
            p.leader = sentinel.myid
            p.leaderEpoch = 5
        }
        XCTAssertEqual(sentinel.leader(master, epoch: 5), sentinel.myid)
        // Peers voting for someone else in a new epoch: we follow the most voted.
        sentinel.currentEpoch = 6
        p1.leader = String(repeating: "a", count: 40)
        p1.leaderEpoch = 6
        p2.leader = nil
        XCTAssertEqual(sentinel.leader(master, epoch: 6), p1.leader, "2 of 3 votes: a majority and the quorum")
        // Only our own vote in epoch 7: 1 of 3 is not enough.
        sentinel.currentEpoch = 7
        p1.leader = nil
        XCTAssertNil(sentinel.leader(master, epoch: 7))
    }

    func testObjectivelyDownTakesTheQuorum() {
        let p = peer("a")
        master.flags.insert(.sDown)
        sentinel.checkObjectivelyDown(master)
        XCTAssertFalse(master.flags.contains(.oDown), "1 of quorum 2")
        p.flags.insert(.masterDown)
        sentinel.checkObjectivelyDown(master)
        XCTAssertTrue(master.flags.contains(.oDown))
        master.flags.remove(.sDown)
        sentinel.checkObjectivelyDown(master)
        XCTAssertFalse(master.flags.contains(.oDown), "our own SDOWN is required")
    }

    func testTheCommandTableIsTheSentinelsOne() {
        let handlers = SentinelCommands.handlers(from: CommandHandlers.all())
        let known = Set(CommandSpecs.allFullNames)
        for name in handlers.keys { XCTAssertTrue(known.contains(name), name) }
        let table = CommandTable(handlers: handlers)
        let names = Set(table.all.map { $0.name })
        XCTAssertTrue(["sentinel", "ping", "info", "role", "publish", "subscribe", "hello", "client", "command"]
            .allSatisfy(names.contains))
        XCTAssertFalse(names.contains("set") || names.contains("config") || names.contains("replicaof"))
        XCTAssertEqual(table.lookup("sentinel")?.subcommands.count, 21)
        XCTAssertNil(CommandTable(handlers: CommandHandlers.all()).lookup("sentinel"), "not in a normal server")
    }
}
