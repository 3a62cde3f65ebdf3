// Watching instances (Redis's sentinel.c, monitoring half): keeping a command link
// (and for masters and replicas a pub/sub link subscribed to __sentinel__:hello) to
// every instance, PING every second, INFO every 10 s (every second around a failover),
// a hello every 2 s; learning replicas from a master's INFO, the role and replication
// state of each instance, and other sentinels and newer master addresses from hellos.

import Glibc
import CApusSys

extension Sentinel {
    // MARK: - Links

    /// sentinelReconnectInstance: at most once per ping period, opens what is missing.
    func reconnect(_ ri: SentinelInstance) {
        let link = ri.link
        if !link.disconnected || ri.port == 0 { return }
        if now - link.lastReconnTime < timing.pingPeriod { return }
        link.lastReconnTime = now
        // A name may resolve now, or to a new address after a restart.
        if link.cc == nil && settings.resolveHostnames, let ip = resolve(ri.host) { ri.ip = ip }
        if link.cc == nil, let cc = openLink(ri, pubsub: false) {
            link.cc = cc
            link.ccConnTime = now
            sendAuth(ri, cc)
            cc.send([ri.mapped("CLIENT"), "SETNAME", "sentinel-\(myid.prefix(8))-cmd"])
            sendPing(ri)
        }
        if !ri.isSentinel && link.pc == nil, let pc = openLink(ri, pubsub: true) {
            link.pc = pc
            link.pcConnTime = now
            sendAuth(ri, pc)
            pc.send([ri.mapped("CLIENT"), "SETNAME", "sentinel-\(myid.prefix(8))-pubsub"])
            // Every message after the subscription comes through onMessage.
            let handler: (RESPValue) -> Void = { [weak self, weak ri] v in
                guard let self = self, let ri = ri else { return }
                self.receiveHello(ri, v)
            }
            pc.send([ri.mapped("SUBSCRIBE"), Sentinel.helloChannel], reply: handler)
            pc.onMessage = handler
        }
        if link.cc != nil && (ri.isSentinel || link.pc != nil) { link.disconnected = false }
    }

    /// AUTH with the master's credentials (masters and replicas) or the
    /// sentinel-user/sentinel-pass (other sentinels; else requirepass).
    func sendAuth(_ ri: SentinelInstance, _ l: OutgoingLink) {
        var pass: String?
        var user: String?
        if ri.isSentinel {
            if let p = settings.sentinelPass {
                pass = p
                user = settings.sentinelUser
            } else if !server.config.requirepass.isEmpty {
                pass = server.config.requirepass
            }
        } else {
            pass = ri.owner.settings?.authPass
            user = ri.owner.settings?.authUser
        }
        guard let p = pass else { return }
        l.send(user.map { [ri.mapped("AUTH"), $0, p] } ?? [ri.mapped("AUTH"), p])
    }

    // MARK: - Periodic commands

    func sendPeriodicCommands(_ ri: SentinelInstance) {
        let link = ri.link
        guard !link.disconnected, let cc = link.cc else { return }
        if cc.pendingCount >= Sentinel.maxPendingCommands { return }
        let m = ri.owner
        let infoPeriod: Int64 = ri.isReplica && (m.flags.contains(.oDown) || m.flags.contains(.failoverInProgress)
                                                   || ri.masterLinkDownTime != 0) ? 1000 : timing.infoPeriod
        let pingPeriod = min(ri.downAfterPeriod, timing.pingPeriod)
        if !ri.isSentinel && (ri.infoRefresh == 0 || now - ri.infoRefresh > infoPeriod) {
            cc.send([ri.mapped("INFO")]) { [weak self, weak ri] v in
                guard let self = self, let ri = ri else { return }
                switch v {
                case .bulk(let b), .verbatim(let b): self.refreshInfo(ri, String(decoding: b, as: UTF8.self))
                default: break
                }
            }
        }
        if now - link.lastPongTime > pingPeriod && now - link.lastPingTime > pingPeriod / 2 { sendPing(ri) }
        if now - ri.lastPubTime > timing.publishPeriod { sendHello(ri) }
    }

