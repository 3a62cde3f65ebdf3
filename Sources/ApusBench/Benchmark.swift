// The program: options → server settings (CONFIG GET save/appendonly, or the cluster's slot
// map) → one run per test (worker threads started, progress drawn every 250 ms, histograms
// merged, report printed), in redis-benchmark 7.0.15's order and with its warnings, or idle
// mode, or the failover report.

import Glibc
import CApusSys
import ApusCore
import Synchronization

public enum BenchmarkMain {
    public static func main(_ arguments: [String]) -> Int32 {
        var o: BenchmarkOptions
        switch OptionsParser.parse(arguments) {
        case .exit(let status, let out, let err):
            fputs(out, stdout)
            fflush(stdout)
            if !err.isEmpty { FileHandleOut.stderr(err) }
            return status
        case .run(let parsed):
            o = parsed
        }
        signal(SIGPIPE, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        // -x only applies to a command given on the command line; the title is the argv.
        if o.stdinArg && !o.command.isEmpty {
            o.commandTitle = o.command.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            o.command.append(readStandardInput())
        }
        if o.failoverReport { return FailoverReport(options: o).run() }
        return Benchmark(options: o).run()
    }

    static func readStandardInput() -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = chunk.withUnsafeMutableBytes { b in SystemCall.retryingEINTR { read(0, b.baseAddress, b.count) } }
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }
}

final class Benchmark {
    var options: BenchmarkOptions
    let reporter: Reporter
    let endpoint: Endpoint
    var serverSettings: ServerSettings?
    var cluster: SharedSlotMap?
    var clusterSettings: [(Endpoint, ServerSettings?)]?
    let prefix: [UInt8]
    let prefixCount: Int

    init(options o: BenchmarkOptions) {
        options = o
        reporter = Reporter(options: o)
        endpoint = Endpoint(host: o.host, port: o.port, socketPath: o.socketPath)
        // Commands every connection sends once before its first batch, in redis-benchmark's order.
        var p: [UInt8] = []
        var n = 0
        if let auth = authCommand(o) { p += RESPCommandEncoder.encode(auth); n += 1 }
        if o.enableTracking { p += RESPCommandEncoder.encode("CLIENT", "TRACKING", "on"); n += 1 }
        if o.dbnum != 0 && !o.cluster { p += RESPCommandEncoder.encode("SELECT", String(o.dbnum)); n += 1 }
        if o.resp3 { p += RESPCommandEncoder.encode("HELLO", "3"); n += 1 }
        prefix = p
        prefixCount = n
    }

    func run() -> Int32 {
        if options.cluster { setUpCluster() } else {
            serverSettings = fetchSettings(endpoint)
            if serverSettings == nil { FileHandleOut.stderr("WARNING: Could not fetch server CONFIG\n") }
        }
        if !options.keepAlive {
            FileHandleOut.stderr("WARNING: Keepalive disabled. You probably need 'echo 1 > /proc/sys/net/ipv4/tcp_tw_reuse' for Linux and 'sudo sysctl -w net.inet.tcp.msl=1000' for Mac OS X in order to use a lot of clients/requests\n")
        }
        if !options.command.isEmpty && options.tests != nil {
            FileHandleOut.stderr("WARNING: Option -t is ignored.\n")
        }
        if options.idle { runIdle() }
        if options.csv { reporter.csvHeader() }

        if !options.command.isEmpty {
            let title = options.commandTitle
                ?? options.command.map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ")
            let tpl = RequestTemplate(args: options.command, randomKeys: options.randomKeys,
                                      clusterTags: options.cluster, keyIndex: clusterKeyIndex(options.command))
            let test = BenchTest(title: title, templates: [tpl], payloadSize: tpl.bytes.count)
            repeat { runTest(test) } while options.loop
            return 0
        }
        var generator = DefaultSuite.DataGenerator()
        repeat {
            let data = generator.next(options.dataSize)
            for test in DefaultSuite.tests(options, data: data) { runTest(test) }
            if !options.csv && !options.json { fputs("\n", stdout); fflush(stdout) }
        } while options.loop
        return 0
    }

    // MARK: Server facts

