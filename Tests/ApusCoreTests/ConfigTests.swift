// Configuration layer: config-file and command-line parsing (quoting, units, include,
// override order, Redis's fatal-error texts), CONFIG GET pattern matching and value
// formats, CONFIG SET validation with all-or-nothing rollback, and CONFIG REWRITE.
// Expected texts were taken from redis-server 7.0.15.

import XCTest
import Glibc
@testable import ApusCore

final class ConfigTests: XCTestCase {
    var tmpDir = ""
    var savedCwd = ""

    override func setUp() {
        super.setUp()
        var template = Array("/tmp/apus-config-test-XXXXXX".utf8CString)
        let p = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        tmpDir = String(cString: p!)
        savedCwd = ConfigText.currentDirectory() ?? "/"
    }

    override func tearDown() {
        _ = chdir(savedCwd)
        _ = system("rm -rf '\(tmpDir)'")
        super.tearDown()
    }

    // MARK: - Helpers

    @discardableResult
    func write(_ name: String, _ text: String) -> String {
        let path = tmpDir + "/" + name
        let f = fopen(path, "w")!
        fputs(text, f)
        fclose(f)
        return path
    }

    func read(_ path: String) -> String {
        guard let f = fopen(path, "r") else { return "<missing>" }
        defer { fclose(f) }
        return String(decoding: ConfigFile.readAll(f), as: UTF8.self)
    }

    func load(_ args: [String], stdin: String = "") throws -> ServerConfig {
        let outcome = try ConfigLoader.load(arguments: ["apus-server"] + args, readStdin: { Array(stdin.utf8) })
        guard case .start(let c, _) = outcome else {
            XCTFail("expected the server to start")
            return ServerConfig()
        }
        return c
    }

    func loadError(_ args: [String], stdin: String = "") -> ConfigLoadError? {
        do {
            _ = try ConfigLoader.load(arguments: ["apus-server"] + args, readStdin: { Array(stdin.utf8) })
            return nil
        } catch {
            return error as? ConfigLoadError
        }
    }

    func fatal(line: Int, _ text: String, _ message: String) -> ConfigLoadError {
        .fatal("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nReading the configuration file, at line \(line)\n>>> '\(text)'\n\(message)\n")
    }

    func get(_ c: ServerConfig, _ patterns: String...) -> [String] {
        ConfigDirectives.get(c, patterns: patterns.map { Array($0.utf8) }).flatMap { [$0.name, $0.value] }
    }

    func set(_ c: ServerConfig, _ kv: String..., allowProtected: Bool = false) -> String? {
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        var i = 0
        while i + 1 < kv.count {
            pairs.append((Array(kv[i].utf8), Array(kv[i + 1].utf8)))
            i += 2
        }
        return ConfigDirectives.set(c, pairs: pairs, allowProtected: allowProtected)?.reply
    }

    // MARK: - Config file parsing

    func testFileWithCommentsQuotesAndMixedCaseNames() throws {
        let path = write("a.conf", """
            # a comment
               # indented comment
            PORT 7000
            requirepass "sec ret\\x21"
            dbfilename 'my db.rdb'
            MaxMemory-Policy ALLKEYS-LRU
            \tprotected-mode   no\r

            """)
        let c = try load([path])
        XCTAssertEqual(c.port, 7000)
        XCTAssertEqual(c.requirepass, "sec ret!")
        XCTAssertEqual(c.dbfilename, "my db.rdb")
        XCTAssertEqual(c.maxmemoryPolicy, "allkeys-lru")
        XCTAssertFalse(c.protectedMode)
        XCTAssertEqual(c.configFile, path)
    }