    /// sentinelSendPing: the pending-ping time is kept from the first unanswered one.
    func sendPing(_ ri: SentinelInstance) {
        guard let cc = ri.link.cc else { return }
        cc.send([ri.mapped("PING")]) { [weak self, weak ri] v in
            guard let self = self, let ri = ri else { return }
            self.pingReply(ri, v)
        }
        ri.link.lastPingTime = now
        if ri.link.actPingTime == 0 { ri.link.actPingTime = ri.link.lastPingTime }
    }

    func pingReply(_ ri: SentinelInstance, _ v: RESPValue) {
        let text: String
        switch v {
        case .simple(let s), .error(let s): text = s
        default: text = ""
        }
        if text.hasPrefix("PONG") || text.hasPrefix("LOADING") || text.hasPrefix("MASTERDOWN") {
            ri.link.lastAvailTime = now
            ri.link.actPingTime = 0
            if ri.flags.contains(.masterReboot) && text.hasPrefix("PONG") { ri.flags.remove(.masterReboot) }
        } else if text.hasPrefix("BUSY") && ri.flags.contains(.sDown) && !ri.flags.contains(.scriptKillSent) {
            // A script is keeping the instance busy: ask it to stop.
            ri.link.cc?.send([ri.mapped("SCRIPT"), "KILL"])
            ri.flags.insert(.scriptKillSent)
        }
        ri.link.lastPongTime = now
    }

    // MARK: - Hello

    /// Publishes this sentinel's address and the master's current configuration.
    @discardableResult
    func sendHello(_ ri: SentinelInstance) -> Bool {
        guard !ri.link.disconnected, let cc = ri.link.cc else { return false }
        let m = ri.owner
        var ip = settings.announceIP ?? ""
        if ip.isEmpty {
            var buf = [CChar](repeating: 0, count: 128)
            var p: Int32 = 0
            if apus_sock_name(cc.fd, 0, &buf, 128, &p) < 0 { return false }
            ip = String(cString: buf)
        }
        let port = settings.announcePort != 0 ? settings.announcePort : (server.tcpPortBound != 0 ? server.tcpPortBound : server.config.port)
        let addr = m.currentAddress
        let hello = SentinelHello(ip: ip, port: port, runId: myid, currentEpoch: currentEpoch, masterName: m.name,
                                  masterIP: shown(addr), masterPort: addr.port, masterConfigEpoch: m.configEpoch)
        cc.send([ri.mapped("PUBLISH"), Sentinel.helloChannel, hello.payload]) { [weak self, weak ri] v in
            guard let self = self, let ri = ri else { return }
            if case .error = v { return }
            ri.lastPubTime = self.now
        }
        return true
    }

    /// Makes every instance of `master` due for a hello now (a new configuration
    /// should reach the other sentinels at once).
    func forceHelloUpdate(_ master: SentinelInstance) {
        let back = timing.publishPeriod + 1
        for ri in [master] + master.sentinels + master.replicas where ri.lastPubTime >= back {
            ri.lastPubTime -= back
        }
    }

    /// A message on a pub/sub link: a hello from another sentinel.
    func receiveHello(_ ri: SentinelInstance, _ v: RESPValue) {
        ri.link.pcLastActivity = now
        let items: [RESPValue]
        switch v {
        case .array(let a), .push(let a): items = a
        default: return
        }
        guard items.count == 3, case .bulk(let kind) = items[0], case .bulk = items[1], case .bulk(let payload) = items[2],
              kind == Array("message".utf8) else { return }
        let text = String(decoding: payload, as: UTF8.self)
        if !myid.isEmpty && text.contains(myid) { return }   // our own hello
        processHello(text)
    }

