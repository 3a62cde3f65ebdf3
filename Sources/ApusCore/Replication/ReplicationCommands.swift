// REPLICAOF / SLAVEOF, REPLCONF, SYNC, PSYNC, WAIT and ROLE with Redis 7.0's replies
// and errors; the machinery is in Server+ReplicationMaster.swift and
// Server+ReplicationReplica.swift.

enum ReplicationCommands {
    static func replicaof(_ c: Client) {
        let s = c.server
        if s.repl.failover.state != .none {
            c.addReplyError("ERR REPLICAOF not allowed while failing over.")
            return
        }
        if c.argEquals(1, "no") && c.argEquals(2, "one") {
            if s.isReplica {
                s.replicationUnsetMaster()
                s.log(.notice, "MASTER MODE enabled (user request from '\(s.clientInfoString(c))')")
            }
            c.addReplyOK()
            return
        }
        if c.flags.contains(.replica) {
            c.addReplyError("ERR Command is not valid when client is a replica.")
            return
        }
        guard let port = c.argInt64(2), port >= 0, port <= 65535 else {
            c.addReplyError("ERR Invalid master port")
            return
        }
        let host = c.argString(1)
        if let h = s.config.masterHost, h.lowercased() == host.lowercased(), s.config.masterPort == Int(port) {
            s.log(.notice, "REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.")
            c.addReplyRawString("+OK Already connected to specified master\r\n")
            return
        }
        s.replicationSetMaster(host: host, port: Int(port))
        s.log(.notice, "REPLICAOF \(host):\(port) enabled (user request from '\(s.clientInfoString(c))')")
        c.addReplyOK()
    }

    static func replconf(_ c: Client) { c.server.replconfCommand(c) }
    static func failover(_ c: Client) { Server.failoverCommand(c) }
    static func psync(_ c: Client) { c.server.syncCommand(c, psync: true) }
    static func sync(_ c: Client) { c.server.syncCommand(c, psync: false) }

    /// WAIT numreplicas timeout: the replicas that acknowledged this client's last
    /// write, at once when enough did, else when they do or the time is up.
    static func wait(_ c: Client) {
        let s = c.server
        if s.isReplica {
            c.addReplyError("ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.")
            return
        }
        guard let want = c.argInt64(1) else {
            c.addReplyError("ERR value is not an integer or out of range")
            return
        }
        guard let timeout = c.argInt64(2) else {
            c.addReplyError("ERR timeout is not an integer or out of range")
            return
        }
        if timeout < 0 {
            c.addReplyError("ERR timeout is negative")
            return
        }
        let acked = s.countAcks(atLeast: c.writeOffset)
        if acked >= want || c.flags.contains(.multi) || c.flags.contains(.denyBlocking) {
            c.addReplyInteger(acked)
            return
        }
        c.waitOffset = c.writeOffset
        c.waitReplicas = Int(want)
        c.flags.insert(.waitingAcks)
        s.blockForKeys(c, keys: 0..<0, type: .string, deadline: timeout > 0 ? s.mstime + timeout : 0)
        s.repl.waitingClients.append(c)
        s.repl.getAckRequested = true
    }

    /// ROLE: the master with its online replicas, or the replica with its link state.
    static func role(_ c: Client) {
        let s = c.server
        let r = s.repl
        guard let host = s.config.masterHost else {
            let online = r.replicas.filter { $0.peer?.state == .online }
            c.addReplyArrayLen(3)
            c.addReplyBulkString("master")
            c.addReplyInteger(Int(r.buffer.offset))
            c.addReplyArrayLen(online.count)
            for rc in online {
                let p = rc.peer!
                let ip = p.announcedIP ?? String(rc.peerAddress.split(separator: ":").dropLast().joined(separator: ":"))
                c.addReplyArrayLen(3)
                c.addReplyBulkString(ip)
                c.addReplyBulkString(String(p.listeningPort))
                c.addReplyBulkString(String(p.ackOffset))
            }
            return
        }
        let state: String
        switch r.linkState {
        case .none: state = "none"
        case .connect: state = "connect"
        case .connecting: state = "connecting"
        case .receivePing, .receiveReplies, .receivePsync: state = "handshake"
        case .transfer: state = "sync"
        case .connected: state = "connected"
        }
        c.addReplyArrayLen(5)
        c.addReplyBulkString("slave")
        c.addReplyBulkString(host)
        c.addReplyInteger(s.config.masterPort)
        c.addReplyBulkString(state)
        c.addReplyInteger(r.master.map { Int($0.appliedReplOffset) } ?? -1)
    }
}
