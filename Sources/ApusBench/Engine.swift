// The measuring engine: worker threads, each with its own epoll event loop and a share of
// the connections, driving closed-loop batches of -P requests like redis-benchmark (send a
// batch, read its replies, send the next), or an open-loop schedule with --rate.
//
// The hot path does no allocation: each connection owns one output buffer holding the
// prefix commands (AUTH/HELLO/SELECT/CLIENT TRACKING, sent once) followed by the batch, whose
// `__rand_int__` digits and `{tag}` bytes are rewritten in place; replies are not decoded but
// counted by a streaming RESP scanner that keeps only its nesting counts and the bytes of a
// line cut by a read boundary, so a 600-element LRANGE reply or a 1 GB bulk costs one pass.
// Latency is taken at the read that completes each reply, from the batch's send time (or,
// with --rate, from the time the batch was due, so a stall is charged to every request it
// delayed).

import Glibc
import CApusSys
import ApusCore
import Synchronization

// MARK: - Shared state of one test

public final class RunState {
    public let options: BenchmarkOptions
    public let test: BenchTest
    /// Requests to issue (Int.max with --duration).
    let requestLimit: Int
    /// Monotonic µs after which no batch is started (0: none).
    var deadlineUs: UInt64 = 0
    var startUs: UInt64 = 0
    /// Microseconds between two batches of one connection with --rate.
    let rateIntervalUs: Double

    let issued = Atomic<Int>(0)
    public let finished = Atomic<Int>(0)
    public let latencySumUs = Atomic<Int>(0)
    public let liveClients = Atomic<Int>(0)
    public let redirects = Atomic<Int>(0)

    let prefix: [UInt8]
    let prefixCount: Int
    let endpoint: Endpoint
    let cluster: SharedSlotMap?

    public init(options o: BenchmarkOptions, test: BenchTest, prefix: [UInt8], prefixCount: Int,
                endpoint: Endpoint, cluster: SharedSlotMap?) {
        options = o
        self.test = test
        requestLimit = o.duration != nil ? Int.max : o.requests
        self.prefix = prefix
        self.prefixCount = prefixCount
        self.endpoint = endpoint
        self.cluster = cluster
        if let r = o.rate {
            rateIntervalUs = 1_000_000.0 * Double(Swift.max(o.clients, 1)) * Double(o.pipeline) / r
        } else {
            rateIntervalUs = 0
        }
    }

    /// True once the test has done what was asked (count reached or time up).
    public var complete: Bool {
        if deadlineUs != 0 { return monotonicMicros() >= deadlineUs }
        return finished.load(ordering: .relaxed) >= requestLimit
    }
}

/// Writes `message` to stderr and ends the process, as redis-benchmark does on any error
/// that would make the figures meaningless.
func fatal(_ message: String) -> Never {
    fflush(stdout)
    FileHandleOut.stderr(message + "\n")
    exit(1)
}

// MARK: - Worker thread

public final class Worker {
    let index: Int
    let run: RunState
    let loop: EventLoop
    var clients: [BenchClient] = []
    public let histogram: LatencyHistogram
    let readBuffer: UnsafeMutableRawPointer
    let readCapacity = 1 << 16
    var active = 0
    var syncConnections: [Endpoint: SyncConnection] = [:]
    var mapGeneration = 0
    var map: SlotMap?

    init(index: Int, run: RunState) throws {
        self.index = index
        self.run = run
        loop = try EventLoop()
        histogram = LatencyHistogram(lowest: 10, highest: 3_000_000,
                                     significantFigures: Swift.max(1, run.options.precision))
        readBuffer = .allocate(byteCount: readCapacity, alignment: 16)
        if let c = run.cluster {
            mapGeneration = c.generation.load(ordering: .acquiring)
            map = c.current
        }
    }

    deinit {
        readBuffer.deallocate()
        for c in clients where c.fd >= 0 { close(c.fd) }
    }

