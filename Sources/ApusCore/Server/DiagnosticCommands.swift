// Diagnostic commands with Redis 7.0's replies: TIME, LASTSAVE, MONITOR, SLOWLOG
// (slowlog.c), MEMORY (object.c's memoryCommand and the memory doctor), and LATENCY
// (latency.c: the latency monitor's events, its doctor and ASCII graph, and the
// per-command latency histograms). Also the latency histogram model shared with INFO
// latencystats: Redis records command durations in an HDR histogram and reports it in
// power-of-two buckets starting at 1024 ns; Apus keeps exactly those buckets.

import Glibc
import CApusSys

// MARK: - Shared reply helper

extension Client {
    /// 7.0's addReplySubcommandSyntaxError: "ERR unknown subcommand or wrong number of
    /// arguments for '<argv[1]>'. Try <ARGV[0]> HELP." — sent by container commands when
    /// a known subcommand gets an argument count its handler does not accept.
    func addReplyUnknownSubcommandOrArity() {
        let cmd = Array(arg(0)).map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        addReplyError(bytes: Array("ERR unknown subcommand or wrong number of arguments for '".utf8)
                      + Array(arg(1).prefix(128)) + Array("'. Try ".utf8) + cmd + Array(" HELP.".utf8))
    }
}

// MARK: - Latency histogram

/// The buckets Redis's LATENCY HISTOGRAM prints: bucket k holds durations up to the
/// highest value HDR (2 significant digits) treats as equal to 1024·2^k ns, i.e.
/// 2^(10+k) + 2^(3+k) − 1 ns; durations are clamped to [1 ns, 1 s] as in Redis, so 21
/// buckets suffice. `RedisCommand.latencyBuckets[k]` counts the calls in bucket k.
public struct LatencyHistogram {
    public static let bucketCount = 21
    let counts: [UInt64]
    let total: UInt64

    /// Highest duration (ns) counted in bucket k.
    @inline(__always) public static func upperBoundNs(_ k: Int) -> Int { (1 << (10 + k)) + (1 << (3 + k)) - 1 }

    /// The bucket of a call that took `us` microseconds (O(1): used on every call).
    @inline(__always) public static func bucketIndex(microseconds us: Int) -> Int {
        let ns = min(max(us &* 1000, 1), 1_000_000_000)
        let top = 63 - ns.leadingZeroBitCount
        if top < 10 { return 0 }
        let k = ns - (1 << top) < (1 << (top - 7)) ? top - 10 : top - 9
        return min(k, bucketCount - 1)
    }

    /// nil when no call was recorded (Redis has no histogram for such a command).
    init?(_ buckets: [UInt64]) {
        var t: UInt64 = 0
        for b in buckets { t &+= b }
        if t == 0 { return nil }
        counts = buckets
        total = t
    }

    /// hdr_value_at_percentile at bucket resolution: the upper bound (ns) of the bucket
    /// holding the call at that rank.
    func valueAtPercentile(_ p: Double) -> Int {
        let q = min(p, 100)
        let want = max(UInt64((q / 100) * Double(total) + 0.5), 1)
        var seen: UInt64 = 0
        for (k, n) in counts.enumerated() where n > 0 {
            seen += n
            if seen >= want { return LatencyHistogram.upperBoundNs(min(k, LatencyHistogram.bucketCount - 1)) }
        }
        return 0
    }

    /// LATENCY HISTOGRAM's map for one command: calls and the cumulative bucket counts.
    func reply(to c: Client) {
        c.addReplyMapLen(2)
        c.addReplyBulkString("calls")
        c.addReplyInteger(Int(total))
        c.addReplyBulkString("histogram_usec")
        var rows: [(Int, UInt64)] = []
        var cumulative: UInt64 = 0
        for (k, n) in counts.enumerated() where n > 0 {
            cumulative += n
            rows.append((LatencyHistogram.upperBoundNs(min(k, LatencyHistogram.bucketCount - 1)) / 1000, cumulative))
        }
        c.addReplyMapLen(rows.count)
        for (label, n) in rows {
            c.addReplyInteger(label)
            c.addReplyInteger(Int(n))
        }
    }
}

