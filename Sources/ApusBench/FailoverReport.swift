// --failover-report: keep writing through a failover, then say what it cost. Writers (one
// thread and one blocking connection each) send `SET fo:<seq> <seq>` with sequence numbers
// that are never reused; a write that fails (error reply, refused or dropped connection,
// timeout) is retried against the master as currently known — asked of the sentinel
// (SENTINEL GET-MASTER-ADDR-BY-NAME) or read from the cluster's slot map, every 100 ms and
// after every failure, as a sentinel- or cluster-aware client would. Each writer keeps
// the intervals from a first failure to the next acknowledged write; their union is the
// downtime. At the end every acknowledged key is read back from the master(s) of the moment:
// a missing or different value is an acknowledged write the failover lost.

import Glibc
import CApusSys
import ApusCore
import Synchronization

final class FailoverReport {
    let options: BenchmarkOptions
    let seeds: [Endpoint]
    let deadlineUs: UInt64
    let startUs: UInt64
    let nextSeq = Atomic<Int>(0)
    let failedWrites = Atomic<Int>(0)
    var lock = pthread_mutex_t()
    // Guarded by `lock`.
    var master: Endpoint?
    var slotMap: SlotMap?
    var mastersSeen: [Endpoint] = []
    var lastDiscoveryUs: UInt64 = 0

    init(options o: BenchmarkOptions) {
        options = o
        if let s = o.sentinel { seeds = [Endpoint(host: s.host, port: s.port)] }
        else { seeds = [Endpoint(host: o.host, port: o.port, socketPath: o.socketPath)] }
        startUs = monotonicMicros()
        deadlineUs = startUs + UInt64((o.duration ?? 30) * 1_000_000)
        pthread_mutex_init(&lock, nil)
    }

    // MARK: Where to write

    /// Asks the sentinel (or the cluster) where the master is now; at most every 100 ms
    /// unless forced. Records each master seen, in order. The network round trip happens
    /// outside the lock, so writers on healthy masters never wait for a slow lookup.
    func discover(force: Bool = false) {
        pthread_mutex_lock(&lock)
        let now = monotonicMicros()
        if !force && now &- lastDiscoveryUs < 100_000 {
            pthread_mutex_unlock(&lock)
            return
        }
        lastDiscoveryUs = now
        let candidates = (slotMap?.masters.map(\.endpoint) ?? []) + seeds
        pthread_mutex_unlock(&lock)

        if options.sentinel != nil {
            guard let c = try? SyncConnection(seeds[0], timeoutMs: 500),
                  let r = try? c.command("SENTINEL", "GET-MASTER-ADDR-BY-NAME", options.masterName),
                  let f = r.elements, f.count == 2, let host = f[0].text, let port = f[1].text.flatMap({ Int($0) })
            else { return }
            let e = Endpoint(host: host, port: port)
            pthread_mutex_lock(&lock)
            master = e
            if mastersSeen.last != e { mastersSeen.append(e) }
            pthread_mutex_unlock(&lock)
            return
        }
        for e in candidates {
            guard let m = try? SlotMap.fetch(from: e, auth: authCommand(options), timeoutMs: 500),
                  !m.masters.isEmpty else { continue }
            pthread_mutex_lock(&lock)
            slotMap = m
            for n in m.masters where !n.slots.isEmpty && !mastersSeen.contains(n.endpoint) { mastersSeen.append(n.endpoint) }
            pthread_mutex_unlock(&lock)
            return
        }
    }

    /// The master that should take `key` now.
    func target(for key: [UInt8]) -> Endpoint? {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        if options.sentinel != nil { return master }
        guard let m = slotMap else { return nil }
        let owner = Int(m.owner[HashSlot.of(key)])
        return owner >= 0 ? m.masters[owner].endpoint : nil
    }

    func connect(_ e: Endpoint) -> SyncConnection? {
        guard let c = try? SyncConnection(e, timeoutMs: 1000) else { return nil }
        if let auth = authCommand(options) {
            guard let r = try? c.command(auth), !r.isError else { return nil }
        }
        return c
    }

    // MARK: Writers

    final class Writer {
        var acknowledged: [Int] = []
        var windows: [(UInt64, UInt64)] = []
    }

