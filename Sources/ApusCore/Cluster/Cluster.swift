// A cluster node's view of the cluster (Redis 7.0's clusterState and clusterNode in
// cluster.c): the known nodes with their roles, addresses, epochs, served slots and
// failure reports; who owns each of the 16384 slots and which slots this node is
// migrating or importing; the current and last-vote epochs; the cluster state (ok or
// fail) computed as 7.0 computes it; and nodes.conf, loaded at start-up and rewritten
// atomically (temp file, fsync, rename) whenever the configuration changes. The bus
// is in Cluster+Bus.swift, timers and failover in Cluster+Cron.swift and
// Cluster+Failover.swift, commands in ClusterCommands.swift.

import Glibc
import CApusSys

public final class ClusterNode {
    public var name: String
    public var flags: ClusterNodeFlags
    public var configEpoch: UInt64 = 0
    public var slots = SlotBitmap()
    public var numSlots = 0
    public weak var master: ClusterNode?
    public var replicas: [ClusterNode] = []
    /// Unix ms of the ping in flight (0: none) and of the last pong / any data.
    public var pingSent: Int64 = 0
    public var pongReceived: Int64 = 0
    public var dataReceived: Int64 = 0
    public var failTime: Int64 = 0
    /// Last time this node's replicas got our vote (as their master).
    public var votedTime: Int64 = 0
    public var replOffsetTime: Int64 = 0
    public var orphanedTime: Int64 = 0
    public var replOffset: Int64 = 0
    public var ip: String = ""
    public var hostname: String = ""
    public var port = 0
    public var pport = 0
    public var cport = 0
    /// Our connection to it (we send on it) and its connection to us.
    var link: ClusterLink?
    var inboundLink: ClusterLink?
    /// Masters that reported it PFAIL or FAIL, with when.
    var failReports: [(node: ClusterNode, time: Int64)] = []
    public var ctime: Int64

    init(name: String, flags: ClusterNodeFlags, now: Int64) {
        self.name = name
        self.flags = flags
        self.ctime = now
    }

    var isMaster: Bool { flags.contains(.master) }
    var isReplica: Bool { flags.contains(.replica) }
    var inHandshake: Bool { flags.contains(.handshake) }
    var failed: Bool { flags.contains(.fail) }
    var timedOut: Bool { flags.contains(.pfail) }
    var hasAddress: Bool { !flags.contains(.noAddress) }

    static func randomName() -> String { Server.randomHex(40) }

    /// Replicas that are not failed (clusterCountNonFailingSlaves).
    var nonFailingReplicas: Int { replicas.filter { !$0.failed }.count }

    /// A master that has (had) replicas is where replicas may migrate when it is left
    /// without working ones (7.0's MIGRATE_TO flag, set and cleared here).
    func removeReplica(_ r: ClusterNode) {
        replicas.removeAll { $0 === r }
        if replicas.isEmpty { flags.remove(.migrateTo) }
    }

    func addReplica(_ r: ClusterNode) {
        if replicas.contains(where: { $0 === r }) { return }
        replicas.append(r)
        flags.insert(.migrateTo)
    }
}

/// What the next before-sleep must do (clusterDoBeforeSleep flags).
struct ClusterTodo: OptionSet {
    let rawValue: Int
    static let handleFailover = ClusterTodo(rawValue: 1)
    static let updateState = ClusterTodo(rawValue: 2)
    static let saveConfig = ClusterTodo(rawValue: 4)
}

public final class Cluster {
    unowned let server: Server
    public internal(set) var myself: ClusterNode
    public internal(set) var nodes: [String: ClusterNode] = [:]
    /// Forgotten node names and until when (unix s) gossip may not re-add them.
    var blacklist: [String: Int64] = [:]
    public internal(set) var currentEpoch: UInt64 = 0
    public internal(set) var lastVoteEpoch: UInt64 = 0
    /// true: cluster_state ok.
    public internal(set) var stateOK = false
    public internal(set) var size = 0
    var slotOwner = [ClusterNode?](repeating: nil, count: HashSlot.count)
    var migratingTo = [ClusterNode?](repeating: nil, count: HashSlot.count)
    var importingFrom = [ClusterNode?](repeating: nil, count: HashSlot.count)
    var todo: ClusterTodo = []
    let configPath: String
    var configFd: Int32 = -1