enum DiagnosticCommands {
    // MARK: - TIME, LASTSAVE, MONITOR

    static func time(_ c: Client) {
        let us = Int64(apus_ustime())
        c.addReplyArrayLen(2)
        c.addReplyBulkInteger(us / 1_000_000)
        c.addReplyBulkInteger(us % 1_000_000)
    }

    static func lastsave(_ c: Client) { c.addReplyInteger(Int(c.server.lastSaveTime)) }

    /// MONITOR: from now on the client receives every command the server runs. A client
    /// that is already a monitor gets no reply, as in Redis.
    static func monitor(_ c: Client) {
        if c.flags.contains(.monitor) { return }
        c.flags.insert(.monitor)
        c.server.monitors.append(c)
        c.addReplyOK()
    }

    // MARK: - SLOWLOG

    static func slowlogGet(_ c: Client) {
        if c.argc > 3 {
            c.addReplyUnknownSubcommandOrArity()
            return
        }
        let entries = c.server.slowlog.entries
        var count = 10
        if c.argc == 3 {
            guard let v = c.argInt64(2), v >= -1 else {
                c.addReplyError("ERR count should be greater than or equal to -1")
                return
            }
            count = v == -1 ? entries.count : Int(clamping: v)
        }
        let n = min(count, entries.count)
        c.addReplyArrayLen(n)
        for e in entries.prefix(n) {
            c.addReplyArrayLen(6)
            c.addReplyInteger(e.id)
            c.addReplyInteger(e.time)
            c.addReplyInteger(e.durationUs)
            c.addReplyArrayLen(e.args.count)
            for a in e.args { c.addReplyBulk(a) }
            c.addReplyBulkString(e.peer)
            c.addReplyBulkString(e.name)
        }
    }

    static func slowlogLen(_ c: Client) { c.addReplyInteger(c.server.slowlog.entries.count) }

    static func slowlogReset(_ c: Client) {
        c.server.slowlog.reset()
        c.addReplyOK()
    }

    static func slowlogHelp(_ c: Client) {
        c.addReplyHelp([
            "GET [<count>]",
            "    Return top <count> entries from the slowlog (default: 10, -1 mean all).",
            "    Entries are made of:",
            "    id, timestamp, time in microseconds, arguments array, client IP and port,",
            "    client name",
            "LEN",
            "    Return the length of the slowlog.",
            "RESET",
            "    Reset the slowlog.",
        ])
    }

    // MARK: - MEMORY

    /// MEMORY USAGE key [SAMPLES count]: bytes held by the key's entry block (header,
    /// key, inline value) plus its slot in the bucket array and, for collections, what
    /// the value object reports.
    static func memoryUsage(_ c: Client) {
        var samples = 5
        var j = 3
        while j < c.argc {
            if c.argEquals(j, "samples") && j + 1 < c.argc {
                guard let v = c.argInt64(j + 1) else {
                    c.addReplyError("ERR value is not an integer or out of range")
                    return
                }
                if v < 0 {
                    c.addReplySyntaxError()
                    return
                }
                samples = v == 0 ? Int.max : Int(clamping: v)
                j += 2
            } else {
                c.addReplySyntaxError()
                return
            }
        }
        guard let e = c.db.peek(c.arg(2)) else {
            c.addReplyNull()
            return
        }
        var usage = e.allocatedSize + MemoryLayout<UnsafeRawPointer>.size
        usage += e.withStoredObject { $0.memoryUsage(samples: samples) } ?? 0
        c.addReplyInteger(usage)
    }