    func testMemoryUnitsFollowMemtoull() throws {
        let cases: [(String, Int)] = [("1k", 1000), ("1kb", 1024), ("2m", 2_000_000), ("2MB", 2 * 1024 * 1024),
                                      ("1g", 1_000_000_000), ("3Gb", 3 * 1024 * 1024 * 1024), ("100b", 100),
                                      ("12345", 12345), ("kb", 0)]
        for (text, bytes) in cases {
            let c = try load(["--maxmemory", text])
            XCTAssertEqual(c.maxmemory, bytes, text)
        }
        XCTAssertEqual(loadError(["--maxmemory", "1xb"]), fatal(line: 2, "maxmemory \"1xb\"", "argument must be a memory value"))
        XCTAssertEqual(loadError(["--maxmemory", "-1"]), fatal(line: 2, "maxmemory \"-1\"", "argument must be a memory value"))
    }

    func testErrorsCarryLineNumberAndRedisText() {
        let path = write("bad.conf", "port 6380\n# comment\n\n  foo bar\n")
        XCTAssertEqual(loadError([path]), fatal(line: 4, "foo bar", "Bad directive or wrong number of arguments"))

        let quotes = write("quotes.conf", "port 0\nsave \"unbalanced\n")
        XCTAssertEqual(loadError([quotes]), fatal(line: 2, "save \"unbalanced", "Unbalanced quotes in configuration line"))

        XCTAssertEqual(loadError(["--foo", "bar"]), fatal(line: 2, "foo \"bar\"", "Bad directive or wrong number of arguments"))
        XCTAssertEqual(loadError(["--port", "abc"]), fatal(line: 2, "port \"abc\"", "argument couldn't be parsed into an integer"))
        XCTAssertEqual(loadError(["--port", "70000"]), fatal(line: 2, "port \"70000\"", "argument must be between 0 and 65535 inclusive"))
        XCTAssertEqual(loadError(["--daemonize", "maybe"]), fatal(line: 2, "daemonize \"maybe\"", "argument must be 'yes' or 'no'"))
        XCTAssertEqual(loadError(["--loglevel", "foo"]),
                       fatal(line: 2, "loglevel \"foo\"", "argument(s) must be one of the following: debug, verbose, notice, warning"))
        XCTAssertEqual(loadError(["--save", "1", "2", "3"]), fatal(line: 2, "save \"1\" \"2\" \"3\"", "Invalid save parameters"))
        XCTAssertEqual(loadError(["--port"]), fatal(line: 2, "port", "wrong number of arguments"))
        XCTAssertEqual(loadError(["--maxmemory", "kb", "--port", "0", "--foo"]),
                       fatal(line: 4, "foo", "Bad directive or wrong number of arguments"))
        XCTAssertEqual(loadError(["--port", "1", "2"]), fatal(line: 2, "port \"1\" \"2\"", "wrong number of arguments"))
    }

    func testMissingFileIsALoggedFatalError() {
        XCTAssertEqual(loadError([tmpDir + "/nope.conf"]),
                       .logged("Fatal error, can't open config file '\(tmpDir)/nope.conf': No such file or directory"))
    }

    func testUnopenableLogfileFailsWithoutLineNumber() {
        XCTAssertEqual(loadError(["--logfile", tmpDir + "/no/such/dir.log"]),
                       .fatal("\n*** FATAL CONFIG FILE ERROR (Redis 7.0.15) ***\nCan't open the log file: No such file or directory\n"))
    }

    func testIncludeReadsOtherFilesAndReportsTheirOwnLineNumbers() throws {
        let inc = write("inc.conf", "maxmemory 2mb\nhz 20\n")
        write("d1.part.conf", "timeout 5\n")
        write("d2.part.conf", "timeout 7\ntcp-keepalive 9\n")
        let main = write("main.conf", "port 1234\ninclude \(inc)\ninclude \(tmpDir)/*.part.conf\ninclude \(tmpDir)/none-*.conf\nhz 30\n")
        let c = try load([main])
        XCTAssertEqual(c.port, 1234)
        XCTAssertEqual(c.maxmemory, 2 * 1024 * 1024)
        XCTAssertEqual(c.timeout, 7, "glob includes are read in sorted order, the last one wins")
        XCTAssertEqual(c.tcpKeepalive, 9)
        XCTAssertEqual(c.hz, 30)

        let badInc = write("badinc.conf", "port 1\nbogus 1\n")
        let outer = write("outer.conf", "# x\n# y\ninclude \(badInc)\n")
        XCTAssertEqual(loadError([outer]), fatal(line: 2, "bogus 1", "Bad directive or wrong number of arguments"))
    }

