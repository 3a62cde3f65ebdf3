// Output of a finished test in the four shapes: the full report redis-benchmark 7.0.15
// prints (header, percentile distribution, cumulative distribution, summary), its `-q` line,
// its `--csv` row, and our `--json` line; plus the live progress line drawn on a terminal.

import Glibc
import ApusCore

/// printf-style formatting through vsnprintf (reports only; never on the measured path).
func cformat(_ format: String, _ args: any CVarArg...) -> String {
    withVaList(args) { va -> String in
        var buf = [CChar](repeating: 0, count: 512)
        let n = Int(vsnprintf(&buf, buf.count, format, va))
        if n < buf.count { return String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        return "" // not reached with our formats: every field is short
    }
}

public struct ServerSettings {
    public var save: String
    public var appendonly: String
}

public struct TestResult {
    public var title: String
    public var finished: Int
    public var seconds: Double
    public var histogram: LatencyHistogram
    public var payloadSize: Int
    public var redirects: Int

    public var rps: Double { seconds > 0 ? Double(finished) / seconds : 0 }
}

public final class Reporter {
    /// The options as finally applied (cluster mode sets the thread count after parsing).
    var options: BenchmarkOptions
    /// Characters of the last progress line, so the next output can blank it out.
    var lastPrinted = 0
    let interactive: Bool

    public init(options: BenchmarkOptions) {
        self.options = options
        interactive = isatty(1) == 1 && !options.csv && !options.json
    }

    /// Writes `s` with its length (a title read with -x may hold NUL bytes).
    func out(_ s: String) {
        var s = s
        s.withUTF8 { p in _ = fwrite(p.baseAddress, 1, p.count, stdout) }
    }

    func clearProgress() {
        if lastPrinted > 0 {
            out(String(repeating: " ", count: lastPrinted) + "\r")
            lastPrinted = 0
        }
    }

    public func progress(title: String, rps: Double, overall: Double, avgMs: Double, overallAvgMs: Double) {
        guard interactive else { return }
        clearProgress()
        let line = title + cformat(": rps=%.1f (overall: %.1f) avg_msec=%.3f (overall: %.3f)", rps, overall, avgMs, overallAvgMs)
        out(line + "\r")
        lastPrinted = line.utf8.count
        fflush(stdout)
    }

    public func idleProgress(clients: Int) {
        out("clients: \(clients)\r")
        fflush(stdout)
    }

    public func csvHeader() {
        out("\"test\",\"rps\",\"avg_latency_ms\",\"min_latency_ms\",\"p50_latency_ms\",\"p95_latency_ms\",\"p99_latency_ms\",\"max_latency_ms\"\n")
    }

    static func ms(_ us: Int64) -> Double { Double(us) / 1000.0 }

    public func report(_ r: TestResult, server: ServerSettings?, clusterNodes: [(Endpoint, ServerSettings?)]?) {
        let h = r.histogram
        let p0 = Self.ms(h.min), p50 = Self.ms(h.value(atPercentile: 50)), p95 = Self.ms(h.value(atPercentile: 95))
        let p99 = Self.ms(h.value(atPercentile: 99)), p100 = Self.ms(h.max), avg = LatencyHistogram.averageMilliseconds(h.mean)
        if options.json {
            out(json(r) + "\n")
        } else if options.csv {
            out("\"" + csvEscaped(r.title) + cformat("\",\"%.2f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\",\"%.3f\"\n",
                                                         r.rps, avg, p0, p50, p95, p99, p100))
        } else if options.quiet {
            clearProgress()
            out(r.title + cformat(": %.2f requests per second, p50=%.3f msec\n", r.rps, p50))
        } else {
            clearProgress()
            var s = "====== \(r.title) ======\n"
            s += cformat("  %ld requests completed in %.2f seconds\n", r.finished, r.seconds)
            s += "  \(options.clients) parallel clients\n"
            s += "  \(r.payloadSize) bytes payload\n"
            s += "  keep alive: \(options.keepAlive ? 1 : 0)\n"
            if let nodes = clusterNodes {
                s += "  cluster mode: yes (\(nodes.count) masters)\n"
                for (i, (_, cfg)) in nodes.enumerated() {
                    guard let cfg = cfg else { continue }
                    s += "  node [\(i)] configuration:\n"
                    s += "    save: \(cfg.save.isEmpty ? "NONE" : cfg.save)\n"
                    s += "    appendonly: \(cfg.appendonly)\n"
                }
            } else if let cfg = server {
                s += "  host configuration \"save\": \(cfg.save)\n"
                s += "  host configuration \"appendonly\": \(cfg.appendonly)\n"
            }
            s += "  multi-thread: \(options.threads > 0 ? "yes" : "no")\n"
            if options.threads > 0 { s += "  threads: \(options.threads)\n" }
            if options.rate != nil {
                s += cformat("  open loop: %.0f requests per second scheduled\n", options.rate!)
            }
            if r.redirects > 0 { s += "  redirections followed: \(r.redirects)\n" }
            s += "\nLatency by percentile distribution:\n"
            for p in h.percentileDistribution() {
                s += cformat("%3.3f%% <= %.3f milliseconds (cumulative count %ld)\n", p.percentile, Self.ms(p.value), p.cumulativeCount)
            }
            s += "\nCumulative distribution of latencies:\n"
            for p in h.cumulativeDistribution() {
                s += cformat("%3.3f%% <= %.3f milliseconds (cumulative count %ld)\n", p.percentile, Self.ms(p.value), p.cumulativeCount)
            }
            s += "\nSummary:\n"
            s += cformat("  throughput summary: %.2f requests per second\n", r.rps)
            s += "  latency summary (msec):\n"
            s += "          avg       min       p50       p95       p99       max\n"
            s += cformat("    %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f\n", avg, p0, p50, p95, p99, p100)
            out(s)
        }
        fflush(stdout)
    }

    func csvEscaped(_ s: String) -> String { s.replacingAll("\"", with: "\"\"") }

    func json(_ r: TestResult) -> String {
        let h = r.histogram
        func num(_ v: Double) -> String { v.isFinite ? cformat("%.3f", v) : "null" }
        var fields: [(String, String)] = [
            ("test", jsonString(r.title)),
            ("requests", String(r.finished)),
            ("seconds", num(r.seconds)),
            ("rps", cformat("%.2f", r.rps)),
            ("avg_latency_ms", num(h.mean / 1000)),
            ("min_latency_ms", num(Self.ms(h.min))),
            ("p50_latency_ms", num(Self.ms(h.value(atPercentile: 50)))),
            ("p95_latency_ms", num(Self.ms(h.value(atPercentile: 95)))),
            ("p99_latency_ms", num(Self.ms(h.value(atPercentile: 99)))),
            ("p999_latency_ms", num(Self.ms(h.value(atPercentile: 99.9)))),
            ("max_latency_ms", num(Self.ms(h.max))),
            ("clients", String(options.clients)),
            ("pipeline", String(options.pipeline)),
            ("data_size", String(r.payloadSize)),
            ("threads", String(options.threads)),
            ("redirects", String(r.redirects)),
        ]
        if let rate = options.rate { fields.append(("target_rps", num(rate))) }
        let points = h.percentileDistribution().map {
            "[" + cformat("%.3f", $0.percentile) + "," + num(Self.ms($0.value)) + "," + String($0.cumulativeCount) + "]"
        }
        fields.append(("percentiles", "[" + points.joined(separator: ",") + "]"))
        return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
    }
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 { out += cformat("\\u%04x", u.value) } else { out.unicodeScalars.append(u) }
        }
    }
    return out + "\""
}
