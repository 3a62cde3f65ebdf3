// CLUSTER and its subcommands, ASKING, READONLY and READWRITE, with Redis 7.0's
// replies and error texts (clusterCommand in cluster.c): introspection (INFO, NODES,
// SLOTS, SHARDS, MYID, LINKS, KEYSLOT, COUNTKEYSINSLOT, GETKEYSINSLOT, REPLICAS,
// COUNT-FAILURE-REPORTS), membership (MEET, FORGET, REPLICATE, RESET), slot
// assignment (ADDSLOTS[RANGE], DELSLOTS[RANGE], FLUSHSLOTS, SETSLOT), epochs
// (SET-CONFIG-EPOCH, BUMPEPOCH), SAVECONFIG and FAILOVER.

import Glibc

enum ClusterCommands {
    static func handlers() -> [String: CommandHandler] {
        var h: [String: CommandHandler] = [
            "asking": asking, "readonly": readonly, "readwrite": readwrite,
            "migrate": MigrateCommand.migrate, "restore-asking": DumpRestoreCommands.restore,
        ]
        let subs: [(String, (Client, Cluster) -> Void)] = [
            ("help", help), ("info", info), ("nodes", nodes), ("myid", myid), ("slots", slots), ("shards", shards),
            ("meet", meet), ("flushslots", flushslots), ("addslots", addOrDelSlots), ("delslots", addOrDelSlots),
            ("addslotsrange", addOrDelSlotsRange), ("delslotsrange", addOrDelSlotsRange), ("setslot", setslot),
            ("bumpepoch", bumpepoch), ("saveconfig", saveconfig), ("keyslot", keyslot),
            ("countkeysinslot", countkeysinslot), ("getkeysinslot", getkeysinslot), ("forget", forget),
            ("replicate", replicate), ("replicas", replicas), ("slaves", replicas),
            ("count-failure-reports", countFailureReports), ("failover", failover),
            ("set-config-epoch", setConfigEpoch), ("reset", reset), ("links", links),
            ("migrateslots", migrateslots), ("getslotmigrations", getslotmigrations),
            ("cancelslotmigrations", cancelslotmigrations), ("syncslots", syncslots),
        ]
        for (name, f) in subs {
            h["cluster|" + name] = { c in
                guard let cluster = c.server.cluster else {
                    c.addReplyError(disabled)
                    return
                }
                f(c, cluster)
            }
        }
        return h
    }

    static func asking(_ c: Client) { setConnectionFlag(c, .asking, on: true) }
    static func readonly(_ c: Client) { setConnectionFlag(c, .readonlyCluster, on: true) }
    static func readwrite(_ c: Client) { setConnectionFlag(c, .readonlyCluster, on: false) }

    /// ASKING, READONLY, READWRITE: a connection flag, in cluster mode only.
    private static func setConnectionFlag(_ c: Client, _ flag: ClientFlags, on: Bool) {
        guard c.server.cluster != nil else {
            c.addReplyError(disabled)
            return
        }
        if on { c.flags.insert(flag) } else { c.flags.remove(flag) }
        c.addReplyOK()
    }

    static let disabled = "ERR This instance has cluster support disabled"

    // MARK: - Introspection