    func testCommandLineOptionsOverrideTheFileInOrder() throws {
        let path = write("base.conf", "port 1111\nmaxmemory 1mb\nsave 10 1\n")
        let c = try load([path, "--port", "2222", "--save", "900", "1", "300", "10", "--bind", "10.0.0.1", "-::1",
                          "--maxmemory", "5mb", "--maxmemory", "6mb"])
        XCTAssertEqual(c.port, 2222)
        XCTAssertEqual(c.maxmemory, 6 * 1024 * 1024)
        // While loading, only the first save line drops the defaults; later ones (file or
        // command line) add to it — redis-server 7.0 gives "10 1 900 1 300 10" here too.
        XCTAssertEqual(c.savePoints, [SavePoint(seconds: 10, changes: 1), SavePoint(seconds: 900, changes: 1),
                                      SavePoint(seconds: 300, changes: 10)])
        XCTAssertEqual(c.bind, ["10.0.0.1", "-::1"])
    }

    func testSaveLinesReplaceDefaultsThenAccumulate() throws {
        let c = try load([write("s.conf", "save 900 1\nsave 300 10\n")])
        XCTAssertEqual(get(c, "save"), ["save", "900 1 300 10"])
        XCTAssertEqual(get(try load([]), "save"), ["save", "3600 1 300 100 60 10000"])
        XCTAssertEqual(get(try load(["--save", ""]), "save"), ["save", ""])
        XCTAssertEqual(get(try load(["--save"]), "save"), ["save", ""], "a trailing bare --save means save \"\"")
        let c2 = try load(["--save", "--port", "7"])
        XCTAssertEqual(get(c2, "save", "port"), ["save", "", "port", "7"])
        XCTAssertEqual(get(try load(["--save", "60 5"]), "save"), ["save", "60 5"], "one quoted value is split again")
        XCTAssertEqual(get(try load(["--save 30 2"]), "save"), ["save", "30 2"])
    }

    func testStdinDashAndVersionAndHelp() throws {
        let path = write("p.conf", "port 1\n")
        var warned: [String] = []
        let out = try ConfigLoader.load(arguments: ["apus-server", path, "--hz", "40", "-"],
                                        warn: { warned.append($0) }, readStdin: { Array("port 2\ntimeout 3\n".utf8) })
        guard case .start(let c, let file) = out else { return XCTFail("expected start") }
        XCTAssertEqual(file, path)
        XCTAssertEqual(c.port, 2)
        XCTAssertEqual(c.timeout, 3)
        XCTAssertEqual(c.hz, 40)
        XCTAssertEqual(warned, ["Reading config from stdin"])

        XCTAssertEqual(loadError(["-"], stdin: "port abc\n"), fatal(line: 1, "port abc", "argument couldn't be parsed into an integer"))

        guard case .exit(let st, let so, _) = try ConfigLoader.load(arguments: ["apus-server", "--version"]) else {
            return XCTFail("expected exit")
        }
        XCTAssertEqual(st, 0)
        XCTAssertTrue(so.hasPrefix("Apus server v="))
        XCTAssertTrue(so.contains("(redis 7.0.15 compatible)"))
        guard case .exit(let hs, _, let he) = try ConfigLoader.load(arguments: ["apus-server", "-h"]) else {
            return XCTFail("expected exit")
        }
        XCTAssertEqual(hs, 1)
        XCTAssertTrue(he.hasPrefix("Usage: apus-server [/path/to/apus.conf] [options] [-]\n"))
    }

