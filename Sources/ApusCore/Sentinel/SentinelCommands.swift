// The commands of a sentinel: SENTINEL and its subcommands, and the sentinel's own
// INFO, ROLE and PUBLISH (which accepts only hellos). Replies have Redis's shapes:
// instances are maps whose values are all bulk strings, in RESP2 and RESP3 alike.

import Glibc

enum SentinelCommands {
    /// The handlers of a sentinel's command table: the commands Redis 7.0 marks as
    /// available in sentinel mode, with ROLE and PUBLISH replaced (INFO shows the
    /// sentinel's sections by itself).
    static func handlers(from all: [String: CommandHandler]) -> [String: CommandHandler] {
        let kept = ["ping", "auth", "hello", "acl", "client", "command", "subscribe", "unsubscribe", "psubscribe",
                    "punsubscribe", "shutdown", "info"]
        var h = all.filter { entry in
            let top = entry.key.split(separator: "|").first.map(String.init) ?? entry.key
            return kept.contains(top)
        }
        h["client|no-evict"] = nil   // not marked for sentinels in 7.0
        h["role"] = role
        h["publish"] = publish
        let sub: [String: CommandHandler] = [
            "ckquorum": ckquorum, "config": config, "debug": debug, "failover": failover, "flushconfig": flushconfig,
            "get-master-addr-by-name": getMasterAddr, "help": help, "info-cache": infoCache,
            "is-master-down-by-addr": isMasterDown, "master": master, "masters": masters, "monitor": monitor,
            "myid": myid, "pending-scripts": pendingScripts, "remove": remove, "replicas": replicas, "reset": reset,
            "sentinels": sentinels, "set": set, "simulate-failure": simulateFailure, "slaves": replicas,
        ]
        for (k, v) in sub { h["sentinel|" + k] = v }
        return h
    }

    private static func s(_ c: Client) -> Sentinel { c.server.sentinel! }

    private static func masterOrReply(_ c: Client, _ i: Int) -> SentinelInstance? {
        if let m = s(c).master(named: c.argString(i)) { return m }
        c.addReplyError("ERR No such master with that name")
        return nil
    }

    // MARK: - Instance maps

    static func addInstance(_ c: Client, _ ri: SentinelInstance, _ s: Sentinel) {
        let now = s.now
        var f: [(String, String)] = []
        f.append(("name", ri.name))
        f.append(("ip", s.shown(ri)))
        f.append(("port", String(ri.port)))
        f.append(("runid", ri.runId ?? ""))
        var flags: [String] = []
        for (flag, name) in SentinelFlags.names where ri.flags.contains(flag) { flags.append(name) }
        if ri.link.disconnected { flags.append("disconnected") }
        let more: [(SentinelFlags, String)] = [
            (.masterDown, "master_down"), (.failoverInProgress, "failover_in_progress"), (.promoted, "promoted"),
            (.reconfSent, "reconf_sent"), (.reconfInProgress, "reconf_inprog"), (.reconfDone, "reconf_done"),
            (.forceFailover, "force_failover"), (.scriptKillSent, "script_kill_sent"),
        ]
        for (flag, name) in more where ri.flags.contains(flag) { flags.append(name) }
        f.append(("flags", flags.joined(separator: ",")))
        f.append(("link-pending-commands", String(ri.link.pendingCommands)))
        f.append(("link-refcount", "1"))
        if ri.flags.contains(.failoverInProgress) { f.append(("failover-state", ri.failoverState.name)) }
        f.append(("last-ping-sent", String(ri.link.actPingTime != 0 ? now - ri.link.actPingTime : 0)))
        f.append(("last-ok-ping-reply", String(now - ri.link.lastAvailTime)))
        f.append(("last-ping-reply", String(now - ri.link.lastPongTime)))
        if ri.flags.contains(.sDown) { f.append(("s-down-time", String(now - ri.sDownSinceTime))) }
        if ri.flags.contains(.oDown) { f.append(("o-down-time", String(now - ri.oDownSinceTime))) }
        f.append(("down-after-milliseconds", String(ri.downAfterPeriod)))
        if !ri.isSentinel {
            f.append(("info-refresh", String(ri.infoRefresh != 0 ? now - ri.infoRefresh : 0)))
            f.append(("role-reported", ri.roleReported == .master ? "master" : "slave"))
            f.append(("role-reported-time", String(now - ri.roleReportedTime)))
        }
        if ri.isMaster, let m = ri.settings {
            f.append(("config-epoch", String(ri.configEpoch)))
            f.append(("num-slaves", String(ri.replicas.count)))
            f.append(("num-other-sentinels", String(ri.sentinels.count)))
            f.append(("quorum", String(m.quorum)))
            f.append(("failover-timeout", String(m.failoverTimeoutMs)))
            f.append(("parallel-syncs", String(m.parallelSyncs)))
            if let n = m.notificationScript { f.append(("notification-script", n)) }
            if let n = m.clientReconfigScript { f.append(("client-reconfig-script", n)) }
        }
        if ri.isReplica {
            f.append(("master-link-down-time", String(ri.masterLinkDownTime)))
            f.append(("master-link-status", ri.replicaMasterLinkUp ? "ok" : "err"))
            f.append(("master-host", ri.replicaMasterHost ?? "?"))
            f.append(("master-port", String(ri.replicaMasterPort)))
            f.append(("slave-priority", String(ri.replicaPriority)))
            f.append(("slave-repl-offset", String(ri.replicaReplOffset)))
            f.append(("replica-announced", ri.replicaAnnounced ? "1" : "0"))
        }
        if ri.isSentinel {
            f.append(("last-hello-message", String(now - ri.lastHelloTime)))
            f.append(("voted-leader", ri.leader ?? "?"))
            f.append(("voted-leader-epoch", String(ri.leaderEpoch)))
        }
        c.addReplyMapLen(f.count)
        for (k, v) in f {
            c.addReplyBulkString(k)
            c.addReplyBulkString(v)
        }
    }