    /// sentinelProcessHelloMessage: learn (or re-address) the sender, adopt a newer
    /// current epoch, and a newer master configuration.
    func processHello(_ text: String) {
        guard let h = SentinelHello(payload: text), let master = master(named: h.masterName) else { return }
        var si = master.sentinels.first { $0.runId == h.runId && sameAddress($0, h.ip, h.port) }
        if si == nil {
            let before = master.sentinels.count
            master.sentinels.removeAll { $0.runId == h.runId }
            let removed = before - master.sentinels.count
            if removed > 0 {
                event(.notice, "+sentinel-address-switch", master, " ip \(h.ip) port \(h.port) for \(h.runId)")
            } else if let other = master.sentinels.first(where: { sameAddress($0, h.ip, h.port) }) {
                // Another run id at that address: the old one is gone, everywhere.
                event(.notice, "+sentinel-invalid-addr", other)
                let obsolete = other.runId
                for m in masters {
                    for s in m.sentinels where s.runId == obsolete { dropLinks(s) }
                    m.sentinels.removeAll { $0.runId == obsolete }
                }
            }
            if let n = addSentinel(to: master, host: h.ip, port: h.port, runId: h.runId) {
                if removed == 0 { event(.notice, "+sentinel", n) }
                si = n
                flushConfig()
            }
        }
        if h.currentEpoch > currentEpoch {
            currentEpoch = h.currentEpoch
            flushConfig()
            event(.warning, "+new-epoch", master, "\(currentEpoch)", plain: true)
        }
        if let si = si, master.configEpoch < h.masterConfigEpoch {
            master.configEpoch = h.masterConfigEpoch
            if h.masterPort != master.port || !addressEquals(master, h.masterIP) {
                event(.warning, "+config-update-from", si)
                event(.warning, "+switch-master", master,
                      "\(master.name) \(shown(master)) \(master.port) \(h.masterIP) \(h.masterPort)", plain: true)
                let old = (shown(master), master.port)
                if resetMasterAndChangeAddress(master, host: h.masterIP, port: h.masterPort) {
                    callClientReconfScript(master, role: "observer", state: "start", from: old,
                                           to: (shown(master), master.port))
                }
            }
        }
        si?.lastHelloTime = now
    }

    // MARK: - INFO