    static func help(_ c: Client, _ k: Cluster) {
        c.addReplyHelp([
            "CLUSTER <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
            "ADDSLOTS <slot> [<slot> ...]", "    Serve the given slots from this node.",
            "ADDSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
            "    Serve every slot of the given ranges from this node.",
            "BUMPEPOCH", "    Take a new config epoch.",
            "COUNT-FAILURE-REPORTS <node-id>", "    How many masters currently report <node-id> as failing.",
            "COUNTKEYSINSLOT <slot>", "    How many keys <slot> holds here.",
            "DELSLOTS <slot> [<slot> ...]", "    Stop serving the given slots.",
            "DELSLOTSRANGE <start slot> <end slot> [<start slot> <end slot> ...]",
            "    Stop serving every slot of the given ranges.",
            "FAILOVER [FORCE|TAKEOVER]", "    Have this replica take its master's place.",
            "FORGET <node-id>", "    Drop a node from this node's table (and keep it out for a minute).",
            "GETKEYSINSLOT <slot> <count>", "    Up to <count> key names of <slot> held here.",
            "FLUSHSLOTS", "    Stop serving every slot (the database must be empty).",
            "INFO", "    The cluster's state and statistics.",
            "KEYSLOT <key>", "    The hash slot of <key>.",
            "MEET <ip> <port> [<bus-port>]", "    Introduce the node at that address to this cluster.",
            "MYID", "    This node's id.",
            "NODES", "    The cluster as this node sees it, one line per node:",
            "    <id> <ip:port> <flags> <master> <pings> <pongs> <epoch> <link> <slot> ...",
            "REPLICATE <node-id>", "    Become a replica of <node-id>.",
            "RESET [HARD|SOFT]", "    Forget the cluster (SOFT is the default; HARD also takes a new id).",
            "SET-CONFIG-EPOCH <epoch>", "    Set the config epoch of a node that knows no other node.",
            "SETSLOT <slot> (IMPORTING <node-id>|MIGRATING <node-id>|STABLE|NODE <node-id>)",
            "    Change the migration state or the owner of <slot>.",
            "REPLICAS <node-id>", "    The replicas of <node-id>, as NODES lines.",
            "SAVECONFIG", "    Write nodes.conf now.",
            "SLOTS", "    Slot ranges with the address and id of their master and replicas.",
            "SHARDS", "    Each shard's slot ranges and its nodes.",
            "LINKS", "    Every bus connection between this node and its peers:",
            "    one map per link with its direction, node, creation time, events and buffer use.",
            "HELP", "    Print this help.",
        ])
    }

    static let messageNames = ["ping", "pong", "meet", "fail", "publish", "auth-req", "auth-ack", "update",
                               "mfstart", "module", "publishshard"]

    static func info(_ c: Client, _ k: Cluster) {
        var assigned = 0, ok = 0, pfail = 0, fail = 0
        for s in 0..<HashSlot.count {
            guard let n = k.slotOwner[s] else { continue }
            assigned += 1
            if n.failed { fail += 1 } else if n.timedOut { pfail += 1 } else { ok += 1 }
        }
        let myEpoch = k.myself.isReplica ? (k.myself.master?.configEpoch ?? k.myself.configEpoch) : k.myself.configEpoch
        var s = "cluster_state:\(k.stateOK ? "ok" : "fail")\r\n"
        s += "cluster_slots_assigned:\(assigned)\r\ncluster_slots_ok:\(ok)\r\ncluster_slots_pfail:\(pfail)\r\n"
        s += "cluster_slots_fail:\(fail)\r\ncluster_known_nodes:\(k.nodes.count)\r\ncluster_size:\(k.size)\r\n"
        s += "cluster_current_epoch:\(k.currentEpoch)\r\ncluster_my_epoch:\(myEpoch)\r\n"
        var sent = 0, received = 0
        for (i, n) in k.statsSent.enumerated() where n > 0 {
            sent += n
            s += "cluster_stats_messages_\(messageNames[i])_sent:\(n)\r\n"
        }
        s += "cluster_stats_messages_sent:\(sent)\r\n"
        for (i, n) in k.statsReceived.enumerated() where n > 0 {
            received += n
            s += "cluster_stats_messages_\(messageNames[i])_received:\(n)\r\n"
        }
        s += "cluster_stats_messages_received:\(received)\r\n"
        s += "total_cluster_links_buffer_limit_exceeded:\(k.linksBufferLimitExceeded)\r\n"
        c.addReplyVerbatim(s)
    }

    static func nodes(_ c: Client, _ k: Cluster) { c.addReplyVerbatim(k.nodesDescription) }

    static func myid(_ c: Client, _ k: Cluster) { c.addReplyBulkString(k.myself.name) }

    /// A replica listed in SLOTS: not failed, and synced at least once.
    static func replicaAvailable(_ n: ClusterNode, _ k: Cluster) -> Bool {
        if n.failed { return false }
        return (n === k.myself ? k.replicaOffset : n.replOffset) != 0
    }

