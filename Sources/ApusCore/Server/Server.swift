// The server: its state (clients, statistics, persistence), the main loop (poll →
// events → cron → before-sleep work) and the event dispatch; Redis's server.c. Client
// connections are in Net/ (Redis's networking.c). One thread owns every client and the
// keyspace; helper threads only ever do work that must not block this loop (encoding
// and writing snapshot files).

import Glibc
import CApusSys

public final class Server {
    public let config: ServerConfig
    public let logger = Logger()
    public var keyspace: Keyspace
    public var commands: CommandTable!
    let loop: EventLoop

    // MARK: - Identity and time
    public let runId: String
    /// master_replid: this server's replication ID (DEBUG CHANGE-REPL-ID replaces it).
    public var replicationId: String = Server.randomHex(40)
    public let startTimeMs: Int64
    public var mstime: Int64 = 0            // cached unix ms, refreshed per loop turn and per command
    public var ustimeMonotonic: UInt64 = 0
    public var cronLoops: Int = 0
    public var currentHz: Int = 10
    public var lastCronUs: UInt64 = 0
    public var executable: String = ""
    public var configFileAbsolute: String = ""
    public var tcpPortBound: Int = 0

    // MARK: - Clients
    var listeners: [(fd: Int32, unix: Bool, address: String)] = []
    var clientsByFd: [Client?] = []
    public internal(set) var clientList: [Client] = []
    var nextClientId = 1
    var nextRegistration: UInt32 = 1
    var clientsPendingWrite: [Client] = []
    var clientsToClose: [Client] = []
    /// Smallest configured output-buffer limit (Net/OutputLimits.swift); Int.max if none.
    var outputLimitFloor = Int.max
    public var monitors: [Client] = []
    /// Channels, shard channels and patterns with their subscribers.
    let pubsub = PubSub()
    /// The append-only file, a consumer of the propagation stream when on.
    public let aof = AppendOnlyFile()
    /// Replication: IDs, offsets, the stream buffer, replicas and the master link.
    public let repl = ReplicationState()
    /// The replication stream as a consumer of the propagation point.
    lazy var replicationFeed = ReplicationFeed(server: self)
    /// What the last RDB loaded recorded about replication (repl-id, repl-offset,
    /// repl-stream-db aux fields), all three or none.
    var lastLoadedReplId: String?
    var lastLoadedReplOffset: Int64?
    var lastLoadedReplStreamDB: Int?
    /// INFO aof_last_cow_size: what the last rewrite's snapshot held in copies at peak.
    var lastAofCowSize = 0
    /// BGSAVE SCHEDULE (or a save asked for during a rewrite) waits for the snapshot.
    var bgsaveScheduled = false
    /// EXEC is running its queue: the commands' propagation forms one unit.
    var inExec = false
    public var pausedUntilMs: Int64 = 0
    public var pauseWritesOnly = false
    var pausedClients: [Client] = []
    public var currentClient: Client?
    /// Blocked clients (Server+Blocking): per waited key, in the order they blocked.
    var blockedQueues: [WaitedKey: [Client]] = [:]
    public internal(set) var blockedClients = 0
    var blockTimeouts = BlockTimeoutHeap()
    var unblockedClients: [Client] = []

    // MARK: - Statistics (INFO stats)
    /// Every counter INFO stats reports; CONFIG RESETSTAT replaces the whole value.
    public var stats = ServerStats()
    public var peakMemory = 0
    var clientMemoryAtCron = 0

    // MARK: - Persistence state
    public var loading = false
    /// A replica loads a full sync into fresh databases while commands keep running on
    /// the current ones (repl-diskless-load swapdb within one history).
    public var asyncLoading = false
    public var loadingStartTime: Int64 = 0
    public var lastSaveTime: Int64 = 0
    public var lastBgsaveOk = true
    public var lastBgsaveTimeSec = -1
    public var lastBgsaveTryTime: Int64 = 0
    public var rdbSaves = 0
    public var dirtyBeforeBgsave = 0
    public var snapshotJob: SnapshotJob?
    /// A BGSAVE sends hashes, sets and sorted sets with more elements than this element
    /// by element (encoding a few hundred at once costs tens of microseconds); tests
    /// lower it to stream every collection.
    var snapshotStreamThreshold = 256
    /// Monotonic start time of the last command: a busy server gives a save short slices.
    var lastCommandStartUs: UInt64 = 0
    /// Client events the last poll returned: requests are arriving now.
    var lastPollEvents = 0
    public var lastCowSize = 0
    public var rdbLastLoadKeysLoaded = 0
    public var rdbLastLoadKeysExpired = 0
    var notifyFd: Int32 = -1
    public var activeExpireEnabled = true
    /// True only while the start-up load may serve clients between keys.
    var serveClientsWhileLoading = false
    var originalOomScoreAdj: Int?
    public var shutdownAsap = false
    /// A shutdown waits for replicas until then (unix ms); 0 when none waits.
    var shutdownDeadlineMs: Int64 = 0
    /// SHUTDOWN callers blocked while it waits.
    var shutdownWaiters: [Client] = []
    var shutdownFlags: ShutdownFlags = []
    public var slowlog = SlowLog()
    /// maxmemory eviction (Server+Eviction.swift).
    var eviction = EvictionState()
    /// Client-side caching (Tracking.swift).
    let tracking = TrackingTable()
    public internal(set) var trackingClients = 0
    var trackingLimitEffort = 0
    /// The client whose top-level command is running (nested calls of EXEC included).
    var executingClient: Client?
    /// Invalidations for `executingClient`, sent after its reply (nil: a flush).
    var pendingInvalidations: [[UInt8]?] = []
    var clientsById: [Int: Client] = [:]
    /// Set when the server runs as a sentinel (Sentinel/).
    public internal(set) var sentinel: Sentinel?
    /// Set when cluster-enabled is on (Cluster/).
    public internal(set) var cluster: Cluster?
    /// Connections MIGRATE keeps to its targets.
    let migrateSockets = MigrateSockets()
    public var latency = LatencyMonitor()