    /// CONFIG GET save / appendonly, shown in the report header. nil when unavailable;
    /// an unreachable server or a NOAUTH answer stops the program.
    func fetchSettings(_ e: Endpoint) -> ServerSettings? {
        let c: SyncConnection
        do {
            c = try SyncConnection(e, timeoutMs: 5000)
        } catch {
            // Every later connection would fail the same way: say it once and stop
            // (redis-benchmark repeats the line and then hangs).
            fatal("Could not connect to Redis at \(e): \(error)")
        }
        func noauth(_ msg: String) -> Never {
            fatal("Node \(e) replied with error:\n\(msg)")
        }
        if let auth = authCommand(options) {
            guard let r = try? c.command(auth) else { return nil }
            if case .error(let m) = r { noauth(m) }
        }
        var values: [String] = []
        for name in ["save", "appendonly"] {
            guard let r = try? c.command("CONFIG", "GET", name) else { return nil }
            if case .error(let m) = r {
                if m.hasPrefix("NOAUTH") { noauth(m) }
                return nil
            }
            guard let items = r.elements, items.count >= 2 else { return nil }
            values.append(items[1].text ?? "")
        }
        return ServerSettings(save: values[0], appendonly: values[1])
    }

    func setUpCluster() {
        let map: SlotMap
        do {
            map = try SlotMap.fetch(from: endpoint, auth: authCommand(options))
        } catch {
            fatal("Failed to fetch cluster configuration from \(endpoint)")
        }
        if map.masters.count <= 1 { fatal("Invalid cluster: \(map.masters.count) node(s).") }
        var s = "Cluster has \(map.masters.count) master nodes:\n\n"
        var settings: [(Endpoint, ServerSettings?)] = []
        for (i, m) in map.masters.enumerated() {
            s += "Master \(i): " + (m.id.isEmpty ? "" : m.id + " ") + "\(m.endpoint)\n"
            let cfg = fetchSettings(m.endpoint)
            if cfg == nil { FileHandleOut.stderr("WARNING: Could not fetch node CONFIG \(m.endpoint)\n") }
            settings.append((m.endpoint, cfg))
        }
        if !options.csv && !options.json { fputs(s + "\n", stdout) }
        clusterSettings = settings
        cluster = SharedSlotMap(map, seeds: [endpoint], auth: authCommand(options))
        if options.threads == 0 {
            options.threads = map.masters.count
            reporter.options.threads = options.threads
        }
    }

    /// In cluster mode, the argument holding the command's first key (asked of the server
    /// with COMMAND GETKEYS), so requests can be sent to its owner; nil when the command uses
    /// `{tag}` placeholders or has no key.
    func clusterKeyIndex(_ args: [[UInt8]]) -> Int? {
        guard options.cluster, let map = cluster?.current, let first = map.masters.first else { return nil }
        if args.contains(where: { !RequestTemplate.find(RequestTemplate.tagMarker, in: $0).isEmpty }) { return nil }
        guard let c = try? SyncConnection(first.endpoint, timeoutMs: 5000) else { return nil }
        if let auth = authCommand(options) { _ = try? c.command(auth) }
        guard let r = try? c.command([Array("COMMAND".utf8), Array("GETKEYS".utf8)] + args),
              let keys = r.elements, let key = keys.first, case .bulk(let k) = key else { return nil }
        return args.indices.dropFirst().first { args[$0] == k }
    }

    // MARK: Running a test

    func makeWorkers(_ run: RunState, count: Int) -> [Worker] {
        var workers: [Worker] = []
        do {
            for i in 0..<count { workers.append(try Worker(index: i, run: run)) }
        } catch {
            fatal("Error: \(error)")
        }
        let masters = cluster?.current.masters
        // At least one connection, as redis-benchmark opens one even with -c 0.
        for i in 0..<Swift.max(options.clients, 1) {
            let w = workers[i % count]
            var e = endpoint
            if let m = masters { e = m[i % m.count].endpoint }
            let c = BenchClient(worker: w, id: w.clients.count, globalIndex: i, endpoint: e)
            w.clients.append(c)
            _ = c.connect()
        }
        return workers
    }

