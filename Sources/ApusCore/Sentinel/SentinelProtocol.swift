// What a sentinel reads from and writes to the servers it watches, as plain values
// (Redis's sentinel.c, the parsing halves): the facts it takes from a server's INFO
// (run id, role, the replicas a master lists, a replica's view of its master) and the
// hello message sentinels publish on `__sentinel__:hello` to find each other and to
// spread the current master address with its configuration epoch.

/// The part of an INFO reply a sentinel acts on (sentinelRefreshInstanceInfo).
public struct InstanceInfoReport: Equatable {
    public enum Role: Equatable { case master, replica, unknown }

    /// run_id (40 characters), if present.
    public var runId: String?
    public var role: Role = .unknown
    /// A master's `slaveN:` lines, as (ip, port) in order (old and new formats).
    public var replicas: [(ip: String, port: Int)] = []
    /// master_link_down_since_seconds, in ms (0 when absent, as the sentinel resets it).
    public var masterLinkDownMs: Int64 = 0
    // After a `role:slave` line:
    public var masterHost: String?
    public var masterPort: Int?
    public var masterLinkUp: Bool?
    public var replicaPriority: Int?
    public var replicaOffset: UInt64?
    public var replicaAnnounced: Bool?

    public init() {}

    public static func == (a: InstanceInfoReport, b: InstanceInfoReport) -> Bool {
        a.runId == b.runId && a.role == b.role && a.replicas.map { "\($0.ip):\($0.port)" } == b.replicas.map { "\($0.ip):\($0.port)" }
            && a.masterLinkDownMs == b.masterLinkDownMs && a.masterHost == b.masterHost && a.masterPort == b.masterPort
            && a.masterLinkUp == b.masterLinkUp && a.replicaPriority == b.replicaPriority
            && a.replicaOffset == b.replicaOffset && a.replicaAnnounced == b.replicaAnnounced
    }

    /// Parses INFO text line by line (CRLF-separated), as 7.0's sentinel does: replica
    /// lines are read only when `asMaster` (the instance is known as a master), and the
    /// replica fields only after a `role:slave` line.
    public static func parse(_ text: String, asMaster: Bool) -> InstanceInfoReport {
        var r = InstanceInfoReport()
        for sub in text.split(separator: "\r\n", omittingEmptySubsequences: true) {
            let l = Substring(sub)
            if l.utf8.count >= 47 && l.hasPrefix("run_id:") {
                r.runId = String(l.dropFirst(7).prefix(40))
            }
            if asMaster && l.utf8.count >= 7 && l.hasPrefix("slave"), let d = l.dropFirst(5).first, d.isASCII, d.isNumber,
               let entry = replicaEntry(l) {
                r.replicas.append(entry)
            }
            if l.utf8.count >= 32 && l.hasPrefix("master_link_down_since_seconds") {
                r.masterLinkDownMs = (Int64(leadingInteger(l.dropFirst(31))) ?? 0) * 1000
            }
            if l.hasPrefix("role:master") { r.role = .master } else if l.hasPrefix("role:slave") { r.role = .replica }
            guard r.role == .replica else { continue }
            if l.hasPrefix("master_host:") { r.masterHost = String(l.dropFirst(12)) }
            if l.hasPrefix("master_port:") { r.masterPort = Int(leadingInteger(l.dropFirst(12))) ?? 0 }
            if l.hasPrefix("master_link_status:") { r.masterLinkUp = l.dropFirst(19).lowercased() == "up" }
            if l.hasPrefix("slave_priority:") { r.replicaPriority = Int(leadingInteger(l.dropFirst(15))) ?? 0 }
            if l.hasPrefix("slave_repl_offset:") { r.replicaOffset = UInt64(leadingInteger(l.dropFirst(18))) ?? 0 }
            if l.hasPrefix("replica_announced:") { r.replicaAnnounced = (Int(leadingInteger(l.dropFirst(18))) ?? 0) != 0 }
        }
        return r
    }

    /// `slave0:ip=…,port=…,…` (7.0) or the old `slave0:<ip>,<port>,<state>`.
    private static func replicaEntry(_ l: Substring) -> (ip: String, port: Int)? {
        guard let colon = l.firstIndex(of: ":") else { return nil }
        let body = l[l.index(after: colon)...]
        if body.contains("ip=") {
            var ip: String?
            var port: Int?
            for f in body.split(separator: ",") {
                if f.hasPrefix("ip=") { ip = String(f.dropFirst(3)) }
                if f.hasPrefix("port=") { port = Int(leadingInteger(f.dropFirst(5))) ?? 0 }
            }
            guard let i = ip, let p = port else { return nil }
            return (i, p)
        }
        let f = body.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count >= 3 else { return nil }
        return (String(f[0]), Int(leadingInteger(f[1])) ?? 0)
    }

    /// The leading decimal digits (and sign) of `s`, as atoi reads them.
    private static func leadingInteger(_ s: Substring) -> Substring {
        var end = s.startIndex
        if end < s.endIndex && (s[end] == "-" || s[end] == "+") { end = s.index(after: end) }
        while end < s.endIndex, s[end].isASCII, s[end].isNumber { end = s.index(after: end) }
        return s[s.startIndex..<end]
    }
}

/// The hello a sentinel publishes every 2 s on `__sentinel__:hello` of each server it
/// watches: `ip,port,runid,current_epoch,master_name,master_ip,master_port,master_config_epoch`.
public struct SentinelHello: Equatable {
    public var ip: String
    public var port: Int
    public var runId: String
    public var currentEpoch: UInt64
    public var masterName: String
    public var masterIP: String
    public var masterPort: Int
    public var masterConfigEpoch: UInt64

    public var payload: String {
        "\(ip),\(port),\(runId),\(currentEpoch),\(masterName),\(masterIP),\(masterPort),\(masterConfigEpoch)"
    }
}

extension SentinelHello {
    /// Parses a payload; nil unless it has exactly the 8 fields (7.0 ignores others).
    public init?(payload: String) {
        let f = payload.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count == 8 else { return nil }
        ip = String(f[0])
        port = Int(f[1]) ?? 0
        runId = String(f[2])
        currentEpoch = UInt64(f[3]) ?? 0
        masterName = String(f[4])
        masterIP = String(f[5])
        masterPort = Int(f[6]) ?? 0
        masterConfigEpoch = UInt64(f[7]) ?? 0
    }
}
