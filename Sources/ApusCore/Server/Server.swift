// The server: listeners, the client table, the main loop (poll → read/parse/execute →
// before-sleep writes), the cron, statistics and shutdown. Mirrors the shape of Redis's
// server.c + networking.c: one thread owns every client and the keyspace; helper threads
// only ever do work that must not block this loop (writing snapshot files).

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
    public private(set) var clientList: [Client] = []
    var nextClientId = 1
    var nextRegistration: UInt32 = 1
    var clientsPendingWrite: [Client] = []
    var clientsToClose: [Client] = []
    /// Smallest configured output-buffer limit (Net/OutputLimits.swift); Int.max if none.
    var outputLimitFloor = Int.max
    public var monitors: [Client] = []
    public var pausedUntilMs: Int64 = 0
    public var pauseWritesOnly = false
    var pausedClients: [Client] = []
    public var currentClient: Client?

    // MARK: - Statistics (INFO stats)
    public var statConnections = 0
    public var statRejectedConnections = 0
    public var statCommands = 0
    public var statNetInput = 0
    public var statNetOutput = 0
    /// Lazy and active expiries alike, counted by the keyspace.
    public var statExpiredKeys: Int { keyspace.expiredKeys }
    public var statExpiredStalePerc: Double = 0
    public var statExpiredTimeCapReached = 0
    public var statExpireCycleTimeUsed: UInt64 = 0
    public var statEvictedKeys = 0
    public var statKeyspaceHits = 0
    public var statKeyspaceMisses = 0
    public var statTotalErrorReplies = 0
    public var statUnexpectedErrorReplies = 0
    public var statClientQbufLimitDisconnections = 0
    public var statIoReadsProcessed = 0
    public var statIoWritesProcessed = 0
    public var errorStats: [String: Int] = [:]
    public var statNumCommandsAtSample = 0
    var opsSamples = InstantaneousMetric()
    var inputSamples = InstantaneousMetric()
    var outputSamples = InstantaneousMetric()
    public var peakMemory = 0
    var clientMemoryAtCron = 0

    // MARK: - Persistence state
    public var loading = false
    public var loadingStartTime: Int64 = 0
    public var lastSaveTime: Int64 = 0
    public var lastBgsaveOk = true
    public var lastBgsaveTimeSec = -1
    public var lastBgsaveTryTime: Int64 = 0
    public var rdbSaves = 0
    public var dirtyBeforeBgsave = 0
    public var snapshotJob: SnapshotJob?
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
    var shutdownFlags: ShutdownFlags = []
    public var slowlog = SlowLog()
    public var latency = LatencyMonitor()

    public init(config: ServerConfig) throws {
        self.config = config
        loop = try EventLoop()
        keyspace = Keyspace(databases: config.databases)
        runId = Server.randomHex(40)
        startTimeMs = Int64(apus_mstime())
        mstime = startTimeMs
        logger.level = config.loglevel
        logger.path = config.logfile
        lastSaveTime = startTimeMs / 1000
        commands = CommandTable(handlers: CommandHandlers.all())
        installConfigHook()
        applyEvictionPolicy()
        refreshOutputLimitFloor()
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
            if !pausedClients.isEmpty && timeout > 10 { timeout = 10 }
            let n = loop.poll(timeoutMs: timeout)
            refreshTime()
            lastPollEvents = dispatchEvents(n, notifications: true)
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
                acceptClients(listenerFd: fd)
            case .client:
                clientEvents += 1
                guard Int(fd) < clientsByFd.count, let c = clientsByFd[Int(fd)], c.registration == reg else { continue }
                if ev.readable { readFromClient(c) }
                if ev.writable, clientsByFd[Int(fd)] === c { writeToClient(c) }
            case .notify:
                if notifications { drainNotifications(fd: fd) }
            }
        }
        return clientEvents
    }

    @inline(__always) func refreshTime() {
        mstime = Int64(apus_mstime())
    }

    // MARK: - Accepting

    func acceptClients(listenerFd: Int32) {
        let isUnix = listeners.first(where: { $0.fd == listenerFd })?.unix ?? false
        var ipbuf = [CChar](repeating: 0, count: 128)
        var max = 1000   // MAX_ACCEPTS_PER_CALL
        while max > 0 {
            max -= 1
            var port: Int32 = 0
            var unixFlag: Int32 = 0
            let cfd = apus_accept(listenerFd, &ipbuf, 128, &port, &unixFlag)
            if cfd < 0 {
                let e = apus_errno()
                if e != EAGAIN && e != EWOULDBLOCK && e != EINTR {
                    log(.warning, "Accepting client connection: \(String(cString: strerror(e)))")
                }
                return
            }
            let ip = String(cString: ipbuf)
            acceptOne(fd: cfd, ip: ip, port: Int(port), unix: isUnix || unixFlag != 0)
        }
    }

    func acceptOne(fd: Int32, ip: String, port: Int, unix: Bool) {
        if !unix {
            _ = apus_set_nodelay(fd)
            if config.tcpKeepalive > 0 { _ = apus_set_keepalive(fd, Int32(config.tcpKeepalive)) }
        }
        if clientList.count >= config.maxclients {
            let msg = "-ERR max number of clients reached\r\n"
            _ = msg.withCString { Glibc.write(fd, $0, strlen($0)) }
            statRejectedConnections += 1
            close(fd)
            return
        }
        // Protected mode: no password → refuse peers that are not on loopback (7.0 rule).
        if config.protectedMode && config.requirepass.isEmpty && !unix && !isLoopback(ip) {
            let msg = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"
            _ = msg.withCString { Glibc.write(fd, $0, strlen($0)) }
            statRejectedConnections += 1
            close(fd)
            return
        }
        var lbuf = [CChar](repeating: 0, count: 128)
        var lport: Int32 = 0
        let lkind = apus_sock_name(fd, 0, &lbuf, 128, &lport)
        let local: String
        let peer: String
        if unix {
            local = (lkind == 1 ? String(cString: lbuf) : config.unixSocket) + ":0"
            peer = local
        } else {
            local = formatAddress(String(cString: lbuf), Int(lport))
            peer = formatAddress(ip, port)
        }
        let reg = nextRegistration
        nextRegistration = nextRegistration == UInt32.max >> 2 ? 1 : nextRegistration + 1
        let c = Client(server: self, id: nextClientId, fd: fd, registration: reg, peer: peer, local: local,
                       unix: unix, db: keyspace.dbs[0], now: mstime,
                       authenticated: config.requirepass.isEmpty)
        nextClientId += 1
        do {
            try loop.add(fd: fd, mask: .readable, token: Token.make(kind: .client, registration: reg, fd: fd))
        } catch {
            log(.warning, "Error registering fd event for the new client: \(error)")
            close(fd)
            return
        }
        if Int(fd) >= clientsByFd.count {
            clientsByFd.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - clientsByFd.count + 64))
        }
        clientsByFd[Int(fd)] = c
        clientList.append(c)
        statConnections += 1
    }

    func isLoopback(_ ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    func formatAddress(_ ip: String, _ port: Int) -> String {
        // IPv6 peers are written "[addr]:port", as Redis's anetFormatAddr does.
        ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    // MARK: - Reading and executing

    func readFromClient(_ c: Client) {
        var readlen = 16 * 1024
        if c.requestType == .multibulk && c.bulkLen >= ProtocolLimits.bigArgument {
            let remaining = c.bulkLen - (c.query.readableBytes - 2)
            if remaining > 0 && remaining < readlen { readlen = remaining }
        }
        if c.query.writableBytes < readlen {
            c.compactQuery()
            c.query.reserve(readlen)
        }
        let n = Glibc.read(c.fd, c.query.base + c.query.writeIndex, c.query.writableBytes)
        if n <= 0 {
            if n < 0 {
                let e = apus_errno()
                if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { return }
                log(.verbose, "Reading from client: \(String(cString: strerror(e)))")
            } else {
                log(.verbose, "Client closed connection \(c.describeForLog())")
            }
            freeClient(c)
            return
        }
        c.query.writeIndex += n
        if c.query.readableBytes > c.queryPeak { c.queryPeak = c.query.readableBytes }
        c.lastInteraction = mstime
        c.totalNetInput += n
        statNetInput += n
        statIoReadsProcessed += 1
        if c.query.readableBytes > config.clientQueryBufferLimit {
            log(.warning, "Closing client that reached max query buffer length: \(clientInfoString(c)) (qbuf initial bytes: \(Repr.quoted(UnsafeRawBufferPointer(rebasing: c.query.readableView.prefix(64)))))")
            statClientQbufLimitDisconnections += 1
            freeClient(c)
            return
        }
        processInputBuffer(c)
    }

    /// Parses and runs every complete command in the query buffer (pipelining).
    func processInputBuffer(_ c: Client) {
        if c.flags.contains(.postponed) { return }
        while c.query.readableBytes > 0 {
            if c.flags.contains(.closeAfterReply) || c.flags.contains(.closeASAP) { break }
            let r = c.parseRequest()
            if r != .complete { break }
            if c.argc == 0 { c.resetRequest(); continue }
            if pausedUntilMs != 0 && commandIsPaused(c) {
                // Keep the parsed command; it runs when the pause ends (Redis's
                // blockPostponeClient). Nothing more is parsed meanwhile.
                c.flags.insert(.postponed)
                pausedClients.append(c)
                return
            }
            runParsedCommand(c)
            if clientsByFd[Int(c.fd)] !== c { return }  // freed while executing (QUIT etc.)
        }
        if c.query.readIndex == c.query.writeIndex && c.requestType == .unknown {
            c.query.readIndex = 0
            c.query.writeIndex = 0
        }
        // Nothing left to send (replies off): close now rather than never.
        if c.flags.contains(.closeAfterReply) && c.reply.readableBytes == 0 && !c.queuedForWrite {
            freeClientAsync(c)
        }
    }

    @inline(__always) func runParsedCommand(_ c: Client) {
        processCommand(c)
        c.resetRequest()
        // CLIENT REPLY SKIP silences exactly the next command's reply.
        if c.flags.contains(.replySkip) { c.flags.remove(.replySkip) }
        if c.flags.contains(.replySkipNext) { c.flags.remove(.replySkipNext); c.flags.insert(.replySkip) }
    }

    /// CLIENT PAUSE: ALL holds every command, WRITE the ones that may write or
    /// replicate; an expired pause is lifted here.
    func commandIsPaused(_ c: Client) -> Bool {
        if c.flags.contains(.fake) { return false }
        if mstime >= pausedUntilMs { unpauseClients(); return false }
        if !pauseWritesOnly { return true }
        guard let top = commands.lookup(c.arg(0)) else { return false }
        let cmd = commands.resolveSubcommand(top, c)
        return cmd.flags.contains(.write) || cmd.flags.contains(.mayReplicate)
    }

    /// While clients are paused the dataset must not change under them (a failover
    /// relies on that): expired keys read as missing but are not deleted, as on a replica.
    func setExpiryFrozen(_ frozen: Bool) {
        keyspace.deleteExpiredOnAccess = !frozen
    }

    public func pauseClients(untilMs: Int64, writesOnly: Bool) {
        if untilMs <= mstime {
            // A pause that is already over (CLIENT PAUSE 0) changes nothing.
            if pausedUntilMs != 0 && mstime >= pausedUntilMs { unpauseClients() }
            return
        }
        setExpiryFrozen(true)
        // A later pause extends, never shortens; ALL beats WRITE (as Redis).
        if pausedUntilMs != 0 && mstime < pausedUntilMs {
            if untilMs > pausedUntilMs { pausedUntilMs = untilMs }
            if !writesOnly { pauseWritesOnly = false }
        } else {
            pausedUntilMs = untilMs
            pauseWritesOnly = writesOnly
        }
    }

    public func unpauseClients() {
        pausedUntilMs = 0
        setExpiryFrozen(false)
        let held = pausedClients
        pausedClients.removeAll()
        for c in held where clientsByFd[Int(c.fd)] === c {
            c.flags.remove(.postponed)
            runParsedCommand(c)
            if clientsByFd[Int(c.fd)] === c { processInputBuffer(c) }
        }
    }

    // MARK: - Writing

    /// Before-sleep pass: one write per client that has replies queued.
    func handleClientsWithPendingWrites() {
        if clientsPendingWrite.isEmpty { return }
        // Writing never queues more clients, so the array is stable while we walk it;
        // emptying it afterwards keeps its storage (no allocation per loop turn).
        var i = 0
        while i < clientsPendingWrite.count {
            let c = clientsPendingWrite[i]
            i += 1
            c.queuedForWrite = false
            if clientsByFd[Int(c.fd)] !== c { continue }
            writeToClient(c)
        }
        clientsPendingWrite.removeAll(keepingCapacity: true)
    }

    func writeToClient(_ c: Client) {
        while c.reply.readableBytes > 0 {
            let n = Glibc.write(c.fd, c.reply.base + c.reply.readIndex, c.reply.readableBytes)
            if n < 0 {
                let e = apus_errno()
                if e == EINTR { continue }
                if e == EAGAIN || e == EWOULDBLOCK { break }
                log(.verbose, "Error writing to client: \(String(cString: strerror(e)))")
                freeClient(c)
                return
            }
            c.reply.readIndex += n
            c.totalNetOutput += n
            statNetOutput += n
        }
        statIoWritesProcessed += 1
        if c.reply.readableBytes == 0 {
            c.reply.readIndex = 0
            c.reply.writeIndex = 0
            c.softLimitReachedAt = 0
            if c.flags.contains(.writeHandlerInstalled) {
                c.flags.remove(.writeHandlerInstalled)
                loop.modify(fd: c.fd, mask: .readable, token: Token.make(kind: .client, registration: c.registration, fd: c.fd))
            }
            if c.flags.contains(.closeAfterReply) { freeClient(c) }
        } else if closeClientOnOutputBufferLimitReached(c) {
            freeClient(c)   // not inside a command: close now
        } else if !c.flags.contains(.writeHandlerInstalled) {
            c.flags.insert(.writeHandlerInstalled)
            loop.modify(fd: c.fd, mask: [.readable, .writable], token: Token.make(kind: .client, registration: c.registration, fd: c.fd))
        }
    }

    // MARK: - Closing

    public func freeClient(_ c: Client) {
        guard Int(c.fd) < clientsByFd.count, clientsByFd[Int(c.fd)] === c else { return }
        loop.remove(fd: c.fd)
        close(c.fd)
        clientsByFd[Int(c.fd)] = nil
        if let i = clientList.firstIndex(where: { $0 === c }) { clientList.remove(at: i) }
        if c.flags.contains(.monitor), let i = monitors.firstIndex(where: { $0 === c }) { monitors.remove(at: i) }
        if let i = pausedClients.firstIndex(where: { $0 === c }) { pausedClients.remove(at: i) }
        c.flags.insert(.closeASAP)
    }

    /// Closes a client from inside a command (CLIENT KILL of another client, QUIT): the
    /// actual close waits until the current command returned.
    public func freeClientAsync(_ c: Client) {
        c.flags.insert(.closeASAP)
        clientsToClose.append(c)
    }

    func beforeSleep() {
        if !clientsToClose.isEmpty {
            let l = clientsToClose
            clientsToClose.removeAll()
            for c in l { freeClient(c) }
        }
        if !pausedClients.isEmpty && (pausedUntilMs == 0 || mstime >= pausedUntilMs) { unpauseClients() }
        handleClientsWithPendingWrites()
        // After the writes: a save's slice never delays the replies of this turn.
        snapshotBeforeSleep()
    }

    // MARK: - Errors and statistics

    /// Counts an error reply for INFO errorstats (keyed by its first word, as Redis).
    func noteError(_ full: [UInt8]) {
        statTotalErrorReplies += 1
        errorRepliedDuringCommand = true
        let end = full.firstIndex(of: 32) ?? full.count
        let code = String(decoding: full[0..<end], as: UTF8.self)
        if errorStats[code] == nil && errorStats.count >= 128 {
            // Redis stops tracking new error codes past 128 to bound memory.
            return
        }
        errorStats[code, default: 0] += 1
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

enum TokenKind: UInt64 { case listener = 0, client = 1, notify = 2 }

enum Token {
    @inline(__always) static func make(kind: TokenKind, registration: UInt32, fd: Int32) -> UInt64 {
        (kind.rawValue << 62) | (UInt64(registration & 0x3FFF_FFFF) << 32) | UInt64(UInt32(bitPattern: fd))
    }
    @inline(__always) static func split(_ t: UInt64) -> (TokenKind, UInt32, Int32) {
        (TokenKind(rawValue: t >> 62) ?? .client, UInt32((t >> 32) & 0x3FFF_FFFF), Int32(bitPattern: UInt32(t & 0xFFFF_FFFF)))
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
