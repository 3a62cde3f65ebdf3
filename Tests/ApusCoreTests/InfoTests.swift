// Tests of the introspection commands (INFO, CLIENT, DEBUG, SLOWLOG, MEMORY, LATENCY)
// run in-process through the dispatcher. Expected values marked "Redis 7.0.15" were
// produced by the real redis-server for the same commands.

import XCTest
import Glibc
@testable import ApusCore

final class InfoTests: XCTestCase {
    var harness: InProcessServer!
    var server: Server { harness.server }

    override func setUp() {
        harness = InProcessServer { $0.enableDebugCommand = "yes" }
    }

    /// Sends one command (arguments may contain spaces) and returns the raw reply.
    func run(_ c: Client, _ args: String...) -> String {
        var req = "*\(args.count)\r\n"
        for a in args { req += "$\(a.utf8.count)\r\n\(a)\r\n" }
        return harness.feed(c, req)
    }

    /// The payload of a bulk reply ("$n\r\n...\r\n").
    func bulk(_ reply: String) -> String {
        // Byte-wise: "\r\n" is a single Character in Swift strings.
        let bytes = Array(reply.utf8)
        guard let nl = bytes.firstIndex(of: 10), bytes.count >= nl + 3 else { return reply }
        return String(decoding: bytes[(nl + 1)..<(bytes.count - 2)], as: UTF8.self)
    }

    func sectionHeaders(_ text: String) -> [String] {
        text.components(separatedBy: "\r\n").filter { $0.hasPrefix("# ") }
    }

    // MARK: - SHA1 and DEBUG DIGEST

    func testSHA1MatchesKnownVectors() {
        func hex(_ s: String) -> String {
            var d = DebugDigest()
            d.bytes = SHA1.hash(Array(s.utf8))
            return d.hex
        }
        XCTAssertEqual(hex(""), "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        XCTAssertEqual(hex("abc"), "a9993e364706816aba3e25717850c26c9cd0d89d")
        XCTAssertEqual(hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
                       "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        XCTAssertEqual(hex(String(repeating: "a", count: 1000)), "291e9a6c66994949b57ba5e650361e98fc36b1ba")
    }

    func testDebugDigestEqualsRedisForTheSameDataset() {
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "DEBUG", "DIGEST"), "+0000000000000000000000000000000000000000\r\n")
        XCTAssertEqual(run(c, "DEBUG", "POPULATE", "3"), "+OK\r\n")
        XCTAssertEqual(run(c, "SET", "n", "100"), "+OK\r\n")
        XCTAssertEqual(run(c, "PEXPIREAT", "n", "99999999999999"), ":1\r\n")
        // Redis 7.0.15 values for this dataset.
        XCTAssertEqual(run(c, "DEBUG", "DIGEST"), "+3c870653d1d919ef6ecc5b12dfcb1c46aee45874\r\n")
        XCTAssertEqual(run(c, "DEBUG", "DIGEST-VALUE", "key:0", "n", "missing"),
                       "*3\r\n+c15f34c747bf411833c10208c03e1da1bb7da7cf\r\n+dbc42a36926905188c4fb4121156a5ac5410906a\r\n+0000000000000000000000000000000000000000\r\n")
        XCTAssertEqual(run(c, "SELECT", "2"), "+OK\r\n")
        XCTAssertEqual(run(c, "SET", "x", "y"), "+OK\r\n")
        XCTAssertEqual(run(c, "DEBUG", "DIGEST"), "+ff0cd71429184305702cd64ee39409996fc278e4\r\n")
    }

    // MARK: - DEBUG