    // Bus
    var busListeners: [Int32] = []
    var links: [UInt32: ClusterLink] = [:]
    var nextLinkRegistration: UInt32 = Cluster.firstLinkRegistration
    static let firstLinkRegistration: UInt32 = 1 << 20
    var statsSent = [Int](repeating: 0, count: 11)
    var statsReceived = [Int](repeating: 0, count: 11)
    var statsPfailNodes = 0

    // Failover (replica side)
    var failoverAuthTime: Int64 = 0
    var failoverAuthCount = 0
    var failoverAuthSent = false
    var failoverAuthRank = 0
    var failoverAuthEpoch: UInt64 = 0
    var cantFailoverReason = 0
    var lastLogTime: Int64 = 0
    // Manual failover (both sides)
    var mfEnd: Int64 = 0
    weak var mfReplica: ClusterNode?
    var mfMasterOffset: Int64 = -1
    var mfCanStart = false
    // State computation
    var amongMinorityTime: Int64 = 0
    var firstUpdateStateCall: Int64 = 0
    var cronIterations = 0
    var linksBufferLimitExceeded = 0
    /// Atomic slot migrations (SlotMigration.swift): active jobs and recent ones.
    var migrations: [SlotMigrationJob] = []
    var migrationLinks: [UInt32: SlotMigrationJob] = [:]
    var migrationFeed: SlotMigrationFeed?
    /// Slots given away whose keys are still being deleted.
    var purgeSlots: [Int] = []

    init(server: Server) {
        self.server = server
        configPath = server.config.clusterConfigFile
        myself = ClusterNode(name: ClusterNode.randomName(), flags: [.myself, .master], now: server.mstime)
    }

    var now: Int64 { server.mstime }
    var nodeTimeout: Int64 { Int64(server.config.clusterNodeTimeout) }

    /// The port clients reach us on and our bus port, as announced.
    var announcedPort: Int { server.config.clusterAnnouncePort != 0 ? server.config.clusterAnnouncePort : server.tcpPortBound }
    var busPort: Int {
        server.config.clusterPort != 0 ? server.config.clusterPort : server.config.port + 10000
    }
    var announcedBusPort: Int { server.config.clusterAnnounceBusPort != 0 ? server.config.clusterAnnounceBusPort : busPort }

    // MARK: - Start-up

    /// Loads nodes.conf or starts as a fresh node (clusterInit): creates and locks
    /// the file, saves a first configuration. Throws a fatal start-up message.
    func start() throws {
        myself.port = announcedPort
        myself.cport = announcedBusPort
        if !server.config.clusterAnnounceHostname.isEmpty { myself.hostname = server.config.clusterAnnounceHostname }
        if !server.config.clusterAnnounceIP.isEmpty { myself.ip = server.config.clusterAnnounceIP }
        nodes[myself.name] = myself
        let loaded = try loadConfig()
        if !loaded {
            server.log(.notice, "No cluster configuration found, I'm \(myself.name)")
            try saveConfigOrThrow()
        }
        // 7.0 refuses a data set spread over several databases; the index is for db 0.
        server.keyspace.enableSlotIndex()
        if busPort > 65535 {
            throw StartupError("Redis port number too high. Cluster communication port is 10,000 port numbers higher than your Redis port. Your Redis port number must be 55535 or less.")
        }
        try openBusListeners()
        todo.insert(.updateState)
    }

    struct StartupError: Error { let message: String; init(_ m: String) { message = m } }