    func testRelativeConfigPathBecomesAbsolute() throws {
        _ = chdir(tmpDir)
        write("rel.conf", "port 5\n")
        let c = try load(["rel.conf"])
        XCTAssertEqual(c.configFile, (ConfigText.currentDirectory() ?? "") + "/rel.conf")
        XCTAssertEqual(ConfigLoader.absolutePath("/x/y"), "/x/y")
        _ = chdir("/usr/lib")
        XCTAssertEqual(ConfigLoader.absolutePath("../a.conf"), "/usr/a.conf")
    }

    func testHzIsCappedAndDeprecatedDirectivesIgnored() throws {
        let c = try load(["--hz", "1000", "--list-max-ziplist-entries", "5"])
        XCTAssertEqual(c.hz, 500)
        XCTAssertEqual(try load(["--hz", "0"]).hz, 1)
    }

    func testShippedConfFileLoadsToTheDefaults() throws {
        // conf/apus.conf sits three levels above this test file.
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        parts.removeLast(3)
        let conf = parts.joined(separator: "/") + "/conf/apus.conf"
        guard fopen(conf, "r").map({ fclose($0); return true }) ?? false else {
            throw XCTSkip("conf/apus.conf not found at \(conf)")
        }
        let loaded = try load([conf])
        let defaults = ServerConfig()
        for d in ConfigDirectives.all where d.name != "dir" {
            XCTAssertEqual(d.get(loaded), d.get(defaults), d.name)
        }
    }

    // MARK: - CONFIG GET

    func testGetPatternsMatchCaseInsensitivelyAndReportEachKeyOnce() {
        let c = ServerConfig()
        XCTAssertEqual(get(c, "maxmemory"), ["maxmemory", "0"])
        XCTAssertEqual(get(c, "MAXMEMORY"), ["MAXMEMORY", "0"], "an exact name is echoed as typed")
        XCTAssertEqual(get(c, "maxmemory", "MAXMEMORY"), ["maxmemory", "0"])
        XCTAssertEqual(get(c, "maxmemory*", "maxmem*", "port"),
                       ["maxmemory", "0", "maxmemory-clients", "0", "maxmemory-policy", "noeviction",
                        "maxmemory-samples", "5", "maxmemory-eviction-tenacity", "10", "port", "6379"])
        XCTAssertEqual(get(c, "MAXMEMORY-P?LICY"), ["maxmemory-policy", "noeviction"])
        XCTAssertEqual(get(c, "nonexistent"), [])
        // Every name, aliases included, as 7.0 lists them (hash-max-ziplist-entries too).
        XCTAssertEqual(get(c, "*").count, ConfigDirectives.all.reduce(0) { $0 + ($1.alias == nil ? 2 : 4) })
        XCTAssertEqual(get(c, "hash-max-ziplist-entries"), ["hash-max-ziplist-entries", "512"])
        XCTAssertEqual(get(c, "lazyfree-lazy-[eu]*").count, 8)
    }

    func testGetValueFormats() throws {
        let c = try load(["--maxmemory", "1gb", "--unixsocketperm", "755", "--latency-tracking-info-percentiles", "50 99.9 100",
                          "--shutdown-on-sigterm", "now", "save", "--loglevel", "warning"])
        XCTAssertEqual(get(c, "maxmemory"), ["maxmemory", "1073741824"])
        XCTAssertEqual(get(c, "unixsocketperm"), ["unixsocketperm", "755"])
        XCTAssertEqual(c.unixSocketPerm, 0o755)
        XCTAssertEqual(get(c, "latency-tracking-info-percentiles"), ["latency-tracking-info-percentiles", "50 99.9 100"])
        XCTAssertEqual(get(c, "shutdown-on-sigterm"), ["shutdown-on-sigterm", "save now"])
        XCTAssertEqual(get(c, "loglevel"), ["loglevel", "warning"])
        XCTAssertEqual(c.loglevel, .warning)
        XCTAssertEqual(get(c, "bind", "protected-mode", "requirepass", "proto-max-bulk-len"),
                       ["bind", "127.0.0.1 -::1", "protected-mode", "yes", "requirepass", "",
                        "proto-max-bulk-len", "536870912"])
    }