    /// Runs until every connection of this worker has finished.
    func runLoop() {
        let now = monotonicMicros()
        for c in clients { c.begin(now) }
        let rate = run.options.rate != nil
        // An open-loop schedule wakes on timers: the kernel's default 50 µs slack would be
        // charged to every request as latency.
        if rate { _ = apus_set_timer_slack_ns(1000) }
        while active > 0 {
            let n = loop.poll(timeoutUs: rate ? nextWakeup() : 250_000)
            dispatching = true
            for i in 0..<n {
                let ev = loop.event(at: i)
                let c = clients[Int(ev.token)]
                // Waiting connections read too: a push or a hang-up must be consumed, or the
                // level-triggered poll would report it again at once.
                if ev.readable && c.fd >= 0 && c.state != .done { c.onReadable() }
                if ev.writable && c.state == .running { c.flush() }
            }
            dispatching = false
            flushDeferred()
            if rate { wakeWaiting() }
        }
    }

    /// Batches completed while handling one poll's events are sent after all of them, so
    /// the server sees the next requests of many connections together.
    var dispatching = false
    var deferred: [Int] = []

    func flushDeferred() {
        var i = 0
        while i < deferred.count {
            let c = clients[deferred[i]]
            if c.state == .running && c.fd >= 0 { c.flush() }
            i += 1
        }
        deferred.removeAll(keepingCapacity: true)
    }

    /// Microseconds until the earliest --rate batch is due (the poll sleeps that long, so a
    /// batch leaves on time and no sleeping of ours is charged as latency).
    func nextWakeup() -> Int {
        var earliest = Double.infinity
        for c in clients where c.state == .waiting { earliest = Swift.min(earliest, c.due) }
        if earliest == .infinity { return 250_000 }
        let wait = earliest - Double(monotonicMicros())
        return wait <= 0 ? 0 : Swift.min(Int(wait), 250_000)
    }

    func wakeWaiting() {
        let now = monotonicMicros()
        for c in clients where c.state == .waiting && c.due <= Double(now) { c.state = .running; c.startBatch(now) }
    }

    /// A blocking connection to `e` for redirected requests, kept for reuse.
    func syncConnection(to e: Endpoint) throws -> SyncConnection {
        if let c = syncConnections[e], !c.broken { return c }
        let c = try SyncConnection(e, timeoutMs: 5000)
        if let auth = authCommand(run.options) {
            let r = try c.command(auth)
            if r.isError { throw ConnectionError(r.text ?? "AUTH failed") }
        }
        syncConnections[e] = c
        return c
    }

    /// The current slot map, re-read from the shared holder when its generation moved.
    func refreshedMap() -> SlotMap? {
        guard let shared = run.cluster else { return nil }
        let g = shared.generation.load(ordering: .acquiring)
        if g != mapGeneration {
            mapGeneration = g
            map = shared.current
        }
        return map
    }
}

// MARK: - One connection

final class BenchClient {
    enum State { case idle, running, waiting, done }

    // The worker owns its clients and outlives them; unowned(unsafe) keeps ARC off the hot path.
    unowned(unsafe) let worker: Worker
    let run: RunState
    let id: Int              // index in the worker
    let globalIndex: Int     // index over all workers (spreads nodes and --rate phases)
    var fd: Int32 = -1
    var state = State.idle
    var endpoint: Endpoint

    // Output: prefix, then the batch. `firstSend` sends the prefix with the first batch.
    var obuf: UnsafeMutableRawPointer
    var obufCapacity: Int
    var obufLength = 0
    var written = 0
    var firstSend = true
    var wantWritable = false
    let prefixLength: Int
    var prefixPending = 0

    // The batch in flight.
    let pipeline: Int
    var pending = 0
    var replyIndex = 0
    var startUs: UInt64 = 0
    /// --rate: when the next batch is due (µs, fractional so the schedule does not drift).
    var due: Double = 0
    /// Latencies of the batch's replies; accounted to the shared counters once per batch.
    let batchLatency: UnsafeMutablePointer<Int>
    var batchReplies = 0
    let histogram: LatencyHistogram
    var requestStart: [Int]
    var requestTemplate: [Int]
    let singleTemplate: Bool
    var rng: UInt64
    let keyspace: UInt64
    /// Single-template batches: absolute offsets of every placeholder of the whole batch.
    let fastPatch: Bool
    let randAbsolute: UnsafeMutablePointer<Int>
    let randsPerRequest: Int
    let tagAbsolute: UnsafeMutablePointer<Int>
    let tagsPerRequest: Int

    // Cluster: the master this connection talks to and the slots it may aim at.
    var nodeSlots: [Int] = []
    var slotRotor = 0
    var nodeIndex = -1
    var mapGeneration = -1