    static func addInstances(_ c: Client, _ list: [SentinelInstance]) {
        let shown = list.filter { !$0.isReplica || $0.replicaAnnounced }
        c.addReplyArrayLen(shown.count)
        for ri in shown { addInstance(c, ri, s(c)) }
    }

    // MARK: - SENTINEL subcommands

    static func masters(_ c: Client) { addInstances(c, s(c).masters) }

    static func master(_ c: Client) {
        guard let m = masterOrReply(c, 2) else { return }
        addInstance(c, m, s(c))
    }

    static func replicas(_ c: Client) {
        guard let m = masterOrReply(c, 2) else { return }
        addInstances(c, m.replicas)
    }

    static func sentinels(_ c: Client) {
        guard let m = masterOrReply(c, 2) else { return }
        addInstances(c, m.sentinels)
    }

    static func myid(_ c: Client) { c.addReplyBulkString(s(c).myid) }

    static func isMasterDown(_ c: Client) {
        guard let port = c.argIntOrReply(3), let epoch = c.argIntOrReply(4) else { return }
        let st = s(c)
        let host = c.argString(2)
        let ri = st.masters.first { st.sameAddress($0, host, Int(port)) }
        let down = !st.tilt && ri != nil && ri!.flags.contains(.sDown)
        var leader: String?
        var leaderEpoch: UInt64 = 0
        let runid = c.argString(5)
        if let m = ri, runid != "*" {
            (leader, leaderEpoch) = st.voteLeader(m, epoch: UInt64(max(epoch, 0)), runId: runid)
        }
        c.addReplyArrayLen(3)
        c.addReplyInteger(down ? 1 : 0)
        c.addReplyBulkString(leader ?? "*")
        c.addReplyInteger(Int64(leaderEpoch))
    }

    static func reset(_ c: Client) {
        let st = s(c)
        let pattern = c.argBytes(2)
        var n = 0
        for m in st.masters where Glob.match(pattern, m.name) {
            st.resetMaster(m, keepSentinels: false, generateEvent: true)
            n += 1
        }
        c.addReplyInteger(n)
    }

    static func getMasterAddr(_ c: Client) {
        guard let m = s(c).master(named: c.argString(2)) else {
            c.addReplyRaw(c.resp >= 3 ? "_\r\n" : "*-1\r\n")
            return
        }
        let a = m.currentAddress
        c.addReplyArrayLen(2)
        c.addReplyBulkString(s(c).shown(a))
        c.addReplyBulkString(String(a.port))
    }