    func testDebugObjectReportsEncodingAndSerializedLengthAsRedis() {
        let c = harness.makeClient()
        _ = run(c, "SET", "big", String(repeating: "a", count: 71))
        _ = run(c, "SET", "i", "123456789012")
        _ = run(c, "DEBUG", "POPULATE", "5", "p", "100")
        func object(_ key: String) -> String { run(c, "DEBUG", "OBJECT", key) }
        XCTAssertTrue(object("big").contains(" refcount:1 encoding:raw serializedlength:13 lru:"), object("big"))
        XCTAssertTrue(object("i").contains(" encoding:int serializedlength:13 "), object("i"))
        XCTAssertTrue(object("p:4").contains(" encoding:raw serializedlength:19 "), object("p:4"))
        XCTAssertTrue(object("big").hasPrefix("+Value at:0x"))
        XCTAssertEqual(object("nokey"), "-ERR no such key\r\n")
    }

    func testDebugPopulateSkipsExistingKeysAndLeavesDirtyAlone() {
        let c = harness.makeClient()
        _ = run(c, "SET", "key:1", "mine")
        let dirty = server.keyspace.dirty
        XCTAssertEqual(run(c, "DEBUG", "POPULATE", "3"), "+OK\r\n")
        XCTAssertEqual(server.keyspace.dirty, dirty)
        XCTAssertEqual(run(c, "DBSIZE"), ":3\r\n")
        XCTAssertEqual(run(c, "GET", "key:1"), "$4\r\nmine\r\n")
        XCTAssertEqual(run(c, "GET", "key:2"), "$7\r\nvalue:2\r\n")
        XCTAssertEqual(run(c, "DEBUG", "POPULATE", "2", "z", "3"), "+OK\r\n")
        XCTAssertEqual(run(c, "GET", "z:1"), "$3\r\nval\r\n")
        XCTAssertEqual(run(c, "DEBUG", "POPULATE", "-1"), "-ERR value is out of range, must be positive\r\n")
        XCTAssertEqual(run(c, "DEBUG", "POPULATE", "1", "a", "b", "c"),
                       "-ERR unknown subcommand or wrong number of arguments for 'POPULATE'. Try DEBUG HELP.\r\n")
    }

