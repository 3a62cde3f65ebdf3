// Failure detection and failover (Redis's sentinel.c, acting half): SDOWN from our own
// pings, ODOWN when `quorum` sentinels agree (asked with SENTINEL is-master-down-by-addr,
// which also carries the vote request), leader election per epoch (one vote per
// epoch, first come; the winner needs max(quorum, majority)), and the failover state
// machine: select a replica, promote it, reconfigure the others parallel-syncs at a
// time, then monitor the promoted replica as the master with a new config epoch.

import Glibc

extension Sentinel {
    // MARK: - Down detection

    func checkSubjectivelyDown(_ ri: SentinelInstance) {
        let link = ri.link
        var elapsed: Int64 = 0
        if link.actPingTime != 0 {
            elapsed = now - link.actPingTime
        } else if link.disconnected {
            elapsed = now - link.lastAvailTime
        }
        // A command link that stopped answering pings for half the down-after time is
        // reconnected, and a pub/sub link silent for three hello periods too.
        if let cc = link.cc, now - link.ccConnTime > timing.minLinkReconnectPeriod, link.actPingTime != 0,
           now - link.actPingTime > ri.downAfterPeriod / 2, now - link.lastPongTime > ri.downAfterPeriod / 2 {
            cc.close(reason: "ping timeout")
        }
        if let pc = link.pc, now - link.pcConnTime > timing.minLinkReconnectPeriod,
           now - link.pcLastActivity > timing.publishPeriod * 3 {
            pc.close(reason: "pub/sub idle")
        }
        let reportsReplica = ri.isMaster && ri.roleReported == .replica
            && now - ri.roleReportedTime > ri.downAfterPeriod + timing.infoPeriod * 2
        let rebootTooLong = ri.flags.contains(.masterReboot)
            && now - ri.masterRebootSinceTime > (ri.settings?.masterRebootDownAfterMs ?? 0)
        if elapsed > ri.downAfterPeriod || reportsReplica || rebootTooLong {
            if !ri.flags.contains(.sDown) {
                event(.warning, "+sdown", ri)
                ri.sDownSinceTime = now
                ri.flags.insert(.sDown)
            }
        } else if ri.flags.contains(.sDown) {
            event(.warning, "-sdown", ri)
            ri.flags.remove([.sDown, .scriptKillSent])
        }
    }

    func checkObjectivelyDown(_ m: SentinelInstance) {
        var agree = 0
        if m.flags.contains(.sDown) {
            agree = 1 + m.sentinels.filter { $0.flags.contains(.masterDown) }.count
        }
        if agree > 0 && agree >= m.quorum {
            if !m.flags.contains(.oDown) {
                event(.warning, "+odown", m, " #quorum \(agree)/\(m.quorum)")
                m.flags.insert(.oDown)
                m.oDownSinceTime = now
            }
        } else if m.flags.contains(.oDown) {
            event(.warning, "-odown", m)
            m.flags.remove(.oDown)
        }
    }

    /// Asks the other sentinels whether they see `m` down (every ask period, or at
    /// once when forced); while we run a failover the question is also a vote request.
    func askMasterStateToOtherSentinels(_ m: SentinelInstance, forced: Bool) {
        for ri in m.sentinels {
            if now - ri.lastMasterDownReplyTime > timing.askPeriod * 5 {
                ri.flags.remove(.masterDown)
                ri.leader = nil
            }
            guard m.flags.contains(.sDown), !ri.link.disconnected, let cc = ri.link.cc else { continue }
            if !forced && now - ri.lastMasterDownReplyTime < timing.askPeriod { continue }
            let runid = m.failoverState > .none ? myid : "*"
            cc.send([ri.mapped("SENTINEL"), "is-master-down-by-addr", shown(m), String(m.port), String(currentEpoch), runid]) {
                [weak self, weak ri] v in
                guard let self = self, let ri = ri else { return }
                self.isMasterDownReply(ri, v)
            }
        }
    }

    func isMasterDownReply(_ ri: SentinelInstance, _ v: RESPValue) {
        guard case .array(let a) = v, a.count == 3, case .integer(let down) = a[0], case .bulk(let leader) = a[1],
              case .integer(let epoch) = a[2] else { return }
        ri.lastMasterDownReplyTime = now
        if down == 1 { ri.flags.insert(.masterDown) } else { ri.flags.remove(.masterDown) }
        let l = String(decoding: leader, as: UTF8.self)
        if l != "*" {
            if ri.leaderEpoch != UInt64(max(epoch, 0)) { server.log(.warning, "\(ri.name) voted for \(l) \(epoch)") }
            ri.leader = l
            ri.leaderEpoch = UInt64(max(epoch, 0))
        }
    }