    func runTest(_ test: BenchTest) {
        let run = RunState(options: options, test: test, prefix: prefix, prefixCount: prefixCount,
                           endpoint: endpoint, cluster: cluster)
        let workers = makeWorkers(run, count: Swift.max(options.threads, 1))
        run.startUs = monotonicMicros()
        if let d = options.duration { run.deadlineUs = run.startUs + UInt64(d * 1_000_000) }
        let done = ThreadGroup(workers)
        var lastTick = run.startUs
        var lastFinished = 0
        var lastLatency = 0
        while !done.finished {
            usleep(10_000)
            let now = monotonicMicros()
            if now - lastTick < 250_000 || done.finished { continue }
            let finished = run.finished.load(ordering: .relaxed)
            let latency = run.latencySumUs.load(ordering: .relaxed)
            if run.liveClients.load(ordering: .relaxed) == 0 && !run.complete {
                fatal("All clients disconnected... aborting.")
            }
            let dt = Double(now - lastTick) / 1e6
            let overallDt = Double(now - run.startUs) / 1e6
            let intervalCount = finished - lastFinished
            reporter.progress(title: test.title, rps: Double(intervalCount) / dt, overall: Double(finished) / overallDt,
                              avgMs: intervalCount > 0 ? Double(latency - lastLatency) / Double(intervalCount) / 1000 : 0,
                              overallAvgMs: finished > 0 ? Double(latency) / Double(finished) / 1000 : 0)
            lastTick = now
            lastFinished = finished
            lastLatency = latency
        }
        done.join()
        let seconds = Double(done.endUs - run.startUs) / 1e6
        let merged = workers[0].histogram
        for w in workers.dropFirst() { merged.add(w.histogram) }
        let result = TestResult(title: test.title, finished: run.finished.load(ordering: .relaxed), seconds: seconds,
                                histogram: merged, payloadSize: test.payloadSize,
                                redirects: run.redirects.load(ordering: .relaxed))
        reporter.report(result, server: serverSettings, clusterNodes: clusterSettings)
        for w in workers { for c in w.clients { c.closeSocket() } }
    }

    /// -I: connections that send nothing and wait forever; only their number is shown.
    func runIdle() -> Never {
        fputs("Creating \(options.clients) idle connections and waiting forever (Ctrl+C when done)\n", stdout)
        fflush(stdout)
        let test = BenchTest(title: "IDLE", templates: [RequestTemplate(inline: [])], payloadSize: 0)
        let run = RunState(options: options, test: test, prefix: prefix, prefixCount: prefixCount,
                           endpoint: endpoint, cluster: cluster)
        let workers = makeWorkers(run, count: Swift.max(options.threads, 1))
        _ = ThreadGroup(workers)
        while true {
            reporter.idleProgress(clients: run.liveClients.load(ordering: .relaxed))
            usleep(250_000)
        }
    }
}

/// The worker threads of one test; records when the last one finished.
final class ThreadGroup {
    let workers: [Worker]
    var threads: [UInt] = []
    let remaining: Atomic<Int>
    let lastEnd = Atomic<Int>(0)

    init(_ workers: [Worker]) {
        self.workers = workers
        remaining = Atomic(workers.count)
        for w in workers {
            let box = Unmanaged.passRetained(ThreadBox(worker: w, group: self)).toOpaque()
            var tid: UInt = 0
            let rc = apus_thread_start({ arg in
                let box = Unmanaged<ThreadBox>.fromOpaque(arg!).takeRetainedValue()
                box.worker.runLoop()
                let end = Int(monotonicMicros())
                var seen = box.group.lastEnd.load(ordering: .relaxed)
                while seen < end {
                    let (exchanged, original) = box.group.lastEnd.compareExchange(
                        expected: seen, desired: end, ordering: .relaxed)
                    if exchanged { break }
                    seen = original
                }
                box.group.remaining.wrappingSubtract(1, ordering: .releasing)
                return nil
            }, box, &tid)
            if rc != 0 { fatal("FATAL: Failed to start thread \(threads.count).") }
            threads.append(tid)
        }
    }

    var finished: Bool { remaining.load(ordering: .acquiring) == 0 }
    var endUs: UInt64 { UInt64(lastEnd.load(ordering: .acquiring)) }

    func join() { for t in threads { _ = apus_thread_join(t) } }
}

final class ThreadBox {
    let worker: Worker
    let group: ThreadGroup
    init(worker: Worker, group: ThreadGroup) { self.worker = worker; self.group = group }
}