    func testDebugIsRefusedWhenDisabledWithRedisText() {
        harness = InProcessServer()   // enable-debug-command defaults to "no"
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "DEBUG", "DIGEST"),
                       "-ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.\r\n")
    }

    func testDebugSetActiveExpireTogglesTheServerFlag() {
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "DEBUG", "SET-ACTIVE-EXPIRE", "0"), "+OK\r\n")
        XCTAssertFalse(server.activeExpireEnabled)
        XCTAssertEqual(run(c, "DEBUG", "SET-ACTIVE-EXPIRE", "1"), "+OK\r\n")
        XCTAssertTrue(server.activeExpireEnabled)
    }

    // MARK: - INFO

    func testInfoWithoutArgumentsPrintsTheDefaultSectionsInOrder() {
        let c = harness.makeClient()
        let text = bulk(run(c, "INFO"))
        XCTAssertEqual(sectionHeaders(text), ["# Server", "# Clients", "# Memory", "# Persistence", "# Stats",
                                              "# Replication", "# CPU", "# Modules", "# Errorstats", "# Cluster",
                                              "# Keyspace"])
        XCTAssertTrue(text.hasPrefix("# Server\r\nredis_version:7.0.15\r\n"))
        XCTAssertTrue(text.contains("\r\n\r\n# Clients\r\nconnected_clients:"))
        XCTAssertTrue(text.hasSuffix("# Keyspace\r\n"))
    }

    func testInfoAllAddsCommandAndLatencyStatsAndUnknownSectionsAreEmpty() {
        let c = harness.makeClient()
        let all = sectionHeaders(bulk(run(c, "INFO", "all")))
        XCTAssertEqual(all.count, 13)
        XCTAssertEqual(all[8], "# Commandstats")
        XCTAssertEqual(all[10], "# Latencystats")
        XCTAssertEqual(run(c, "INFO", "nosuch"), "$0\r\n\r\n")
        XCTAssertEqual(sectionHeaders(bulk(run(c, "INFO", "KEYSPACE", "server", "cpu"))),
                       ["# Server", "# CPU", "# Keyspace"])
    }

    func testInfoIsAVerbatimStringInResp3() {
        let c = harness.makeClient()
        _ = run(c, "HELLO", "3")
        let reply = run(c, "INFO", "cluster")
        XCTAssertEqual(reply, "=34\r\ntxt:# Cluster\r\ncluster_enabled:0\r\n\r\n")
    }

    func testInfoKeyspaceCommandstatsAndErrorstatsLines() {
        let c = harness.makeClient()
        _ = run(c, "SET", "a", "1")
        _ = run(c, "SET", "b", "2", "EX", "100")
        _ = run(c, "GET")
        _ = run(c, "NOSUCHCOMMAND")
        XCTAssertEqual(bulk(run(c, "INFO", "keyspace")), "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=0\r\n")
        let stats = bulk(run(c, "INFO", "commandstats"))
        XCTAssertTrue(stats.contains("\r\ncmdstat_set:calls=2,usec="), stats)
        XCTAssertTrue(stats.contains(",rejected_calls=1,failed_calls=0\r\n"), stats)   // GET without key
        XCTAssertEqual(bulk(run(c, "INFO", "errorstats")), "# Errorstats\r\nerrorstat_ERR:count=2\r\n")
    }

    func testInfoReplicationReportsAStableReplicationId() {
        let c = harness.makeClient()
        let a = bulk(run(c, "INFO", "replication"))
        XCTAssertTrue(a.hasPrefix("# Replication\r\nrole:master\r\nconnected_slaves:0\r\nmaster_failover_state:no-failover\r\nmaster_replid:"))
        XCTAssertTrue(a.contains("master_replid:\(server.replicationId)\r\nmaster_replid2:0000000000000000000000000000000000000000\r\n"))
        XCTAssertEqual(server.replicationId.count, 40)
    }

    // MARK: - Latency histograms

    func testLatencyBucketsCarryRedisHistogramLabels() {
        func label(_ us: Int) -> Int { LatencyHistogram.upperBoundNs(LatencyHistogram.bucketIndex(microseconds: us)) / 1000 }
        XCTAssertEqual(label(0), 1)
        XCTAssertEqual(label(1), 1)
        XCTAssertEqual(label(2), 2)
        XCTAssertEqual(label(3), 4)
        XCTAssertEqual(label(4), 4)
        XCTAssertEqual(label(5), 8)
        XCTAssertEqual(label(13), 16)
        // Labels Redis 7.0.15 printed for DEBUG SLEEP 0.00001 / 0.003 / 0.1.
        XCTAssertEqual(label(131), 132)
        XCTAssertEqual(label(3293), 4227)
        XCTAssertEqual(label(100_139), 135266)
        XCTAssertEqual(LatencyHistogram.bucketIndex(microseconds: 50_000_000), LatencyHistogram.bucketCount - 1)
    }

    func testLatencyHistogramReplyIsCumulative() {
        let c = harness.makeClient()
        let cmd = server.commands.lookup("get")!
        cmd.latencyBuckets = [UInt64](repeating: 0, count: 64)
        cmd.latencyBuckets[LatencyHistogram.bucketIndex(microseconds: 3)] += 2
        cmd.latencyBuckets[LatencyHistogram.bucketIndex(microseconds: 13)] += 1
        XCTAssertEqual(run(c, "LATENCY", "HISTOGRAM", "get", "nosuch"),
                       "*2\r\n$3\r\nget\r\n*4\r\n$5\r\ncalls\r\n:3\r\n$14\r\nhistogram_usec\r\n*4\r\n:4\r\n:2\r\n:16\r\n:3\r\n")
        let info = bulk(run(c, "INFO", "latencystats"))
        XCTAssertTrue(info.contains("latency_percentiles_usec_get:p50=4.127,p99=16.511,p99.9=16.511\r\n"), info)
    }

    func testLatencyGraphRendersLikeRedis() {
        var ev = LatencyEventStats()
        ev.samples = [LatencySample(time: 1000, latency: 10)]
        ev.max = 10
        let graph = DiagnosticCommands.latencyGraph(event: "command", ev, now: 1000)
        XCTAssertEqual(graph, "command - high 10 ms, low 10 ms (all time high 10 ms)\n"
                       + String(repeating: "-", count: 80) + "\n \n \n \n_\n \n0\ns\n")
    }

    // MARK: - CLIENT

    func testClientSetnameRejectsSpacesAndEmptyClearsTheName() {
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "CLIENT", "SETNAME", "a b"),
                       "-ERR Client names cannot contain spaces, newlines or special characters.\r\n")
        XCTAssertEqual(run(c, "CLIENT", "GETNAME"), "$-1\r\n")
        XCTAssertEqual(run(c, "CLIENT", "SETNAME", "worker-1"), "+OK\r\n")
        XCTAssertEqual(run(c, "CLIENT", "GETNAME"), "$8\r\nworker-1\r\n")
        XCTAssertEqual(run(c, "CLIENT", "SETNAME", ""), "+OK\r\n")
        XCTAssertEqual(run(c, "CLIENT", "GETNAME"), "$-1\r\n")
    }

    func testClientReplyOffSkipAndOn() {
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "CLIENT", "REPLY", "SKIP"), "")
        XCTAssertEqual(run(c, "PING"), "")
        XCTAssertEqual(run(c, "PING"), "+PONG\r\n")
        XCTAssertEqual(run(c, "CLIENT", "REPLY", "OFF"), "")
        XCTAssertEqual(run(c, "PING"), "")
        XCTAssertEqual(run(c, "CLIENT", "REPLY", "ON"), "+OK\r\n")
        XCTAssertEqual(run(c, "CLIENT", "REPLY", "MAYBE"), "-ERR syntax error\r\n")
    }

    func testClientInfoLineHasRedisFieldsInOrder() {
        let c = harness.makeClient()
        _ = run(c, "CLIENT", "SETNAME", "me")
        let line = bulk(run(c, "CLIENT", "INFO"))
        XCTAssertTrue(line.hasSuffix("\n"))
        let keys = line.dropLast().split(separator: " ").map { String($0.split(separator: "=", maxSplits: 1)[0]) }
        XCTAssertEqual(keys, ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub",
                              "multi", "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem",
                              "tot-mem", "events", "cmd", "user", "redir", "resp"])
        XCTAssertTrue(line.contains(" name=me "))
        XCTAssertTrue(line.contains(" flags=U "))   // the harness client is on a unix socket
        XCTAssertTrue(line.contains(" qbuf=26 "))   // "*2\r\n$6\r\nCLIENT\r\n$4\r\nINFO\r\n", as Redis counts it
        XCTAssertTrue(line.contains(" argv-mem=10 "))
        XCTAssertTrue(line.contains(" cmd=client|info user=default redir=-1 resp=2"))
    }

    func testClientErrorsMatchRedis() {
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "CLIENT", "LIST", "TYPE", "foo"), "-ERR Unknown client type 'foo'\r\n")
        XCTAssertEqual(run(c, "CLIENT", "LIST", "ID", "1", "x"), "-ERR Invalid client ID\r\n")
        XCTAssertEqual(run(c, "CLIENT", "LIST", "foo"), "-ERR syntax error\r\n")
        XCTAssertEqual(run(c, "CLIENT", "KILL", "ID", "0"), "-ERR client-id should be greater than 0\r\n")
        XCTAssertEqual(run(c, "CLIENT", "KILL", "1.2.3.4:5"), "-ERR No such client\r\n")
        XCTAssertEqual(run(c, "CLIENT", "KILL", "USER", "nobody"), "-ERR No such user 'nobody'\r\n")
        XCTAssertEqual(run(c, "CLIENT", "KILL", "ID", "99"), ":0\r\n")
        XCTAssertEqual(run(c, "CLIENT", "PAUSE", "-1"), "-ERR timeout is negative\r\n")
        XCTAssertEqual(run(c, "CLIENT", "PAUSE", "10", "foo"), "-ERR CLIENT PAUSE mode must be WRITE or ALL\r\n")
        XCTAssertEqual(run(c, "CLIENT", "PAUSE", "10", "all", "x"),
                       "-ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.\r\n")
        XCTAssertEqual(run(c, "CLIENT", "UNBLOCK", "1", "foo"), "-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
        XCTAssertEqual(run(c, "CLIENT", "UNBLOCK", "999"), ":0\r\n")
    }

    func testClientPauseAndUnpauseDriveTheServerPause() {
        let c = harness.makeClient()
        XCTAssertEqual(run(c, "CLIENT", "PAUSE", "100000", "WRITE"), "+OK\r\n")
        XCTAssertTrue(server.pausedUntilMs > server.mstime)
        XCTAssertTrue(server.pauseWritesOnly)
        XCTAssertEqual(run(c, "CLIENT", "UNPAUSE"), "+OK\r\n")
        XCTAssertEqual(server.pausedUntilMs, 0)
    }

    // MARK: - SLOWLOG, MEMORY, TIME, MONITOR

    func testSlowlogEntryShape() {
        server.config.slowlogLogSlowerThan = 0
        let c = harness.makeClient()
        _ = run(c, "CLIENT", "SETNAME", "n1")
        _ = run(c, "SET", "foo", "bar")
        let reply = run(c, "SLOWLOG", "GET", "1")
        XCTAssertTrue(reply.hasPrefix("*1\r\n*6\r\n:"), reply)
        XCTAssertTrue(reply.hasSuffix("*3\r\n$3\r\nSET\r\n$3\r\nfoo\r\n$3\r\nbar\r\n$6\r\ntest:0\r\n$2\r\nn1\r\n"), reply)
        XCTAssertEqual(run(c, "SLOWLOG", "GET", "-2"), "-ERR count should be greater than or equal to -1\r\n")
        XCTAssertEqual(run(c, "SLOWLOG", "RESET"), "+OK\r\n")
    }

    func testMemoryUsageAndStatsShape() {
        let c = harness.makeClient()
        _ = run(c, "SET", "k", "v")
        XCTAssertEqual(run(c, "MEMORY", "USAGE", "missing"), "$-1\r\n")
        XCTAssertEqual(run(c, "MEMORY", "USAGE", "k", "SAMPLES", "-1"), "-ERR syntax error\r\n")
        let usage = run(c, "MEMORY", "USAGE", "k")
        XCTAssertTrue(usage.hasPrefix(":"), usage)
        let bytes = usage.utf8.dropFirst().prefix { $0 != 13 }
        XCTAssertGreaterThan(Int(String(decoding: bytes, as: UTF8.self)) ?? 0, 24)
        let stats = run(c, "MEMORY", "STATS")
        XCTAssertTrue(stats.hasPrefix("*56\r\n$14\r\npeak.allocated\r\n:"), stats)   // 27 + 1 db, flattened
        XCTAssertTrue(stats.contains("$4\r\ndb.0\r\n*6\r\n$23\r\noverhead.hashtable.main\r\n"))
        XCTAssertEqual(run(c, "MEMORY", "MALLOC-STATS"), "$45\r\nStats not supported for the current allocator\r\n")
    }

    func testTimeAndMonitor() {
        let c = harness.makeClient()
        let t = run(c, "TIME")
        XCTAssertTrue(t.hasPrefix("*2\r\n$10\r\n"), t)
        XCTAssertEqual(run(c, "MONITOR"), "+OK\r\n")
        XCTAssertTrue(server.monitors.contains { $0 === c })
        XCTAssertEqual(run(c, "MONITOR"), "")   // already monitoring: no reply, as Redis
    }
}
