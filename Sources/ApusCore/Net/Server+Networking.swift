// Client connections (Redis's networking.c): accepting them, reading and parsing
// their requests (pipelined, with the query-buffer limit), executing what was parsed,
// the before-sleep write pass (one write per client per loop turn), and closing them,
// at once or after the current command. Listeners are in Listeners.swift, output
// limits in OutputLimits.swift, the reply encoding in Protocol/ReplyWriter.swift.

import Glibc
import CApusSys

extension Server {
    // MARK: - Accepting

    func acceptClients(listenerFd: Int32) {
        let isUnix = listeners.first(where: { $0.fd == listenerFd })?.unix ?? false
        var ipbuf = [CChar](repeating: 0, count: 128)
        var max = 1000   // MAX_ACCEPTS_PER_CALL
        while max > 0 {
            max -= 1
            var port: Int32 = 0
            var unixFlag: Int32 = 0
            let cfd = apus_accept(listenerFd, &ipbuf, 128, &port, &unixFlag)
            if cfd < 0 {
                let e = apus_errno()
                if e != EAGAIN && e != EWOULDBLOCK && e != EINTR {
                    log(.warning, "Accepting client connection: \(String(cString: strerror(e)))")
                }
                return
            }
            let ip = String(cString: ipbuf)
            acceptOne(fd: cfd, ip: ip, port: Int(port), unix: isUnix || unixFlag != 0)
        }
    }