    static func memoryStats(_ c: Client) {
        let m = MemoryOverview(c.server)
        c.addReplyMapLen(27 + m.perDb.count)
        func pair(_ k: String, _ v: Int) { c.addReplyBulkString(k); c.addReplyInteger(v) }
        func pairD(_ k: String, _ v: Double) { c.addReplyBulkString(k); c.addReplyDouble(v) }
        pair("peak.allocated", m.peak)
        pair("total.allocated", m.used)
        pair("startup.allocated", m.startup)
        pair("replication.backlog", 0)
        pair("clients.slaves", 0)
        pair("clients.normal", m.clientsNormal)
        pair("cluster.links", 0)
        pair("aof.buffer", c.server.aof.bufferAllocated)
        pair("lua.caches", 0)
        pair("functions.caches", 0)
        for d in m.perDb {
            c.addReplyBulkString("db.\(d.id)")
            c.addReplyMapLen(3)
            pair("overhead.hashtable.main", d.main)
            pair("overhead.hashtable.expires", d.expires)
            pair("overhead.hashtable.slot-to-keys", 0)
        }
        pair("overhead.total", m.overhead)
        pair("keys.count", m.totalKeys)
        pair("keys.bytes-per-key", m.bytesPerKey)
        pair("dataset.bytes", m.dataset)
        pairD("dataset.percentage", m.datasetPercent)
        pairD("peak.percentage", m.peakPercent)
        pair("allocator.allocated", m.allocatorAllocated)
        pair("allocator.active", m.allocatorActive)
        pair("allocator.resident", m.allocatorResident)
        pairD("allocator-fragmentation.ratio", m.allocatorFragRatio)
        pair("allocator-fragmentation.bytes", m.allocatorActive - m.allocatorAllocated)
        pairD("allocator-rss.ratio", m.allocatorRssRatio)
        pair("allocator-rss.bytes", m.allocatorResident - m.allocatorActive)
        pairD("rss-overhead.ratio", m.rssOverheadRatio)
        pair("rss-overhead.bytes", m.rss - m.allocatorResident)
        pairD("fragmentation", m.fragmentationRatio)
        pair("fragmentation.bytes", m.rss - m.used)
    }

    /// libc malloc has no statistics report; this is what a libc build of Redis answers.
    static func memoryMallocStats(_ c: Client) {
        c.addReplyBulkString("Stats not supported for the current allocator")
    }

    static func memoryPurge(_ c: Client) {
        _ = apus_malloc_trim()
        c.addReplyOK()
    }

    static func memoryDoctor(_ c: Client) { c.addReplyVerbatim(memoryDoctorReport(c.server)) }

