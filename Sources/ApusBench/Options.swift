// Command-line options of apus-benchmark. The options, defaults, clamping and error texts are
// those of redis-benchmark 7.0.15 so scripts written for it run unchanged (atoi-style numbers,
// `-r` refusing a bare `-`, `--precision` limited to 0...4, `--threads` limited to 500, the
// first argument that is not an option starting the command to benchmark). Our additions
// (--duration, --rate, --ratio, --json, the failover report) are parsed by the same loop.

import Glibc
import ApusCore

public struct BenchmarkOptions {
    public var host = "127.0.0.1"
    public var port = 6379
    public var socketPath: String?
    public var password: String?
    public var user: String?
    public var clients = 50
    public var requests = 100_000
    public var dataSize = 3
    public var dbnum = 0
    public var resp3 = false
    public var threads = 0
    public var cluster = false
    public var enableTracking = false
    public var keepAlive = true
    public var randomKeys = false
    public var keyspaceLen = 0
    public var pipeline = 1
    public var quiet = false
    public var precision = 3
    public var csv = false
    public var loop = false
    public var tests: [String]?          // lower-cased names from -t
    public var idle = false
    public var stdinArg = false
    public var command: [[UInt8]] = []  // the command given after the options, if any
    public var commandTitle: String?     // its title when -x appended stdin to it

    // Extensions.
    public var duration: Double?         // seconds
    public var rate: Double?             // requests per second, all clients together
    public var ratio: MixedRatio?
    public var json = false
    public var failoverReport = false
    public var sentinel: (host: String, port: Int)?
    public var masterName = "mymaster"

    public init() {}
}

/// `--ratio get:set=9:1`: the commands of a mixed workload and their weights.
public struct MixedRatio: Equatable {
    public var names: [String]
    public var weights: [Int]

    public var title: String {
        names.map { $0.uppercased() }.joined(separator: ":") + " "
            + weights.map(String.init).joined(separator: ":")
    }
}

public enum OptionsOutcome {
    case run(BenchmarkOptions)
    /// Print `stdout` / `stderr` and exit with `status` (help, version, bad options).
    case exit(status: Int32, stdout: String, stderr: String)
}

public enum OptionsParser {
    static let maxThreads = 500
    static let maxPrecision = 4
    static let supportedRatioCommands: Set<String> = ["get", "set"]
    static let tlsOptionsWithValue: Set<String> = ["--sni", "--cacert", "--cacertdir", "--cert", "--key",
                                                   "--tls-ciphers", "--tls-ciphersuites"]