    // MARK: - CONFIG SET

    func testSetSeveralPairsAtOnce() {
        let c = ServerConfig()
        XCTAssertNil(set(c, "maxmemory", "10mb", "maxmemory-policy", "allkeys-lfu", "timeout", "30"))
        XCTAssertEqual(c.maxmemory, 10 * 1024 * 1024)
        XCTAssertEqual(c.maxmemoryPolicy, "allkeys-lfu")
        XCTAssertEqual(c.timeout, 30)
        XCTAssertNil(set(c, "save", "100 5 200 6", "bind", "127.0.0.1 ::1"))
        XCTAssertEqual(get(c, "save", "bind"), ["save", "100 5 200 6", "bind", "127.0.0.1 ::1"])
        XCTAssertNil(set(c, "save", ""))
        XCTAssertEqual(c.savePoints, [])
        XCTAssertNil(set(c, "hz", "1000"))
        XCTAssertEqual(c.hz, 500)
        XCTAssertNil(set(c, "MAXMEMORY", "5mb"))
        XCTAssertEqual(c.maxmemory, 5 * 1024 * 1024)
    }

    func testSetErrorTextsMatchRedis() {
        let c = ServerConfig()
        XCTAssertEqual(set(c, "maxmemory", "1xb"),
                       "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value")
        XCTAssertEqual(set(c, "foo", "bar"), "ERR Unknown option or number of arguments for CONFIG SET - 'foo'")
        XCTAssertEqual(set(c, "port", "1", "port", "2"),
                       "ERR CONFIG SET failed (possibly related to argument 'port') - duplicate parameter")
        XCTAssertEqual(set(c, "daemonize", "yes"),
                       "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config")
        XCTAssertEqual(set(c, "dir", "/tmp"),
                       "ERR CONFIG SET failed (possibly related to argument 'dir') - can't set protected config")
        XCTAssertEqual(set(c, "dbfilename", "x.rdb"),
                       "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - can't set protected config")
        XCTAssertEqual(set(c, "maxmemory-policy", "bad"),
                       "ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, allkeys-lru, allkeys-lfu, allkeys-random, noeviction")
        XCTAssertEqual(set(c, "save", "1 2 3"),
                       "ERR CONFIG SET failed (possibly related to argument 'save') - Invalid save parameters")
        XCTAssertEqual(set(c, "shutdown-on-sigterm", "save nosave"),
                       "ERR CONFIG SET failed (possibly related to argument 'shutdown-on-sigterm') - shutdown options SAVE and NOSAVE can't be used simultaneously")
        XCTAssertEqual(set(c, "maxclients", "0"),
                       "ERR CONFIG SET failed (possibly related to argument 'maxclients') - argument must be between 1 and 4294967295 inclusive")
        XCTAssertEqual(set(c, "slowlog-max-len", "-1"),
                       "ERR CONFIG SET failed (possibly related to argument 'slowlog-max-len') - argument must be between 0 and 9223372036854775807 inclusive")
        XCTAssertEqual(set(c, "unixsocketperm", "777"),
                       "ERR CONFIG SET failed (possibly related to argument 'unixsocketperm') - can't set immutable config")
        XCTAssertEqual(set(c, "protected-mode", "maybe"),
                       "ERR CONFIG SET failed (possibly related to argument 'protected-mode') - argument must be 'yes' or 'no'")
        // The first unknown name wins over later problems; an earlier immutable one wins over unknown names.
        XCTAssertEqual(set(c, "nope", "1", "daemonize", "yes"), "ERR Unknown option or number of arguments for CONFIG SET - 'nope'")
        XCTAssertEqual(set(c, "daemonize", "yes", "nope", "1"),
                       "ERR CONFIG SET failed (possibly related to argument 'daemonize') - can't set immutable config")
        XCTAssertEqual(ConfigDirectives.set(c, pairs: [(Array("dir".utf8), Array("/tmp".utf8))], allowProtected: true,
                                            loading: true)?.reply, "LOADING Redis is loading the dataset in memory")
    }