    static func addNodeReply(_ c: Client, _ n: ClusterNode, _ k: Cluster) {
        c.addReplyArrayLen(4)
        let type = c.server.config.clusterPreferredEndpointType
        switch type {
        case "hostname": c.addReplyBulkString(n.hostname.isEmpty ? "?" : n.hostname)
        case "unknown-endpoint": c.addReplyNull()
        default: c.addReplyBulkString(n.ip)
        }
        c.addReplyInteger(n.port)
        c.addReplyBulkString(n.name)
        var extra: [(String, String)] = []
        if type != "ip" { extra.append(("ip", n.ip)) }
        if type != "hostname" && !n.hostname.isEmpty { extra.append(("hostname", n.hostname)) }
        c.addReplyMapLen(extra.count)
        for (key, v) in extra {
            c.addReplyBulkString(key)
            c.addReplyBulkString(v)
        }
    }

    static func slots(_ c: Client, _ k: Cluster) {
        var ranges: [(Int, Int, ClusterNode)] = []
        var start = -1
        var owner: ClusterNode?
        for s in 0...HashSlot.count {
            let o = s < HashSlot.count ? k.slotOwner[s] : nil
            if let cur = owner, o !== cur {
                ranges.append((start, s - 1, cur))
                owner = nil
            }
            if owner == nil, let o = o {
                owner = o
                start = s
            }
        }
        c.addReplyArrayLen(ranges.count)
        for (a, b, n) in ranges {
            let replicas = n.replicas.filter { replicaAvailable($0, k) }
            c.addReplyArrayLen(3 + replicas.count)
            c.addReplyInteger(a)
            c.addReplyInteger(b)
            addNodeReply(c, n, k)
            for r in replicas { addNodeReply(c, r, k) }
        }
    }

    static func shards(_ c: Client, _ k: Cluster) {
        let masters = k.sortedNodes.filter { $0.isMaster && !$0.inHandshake }
        c.addReplyArrayLen(masters.count)
        for m in masters {
            c.addReplyMapLen(2)
            c.addReplyBulkString("slots")
            var pairs: [Int] = []
            var start = -1
            for s in 0...HashSlot.count {
                let owned = s < HashSlot.count && m.slots[s]
                if owned && start < 0 { start = s }
                if !owned && start >= 0 { pairs += [start, s - 1]; start = -1 }
            }
            c.addReplyArrayLen(pairs.count)
            for p in pairs { c.addReplyInteger(p) }
            c.addReplyBulkString("nodes")
            let members = [m] + m.replicas
            c.addReplyArrayLen(members.count)
            for n in members {
                var fields: [(String, Any)] = [("id", n.name)]
                if n.port != 0 { fields.append(("port", n.port)) }
                fields.append(("ip", n.ip))
                fields.append(("endpoint", preferredEndpoint(n, c.server.config)))
                if !n.hostname.isEmpty { fields.append(("hostname", n.hostname)) }
                let offset: Int64 = n === k.myself ? (n.isReplica ? k.replicaOffset : c.server.masterReplOffset) : n.replOffset
                fields.append(("role", n.isReplica ? "replica" : "master"))
                fields.append(("replication-offset", Int(offset)))
                fields.append(("health", n.failed ? "fail" : (n.isReplica && offset == 0 ? "loading" : "online")))
                c.addReplyMapLen(fields.count)
                for (key, v) in fields {
                    c.addReplyBulkString(key)
                    if let i = v as? Int { c.addReplyInteger(i) } else { c.addReplyBulkString(v as? String ?? "") }
                }
            }
        }
    }

    static func preferredEndpoint(_ n: ClusterNode, _ config: ServerConfig) -> String {
        switch config.clusterPreferredEndpointType {
        case "hostname": return n.hostname.isEmpty ? "?" : n.hostname
        case "unknown-endpoint": return "?"
        default: return n.ip
        }
    }