    // MARK: - Election

    /// sentinelVoteLeader: our vote for `m` in `epoch`, given once per epoch to the
    /// first who asks (ourselves included). Returns who we voted for and when.
    func voteLeader(_ m: SentinelInstance, epoch: UInt64, runId: String) -> (String?, UInt64) {
        if epoch > currentEpoch {
            currentEpoch = epoch
            flushConfig()
            event(.warning, "+new-epoch", m, "\(currentEpoch)", plain: true)
        }
        if m.leaderEpoch < epoch && currentEpoch <= epoch {
            m.leader = runId
            m.leaderEpoch = currentEpoch
            flushConfig()
            event(.warning, "+vote-for-leader", m, "\(runId) \(m.leaderEpoch)", plain: true)
            // Voting for someone else: do not start our own failover for a while.
            if runId.lowercased() != myid.lowercased() {
                m.failoverStartTime = now + Int64.random(in: 0..<Sentinel.maxDesync)
            }
        }
        return (m.leader, m.leaderEpoch)
    }

    /// sentinelGetLeader: the winner of `epoch`, if one has the votes.
    func leader(_ m: SentinelInstance, epoch: UInt64) -> String? {
        let voters = m.sentinels.count + 1
        var counts: [String: Int] = [:]
        var order: [String] = []
        func count(_ id: String) -> Int {
            if counts[id] == nil { order.append(id) }
            counts[id, default: 0] += 1
            return counts[id]!
        }
        for ri in m.sentinels {
            if let l = ri.leader, ri.leaderEpoch == currentEpoch { _ = count(l) }
        }
        var winner: String?
        var maxVotes = 0
        for id in order where counts[id]! > maxVotes {
            maxVotes = counts[id]!
            winner = id
        }
        // Our own vote goes to the sentinel with most votes, or to ourselves.
        let (vote, voteEpoch) = voteLeader(m, epoch: epoch, runId: winner ?? myid)
        if let v = vote, voteEpoch == epoch {
            let n = count(v)
            if n > maxVotes {
                maxVotes = n
                winner = v
            }
        }
        if winner != nil && (maxVotes < voters / 2 + 1 || maxVotes < m.quorum) { winner = nil }
        return winner
    }

    // MARK: - Failover

    func startFailover(_ m: SentinelInstance) {
        m.failoverState = .waitStart
        m.flags.insert(.failoverInProgress)
        currentEpoch += 1
        m.failoverEpoch = currentEpoch
        event(.warning, "+new-epoch", m, "\(currentEpoch)", plain: true)
        event(.warning, "+try-failover", m)
        m.failoverStartTime = now + Int64.random(in: 0..<Sentinel.maxDesync)
        m.failoverStateChangeTime = now
    }

    /// Starts a failover of an ODOWN master unless one is running or one was tried
    /// less than twice the failover timeout ago.
    func startFailoverIfNeeded(_ m: SentinelInstance) -> Bool {
        guard m.flags.contains(.oDown), !m.flags.contains(.failoverInProgress) else { return false }
        if now - m.failoverStartTime < m.failoverTimeout * 2 {
            if m.failoverDelayLogged != m.failoverStartTime {
                var clock = time_t((m.failoverStartTime + m.failoverTimeout * 2) / 1000)
                var buf = [CChar](repeating: 0, count: 32)
                ctime_r(&clock, &buf)
                var when = String(cString: buf)
                if when.hasSuffix("\n") { when.removeLast() }   // ctime ends its text with a newline
                m.failoverDelayLogged = m.failoverStartTime
                server.log(.warning, "Next failover delay: I will not start a failover before \(when)")
            }
            return false
        }
        startFailover(m)
        return true
    }