    /// getMemoryDoctorReport with Apus's memory figures.
    static func memoryDoctorReport(_ s: Server) -> String {
        let m = MemoryOverview(s)
        var empty = false, bigPeak = false, highFrag = false, highAllocFrag = false
        var highAllocRss = false, highProcRss = false, bigClientBuf = false
        var reports = 0
        if m.used < 5 * 1024 * 1024 {
            empty = true
            reports += 1
        } else {
            if Double(Float(m.peak) / Float(m.used)) > 1.5 { bigPeak = true; reports += 1 }
            if m.fragmentationRatio > 1.4 && m.rss - m.used > 10 << 20 { highFrag = true; reports += 1 }
            if m.allocatorFragRatio > 1.1 && m.allocatorActive - m.allocatorAllocated > 10 << 20 { highAllocFrag = true; reports += 1 }
            if m.allocatorRssRatio > 1.1 && m.allocatorResident - m.allocatorActive > 10 << 20 { highAllocRss = true; reports += 1 }
            if m.rssOverheadRatio > 1.1 && m.rss - m.allocatorResident > 10 << 20 { highProcRss = true; reports += 1 }
            let clients = max(s.clientList.count, 1)
            if m.clientsNormal / clients > 1024 * 200 { bigClientBuf = true; reports += 1 }
        }
        if reports == 0 {
            return "Hi Sam, I can't find any memory issue in your instance. I can only account for what occurs on this base.\n"
        }
        if empty {
            return "Hi Sam, this instance is empty or is using very little memory, my issues detector can't be used in these conditions. Please, leave for your mission on Earth and fill it with some data. The new Sam and I will be back to our programming as soon as I finished rebooting.\n"
        }
        var r = "Sam, I detected a few issues in this Redis instance memory implants:\n\n"
        if bigPeak {
            r += " * Peak memory: In the past this instance used more than 150% the memory that is currently using. The allocator is normally not able to release memory after a peak, so you can expect to see a big fragmentation ratio, however this is actually harmless and is only due to the memory peak, and if the Redis instance Resident Set Size (RSS) is currently bigger than expected, the memory will be used as soon as you fill the Redis instance with more data. If the memory peak was only occasional and you want to try to reclaim memory, please try the MEMORY PURGE command, otherwise the only other option is to shutdown and restart the instance.\n\n"
        }
        if highFrag {
            r += " * High total RSS: This instance has a memory fragmentation and RSS overhead greater than 1.4 (this means that the Resident Set Size of the Redis process is much larger than the sum of the logical allocations Redis performed). This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. If the problem is a large peak memory, then there is no issue. Otherwise, make sure you are using the Jemalloc allocator and not the default libc malloc. Note: The currently used allocator is \"libc\".\n\n"
        }
        if highAllocFrag {
            r += " * High allocator fragmentation: This instance has an allocator external fragmentation greater than 1.1. This problem is usually due either to a large peak memory (check if there is a peak memory entry above in the report) or may result from a workload that causes the allocator to fragment memory a lot. You can try enabling 'activedefrag' config option.\n\n"
        }
        if highAllocRss {
            r += " * High allocator RSS overhead: This instance has an RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the allocator is much larger than the sum what the allocator actually holds). This problem is usually due to a large peak memory (check if there is a peak memory entry above in the report), you can try the MEMORY PURGE command to reclaim it.\n\n"
        }
        if highProcRss {
            r += " * High process RSS overhead: This instance has non-allocator RSS memory overhead is greater than 1.1 (this means that the Resident Set Size of the Redis process is much larger than the RSS the allocator holds). This problem may be due to Lua scripts or Modules.\n\n"
        }
        if bigClientBuf {
            r += " * Big client buffers: The clients output buffers in this instance are greater than 200K per client (on average). This may result from different causes, like Pub/Sub clients subscribed to channels bot not receiving data fast enough, so that data piles on the Redis instance output buffer, or clients sending commands with large replies or very large sequences of commands in the same pipeline. Please use the CLIENT LIST command in order to investigate the issue if it causes problems in your instance, or to understand better why certain clients are using a big amount of memory.\n\n"
        }
        r += "I'm here to keep you safe, Sam. I want to help you.\n"
        return r
    }

    static func memoryHelp(_ c: Client) {
        c.addReplyHelp([
            "DOCTOR",
            "    Return memory problems reports.",
            "MALLOC-STATS",
            "    Return internal statistics report from the memory allocator.",
            "PURGE",
            "    Attempt to purge dirty pages for reclamation by the allocator.",
            "STATS",
            "    Return information about the memory usage of the server.",
            "USAGE <key> [SAMPLES <count>]",
            "    Return memory in bytes used by <key> and its value. Nested values are",
            "    sampled up to <count> times (default: 5, 0 means sample all).",
        ])
    }

    // MARK: - LATENCY (monitor events)

    /// Events in a stable order (Redis prints its dictionary order, which is arbitrary).
    static func sortedEvents(_ s: Server) -> [(String, LatencyEventStats)] {
        s.latency.events.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
    }

    static func latencyLatest(_ c: Client) {
        let events = sortedEvents(c.server)
        c.addReplyArrayLen(events.count)
        for (name, ev) in events {
            let last = ev.samples.last
            c.addReplyArrayLen(4)
            c.addReplyBulkString(name)
            c.addReplyInteger(Int(last?.time ?? 0))
            c.addReplyInteger(last?.latency ?? 0)
            c.addReplyInteger(ev.max)
        }
    }

    static func latencyHistory(_ c: Client) {
        guard let ev = c.server.latency.events[c.argString(2)] else {
            c.addReplyArrayLen(0)
            return
        }
        c.addReplyArrayLen(ev.samples.count)
        for sample in ev.samples {
            c.addReplyArrayLen(2)
            c.addReplyInteger(Int(sample.time))
            c.addReplyInteger(sample.latency)
        }
    }

