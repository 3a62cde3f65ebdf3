// What a sentinel knows about each server it watches (Redis's sentinelRedisInstance):
// a monitored master with its replicas and the other sentinels watching it, each with
// its address, its links, what its last INFO said, the sentinel's opinion of its health
// and, for a master, the failover in progress. Masters keep their settings in the
// MonitoredMaster of SentinelSettings, so the configuration file is written from one
// place.

import Glibc

struct SentinelFlags: OptionSet {
    let rawValue: UInt32
    static let master = SentinelFlags(rawValue: 1 << 0)
    static let replica = SentinelFlags(rawValue: 1 << 1)
    static let sentinel = SentinelFlags(rawValue: 1 << 2)
    static let sDown = SentinelFlags(rawValue: 1 << 3)
    static let oDown = SentinelFlags(rawValue: 1 << 4)
    /// Another sentinel told us it sees the master down.
    static let masterDown = SentinelFlags(rawValue: 1 << 5)
    static let failoverInProgress = SentinelFlags(rawValue: 1 << 6)
    /// The replica chosen for promotion.
    static let promoted = SentinelFlags(rawValue: 1 << 7)
    static let reconfSent = SentinelFlags(rawValue: 1 << 8)
    static let reconfInProgress = SentinelFlags(rawValue: 1 << 9)
    static let reconfDone = SentinelFlags(rawValue: 1 << 10)
    /// SENTINEL FAILOVER: no election needed.
    static let forceFailover = SentinelFlags(rawValue: 1 << 11)
    static let scriptKillSent = SentinelFlags(rawValue: 1 << 12)
    /// The master restarted (new run id) and must answer PONG again within
    /// master-reboot-down-after-period.
    static let masterReboot = SentinelFlags(rawValue: 1 << 13)

    /// The names SENTINEL MASTERS prints, in Redis's order.
    static let names: [(SentinelFlags, String)] = [
        (.sDown, "s_down"), (.oDown, "o_down"), (.master, "master"), (.replica, "slave"), (.sentinel, "sentinel"),
    ]
}

enum SentinelFailoverState: Int, Comparable {
    case none = 0, waitStart, selectReplica, sendReplicaOfNoOne, waitPromotion, reconfReplicas, updateConfig

    static func < (a: SentinelFailoverState, b: SentinelFailoverState) -> Bool { a.rawValue < b.rawValue }

    var name: String {
        switch self {
        case .none: return "none"
        case .waitStart: return "wait_start"
        case .selectReplica: return "select_slave"
        case .sendReplicaOfNoOne: return "send_slaveof_noone"
        case .waitPromotion: return "wait_promotion"
        case .reconfReplicas: return "reconf_slaves"
        case .updateConfig: return "update_config"
        }
    }
}

/// The two connections to an instance and their timing (Redis's instanceLink).
final class InstanceLink {
    var cc: OutgoingLink?
    var pc: OutgoingLink?
    /// True until the links the instance needs are both up (a sentinel needs only cc).
    var disconnected = true
    var ccConnTime: Int64 = 0
    var pcConnTime: Int64 = 0
    var pcLastActivity: Int64 = 0
    /// Last time the instance answered a PING acceptably.
    var lastAvailTime: Int64
    /// When the oldest unanswered PING was sent (0: none pending).
    var actPingTime: Int64
    var lastPingTime: Int64 = 0
    /// Last time any reply to a PING came back.
    var lastPongTime: Int64
    var lastReconnTime: Int64 = 0

    init(now: Int64) {
        lastAvailTime = now
        actPingTime = now
        lastPongTime = now
    }

    var pendingCommands: Int { cc?.pendingCount ?? 0 }
}