    static func failover(_ c: Client) {
        guard let m = masterOrReply(c, 2) else { return }
        let st = s(c)
        if m.flags.contains(.failoverInProgress) {
            c.addReplyError("INPROG Failover already in progress")
            return
        }
        if st.selectReplica(m) == nil {
            c.addReplyError("NOGOODSLAVE No suitable replica to promote")
            return
        }
        c.server.log(.warning, "Executing user requested FAILOVER of '\(m.name)'")
        st.startFailover(m)
        m.flags.insert(.forceFailover)
        c.addReplyOK()
    }

    static func pendingScripts(_ c: Client) { s(c).scripts.reply(c, now: s(c).now) }

    static func monitor(_ c: Client) {
        let st = s(c)
        guard let quorum = c.argInt64(5) else { c.addReplyError("ERR Invalid quorum"); return }
        guard let port = c.argInt64(4) else { c.addReplyError("ERR Invalid port"); return }
        if quorum <= 0 {
            c.addReplyError("ERR Quorum must be 1 or greater.")
            return
        }
        let host = c.argString(3)
        if st.resolve(host) == nil {
            c.addReplyError("ERR Invalid IP address or hostname specified")
            return
        }
        let name = c.argString(2)
        if let e = st.settings.apply(["monitor", name, host, String(port), String(quorum)]) {
            c.addReplyError("ERR " + e)
            return
        }
        let settings = st.settings.master(named: name)!
        let m = SentinelInstance(flags: .master, name: name, host: host, ip: st.resolve(host) ?? "", port: Int(port),
                                 master: nil, settings: settings, now: st.now, defaultDownAfter: st.timing.defaultDownAfter)
        settings.downAfterMs = st.timing.defaultDownAfter
        settings.failoverTimeoutMs = st.timing.defaultFailoverTimeout
        m.downAfterPeriod = settings.downAfterMs
        st.masters.append(m)
        st.flushConfigAndReply(c)
        st.event(.warning, "+monitor", m, " quorum \(m.quorum)")
    }

    static func flushconfig(_ c: Client) { s(c).flushConfigAndReply(c) }

    static func remove(_ c: Client) {
        guard let m = masterOrReply(c, 2) else { return }
        let st = s(c)
        st.event(.warning, "-monitor", m)
        for r in m.replicas { st.dropLinks(r) }
        for x in m.sentinels { st.dropLinks(x) }
        st.dropLinks(m)
        st.masters.removeAll { $0 === m }
        st.settings.remove(named: m.name)
        st.flushConfigAndReply(c)
    }

    static func ckquorum(_ c: Client) {
        guard let m = masterOrReply(c, 2) else { return }
        let usable = 1 + m.sentinels.filter { $0.flags.isDisjoint(with: [.sDown, .oDown]) }.count
        let voters = m.sentinels.count + 1
        let noQuorum = usable < m.quorum
        let noAuth = usable < voters / 2 + 1
        if !noQuorum && !noAuth {
            c.addReplyStatus("OK \(usable) usable Sentinels. Quorum and failover authorization can be reached")
            return
        }
        var e = "NOQUORUM \(usable) usable Sentinels. "
        if noQuorum { e += "Not enough available Sentinels to reach the specified quorum for this master" }
        if noAuth {
            if noQuorum { e += ". " }
            e += "Not enough available Sentinels to reach the majority and authorize a failover"
        }
        c.addReplyError(e)
    }