    func acceptOne(fd: Int32, ip: String, port: Int, unix: Bool) {
        if !unix {
            _ = apus_set_nodelay(fd)
            if config.tcpKeepalive > 0 { _ = apus_set_keepalive(fd, Int32(config.tcpKeepalive)) }
        }
        if clientList.count >= config.maxclients {
            let msg = "-ERR max number of clients reached\r\n"
            _ = msg.withCString { Glibc.write(fd, $0, strlen($0)) }
            stats.rejectedConnections += 1
            close(fd)
            return
        }
        // Protected mode: no password → refuse peers that are not on loopback (7.0 rule).
        if config.protectedMode && config.requirepass.isEmpty && !unix && !isLoopback(ip) {
            let msg = "-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Setup a an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside.\r\n"
            _ = msg.withCString { Glibc.write(fd, $0, strlen($0)) }
            stats.rejectedConnections += 1
            close(fd)
            return
        }
        var lbuf = [CChar](repeating: 0, count: 128)
        var lport: Int32 = 0
        let lkind = apus_sock_name(fd, 0, &lbuf, 128, &lport)
        let local: String
        let peer: String
        if unix {
            local = (lkind == 1 ? String(cString: lbuf) : config.unixSocket) + ":0"
            peer = local
        } else {
            local = formatAddress(String(cString: lbuf), Int(lport))
            peer = formatAddress(ip, port)
        }
        let reg = nextRegistration
        nextRegistration = nextRegistration == UInt32.max >> 2 ? 1 : nextRegistration + 1
        let c = Client(server: self, id: nextClientId, fd: fd, registration: reg, peer: peer, local: local,
                       unix: unix, db: keyspace.dbs[0], now: mstime,
                       authenticated: config.requirepass.isEmpty)
        nextClientId += 1
        do {
            try loop.add(fd: fd, mask: .readable, token: Token.make(kind: .client, registration: reg, fd: fd))
        } catch {
            log(.warning, "Error registering fd event for the new client: \(error)")
            close(fd)
            return
        }
        if Int(fd) >= clientsByFd.count {
            clientsByFd.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - clientsByFd.count + 64))
        }
        clientsByFd[Int(fd)] = c
        clientList.append(c)
        clientsById[c.id] = c
        stats.connections += 1
    }

    func isLoopback(_ ip: String) -> Bool {
        ip.hasPrefix("127.") || ip == "::1" || ip.hasPrefix("::ffff:127.")
    }

    func formatAddress(_ ip: String, _ port: Int) -> String {
        // IPv6 peers are written "[addr]:port", as Redis's anetFormatAddr does.
        ip.contains(":") ? "[\(ip)]:\(port)" : "\(ip):\(port)"
    }

    // MARK: - Reading and executing

    func readFromClient(_ c: Client) {
        var readlen = 16 * 1024
        if c.request.type == .multibulk && c.request.bulkLen >= ProtocolLimits.bigArgument {
            let remaining = c.request.bulkLen - (c.query.readableBytes - 2)
            if remaining > 0 && remaining < readlen { readlen = remaining }
        }
        if c.query.writableBytes < readlen {
            c.compactQuery()
            c.query.reserve(readlen)
        }
        let n = Glibc.read(c.fd, c.query.base + c.query.writeIndex, c.query.writableBytes)
        if n <= 0 {
            if n < 0 {
                let e = apus_errno()
                if e == EAGAIN || e == EWOULDBLOCK || e == EINTR { return }
                log(.verbose, "Reading from client: \(String(cString: strerror(e)))")
            } else {
                log(.verbose, "Client closed connection \(c.describeForLog())")
            }
            freeClient(c)
            return
        }
        c.query.writeIndex += n
        if c.flags.contains(.master) {
            c.readReplOffset += Int64(n)
            stats.netReplInput += n
        }
        if c.query.readableBytes > c.queryPeak { c.queryPeak = c.query.readableBytes }
        c.lastInteraction = mstime
        c.totalNetInput += n
        if !c.flags.contains(.master) { stats.netInput += n }
        stats.ioReadsProcessed += 1
        if c.query.readableBytes > config.clientQueryBufferLimit && !c.flags.contains(.master) {
            log(.warning, "Closing client that reached max query buffer length: \(clientInfoString(c)) (qbuf initial bytes: \(Repr.quoted(UnsafeRawBufferPointer(rebasing: c.query.readableView.prefix(64)))))")
            stats.clientQbufLimitDisconnections += 1
            freeClient(c)
            return
        }
        processInputBuffer(c)
    }

    /// Parses and runs every complete command in the query buffer (pipelining).
    func processInputBuffer(_ c: Client) {
        if c.flags.contains(.postponed) || c.flags.contains(.blocked) { return }
        while c.query.readableBytes > 0 {
            if c.flags.contains(.closeAfterReply) || c.flags.contains(.closeASAP) { break }
            let r = c.parseRequest()
            if r != .complete { break }
            if c.argc == 0 {
                // An empty line: a replica's sign of life while it loads; from our
                // master, bytes of the stream like any other.
                c.resetRequest()
                if let p = c.peer { p.ackTime = mstime / 1000 }
                if c.flags.contains(.master) { masterCommandApplied(c) }
                continue
            }
            if pausedUntilMs != 0 && commandIsPaused(c) {
                // Keep the parsed command; it runs when the pause ends (Redis's
                // blockPostponeClient). Nothing more is parsed meanwhile.
                c.flags.insert(.postponed)
                pausedClients.append(c)
                return
            }
            runParsedCommand(c)
            if clientsByFd[Int(c.fd)] !== c { return }  // freed while executing (QUIT etc.)
            // Parked by a blocking command: the rest waits until it is served.
            if c.flags.contains(.blocked) { return }
        }
        if c.query.readIndex == c.query.writeIndex && c.request.type == .unknown {
            c.query.readIndex = 0
            c.query.writeIndex = 0
        }
        // Nothing left to send (replies off): close now rather than never.
        if c.flags.contains(.closeAfterReply) && c.reply.readableBytes == 0 && !c.queuedForWrite {
            freeClientAsync(c)
        }
    }

    @inline(__always) func runParsedCommand(_ c: Client) {
        if c.flags.contains(.master) {
            runMasterCommand(c)
            return
        }
        processCommand(c)
        // A blocked command keeps its arguments until it is served or released.
        if !c.flags.contains(.blocked) { finishCommand(c) }
        if !keyspace.readyKeys.isEmpty { handleClientsBlockedOnKeys() }
    }

    /// A command from our master: its keys are seen as the master sees them (a key
    /// past its TTL here is still there until the master's DEL arrives), and the
    /// bytes it took then count as applied and go on into our own stream.
    @inline(never)
    func runMasterCommand(_ c: Client) {
        keyspace.ignoreExpiry = true
        processCommand(c)
        keyspace.ignoreExpiry = false
        if !c.flags.contains(.blocked) { finishCommand(c) }
        if !keyspace.readyKeys.isEmpty { handleClientsBlockedOnKeys() }
        if clientIsConnected(c) { masterCommandApplied(c) }
    }

    /// Forgets the command just completed (Redis's resetClient).
    @inline(__always) func finishCommand(_ c: Client) {
        c.resetRequest()
        // CLIENT REPLY SKIP silences exactly the next command's reply.
        if c.flags.contains(.replySkip) { c.flags.remove(.replySkip) }
        if c.flags.contains(.replySkipNext) { c.flags.remove(.replySkipNext); c.flags.insert(.replySkip) }
    }

    // MARK: - Writing

    /// Before-sleep pass: one write per client that has replies queued.
    func handleClientsWithPendingWrites() {
        if clientsPendingWrite.isEmpty { return }
        // Writing never queues more clients, so the array is stable while we walk it;
        // emptying it afterwards keeps its storage (no allocation per loop turn). The
        // walk goes from the last queued to the first, as Redis's head-inserted list
        // does: a publisher, queued after the subscribers its message reached, gets
        // its reply before the fan-out is written, and can send its next request
        // while the loop writes to them.
        var i = clientsPendingWrite.count
        while i > 0 {
            i -= 1
            let c = clientsPendingWrite[i]
            c.queuedForWrite = false
            if clientsByFd[Int(c.fd)] !== c { continue }
            writeToClient(c)
        }
        clientsPendingWrite.removeAll(keepingCapacity: true)
    }

    /// Writes what `c.reply` holds until it is empty or the socket is full. Returns
    /// false when a write error freed the client. A replica's bytes count as
    /// replication output.
    func writeReplyBuffer(_ c: Client) -> Bool {
        while c.reply.readableBytes > 0 {
            let n = SystemCall.retryingEINTR { Glibc.write(c.fd, c.reply.base + c.reply.readIndex, c.reply.readableBytes) }
            if n < 0 {
                let e = apus_errno()
                if e == EAGAIN || e == EWOULDBLOCK { break }
                log(.verbose, "Error writing to \(c.peer != nil ? "replica" : "client"): \(String(cString: strerror(e)))")
                freeClient(c)
                return false
            }
            c.reply.readIndex += n
            c.totalNetOutput += n
            if c.peer != nil { stats.netReplOutput += n } else { stats.netOutput += n }
        }
        return true
    }

    func writeToClient(_ c: Client) {
        if c.peer != nil {
            writeToReplica(c)
            return
        }
        if !writeReplyBuffer(c) { return }
        stats.ioWritesProcessed += 1
        if c.reply.readableBytes == 0 {
            c.reply.readIndex = 0
            c.reply.writeIndex = 0
            c.softLimitReachedAt = 0
            if c.flags.contains(.writeHandlerInstalled) {
                c.flags.remove(.writeHandlerInstalled)
                loop.modify(fd: c.fd, mask: .readable, token: Token.make(kind: .client, registration: c.registration, fd: c.fd))
            }
            if c.flags.contains(.closeAfterReply) { freeClient(c) }
        } else if closeClientOnOutputBufferLimitReached(c) {
            freeClient(c)   // not inside a command: close now
        } else if !c.flags.contains(.writeHandlerInstalled) {
            c.flags.insert(.writeHandlerInstalled)
            loop.modify(fd: c.fd, mask: [.readable, .writable], token: Token.make(kind: .client, registration: c.registration, fd: c.fd))
        }
    }

    // MARK: - Closing

    public func freeClient(_ c: Client) {
        guard Int(c.fd) < clientsByFd.count, clientsByFd[Int(c.fd)] === c else { return }
        loop.remove(fd: c.fd)
        close(c.fd)
        clientsByFd[Int(c.fd)] = nil
        if let i = clientList.firstIndex(where: { $0 === c }) { clientList.remove(at: i) }
        clientsById[c.id] = nil
        if !c.tracking.isEmpty || !c.trackingPrefixes.isEmpty { disableTracking(c) }
        if c.flags.contains(.monitor), let i = monitors.firstIndex(where: { $0 === c }) { monitors.remove(at: i) }
        if let i = pausedClients.firstIndex(where: { $0 === c }) { pausedClients.remove(at: i) }
        if c.flags.contains(.waitingAcks) { removeWaitingClient(c) }
        if c.flags.contains(.blocked) { removeFromBlockingQueues(c) }
        if c.flags.contains(.replica) { dropReplica(c) }
        if c.flags.contains(.master) { masterClientFreed(c) }
        if c.flags.contains(.slotImport) { cluster?.importClientClosed(c) }
        pubsub.unsubscribeAll(c)
        keyspace.unwatchAll(c)
        c.flags.insert(.closeASAP)
    }

    /// Closes a client from inside a command (CLIENT KILL of another client, QUIT): the
    /// actual close waits until the current command returned.
    public func freeClientAsync(_ c: Client) {
        c.flags.insert(.closeASAP)
        clientsToClose.append(c)
    }
}