    /// Reads nodes.conf; false when there is none (or it is empty).
    func loadConfig() throws -> Bool {
        guard let f = fopen(configPath, "r") else { return false }
        let text = String(decoding: ConfigFile.readAll(f), as: UTF8.self)
        fclose(f)
        if text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\r" }) { return false }
        let file: ClusterNodesFile
        do { file = try ClusterNodesFile(parsing: text) } catch {
            throw StartupError("Unrecoverable error: corrupted cluster config file \"\(configPath)\".")
        }
        nodes.removeAll()
        // A node may be named (as a master, a migration target) before its own line.
        func named(_ name: String) -> ClusterNode {
            if let n = nodes[name] { return n }
            let n = ClusterNode(name: name, flags: [], now: now)
            nodes[name] = n
            return n
        }
        for line in file.nodes {
            let n = named(line.name)
            n.flags = line.flags
            n.ip = line.ip
            n.port = line.port
            n.cport = line.cport
            n.hostname = line.hostname ?? ""
            n.configEpoch = line.configEpoch
            // 7.0: ping/pong times are not restored; a node starts "just seen".
            n.pongReceived = now
            nodes[n.name] = n
            if line.flags.contains(.myself) {
                myself = n
                n.port = announcedPort
                n.cport = announcedBusPort
                if !server.config.clusterAnnounceIP.isEmpty { n.ip = server.config.clusterAnnounceIP }
                if !server.config.clusterAnnounceHostname.isEmpty { n.hostname = server.config.clusterAnnounceHostname }
            }
            if let m = line.master {
                let master = named(m)
                n.master = master
                master.addReplica(n)
            }
            for r in line.slots { for s in r { assignSlot(s, to: n) } }
            for m in line.migrating { migratingTo[m.slot] = named(m.node) }
            for i in line.importing { importingFrom[i.slot] = named(i.node) }
        }
        currentEpoch = file.currentEpoch
        lastVoteEpoch = file.lastVoteEpoch
        // Something went wrong only if a node referenced but never described stays
        // without flags; 7.0 creates it the same way and gossip fills it in.
        for n in nodes.values where currentEpoch < n.configEpoch { currentEpoch = n.configEpoch }
        server.log(.notice, "Node configuration loaded, I'm \(myself.name)")
        // A replica starts replicating from the cron, once the data is loaded.
        return true
    }

    /// The configuration as nodes.conf holds it.
    var configText: String {
        var lines: [ClusterNodeLine] = []
        for n in sortedNodes where !n.inHandshake { lines.append(nodeLine(n, forFile: true)) }
        return ClusterNodesFile(nodes: lines, currentEpoch: currentEpoch, lastVoteEpoch: lastVoteEpoch).text
    }

    var sortedNodes: [ClusterNode] { nodes.values.sorted { $0.name < $1.name } }

    /// Writes nodes.conf atomically and durably; false (and logged) on failure.
    @discardableResult
    func saveConfig() -> Bool {
        do { try saveConfigOrThrow(); return true } catch {
            server.log(.warning, "Fatal: can't update cluster config file.")
            return false
        }
    }

    func saveConfigOrThrow() throws {
        // Written like a config rewrite: temp file, fsync, rename, directory fsync.
        do {
            try ConfigFile.overwrite(path: configPath, content: Array(configText.utf8))
        } catch let e as ConfigRewriteError {
            throw StartupError("Can't write the cluster config file \(configPath): \(e.message)")
        }
    }

    // MARK: - Node lines (CLUSTER NODES, nodes.conf)