    func testSetRollsBackEveryValueWhenOneFails() {
        let c = ServerConfig()
        XCTAssertNotNil(set(c, "maxmemory", "10mb", "save", "5 5", "bind", "1.2.3.4", "maxmemory-policy", "bad"))
        XCTAssertEqual(c.maxmemory, 0)
        XCTAssertEqual(get(c, "save"), ["save", "3600 1 300 100 60 10000"])
        XCTAssertEqual(c.bind, ["127.0.0.1", "-::1"])
        XCTAssertEqual(c.maxmemoryPolicy, "noeviction")
    }

    func testApplyHookFailureRestoresAndReapplies() {
        let c = ServerConfig()
        var calls: [String] = []
        c.onChange = { name in
            calls.append("\(name)=\(c.port)")
            if name == "port" && c.port == 1 { throw ConfigError("Unable to listen on this port. Check server logs.") }
        }
        XCTAssertEqual(set(c, "timeout", "9", "port", "1"),
                       "ERR CONFIG SET failed (possibly related to argument 'port') - Unable to listen on this port. Check server logs.")
        XCTAssertEqual(c.port, 6379)
        XCTAssertEqual(c.timeout, 0)
        XCTAssertEqual(calls, ["timeout=1", "port=1", "timeout=6379", "port=6379"])
        calls = []
        XCTAssertNil(set(c, "port", "6379", "timeout", "4"))
        XCTAssertEqual(calls, ["timeout=6379"], "unchanged values are not applied again")
    }

    func testProtectedConfigsWhenAllowed() {
        let c = ServerConfig()
        XCTAssertNil(set(c, "dir", tmpDir, "dbfilename", "x.rdb", allowProtected: true))
        XCTAssertEqual(get(c, "dir"), ["dir", ConfigText.currentDirectory()!])
        XCTAssertTrue(ConfigText.currentDirectory()!.hasSuffix(String(tmpDir.split(separator: "/").last!)))
        XCTAssertEqual(set(c, "dbfilename", "a/b", allowProtected: true),
                       "ERR CONFIG SET failed (possibly related to argument 'dbfilename') - dbfilename can't be a path, just a filename")
        XCTAssertEqual(set(c, "dir", tmpDir + "/missing", allowProtected: true),
                       "ERR CONFIG SET failed (possibly related to argument 'dir') - No such file or directory")
        XCTAssertTrue(ConfigDirectives.isSensitive(Array("requirepass".utf8)))
        XCTAssertFalse(ConfigDirectives.isSensitive(Array("port".utf8)))
    }

