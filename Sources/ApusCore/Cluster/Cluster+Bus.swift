// The cluster bus (Redis 7.0's cluster.c, links and packet handling): the listener on
// the bus port (port + 10000 or cluster-port), one outgoing link per known node that
// we ping on, the incoming links other nodes ping us on, framing of RCmb messages
// (ClusterBusMessage.swift), the message header built as 7.0 builds it, and the
// processing of every message type: the MEET/PING/PONG handshake that learns a
// node's real id and address, roles and slot claims with configEpoch rules, UPDATE
// for stale owners, gossip with failure reports, FAIL, PUBLISH, failover votes and
// manual failover start.

import Glibc
import CApusSys

final class ClusterLink {
    let registration: UInt32
    let fd: Int32
    let inbound: Bool
    weak var node: ClusterNode?
    let ctime: Int64
    var connected: Bool
    var sendBuffer: [UInt8] = []
    var sendOffset = 0
    var receiveBuffer: [UInt8] = []
    var mask: EventMask = .readable
    /// Peak of the send buffer, for CLUSTER LINKS.
    var sendBufferPeak = 0

    init(registration: UInt32, fd: Int32, inbound: Bool, node: ClusterNode?, now: Int64, connected: Bool) {
        self.registration = registration
        self.fd = fd
        self.inbound = inbound
        self.node = node
        self.ctime = now
        self.connected = connected
    }
}

extension Cluster {
    // MARK: - Listener and links

    func openBusListeners() throws {
        for bind in server.config.bindAddresses {
            var err: Int32 = 0
            let fd = apus_tcp_listen(bind.address, Int32(busPort), Int32(server.config.tcpBacklog), &err)
            if fd < 0 {
                if bind.optional && err == EADDRNOTAVAIL { continue }
                if [ENOPROTOOPT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EPFNOSUPPORT, EAFNOSUPPORT].contains(err) { continue }
                for l in busListeners { close(l) }
                busListeners.removeAll()
                throw StartupError("Could not create cluster bus listening socket \(bind.address):\(busPort)")
            }
            busListeners.append(fd)
            try server.loop.add(fd: fd, mask: .readable, token: Token.make(kind: .listener, registration: 1, fd: fd))
        }
        if busListeners.isEmpty { throw StartupError("Failed listening on port \(busPort) (cluster), aborting.") }
    }

    func closeBusListeners() {
        for fd in busListeners { server.loop.remove(fd: fd); close(fd) }
        busListeners.removeAll()
    }

    func acceptBus(listenerFd: Int32) {
        var ip = [CChar](repeating: 0, count: 64)
        for _ in 0..<1000 {
            var port: Int32 = 0, isUnix: Int32 = 0
            let fd = apus_accept(listenerFd, &ip, 64, &port, &isUnix)
            if fd < 0 { return }
            _ = apus_set_nonblock(fd)
            _ = apus_set_nodelay(fd)
            _ = apus_set_keepalive(fd, Int32(server.config.tcpKeepalive))
            _ = createLink(fd: fd, inbound: true, node: nil, connected: true)
        }
    }

    func createLink(fd: Int32, inbound: Bool, node: ClusterNode?, connected: Bool) -> ClusterLink? {
        let reg = nextLinkRegistration
        nextLinkRegistration = nextLinkRegistration >= 0x3FFF_0000 ? Cluster.firstLinkRegistration : nextLinkRegistration + 1
        let link = ClusterLink(registration: reg, fd: fd, inbound: inbound, node: node, now: now, connected: connected)
        link.mask = connected ? .readable : [.readable, .writable]
        do {
            try server.loop.add(fd: fd, mask: link.mask, token: Token.make(kind: .replication, registration: reg, fd: fd))
        } catch {
            close(fd)
            return nil
        }
        links[reg] = link
        return link
    }

    func freeLink(_ link: ClusterLink) {
        guard links[link.registration] === link else { return }
        links.removeValue(forKey: link.registration)
        server.loop.remove(fd: link.fd)
        close(link.fd)
        if let n = link.node {
            if n.link === link { n.link = nil }
            if n.inboundLink === link { n.inboundLink = nil }
        }
    }

    /// Records `link` as the connection `node` pings us on (7.0 keeps one).
    func setInboundLink(_ node: ClusterNode, _ link: ClusterLink) {
        if node.inboundLink === link { return }
        if let old = node.inboundLink { freeLink(old) }
        node.inboundLink = link
        link.node = node
    }