    var scanner = RESPReplyScanner()
    /// Set by a reconnect, which can happen while the scanner runs; applied before the next scan.
    var scannerResetPending = false

    init(worker: Worker, id: Int, globalIndex: Int, endpoint: Endpoint) {
        self.worker = worker
        run = worker.run
        self.id = id
        self.globalIndex = globalIndex
        self.endpoint = endpoint
        pipeline = run.options.pipeline
        prefixLength = run.prefix.count
        singleTemplate = run.test.templates.count == 1
        let largest = run.test.templates.map(\.bytes.count).max() ?? 0
        obufCapacity = prefixLength + largest * pipeline
        obuf = .allocate(byteCount: Swift.max(obufCapacity, 1), alignment: 16)
        batchLatency = .allocate(capacity: pipeline)
        histogram = worker.histogram
        requestStart = Array(repeating: 0, count: pipeline)
        requestTemplate = Array(repeating: 0, count: pipeline)
        rng = (apus_ustime() ^ UInt64(globalIndex) &* 0x9E3779B97F4A7C15) | 1
        keyspace = UInt64(run.options.keyspaceLen)
        let first = run.test.templates[0]
        fastPatch = singleTemplate && (run.cluster == nil || first.keyRange == nil || !first.tagOffsets.isEmpty)
        randsPerRequest = fastPatch ? first.randOffsets.count : 0
        tagsPerRequest = fastPatch && run.cluster != nil ? first.tagOffsets.count : 0
        randAbsolute = .allocate(capacity: Swift.max(1, randsPerRequest * pipeline))
        tagAbsolute = .allocate(capacity: Swift.max(1, tagsPerRequest * pipeline))
        let out = obuf, prefixBytes = prefixLength
        run.prefix.withUnsafeBytes { out.copyMemory(from: $0.baseAddress!, byteCount: prefixBytes) }
        if singleTemplate {
            // The batch never changes shape: lay it out once, patch placeholders per send.
            var at = prefixLength
            for i in 0..<pipeline {
                requestStart[i] = at
                first.bytes.withUnsafeBytes { (obuf + at).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
                for (j, off) in first.randOffsets.enumerated() where j < randsPerRequest {
                    randAbsolute[i * randsPerRequest + j] = at + off
                }
                for (j, off) in first.tagOffsets.enumerated() where j < tagsPerRequest {
                    tagAbsolute[i * tagsPerRequest + j] = at + off
                }
                at += first.bytes.count
            }
            obufLength = at
        }
    }

    deinit {
        obuf.deallocate()
        randAbsolute.deallocate()
        tagAbsolute.deallocate()
        batchLatency.deallocate()
    }

    // MARK: Connection

    func connect(countLive: Bool = true) -> Bool {
        switch endpoint.connect() {
        case .success(let fd):
            self.fd = fd
            _ = apus_set_nonblock(fd)
            do {
                try worker.loop.add(fd: fd, mask: .readable, token: UInt64(id))
            } catch {
                fatal("Error: \(error)")
            }
            if countLive { run.liveClients.wrappingAdd(1, ordering: .relaxed) }
            return true
        case .failure(let e):
            fatal("Could not connect to Redis at \(endpoint): \(e)")
        }
    }

    func closeSocket(countLive: Bool = true) {
        if fd >= 0 {
            worker.loop.remove(fd: fd)
            close(fd)
            fd = -1
            if countLive { run.liveClients.wrappingSubtract(1, ordering: .relaxed) }
        }
    }

    /// -k 0 and cluster rebinding: a fresh connection that sends the prefix again.
    func reconnect() {
        // The connection is replaced, not lost: the live count must not dip in between.
        closeSocket(countLive: false)
        scannerResetPending = true
        firstSend = true
        wantWritable = false
        _ = connect(countLive: false)
    }

    // MARK: Batches

    func begin(_ now: UInt64) {
        state = .running
        worker.active += 1
        if run.options.idle { return }
        if run.options.rate != nil {
            // Stagger the connections over one interval so the load is smooth from the start.
            let phase = run.rateIntervalUs * Double(globalIndex) / Double(Swift.max(run.options.clients, 1))
            due = Double(now) + phase
            if due > Double(now) { state = .waiting; return }
        }
        startBatch(now)
    }

    func finish() {
        if state != .done {
            state = .done
            worker.active -= 1
            // Stop watching the socket (kept open until the test ends, like redis-benchmark's
            // clients); anything still arriving would only wake the poll for nothing.
            if fd >= 0 { worker.loop.remove(fd: fd) }
        }
    }

    /// Claims and sends the next batch, or finishes when the test is over.
    func startBatch(_ now: UInt64) {
        if run.deadlineUs != 0 {
            if now >= run.deadlineUs { finish(); return }
        } else if run.issued.wrappingAdd(pipeline, ordering: .relaxed).oldValue >= run.requestLimit {
            finish()
            return
        }
        if run.cluster != nil { checkClusterBinding() }
        composeBatch()
        startUs = run.options.rate != nil ? UInt64(due) : now
        batchReplies = 0
        if firstSend {
            prefixPending = run.prefixCount
            pending = pipeline + prefixPending
            written = 0
            firstSend = false
        } else {
            pending = pipeline
            written = prefixLength
        }
        replyIndex = 0
        if worker.dispatching { worker.deferred.append(id) } else { flush() }
    }

    func composeBatch() {
        if fastPatch {
            // One template without key routing: only digits and tags change, at fixed offsets.
            var r = 0
            var t = 0
            for _ in 0..<pipeline {
                if tagsPerRequest > 0 { writeTags(tagAbsolute + t, tagsPerRequest); t += tagsPerRequest }
                for _ in 0..<randsPerRequest { writeDigits(randAbsolute[r]); r += 1 }
            }
            return
        }
        let test = run.test
        if singleTemplate {
            for i in 0..<pipeline { patch(requestStart[i], test.templates[0]) }
            return
        }
        var at = prefixLength
        for i in 0..<pipeline {
            let t = pickTemplate(test.weights)
            let tpl = test.templates[t]
            tpl.bytes.withUnsafeBytes { (obuf + at).copyMemory(from: $0.baseAddress!, byteCount: $0.count) }
            requestStart[i] = at
            requestTemplate[i] = t
            patch(at, tpl)
            at += tpl.bytes.count
        }
        obufLength = at
    }

    @inline(__always) func nextRandom() -> UInt64 {
        rng ^= rng >> 12; rng ^= rng << 25; rng ^= rng >> 27
        return rng &* 0x2545F4914F6CDD1D
    }

    func pickTemplate(_ weights: [Int]) -> Int {
        var total = 0
        for w in weights { total += w }
        var r = Int(nextRandom() % UInt64(total))
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// Aims the `{tag}` placeholders of one request (their offsets at `offsets`) at the next
    /// slot of this connection's master.
    @inline(__always) func writeTags(_ offsets: UnsafeMutablePointer<Int>, _ count: Int) {
        guard !nodeSlots.isEmpty else { return }
        let slot = nodeSlots[slotRotor]
        slotRotor += 1
        if slotRotor == nodeSlots.count { slotRotor = 0 }
        let tag = SlotTags.table[slot]
        for j in 0..<count {
            let p = (obuf + offsets[j] + 1).assumingMemoryBound(to: UInt8.self)
            p[0] = tag.0; p[1] = tag.1; p[2] = tag.2
        }
    }

    /// 12 decimal digits of a random number below -r's keyspace length at `offset`.
    @inline(__always) func writeDigits(_ offset: Int) {
        var r = keyspace == 0 ? 0 : nextRandom() % keyspace
        let p = (obuf + offset).assumingMemoryBound(to: UInt8.self)
        var j = 11
        while j >= 0 {
            p[j] = UInt8(ascii: "0") &+ UInt8(truncatingIfNeeded: r % 10)
            r /= 10
            j -= 1
        }
    }

    /// Fills the placeholders of the request at `base` (mixed workloads and key routing).
    func patch(_ base: Int, _ t: RequestTemplate) {
        if !t.tagOffsets.isEmpty {
            t.tagOffsets.withUnsafeBufferPointer { offs in
                var abs = [Int](repeating: 0, count: offs.count)
                for j in 0..<offs.count { abs[j] = base + offs[j] }
                abs.withUnsafeMutableBufferPointer { writeTags($0.baseAddress!, $0.count) }
            }
        }
        guard !t.randOffsets.isEmpty else { return }
        writeRandomDigits(base, t)
        // A key without a tag in cluster mode: draw again until this connection's master owns it.
        if let key = t.keyRange, t.tagOffsets.isEmpty, let map = worker.map, nodeIndex >= 0 {
            let mine = nodeIndex
            var tries = 0
            while tries < 256 {
                let slot = HashSlot.of(UnsafeRawBufferPointer(start: obuf + base + key.offset, count: key.length))
                if Int(map.owner[slot]) == mine { break }
                writeRandomDigits(base, t)
                tries += 1
            }
        }
    }

    @inline(__always) func writeRandomDigits(_ base: Int, _ t: RequestTemplate) {
        for off in t.randOffsets { writeDigits(base + off) }
    }

    /// Writes what is left of the output; waits for writability only when the kernel is full.
    func flush() {
        while written < obufLength {
            let n = SystemCall.retryingEINTR { write(fd, obuf + written, obufLength - written) }
            if n > 0 { written += n; continue }
            if n < 0 && errno == EAGAIN {
                if !wantWritable {
                    wantWritable = true
                    worker.loop.modify(fd: fd, mask: [.readable, .writable], token: UInt64(id))
                }
                return
            }
            fatal("Error writing to the server: \(String(cString: strerror(errno)))")
        }
        if wantWritable {
            wantWritable = false
            worker.loop.modify(fd: fd, mask: .readable, token: UInt64(id))
        }
    }

    // MARK: Replies

    func onReadable() {
        let n = read(fd, worker.readBuffer, worker.readCapacity)
        if n <= 0 {
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return }
            // As redis-benchmark: a lost connection (also an idle one) ends the program.
            fatal(n == 0 ? "Error: Server closed the connection" : "Error: \(String(cString: strerror(errno)))")
        }
        let now = monotonicMicros()
        let bytes = UnsafeRawBufferPointer(start: worker.readBuffer, count: n)
        if scannerResetPending { scanner.reset(); scannerResetPending = false }
        var handler = Handler(client: self, now: now)
        if let problem = scanner.scan(bytes, &handler) { fatal("Error: \(problem)") }
    }

    /// Receives the scanner's complete replies; stops it once the connection is finished
    /// or was replaced (a reconnect leaves nothing more to read on this buffer).
    struct Handler: RESPReplyHandler {
        unowned(unsafe) let client: BenchClient
        let now: UInt64
        let fd: Int32
        init(client: BenchClient, now: UInt64) { self.client = client; self.now = now; fd = client.fd }
        @inline(__always) mutating func reply(isError: Bool, scanner: inout RESPReplyScanner) -> Bool {
            client.replyDone(now, isError: isError, errorText: isError ? scanner.errorText : [])
            return client.fd == fd && client.state != .done
        }
    }

    func replyDone(_ now: UInt64, isError: Bool, errorText: [UInt8]) {
        if isError {
            if run.cluster == nil || !followRedirect(errorText) {
                let text = String(decoding: errorText, as: UTF8.self)
                if run.cluster != nil { fatal("Error from server \(endpoint): \(text)") }
                fatal("Error from server: \(text)")
            }
        }
        if pending == 0 { fatal("Error: the server sent a reply to no request") }
        if prefixPending > 0 {
            prefixPending -= 1
            pending -= 1
            return
        }
        batchLatency[batchReplies] = now > startUs ? Int(now - startUs) : 0
        batchReplies += 1
        replyIndex += 1
        pending -= 1
        if pending == 0 { batchDone(now) }
    }

    /// Adds the finished batch to the shared counters in one step (worker threads would
    /// otherwise contend on them for every reply). Only the test's first -n replies go into
    /// the histogram, as in redis-benchmark; a last pipeline may overshoot the count.
    @inline(__always) func accountBatch() {
        let n = batchReplies
        batchReplies = 0
        let before = run.finished.wrappingAdd(n, ordering: .relaxed).oldValue
        let recorded = Swift.min(n, Swift.max(0, run.requestLimit - before))
        var sum = 0
        for i in 0..<recorded {
            let latency = batchLatency[i]
            histogram.record(Int64(Swift.min(latency, 3_000_000)))
            sum += latency
        }
        run.latencySumUs.wrappingAdd(sum, ordering: .relaxed)
    }

    func batchDone(_ now: UInt64) {
        accountBatch()
        if !run.options.keepAlive && !run.complete { reconnect() }
        if run.options.rate != nil {
            due += run.rateIntervalUs
            if due > Double(now) {
                if run.deadlineUs != 0 && due >= Double(run.deadlineUs) { finish(); return }
                state = .waiting
                return
            }
        }
        startBatch(now)
    }

    // MARK: Cluster

    /// Takes a new slot map into account (only when its generation moved); moves to another
    /// master when ours lost its slots.
    func checkClusterBinding() {
        guard let map = worker.refreshedMap() else { return }
        if worker.mapGeneration == mapGeneration && nodeIndex >= 0 { return }
        mapGeneration = worker.mapGeneration
        if let i = map.index(of: endpoint), !map.masters[i].slots.isEmpty {
            nodeIndex = i
            nodeSlots = map.masters[i].slots
            slotRotor = Int(nextRandom() % UInt64(nodeSlots.count))
            return
        }
        let masters = map.masters.indices.filter { !map.masters[$0].slots.isEmpty }
        guard !masters.isEmpty else { fatal("Error: the cluster has no master serving slots") }
        nodeIndex = masters[globalIndex % masters.count]
        endpoint = map.masters[nodeIndex].endpoint
        nodeSlots = map.masters[nodeIndex].slots
        slotRotor = Int(nextRandom() % UInt64(nodeSlots.count))
        reconnect()
    }

    /// Re-sends the request whose reply was a MOVED/ASK/CLUSTERDOWN/TRYAGAIN error where it
    /// belongs, over a blocking side connection, and takes that reply instead. Returns false
    /// when the error is not a redirection (the caller then stops with the error).
    func followRedirect(_ errorText: [UInt8]) -> Bool {
        guard let cluster = run.cluster else { return false }
        var message = String(decoding: errorText, as: UTF8.self)
        guard isClusterRedirect(message) else { return false }
        let index = prefixPending > 0 ? -1 : replyIndex
        guard index >= 0 && index < pipeline else { return false }
        let t = singleTemplate ? run.test.templates[0] : run.test.templates[requestTemplate[index]]
        let request = Array(UnsafeRawBufferPointer(start: obuf + requestStart[index], count: t.bytes.count))
        var target = endpoint
        for _ in 0..<20 {
            let words = message.split(separator: " ")
            let kind = words.first.map(String.init) ?? ""
            var asking = false
            switch kind {
            case "MOVED", "ASK":
                guard words.count >= 3, let e = Endpoint.parse(String(words[2])) else { return false }
                target = e
                asking = kind == "ASK"
                if kind == "MOVED" { cluster.refresh() }
            default:
                // CLUSTERDOWN / TRYAGAIN: the cluster is changing; wait a little and ask again.
                usleep(100_000)
                cluster.refresh(minIntervalUs: 0)
                if let m = worker.refreshedMap(), let slot = requestSlot(request, t),
                   m.owner[slot] >= 0 { target = m.masters[Int(m.owner[slot])].endpoint }
            }
            do {
                let conn = try worker.syncConnection(to: target)
                if asking { try conn.send(RESPCommandEncoder.encode("ASKING")); _ = try conn.readReply() }
                try conn.send(request)
                let reply = try conn.readReply()
                run.redirects.wrappingAdd(1, ordering: .relaxed)
                guard case .error(let e) = reply else { return true }
                guard isClusterRedirect(e) else {
                    fatal("Error from server \(target): \(e)")
                }
                message = e
            } catch {
                usleep(100_000)
                cluster.refresh(minIntervalUs: 0)
                message = "TRYAGAIN"
            }
        }
        fatal("Error: gave up following redirections for a request (last: \(message))")
    }

    func requestSlot(_ request: [UInt8], _ t: RequestTemplate) -> Int? {
        guard let k = t.keyRange, k.offset + k.length <= request.count else { return nil }
        return request.withUnsafeBytes { HashSlot.of(UnsafeRawBufferPointer(rebasing: $0[k.offset..<(k.offset + k.length)])) }
    }
}

func isClusterRedirect(_ e: String) -> Bool {
    e.hasPrefix("MOVED ") || e.hasPrefix("ASK ") || e.hasPrefix("CLUSTERDOWN") || e.hasPrefix("TRYAGAIN")
}

/// AUTH [user] password, when a password was given.
func authCommand(_ o: BenchmarkOptions) -> [[UInt8]]? {
    guard let p = o.password else { return nil }
    if let u = o.user { return [Array("AUTH".utf8), Array(u.utf8), Array(p.utf8)] }
    return [Array("AUTH".utf8), Array(p.utf8)]
}