    func testPercentilesAndUnsignedEdgeCases() {
        let c = ServerConfig()
        XCTAssertEqual(set(c, "latency-tracking-info-percentiles", "50 101"),
                       "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
        XCTAssertEqual(set(c, "latency-tracking-info-percentiles", "abc"),
                       "ERR CONFIG SET failed (possibly related to argument 'latency-tracking-info-percentiles') - Invalid latency-tracking-info-percentiles parameters")
        XCTAssertEqual(c.latencyTrackingInfoPercentiles, [50, 99, 99.9])
        XCTAssertNil(set(c, "latency-tracking-info-percentiles", ""))
        XCTAssertEqual(get(c, "latency-tracking-info-percentiles"), ["latency-tracking-info-percentiles", ""])
        XCTAssertNil(set(c, "maxmemory", "18446744073709551615"))
        XCTAssertEqual(c.maxmemory, Int.max)
        XCTAssertEqual(set(c, "proto-max-bulk-len", "1000"),
                       "ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len') - argument must be between 1048576 and 9223372036854775807 inclusive")
    }

    // MARK: - CONFIG REWRITE

    func testRewriteKeepsCommentsReplacesInPlaceAndAppends() throws {
        let original = ["# my settings", "port 17711", "bind 127.0.0.1", "# memory", "maxmemory 1mb",
                        "save 900 1", "save 300 10", "include /dev/null", ""]
        let path = write("r.conf", original.joined(separator: "\n"))
        let c = try load([path])
        // A line Apus does not understand (added by hand after start-up) is kept as a comment.
        var edited = original
        edited.insert("not-a-directive 5", at: 7)
        write("r.conf", edited.joined(separator: "\n"))

        XCTAssertNil(set(c, "save", "100 5", "maxmemory", "3mb", "timeout", "12"))
        try ConfigFile.rewrite(path: path, config: c)
        let cwd = ConfigText.currentDirectory()!
        XCTAssertEqual(read(path), [
            "# my settings", "port 17711", "bind 127.0.0.1", "# memory", "maxmemory 3mb", "save 100 5", "",
            "# ??? not-a-directive 5", "include /dev/null", "",
            "# Generated by CONFIG REWRITE", "timeout 12", "dir \"\(cwd)\"", "latency-tracking-info-percentiles 50 99 99.9",
            "",
        ].joined(separator: "\n"))

        // A second rewrite reuses its own generated lines, adds no second signature, and
        // removes the bind line once bind is back at its default.
        XCTAssertNil(set(c, "timeout", "0", "bind", "127.0.0.1 -::1", "save", ""))
        try ConfigFile.rewrite(path: path, config: c)
        XCTAssertEqual(read(path), [
            "# my settings", "port 17711", "", "# memory", "maxmemory 3mb", "save \"\"", "",
            "# ??? not-a-directive 5", "include /dev/null", "",
            "# Generated by CONFIG REWRITE", "timeout 0", "dir \"\(cwd)\"", "latency-tracking-info-percentiles 50 99 99.9",
            "", "",
        ].joined(separator: "\n"))
        let reloaded = try load([path])
        XCTAssertEqual(reloaded.savePoints, [])
        XCTAssertEqual(reloaded.maxmemory, 3 * 1024 * 1024)
    }

    func testRewriteCreatesMissingFileAndQuotesStrings() throws {
        let path = tmpDir + "/new.conf"
        let c = ServerConfig()
        XCTAssertNil(set(c, "requirepass", "p\"w\n", "maxmemory", "1000", "shutdown-on-sigint", "nosave force"))
        try ConfigFile.rewrite(path: path, config: c)
        let text = read(path)
        XCTAssertTrue(text.hasPrefix("# Generated by CONFIG REWRITE\n"))
        XCTAssertTrue(text.contains("\nrequirepass \"p\\\"w\\n\"\n"))
        XCTAssertTrue(text.contains("\nmaxmemory 1000\n"))
        XCTAssertTrue(text.contains("\nshutdown-on-sigint nosave force\n"))
        XCTAssertTrue(text.contains("\nsave 3600 1\nsave 300 100\nsave 60 10000\n"))
        XCTAssertFalse(text.contains("bind"), "the default bind is not written")
        let reloaded = try load([path])
        XCTAssertEqual(reloaded.requirepass, "p\"w\n")
        XCTAssertEqual(reloaded.shutdownOnSigint, "nosave force")
    }

    func testRewriteFailsOnUnwritableDirectory() {
        let c = ServerConfig()
        XCTAssertThrowsError(try ConfigFile.rewrite(path: tmpDir + "/missing/dir/x.conf", config: c)) { e in
            XCTAssertEqual((e as? ConfigRewriteError)?.message, "No such file or directory")
        }
    }
}