    static func links(_ c: Client, _ k: Cluster) {
        let all = k.links.values.filter { $0.node != nil }.sorted { $0.registration < $1.registration }
        c.addReplyArrayLen(all.count)
        for l in all {
            c.addReplyMapLen(6)
            c.addReplyBulkString("direction")
            c.addReplyBulkString(l.inbound ? "from" : "to")
            c.addReplyBulkString("node")
            c.addReplyBulkString(l.node?.name ?? "")
            c.addReplyBulkString("create-time")
            c.addReplyInteger(Int(l.ctime))
            c.addReplyBulkString("events")
            c.addReplyBulkString(l.mask.contains(.writable) ? "rw" : "r")
            c.addReplyBulkString("send-buffer-allocated")
            c.addReplyInteger(l.sendBuffer.capacity)
            c.addReplyBulkString("send-buffer-used")
            c.addReplyInteger(l.sendBuffer.count - l.sendOffset)
        }
    }

    static func keyslot(_ c: Client, _ k: Cluster) { c.addReplyInteger(HashSlot.of(c.arg(2))) }

    static func countkeysinslot(_ c: Client, _ k: Cluster) {
        guard let slot = c.argIntOrReply(2) else { return }
        if slot < 0 || slot >= Int64(HashSlot.count) {
            c.addReplyError("ERR Invalid slot")
            return
        }
        c.addReplyInteger(c.server.keyspace.dbs[0].slotIndex?.count(Int(slot)) ?? 0)
    }

    static func getkeysinslot(_ c: Client, _ k: Cluster) {
        guard let slot = c.argIntOrReply(2), let maxKeys = c.argIntOrReply(3) else { return }
        if slot < 0 || slot >= Int64(HashSlot.count) || maxKeys < 0 {
            c.addReplyError("ERR Invalid slot or number of keys")
            return
        }
        let entries = c.server.keyspace.dbs[0].slotIndex?.entries(Int(slot), limit: Int(min(maxKeys, Int64(Int32.max)))) ?? []
        c.addReplyArrayLen(entries.count)
        for e in entries { c.addReplyBulk(e.key) }
    }

    static func replicas(_ c: Client, _ k: Cluster) {
        guard let n = k.lookup(c.argString(2)) else {
            c.addReplyError("ERR Unknown node \(c.argString(2))")
            return
        }
        if n.isReplica {
            c.addReplyError("ERR The specified node is not a master")
            return
        }
        c.addReplyArrayLen(n.replicas.count)
        for r in n.replicas { c.addReplyBulkString(k.nodeLine(r, forFile: false).text) }
    }

    static func countFailureReports(_ c: Client, _ k: Cluster) {
        guard let n = k.lookup(c.argString(2)) else {
            c.addReplyError("ERR Unknown node \(c.argString(2))")
            return
        }
        c.addReplyInteger(k.failureReportCount(n))
    }

    // MARK: - Membership

    static func meet(_ c: Client, _ k: Cluster) {
        if c.argc != 4 && c.argc != 5 {
            c.addReplySubcommandSyntaxError()
            return
        }
        guard let port = c.argInt64(3) else {
            c.addReplyError("ERR Invalid TCP base port specified: \(c.argString(3))")
            return
        }
        var cport = port + 10000
        if c.argc == 5 {
            guard let p = c.argInt64(4) else {
                c.addReplyError("ERR Invalid TCP bus port specified: \(c.argString(4))")
                return
            }
            cport = p
        }
        if !k.startHandshake(ip: c.argString(2), port: Int(port), cport: Int(cport)) {
            c.addReplyError("ERR Invalid node address specified: \(c.argString(2)):\(c.argString(3))")
            return
        }
        c.addReplyOK()
    }

    static func forget(_ c: Client, _ k: Cluster) {
        guard let n = k.lookup(c.argString(2)) else {
            c.addReplyError("ERR Unknown node \(c.argString(2))")
            return
        }
        if n === k.myself {
            c.addReplyError("ERR I tried hard but I can't forget myself...")
            return
        }
        if k.myself.isReplica && k.myself.master === n {
            c.addReplyError("ERR Can't forget my master!")
            return
        }
        k.blacklist[n.name] = c.server.mstime / 1000 + 60
        k.deleteNode(n)
        k.todo.formUnion([.updateState, .saveConfig])
        c.addReplyOK()
    }

