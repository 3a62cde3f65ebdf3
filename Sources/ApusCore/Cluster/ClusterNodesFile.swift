// The CLUSTER NODES line format and the nodes.conf file built from it (Redis 7.0's
// clusterGenNodeDescription and clusterLoadConfig): one line per node — id,
// `ip:port@cport[,hostname]`, flags, master id or `-`, ping sent and pong received
// times (ms), config epoch, link state, the served slots as single slots and ranges,
// and for this node the slots it migrates (`[slot->-id]`) or imports (`[slot-<-id]`);
// the file ends with `vars currentEpoch N lastVoteEpoch N`. Parsing accepts what 7.0
// accepts (also the old `ip:port` form without a bus port); rendering gives 7.0's text.

/// One node as a CLUSTER NODES line describes it.
public struct ClusterNodeLine: Equatable {
    public var name: String
    public var ip: String
    public var port: Int
    public var cport: Int
    public var hostname: String?
    public var flags: ClusterNodeFlags
    public var master: String?
    public var pingSent: Int64
    public var pongReceived: Int64
    public var configEpoch: UInt64
    public var connected: Bool
    public var slots: [ClosedRange<Int>]
    public var migrating: [(slot: Int, node: String)]
    public var importing: [(slot: Int, node: String)]

    public init(name: String, ip: String, port: Int, cport: Int, hostname: String? = nil, flags: ClusterNodeFlags,
                master: String? = nil, pingSent: Int64 = 0, pongReceived: Int64 = 0, configEpoch: UInt64 = 0,
                connected: Bool = true, slots: [ClosedRange<Int>] = [], migrating: [(slot: Int, node: String)] = [],
                importing: [(slot: Int, node: String)] = []) {
        self.name = name
        self.ip = ip
        self.port = port
        self.cport = cport
        self.hostname = hostname
        self.flags = flags
        self.master = master
        self.pingSent = pingSent
        self.pongReceived = pongReceived
        self.configEpoch = configEpoch
        self.connected = connected
        self.slots = slots
        self.migrating = migrating
        self.importing = importing
    }

    public static func == (a: ClusterNodeLine, b: ClusterNodeLine) -> Bool {
        a.name == b.name && a.ip == b.ip && a.port == b.port && a.cport == b.cport && a.hostname == b.hostname
            && a.flags == b.flags && a.master == b.master && a.pingSent == b.pingSent
            && a.pongReceived == b.pongReceived && a.configEpoch == b.configEpoch && a.connected == b.connected
            && a.slots == b.slots && a.migrating.map { "\($0.slot)\($0.node)" } == b.migrating.map { "\($0.slot)\($0.node)" }
            && a.importing.map { "\($0.slot)\($0.node)" } == b.importing.map { "\($0.slot)\($0.node)" }
    }

    /// Flag names in 7.0's order ("fail?" is PFAIL); no flag at all is "noflags".
    static let flagNames: [(ClusterNodeFlags, String)] = [
        (.myself, "myself"), (.master, "master"), (.replica, "slave"), (.pfail, "fail?"), (.fail, "fail"),
        (.handshake, "handshake"), (.noAddress, "noaddr"), (.noFailover, "nofailover"),
    ]

    /// The line, as CLUSTER NODES prints it (without the newline).
    public var text: String {
        var s = "\(name) \(ip):\(port)@\(cport)"
        if let h = hostname, !h.isEmpty { s += ",\(h)" }
        let names = ClusterNodeLine.flagNames.filter { flags.contains($0.0) }.map { $0.1 }
        s += " " + (names.isEmpty ? "noflags" : names.joined(separator: ","))
        s += " \(master ?? "-") \(pingSent) \(pongReceived) \(configEpoch) \(connected ? "connected" : "disconnected")"
        for r in slots { s += r.lowerBound == r.upperBound ? " \(r.lowerBound)" : " \(r.lowerBound)-\(r.upperBound)" }
        for m in migrating { s += " [\(m.slot)->-\(m.node)]" }
        for i in importing { s += " [\(i.slot)-<-\(i.node)]" }
        return s
    }

    public enum ParseError: Error, Equatable { case fields, address, flag(String), number, slot(String) }