    /// LATENCY RESET [event ...]: event names match case-insensitively, as in Redis.
    static func latencyReset(_ c: Client) {
        let s = c.server
        if c.argc == 2 {
            c.addReplyInteger(s.latency.reset([]))
            return
        }
        var resets = 0
        for j in 2..<c.argc {
            let want = c.argLowercased(j)
            let names = s.latency.events.keys.filter { $0.lowercased() == want }
            resets += s.latency.reset(Array(names))
        }
        c.addReplyInteger(resets)
    }

    static func latencyGraph(_ c: Client) {
        let name = c.argString(2)
        guard let ev = c.server.latency.events[name] else {
            c.addReplyError("ERR No samples available for event '\(name)'")
            return
        }
        c.addReplyVerbatim(latencyGraph(event: name, ev, now: c.server.mstime / 1000))
    }

    /// latencyCommandGenSparkeline: a header line, 80 dashes, then a 4-row filled
    /// sparkline of the samples labelled with their age (s/m/h/d), 80 columns per block.
    static func latencyGraph(event: String, _ ev: LatencyEventStats, now: Int64) -> String {
        var values: [Double] = []
        var labels: [String] = []
        var lo = 0
        var hi = 0
        for (i, sample) in ev.samples.enumerated() {
            if i == 0 { lo = sample.latency; hi = sample.latency } else {
                hi = max(hi, sample.latency)
                lo = min(lo, sample.latency)
            }
            let elapsed = Int(now - sample.time)
            let label: String
            if elapsed < 60 { label = "\(elapsed)s" } else if elapsed < 3600 { label = "\(elapsed / 60)m" } else if elapsed < 86400 { label = "\(elapsed / 3600)h" } else { label = "\(elapsed / 86400)d" }
            values.append(Double(sample.latency))
            labels.append(label)
        }
        var out = "\(event) - high \(hi) ms, low \(lo) ms (all time high \(ev.max) ms)\n"
        out += String(repeating: "-", count: 80) + "\n"
        out += Sparkline.render(values: values, labels: labels, columns: 80, rows: 4)
        return out
    }

    static func latencyDoctor(_ c: Client) { c.addReplyVerbatim(latencyDoctorReport(c.server)) }

