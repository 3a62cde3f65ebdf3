// The sentinel (Redis's sentinel.c, the runtime half): the state of a server started
// with --sentinel or as apus-sentinel, its timer (run from the server cron at a
// randomized 10-19 Hz so that sentinels do not act in lockstep), TILT mode, events
// (logged, published on the sentinel's own pub/sub under their names, and handed to
// the notification script) and the configuration file as the sentinel's state.
// Links and monitoring are in Sentinel+Monitor.swift, failure detection and failover
// in Sentinel+Failover.swift, the commands in SentinelCommands.swift.

import Glibc
import CApusSys

public final class Sentinel {
    /// Timing parameters, in ms (SENTINEL DEBUG changes them, for tests).
    struct Timing {
        var infoPeriod: Int64 = 10_000
        var pingPeriod: Int64 = 1000
        var askPeriod: Int64 = 1000
        var publishPeriod: Int64 = 2000
        var defaultDownAfter: Int64 = 30_000
        var tiltTrigger: Int64 = 2000
        var tiltPeriod: Int64 = 30_000
        var replicaReconfTimeout: Int64 = 10_000
        var minLinkReconnectPeriod: Int64 = 15_000
        var electionTimeout: Int64 = 10_000
        var scriptMaxRuntime: Int64 = 60_000
        var scriptRetryDelay: Int64 = 30_000
        var defaultFailoverTimeout: Int64 = 180_000
    }

    static let helloChannel = "__sentinel__:hello"
    static let maxPendingCommands = 100
    static let maxDesync: Int64 = 1000

    unowned let server: Server
    let settings: SentinelSettings
    var timing = Timing()
    /// Monitored masters, in the order they were added.
    var masters: [SentinelInstance] = []
    var myid: String { settings.myid ?? "" }
    var currentEpoch: UInt64 {
        get { settings.currentEpoch }
        set { settings.currentEpoch = newValue }
    }
    var tilt = false
    var tiltStartTime: Int64 = 0
    var previousTime: Int64
    /// SENTINEL SIMULATE-FAILURE flags: 1 crash after election, 2 after promotion.
    var simFailureFlags = 0
    let scripts = SentinelScripts()

    /// Open links by registration id (the event token's registration field).
    final class LinkSlot {
        let link: OutgoingLink
        weak var instance: SentinelInstance?
        var mask: EventMask = [.readable, .writable]
        init(link: OutgoingLink, instance: SentinelInstance) {
            self.link = link
            self.instance = instance
        }
    }
    var slots: [UInt32: LinkSlot] = [:]
    var nextLinkId: UInt32 = 16

    init(server: Server, settings: SentinelSettings) {
        self.server = server
        self.settings = settings
        previousTime = server.mstime
        let now = server.mstime
        for m in settings.masters {
            let ri = SentinelInstance(flags: .master, name: m.name, host: m.host, ip: resolve(m.host) ?? "", port: m.port,
                                      master: nil, settings: m, now: now, defaultDownAfter: timing.defaultDownAfter)
            ri.configEpoch = m.configEpoch
            ri.leaderEpoch = m.leaderEpoch
            for r in m.knownReplicas { _ = addReplica(to: ri, host: r.host, port: r.port) }
            for s in m.knownSentinels where ri.sentinels.allSatisfy({ $0.name != s.runId }) {
                _ = addSentinel(to: ri, host: s.host, port: s.port, runId: s.runId)
            }
            masters.append(ri)
        }
    }

    var now: Int64 { server.mstime }

    func master(named name: String) -> SentinelInstance? { masters.first { $0.name == name } }

    /// A new replica of `master` unless one with that address exists (or the address
    /// is not usable: a bad port, a name without resolve-hostnames).
    @discardableResult
    func addReplica(to master: SentinelInstance, host: String, port: Int) -> SentinelInstance? {
        guard port >= 0 && port <= 65535, let ip = resolveForInstance(host) else { return nil }
        let shownHost = settings.announceHostnames ? host : ip
        let name = shownHost.contains(":") ? "[\(shownHost)]:\(port)" : "\(shownHost):\(port)"
        if master.replicas.contains(where: { $0.name == name }) { return nil }
        let r = SentinelInstance(flags: .replica, name: name, host: host, ip: ip, port: port, master: master,
                                 settings: nil, now: now, defaultDownAfter: timing.defaultDownAfter)
        master.replicas.append(r)
        return r
    }

    /// Another sentinel watching `master`, known by its run id.
    @discardableResult
    func addSentinel(to master: SentinelInstance, host: String, port: Int, runId: String) -> SentinelInstance? {
        guard port >= 0 && port <= 65535, let ip = resolveForInstance(host),
              !master.sentinels.contains(where: { $0.name == runId }) else { return nil }
        let s = SentinelInstance(flags: .sentinel, name: runId, host: host, ip: ip, port: port, master: master,
                                 settings: nil, now: now, defaultDownAfter: timing.defaultDownAfter)
        s.runId = runId
        master.sentinels.append(s)
        return s
    }

