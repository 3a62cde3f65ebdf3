// The cluster's timers and its failover logic (Redis 7.0's clusterCron and the replica
// functions of cluster.c): every 100 ms links are (re)connected, handshakes time out,
// nodes whose pong is overdue are pinged, a node silent for cluster-node-timeout is
// flagged PFAIL; once a second the node with the oldest pong among five random ones is
// pinged. A replica of a FAIL master waits its rank-based delay, asks the masters for
// votes with a new epoch and, with a majority, takes over its master's slots;
// masters vote once per epoch (and once per failed master within twice the
// timeout). Also manual failover (CLUSTER FAILOVER [FORCE|TAKEOVER]) and replica
// migration to orphaned masters.

import Glibc
import CApusSys

extension Cluster {
    // MARK: - Cron (every 100 ms)

    func cron() {
        cronIterations += 1
        let handshakeTimeout = max(nodeTimeout, 1000)
        statsPfailNodes = 0
        for n in Array(nodes.values) {
            if n === myself || !n.hasAddress { continue }
            if n.timedOut { statsPfailNodes += 1 }
            if n.inHandshake && now - n.ctime > handshakeTimeout {
                deleteNode(n)
                continue
            }
            if n.link == nil { connect(n) }
        }

        // Once a second, ping the node with the oldest pong among five random ones.
        if cronIterations % 10 == 0 {
            let candidates = nodes.values.filter { $0 !== myself && $0.link != nil && $0.pingSent == 0 && !$0.inHandshake }
            var oldest: ClusterNode?
            for _ in 0..<5 where !candidates.isEmpty {
                let n = candidates[Int.random(in: 0..<candidates.count)]
                if oldest == nil || n.pongReceived < oldest!.pongReceived { oldest = n }
            }
            if let n = oldest, let l = n.link, l.connected { sendPing(l, type: .ping) }
        }

        var orphanedMasters = 0, maxReplicas = 0, myReplicas = 0
        var update = false
        for n in Array(nodes.values) {
            if n === myself || !n.hasAddress || n.inHandshake { continue }
            if myself.isReplica && n.isMaster && !n.failed {
                let ok = n.nonFailingReplicas
                if ok == 0 && n.numSlots > 0 && n.flags.contains(.migrateTo) { orphanedMasters += 1 }
                maxReplicas = max(maxReplicas, ok)
                if myself.master === n { myReplicas = ok }
            }
            let pingDelay = now - n.pingSent
            let dataDelay = now - n.dataReceived
            let delay = min(pingDelay, dataDelay)
            // A link that has been waiting for a pong for half the timeout is
            // reconnected: the problem may be the connection, not the node.
            if let l = n.link, now - l.ctime > nodeTimeout, n.pingSent != 0,
               pingDelay > nodeTimeout / 2, dataDelay > nodeTimeout / 2 {
                freeLink(l)
            }
            if let l = n.link, l.connected, n.pingSent == 0, now - n.pongReceived > nodeTimeout / 2 {
                sendPing(l, type: .ping)
                continue
            }
            if mfEnd != 0 && myself.isMaster && mfReplica === n, let l = n.link, l.connected {
                sendPing(l, type: .ping)
                continue
            }
            if n.pingSent == 0 { continue }
            if delay > nodeTimeout && n.flags.intersection([.pfail, .fail]).isEmpty {
                server.log(.debug, "*** NODE \(n.name) possibly failing")
                n.flags.insert(.pfail)
                update = true
            }
        }

        // A replica whose replication is off follows its master once it has an address.
        if myself.isReplica, let m = myself.master, !m.ip.isEmpty, server.config.masterHost == nil {
            server.replicationSetMaster(host: m.ip, port: m.port)
        }
        manualFailoverCheckTimeout()
        if myself.isReplica {
            handleManualFailover()
            handleReplicaFailover()
            if orphanedMasters > 0 && maxReplicas >= 2 && myReplicas == maxReplicas
                && server.config.clusterAllowReplicaMigration {
                handleReplicaMigration(maxReplicas: maxReplicas)
            }
        }
        if update || !stateOK { updateState() }
        // Forgotten ids may come back after their minute.
        if cronIterations % 10 == 0 { _ = isBlacklisted("") }
    }

    // MARK: - Replica failover

    /// This replica's rank among its master's replicas: how many have a larger
    /// replication offset (clusterGetSlaveRank).
    var replicaRank: Int {
        guard let m = myself.master else { return 0 }
        let mine = replicaOffset
        return m.replicas.filter { $0 !== myself && !$0.failed && $0.replOffset > mine }.count
    }