    func nodeLine(_ n: ClusterNode, forFile: Bool) -> ClusterNodeLine {
        var ranges: [ClosedRange<Int>] = []
        if n.isMaster && n.numSlots > 0 {
            var start = -1
            for s in 0...HashSlot.count {
                let owned = s < HashSlot.count && n.slots[s]
                if owned && start < 0 { start = s }
                if !owned && start >= 0 { ranges.append(start...(s - 1)); start = -1 }
            }
        }
        var migrating: [(slot: Int, node: String)] = []
        var importing: [(slot: Int, node: String)] = []
        if n === myself {
            for s in 0..<HashSlot.count {
                if let t = migratingTo[s] { migrating.append((s, t.name)) }
                else if let f = importingFrom[s] { importing.append((s, f.name)) }
            }
        }
        let connected = n === myself || (n.link != nil && n.link!.connected)
        var flags = n.flags
        flags.remove(.meet)
        flags.remove(.migrateTo)
        return ClusterNodeLine(name: n.name, ip: n.ip, port: n.port, cport: n.cport,
                               hostname: n.hostname.isEmpty ? nil : n.hostname, flags: flags,
                               master: n.master?.name, pingSent: n.pingSent, pongReceived: n.pongReceived,
                               configEpoch: n.configEpoch, connected: connected,
                               slots: ranges, migrating: migrating, importing: importing)
    }

    /// CLUSTER NODES' text (myself first is not required; 7.0 walks its dict).
    var nodesDescription: String {
        sortedNodes.map { nodeLine($0, forFile: false).text + "\n" }.joined()
    }

    // MARK: - Nodes

    func lookup(_ name: String) -> ClusterNode? { nodes[name] }

    func addNode(_ n: ClusterNode) { nodes[n.name] = n }

    /// Forgets `n` entirely (clusterDelNode): its slots, its failure reports, links.
    func deleteNode(_ n: ClusterNode) {
        for s in 0..<HashSlot.count {
            if importingFrom[s] === n { importingFrom[s] = nil }
            if migratingTo[s] === n { migratingTo[s] = nil }
            if slotOwner[s] === n { unassignSlot(s) }
        }
        for other in nodes.values { other.failReports.removeAll { $0.node === n } }
        freeNode(n)
    }

    func freeNode(_ n: ClusterNode) {
        for r in n.replicas where r.master === n { r.master = nil }
        n.master?.removeReplica(n)
        if let l = n.link { freeLink(l) }
        if let l = n.inboundLink { freeLink(l) }
        nodes.removeValue(forKey: n.name)
    }

    func renameNode(_ n: ClusterNode, to name: String) {
        server.log(.debug, "Renaming node \(n.name) into \(name)")
        nodes.removeValue(forKey: n.name)
        n.name = name
        nodes[name] = n
    }

    /// Turns `n` into a master (clusterSetNodeAsMaster).
    func setNodeAsMaster(_ n: ClusterNode) {
        if n.isMaster { return }
        if let m = n.master {
            m.removeReplica(n)
            if n !== myself { n.flags.insert(.migrateTo) }
        }
        n.flags.remove(.replica)
        n.flags.insert(.master)
        n.master = nil
        todo.formUnion([.saveConfig, .updateState])
    }

    // MARK: - Slots

    func assignSlot(_ s: Int, to n: ClusterNode) {
        if slotOwner[s] != nil { return }
        slotOwner[s] = n
        n.slots[s] = true
        n.numSlots += 1
        // A new master is a migration target too, once other masters have replicas.
        if n.numSlots == 1 && nodes.values.contains(where: { $0.isMaster && !$0.replicas.isEmpty }) {
            n.flags.insert(.migrateTo)
        }
    }

    func unassignSlot(_ s: Int) {
        guard let n = slotOwner[s] else { return }
        // This node's shard stops serving the slot: its shard channels go.
        if !server.pubsub.shardChannels.isEmpty && (n === myself || n === myself.master) {
            PubSubCommands.dropShardChannels(inSlot: s, server.pubsub)
        }
        n.slots[s] = false
        n.numSlots -= 1
        slotOwner[s] = nil
    }

    /// Unassigns every slot of `n`; returns how many.
    @discardableResult
    func unassignSlots(of n: ClusterNode) -> Int {
        var d = 0
        for s in 0..<HashSlot.count where slotOwner[s] === n { unassignSlot(s); d += 1 }
        return d
    }

