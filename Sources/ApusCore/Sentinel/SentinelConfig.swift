// A sentinel's configuration is its state (Redis's sentinel.c, config half): the
// `sentinel …` directives of sentinel.conf build the masters it monitors with their
// settings, and the replicas, other sentinels and epochs it learned, written back by
// the sentinel itself, so that a restarted sentinel resumes where it was. This file
// holds that model, the directives with 7.0's error texts, and the lines a rewrite
// emits, in 7.0's order.

import Glibc

/// A master as the configuration describes it (the settings half of Redis's
/// sentinelRedisInstance for SRI_MASTER).
public final class MonitoredMaster {
    public let name: String
    /// The address the master has now (after a failover, the promoted replica's).
    public var host: String
    public var port: Int
    public var quorum: Int
    public var downAfterMs: Int64 = SentinelSettings.defaultDownAfterMs
    public var failoverTimeoutMs: Int64 = SentinelSettings.defaultFailoverTimeoutMs
    public var parallelSyncs = SentinelSettings.defaultParallelSyncs
    public var notificationScript: String?
    public var clientReconfigScript: String?
    public var authPass: String?
    public var authUser: String?
    public var masterRebootDownAfterMs: Int64 = 0
    public var configEpoch: UInt64 = 0
    public var leaderEpoch: UInt64 = 0
    /// Replicas known by address ("ip:port" order of discovery).
    public var knownReplicas: [(host: String, port: Int)] = []
    /// Other sentinels: address and run id.
    public var knownSentinels: [(host: String, port: Int, runId: String)] = []
    /// rename-command <from> <to>, in the order given.
    public var renamedCommands: [(from: String, to: String)] = []

    init(name: String, host: String, port: Int, quorum: Int) {
        self.name = name
        self.host = host
        self.port = port
        self.quorum = quorum
    }
}

/// The whole configuration state of a sentinel.
public final class SentinelSettings {
    static let defaultDownAfterMs: Int64 = 30_000
    static let defaultFailoverTimeoutMs: Int64 = 3 * 60 * 1000
    static let defaultParallelSyncs = 1

    /// sentinel myid: 40 hex characters, made up on first start and then kept.
    public var myid: String?
    public var currentEpoch: UInt64 = 0
    public var denyScriptsReconfig = true
    public var resolveHostnames = false
    public var announceHostnames = false
    public var announceIP: String?
    public var announcePort = 0
    public var sentinelUser: String?
    public var sentinelPass: String?
    /// Monitored masters, in the order they were added.
    public private(set) var masters: [MonitoredMaster] = []

    public init() {}

    public func master(named name: String) -> MonitoredMaster? { masters.first { $0.name == name } }

    /// SENTINEL REMOVE: the master and everything learned about it are forgotten.
    public func remove(named name: String) { masters.removeAll { $0.name == name } }

    /// `sentinel` lines are applied in three passes, as 7.0 does: the global settings
    /// that others depend on (ids, epochs, hostname handling, announce address,
    /// credentials) first, then the monitor lines, then everything else, so a file
    /// may list them in any order. Returns the first error with its line.
    public func apply(queued: [(args: [String], line: Int, text: String)]) -> (error: String, line: Int, text: String)? {
        let pre = ["announce-ip", "announce-port", "deny-scripts-reconfig", "sentinel-user", "sentinel-pass",
                   "current-epoch", "myid", "resolve-hostnames", "announce-hostnames"]
        func pass(_ e: (args: [String], line: Int, text: String)) -> Int {
            let op = e.args.first?.lowercased() ?? ""
            return op == "monitor" ? 1 : pre.contains(op) ? 0 : 2
        }
        for p in 0..<3 {
            for e in queued where pass(e) == p {
                if let err = apply(e.args) { return (err, e.line, e.text) }
            }
        }
        return nil
    }