    public init(config: ServerConfig) throws {
        self.config = config
        loop = try EventLoop()
        keyspace = Keyspace(databases: config.databases)
        keyspace.lazyExpire = config.lazyfreeLazyExpire
        keyspace.lazyServerDel = config.lazyfreeLazyServerDel
        keyspace.notifyClasses = NotifyClass(rawValue: config.notifyKeyspaceEvents)
        keyspace.updateLRUClock(nowMs: Int64(apus_mstime()))
        runId = Server.randomHex(40)
        startTimeMs = Int64(apus_mstime())
        mstime = startTimeMs
        logger.level = config.loglevel
        logger.path = config.logfile
        lastSaveTime = startTimeMs / 1000
        commands = CommandTable(handlers: config.sentinelMode ? SentinelCommands.handlers(from: CommandHandlers.all())
                                                              : CommandHandlers.all())
        installConfigHook()
        applyEvictionPolicy()
        refreshOutputLimitFloor()
        keyspace.clock = { [unowned self] in self.mstime }
        keyspace.eventSink = pubsub
        keyspace.invalidateKey = { [unowned self] key in self.trackingInvalidateKey(key) }
        applyAOFConfig()
    }

    public func log(_ level: LogLevel, _ msg: String) { logger.log(level, msg) }

    static func randomHex(_ n: Int) -> String {
        var s = ""
        let hex = Array("0123456789abcdef")
        var state = apus_ustime() ^ UInt64(getpid()) << 32
        if let f = fopen("/dev/urandom", "r") {
            fread(&state, 8, 1, f)
            fclose(f)
        }
        for _ in 0..<n {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            s.append(hex[Int(state >> 60)])
        }
        return s
    }

    // MARK: - The main loop

    /// Runs until shutdown. Each turn: wait for events (bounded by the next cron), serve
    /// them, run the cron when due, then the before-sleep work (snapshot slices, writes).
    public func run() {
        lastCronUs = apus_monotonic_us()
        while true {
            beforeSleep()
            if shutdownAsap && finishShutdown() { return }
            let now = apus_monotonic_us()
            let period = UInt64(1_000_000 / max(currentHz, 1))
            let next = lastCronUs + period
            var timeout: Int32 = next > now ? Int32((next - now + 999) / 1000) : 0
            // Keep copying between events while a save scans and its thread has room;
            // otherwise sleep normally (the save thread wakes us via the eventfd).
            // While clients are being served, wait for the next request instead (a
            // short slice ran after this turn's replies; the next runs after the next
            // request), so that requests find the loop waiting, not copying.
            if let job = snapshotJob, job.wantsToRun { timeout = lastPollEvents > 0 ? min(timeout, 1) : 0 }
            // A slot migration with keys to send goes on between events the same way.
            if let k = cluster, k.migrationWantsToRun { timeout = lastPollEvents > 0 ? min(timeout, 1) : 0 }
            if !pausedClients.isEmpty && timeout > 10 { timeout = 10 }
            // An eviction that ran out of time goes on between events.
            if eviction.running { timeout = 0 }
            if let ms = msUntilNextBlockTimeout, ms < Int64(timeout) { timeout = Int32(ms) }
            let n = loop.poll(timeoutMs: timeout)
            refreshTime()
            lastPollEvents = dispatchEvents(n, notifications: true)
            if eviction.running { continueEviction() }
            let s = apus_take_signal()
            if s != 0 { handleSignal(s) }
            let after = apus_monotonic_us()
            if after >= lastCronUs + period {
                lastCronUs = after
                cron()
            }
        }
    }

