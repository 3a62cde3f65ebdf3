// FAILOVER (7.0's coordinated failover, replication.c): the master pauses writes,
// waits until a replica (any, or the one named with TO) acknowledged its whole
// stream, then becomes that replica's replica and asks it with `PSYNC <id> <offset>
// FAILOVER` to take over; the replica promotes itself and answers +CONTINUE, so no
// acknowledged write is lost and both keep one history. TIMEOUT bounds the wait
// (with FORCE it fails over anyway when it expires); FAILOVER ABORT undoes it.

enum FailoverState {
    case none
    case waitForSync
    case inProgress

    var text: String {
        switch self {
        case .none: return "no-failover"
        case .waitForSync: return "waiting-for-sync"
        case .inProgress: return "failover-in-progress"
        }
    }
}

extension ReplicationState {
    struct Failover {
        var state = FailoverState.none
        var endMs: Int64 = 0
        var force = false
        var targetHost: String?
        var targetPort = 0
    }
}

extension Server {
    static func failoverCommand(_ c: Client) {
        let s = c.server
        if c.argc == 2 && c.argEquals(1, "abort") {
            if s.repl.failover.state == .none {
                c.addReplyError("ERR No failover in progress.")
                return
            }
            s.abortFailover("Failover manually aborted")
            c.addReplyOK()
            return
        }
        var timeout: Int64 = 0
        var force = false
        var host: String?
        var port: Int64 = 0
        var j = 1
        while j < c.argc {
            if c.argEquals(j, "timeout") && j + 1 < c.argc && timeout == 0 {
                guard let t = c.argInt64(j + 1) else {
                    c.addReplyError("ERR value is not an integer or out of range")
                    return
                }
                if t <= 0 {
                    c.addReplyError("ERR FAILOVER timeout must be greater than 0")
                    return
                }
                timeout = t
                j += 2
            } else if c.argEquals(j, "to") && j + 2 < c.argc && host == nil {
                guard let p = c.argInt64(j + 2) else {
                    c.addReplyError("ERR value is not an integer or out of range")
                    return
                }
                host = c.argString(j + 1)
                port = p
                j += 3
            } else if c.argEquals(j, "force") && !force {
                force = true
                j += 1
            } else {
                c.addReplySyntaxError()
                return
            }
        }
        if s.repl.failover.state != .none {
            c.addReplyError("ERR FAILOVER already in progress.")
            return
        }
        if s.isReplica {
            c.addReplyError("ERR FAILOVER is not valid when server is a replica.")
            return
        }
        if s.repl.replicas.isEmpty {
            c.addReplyError("ERR FAILOVER requires connected replicas.")
            return
        }
        if force && (timeout == 0 || host == nil) {
            c.addReplyError("ERR FAILOVER with force option requires both a timeout and target HOST and IP.")
            return
        }
        if let h = host {
            guard let r = s.findReplica(host: h, port: Int(port)) else {
                c.addReplyError("ERR FAILOVER target HOST and PORT is not a replica.")
                return
            }
            if r.peer?.state != .online {
                c.addReplyError("ERR FAILOVER target replica is not online.")
                return
            }
            s.repl.failover.targetHost = h
            s.repl.failover.targetPort = Int(port)
            s.log(.notice, "FAILOVER requested to \(h):\(port).")
        } else {
            s.log(.notice, "FAILOVER requested to any replica.")
        }
        s.repl.failover.endMs = timeout > 0 ? s.mstime + timeout : 0
        s.repl.failover.force = force
        s.repl.failover.state = .waitForSync
        s.pauseClients(untilMs: Int64.max, writesOnly: true)
        c.addReplyOK()
    }

    /// The replica listening on `host:port` (by its announced or peer address).
    func findReplica(host: String, port: Int) -> Client? {
        repl.replicas.first { c in
            guard let p = c.peer else { return false }
            let ip = p.announcedIP ?? String(c.peerAddress.split(separator: ":").dropLast().joined(separator: ":"))
            return ip.lowercased() == host.lowercased() && p.listeningPort == port
        }
    }

    func clearFailoverState() {
        repl.failover = ReplicationState.Failover()
        unpauseClients()
    }

    func abortFailover(_ why: String) {
        let f = repl.failover
        if f.state == .none { return }
        if let h = f.targetHost {
            log(.notice, "FAILOVER to \(h):\(f.targetPort) aborted: \(why)")
        } else {
            log(.notice, "FAILOVER to any replica aborted: \(why)")
        }
        if f.state == .inProgress { replicationUnsetMaster() }
        clearFailoverState()
    }

    /// Before sleeping (and from the cron): time out, or hand over to a replica that
    /// caught up.
    func updateFailoverStatus() {
        guard repl.failover.state == .waitForSync else { return }
        let f = repl.failover
        if f.endMs != 0 && f.endMs <= mstime {
            if f.force, let h = f.targetHost {
                log(.notice, "FAILOVER to \(h):\(f.targetPort) time out exceeded, failing over.")
                repl.failover.state = .inProgress
                replicationSetMaster(host: h, port: f.targetPort)
            } else {
                abortFailover("Replica never caught up before timeout")
            }
            return
        }
        var target: Client?
        if let h = f.targetHost {
            target = findReplica(host: h, port: f.targetPort)
        } else if let r = repl.replicas.first(where: { $0.peer?.ackOffset == repl.buffer.offset }), let p = r.peer {
            target = r
            repl.failover.targetHost = p.announcedIP ?? String(r.peerAddress.split(separator: ":").dropLast().joined(separator: ":"))
            repl.failover.targetPort = p.listeningPort
        }
        if let t = target, t.peer?.ackOffset == repl.buffer.offset, let h = repl.failover.targetHost {
            repl.failover.state = .inProgress
            log(.notice, "Failover target \(h):\(repl.failover.targetPort) is synced, failing over.")
            replicationSetMaster(host: h, port: repl.failover.targetPort)
        }
    }
}