    /// The replica to promote: reachable, fresh INFO, not disconnected from the master
    /// for too long, priority not 0; then lowest priority, highest offset, lowest run id.
    func selectReplica(_ m: SentinelInstance) -> SentinelInstance? {
        var maxDown = m.downAfterPeriod * 10
        if m.flags.contains(.sDown) { maxDown += now - m.sDownSinceTime }
        let validity = m.flags.contains(.sDown) ? timing.pingPeriod * 5 : timing.infoPeriod * 3
        let usable = m.replicas.filter { r in
            r.flags.isDisjoint(with: [.sDown, .oDown]) && !r.link.disconnected
                && now - r.link.lastAvailTime <= timing.pingPeriod * 5 && r.replicaPriority != 0
                && now - r.infoRefresh <= validity && r.masterLinkDownTime <= maxDown
        }
        return usable.min { a, b in
            if a.replicaPriority != b.replicaPriority { return a.replicaPriority < b.replicaPriority }
            if a.replicaReplOffset != b.replicaReplOffset { return a.replicaReplOffset > b.replicaReplOffset }
            switch (a.runId, b.runId) {
            case (nil, _): return false
            case (_, nil): return true
            case let (x?, y?): return x.lowercased() < y.lowercased()
            }
        }
    }

    func failoverStateMachine(_ m: SentinelInstance) {
        guard m.flags.contains(.failoverInProgress) else { return }
        switch m.failoverState {
        case .waitStart: failoverWaitStart(m)
        case .selectReplica: failoverSelectReplica(m)
        case .sendReplicaOfNoOne: failoverSendReplicaOfNoOne(m)
        case .waitPromotion:
            if now - m.failoverStateChangeTime > m.failoverTimeout {
                event(.warning, "-failover-abort-slave-timeout", m)
                abortFailover(m)
            }
        case .reconfReplicas: reconfigureNextReplicas(m)
        case .none, .updateConfig: break
        }
    }

    func failoverWaitStart(_ m: SentinelInstance) {
        let winner = leader(m, epoch: m.failoverEpoch)
        let isLeader = winner?.lowercased() == myid.lowercased()
        if !isLeader && !m.flags.contains(.forceFailover) {
            let timeout = min(timing.electionTimeout, m.failoverTimeout)
            if now - m.failoverStartTime > timeout {
                event(.warning, "-failover-abort-not-elected", m)
                abortFailover(m)
            }
            return
        }
        event(.warning, "+elected-leader", m)
        if simFailureFlags & 1 != 0 { simulatedCrash() }
        m.failoverState = .selectReplica
        m.failoverStateChangeTime = now
        event(.warning, "+failover-state-select-slave", m)
    }

    func failoverSelectReplica(_ m: SentinelInstance) {
        guard let r = selectReplica(m) else {
            event(.warning, "-failover-abort-no-good-slave", m)
            abortFailover(m)
            return
        }
        event(.warning, "+selected-slave", r)
        r.flags.insert(.promoted)
        m.promotedReplica = r
        m.failoverState = .sendReplicaOfNoOne
        m.failoverStateChangeTime = now
        event(.notice, "+failover-state-send-slaveof-noone", r)
    }

    func failoverSendReplicaOfNoOne(_ m: SentinelInstance) {
        guard let r = m.promotedReplica else { return }
        if r.link.disconnected {
            if now - m.failoverStateChangeTime > m.failoverTimeout {
                event(.warning, "-failover-abort-slave-timeout", m)
                abortFailover(m)
            }
            return
        }
        guard sendReplicaOf(r, to: nil) else { return }
        event(.notice, "+failover-state-wait-promotion", r)
        m.failoverState = .waitPromotion
        m.failoverStateChangeTime = now
    }

    /// Points replicas at the promoted one, parallel-syncs at a time, then checks
    /// whether the failover is over.
    func reconfigureNextReplicas(_ m: SentinelInstance) {
        guard let promoted = m.promotedReplica else { return }
        var inProgress = m.replicas.filter { !$0.flags.isDisjoint(with: [.reconfSent, .reconfInProgress]) }.count
        let parallel = m.settings?.parallelSyncs ?? 1
        for r in m.replicas where inProgress < parallel {
            if !r.flags.isDisjoint(with: [.promoted, .reconfDone]) { continue }
            if r.flags.contains(.reconfSent) && now - r.replicaReconfSentTime > timing.replicaReconfTimeout {
                event(.notice, "-slave-reconf-sent-timeout", r)
                r.flags.remove(.reconfSent)
                r.flags.insert(.reconfDone)
            }
            if !r.flags.isDisjoint(with: [.reconfSent, .reconfInProgress]) || r.link.disconnected { continue }
            if sendReplicaOf(r, to: promoted) {
                r.flags.insert(.reconfSent)
                r.replicaReconfSentTime = now
                event(.notice, "+slave-reconf-sent", r)
                inProgress += 1
            }
        }
        failoverDetectEnd(m)
    }