    /// sentinelRefreshInstanceInfo: what the INFO reply says, then what to do about it.
    func refreshInfo(_ ri: SentinelInstance, _ text: String) {
        ri.info = text
        let r = InstanceInfoReport.parse(text, asMaster: ri.isMaster)
        ri.masterLinkDownTime = r.masterLinkDownMs
        if let id = r.runId {
            if let old = ri.runId, old != id {
                event(.notice, "+reboot", ri)
                if ri.isMaster, let s = ri.settings, s.masterRebootDownAfterMs != 0 {
                    ri.flags.insert(.masterReboot)
                    ri.masterRebootSinceTime = now
                }
            }
            ri.runId = id
        }
        for (ip, port) in r.replicas where ri.isMaster {
            if let n = addReplica(to: ri, host: ip, port: port) {
                event(.notice, "+slave", n)
                flushConfig()
            }
        }
        let role: SentinelFlags = r.role == .master ? .master : r.role == .replica ? .replica : []
        if role == .replica {
            if let h = r.masterHost, ri.replicaMasterHost?.lowercased() != h.lowercased() {
                ri.replicaMasterHost = h
                ri.replicaConfChangeTime = now
            }
            if let p = r.masterPort, p != ri.replicaMasterPort {
                ri.replicaMasterPort = p
                ri.replicaConfChangeTime = now
            }
            if let up = r.masterLinkUp { ri.replicaMasterLinkUp = up }
            if let p = r.replicaPriority { ri.replicaPriority = p }
            if let o = r.replicaOffset { ri.replicaReplOffset = o }
            if let a = r.replicaAnnounced { ri.replicaAnnounced = a }
        }
        ri.infoRefresh = now

        if role != ri.roleReported {
            ri.roleReportedTime = now
            ri.roleReported = role
            if role == .replica { ri.replicaConfChangeTime = now }
            let coherent = ri.flags.intersection([.master, .replica]) == role
            event(.verbose, coherent ? "+role-change" : "-role-change", ri,
                  " new reported role is \(role == .master ? "master" : "slave")")
        }
        if tilt { return }

        let m = ri.owner
        if ri.isReplica && role == .master {
            if ri.flags.contains(.promoted) && m.flags.contains(.failoverInProgress) && m.failoverState == .waitPromotion {
                // Our promotion took: claim the new configuration with the epoch we won.
                m.configEpoch = m.failoverEpoch
                m.failoverState = .reconfReplicas
                m.failoverStateChangeTime = now
                flushConfig()
                event(.warning, "+promoted-slave", ri)
                if simFailureFlags & 2 != 0 { simulatedCrash() }
                event(.warning, "+failover-state-reconf-slaves", m)
                callClientReconfScript(m, role: "leader", state: "start", from: (shown(m), m.port), to: (shown(ri), ri.port))
                forceHelloUpdate(m)
            } else {
                // A replica turned master on its own: after a while, if the master we
                // know looks fine, make it a replica again.
                let wait = timing.publishPeriod * 4
                if !ri.flags.contains(.promoted) && masterLooksSane(m) && ri.noDownFor(wait, now: now)
                    && now - ri.roleReportedTime > wait {
                    if sendReplicaOf(ri, to: m) { event(.notice, "+convert-to-slave", ri) }
                }
            }
        }
        if ri.isReplica && role == .replica
            && (ri.replicaMasterPort != m.port || !addressEquals(m, ri.replicaMasterHost ?? "")) {
            let wait = m.failoverTimeout
            if masterLooksSane(m) && ri.noDownFor(wait, now: now) && now - ri.replicaConfChangeTime > wait {
                if sendReplicaOf(ri, to: m) { event(.notice, "+fix-slave-config", ri) }
            }
        }
        if ri.isReplica && role == .replica && !ri.flags.isDisjoint(with: [.reconfSent, .reconfInProgress]) {
            if ri.flags.contains(.reconfSent), let p = m.promotedReplica, let h = ri.replicaMasterHost,
               addressEquals(p, h) && ri.replicaMasterPort == p.port {
                ri.flags.remove(.reconfSent)
                ri.flags.insert(.reconfInProgress)
                event(.notice, "+slave-reconf-inprog", ri)
            }
            if ri.flags.contains(.reconfInProgress) && ri.replicaMasterLinkUp {
                ri.flags.remove(.reconfInProgress)
                ri.flags.insert(.reconfDone)
                event(.notice, "+slave-reconf-done", ri)
            }
        }
    }

    /// The master is a master by configuration and by its own account, not down, and
    /// its INFO is fresh.
    func masterLooksSane(_ m: SentinelInstance) -> Bool {
        m.isMaster && m.roleReported == .master && m.flags.isDisjoint(with: [.sDown, .oDown])
            && now - m.infoRefresh < timing.infoPeriod * 2
    }

    /// Reconfigures an instance as one unit: MULTI, SLAVEOF, CONFIG REWRITE, CLIENT
    /// KILL of normal and pub/sub clients (so clients reconnect and find the new
    /// master), EXEC. nil target: SLAVEOF NO ONE.
    @discardableResult
    func sendReplicaOf(_ ri: SentinelInstance, to target: SentinelInstance?) -> Bool {
        guard let cc = ri.link.cc, cc.state == .connecting || cc.state == .connected else { return false }
        cc.send([ri.mapped("MULTI")])
        cc.send([ri.mapped("SLAVEOF"), target.map(shown) ?? "NO", target.map { String($0.port) } ?? "ONE"])
        cc.send([ri.mapped("CONFIG"), "REWRITE"])
        cc.send([ri.mapped("CLIENT"), "KILL", "TYPE", "normal"])
        cc.send([ri.mapped("CLIENT"), "KILL", "TYPE", "pubsub"])
        cc.send([ri.mapped("EXEC")])
        return true
    }

    func simulatedCrash() {
        server.log(.warning, "Sentinel CRASH because of SENTINEL simulate-failure")
        exit(99)
    }
}
