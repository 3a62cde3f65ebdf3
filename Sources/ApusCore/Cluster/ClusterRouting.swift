// Which node serves a command (Redis 7.0's getNodeByQuery and clusterRedirectClient):
// the keys named by the command table (a transaction's queued commands at EXEC) must
// hash to one slot; an unassigned slot, a failed cluster, a slot being migrated or
// imported and READONLY on replicas decide between serving here and -MOVED, -ASK,
// -TRYAGAIN, -CROSSSLOT or -CLUSTERDOWN. A node without cluster mode never gets
// here, so the GET/SET path of a plain server pays nothing.

extension Server {
    enum Redirect {
        case none, crossSlot, unstable, downState, downReadOnlyState, downUnbound
        case moved(Int, ClusterNode), ask(Int, ClusterNode)
    }

    /// Runs before a command that names keys; true when it was redirected or refused
    /// (the reply is written).
    func clusterRedirects(_ c: Client, _ cmd: RedisCommand) -> Bool {
        guard let cluster = cluster else { return false }
        if c.flags.contains(.master) || c.flags.contains(.slotImport) { return false }
        let isExec = cmd.name == "exec" && cmd.parent == nil
        if !isExec && !cmd.flags.contains(.movableKeys) && cmd.firstKey == 0 && cmd.doc.keySpecs.isEmpty { return false }
        if !isExec && servedHereWithoutQuestion(c, cmd, cluster) { return false }
        let r = route(c, cmd, cluster, isExec: isExec)
        if case .none = r { return false }
        if isExec { TransactionCommands.discardTransaction(c) } else { flagTransaction(c) }
        cmd.rejectedCalls += 1
        let endpoint: (ClusterNode) -> String = { n in ClusterCommands.preferredEndpoint(n, self.config) + ":\(n.port)" }
        switch r {
        case .crossSlot: c.addReplyError("CROSSSLOT Keys in request don't hash to the same slot")
        case .unstable: c.addReplyError("TRYAGAIN Multiple keys request during rehashing of slot")
        case .downState: c.addReplyError("CLUSTERDOWN The cluster is down")
        case .downReadOnlyState: c.addReplyError("CLUSTERDOWN The cluster is down and only accepts read commands")
        case .downUnbound: c.addReplyError("CLUSTERDOWN Hash slot not served")
        case .moved(let slot, let n): c.addReplyError("MOVED \(slot) \(endpoint(n))")
        case .ask(let slot, let n): c.addReplyError("ASK \(slot) \(endpoint(n))")
        case .none: break
        }
        return true
    }

    /// The common case, decided without copying a key: a command with fixed key
    /// positions whose keys all hash to one slot this (healthy) node serves and that
    /// is not migrating or importing. Anything else takes `route`.
    @inline(__always)
    private func servedHereWithoutQuestion(_ c: Client, _ cmd: RedisCommand, _ k: Cluster) -> Bool {
        if cmd.flags.contains(.movableKeys) || cmd.firstKey <= 0 || !k.stateOK { return false }
        let last = cmd.lastKey >= 0 ? cmd.lastKey : c.argc + cmd.lastKey
        var i = cmd.firstKey
        var slot = -1
        while i <= last && i < c.argc {
            let s = HashSlot.of(c.arg(i))
            if slot >= 0 && s != slot { return false }
            slot = s
            i += max(cmd.keyStep, 1)
        }
        return slot >= 0 && k.slotOwner[slot] === k.myself && k.migratingTo[slot] == nil && k.importingFrom[slot] == nil
    }

    /// The keys of one command line, as (argument index) positions.
    private func keyPositions(_ cmd: RedisCommand, argc: Int, arg: (Int) -> [UInt8]) -> [Int] {
        if !cmd.flags.contains(.movableKeys) && cmd.firstKey > 0 {
            var out: [Int] = []
            let last = cmd.lastKey >= 0 ? cmd.lastKey : argc + cmd.lastKey
            var i = cmd.firstKey
            while i <= last && i < argc {
                out.append(i)
                i += max(cmd.keyStep, 1)
            }
            return out
        }
        let argv = (0..<argc).map(arg)
        return CommandCommands.keys(of: cmd, argv: argv).map { $0.pos }
    }

    private func route(_ c: Client, _ cmd: RedisCommand, _ k: Cluster, isExec: Bool) -> Redirect {
        var lines: [(RedisCommand, [[UInt8]]?)] = []
        if isExec {
            guard c.flags.contains(.multi) else { return .none }
            for q in c.multiQueue ?? [] { lines.append((q.command, q.args)) }
        } else {
            lines.append((cmd, nil))
        }
        let shardPubSub = ["spublish", "ssubscribe", "sunsubscribe"].contains(cmd.name)
        var firstKey: [UInt8]?
        var slot = -1
        var owner: ClusterNode?
        var migrating = false, importing = false, multipleKeys = false
        var missing = 0
        var anyWrite = cmd.flags.contains(.write)
        let db = keyspace.dbs[0]
        for (lc, args) in lines {
            if lc.flags.contains(.write) { anyWrite = true }
            let argc = args?.count ?? c.argc
            let arg: (Int) -> [UInt8] = { i in args?[i] ?? Array(c.arg(i)) }
            for pos in keyPositions(lc, argc: argc, arg: arg) {
                let key = arg(pos)
                let thisSlot = HashSlot.of(key)
                if firstKey == nil {
                    firstKey = key
                    slot = thisSlot
                    guard let n = k.slotOwner[slot] else { return .downUnbound }
                    owner = n
                    if n === k.myself && k.migratingTo[slot] != nil {
                        migrating = true
                    } else if k.importingFrom[slot] != nil {
                        importing = true
                    }
                } else if key != firstKey! {
                    if thisSlot != slot { return .crossSlot }
                    multipleKeys = true
                }
                if (migrating || importing) && !shardPubSub {
                    let found = key.withUnsafeBytes { db.lookupReadNoStats($0, now: mstime, touch: false) } != nil
                    if !found { missing += 1 }
                }
            }
        }
        guard let n = owner else { return .none }
        if !k.stateOK {
            if shardPubSub {
                if !config.clusterAllowPubsubshardWhenDown { return .downState }
            } else if !config.clusterAllowReadsWhenDown {
                return .downState
            } else if anyWrite {
                return .downReadOnlyState
            }
            // Reads on a cluster that is down are served where the slot lives here.
        }
        if (migrating || importing) && cmd.name == "migrate" { return .none }
        if migrating && missing > 0, let target = k.migratingTo[slot] { return .ask(slot, target) }
        if importing && (c.flags.contains(.asking) || cmd.flags.contains(.asking)) {
            return multipleKeys && missing > 0 ? .unstable : .none
        }
        if c.flags.contains(.readonlyCluster) && !anyWrite && k.myself.isReplica && k.myself.master === n { return .none }
        if n !== k.myself { return .moved(slot, n) }
        return .none
    }
}