    static func replicate(_ c: Client, _ k: Cluster) {
        guard let n = k.lookup(c.argString(2)) else {
            c.addReplyError("ERR Unknown node \(c.argString(2))")
            return
        }
        if n === k.myself {
            c.addReplyError("ERR Can't replicate myself")
            return
        }
        if n.isReplica {
            c.addReplyError("ERR I can only replicate a master, not a replica.")
            return
        }
        if k.myself.isMaster && (k.myself.numSlots != 0 || c.server.keyspace.dbs[0].count != 0) {
            c.addReplyError("ERR To set a master the node must be empty and without assigned slots.")
            return
        }
        k.setMyMaster(n)
        k.todo.formUnion([.updateState, .saveConfig])
        c.addReplyOK()
    }

    static func reset(_ c: Client, _ k: Cluster) {
        var hard = false
        if c.argc == 3 {
            if c.argEquals(2, "hard") { hard = true } else if !c.argEquals(2, "soft") {
                c.addReplySyntaxError()
                return
            }
        } else if c.argc > 3 {
            c.addReplySubcommandSyntaxError()
            return
        }
        if k.myself.isMaster && c.db.count != 0 {
            c.addReplyError("ERR CLUSTER RESET can't be called with master nodes containing keys")
            return
        }
        k.reset(hard: hard)
        c.addReplyOK()
    }

    // MARK: - Slots

    static func slotOrReply(_ c: Client, _ i: Int) -> Int? {
        guard let v = c.argInt64(i), v >= 0, v < Int64(HashSlot.count) else {
            c.addReplyError("ERR Invalid or out of range slot")
            return nil
        }
        return Int(v)
    }

    static func flushslots(_ c: Client, _ k: Cluster) {
        if c.server.keyspace.dbs[0].count != 0 {
            c.addReplyError("ERR DB must be empty to perform CLUSTER FLUSHSLOTS.")
            return
        }
        k.unassignSlots(of: k.myself)
        k.todo.formUnion([.updateState, .saveConfig])
        c.addReplyOK()
    }

    /// Checks one range against the current owners and the slots already named.
    static func checkAssignments(_ c: Client, _ k: Cluster, _ seen: inout [UInt8], del: Bool, _ a: Int, _ b: Int) -> Bool {
        for s in a...b {
            if del && k.slotOwner[s] == nil {
                c.addReplyError("ERR Slot \(s) is already unassigned")
                return false
            } else if !del && k.slotOwner[s] != nil {
                c.addReplyError("ERR Slot \(s) is already busy")
                return false
            }
            seen[s] += 1
            if seen[s] == 2 {
                c.addReplyError("ERR Slot \(s) specified multiple times")
                return false
            }
        }
        return true
    }

    static func applySlots(_ k: Cluster, _ seen: [UInt8], del: Bool) {
        for s in 0..<HashSlot.count where seen[s] != 0 {
            if del {
                k.unassignSlot(s)
            } else {
                // Now the real owner: an import of this slot is over.
                k.importingFrom[s] = nil
                k.assignSlot(s, to: k.myself)
            }
        }
        k.todo.formUnion([.updateState, .saveConfig])
    }

    static func addOrDelSlots(_ c: Client, _ k: Cluster) {
        let del = c.argEquals(1, "delslots")
        for j in 2..<c.argc { guard slotOrReply(c, j) != nil else { return } }
        var seen = [UInt8](repeating: 0, count: HashSlot.count)
        for j in 2..<c.argc {
            let s = Int(c.argInt64(j)!)
            guard checkAssignments(c, k, &seen, del: del, s, s) else { return }
        }
        applySlots(k, seen, del: del)
        c.addReplyOK()
    }

    static func addOrDelSlotsRange(_ c: Client, _ k: Cluster) {
        if c.argc % 2 == 1 {
            c.addReplyErrorArity()
            return
        }
        let del = c.argEquals(1, "delslotsrange")
        var seen = [UInt8](repeating: 0, count: HashSlot.count)
        var j = 2
        while j < c.argc {
            guard let a = slotOrReply(c, j), let b = slotOrReply(c, j + 1) else { return }
            if a > b {
                c.addReplyError("ERR start slot number \(a) is greater than end slot number \(b)")
                return
            }
            guard checkAssignments(c, k, &seen, del: del, a, b) else { return }
            j += 2
        }
        applySlots(k, seen, del: del)
        c.addReplyOK()
    }