    /// Redis's clusterHandleSlaveFailover: schedule, request votes, count them, win.
    func handleReplicaFailover() {
        guard myself.isReplica, let master = myself.master else { return }
        let manual = mfEnd != 0 && mfCanStart
        let authTimeout = max(nodeTimeout * 2, 2000)
        let retryTime = authTimeout * 2
        let authAge = now - failoverAuthTime
        // Preconditions: the master is down (or a manual failover), it served slots,
        // and failover is allowed.
        if (!master.failed && !manual) || (server.config.clusterReplicaNoFailover && !manual) || master.numSlots == 0 {
            cantFailoverReason = 0
            return
        }
        // The replica's data may be too old to promote.
        var dataAge: Int64
        if server.repl.linkState == .connected {
            dataAge = (now - (server.repl.master?.lastInteraction ?? now))
        } else {
            dataAge = server.repl.linkDownSince != 0 ? now - server.repl.linkDownSince * 1000 : 0
        }
        if dataAge > nodeTimeout { dataAge -= nodeTimeout }
        let factor = Int64(server.config.clusterReplicaValidityFactor)
        if factor > 0 && dataAge > Int64(server.config.replPingReplicaPeriod) * 1000 + nodeTimeout * factor && !manual {
            logCantFailover(1, "Disconnected from master for longer than allowed. Please check the 'cluster-replica-validity-factor' configuration option.")
            return
        }
        if authAge > retryTime {
            failoverAuthTime = now + 500 + Int64.random(in: 0..<500)
            failoverAuthCount = 0
            failoverAuthSent = false
            failoverAuthRank = replicaRank
            failoverAuthTime += Int64(failoverAuthRank) * 1000
            if manual {
                failoverAuthTime = now
                failoverAuthRank = 0
                todo.insert(.handleFailover)
            }
            server.log(.notice, "Start of election delayed for \(failoverAuthTime - now) milliseconds (rank #\(failoverAuthRank), offset \(replicaOffset)).")
            // Let the other replicas know our offset, so they can rank themselves.
            broadcastPong(localReplicasOnly: true)
            return
        }
        // Our rank may have changed since the schedule: only move later.
        if !failoverAuthSent && !manual {
            let rank = replicaRank
            if rank > failoverAuthRank {
                failoverAuthTime += Int64(rank - failoverAuthRank) * 1000
                failoverAuthRank = rank
                server.log(.notice, "Replica rank updated to #\(rank), added \((rank - failoverAuthRank) * 1000) milliseconds of delay.")
            }
        }
        if now < failoverAuthTime {
            logCantFailover(2, "Waiting the delay before I can start a new failover.")
            return
        }
        if authAge > authTimeout {
            logCantFailover(3, "Failover attempt expired.")
            return
        }
        if !failoverAuthSent {
            currentEpoch += 1
            failoverAuthEpoch = currentEpoch
            server.log(.notice, "Starting a failover election for epoch \(currentEpoch).")
            var msg = header(.failoverAuthRequest, body: .none)
            if manual { msg.mflags.0 |= ClusterBusMessage.flagForceAck }
            broadcast(msg)
            failoverAuthSent = true
            todo.formUnion([.saveConfig, .updateState])
            return
        }
        let quorum = size / 2 + 1
        if failoverAuthCount >= quorum {
            server.log(.notice, "Failover election won: I'm the new master.")
            if myself.configEpoch < failoverAuthEpoch {
                myself.configEpoch = failoverAuthEpoch
                server.log(.notice, "configEpoch set to \(myself.configEpoch) after successful failover")
            }
            replaceMyMaster()
        } else {
            logCantFailover(4, "Waiting for votes, but majority still not reached.")
        }
    }

    private func logCantFailover(_ reason: Int, _ text: String) {
        // Logged when the reason changes, or every 10 s while the master stays down.
        if reason == cantFailoverReason && now - lastLogTime < 10_000 { return }
        cantFailoverReason = reason
        lastLogTime = now
        server.log(.notice, "Currently unable to failover: \(text)")
    }

    /// Takes the master's place (clusterFailoverReplaceYourMaster): master role, its
    /// slots, replication stopped, everyone told at once.
    func replaceMyMaster() {
        guard myself.isReplica, let old = myself.master else { return }
        setNodeAsMaster(myself)
        server.replicationUnsetMaster()
        for s in 0..<HashSlot.count where slotOwner[s] === old {
            unassignSlot(s)
            assignSlot(s, to: myself)
        }
        updateState()
        saveConfig()
        broadcastPong()
        resetManualFailover()
    }