    // MARK: - Addresses

    /// An IP address as is; a name resolved only with resolve-hostnames.
    func resolve(_ host: String) -> String? {
        if SentinelSettings.isIPAddress(host) { return host }
        guard settings.resolveHostnames else { return nil }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var res: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &res) == 0, let first = res else { return nil }
        defer { freeaddrinfo(res) }
        var buf = [CChar](repeating: 0, count: 64)
        if first.pointee.ai_family == AF_INET6 {
            var a = first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr }
            inet_ntop(AF_INET6, &a, &buf, 64)
        } else {
            var a = first.pointee.ai_addr.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr }
            inet_ntop(AF_INET, &a, &buf, 64)
        }
        return String(cString: buf)
    }

    /// createSentinelAddr's rule: with resolve-hostnames a name that does not resolve
    /// yet is kept (ip ""), without it only IP addresses are accepted.
    func resolveForInstance(_ host: String) -> String? {
        if let ip = resolve(host) { return ip }
        if settings.resolveHostnames {
            server.log(.warning, "Failed to resolve hostname '\(host)'")
            return ""
        }
        return nil
    }

    /// The address shown in replies, events and hellos: the name with
    /// announce-hostnames, the IP otherwise.
    func shown(_ ri: SentinelInstance) -> String { settings.announceHostnames ? ri.host : ri.ip }

    /// Whether `host` (a name or an IP) designates `ri`'s address.
    func addressEquals(_ ri: SentinelInstance, _ host: String) -> Bool {
        if let ip = resolve(host) { return ip.lowercased() == ri.ip.lowercased() }
        return (settings.resolveHostnames ? ri.host : ri.ip).lowercased() == host.lowercased()
    }

    func sameAddress(_ ri: SentinelInstance, _ host: String, _ port: Int) -> Bool {
        guard ri.port == port else { return false }
        if let ip = resolve(host), ip == ri.ip { return true }
        return ri.host.lowercased() == host.lowercased()
    }

    // MARK: - Start

    /// sentinelIsRunning: a sentinel without an id makes one up and saves it at once;
    /// then one +monitor event per master.
    func start() {
        if settings.myid == nil {
            settings.myid = Server.randomHex(40)
            flushConfig()
        }
        server.log(.warning, "Sentinel ID is \(myid)")
        for m in masters { event(.warning, "+monitor", m, " quorum \(m.quorum)") }
    }

    // MARK: - Timer

    /// sentinelTimer: once per server cron tick.
    func timer() {
        checkTilt()
        var switchToPromoted: SentinelInstance?
        for m in masters {
            handleInstance(m)
            for r in m.replicas { handleInstance(r) }
            for s in m.sentinels { handleInstance(s) }
            if m.failoverState == .updateConfig { switchToPromoted = m }
        }
        if let m = switchToPromoted { switchToPromotedReplica(m) }
        scripts.run(self)
        syncLinkMasks()
    }

    /// sentinelHandleRedisInstance.
    func handleInstance(_ ri: SentinelInstance) {
        reconnect(ri)
        sendPeriodicCommands(ri)
        if tilt {
            if now - tiltStartTime < timing.tiltPeriod { return }
            tilt = false
            event(.warning, "-tilt", nil, "#tilt mode exited")
        }
        checkSubjectivelyDown(ri)
        if ri.isMaster {
            checkObjectivelyDown(ri)
            if startFailoverIfNeeded(ri) { askMasterStateToOtherSentinels(ri, forced: true) }
            failoverStateMachine(ri)
            askMasterStateToOtherSentinels(ri, forced: false)
        }
    }

    /// A clock that jumped back, or a loop that stalled for more than tilt-trigger,
    /// makes every timing observation suspect: TILT mode keeps monitoring but takes
    /// no action for tilt-period.
    func checkTilt() {
        let delta = now - previousTime
        if delta < 0 || delta > timing.tiltTrigger {
            tilt = true
            tiltStartTime = now
            event(.warning, "+tilt", nil, "#tilt mode entered")
        }
        previousTime = now
    }

    // MARK: - Events

    /// Logs, publishes and scripts an event. With an instance, the message starts
    /// with its description ("master mymaster 127.0.0.1 6379", plus "@ <master>" for
    /// replicas and sentinels) unless `plain`; `detail` follows as is.
    func event(_ level: LogLevel, _ type: String, _ ri: SentinelInstance?, _ detail: String = "", plain: Bool = false) {
        var msg = ""
        if let ri = ri, !plain {
            msg = "\(ri.typeName) \(ri.name) \(shown(ri)) \(ri.port)"
            if !ri.isMaster, let m = ri.master { msg += " @ \(m.name) \(shown(m)) \(m.port)" }
        }
        msg += detail
        server.log(level, "\(type) \(msg)")
        if level != .debug {
            let ch = Array(type.utf8)
            let payload = Array(msg.utf8)
            ch.withUnsafeBytes { c in
                payload.withUnsafeBytes { p in _ = server.pubsub.publish(channel: c, message: p, shard: false) }
            }
        }
        if level == .warning, let ri = ri, let script = ri.owner.settings?.notificationScript {
            scripts.schedule(script, [type, msg])
        }
    }

    // MARK: - Configuration file

    /// Copies the runtime facts (addresses, epochs, discovered instances) into the
    /// settings the configuration file is written from.
    func syncSettings() {
        for m in masters {
            guard let s = m.settings else { continue }
            let cur = m.currentAddress
            s.host = shown(cur)
            s.port = cur.port
            s.configEpoch = m.configEpoch
            s.leaderEpoch = m.leaderEpoch
            s.knownReplicas = m.replicas.map { r in
                // The promoted replica is the master now: the old master takes its line.
                let a = r === cur || (r.ip == cur.ip && r.port == cur.port) ? m : r
                return (shown(a), a.port)
            }
            s.knownSentinels = m.sentinels.compactMap { si in si.runId.map { (shown(si), si.port, $0) } }
        }
    }

    /// sentinelFlushConfig: rewrites the configuration file with the current state
    /// and fsyncs it; false (logged) on failure.
    @discardableResult
    func flushConfig() -> Bool {
        syncSettings()
        do {
            try ConfigFile.rewrite(path: server.configFileAbsolute, config: server.config, sentinel: settings)
        } catch {
            let text = (error as? ConfigRewriteError)?.message ?? "\(error)"
            server.log(.warning, "WARNING: Sentinel was not able to save the new configuration on disk!!!: \(text)")
            return false
        }
        server.log(.notice, "Sentinel new configuration saved on disk")
        return true
    }

    func flushConfigAndReply(_ c: Client) {
        if flushConfig() { c.addReplyOK() } else { c.addReplyError("ERR Failed to save config file. Check server logs.") }
    }

    // MARK: - Links on the event loop

    /// Opens a link to `ri`; nil (and a debug event) when the connect fails at once.
    func openLink(_ ri: SentinelInstance, pubsub: Bool) -> OutgoingLink? {
        let id = nextLinkId
        nextLinkId = nextLinkId >= 0x3FFF_FFF0 ? 16 : nextLinkId + 1
        let link = OutgoingLink(id: id)
        guard !ri.ip.isEmpty, link.connect(host: ri.ip, port: ri.port, nowMs: now) else {
            event(.debug, pubsub ? "-pubsub-link-reconnection" : "-cmd-link-reconnection", ri,
                  " #Failed to establish connection")
            return nil
        }
        let token = Token.make(kind: .replication, registration: id, fd: link.fd)
        do {
            try server.loop.add(fd: link.fd, mask: [.readable, .writable], token: token)
        } catch {
            link.close(reason: "\(error)")
            return nil
        }
        _ = fcntl(link.fd, F_SETFD, FD_CLOEXEC)
        slots[id] = LinkSlot(link: link, instance: ri)
        link.onClose = { [weak self, weak ri, unowned link] _ in
            self?.slots[link.id] = nil
            guard let ri = ri else { return }
            if ri.link.cc === link { ri.link.cc = nil }
            if ri.link.pc === link { ri.link.pc = nil }
            ri.link.disconnected = true
        }
        return link
    }

    /// Events for a link registration (from the server's dispatch).
    func linkEvent(registration: UInt32, fd: Int32, readable: Bool, writable: Bool) {
        guard let slot = slots[registration], slot.link.fd == fd else { return }
        slot.link.handle(readable: readable, writable: writable, nowMs: now)
        syncLinkMasks()
    }

    /// Asks for writable events only while a link has output queued (or connects).
    func syncLinkMasks() {
        for slot in slots.values where slot.link.fd >= 0 {
            let want: EventMask = slot.link.wantsWrite ? [.readable, .writable] : .readable
            if want != slot.mask {
                slot.mask = want
                server.loop.modify(fd: slot.link.fd, mask: want,
                                   token: Token.make(kind: .replication, registration: slot.link.id, fd: slot.link.fd))
            }
        }
    }

    /// Closes both links of an instance (it is reset, removed or must re-authenticate).
    func dropLinks(_ ri: SentinelInstance) {
        ri.link.cc?.close(reason: "dropped")
        ri.link.pc?.close(reason: "dropped")
    }

    /// Closes every link (new sentinel credentials); they reconnect on the next tick.
    func dropAllLinks() {
        for m in masters {
            dropLinks(m)
            for r in m.replicas { dropLinks(r) }
            for s in m.sentinels { dropLinks(s) }
        }
    }
}

extension Server {
    /// Turns this server into a sentinel for the masters `settings` lists.
    func startSentinel(_ settings: SentinelSettings) {
        let s = Sentinel(server: self, settings: settings)
        sentinel = s
        s.start()
    }
}