    /// Deletes the keys of `slot` (delKeysInSlot), as deletions the stream carries.
    @discardableResult
    func deleteKeys(inSlot slot: Int) -> Int {
        let db = server.keyspace.dbs[0]
        guard let index = db.slotIndex else { return 0 }
        let entries = index.entries(slot)
        var n = 0
        for e in entries {
            let key = Array(UnsafeRawBufferPointer(e.key))
            key.withUnsafeBytes { k in
                if db.delete(k, lazy: server.config.lazyfreeLazyServerDel, event: .del) {
                    server.keyspace.propagator.addDeletion(db: 0, key: k, lazy: server.config.lazyfreeLazyServerDel)
                    n += 1
                }
            }
        }
        return n
    }

    /// After the data set is loaded (verifyClusterConfigWithData): a master claims
    /// unassigned slots it holds keys for, and imports slots another node owns.
    func verifyWithData() {
        guard myself.isMaster, let index = server.keyspace.dbs[0].slotIndex else { return }
        var changed = false
        for s in 0..<HashSlot.count where index.count(s) > 0 {
            if slotOwner[s] === myself || importingFrom[s] != nil { continue }
            changed = true
            if let owner = slotOwner[s] {
                server.log(.warning, "I have keys for slot \(s), but the slot is assigned to another node. Setting it to importing state.")
                importingFrom[s] = owner
            } else {
                server.log(.warning, "I have keys for unassigned slot \(s). Taking responsibility for it.")
                assignSlot(s, to: myself)
            }
        }
        if changed { saveConfig() }
    }

    // MARK: - Epochs

    var maxConfigEpoch: UInt64 { nodes.values.map(\.configEpoch).max() ?? 0 }

    /// A new config epoch without agreement (clusterBumpConfigEpochWithoutConsensus):
    /// true when it changed.
    @discardableResult
    func bumpEpochWithoutConsensus() -> Bool {
        let maxEpoch = maxConfigEpoch
        if myself.configEpoch == 0 || myself.configEpoch != maxEpoch {
            currentEpoch += 1
            myself.configEpoch = currentEpoch
            todo.formUnion([.saveConfig])
            server.log(.notice, "New configEpoch set to \(myself.configEpoch)")
            return true
        }
        return false
    }

    // MARK: - State

    /// Recomputes ok/fail (clusterUpdateState).
    func updateState() {
        todo.remove(.updateState)
        if firstUpdateStateCall == 0 { firstUpdateStateCall = now }
        // A master that just started waits for the configuration to settle.
        if myself.isMaster && !stateOK && now - firstUpdateStateCall < 2000 { return }
        var ok = true
        if server.config.clusterRequireFullCoverage {
            for s in 0..<HashSlot.count {
                guard let o = slotOwner[s], !o.failed else { ok = false; break }
            }
        }
        var reachable = 0
        size = 0
        for n in nodes.values where n.isMaster && n.numSlots > 0 {
            size += 1
            if !n.failed && !n.timedOut { reachable += 1 }
        }
        let quorum = size / 2 + 1
        if reachable < quorum {
            ok = false
            amongMinorityTime = now
        }
        if ok != stateOK {
            // Rejoining the majority: give the cluster time to reconfigure first.
            let rejoinDelay = min(max(nodeTimeout, 500), 5000)
            if ok && myself.isMaster && now - amongMinorityTime < rejoinDelay { return }
            server.log(.notice, "Cluster state changed: \(ok ? "ok" : "fail")")
            stateOK = ok
        }
    }

    /// Runs what earlier events asked for (clusterBeforeSleep).
    func beforeSleep() {
        if todo.contains(.handleFailover) {
            todo.remove(.handleFailover)
            handleReplicaFailover()
        }
        if !migrations.isEmpty || !purgeSlots.isEmpty { stepMigrations() }
        if todo.contains(.updateState) { updateState() }
        if todo.contains(.saveConfig) {
            todo.remove(.saveConfig)
            saveConfig()
        }
        flushLinks()
    }
}

extension Server {
    /// Set in cluster mode (cluster-enabled yes).
    var clusterEnabled: Bool { cluster != nil }
}