    /// Parses `args` (without the program name).
    public static func parse(_ args: [String]) -> OptionsOutcome {
        var o = BenchmarkOptions()
        var i = 0
        func invalid(_ arg: String) -> OptionsOutcome {
            .exit(status: 1, stdout: "Invalid option \"\(arg)\" or option argument missing\n\n" + usage, stderr: "")
        }
        func fail(_ message: String) -> OptionsOutcome { .exit(status: 1, stdout: "", stderr: message + "\n") }
        while i < args.count {
            let arg = args[i]
            let last = i == args.count - 1
            // Every option that takes a value reads it through `value()`; nil means missing.
            func value() -> String? {
                if last { return nil }
                i += 1
                return args[i]
            }
            switch arg {
            case "-c": guard let v = value() else { return invalid(arg) }; o.clients = cInt(v)
            case "-v", "--version": return .exit(status: 0, stdout: "apus-benchmark \(BenchVersion.string) (redis-benchmark \(ServerInfo.redisVersion) compatible)\n", stderr: "")
            case "-n": guard let v = value() else { return invalid(arg) }; o.requests = cInt(v)
            case "-k": guard let v = value() else { return invalid(arg) }; o.keepAlive = cInt(v) != 0
            case "-h": guard let v = value() else { return invalid(arg) }; o.host = v
            case "-p": guard let v = value() else { return invalid(arg) }; o.port = cInt(v)
            case "-s": guard let v = value() else { return invalid(arg) }; o.socketPath = v
            case "-x": o.stdinArg = true
            case "-a": guard let v = value() else { return invalid(arg) }; o.password = v
            case "--user": guard let v = value() else { return invalid(arg) }; o.user = v
            case "-u" where !last:
                i += 1
                if let error = applyURI(args[i], to: &o) { return fail(error) }
            case "-3": o.resp3 = true
            case "-d":
                guard let v = value() else { return invalid(arg) }
                o.dataSize = Swift.min(Swift.max(cInt(v), 1), 1024 * 1024 * 1024)
            case "-P":
                guard let v = value() else { return invalid(arg) }
                o.pipeline = Swift.max(cInt(v), 1)
            case "-r":
                guard let v = value() else { return invalid(arg) }
                // redis-benchmark accepts "-5" (clamped to 0) but not "-" or "-x".
                if v.hasPrefix("-") {
                    let rest = v.utf8.dropFirst()
                    guard let d = rest.first, d >= UInt8(ascii: "0"), d <= UInt8(ascii: "9") else { return invalid(v) }
                }
                o.randomKeys = true
                o.keyspaceLen = Swift.max(cInt(v), 0)
            case "-q": o.quiet = true
            case "--csv": o.csv = true
            case "-l": o.loop = true
            case "-I": o.idle = true
            case "-e":
                FileHandleOut.stderr("WARNING: -e option has no effect. We now immediately exit on error to avoid false results.\n")
            case "-t":
                guard let v = value() else { return invalid(arg) }
                o.tests = v.lowercased().split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            case "--dbnum": guard let v = value() else { return invalid(arg) }; o.dbnum = cInt(v)
            case "--precision":
                guard let v = value() else { return invalid(arg) }
                let p = cInt(v)
                o.precision = p < 0 ? 3 : Swift.min(p, maxPrecision)
            case "--threads":
                guard let v = value() else { return invalid(arg) }
                let t = cInt(v)
                if t > maxThreads {
                    FileHandleOut.stderr("WARNING: Too many threads, limiting threads to \(maxThreads).\n")
                    o.threads = maxThreads
                } else {
                    o.threads = Swift.max(t, 0)
                }
            case "--cluster": o.cluster = true
            case "--enable-tracking": o.enableTracking = true
            case "--help": return .exit(status: 0, stdout: usage, stderr: "")
            case "--tls", "--insecure":
                return fail("apus-benchmark: TLS is not supported (option \(arg)); connect to a plain TCP or unix socket")
            case _ where tlsOptionsWithValue.contains(arg):
                return fail("apus-benchmark: TLS is not supported (option \(arg)); connect to a plain TCP or unix socket")
            // MARK: extensions
            case "--duration":
                guard let v = value() else { return invalid(arg) }
                guard let d = parseDuration(v), d > 0 else { return fail("Invalid --duration \"\(v)\": use e.g. 30s, 500ms, 2m") }
                o.duration = d
            case "--rate":
                guard let v = value() else { return invalid(arg) }
                guard let r = Double(v), r > 0, r.isFinite else { return fail("Invalid --rate \"\(v)\": requests per second, > 0") }
                o.rate = r
            case "--ratio":
                guard let v = value() else { return invalid(arg) }
                guard let r = parseRatio(v) else {
                    return fail("Invalid --ratio \"\(v)\": use e.g. get:set=9:1 (commands: get, set)")
                }
                o.ratio = r
            case "--json": o.json = true
            case "--failover-report": o.failoverReport = true
            case "--sentinel":
                guard let v = value() else { return invalid(arg) }
                guard let hp = parseHostPort(v) else { return fail("Invalid --sentinel \"\(v)\": use host:port") }
                o.sentinel = hp
            case "--master-name": guard let v = value() else { return invalid(arg) }; o.masterName = v
            default:
                if arg.hasPrefix("-") { return invalid(arg) }
                o.command = args[i...].map { Array($0.utf8) }
                i = args.count
                continue
            }
            i += 1
        }
        if o.failoverReport && o.sentinel == nil && !o.cluster {
            return fail("--failover-report needs --sentinel host:port (with --master-name) or --cluster")
        }
        return .run(o)
    }