    /// createLatencyReport: per-event statistics and the advice Redis gives for them.
    static func latencyDoctorReport(_ s: Server) -> String {
        let events = sortedEvents(s)
        if events.isEmpty && s.config.latencyMonitorThreshold == 0 {
            return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis instance. You may use \"CONFIG SET latency-monitor-threshold <milliseconds>.\" in order to enable it. If we weren't in a deep space mission I'd suggest to take a look at https://redis.io/topics/latency-monitor.\n"
        }
        var report = ""
        var advices = 0
        var slowlogEnabled = false, slowlogTuning = false, slowlogInspect = false
        var scheduler = false, hz = false, largeObjects = false, massEviction = false, thp = false
        let nowSec = s.mstime / 1000
        for (i, (name, ev)) in events.enumerated() {
            if i == 0 {
                report += "Dave, I have observed latency spikes in this Redis instance. You don't mind talking about it, do you Dave?\n\n"
            }
            let n = ev.samples.count
            var sum = 0, mad = 0, oldest: Int64 = 0
            for sample in ev.samples {
                sum += sample.latency
                if oldest == 0 || sample.time < oldest { oldest = sample.time }
            }
            let avg = n > 0 ? sum / n : 0
            for sample in ev.samples { mad += abs(avg - sample.latency) }
            if n > 0 { mad /= n }
            var period = n > 0 ? Int(nowSec - oldest) : 0
            if n > 0 && period == 0 { period = 1 }
            let perSample = InfoFormat.fixed(Double(period) / Double(n), 2)
            report += "\(i + 1). \(name): \(n) latency spikes (average \(avg)ms, mean deviation \(mad)ms, period \(perSample) sec). Worst all time event \(ev.max)ms."
            switch name.lowercased() {
            case "command":
                if s.config.slowlogLogSlowerThan < 0 {
                    slowlogEnabled = true
                    advices += 1
                } else if s.config.slowlogLogSlowerThan / 1000 > s.config.latencyMonitorThreshold {
                    slowlogTuning = true
                    advices += 1
                }
                slowlogInspect = true
                largeObjects = true
                advices += 2
            case "fast-command":
                scheduler = true
                advices += 1
            case "expire-cycle":
                hz = true
                largeObjects = true
                advices += 2
            case "eviction-del":
                largeObjects = true
                advices += 1
            case "eviction-cycle":
                massEviction = true
                advices += 1
            default: break
            }
            report += "\n"
        }
        if anonHugePagesBytes() > 0 {
            thp = true
            advices += 1
        }
        if events.isEmpty && advices == 0 {
            report += "Dave, no latency spike was observed during the lifetime of this Redis instance, not in the slightest bit. I honestly think you ought to sit down calmly, take a stress pill, and think things over.\n"
        } else if !events.isEmpty && advices == 0 {
            report += "\nWhile there are latency events logged, I'm not able to suggest any easy fix. Please use the Redis community to get some help, providing this report in your help request.\n"
        } else {
            report += "\nI have a few advices for you:\n\n"
            let threshold = s.config.latencyMonitorThreshold.multipliedReportingOverflow(by: 1000).partialValue
            if slowlogEnabled {
                report += "- There are latency issues with potentially slow commands you are using. Try to enable the Slow Log Redis feature using the command 'CONFIG SET slowlog-log-slower-than \(threshold)'. If the Slow log is disabled Redis is not able to log slow commands execution for you.\n"
            }
            if slowlogTuning {
                report += "- Your current Slow Log configuration only logs events that are slower than your configured latency monitor threshold. Please use 'CONFIG SET slowlog-log-slower-than \(threshold)'.\n"
            }
            if slowlogInspect {
                report += "- Check your Slow Log to understand what are the commands you are running which are too slow to execute. Please check https://redis.io/commands/slowlog for more information.\n"
            }
            if scheduler {
                report += "- The system is slow to execute Redis code paths not containing system calls. This usually means the system does not provide Redis CPU time to run for long periods. You should try to:\n"
                    + "  1) Lower the system load.\n"
                    + "  2) Use a computer / VM just for Redis if you are running other software in the same system.\n"
                    + "  3) Check if you have a \"noisy neighbour\" problem.\n"
                    + "  4) Check with 'redis-cli --intrinsic-latency 100' what is the intrinsic latency in your system.\n"
                    + "  5) Check if the problem is allocator-related by recompiling Redis with MALLOC=libc, if you are using Jemalloc. However this may create fragmentation problems.\n"
            }
            if hz && s.config.hz < 100 {
                report += "- In order to make the Redis keys expiring process more incremental, try to set the 'hz' configuration parameter to 100 using 'CONFIG SET hz 100'.\n"
            }
            if largeObjects {
                report += "- Deleting, expiring or evicting (because of maxmemory policy) large objects is a blocking operation. If you have very large objects that are often deleted, expired, or evicted, try to fragment those objects into multiple smaller objects.\n"
            }
            if massEviction {
                report += "- Sudden changes to the 'maxmemory' setting via 'CONFIG SET', or allocation of large objects via sets or sorted sets intersections, STORE option of SORT, Redis Cluster large keys migrations (RESTORE command), may create sudden memory pressure forcing the server to block trying to evict keys. \n"
            }
            if thp {
                report += "- I detected a non zero amount of anonymous huge pages used by your process. This creates very serious latency events in different conditions, especially when Redis is persisting on disk. To disable THP support use the command 'echo never > /sys/kernel/mm/transparent_hugepage/enabled', make sure to also add it into /etc/rc.local so that the command will be executed again after a reboot. Note that even if you have already disabled THP, you still need to restart the Redis process to get rid of the huge pages already created.\n"
            }
        }
        return report
    }

    /// Sum of the AnonHugePages fields of /proc/self/smaps (Redis's THP check).
    static func anonHugePagesBytes() -> Int {
        guard let f = fopen("/proc/self/smaps", "r") else { return 0 }
        defer { fclose(f) }
        var total = 0
        var line = [CChar](repeating: 0, count: 1024)
        let field = "AnonHugePages:"
        while fgets(&line, 1024, f) != nil {
            let s = String(cString: line)
            if s.hasPrefix(field) {
                let kb = s.dropFirst(field.count).split(separator: " ").first.flatMap { Int($0) } ?? 0
                total += kb * 1024
            }
        }
        return total
    }