    static func setslot(_ c: Client, _ k: Cluster) {
        if k.myself.isReplica {
            c.addReplyError("ERR Please use SETSLOT only with masters.")
            return
        }
        guard let slot = slotOrReply(c, 2) else { return }
        let count = c.server.keyspace.dbs[0].slotIndex?.count(slot) ?? 0
        if c.argEquals(3, "migrating") && c.argc == 5 {
            if k.slotOwner[slot] !== k.myself {
                c.addReplyError("ERR I'm not the owner of hash slot \(slot)")
                return
            }
            guard let n = k.lookup(c.argString(4)) else {
                c.addReplyError("ERR I don't know about node \(c.argString(4))")
                return
            }
            if n.isReplica {
                c.addReplyError("ERR Target node is not a master")
                return
            }
            k.migratingTo[slot] = n
        } else if c.argEquals(3, "importing") && c.argc == 5 {
            if k.slotOwner[slot] === k.myself {
                c.addReplyError("ERR I'm already the owner of hash slot \(slot)")
                return
            }
            guard let n = k.lookup(c.argString(4)) else {
                c.addReplyError("ERR I don't know about node \(c.argString(4))")
                return
            }
            if n.isReplica {
                c.addReplyError("ERR Target node is not a master")
                return
            }
            k.importingFrom[slot] = n
        } else if c.argEquals(3, "stable") && c.argc == 4 {
            k.importingFrom[slot] = nil
            k.migratingTo[slot] = nil
        } else if c.argEquals(3, "node") && c.argc == 5 {
            guard let n = k.lookup(c.argString(4)) else {
                c.addReplyError("ERR Unknown node \(c.argString(4))")
                return
            }
            if n.isReplica {
                c.addReplyError("ERR Target node is not a master")
                return
            }
            if k.slotOwner[slot] === k.myself && n !== k.myself && count != 0 {
                c.addReplyError("ERR Can't assign hashslot \(slot) to a different node while I still hold keys for this hash slot.")
                return
            }
            if count == 0 && k.migratingTo[slot] != nil { k.migratingTo[slot] = nil }
            let wasMine = k.slotOwner[slot] === k.myself
            k.unassignSlot(slot)
            k.assignSlot(slot, to: n)
            if wasMine && n !== k.myself && k.myself.numSlots == 0 && c.server.config.clusterAllowReplicaMigration {
                c.server.log(.warning, "Configuration change detected. Reconfiguring myself as a replica of \(n.name)")
                k.setMyMaster(n)
                k.todo.formUnion([.saveConfig, .updateState])
            }
            if n === k.myself && k.importingFrom[slot] != nil {
                if k.bumpEpochWithoutConsensus() {
                    c.server.log(.warning, "configEpoch updated after importing slot \(slot)")
                }
                k.importingFrom[slot] = nil
                k.broadcastPong()
            }
        } else {
            c.addReplyError("ERR Invalid CLUSTER SETSLOT action or number of arguments. Try CLUSTER HELP")
            return
        }
        k.todo.formUnion([.saveConfig, .updateState])
        c.addReplyOK()
    }

    // MARK: - Epochs and configuration

    static func bumpepoch(_ c: Client, _ k: Cluster) {
        let bumped = k.bumpEpochWithoutConsensus()
        c.addReplyStatus("\(bumped ? "BUMPED" : "STILL") \(k.myself.configEpoch)")
    }