    /// redis://[[user:]password@]host[:port][/db] as redis-cli and redis-benchmark read it.
    static func applyURI(_ uri: String, to o: inout BenchmarkOptions) -> String? {
        let lower = uri.lowercased()
        var rest: Substring
        if lower.hasPrefix("rediss://") {
            return "apus-benchmark: TLS is not supported (rediss:// URI)"
        } else if lower.hasPrefix("redis://") {
            rest = Substring(uri).dropFirst("redis://".count)
        } else {
            return "Invalid URI scheme"
        }
        if rest.isEmpty { return nil }
        if let at = rest.firstIndex(of: "@") {
            let info = rest[..<at]
            if let colon = info.firstIndex(of: ":") {
                o.user = percentDecode(info[..<colon])
                o.password = percentDecode(info[info.index(after: colon)...])
            } else {
                o.password = percentDecode(info)
            }
            rest = rest[rest.index(after: at)...]
        }
        if rest.isEmpty { return nil }
        let slash = rest.firstIndex(of: "/")
        if rest.first != "/" {
            var hostPart = rest[..<(slash ?? rest.endIndex)]
            if let colon = hostPart.firstIndex(of: ":") {
                o.port = cInt(String(hostPart[hostPart.index(after: colon)...]))
                hostPart = hostPart[..<colon]
            }
            o.host = String(hostPart)
        }
        guard let s = slash else { return nil }
        let db = rest[rest.index(after: s)...]
        if !db.isEmpty { o.dbnum = cInt(String(db)) }
        return nil
    }