    func write(_ w: Writer) {
        var connections: [Endpoint: SyncConnection] = [:]
        var failingSince: UInt64 = 0
        while monotonicMicros() < deadlineUs {
            let seq = nextSeq.wrappingAdd(1, ordering: .relaxed).oldValue
            let key = Array("fo:\(seq)".utf8)
            let request = RESPCommandEncoder.encode([Array("SET".utf8), key, Array(String(seq).utf8)])
            while true {
                let now = monotonicMicros()
                if now >= deadlineUs { break }
                var ok = false
                if let e = target(for: key) {
                    let conn = connections[e] ?? connect(e)
                    connections[e] = conn
                    if let c = conn {
                        do {
                            try c.send(request)
                            let r = try c.readReply()
                            if case .simple("OK") = r { ok = true }
                            else if case .error(let m) = r, m.hasPrefix("MOVED") || m.hasPrefix("ASK") {
                                discover(force: true)
                            }
                        } catch {
                            connections[e] = nil
                        }
                    }
                }
                if ok {
                    w.acknowledged.append(seq)
                    if failingSince != 0 {
                        w.windows.append((failingSince, monotonicMicros()))
                        failingSince = 0
                    }
                    break
                }
                failedWrites.wrappingAdd(1, ordering: .relaxed)
                if failingSince == 0 { failingSince = now }
                discover()
                usleep(20_000)
            }
        }
        if failingSince != 0 { w.windows.append((failingSince, deadlineUs)) }
    }

    // MARK: Run and report

    func run() -> Int32 {
        discover(force: true)
        guard master != nil || slotMap != nil else {
            fatal(options.sentinel != nil
                  ? "Could not ask the sentinel at \(seeds[0]) for master \"\(options.masterName)\""
                  : "Failed to fetch cluster configuration from \(seeds[0])")
        }
        pthread_mutex_lock(&lock)
        let initialMasters = mastersSeen.count
        pthread_mutex_unlock(&lock)
        let writers = (0..<Swift.max(1, options.clients)).map { _ in Writer() }
        var threads: [UInt] = []
        for w in writers {
            let box = Unmanaged.passRetained(FailoverBox(report: self, writer: w)).toOpaque()
            var tid: UInt = 0
            let rc = apus_thread_start({ arg in
                let b = Unmanaged<FailoverBox>.fromOpaque(arg!).takeRetainedValue()
                b.report.write(b.writer)
                return nil
            }, box, &tid)
            if rc != 0 { fatal("FATAL: Failed to start thread \(threads.count).") }
            threads.append(tid)
        }
        // A client that only reacts to errors keeps writing to a demoted master that still
        // accepts writes; like a sentinel-aware client, poll where the master is.
        var monitor: UInt = 0
        let monitorBox = Unmanaged.passRetained(FailoverBox(report: self, writer: Writer())).toOpaque()
        if apus_thread_start({ arg in
            let b = Unmanaged<FailoverBox>.fromOpaque(arg!).takeRetainedValue()
            while monotonicMicros() < b.report.deadlineUs {
                b.report.discover(force: true)
                usleep(100_000)
            }
            return nil
        }, monitorBox, &monitor) != 0 { fatal("FATAL: Failed to start the master monitor thread.") }
        threads.append(monitor)
        if !options.json && !options.csv {
            fputs("Writing through a failover for \(options.duration ?? 30) seconds with \(writers.count) writers...\n", stdout)
            fflush(stdout)
        }
        for t in threads { _ = apus_thread_join(t) }
        let elapsed = Double(monotonicMicros() - startUs) / 1e6

        // Let the failover settle, then read every acknowledged write back.
        discover(force: true)
        let acked = writers.flatMap(\.acknowledged).sorted()
        let (lost, unverified) = verify(acked)
        let windows = mergeWindows(writers.flatMap(\.windows))
        let downtime = windows.reduce(0.0) { $0 + Double($1.1 - $1.0) / 1e6 }
        let longest = windows.map { Double($0.1 - $0.0) / 1e6 }.max() ?? 0
        pthread_mutex_lock(&lock)
        let seen = mastersSeen
        pthread_mutex_unlock(&lock)
        let changes = seen.count - initialMasters
        if options.json {
            let fields: [(String, String)] = [
                ("mode", "\"failover\""), ("seconds", cformat("%.3f", elapsed)),
                ("acknowledged", String(acked.count)), ("failed", String(failedWrites.load(ordering: .relaxed))),
                ("downtime_seconds", cformat("%.3f", downtime)), ("longest_window_seconds", cformat("%.3f", longest)),
                ("windows", String(windows.count)), ("master_changes", String(changes)),
                ("masters", "[" + seen.map { jsonString($0.description) }.joined(separator: ",") + "]"),
                ("lost", String(lost)), ("unverified", String(unverified)), ("checked", String(acked.count)),
            ]
            fputs("{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}\n", stdout)
        } else {
            var s = "====== FAILOVER REPORT ======\n"
            s += cformat("  duration: %.2f seconds\n", elapsed)
            s += "  writes acknowledged: \(acked.count)\n"
            s += "  write attempts failed: \(failedWrites.load(ordering: .relaxed)) (each retried until acknowledged)\n"
            s += cformat("  downtime: %.3f seconds (longest window %.3f seconds, ", downtime, longest)
                + "\(windows.count) window\(windows.count == 1 ? "" : "s"))\n"
            if options.sentinel != nil {
                s += "  master changes: \(changes) (" + seen.map(\.description).joined(separator: " -> ") + ")\n"
            } else {
                s += "  master changes: \(changes) (masters at start: "
                    + seen.prefix(initialMasters).map(\.description).joined(separator: ", ")
                    + (changes > 0 ? "; new: " + seen.dropFirst(initialMasters).map(\.description).joined(separator: ", ") : "")
                    + ")\n"
            }
            s += "  acknowledged writes lost: \(lost) of \(acked.count)"
                + (unverified > 0 ? " (\(unverified) could not be read back)" : "") + "\n"
            fputs(s, stdout)
        }
        fflush(stdout)
        return 0
    }

