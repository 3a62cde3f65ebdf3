// The sentinel's configuration state and what it reads from servers: `sentinel …`
// directives with 7.0's error texts, the lines a rewrite writes back (in 7.0's order,
// defaults left out, epochs and known instances always in), INFO as the sentinel
// parses it (run id, role, a master's replicas in both formats, a replica's view of
// its master) and the 8-field hello payload.

import Foundation
import XCTest
@testable import ApusCore

final class SentinelConfigTests: XCTestCase {
    private func load(_ lines: [String]) -> (SentinelSettings, [String?]) {
        let s = SentinelSettings()
        let errors = lines.map { s.apply($0.split(separator: " ").map(String.init)) }
        return (s, errors)
    }

    func testDirectivesBuildTheMonitoredMasters() {
        let id = String(repeating: "a", count: 40)
        let (s, errors) = load([
            "monitor mymaster 127.0.0.1 6379 2",
            "down-after-milliseconds mymaster 5000",
            "failover-timeout mymaster 60000",
            "parallel-syncs mymaster 3",
            "auth-pass mymaster secret",
            "config-epoch mymaster 7",
            "leader-epoch mymaster 6",
            "known-replica mymaster 127.0.0.1 6380",
            "known-slave mymaster 127.0.0.1 6381",
            "known-sentinel mymaster 127.0.0.1 26380 " + String(repeating: "b", count: 40),
            "known-sentinel mymaster 127.0.0.1 26381",
            "current-epoch 5",
            "myid " + id,
        ])
        XCTAssertEqual(errors.compactMap { $0 }, [])
        let m = s.master(named: "mymaster")!
        XCTAssertEqual(m.quorum, 2)
        XCTAssertEqual(m.downAfterMs, 5000)
        XCTAssertEqual(m.failoverTimeoutMs, 60000)
        XCTAssertEqual(m.parallelSyncs, 3)
        XCTAssertEqual(m.knownReplicas.map { $0.port }, [6380, 6381])
        XCTAssertEqual(m.knownSentinels.count, 1)   // the old form without a run id is ignored
        XCTAssertEqual(s.currentEpoch, 7)           // a config epoch above it raises it
        XCTAssertEqual(s.myid, id)
    }

    func testErrorsAreSevenOhs() {
        let (_, errors) = load([
            "monitor m 127.0.0.1 6379 0",
            "monitor m 127.0.0.1 99999 1",
            "monitor m not-an-ip 6379 1",
            "monitor m 127.0.0.1 6379 1",
            "monitor m 127.0.0.1 6380 1",
            "down-after-milliseconds other 10",
            "down-after-milliseconds m 0",
            "myid abc",
            "known-replica m 127.0.0.1 6380",
            "known-replica m 127.0.0.1 6380",
            "deny-scripts-reconfig maybe",
            "resolve-hostnames sometimes",
            "bogus 1",
            "notification-script m /nonexistent/script",
        ])
        XCTAssertEqual(errors, [
            "Quorum must be 1 or greater.",
            "Invalid port number.",
            "Can't resolve instance hostname.",
            nil,
            "Duplicate master name.",
            "No such master with specified name.",
            "negative or zero time parameter.",
            "Malformed Sentinel id in myid option.",
            nil,
            "Duplicate hostname and port for replica.",
            "Please specify yes or no for the deny-scripts-reconfig options.",
            "Please specify yes or no for the resolve-hostnames option.",
            "Unrecognized sentinel configuration statement.",
            "Notification script seems non existing or non executable.",
        ])
    }

    func testRewriteWritesStateAndOnlyNonDefaultSettings() {
        let id = String(repeating: "c", count: 40)
        let peer = String(repeating: "d", count: 40)
        let (s, _) = load([
            "myid " + id,
            "monitor a 10.0.0.1 6379 2",
            "monitor b 10.0.0.2 6380 1",
            "down-after-milliseconds b 2000",
            "known-replica b 10.0.0.3 6381",
            "known-sentinel b 10.0.0.4 26379 " + peer,
            "current-epoch 3",
            "announce-port 26400",
        ])
        XCTAssertEqual(s.rewriteLines(), [
            "sentinel myid " + id,
            "sentinel monitor a 10.0.0.1 6379 2",
            "sentinel config-epoch a 0",
            "sentinel leader-epoch a 0",
            "sentinel monitor b 10.0.0.2 6380 1",
            "sentinel down-after-milliseconds b 2000",
            "sentinel config-epoch b 0",
            "sentinel leader-epoch b 0",
            "sentinel known-replica b 10.0.0.3 6381",
            "sentinel known-sentinel b 10.0.0.4 26379 " + peer,
            "sentinel current-epoch 3",
            "sentinel announce-port 26400",
        ])
    }