final class SentinelInstance {
    var flags: SentinelFlags
    /// A master's name; "ip:port" for a replica; the run id for a sentinel.
    var name: String
    /// The address as given (a name with resolve-hostnames) and what it resolved to
    /// ("" while a name does not resolve); links connect to `ip`.
    var host: String
    var ip: String
    var port: Int
    var runId: String?
    var configEpoch: UInt64 = 0
    let link: InstanceLink
    /// The master a replica or sentinel belongs to.
    weak var master: SentinelInstance?
    /// A master's configuration (quorum, timeouts, scripts, auth).
    let settings: MonitoredMaster?

    var lastPubTime: Int64
    var lastHelloTime: Int64
    var lastMasterDownReplyTime: Int64
    var sDownSinceTime: Int64 = 0
    var oDownSinceTime: Int64 = 0
    var downAfterPeriod: Int64
    var masterRebootSinceTime: Int64 = 0
    var infoRefresh: Int64 = 0
    var info: String?
    var roleReported: SentinelFlags
    var roleReportedTime: Int64

    // Replica facts from INFO.
    var masterLinkDownTime: Int64 = 0
    var replicaPriority = 100
    var replicaAnnounced = true
    var replicaReconfSentTime: Int64 = 0
    var replicaMasterHost: String?
    var replicaMasterPort = 0
    var replicaMasterLinkUp = false
    var replicaReplOffset: UInt64 = 0
    var replicaConfChangeTime: Int64

    // Master state.
    var replicas: [SentinelInstance] = []
    var sentinels: [SentinelInstance] = []
    /// The leader this instance voted for (a sentinel's vote as it told us; for a
    /// master, our own vote) and in which epoch.
    var leader: String?
    var leaderEpoch: UInt64 = 0
    var failoverEpoch: UInt64 = 0
    var failoverState = SentinelFailoverState.none
    var failoverStateChangeTime: Int64 = 0
    var failoverStartTime: Int64 = 0
    var failoverDelayLogged: Int64 = 0
    var promotedReplica: SentinelInstance?

    init(flags: SentinelFlags, name: String, host: String, ip: String, port: Int, master: SentinelInstance?,
         settings: MonitoredMaster?, now: Int64, defaultDownAfter: Int64) {
        self.flags = flags
        self.name = name
        self.host = host
        self.ip = ip
        self.port = port
        self.master = master
        self.settings = settings
        link = InstanceLink(now: now)
        lastPubTime = now
        lastHelloTime = now
        lastMasterDownReplyTime = now
        downAfterPeriod = settings?.downAfterMs ?? master?.downAfterPeriod ?? defaultDownAfter
        roleReported = flags.intersection([.master, .replica])
        roleReportedTime = now
        replicaConfChangeTime = now
    }

    var isMaster: Bool { flags.contains(.master) }
    var isReplica: Bool { flags.contains(.replica) }
    var isSentinel: Bool { flags.contains(.sentinel) }

    /// The master this instance is about (itself for a master).
    var owner: SentinelInstance { isMaster ? self : master! }

    var quorum: Int { owner.settings!.quorum }
    var failoverTimeout: Int64 { owner.settings!.failoverTimeoutMs }

    /// "master", "slave" or "sentinel", as events name the instance type.
    var typeName: String { isMaster ? "master" : isReplica ? "slave" : "sentinel" }

    /// True when neither SDOWN nor ODOWN started within the last `ms`.
    func noDownFor(_ ms: Int64, now: Int64) -> Bool {
        let recent = max(sDownSinceTime, oDownSinceTime)
        return recent == 0 || now - recent > ms
    }

    /// The address clients should use now: the promoted replica's once the failover
    /// reached the reconfiguration of the other replicas.
    var currentAddress: SentinelInstance {
        if flags.contains(.failoverInProgress), let p = promotedReplica, failoverState >= .reconfReplicas { return p }
        return self
    }

    /// The command name to send, after the master's rename-command settings.
    func mapped(_ command: String) -> String {
        guard let s = owner.settings else { return command }
        for r in s.renamedCommands where r.from.lowercased() == command.lowercased() { return r.to }
        return command
    }
}