    /// Reads back every acknowledged key, pipelined. A key whose value is missing or
    /// different is lost; a key that could not be read (an error reply such as MOVED or
    /// LOADING right after the failover, or no reachable master) is retried after a new
    /// lookup, and counted as unverified if it still cannot be read.
    func verify(_ acked: [Int]) -> (lost: Int, unverified: Int) {
        var lost = 0
        var pending = acked
        for attempt in 0..<5 {
            if attempt > 0 {
                usleep(200_000)
                discover(force: true)
            }
            var retry: [Int] = []
            var byTarget: [Endpoint: [Int]] = [:]
            for seq in pending {
                if let e = target(for: Array("fo:\(seq)".utf8)) { byTarget[e, default: []].append(seq) }
                else { retry.append(seq) }
            }
            for (e, seqs) in byTarget {
                guard let c = connect(e) else { retry += seqs; continue }
                var i = 0
                while i < seqs.count {
                    let chunk = seqs[i..<Swift.min(i + 1000, seqs.count)]
                    var out: [UInt8] = []
                    for s in chunk { out += RESPCommandEncoder.encode("GET", "fo:\(s)") }
                    var answered = 0
                    do {
                        try c.send(out)
                        for s in chunk {
                            let r = try c.readReply()
                            answered += 1
                            switch r {
                            case .error: retry.append(s)
                            case .bulk(let v) where v == Array(String(s).utf8): break
                            default: lost += 1
                            }
                        }
                    } catch {
                        retry += chunk.dropFirst(answered)
                        break
                    }
                    i += chunk.count
                }
                if i < seqs.count { retry += seqs[i...].dropFirst(Swift.min(1000, seqs.count - i)) }
            }
            pending = retry
            if pending.isEmpty { break }
        }
        return (lost, pending.count)
    }

    func mergeWindows(_ w: [(UInt64, UInt64)]) -> [(UInt64, UInt64)] {
        var out: [(UInt64, UInt64)] = []
        for x in w.sorted(by: { $0.0 < $1.0 }) {
            if let last = out.last, x.0 <= last.1 { out[out.count - 1].1 = Swift.max(last.1, x.1) }
            else { out.append(x) }
        }
        return out
    }
}

final class FailoverBox {
    let report: FailoverReport
    let writer: FailoverReport.Writer
    init(report: FailoverReport, writer: FailoverReport.Writer) { self.report = report; self.writer = writer }
}