    func testQueuedLinesApplyGlobalsThenMonitorsThenTheRest() {
        // A file may name a master's settings before its monitor line, and set
        // resolve-hostnames after a monitor line that needs it: 7.0 applies the
        // globals first, the monitor lines next, everything else last.
        let s = SentinelSettings()
        let queued: [(args: [String], line: Int, text: String)] = [
            (["down-after-milliseconds", "m", "1500"], 1, "sentinel down-after-milliseconds m 1500"),
            (["monitor", "m", "localhost", "6379", "2"], 2, "sentinel monitor m localhost 6379 2"),
            (["resolve-hostnames", "yes"], 3, "sentinel resolve-hostnames yes"),
        ]
        XCTAssertNil(s.apply(queued: queued))
        XCTAssertEqual(s.master(named: "m")?.downAfterMs, 1500)
        let bad = SentinelSettings()
        let e = bad.apply(queued: [(["monitor", "m", "127.0.0.1", "6379", "2"], 1, "a"),
                                   (["parallel-syncs", "nosuch", "2"], 7, "sentinel parallel-syncs nosuch 2")])
        XCTAssertEqual(e?.error, "No such master with specified name.")
        XCTAssertEqual(e?.line, 7)
    }

    func testTheFileIsRewrittenWithTheSentinelState() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("sentinel-rewrite-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("sentinel.conf").path
        let original = """
        # my sentinel
        port 26379
        sentinel monitor m 127.0.0.1 6379 2
        sentinel known-replica m 127.0.0.1 6390
        sentinel known-replica m 127.0.0.1 6391
        save 900 1

        """
        try original.write(toFile: path, atomically: true, encoding: .utf8)
        let s = SentinelSettings()
        _ = s.apply(["monitor", "m", "127.0.0.1", "6379", "2"])
        _ = s.apply(["known-replica", "m", "127.0.0.1", "6390"])
        s.myid = String(repeating: "e", count: 40)
        let config = ServerConfig()
        config.port = 26379
        try ConfigFile.rewrite(path: path, config: config, sentinel: s)
        let lines = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").map(String.init)
        // Comments and old lines stay in place; the forgotten replica and the save
        // points are gone; the state the file lacked is appended.
        XCTAssertEqual(Array(lines.prefix(4)), ["# my sentinel", "port 26379", "sentinel monitor m 127.0.0.1 6379 2",
                                                "sentinel known-replica m 127.0.0.1 6390"])
        XCTAssertFalse(lines.contains("sentinel known-replica m 127.0.0.1 6391"))
        XCTAssertFalse(lines.contains { $0.hasPrefix("save") })
        for l in ["sentinel myid " + String(repeating: "e", count: 40), "sentinel config-epoch m 0",
                  "sentinel leader-epoch m 0", "sentinel current-epoch 0"] {
            XCTAssertTrue(lines.contains(l), l)
        }
    }

    func testInfoAsTheSentinelReadsIt() {
        let master = "# Server\r\nrun_id:" + String(repeating: "e", count: 40) + "\r\n# Replication\r\nrole:master\r\n"
            + "connected_slaves:2\r\nslave0:ip=127.0.0.1,port=6380,state=online,offset=10,lag=0\r\n"
            + "slave1:10.0.0.9,6381,online\r\nmaster_failover_state:no-failover\r\n"
        let r = InstanceInfoReport.parse(master, asMaster: true)
        XCTAssertEqual(r.runId, String(repeating: "e", count: 40))
        XCTAssertEqual(r.role, .master)
        XCTAssertEqual(r.replicas.map { "\($0.ip):\($0.port)" }, ["127.0.0.1:6380", "10.0.0.9:6381"])
        XCTAssertTrue(InstanceInfoReport.parse(master, asMaster: false).replicas.isEmpty)

        let replica = "role:slave\r\nmaster_host:127.0.0.1\r\nmaster_port:6379\r\nmaster_link_status:down\r\n"
            + "master_last_io_seconds_ago:-1\r\nmaster_link_down_since_seconds:12\r\nslave_priority:0\r\n"
            + "slave_repl_offset:12345\r\nreplica_announced:1\r\n"
        let p = InstanceInfoReport.parse(replica, asMaster: false)
        XCTAssertEqual(p.role, .replica)
        XCTAssertEqual(p.masterHost, "127.0.0.1")
        XCTAssertEqual(p.masterPort, 6379)
        XCTAssertEqual(p.masterLinkUp, false)
        XCTAssertEqual(p.masterLinkDownMs, 12_000)
        XCTAssertEqual(p.replicaPriority, 0)
        XCTAssertEqual(p.replicaOffset, 12345)
        XCTAssertEqual(p.replicaAnnounced, true)
        // Replica fields before a role:slave line are not taken.
        XCTAssertNil(InstanceInfoReport.parse("slave_priority:5\r\nrole:master\r\n", asMaster: false).replicaPriority)
    }

    func testHelloPayloadHasEightFields() {
        let h = SentinelHello(ip: "127.0.0.1", port: 26379, runId: String(repeating: "f", count: 40), currentEpoch: 4,
                              masterName: "mymaster", masterIP: "127.0.0.1", masterPort: 6379, masterConfigEpoch: 3)
        XCTAssertEqual(h.payload, "127.0.0.1,26379," + String(repeating: "f", count: 40) + ",4,mymaster,127.0.0.1,6379,3")
        XCTAssertEqual(SentinelHello(payload: h.payload), h)
        XCTAssertNil(SentinelHello(payload: "127.0.0.1,26379,x,4,mymaster,127.0.0.1,6379"))
    }
}