    /// Applies one `sentinel <args…>` directive (args without the word "sentinel").
    /// Returns nil, or the error text 7.0's sentinelHandleConfiguration gives.
    public func apply(_ args: [String]) -> String? {
        guard let op = args.first?.lowercased() else { return "Unrecognized sentinel configuration statement." }
        let argc = args.count
        /// The master named by args[1] for the per-master directives.
        func named() -> MonitoredMaster? { master(named: args[1]) }
        let noMaster = "No such master with specified name."
        switch (op, argc) {
        case ("monitor", 5):
            let quorum = SentinelSettings.atoi(args[4])
            if quorum <= 0 { return "Quorum must be 1 or greater." }
            let port = SentinelSettings.atoi(args[3])
            if let e = addressError(args[2], port) { return e }
            if master(named: args[1]) != nil { return "Duplicate master name." }
            masters.append(MonitoredMaster(name: args[1], host: args[2], port: port, quorum: quorum))
        case ("down-after-milliseconds", 3):
            guard let m = named() else { return noMaster }
            m.downAfterMs = Int64(SentinelSettings.atoi(args[2]))
            if m.downAfterMs <= 0 { return "negative or zero time parameter." }
        case ("failover-timeout", 3):
            guard let m = named() else { return noMaster }
            m.failoverTimeoutMs = Int64(SentinelSettings.atoi(args[2]))
            if m.failoverTimeoutMs <= 0 { return "negative or zero time parameter." }
        case ("parallel-syncs", 3):
            guard let m = named() else { return noMaster }
            m.parallelSyncs = SentinelSettings.atoi(args[2])
        case ("notification-script", 3):
            guard let m = named() else { return noMaster }
            if access(args[2], X_OK) != 0 { return "Notification script seems non existing or non executable." }
            m.notificationScript = args[2]
        case ("client-reconfig-script", 3):
            guard let m = named() else { return noMaster }
            if access(args[2], X_OK) != 0 {
                return "Client reconfiguration script seems non existing or non executable."
            }
            m.clientReconfigScript = args[2]
        case ("auth-pass", 3):
            guard let m = named() else { return noMaster }
            m.authPass = args[2]
        case ("auth-user", 3):
            guard let m = named() else { return noMaster }
            m.authUser = args[2]
        case ("master-reboot-down-after-period", 3):
            guard let m = named() else { return noMaster }
            m.masterRebootDownAfterMs = Int64(SentinelSettings.atoi(args[2]))
            if m.masterRebootDownAfterMs < 0 { return "negative time parameter." }
        case ("current-epoch", 2):
            let e = UInt64(args[1]) ?? 0
            if e > currentEpoch { currentEpoch = e }
        case ("myid", 2):
            if args[1].utf8.count != 40 { return "Malformed Sentinel id in myid option." }
            myid = args[1]
        case ("config-epoch", 3):
            guard let m = named() else { return noMaster }
            m.configEpoch = UInt64(args[2]) ?? 0
            if m.configEpoch > currentEpoch { currentEpoch = m.configEpoch }
        case ("leader-epoch", 3):
            guard let m = named() else { return noMaster }
            m.leaderEpoch = UInt64(args[2]) ?? 0
        case ("known-slave", 4), ("known-replica", 4):
            guard let m = named() else { return noMaster }
            let port = SentinelSettings.atoi(args[3])
            if let e = addressError(args[2], port) { return e }
            if m.knownReplicas.contains(where: { $0.host == args[2] && $0.port == port }) {
                return "Duplicate hostname and port for replica."
            }
            m.knownReplicas.append((args[2], port))
        case ("known-sentinel", 4):
            break   // the old form without a run id is ignored, as 7.0 does
        case ("known-sentinel", 5):
            guard let m = named() else { return noMaster }
            let port = SentinelSettings.atoi(args[3])
            if let e = addressError(args[2], port) { return e }
            if m.knownSentinels.contains(where: { $0.runId == args[4] }) { return "Duplicate runid for sentinel." }
            m.knownSentinels.append((args[2], port, args[4]))
        case ("rename-command", 4):
            guard let m = named() else { return noMaster }
            if m.renamedCommands.contains(where: { $0.from.lowercased() == args[2].lowercased() }) {
                return "Same command renamed multiple times with rename-command."
            }
            m.renamedCommands.append((args[2], args[3]))
        case ("announce-ip", 2):
            if !args[1].isEmpty { announceIP = args[1] }
        case ("announce-port", 2):
            announcePort = SentinelSettings.atoi(args[1])
        case ("deny-scripts-reconfig", 2):
            guard let v = SentinelSettings.yesNo(args[1]) else {
                return "Please specify yes or no for the deny-scripts-reconfig options."
            }
            denyScriptsReconfig = v
        case ("sentinel-user", 2):
            if !args[1].isEmpty { sentinelUser = args[1] }
        case ("sentinel-pass", 2):
            if !args[1].isEmpty { sentinelPass = args[1] }
        case ("resolve-hostnames", 2):
            guard let v = SentinelSettings.yesNo(args[1]) else {
                return "Please specify yes or no for the resolve-hostnames option."
            }
            resolveHostnames = v
        case ("announce-hostnames", 2):
            guard let v = SentinelSettings.yesNo(args[1]) else {
                return "Please specify yes or no for the announce-hostnames option."
            }
            announceHostnames = v
        default:
            return "Unrecognized sentinel configuration statement."
        }
        return nil
    }

