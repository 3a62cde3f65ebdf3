// Command-line parsing: redis-benchmark 7.0.15's options, defaults, clamps and messages, and
// our extensions.

import XCTest
@testable import ApusBench

final class OptionsTests: XCTestCase {
    private func options(_ args: [String]) -> BenchmarkOptions? {
        if case .run(let o) = OptionsParser.parse(args) { return o }
        return nil
    }

    private func exitOutcome(_ args: [String]) -> (Int32, String, String)? {
        if case .exit(let s, let out, let err) = OptionsParser.parse(args) { return (s, out, err) }
        return nil
    }

    func testDefaultsMatchRedisBenchmark() throws {
        let o = try XCTUnwrap(options([]))
        XCTAssertEqual(o.host, "127.0.0.1"); XCTAssertEqual(o.port, 6379)
        XCTAssertEqual(o.clients, 50); XCTAssertEqual(o.requests, 100_000); XCTAssertEqual(o.dataSize, 3)
        XCTAssertEqual(o.pipeline, 1); XCTAssertTrue(o.keepAlive); XCTAssertFalse(o.randomKeys)
        XCTAssertEqual(o.precision, 3); XCTAssertEqual(o.threads, 0); XCTAssertNil(o.tests)
    }

    func testValuesAndClamps() throws {
        let o = try XCTUnwrap(options(["-h", "localhost", "-p", "7000", "-c", "7", "-n", "12abc", "-d", "0", "-P", "-3",
                                       "-r", "-5", "--precision", "9", "--threads", "900", "-k", "0", "-t", "SET,Get",
                                       "--dbnum", "2", "-q", "--csv", "-3"]))
        XCTAssertEqual(o.host, "localhost"); XCTAssertEqual(o.port, 7000); XCTAssertEqual(o.clients, 7)
        XCTAssertEqual(o.requests, 12, "atoi reads the leading digits")
        XCTAssertEqual(o.dataSize, 1); XCTAssertEqual(o.pipeline, 1)
        XCTAssertTrue(o.randomKeys); XCTAssertEqual(o.keyspaceLen, 0)
        XCTAssertEqual(o.precision, 4); XCTAssertEqual(o.threads, 500); XCTAssertFalse(o.keepAlive)
        XCTAssertEqual(o.tests, ["set", "get"]); XCTAssertEqual(o.dbnum, 2)
        XCTAssertTrue(o.quiet); XCTAssertTrue(o.csv); XCTAssertTrue(o.resp3)
    }

    func testCommandStartsAtFirstNonOption() throws {
        let o = try XCTUnwrap(options(["-n", "10", "set", "foo", "-q"]))
        XCTAssertEqual(o.command.map { String(decoding: $0, as: UTF8.self) }, ["set", "foo", "-q"])
        XCTAssertFalse(o.quiet, "options after the command belong to the command")
    }

    func testInvalidOptionAndMissingArgument() throws {
        for args in [["--nope"], ["-n"], ["-r", "-x"], ["-c", "5", "-p"]] {
            let (status, out, _) = try XCTUnwrap(exitOutcome(args))
            XCTAssertEqual(status, 1)
            XCTAssertTrue(out.hasPrefix("Invalid option \"\(args.last!)\" or option argument missing\n\nUsage: apus-benchmark"),
                          out)
        }
    }

    func testHelpVersionAndTLS() throws {
        let (s, out, _) = try XCTUnwrap(exitOutcome(["--help"]))
        XCTAssertEqual(s, 0)
        for opt in ["-h <hostname>", "--user", "-u <uri>", "--dbnum", "--threads", "--cluster", "--enable-tracking",
                    "--precision", "--csv", "-I ", "-x ", "--duration", "--rate", "--ratio", "--json", "--failover-report"] {
            XCTAssertTrue(out.contains(opt), opt)
        }
        XCTAssertTrue(try XCTUnwrap(exitOutcome(["--version"])).1.hasPrefix("apus-benchmark "))
        let (ts, _, terr) = try XCTUnwrap(exitOutcome(["--tls"]))
        XCTAssertEqual(ts, 1)
        XCTAssertTrue(terr.contains("TLS is not supported"))
    }

    func testURI() throws {
        let o = try XCTUnwrap(options(["-u", "redis://bob:s%40cret@example.org:7001/4"]))
        XCTAssertEqual(o.user, "bob"); XCTAssertEqual(o.password, "s@cret")
        XCTAssertEqual(o.host, "example.org"); XCTAssertEqual(o.port, 7001); XCTAssertEqual(o.dbnum, 4)
        XCTAssertEqual(try XCTUnwrap(exitOutcome(["-u", "http://x"])).2, "Invalid URI scheme\n")
    }

    func testExtensions() throws {
        let o = try XCTUnwrap(options(["--duration", "1500ms", "--rate", "2000", "--ratio", "get:set=9:1", "--json"]))
        XCTAssertEqual(o.duration, 1.5); XCTAssertEqual(o.rate, 2000); XCTAssertTrue(o.json)
        XCTAssertEqual(o.ratio, MixedRatio(names: ["get", "set"], weights: [9, 1]))
        XCTAssertEqual(o.ratio?.title, "GET:SET 9:1")
        XCTAssertEqual(OptionsParser.parseDuration("2m"), 120)
        XCTAssertEqual(OptionsParser.parseDuration("30"), 30)
        XCTAssertNil(OptionsParser.parseRatio("get:del=1:1"))
        XCTAssertNil(OptionsParser.parseRatio("get:set=0:0"))
        XCTAssertEqual(try XCTUnwrap(exitOutcome(["--duration", "soon"])).0, 1)
        XCTAssertEqual(try XCTUnwrap(exitOutcome(["--failover-report"])).0, 1, "needs --sentinel or --cluster")
        let f = try XCTUnwrap(options(["--failover-report", "--sentinel", "127.0.0.1:26379", "--master-name", "m"]))
        XCTAssertEqual(f.sentinel?.port, 26379); XCTAssertEqual(f.masterName, "m")
    }
}