    static func percentDecode(_ s: Substring) -> String {
        var out: [UInt8] = []
        let u = Array(s.utf8)
        var i = 0
        while i < u.count {
            if u[i] == UInt8(ascii: "%"), i + 2 < u.count, let h = hexValue(u[i + 1]), let l = hexValue(u[i + 2]) {
                out.append(h << 4 | l)
                i += 3
            } else {
                out.append(u[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    /// "30s", "500ms", "2m", "1h", "1.5s" or a plain number of seconds.
    public static func parseDuration(_ s: String) -> Double? {
        let units: [(String, Double)] = [("ms", 0.001), ("us", 0.000001), ("s", 1), ("m", 60), ("h", 3600)]
        for (suffix, scale) in units where s.hasSuffix(suffix) {
            guard let v = Double(s.dropLast(suffix.count)) else { return nil }
            return v * scale
        }
        return Double(s)
    }

    /// "get:set=9:1" → names [get, set], weights [9, 1].
    public static func parseRatio(_ s: String) -> MixedRatio? {
        let parts = s.lowercased().split(separator: "=", omittingEmptySubsequences: false)
        guard parts.count == 2 else { return nil }
        let names = parts[0].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        let weights = parts[1].split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
        guard names.count >= 2, names.count == weights.count, Set(names).count == names.count,
              names.allSatisfy(supportedRatioCommands.contains) else { return nil }
        var w: [Int] = []
        for x in weights {
            guard let x = x, x >= 0 else { return nil }
            w.append(x)
        }
        guard w.reduce(0, +) > 0 else { return nil }
        return MixedRatio(names: names, weights: w)
    }

    static func parseHostPort(_ s: String) -> (host: String, port: Int)? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]), port > 0 else { return nil }
        return (String(s[..<colon]), port)
    }

    // MARK: - Help text

    public static let usage = """
    Usage: apus-benchmark [OPTIONS] [COMMAND ARGS...]

    Options:
     -h <hostname>      Server hostname (default 127.0.0.1)
     -p <port>          Server port (default 6379)
     -s <socket>        Server unix socket (takes precedence over host and port)
     -a <password>      Password sent with AUTH
     --user <username>  Send AUTH <username> <password> (ACL style). Needs -a.
     -u <uri>           Server URI: redis://[[user:]password@]host[:port][/db]
     -c <clients>       Number of parallel connections (default 50)
     -n <requests>      Total number of requests (default 100000)
     -d <size>          Data size of SET/GET value in bytes (default 3)
     --dbnum <db>       SELECT the specified db number (default 0)
     -3                 Start session in RESP3 protocol mode.
     --threads <num>    Enable multi-thread mode: one event loop per thread.
     --cluster          Enable cluster mode: read the slot map, send every key to the
                        master that owns it and follow MOVED/ASK redirections.
                        A command given on the command line may place "{tag}" in
                        its key; it is replaced so the keys spread over all masters.
     --enable-tracking  Send CLIENT TRACKING on before starting benchmark.
     -k <boolean>       1=keep alive 0=reconnect (default 1)
     -r <keyspacelen>   Use random keys for SET/GET/INCR, random values for SADD,
                        random members and scores for ZADD.
                        Every occurrence of __rand_int__ in an argument is replaced
                        by a 12 digit number between 0 and keyspacelen-1, drawn
                        again for every request. Without -r every request of a test
                        uses the same key.
     -P <numreq>        Pipeline <numreq> requests. Default 1 (no pipeline).
     -q                 Quiet. Just show query/sec values
     --precision        Number of significant digits of the latency histogram (default 3)
     --csv              Output in CSV format
     -l                 Loop. Run the tests forever
     -t <tests>         Only run the comma separated list of tests. The test
                        names are the same as the ones produced as output.
                        The -t option is ignored if a specific command is supplied
                        on the command line.
     -I                 Idle mode. Just open N idle connections and wait.
     -x                 Read last argument from STDIN.
     --tls              Not supported: apus-benchmark speaks plain TCP or unix sockets;
                        this and the other TLS options below stop with an error.
     --sni <host>       (TLS) Server name indication.
     --cacert <file>    (TLS) CA certificate file.
     --cacertdir <dir>  (TLS) Directory of trusted CA certificates.
     --insecure         (TLS) Skip certificate validation.
     --cert <file>      (TLS) Client certificate.
     --key <file>       (TLS) Client private key.
     --tls-ciphers <list> (TLS) Preferred ciphers, TLSv1.2 and below.
     --tls-ciphersuites <list> (TLS) Preferred ciphersuites, TLSv1.3.
     --help             Output this help and exit.
     --version          Output version and exit.

    Beyond redis-benchmark:
     --duration <time>  Run each test for a time (30s, 500ms, 2m) instead of -n requests.
     --rate <n>         Open loop: send <n> requests per second in total; latency is
                        measured from the intended send time, so stalls are not hidden.
     --ratio <mix>      Mixed workload, e.g. get:set=9:1 (GET and SET on random keys).
     --json             One JSON object per finished test, one per line.
     --failover-report  Keep writing through a failover and report the downtime and the
                        acknowledged writes lost. Needs --sentinel or --cluster.
     --sentinel <host:port>  Failover report: find the master through this sentinel.
     --master-name <name>    Failover report: the sentinel's master name (default mymaster).

    Examples:

     Run the benchmark with the default configuration against 127.0.0.1:6379:
       $ apus-benchmark

     Use 20 parallel clients, for a total of 100k requests, against 192.168.1.1:
       $ apus-benchmark -h 192.168.1.1 -p 6379 -n 100000 -c 20

     Fill 127.0.0.1:6379 with about 1 million keys only using the SET test:
       $ apus-benchmark -t set -n 1000000 -r 100000000

     Benchmark 127.0.0.1:6379 for a few commands producing CSV output:
       $ apus-benchmark -t ping,set,get -n 100000 --csv

     Benchmark a specific command line:
       $ apus-benchmark -r 10000 -n 10000 eval 'return redis.call("ping")' 0

     Fill a list with 10000 random elements:
       $ apus-benchmark -r 10000 -n 10000 lpush mylist __rand_int__

     A 9:1 read/write mix for 30 seconds at a fixed 50000 requests per second:
       $ apus-benchmark --ratio get:set=9:1 -r 100000 --duration 30s --rate 50000

     On the command line tests use the same names as in the output, e.g. -t set,get,lrange.

    """
}

/// Version string: ours, not Redis's.
public enum BenchVersion {
    public static let string = ServerInfo.apusVersion
}

/// Unbuffered writes to the standard streams (stdio buffering is kept for stdout reports).
public enum FileHandleOut {
    public static func stderr(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = Glibc.write(2, p.baseAddress, p.count) }
    }
}

/// C's atoi, as redis-benchmark reads numbers: leading digits count, garbage gives 0.
func cInt(_ s: String) -> Int { Int(atoi(s)) }