    /// The `sentinel …` lines a config rewrite writes, in 7.0's order: identity and
    /// global switches, then per master its monitor line, the settings that differ
    /// from the defaults, its epochs, known replicas and sentinels, renamed commands;
    /// then the current epoch and the announce settings.
    public func rewriteLines() -> [String] {
        var out: [String] = []
        if let id = myid { out.append("sentinel myid \(id)") }
        if denyScriptsReconfig != true { out.append("sentinel deny-scripts-reconfig no") }
        if resolveHostnames { out.append("sentinel resolve-hostnames yes") }
        if announceHostnames { out.append("sentinel announce-hostnames yes") }
        for m in masters {
            out.append("sentinel monitor \(m.name) \(m.host) \(m.port) \(m.quorum)")
            if m.downAfterMs != SentinelSettings.defaultDownAfterMs {
                out.append("sentinel down-after-milliseconds \(m.name) \(m.downAfterMs)")
            }
            if m.failoverTimeoutMs != SentinelSettings.defaultFailoverTimeoutMs {
                out.append("sentinel failover-timeout \(m.name) \(m.failoverTimeoutMs)")
            }
            if m.parallelSyncs != SentinelSettings.defaultParallelSyncs {
                out.append("sentinel parallel-syncs \(m.name) \(m.parallelSyncs)")
            }
            if let s = m.notificationScript { out.append("sentinel notification-script \(m.name) \(s)") }
            if let s = m.clientReconfigScript { out.append("sentinel client-reconfig-script \(m.name) \(s)") }
            if let p = m.authPass { out.append("sentinel auth-pass \(m.name) \(p)") }
            if let u = m.authUser { out.append("sentinel auth-user \(m.name) \(u)") }
            if m.masterRebootDownAfterMs != 0 {
                out.append("sentinel master-reboot-down-after-period \(m.name) \(m.masterRebootDownAfterMs)")
            }
            out.append("sentinel config-epoch \(m.name) \(m.configEpoch)")
            out.append("sentinel leader-epoch \(m.name) \(m.leaderEpoch)")
            for r in m.knownReplicas { out.append("sentinel known-replica \(m.name) \(r.host) \(r.port)") }
            for s in m.knownSentinels { out.append("sentinel known-sentinel \(m.name) \(s.host) \(s.port) \(s.runId)") }
            for c in m.renamedCommands { out.append("sentinel rename-command \(m.name) \(c.from) \(c.to)") }
        }
        out.append("sentinel current-epoch \(currentEpoch)")
        if let ip = announceIP { out.append("sentinel announce-ip \(ip)") }
        if announcePort != 0 { out.append("sentinel announce-port \(announcePort)") }
        if let u = sentinelUser { out.append("sentinel sentinel-user \(u)") }
        if let p = sentinelPass { out.append("sentinel sentinel-pass \(p)") }
        return out
    }

    /// 7.0's checks on an instance address: the port range, and without
    /// resolve-hostnames an IP address rather than a name.
    func addressError(_ host: String, _ port: Int) -> String? {
        if port < 0 || port > 65535 { return "Invalid port number." }
        if !resolveHostnames && !SentinelSettings.isIPAddress(host) { return "Can't resolve instance hostname." }
        return nil
    }

    static func isIPAddress(_ s: String) -> Bool {
        var v4 = in_addr()
        var v6 = in6_addr()
        return inet_pton(AF_INET, s, &v4) == 1 || inet_pton(AF_INET6, s, &v6) == 1
    }

    /// C's atoi: leading whitespace, an optional sign, digits; 0 when none.
    static func atoi(_ s: String) -> Int {
        var it = s.utf8.drop { $0 == 32 || $0 == 9 }[...]
        var neg = false
        if let f = it.first, f == UInt8(ascii: "-") || f == UInt8(ascii: "+") {
            neg = f == UInt8(ascii: "-")
            it = it.dropFirst()
        }
        var v = 0
        for c in it {
            guard c >= 48 && c <= 57 else { break }
            v = v &* 10 &+ Int(c - 48)
            if v > Int(Int32.max) { break }
        }
        return neg ? -v : v
    }

    static func yesNo(_ s: String) -> Bool? {
        switch s.lowercased() {
        case "yes": return true
        case "no": return false
        default: return nil
        }
    }
}