    static func set(_ c: Client) {
        guard let m = masterOrReply(c, 2), let ms = m.settings else { return }
        let st = s(c)
        var changes = 0
        var j = 3
        func done() { if changes > 0 { st.flushConfig() } }
        while j < c.argc {
            let option = c.argString(j)
            let lower = option.lowercased()
            let more = c.argc - 1 - j
            let start = j
            var redacted = false
            func badArg(_ k: Int) {
                c.addReplyError("ERR Invalid argument '\(c.argString(k))' for SENTINEL SET '\(option)'")
                done()
            }
            func positive(_ k: Int, allowZero: Bool = false) -> Int64? {
                guard let v = c.argInt64(k), allowZero ? v >= 0 : v > 0 else { return nil }
                return v
            }
            switch lower {
            case "down-after-milliseconds" where more > 0:
                j += 1
                guard let v = positive(j) else { badArg(j); return }
                ms.downAfterMs = v
                m.downAfterPeriod = v
                for r in m.replicas + m.sentinels { r.downAfterPeriod = v }
            case "failover-timeout" where more > 0:
                j += 1
                guard let v = positive(j) else { badArg(j); return }
                ms.failoverTimeoutMs = v
            case "parallel-syncs" where more > 0:
                j += 1
                guard let v = positive(j) else { badArg(j); return }
                ms.parallelSyncs = Int(v)
            case "notification-script" where more > 0, "client-reconfig-script" where more > 0:
                j += 1
                let value = c.argString(j)
                if st.settings.denyScriptsReconfig {
                    c.addReplyError("ERR Reconfiguration of scripts path is denied for security reasons. Check the deny-scripts-reconfig configuration directive in your Sentinel configuration")
                    done()
                    return
                }
                if !value.isEmpty && access(value, X_OK) == -1 {
                    c.addReplyError(lower == "notification-script"
                                    ? "ERR Notification script seems non existing or non executable"
                                    : "ERR Client reconfiguration script seems non existing or non executable")
                    done()
                    return
                }
                if lower == "notification-script" {
                    ms.notificationScript = value.isEmpty ? nil : value
                } else {
                    ms.clientReconfigScript = value.isEmpty ? nil : value
                }
            case "auth-pass" where more > 0:
                j += 1
                ms.authPass = c.argString(j).isEmpty ? nil : c.argString(j)
                st.dropLinks(m)
                for r in m.replicas { st.dropLinks(r) }
                redacted = true
            case "auth-user" where more > 0:
                j += 1
                ms.authUser = c.argString(j).isEmpty ? nil : c.argString(j)
                st.dropLinks(m)
                for r in m.replicas { st.dropLinks(r) }
            case "quorum" where more > 0:
                j += 1
                guard let v = positive(j) else { badArg(j); return }
                ms.quorum = Int(v)
            case "rename-command" where more > 1:
                let from = c.argString(j + 1)
                let to = c.argString(j + 2)
                j += 2
                if from.isEmpty || to.isEmpty { badArg(to.isEmpty ? j : j - 1); return }
                ms.renamedCommands.removeAll { $0.from.lowercased() == from.lowercased() }
                if from.lowercased() != to.lowercased() { ms.renamedCommands.append((from, to)) }
            case "master-reboot-down-after-period" where more > 0:
                j += 1
                guard let v = positive(j, allowZero: true) else { badArg(j); return }
                ms.masterRebootDownAfterMs = v
            default:
                c.addReplyError("ERR Unknown option or number of arguments for SENTINEL SET '\(option)'")
                done()
                return
            }
            changes += 1
            switch j - start + 1 {
            case 2: st.event(.warning, "+set", m, " \(option) \(redacted ? "******" : c.argString(start + 1))")
            case 3: st.event(.warning, "+set", m, " \(option) \(c.argString(start + 1)) \(c.argString(start + 2))")
            default: st.event(.warning, "+set", m, " \(option)")
            }
            j += 1
        }
        if changes > 0 { st.flushConfigAndReply(c) }
    }