    public init(parsing line: Substring) throws {
        let f = line.split(separator: " ", omittingEmptySubsequences: true)
        guard f.count >= 8 else { throw ParseError.fields }
        name = String(f[0])
        // ip:port@cport[,hostname]; the old ip:port form has the bus port at +10000.
        var addr = Substring(f[1])
        hostname = nil
        if let comma = addr.firstIndex(of: ",") {
            hostname = String(addr[addr.index(after: comma)...])
            addr = addr[..<comma]
        }
        var busPort: Int?
        if let at = addr.firstIndex(of: "@") {
            busPort = Int(addr[addr.index(after: at)...])
            addr = addr[..<at]
        }
        guard let colon = addr.lastIndex(of: ":"), let p = Int(addr[addr.index(after: colon)...]) else {
            throw ParseError.address
        }
        ip = String(addr[..<colon])
        port = p
        cport = busPort ?? p + 10000
        flags = []
        for name in f[2].split(separator: ",") where name != "noflags" {
            guard let flag = ClusterNodeLine.flagNames.first(where: { $0.1 == name }) else { throw ParseError.flag(String(name)) }
            flags.insert(flag.0)
        }
        master = f[3] == "-" ? nil : String(f[3])
        guard let ps = Int64(f[4]), let pr = Int64(f[5]), let ce = UInt64(f[6]) else { throw ParseError.number }
        pingSent = ps
        pongReceived = pr
        configEpoch = ce
        connected = f[7] == "connected"
        slots = []
        migrating = []
        importing = []
        for token in f.dropFirst(8) {
            if token.hasPrefix("[") {
                let inner = token.dropFirst().dropLast()
                if let r = inner.range(of: "->-"), let s = Int(inner[..<r.lowerBound]) {
                    migrating.append((s, String(inner[r.upperBound...])))
                } else if let r = inner.range(of: "-<-"), let s = Int(inner[..<r.lowerBound]) {
                    importing.append((s, String(inner[r.upperBound...])))
                } else {
                    throw ParseError.slot(String(token))
                }
                continue
            }
            let parts = token.split(separator: "-")
            guard let a = Int(parts[0]), let b = parts.count == 2 ? Int(parts[1]) : a, parts.count <= 2,
                  a >= 0, b < 16384, a <= b else { throw ParseError.slot(String(token)) }
            slots.append(a...b)
        }
    }
}

/// nodes.conf: the node lines and the epochs.
public struct ClusterNodesFile: Equatable {
    public var nodes: [ClusterNodeLine]
    public var currentEpoch: UInt64
    public var lastVoteEpoch: UInt64

    public init(nodes: [ClusterNodeLine], currentEpoch: UInt64, lastVoteEpoch: UInt64) {
        self.nodes = nodes
        self.currentEpoch = currentEpoch
        self.lastVoteEpoch = lastVoteEpoch
    }

    public enum ParseError: Error, Equatable { case line(Int), noMyself }

    /// Parses the file; every line a node except the `vars` one. Exactly one node
    /// must be `myself`, as 7.0 requires.
    public init(parsing text: String) throws {
        nodes = []
        currentEpoch = 0
        lastVoteEpoch = 0
        for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: true).enumerated() {
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw[...]
            if line.allSatisfy({ $0 == " " }) { continue }
            if line.hasPrefix("vars ") {
                let f = line.split(separator: " ")
                var j = 1
                while j + 1 < f.count {
                    if f[j] == "currentEpoch" { currentEpoch = UInt64(f[j + 1]) ?? 0 }
                    if f[j] == "lastVoteEpoch" { lastVoteEpoch = UInt64(f[j + 1]) ?? 0 }
                    j += 2
                }
                continue
            }
            do { nodes.append(try ClusterNodeLine(parsing: line)) } catch { throw ParseError.line(i + 1) }
        }
        guard nodes.filter({ $0.flags.contains(.myself) }).count == 1 else { throw ParseError.noMyself }
    }

    /// The file's text: one line per node, then the vars line.
    public var text: String {
        nodes.map { $0.text + "\n" }.joined() + "vars currentEpoch \(currentEpoch) lastVoteEpoch \(lastVoteEpoch)\n"
    }
}