    // MARK: - LATENCY HISTOGRAM

    static func latencyHistogram(_ c: Client) {
        var rows: [(String, LatencyHistogram)] = []
        func add(_ cmd: RedisCommand) {
            if let h = LatencyHistogram(cmd.latencyBuckets) { rows.append((cmd.fullName, h)) }
        }
        let table = c.server.commands!
        if c.argc == 2 {
            for cmd in table.all {
                add(cmd)
                for sub in cmd.subcommands.sorted(by: { $0.name < $1.name }) { add(sub) }
            }
        } else {
            for j in 2..<c.argc {
                guard let cmd = table.lookupFullName(c.argString(j)) else { continue }
                add(cmd)
                for sub in cmd.subcommands.sorted(by: { $0.name < $1.name }) { add(sub) }
            }
        }
        c.addReplyMapLen(rows.count)
        for (name, h) in rows {
            c.addReplyBulkString(name)
            h.reply(to: c)
        }
    }

    static func latencyHelp(_ c: Client) {
        c.addReplyHelp([
            "DOCTOR",
            "    Return a human readable latency analysis report.",
            "GRAPH <event>",
            "    Return an ASCII latency graph for the <event> class.",
            "HISTORY <event>",
            "    Return time-latency samples for the <event> class.",
            "LATEST",
            "    Return the latest latency samples for all events.",
            "RESET [<event> ...]",
            "    Reset latency data of one or more <event> classes.",
            "    (default: reset all data for all event classes)",
            "HISTOGRAM [COMMAND ...]",
            "    Return a cumulative distribution of latencies in the format of a histogram for the specified command names.",
            "    If no commands are specified then all histograms are replied.",
        ])
    }
}

/// Number formatting shared by the report texts.
enum InfoFormat {
    static func fixed(_ v: Double, _ digits: Int) -> String { ServerInfo.fixed(v, digits) }
}

// MARK: - Sparkline (Redis's sparkline.c, filled mode, as LATENCY GRAPH uses it)

enum Sparkline {
    static let fill: [Character] = ["_", "o", "#"]

    /// Renders `values` in blocks of `columns` samples, `rows` character rows high, each
    /// column labelled vertically below the graph.
    static func render(values: [Double], labels: [String], columns: Int, rows: Int) -> String {
        guard let lo = values.min(), let hi = values.max() else { return "" }
        var out = ""
        var j = 0
        while j < values.count {
            let len = min(columns, values.count - j)
            if j != 0 { out += "\n" }
            out += renderRange(values: values, labels: labels, offset: j, len: len, rows: rows, lo: lo, hi: hi)
            j += columns
        }
        return out
    }

    static func renderRange(values: [Double], labels: [String], offset: Int, len: Int, rows: Int,
                            lo: Double, hi: Double) -> String {
        var relmax = hi - lo
        if relmax == 0 { relmax = 1 }
        let steps = fill.count * rows
        let hasLabels = labels.contains { !$0.isEmpty }
        var out = ""
        var row = 0
        while true {
            var chars = [Character](repeating: " ", count: len)
            var more = false
            for k in 0..<len {
                let value = values[offset + k]
                // Redis: (int)(relval*steps) / relmax, truncated back to int.
                var step = Int(Double(Int((value - lo) * Double(steps))) / relmax)
                if step < 0 { step = 0 }
                if step >= steps { step = steps - 1 }
                if row < rows {
                    more = true
                    let idx = step - (rows - row - 1) * fill.count
                    if idx >= 0 && idx < fill.count {
                        chars[k] = fill[idx]
                    } else if idx >= fill.count {
                        chars[k] = "|"
                    }
                } else {
                    if hasLabels && row - rows < 1 {
                        more = true
                        break
                    }
                    let label = Array(labels[offset + k])
                    let at = row - rows - 1
                    if label.count > at {
                        more = true
                        chars[k] = label[at]
                    }
                }
            }
            if !more { break }
            row += 1
            out += String(chars) + "\n"
        }
        return out
    }
}