    static func config(_ c: Client) {
        let st = s(c)
        let op = c.argLowercased(2)
        if op == "set" && c.argc == 5 {
            let o = c.argLowercased(3)
            let v = c.argString(4)
            var dropLinks = false
            func bad() { c.addReplyError("ERR Invalid value '\(v)' to SENTINEL CONFIG SET '\(c.argString(3))'") }
            switch o {
            case "resolve-hostnames", "announce-hostnames":
                guard let b = SentinelSettings.yesNo(v) else { bad(); return }
                if o == "resolve-hostnames" { st.settings.resolveHostnames = b } else { st.settings.announceHostnames = b }
            case "announce-ip":
                st.settings.announceIP = v.isEmpty ? nil : v
            case "announce-port":
                guard let p = Int(v), p >= 0 && p <= 65535 else { bad(); return }
                st.settings.announcePort = p
            case "sentinel-user":
                st.settings.sentinelUser = v.isEmpty ? nil : v
                dropLinks = true
            case "sentinel-pass":
                st.settings.sentinelPass = v.isEmpty ? nil : v
                dropLinks = true
            default:
                c.addReplyError("ERR Invalid argument '\(c.argString(3))' to SENTINEL CONFIG SET")
                return
            }
            st.flushConfigAndReply(c)
            if dropLinks { st.dropAllLinks() }
        } else if op == "get" && c.argc == 4 {
            let pattern = c.argBytes(3)
            let values: [(String, String)] = [
                ("resolve-hostnames", st.settings.resolveHostnames ? "yes" : "no"),
                ("announce-hostnames", st.settings.announceHostnames ? "yes" : "no"),
                ("announce-ip", st.settings.announceIP ?? ""),
                ("announce-port", String(st.settings.announcePort)),
                ("sentinel-user", st.settings.sentinelUser ?? ""),
                ("sentinel-pass", st.settings.sentinelPass ?? ""),
            ]
            let matched = values.filter { Glob.match(pattern, $0.0, nocase: true) }
            c.addReplyMapLen(matched.count)
            for (k, v) in matched {
                c.addReplyBulkString(k)
                c.addReplyBulkString(v)
            }
        } else {
            c.addReplyError("ERR Only SENTINEL CONFIG GET <option> / SET <option> <value> are supported.")
        }
    }

    static func infoCache(_ c: Client) {
        let st = s(c)
        var chosen = st.masters
        if c.argc > 2 {
            var names: [String] = []
            for i in 2..<c.argc { names.append(c.argString(i)) }
            chosen = st.masters.filter { names.contains($0.name) }
        }
        c.addReplyArrayLen(chosen.count * 2)
        for m in chosen {
            c.addReplyBulkString(m.name)
            c.addReplyArrayLen(m.replicas.count + 1)
            for ri in [m] + m.replicas {
                c.addReplyArrayLen(2)
                // 7.0 tests the master's refresh time for every entry; kept as is.
                c.addReplyInteger(m.infoRefresh != 0 ? st.now - ri.infoRefresh : 0)
                if let i = ri.info { c.addReplyBulkString(i) } else { c.addReplyNull() }
            }
        }
    }

    static func simulateFailure(_ c: Client) {
        let st = s(c)
        st.simFailureFlags = 0
        for i in 2..<c.argc {
            switch c.argLowercased(i) {
            case "crash-after-election":
                st.simFailureFlags |= 1
                c.server.log(.warning, "Failure simulation: this Sentinel will crash after being successfully elected as failover leader")
            case "crash-after-promotion":
                st.simFailureFlags |= 2
                c.server.log(.warning, "Failure simulation: this Sentinel will crash after promoting the selected replica to master")
            case "help":
                c.addReplyArrayLen(2)
                c.addReplyBulkString("crash-after-election")
                c.addReplyBulkString("crash-after-promotion")
                return
            default:
                c.addReplyError("ERR Unknown failure simulation specified")
                return
            }
        }
        c.addReplyOK()
    }

    static let debugParameters: [(String, WritableKeyPath<Sentinel.Timing, Int64>)] = [
        ("info-period", \.infoPeriod), ("ping-period", \.pingPeriod), ("ask-period", \.askPeriod),
        ("publish-period", \.publishPeriod), ("default-down-after", \.defaultDownAfter),
        ("tilt-trigger", \.tiltTrigger), ("tilt-period", \.tiltPeriod),
        ("slave-reconf-timeout", \.replicaReconfTimeout), ("min-link-reconnect-period", \.minLinkReconnectPeriod),
        ("default-failover-timeout", \.defaultFailoverTimeout), ("election-timeout", \.electionTimeout),
        ("script-max-runtime", \.scriptMaxRuntime), ("script-retry-delay", \.scriptRetryDelay),
    ]

    static func debug(_ c: Client) {
        let st = s(c)
        if c.argc == 2 {
            c.addReplyMapLen(debugParameters.count)
            for (name, path) in debugParameters {
                c.addReplyBulkString(name.uppercased())
                c.addReplyBulkString(String(st.timing[keyPath: path]))
            }
            return
        }
        var j = 2
        while j < c.argc {
            let option = c.argString(j)
            guard let p = debugParameters.first(where: { $0.0 == option.lowercased() }), c.argc - 1 - j > 0 else {
                c.addReplyError("ERR Unknown option or number of arguments for SENTINEL DEBUG '\(option)'")
                return
            }
            j += 1
            guard let v = c.argInt64(j), v > 0 else {
                c.addReplyError("ERR Invalid argument '\(c.argString(j))' for SENTINEL DEBUG '\(option)'")
                return
            }
            st.timing[keyPath: p.1] = v
            j += 1
        }
        c.addReplyOK()
    }