    /// Serves the `n` events the last poll returned; returns how many were clients'.
    @discardableResult
    func dispatchEvents(_ n: Int, notifications: Bool) -> Int {
        var clientEvents = 0
        for i in 0..<n {
            let ev = loop.event(at: i)
            let (kind, reg, fd) = Token.split(ev.token)
            switch kind {
            case .listener:
                if reg == 1, let k = cluster { k.acceptBus(listenerFd: fd) } else { acceptClients(listenerFd: fd) }
            case .client:
                clientEvents += 1
                guard Int(fd) < clientsByFd.count, let c = clientsByFd[Int(fd)], c.registration == reg else { continue }
                if ev.readable { readFromClient(c) }
                if ev.writable, clientsByFd[Int(fd)] === c { writeToClient(c) }
            case .notify:
                if notifications { drainNotifications(fd: fd) }
            case .replication:
                if reg == ReplicationToken.masterLink.rawValue {
                    if fd == repl.linkFd { masterLinkEvent(readable: ev.readable || ev.error, writable: ev.writable) }
                } else if reg == ReplicationToken.rdbPipe.rawValue {
                    if fd == repl.pipeFd { readRDBPipe() }
                } else if let s = sentinel {
                    s.linkEvent(registration: reg, fd: fd, readable: ev.readable || ev.error, writable: ev.writable)
                } else if let k = cluster {
                    k.linkEvent(registration: reg, fd: fd, readable: ev.readable || ev.error, writable: ev.writable)
                }
            }
        }
        return clientEvents
    }

    @inline(__always) func refreshTime() {
        mstime = Int64(apus_mstime())
    }

    func beforeSleep() {
        if !clientsToClose.isEmpty {
            let l = clientsToClose
            clientsToClose.removeAll()
            for c in l { freeClient(c) }
        }
        if !pausedClients.isEmpty && (pausedUntilMs == 0 || mstime >= pausedUntilMs) { unpauseClients() }
        // Whatever entered the command stream outside a command (expiries found by
        // timers) reaches its consumers before replies go out.
        keyspace.propagator.flush()
        keyspace.collectLazyFreed()
        blockedBeforeSleep()
        if tracking.prefixCount > 0 { trackingBroadcast() }
        keyspace.compactMaterialized()
        // GETACK for WAIT goes out with this turn's writes; WAITs already satisfied end.
        if !repl.replicas.isEmpty || !repl.waitingClients.isEmpty { replicationBeforeSleep() }
        if repl.failover.state != .none { updateFailoverStatus() }
        cluster?.beforeSleep()
        // The AOF is written (and with appendfsync always, synced) before any reply of
        // this turn leaves: nothing is acknowledged that a crash could lose.
        flushAOFBeforeReplies()
        handleClientsWithPendingWrites()
        // What clients still hold once their replies are out (maxmemory-clients).
        if config.maxmemoryClients != 0 { evictClientsIfNeeded() }
        // After the writes: a save's slice never delays the replies of this turn.
        snapshotBeforeSleep()
    }

    // MARK: - Errors and statistics

    /// Counts an error reply for INFO errorstats (keyed by its first word, as Redis).
    func noteError(_ full: [UInt8]) {
        stats.totalErrorReplies += 1
        errorRepliedDuringCommand = true
        let end = full.firstIndex(of: 32) ?? full.count
        let code = String(decoding: full[0..<end], as: UTF8.self)
        if stats.errorCounts[code] == nil && stats.errorCounts.count >= 128 {
            // Redis stops tracking new error codes past 128 to bound memory.
            return
        }
        stats.errorCounts[code, default: 0] += 1
    }
    var errorRepliedDuringCommand = false

    func clientInfoString(_ c: Client) -> String { ClientCommands.infoString(c, server: self) }
}

extension String {
    func leftPad(_ n: Int, _ ch: Character = "0") -> String {
        count >= n ? self : String(repeating: ch, count: n - count) + self
    }
}

// MARK: - Event tokens

enum TokenKind: UInt64 { case listener = 0, client = 1, notify = 2, replication = 3 }

enum Token {
    @inline(__always) static func make(kind: TokenKind, registration: UInt32, fd: Int32) -> UInt64 {
        (kind.rawValue << 62) | (UInt64(registration & 0x3FFF_FFFF) << 32) | UInt64(UInt32(bitPattern: fd))
    }
    @inline(__always) static func split(_ t: UInt64) -> (TokenKind, UInt32, Int32) {
        (TokenKind(rawValue: t >> 62)!, UInt32((t >> 32) & 0x3FFF_FFFF), Int32(bitPattern: UInt32(t & 0xFFFF_FFFF)))
    }
}

/// A running average of a per-second rate sampled every 100 ms (INFO instantaneous_*).
struct InstantaneousMetric {
    var samples = [Double](repeating: 0, count: 16)
    var index = 0
    var lastTime: UInt64 = 0
    var lastValue = 0

    mutating func track(current: Int, nowUs: UInt64) {
        if lastTime == 0 { lastTime = nowUs; lastValue = current; return }
        let dt = nowUs - lastTime
        if dt == 0 { return }
        let rate = Double(current - lastValue) * 1_000_000 / Double(dt)
        samples[index] = rate
        index = (index + 1) % samples.count
        lastTime = nowUs
        lastValue = current
    }

    var value: Double { samples.reduce(0, +) / Double(samples.count) }
}