    /// Opens our link to `node` (clusterCron's connect step).
    func connect(_ node: ClusterNode) {
        var err: Int32 = 0
        let fd = apus_tcp_connect_nonblock(node.ip, Int32(node.cport), &err)
        if fd < 0 {
            // Unreachable: start the failure clock as 7.0 does.
            if node.pingSent == 0 { node.pingSent = now }
            return
        }
        guard let link = createLink(fd: fd, inbound: false, node: node, connected: false) else { return }
        node.link = link
    }

    func linkEvent(registration: UInt32, fd: Int32, readable: Bool, writable: Bool) {
        if let job = migrationLinks[registration] {
            migrationLinkEvent(job, fd: fd, readable: readable, writable: writable)
            return
        }
        guard let link = links[registration], link.fd == fd else { return }
        if !link.connected {
            guard readable || writable else { return }
            if apus_socket_error(fd) != 0 {
                if let n = link.node, n.pingSent == 0 { n.pingSent = now }
                freeLink(link)
                return
            }
            link.connected = true
            _ = apus_set_nodelay(fd)
            if let n = link.node {
                // The first message: MEET for a node we were told to meet, else PING.
                let old = n.pingSent
                sendPing(link, type: n.flags.contains(.meet) ? .meet : .ping)
                if old != 0 { n.pingSent = old }
                n.flags.remove(.meet)
            }
        }
        if writable { writeLink(link) }
        if readable, links[registration] === link { readLink(link) }
        if links[registration] === link { updateMask(link) }
    }

    private func updateMask(_ link: ClusterLink) {
        let want: EventMask = (!link.connected || link.sendOffset < link.sendBuffer.count) ? [.readable, .writable] : .readable
        if want != link.mask {
            link.mask = want
            server.loop.modify(fd: link.fd, mask: want, token: Token.make(kind: .replication, registration: link.registration, fd: link.fd))
        }
    }