    static func help(_ c: Client) {
        c.addReplyHelp([
            "CKQUORUM <master-name>",
            "    Tell whether the sentinels that are reachable now can reach the quorum and authorize a failover.",
            "CONFIG SET <param> <value>",
            "    Change a global sentinel setting.",
            "CONFIG GET <param>",
            "    Read global sentinel settings matching a pattern.",
            "DEBUG [<param> <value> ...]",
            "    List the timing parameters (milliseconds), or change some of them.",
            "GET-MASTER-ADDR-BY-NAME <master-name>",
            "    Address (ip and port) of the current master of that name.",
            "FAILOVER <master-name>",
            "    Fail the master over now, without an election.",
            "FLUSHCONFIG",
            "    Write the sentinel's state to its configuration file.",
            "INFO-CACHE <master-name>",
            "    The last INFO replies stored for the master and its replicas.",
            "IS-MASTER-DOWN-BY-ADDR <ip> <port> <current-epoch> <runid>",
            "    Whether this sentinel sees that master down; with a run id, also ask for its vote.",
            "MASTER <master-name>",
            "    State of one monitored master.",
            "MASTERS",
            "    State of every monitored master.",
            "MONITOR <name> <ip> <port> <quorum>",
            "    Start monitoring a master.",
            "MYID",
            "    This sentinel's id.",
            "PENDING-SCRIPTS",
            "    Scripts waiting to run or running.",
            "REMOVE <master-name>",
            "    Stop monitoring a master.",
            "REPLICAS <master-name>",
            "    State of the replicas of a master.",
            "RESET <pattern>",
            "    Forget the learned state of the masters whose names match the pattern.",
            "SENTINELS <master-name>",
            "    State of the other sentinels watching a master.",
            "SET <master-name> <option> <value> [<option> <value> ...]",
            "    Change settings of a monitored master.",
            "SIMULATE-FAILURE [CRASH-AFTER-ELECTION] [CRASH-AFTER-PROMOTION] [HELP]",
            "    Make this sentinel crash at a step of its next failover.",
        ])
    }

    // MARK: - INFO section, ROLE, PUBLISH

    /// The `# Sentinel` section.
    static func infoSection(_ st: Sentinel) -> String {
        var out = "# Sentinel\r\n"
        out += "sentinel_masters:\(st.masters.count)\r\n"
        out += "sentinel_tilt:\(st.tilt ? 1 : 0)\r\n"
        out += "sentinel_tilt_since_seconds:\(st.tilt ? (st.now - st.tiltStartTime) / 1000 : -1)\r\n"
        out += "sentinel_running_scripts:\(st.scripts.runningCount)\r\n"
        out += "sentinel_scripts_queue_length:\(st.scripts.queue.count)\r\n"
        out += "sentinel_simulate_failure_flags:\(st.simFailureFlags)\r\n"
        for (i, m) in st.masters.enumerated() {
            let status = m.flags.contains(.oDown) ? "odown" : m.flags.contains(.sDown) ? "sdown" : "ok"
            out += "master\(i):name=\(m.name),status=\(status),address=\(st.shown(m)):\(m.port),"
                + "slaves=\(m.replicas.count),sentinels=\(m.sentinels.count + 1)\r\n"
        }
        return out
    }

    static func role(_ c: Client) {
        let st = s(c)
        c.addReplyArrayLen(2)
        c.addReplyBulkString("sentinel")
        c.addReplyArrayLen(st.masters.count)
        for m in st.masters { c.addReplyBulkString(m.name) }
    }

    /// Other sentinels may send their hello directly; nothing else is accepted.
    static func publish(_ c: Client) {
        guard c.argString(1) == Sentinel.helloChannel else {
            c.addReplyError("ERR Only HELLO messages are accepted by Sentinel instances.")
            return
        }
        s(c).processHello(c.argString(2))
        c.addReplyInteger(1)
    }
}