    static func setConfigEpoch(_ c: Client, _ k: Cluster) {
        guard let epoch = c.argIntOrReply(2) else { return }
        if epoch < 0 {
            c.addReplyError("ERR Invalid config epoch specified: \(epoch)")
        } else if k.nodes.count > 1 {
            c.addReplyError("ERR The user can assign a config epoch only when the node does not know any other node.")
        } else if k.myself.configEpoch != 0 {
            c.addReplyError("ERR Node config epoch is already non-zero")
        } else {
            k.myself.configEpoch = UInt64(epoch)
            c.server.log(.warning, "configEpoch set to \(epoch) via CLUSTER SET-CONFIG-EPOCH")
            if k.currentEpoch < UInt64(epoch) { k.currentEpoch = UInt64(epoch) }
            k.todo.formUnion([.updateState, .saveConfig])
            c.addReplyOK()
        }
    }

    static func saveconfig(_ c: Client, _ k: Cluster) {
        do {
            try k.saveConfigOrThrow()
            c.addReplyOK()
        } catch let e as Cluster.StartupError {
            c.addReplyError("ERR error saving the cluster node config: \(e.message)")
        } catch {
            c.addReplyError("ERR error saving the cluster node config")
        }
    }

    static func failover(_ c: Client, _ k: Cluster) {
        var force = false, takeover = false
        if c.argc == 3 {
            if c.argEquals(2, "force") { force = true } else if c.argEquals(2, "takeover") {
                takeover = true
                force = true
            } else {
                c.addReplySyntaxError()
                return
            }
        } else if c.argc > 3 {
            c.addReplySubcommandSyntaxError()
            return
        }
        if k.myself.isMaster {
            c.addReplyError("ERR You should send CLUSTER FAILOVER to a replica")
            return
        }
        guard let master = k.myself.master else {
            c.addReplyError("ERR I'm a replica but my master is unknown to me")
            return
        }
        if !force && (master.failed || master.link == nil) {
            c.addReplyError("ERR Master is down or failed, please use CLUSTER FAILOVER FORCE")
            return
        }
        k.resetManualFailover()
        k.mfEnd = c.server.mstime + Cluster.manualFailoverTimeout
        if takeover {
            c.server.log(.warning, "Taking over the master (user request).")
            k.bumpEpochWithoutConsensus()
            k.replaceMyMaster()
        } else if force {
            c.server.log(.warning, "Forced failover user request accepted.")
            k.mfCanStart = true
        } else {
            c.server.log(.warning, "Manual failover user request accepted.")
            if let l = master.link { k.send(l, k.header(.mfStart, body: .none)) }
        }
        c.addReplyOK()
    }
}

// MARK: - Atomic slot migration (beyond 7.0; SlotMigration.swift)

extension ClusterCommands {
    /// CLUSTER MIGRATESLOTS SLOTSRANGE start end [start end …] NODE id [SLOTSRANGE … NODE id …]
    static func migrateslots(_ c: Client, _ k: Cluster) {
        var requests: [(ranges: [ClosedRange<Int>], node: String)] = []
        var j = 2
        while j < c.argc {
            guard c.argEquals(j, "slotsrange") else { c.addReplySyntaxError(); return }
            j += 1
            var ranges: [ClosedRange<Int>] = []
            while j + 1 < c.argc && !c.argEquals(j, "node") {
                guard let a = slotOrReply(c, j), let b = slotOrReply(c, j + 1) else { return }
                if a > b {
                    c.addReplyError("ERR start slot number \(a) is greater than end slot number \(b)")
                    return
                }
                ranges.append(a...b)
                j += 2
            }
            guard !ranges.isEmpty, j + 1 < c.argc, c.argEquals(j, "node") else { c.addReplySyntaxError(); return }
            requests.append((ranges, c.argString(j + 1)))
            j += 2
        }
        if requests.isEmpty {
            c.addReplySyntaxError()
            return
        }
        if let e = k.startMigrations(requests) { c.addReplyError(e) } else { c.addReplyOK() }
    }

    static func getslotmigrations(_ c: Client, _ k: Cluster) {
        c.addReplyArrayLen(k.migrations.count)
        for job in k.migrations {
            let fields: [(String, String)] = [
                ("name", job.name), ("operation", job.operation.rawValue), ("slot_ranges", job.rangesText),
                ("target_node", job.targetName), ("source_node", job.sourceName),
                ("create_time", String(job.createTime)), ("last_update_time", String(job.lastUpdateTime)),
                ("last_ack_time", String(job.lastAckTime)), ("state", job.state.rawValue), ("message", job.message),
                ("remaining_repl_size", String(job.link?.queuedBytes ?? 0)),
            ]
            c.addReplyMapLen(fields.count)
            for (key, v) in fields {
                c.addReplyBulkString(key)
                if key.hasSuffix("_time") || key == "remaining_repl_size" {
                    c.addReplyInteger(Int(v) ?? 0)
                } else {
                    c.addReplyBulkString(v)
                }
            }
        }
    }