    /// A master's vote for a replica asking to replace its failed master
    /// (clusterSendFailoverAuthIfNeeded).
    func sendFailoverAuthIfNeeded(_ node: ClusterNode, _ req: ClusterBusMessage) {
        let forceAck = req.mflags.0 & ClusterBusMessage.flagForceAck != 0
        if myself.isReplica || myself.numSlots == 0 { return }
        if req.currentEpoch < currentEpoch {
            server.log(.warning, "Failover auth denied to \(node.name): reqEpoch (\(req.currentEpoch)) < curEpoch(\(currentEpoch))")
            return
        }
        if lastVoteEpoch == currentEpoch {
            server.log(.warning, "Failover auth denied to \(node.name): already voted for epoch \(currentEpoch)")
            return
        }
        guard node.isReplica, let master = node.master, master.failed || forceAck else {
            server.log(.warning, "Failover auth denied to \(node.name): its master is up")
            return
        }
        if now - master.votedTime < nodeTimeout * 2 {
            server.log(.warning, "Failover auth denied to \(node.name): can't vote about this master before \(nodeTimeout * 2 - (now - master.votedTime)) milliseconds")
            return
        }
        for j in 0..<HashSlot.count where req.slots[j] {
            guard let owner = slotOwner[j], owner.configEpoch > req.configEpoch else { continue }
            server.log(.warning, "Failover auth denied to \(node.name): slot \(j) epoch (\(owner.configEpoch)) > reqEpoch (\(req.configEpoch))")
            return
        }
        lastVoteEpoch = currentEpoch
        master.votedTime = now
        saveConfig()
        if let l = node.link { send(l, header(.failoverAuthAck, body: .none)) } else if let l = node.inboundLink {
            send(l, header(.failoverAuthAck, body: .none))
        }
        server.log(.notice, "Failover auth granted to \(node.name) for epoch \(currentEpoch)")
    }

    // MARK: - Manual failover

    func resetManualFailover() {
        // A master that paused its writers for a replica's manual failover lets them go,
        // whatever the outcome (it may already have become a replica).
        if mfReplica != nil && server.pausedUntilMs != 0 { server.unpauseClients() }
        mfEnd = 0
        mfCanStart = false
        mfReplica = nil
        mfMasterOffset = -1
    }

    func manualFailoverCheckTimeout() {
        if mfEnd != 0 && mfEnd < now {
            server.log(.warning, "Manual failover timed out.")
            resetManualFailover()
        }
    }

    /// The replica side: start once our offset reached the paused master's.
    func handleManualFailover() {
        if mfEnd == 0 || mfCanStart || mfMasterOffset == -1 { return }
        if mfMasterOffset == replicaOffset {
            mfCanStart = true
            server.log(.notice, "All master replication stream processed, manual failover can start.")
            todo.insert(.handleFailover)
        }
    }

    // MARK: - Replica migration

    /// Moves this replica to an orphaned master when its own master keeps enough
    /// replicas (clusterHandleSlaveMigration).
    func handleReplicaMigration(maxReplicas: Int) {
        guard stateOK, let mymaster = myself.master else { return }
        let okReplicas = mymaster.replicas.filter { !$0.failed && !$0.timedOut }.count
        if okReplicas <= server.config.clusterMigrationBarrier { return }
        // Among the replicas of the masters with the most working replicas, the one with
        // the smallest id moves; the target is the first orphaned master with slots.
        var candidate = myself
        var target: ClusterNode?
        for n in sortedNodes {
            let ok = n.isMaster ? n.nonFailingReplicas : 0
            let orphaned = n.isMaster && !n.failed && n.flags.contains(.migrateTo) && ok == 0
            if orphaned {
                if target == nil && n.numSlots > 0 { target = n }
                if n.orphanedTime == 0 { n.orphanedTime = now }
            } else {
                n.orphanedTime = 0
            }
            if ok == maxReplicas {
                for r in n.replicas where r.name < candidate.name { candidate = r }
            }
        }
        if let t = target, candidate === myself, now - t.orphanedTime > 5000 {
            server.log(.notice, "Migrating to orphaned master \(t.name)")
            setMyMaster(t)
            todo.formUnion([.saveConfig, .updateState])
        }
    }

    // MARK: - Pub/Sub over the bus

    func propagatePublish(channel: [UInt8], message: [UInt8], shard: Bool) {
        if !shard {
            broadcast(header(.publish, body: .publish(channel: channel, message: message)))
            return
        }
        let master = myself.isMaster ? myself : myself.master
        guard let m = master else { return }
        for n in [m] + m.replicas where n !== myself && !n.inHandshake {
            if let l = n.link { send(l, header(.publishShard, body: .publish(channel: channel, message: message))) }
        }
    }
}

extension Server {
    func pubsubPublishLocally(channel: [UInt8], message: [UInt8]) {
        channel.withUnsafeBytes { c in message.withUnsafeBytes { m in _ = pubsub.publish(channel: c, message: m, shard: false) } }
    }

    func pubsubPublishShardLocally(channel: [UInt8], message: [UInt8]) {
        channel.withUnsafeBytes { c in message.withUnsafeBytes { m in _ = pubsub.publish(channel: c, message: m, shard: true) } }
    }

    /// A master stops writes while its replica catches up for a manual failover.
    func pauseForManualFailover(untilMs: Int64) { pauseClients(untilMs: untilMs, writesOnly: true) }
}