    func failoverDetectEnd(_ m: SentinelInstance) {
        guard let promoted = m.promotedReplica, !promoted.flags.contains(.sDown) else { return }
        let elapsed = now - m.failoverStateChangeTime
        var notReconfigured = m.replicas.filter {
            $0.flags.isDisjoint(with: [.promoted, .reconfDone]) && !$0.flags.contains(.sDown)
        }.count
        var timedOut = false
        if elapsed > m.failoverTimeout {
            notReconfigured = 0
            timedOut = true
            event(.warning, "+failover-end-for-timeout", m)
        }
        if notReconfigured == 0 {
            event(.warning, "+failover-end", m)
            m.failoverState = .updateConfig
            m.failoverStateChangeTime = now
        }
        if timedOut {
            // Best effort for the ones left: send them the new master anyway.
            for r in m.replicas where r.flags.isDisjoint(with: [.promoted, .reconfDone, .reconfSent]) && !r.link.disconnected {
                if sendReplicaOf(r, to: promoted) {
                    event(.notice, "+slave-reconf-sent-be", r)
                    r.flags.insert(.reconfSent)
                }
            }
        }
    }

    func switchToPromotedReplica(_ m: SentinelInstance) {
        let ref = m.promotedReplica ?? m
        event(.warning, "+switch-master", m, "\(m.name) \(shown(m)) \(m.port) \(shown(ref)) \(ref.port)", plain: true)
        resetMasterAndChangeAddress(m, host: ref.host, port: ref.port)
    }

    func abortFailover(_ m: SentinelInstance) {
        m.flags.remove([.failoverInProgress, .forceFailover])
        m.failoverState = .none
        m.failoverStateChangeTime = now
        if let p = m.promotedReplica {
            p.flags.remove(.promoted)
            m.promotedReplica = nil
        }
    }

    // MARK: - Reset

    /// sentinelResetMaster: forgets replicas (and, unless kept, sentinels), closes the
    /// links and starts monitoring afresh.
    func resetMaster(_ m: SentinelInstance, keepSentinels: Bool, generateEvent: Bool) {
        for r in m.replicas { dropLinks(r) }
        m.replicas.removeAll()
        if !keepSentinels {
            for s in m.sentinels { dropLinks(s) }
            m.sentinels.removeAll()
        }
        dropLinks(m)
        m.flags = m.flags.intersection(.master)
        m.leader = nil
        m.failoverState = .none
        m.failoverStateChangeTime = 0
        m.failoverStartTime = 0
        m.promotedReplica = nil
        m.runId = nil
        m.replicaMasterHost = nil
        m.link.actPingTime = now
        m.link.lastPingTime = 0
        m.link.lastAvailTime = now
        m.link.lastPongTime = now
        m.roleReportedTime = now
        m.roleReported = .master
        if generateEvent { event(.warning, "+reset-master", m) }
    }

    /// The master moved (failover, or a newer configuration from a hello): every
    /// replica we knew, and the old master, become the new master's replicas.
    @discardableResult
    func resetMasterAndChangeAddress(_ m: SentinelInstance, host: String, port: Int) -> Bool {
        guard port >= 0 && port <= 65535, let ip = resolve(host) else { return false }
        var addresses: [(String, Int)] = []
        for r in m.replicas where !sameAddress(r, host, port) { addresses.append((r.host, r.port)) }
        if !sameAddress(m, host, port) { addresses.append((m.host, m.port)) }
        resetMaster(m, keepSentinels: true, generateEvent: false)
        m.host = host
        m.ip = ip
        m.port = port
        m.oDownSinceTime = 0
        m.sDownSinceTime = 0
        for (h, p) in addresses {
            if let r = addReplica(to: m, host: h, port: p) { event(.notice, "+slave", r) }
        }
        flushConfig()
        return true
    }

    /// Runs the client-reconfig-script: <master> <role> <state> <from-ip> <from-port> <to-ip> <to-port>.
    func callClientReconfScript(_ m: SentinelInstance, role: String, state: String, from: (String, Int), to: (String, Int)) {
        guard let script = m.settings?.clientReconfigScript else { return }
        scripts.schedule(script, [m.name, role, state, from.0, String(from.1), to.0, String(to.1)])
    }
}