    static func cancelslotmigrations(_ c: Client, _ k: Cluster) {
        k.cancelMigrations()
        c.addReplyOK()
    }

    /// The target side of a migration (sent by the source node, not by users):
    /// ESTABLISH name source-id start end [start end …] | FINISH name.
    static func syncslots(_ c: Client, _ k: Cluster) {
        if c.argc >= 6 && c.argc % 2 == 1 && c.argEquals(2, "establish") {
            var ranges: [ClosedRange<Int>] = []
            var j = 5
            while j + 1 < c.argc {
                guard let a = slotOrReply(c, j), let b = slotOrReply(c, j + 1) else { return }
                guard a <= b else { c.addReplySyntaxError(); return }
                ranges.append(a...b)
                j += 2
            }
            if let e = k.syncSlotsEstablish(c, name: c.argString(3), source: c.argString(4), ranges: ranges) {
                c.addReplyError(e)
            } else {
                c.addReplyOK()
            }
        } else if c.argc == 4 && c.argEquals(2, "finish") {
            if let e = k.syncSlotsFinish(c, name: c.argString(3)) { c.addReplyError(e) } else { c.addReplyOK() }
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }
}

extension Cluster {
    /// CLUSTER MEET: a handshake node for the address (clusterStartHandshake); false
    /// for an invalid address or port.
    func startHandshake(ip raw: String, port: Int, cport: Int) -> Bool {
        guard let ip = Cluster.normalizedIP(raw) else { return false }
        if port <= 0 || port > 65535 || cport <= 0 || cport > 65535 { return false }
        // A handshake with this address is already in progress: nothing to do.
        if nodes.values.contains(where: { $0.inHandshake && $0.ip == ip && $0.port == port && $0.cport == cport }) {
            return true
        }
        let n = ClusterNode(name: ClusterNode.randomName(), flags: [.handshake, .meet], now: now)
        n.ip = ip
        n.port = port
        n.cport = cport
        addNode(n)
        return true
    }

    static func normalizedIP(_ s: String) -> String? {
        var a4 = in_addr()
        if inet_pton(AF_INET, s, &a4) == 1 {
            var buf = [CChar](repeating: 0, count: 64)
            inet_ntop(AF_INET, &a4, &buf, 64)
            return String(cString: buf)
        }
        var a6 = in6_addr()
        if inet_pton(AF_INET6, s, &a6) == 1 {
            var buf = [CChar](repeating: 0, count: 64)
            inet_ntop(AF_INET6, &a6, &buf, 64)
            return String(cString: buf)
        }
        return nil
    }

    /// CLUSTER RESET (clusterReset): a replica becomes an empty master; slots, other
    /// nodes and migrations are forgotten; HARD also zeroes the epochs and renames us.
    func reset(hard: Bool) {
        if myself.isReplica {
            setNodeAsMaster(myself)
            server.replicationUnsetMaster()
            for db in server.keyspace.dbs { db.flush() }
        }
        for s in 0..<HashSlot.count { migratingTo[s] = nil; importingFrom[s] = nil }
        resetManualFailover()
        for s in 0..<HashSlot.count { unassignSlot(s) }
        for n in Array(nodes.values) where n !== myself { deleteNode(n) }
        if hard {
            currentEpoch = 0
            lastVoteEpoch = 0
            myself.configEpoch = 0
            server.log(.warning, "configEpoch set to 0 via CLUSTER RESET HARD")
            renameNode(myself, to: ClusterNode.randomName())
            server.log(.notice, "Node hard reset, now I'm \(myself.name)")
        }
        todo.formUnion([.saveConfig, .updateState])
    }
}