    private func readLink(_ link: ClusterLink) {
        var buf = [UInt8](repeating: 0, count: 16 * 1024)
        while true {
            let n = buf.withUnsafeMutableBytes { read(link.fd, $0.baseAddress, $0.count) }
            if n == 0 { freeLink(link); return }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                freeLink(link)
                return
            }
            link.receiveBuffer += buf[0..<n]
            // Frame: 8 bytes give the signature and the length.
            while link.receiveBuffer.count >= 8 {
                let b = link.receiveBuffer
                if !(b[0] == 0x52 && b[1] == 0x43 && b[2] == 0x6d && b[3] == 0x62) {
                    server.log(.verbose, "Bad message signature on cluster bus, closing the link")
                    freeLink(link)
                    return
                }
                let total = ClusterBusMessage.announcedLength(b)
                // The smallest valid message is the header (MFSTART, auth messages).
                if total < ClusterBusMessage.headerSize {
                    server.log(.verbose, "Bad message length on cluster bus, closing the link")
                    freeLink(link)
                    return
                }
                if b.count < total { break }
                let frame = Array(b[0..<total])
                link.receiveBuffer.removeFirst(total)
                if let msg = try? ClusterBusMessage(decoding: frame) {
                    processPacket(link, msg)
                    if links[link.registration] !== link { return }
                }
            }
            if n < buf.count { break }
        }
    }

    private func writeLink(_ link: ClusterLink) {
        while link.sendOffset < link.sendBuffer.count {
            let n = link.sendBuffer.withUnsafeBytes {
                write(link.fd, $0.baseAddress! + link.sendOffset, $0.count - link.sendOffset)
            }
            if n < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { break }
                freeLink(link)
                return
            }
            link.sendOffset += n
        }
        if link.sendOffset == link.sendBuffer.count {
            link.sendBuffer.removeAll(keepingCapacity: true)
            link.sendOffset = 0
        } else if link.sendOffset > 64 * 1024 {
            link.sendBuffer.removeFirst(link.sendOffset)
            link.sendOffset = 0
        }
    }

    /// Writes what every link has queued (before sleeping); links that could not take
    /// it all wait for writable events.
    func flushLinks() {
        for link in Array(links.values) where link.connected && link.sendOffset < link.sendBuffer.count {
            writeLink(link)
            if links[link.registration] === link { updateMask(link) }
        }
    }

    func send(_ link: ClusterLink, _ msg: ClusterBusMessage) {
        let bytes = msg.encoded()
        let limit = server.config.clusterLinkSendbufLimit
        if limit > 0 && link.sendBuffer.count - link.sendOffset + bytes.count > limit {
            server.log(.warning, "Freeing cluster link(\(link.inbound ? "from" : "to") node \(link.node?.name ?? "?")), used memory exceeds limit")
            linksBufferLimitExceeded += 1
            freeLink(link)
            return
        }
        link.sendBuffer += bytes
        link.sendBufferPeak = max(link.sendBufferPeak, link.sendBuffer.count - link.sendOffset)
        statsSent[Int(msg.type.rawValue)] += 1
    }

    /// Sends to every node we have a link to (clusterBroadcastMessage).
    func broadcast(_ msg: ClusterBusMessage) {
        for n in nodes.values where n !== myself && !n.inHandshake {
            if let l = n.link, l.connected { send(l, msg) } else if let l = n.link { send(l, msg) }
        }
    }

    // MARK: - Messages

    /// The header every message carries (clusterBuildMessageHdr).
    func header(_ type: ClusterMessageType, body: ClusterBusMessage.Body) -> ClusterBusMessage {
        let master = myself.isReplica ? (myself.master ?? myself) : myself
        let offset: Int64 = myself.isReplica ? replicaOffset : server.masterReplOffset
        var mflags: (UInt8, UInt8, UInt8) = (0, 0, 0)
        if myself.isMaster && mfEnd != 0 { mflags.0 |= ClusterBusMessage.flagPaused }
        return ClusterBusMessage(
            type: type, port: UInt16(announcedPort), currentEpoch: currentEpoch, configEpoch: master.configEpoch,
            offset: UInt64(max(offset, 0)), sender: myself.name, slots: master.slots, replicaOf: myself.master?.name,
            ip: server.config.clusterAnnounceIP.isEmpty ? nil : server.config.clusterAnnounceIP,
            pport: 0, cport: UInt16(announcedBusPort), flags: myself.flags, state: stateOK ? 0 : 1,
            mflags: mflags, body: body)
    }

    /// What this replica has applied of its master's stream (replicationGetSlaveOffset).
    var replicaOffset: Int64 {
        server.repl.master?.appliedReplOffset ?? server.repl.cachedMaster?.offset ?? 0
    }

    func gossipEntry(_ n: ClusterNode) -> ClusterGossip {
        ClusterGossip(name: n.name, pingSent: UInt32(truncatingIfNeeded: n.pingSent / 1000),
                      pongReceived: UInt32(truncatingIfNeeded: n.pongReceived / 1000), ip: n.ip,
                      port: UInt16(truncatingIfNeeded: n.port), cport: UInt16(truncatingIfNeeded: n.cport),
                      flags: n.flags, pport: UInt16(truncatingIfNeeded: n.pport))
    }

    /// PING, PONG or MEET with gossip about a tenth of the nodes (at least 3) plus
    /// every node we consider PFAIL (clusterSendPing).
    func sendPing(_ link: ClusterLink, type: ClusterMessageType) {
        let all = Array(nodes.values)
        var fresh = all.count - 2
        var wanted = max(3, all.count / 10)
        if wanted > fresh { wanted = fresh }
        if type == .ping, let n = link.node { n.pingSent = now }
        var chosen: [ClusterGossip] = []
        var seen = Set<String>()
        var iterations = wanted * 3
        while fresh > 0 && chosen.count < wanted && iterations > 0 {
            iterations -= 1
            let n = all[Int.random(in: 0..<all.count)]
            if n === myself || n.timedOut { continue }
            if n.inHandshake || !n.hasAddress || (n.link == nil && n.numSlots == 0) { fresh -= 1; continue }
            if seen.contains(n.name) { continue }
            seen.insert(n.name)
            chosen.append(gossipEntry(n))
            fresh -= 1
        }
        for n in all where n.timedOut && !n.inHandshake && n.hasAddress && !seen.contains(n.name) {
            chosen.append(gossipEntry(n))
        }
        send(link, header(type, body: .ping(gossip: chosen, hostname: myself.hostname.isEmpty ? nil : myself.hostname)))
    }

    /// PONG to every node, or only to our master's replicas (clusterBroadcastPong).
    func broadcastPong(localReplicasOnly: Bool = false) {
        for n in nodes.values where n !== myself && !n.inHandshake {
            guard let l = n.link else { continue }
            if localReplicasOnly {
                let mine = myself.isMaster ? myself : myself.master
                if !(n.isReplica && n.master != nil && n.master === mine) { continue }
            }
            sendPing(l, type: .pong)
        }
    }

    func sendFail(_ name: String) { broadcast(header(.fail, body: .fail(node: name))) }

    func sendUpdate(_ link: ClusterLink?, about n: ClusterNode) {
        guard let link = link else { return }
        send(link, header(.update, body: .update(configEpoch: n.configEpoch, node: n.name, slots: n.slots)))
    }

    // MARK: - Processing

    func processPacket(_ link: ClusterLink, _ msg: ClusterBusMessage) {
        let type = msg.type
        statsReceived[Int(type.rawValue)] += 1
        var sender: ClusterNode?
        if let n = link.node, !n.inHandshake { sender = n } else { sender = nodes[msg.sender] }
        if let s = sender, s.name != msg.sender { sender = nodes[msg.sender] }
        if let s = sender, link.inbound { setInboundLink(s, link) }
        if let s = sender { s.dataReceived = now }

        if let s = sender, !s.inHandshake {
            if msg.currentEpoch > currentEpoch {
                currentEpoch = msg.currentEpoch
                todo.formUnion([.saveConfig])
            }
            if msg.configEpoch > s.configEpoch {
                s.configEpoch = msg.configEpoch
                todo.formUnion([.saveConfig])
            }
            s.replOffset = Int64(msg.offset)
            s.replOffsetTime = now
            if mfEnd != 0 && myself.isReplica && myself.master === s && msg.mflags.0 & ClusterBusMessage.flagPaused != 0
                && mfMasterOffset == -1 {
                mfMasterOffset = s.replOffset
                todo.insert(.handleFailover)
                server.log(.notice, "Received replication offset for paused master manual failover: \(mfMasterOffset)")
            }
        }

        switch type {
        case .ping, .pong, .meet:
            processPing(link, msg, sender: sender)
        case .fail:
            guard sender != nil, case .fail(let name) = msg.body, let failing = nodes[name] else { return }
            if !failing.failed && failing !== myself {
                server.log(.notice, "FAIL message received from \(msg.sender) about \(name)")
                failing.flags.insert(.fail)
                failing.failTime = now
                failing.flags.remove(.pfail)
                todo.formUnion([.updateState, .saveConfig])
            }
        case .publish, .publishShard:
            guard sender != nil, case .publish(let channel, let message) = msg.body else { return }
            if type == .publish {
                server.pubsubPublishLocally(channel: channel, message: message)
            } else {
                server.pubsubPublishShardLocally(channel: channel, message: message)
            }
        case .failoverAuthRequest:
            guard let s = sender else { return }
            sendFailoverAuthIfNeeded(s, msg)
        case .failoverAuthAck:
            guard let s = sender else { return }
            if s.isMaster && s.numSlots > 0 && msg.currentEpoch >= failoverAuthEpoch {
                failoverAuthCount += 1
                todo.insert(.handleFailover)
            }
        case .mfStart:
            guard let s = sender, s.master === myself else { return }
            resetManualFailover()
            mfEnd = now + Cluster.manualFailoverTimeout
            mfReplica = s
            server.pauseForManualFailover(untilMs: now + Cluster.manualFailoverTimeout * 2)
            server.log(.notice, "Manual failover requested by replica \(s.name).")
            sendPing(link, type: .ping)
        case .update:
            guard sender != nil, case .update(let epoch, let name, let slots) = msg.body, let n = nodes[name] else { return }
            if n.configEpoch >= epoch { return }
            if n.isReplica { setNodeAsMaster(n) }
            n.configEpoch = epoch
            todo.formUnion([.saveConfig])
            updateSlotsConfig(with: n, configEpoch: epoch, slots: slots)
        case .module:
            break
        }
    }

    static let manualFailoverTimeout: Int64 = 5000

    private func processPing(_ link: ClusterLink, _ msg: ClusterBusMessage, sender senderIn: ClusterNode?) {
        var sender = senderIn
        let type = msg.type
        if type == .ping || type == .meet {
            // A MEET teaches us the address others reach us at.
            if (type == .meet || myself.ip.isEmpty) && server.config.clusterAnnounceIP.isEmpty {
                var ip = [CChar](repeating: 0, count: 64)
                var port: Int32 = 0
                if apus_sock_name(link.fd, 0, &ip, 64, &port) == 0 {
                    let mine = String(cString: ip)
                    if mine != myself.ip {
                        myself.ip = mine
                        todo.insert(.saveConfig)
                    }
                }
            }
            if sender == nil && type == .meet {
                let n = ClusterNode(name: ClusterNode.randomName(), flags: .handshake, now: now)
                n.ip = msg.ip ?? peerIP(link)
                n.port = Int(msg.port)
                n.pport = Int(msg.pport)
                n.cport = Int(msg.cport)
                addNode(n)
                todo.insert(.saveConfig)
                processGossip(msg, sender: nil, trusted: true)
            }
            sendPing(link, type: .pong)
        }

        if !link.inbound, let ln = link.node {
            if ln.inHandshake {
                if let s = sender {
                    // We already know this node under its real id: fix the address, drop
                    // the handshake entry.
                    if updateAddressIfNeeded(s, link, msg) { todo.formUnion([.saveConfig, .updateState]) }
                    deleteNode(ln)
                    return
                }
                renameNode(ln, to: msg.sender)
                ln.flags.remove(.handshake)
                ln.flags.formUnion(msg.flags.intersection([.master, .replica]))
                server.log(.debug, "Handshake with node \(ln.name) completed.")
                todo.insert(.saveConfig)
                sender = ln
            } else if ln.name != msg.sender {
                // The node at this address has another id now: forget the address.
                server.log(.debug, "PONG contains mismatching sender ID. About node \(ln.name) added \(now - ln.ctime) ms ago, having flags \(ln.flags.rawValue)")
                ln.flags.insert(.noAddress)
                ln.ip = ""
                ln.port = 0
                ln.cport = 0
                freeLink(link)
                todo.insert(.saveConfig)
                return
            }
        }

        if let s = sender {
            if msg.flags.contains(.noFailover) { s.flags.insert(.noFailover) } else { s.flags.remove(.noFailover) }
        }
        if let s = sender, type == .ping, !s.inHandshake, updateAddressIfNeeded(s, link, msg) {
            todo.formUnion([.saveConfig, .updateState])
        }
        if !link.inbound, type == .pong, let n = link.node {
            n.pongReceived = now
            n.pingSent = 0
            if n.timedOut {
                n.flags.remove(.pfail)
                todo.formUnion([.saveConfig, .updateState])
            } else if n.failed {
                clearFailureIfNeeded(n)
            }
        }

        guard let s = sender else { return }
        // Role changes.
        if msg.replicaOf == nil {
            setNodeAsMaster(s)
        } else if let masterName = msg.replicaOf {
            let master = nodes[masterName]
            if s.isMaster {
                unassignSlots(of: s)
                s.flags.remove([.master, .migrateTo])
                s.flags.insert(.replica)
                todo.formUnion([.saveConfig, .updateState])
            }
            if let m = master, s.master !== m {
                s.master?.removeReplica(s)
                m.addReplica(s)
                s.master = m
                todo.insert(.saveConfig)
            }
        }

        // Slot claims.
        var dirtySlots = false
        if s.isMaster {
            dirtySlots = s.slots != msg.slots
            if dirtySlots { updateSlotsConfig(with: s, configEpoch: msg.configEpoch, slots: msg.slots) }
        }
        // The sender claims slots someone serves with a newer epoch: tell it.
        if dirtySlots || msg.replicaOf == nil {
            for j in 0..<HashSlot.count where msg.slots[j] {
                guard let owner = slotOwner[j], owner !== s else { continue }
                if owner.configEpoch > msg.configEpoch {
                    server.log(.verbose, "Node \(s.name) has old slots configuration, sending an UPDATE message about \(owner.name)")
                    sendUpdate(s.link, about: owner)
                    break
                }
            }
        }
        if myself.isMaster && s.isMaster && msg.configEpoch == myself.configEpoch { handleConfigEpochCollision(s) }

        processGossip(msg, sender: s, trusted: false)
        if case .ping(_, let hostname) = msg.body {
            let h = hostname ?? ""
            if h != s.hostname { s.hostname = h; todo.insert(.saveConfig) }
        }
    }

    private func peerIP(_ link: ClusterLink) -> String {
        var ip = [CChar](repeating: 0, count: 64)
        var port: Int32 = 0
        return apus_sock_name(link.fd, 1, &ip, 64, &port) == 0 ? String(cString: ip) : ""
    }

    /// A node that pinged us from another address (nodeUpdateAddressIfNeeded); true
    /// when it changed.
    private func updateAddressIfNeeded(_ n: ClusterNode, _ link: ClusterLink, _ msg: ClusterBusMessage) -> Bool {
        if n === myself || link === n.link { return false }
        let ip = msg.ip ?? peerIP(link)
        if ip.isEmpty { return false }
        if n.ip == ip && n.port == Int(msg.port) && n.cport == Int(msg.cport) { return false }
        n.ip = ip
        n.port = Int(msg.port)
        n.pport = Int(msg.pport)
        n.cport = Int(msg.cport)
        if let l = n.link { freeLink(l) }
        n.flags.remove(.noAddress)
        server.log(.notice, "Address updated for node \(n.name), now \(ip):\(n.port)")
        if myself.isReplica && myself.master === n { server.replicationSetMaster(host: ip, port: n.port) }
        return true
    }

    private func processGossip(_ msg: ClusterBusMessage, sender: ClusterNode?, trusted: Bool) {
        guard case .ping(let gossip, _) = msg.body else { return }
        for g in gossip {
            if let node = nodes[g.name] {
                if let s = sender, s.isMaster, node !== myself {
                    if !g.flags.intersection([.fail, .pfail]).isEmpty {
                        addFailureReport(node, from: s)
                        markAsFailingIfNeeded(node)
                    } else {
                        node.failReports.removeAll { $0.node === s }
                    }
                }
                if g.flags.intersection([.fail, .pfail]).isEmpty && node.pingSent == 0 && node.failReports.isEmpty {
                    let pongTime = Int64(g.pongReceived) * 1000
                    if pongTime <= now + 500 && pongTime > node.pongReceived { node.pongReceived = pongTime }
                }
                if !node.flags.intersection([.fail, .pfail]).isEmpty && !g.flags.contains(.noAddress) && !node.inHandshake
                    && (node.ip != g.ip || node.port != Int(g.port) || node.cport != Int(g.cport)) {
                    if let l = node.link { freeLink(l) }
                    node.ip = g.ip
                    node.port = Int(g.port)
                    node.pport = Int(g.pport)
                    node.cport = Int(g.cport)
                    node.flags.remove(.noAddress)
                }
            } else if sender != nil || trusted, !g.flags.contains(.noAddress), !isBlacklisted(g.name), g.name != myself.name {
                // Known by a trusted peer: add it under its real id and connect.
                let n = ClusterNode(name: g.name, flags: g.flags.intersection([.master, .replica]), now: now)
                n.ip = g.ip
                n.port = Int(g.port)
                n.pport = Int(g.pport)
                n.cport = Int(g.cport)
                addNode(n)
                todo.insert(.saveConfig)
            }
        }
    }

    // MARK: - Failure reports

    func addFailureReport(_ node: ClusterNode, from reporter: ClusterNode) {
        if let i = node.failReports.firstIndex(where: { $0.node === reporter }) {
            node.failReports[i].time = now
        } else {
            node.failReports.append((reporter, now))
        }
    }

    func cleanFailureReports(_ node: ClusterNode) {
        let maxAge = nodeTimeout * 2
        node.failReports.removeAll { now - $0.time > maxAge }
    }

    func failureReportCount(_ node: ClusterNode) -> Int {
        cleanFailureReports(node)
        return node.failReports.count
    }

    /// PFAIL becomes FAIL once a majority of slot-serving masters agree
    /// (markNodeAsFailingIfNeeded); the FAIL is broadcast.
    func markAsFailingIfNeeded(_ node: ClusterNode) {
        let quorum = size / 2 + 1
        if !node.timedOut || node.failed { return }
        var failures = failureReportCount(node)
        if myself.isMaster { failures += 1 }
        if failures < quorum { return }
        server.log(.notice, "Marking node \(node.name) as failing (quorum reached).")
        node.flags.remove(.pfail)
        node.flags.insert(.fail)
        node.failTime = now
        sendFail(node.name)
        todo.formUnion([.updateState, .saveConfig])
    }

    /// FAIL is cleared at once for replicas and slot-less masters, and after twice the
    /// node timeout for a master still serving slots (clearNodeFailureIfNeeded).
    func clearFailureIfNeeded(_ node: ClusterNode) {
        if node.isReplica || node.numSlots == 0 {
            server.log(.notice, "Clear FAIL state for node \(node.name): \(node.isReplica ? "replica" : "master without slots") is reachable again.")
            node.flags.remove(.fail)
            todo.formUnion([.updateState, .saveConfig])
        }
        if node.isMaster && node.numSlots > 0 && now - node.failTime > nodeTimeout * 2 {
            server.log(.notice, "Clear FAIL state for node \(node.name): is reachable again and nobody is serving its slots after some time.")
            node.flags.remove(.fail)
            todo.formUnion([.updateState, .saveConfig])
        }
    }

    func isBlacklisted(_ name: String) -> Bool {
        let t = now / 1000
        blacklist = blacklist.filter { $0.value > t }
        return blacklist[name] != nil
    }

    // MARK: - Slot ownership

    /// Applies a master's claim on slots with its config epoch
    /// (clusterUpdateSlotsConfigWith): unassigned slots or slots held with an older
    /// epoch move to `sender`; a master that loses its last slot to it follows it.
    func updateSlotsConfig(with sender: ClusterNode, configEpoch: UInt64, slots: SlotBitmap) {
        if sender === myself {
            server.log(.notice, "Discarding UPDATE message about myself.")
            return
        }
        let curMaster = myself.isMaster ? myself : myself.master
        var newMaster: ClusterNode?
        var dirty: [Int] = []
        var migratedOurs = 0
        var senderSlots = 0
        for j in 0..<HashSlot.count where slots[j] {
            senderSlots += 1
            if slotOwner[j] === sender { continue }
            if importingFrom[j] != nil { continue }
            if slotOwner[j] == nil || slotOwner[j]!.configEpoch < configEpoch {
                if slotOwner[j] === myself && (server.keyspace.dbs[0].slotIndex?.count(j) ?? 0) > 0 {
                    // Slots an atomic migration handed to the sender lose their keys a
                    // batch at a time, not all at once here.
                    if activeExports.contains(where: { $0.targetName == sender.name && $0.position[j] != nil }) {
                        purgeSlots.append(j)
                    } else {
                        dirty.append(j)
                    }
                }
                if slotOwner[j] != nil && slotOwner[j] === curMaster {
                    newMaster = sender
                    migratedOurs += 1
                }
                unassignSlot(j)
                assignSlot(j, to: sender)
                todo.formUnion([.saveConfig, .updateState])
            }
        }
        if let nm = newMaster, let cm = curMaster, cm.numSlots == 0,
           server.config.clusterAllowReplicaMigration || senderSlots == migratedOurs {
            server.log(.notice, "Configuration change detected. Reconfiguring myself as a replica of \(nm.name)")
            setMyMaster(nm)
            todo.formUnion([.saveConfig, .updateState])
        } else if let m = myself.master, let mm = m.master, mm !== myself {
            server.log(.notice, "I'm a sub-replica! Reconfiguring myself as a replica of \(mm.name)")
            setMyMaster(mm)
            todo.formUnion([.saveConfig, .updateState])
        } else if !dirty.isEmpty {
            for j in dirty { deleteKeys(inSlot: j) }
        }
    }

    /// Two masters with one config epoch: the one with the smaller id takes a new epoch
    /// (clusterHandleConfigEpochCollision).
    func handleConfigEpochCollision(_ sender: ClusterNode) {
        if sender.configEpoch != myself.configEpoch || !sender.isMaster || !myself.isMaster { return }
        if sender.name <= myself.name { return }
        currentEpoch += 1
        myself.configEpoch = currentEpoch
        todo.formUnion([.saveConfig])
        server.log(.verbose, "WARNING: configEpoch collision with node \(sender.name). configEpoch set to \(myself.configEpoch)")
    }

    /// Makes this node a replica of `n` (clusterSetMaster).
    func setMyMaster(_ n: ClusterNode) {
        guard n !== myself else { return }
        if myself.isMaster {
            myself.flags.remove([.master, .migrateTo])
            myself.flags.insert(.replica)
            for s in 0..<HashSlot.count { migratingTo[s] = nil; importingFrom[s] = nil }
        } else {
            myself.master?.removeReplica(myself)
        }
        myself.master = n
        n.addReplica(myself)
        server.replicationSetMaster(host: n.ip, port: n.port)
        resetManualFailover()
    }
}
