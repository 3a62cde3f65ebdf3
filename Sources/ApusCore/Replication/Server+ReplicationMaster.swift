// The master side of replication (Redis's replication.c, master half): SYNC/PSYNC and
// REPLCONF from replicas, the choice between a partial resync from the backlog and a
// full one, the full sync's RDB produced from a point-in-time snapshot of the keyspace
// (never a fork) — to disk and then sent, or streamed to the replicas' sockets through
// a pipe from the save thread in the `$EOF:` form — the command stream fed from the
// propagation point, PINGs and newlines from the replication cron, ACKs, WAIT and
// min-replicas-to-write.

import Glibc
import CApusSys

/// The replication stream as a consumer of the propagation point.
final class ReplicationFeed: PropagationConsumer {
    unowned let server: Server
    init(server: Server) { self.server = server }
    var target: PropagationTargets { .replicas }
    private var select = ByteBuffer(capacity: 64)
    deinit { select.free() }

    /// Written straight into the shared buffer, with a SELECT whenever the database
    /// changes (as CommandStreamWriter does for the AOF).
    func feed(_ commands: [PropagatedCommand]) {
        let r = server.repl
        for c in commands {
            if c.db != r.streamDB {
                select.reset(shrinkTo: 64)
                RESPCommandEncoder.append([Array("SELECT".utf8), Numbers.ll2string(Int64(c.db))], into: &select)
                r.buffer.append(select.readableView)
                r.streamDB = c.db
            }
            r.buffer.append(c.resp)
        }
        server.replicationStreamGrew()
    }
}

/// Token registrations of replication's own descriptors (kind .replication).
enum ReplicationToken: UInt32 {
    case masterLink = 1
    case rdbPipe = 2
}

extension Server {
    // MARK: - The stream

    /// Creates the backlog (the first replica arrived, or this server is a replica that
    /// will proxy its master's stream) and starts feeding it.
    func createReplicationBacklog() {
        repl.buffer.backlogSize = config.replBacklogSize
        repl.buffer.create()
        refreshReplicationFeed()
    }

    /// The propagation point feeds the stream only on a master with a backlog: a
    /// replica proxies its master's bytes instead (so its sub-replicas see the same
    /// offsets).
    func refreshReplicationFeed() {
        let want = repl.buffer.active && !isReplica
        let attached = keyspace.propagator.consumers.contains { $0 === replicationFeed }
        if want && !attached { keyspace.propagator.attach(replicationFeed) }
        if !want && attached { keyspace.propagator.detach(replicationFeed) }
    }

    /// Appends bytes to the stream as they are (proxying a master, or PING/GETACK).
    func feedReplicationStream(raw bytes: UnsafeRawBufferPointer) {
        guard repl.buffer.active else { return }
        repl.buffer.append(bytes)
        replicationStreamGrew()
    }

    /// New bytes are in the stream: streaming replicas get a write this loop turn;
    /// blocks no one needs are released; a replica too far behind is cut.
    func replicationStreamGrew() {
        for c in repl.replicas {
            guard let p = c.peer, p.streaming else { continue }
            if !c.queuedForWrite && !c.flags.contains(.closeASAP) {
                c.queuedForWrite = true
                clientsPendingWrite.append(c)
            }
        }
        // The backlog only needs trimming once it grew by a block.
        if repl.buffer.grewBlock { trimReplicationBuffer() }
        if !repl.replicas.isEmpty { checkReplicaOutputLimits() }
    }

    /// Frees the blocks neither the backlog nor any replica still reads.
    func trimReplicationBuffer() {
        var oldest: Int64?
        for c in repl.replicas {
            guard let p = c.peer, readsStream(p) else { continue }
            oldest = min(oldest ?? p.position, p.position)
        }
        repl.buffer.trim(oldestReader: oldest)
    }

    /// The replica has a position in the stream: its full sync was cut (or it
    /// continued partially) and it is not an rdb-only one.
    func readsStream(_ p: ReplicaPeer) -> Bool {
        p.state != .waitBgsaveStart && p.state != .rdbTransmitted
    }

    /// client-output-buffer-limit replica, measured as 7.0 measures it: the stream a
    /// replica still has to receive.
    func checkReplicaOutputLimits() {
        for c in repl.replicas where c.peer.map(readsStream) == true {
            if replicaPendingStream(c) + c.reply.readableBytes < outputLimitFloor { continue }
            closeClientOnOutputBufferLimitReached(c)
        }
    }

    /// Stream bytes a replica has not received yet.
    func replicaPendingStream(_ c: Client) -> Int {
        guard let p = c.peer, readsStream(p) else { return 0 }
        return Int(max(0, repl.buffer.offset + 1 - p.position))
    }

    // MARK: - SYNC / PSYNC

    func syncCommand(_ c: Client, psync: Bool) {
        if c.flags.contains(.replica) { return }
        // PSYNC <id> <offset> FAILOVER: our master hands over to us (FAILOVER).
        if psync && c.argc > 3 && c.argEquals(3, "failover") {
            log(.warning, "Failover request received for replid \(c.argString(1)).")
            if !isReplica {
                c.addReplyError("ERR PSYNC FAILOVER can't be sent to a master.")
                return
            }
            if c.argString(1).lowercased() != replicationId {
                c.addReplyError("ERR PSYNC FAILOVER replid must match my replid.")
                return
            }
            replicationUnsetMaster()
            log(.notice, "MASTER MODE enabled (failover request from '\(clientInfoString(c))')")
        }
        if repl.failover.state != .none {
            c.addReplyError("NOMASTERLINK Can't SYNC while failing over")
            return
        }
        if isReplica && repl.linkState != .connected {
            c.addReplyError("NOMASTERLINK Can't SYNC while not connected with my master")
            return
        }
        if c.reply.readableBytes > 0 {
            c.addReplyError("ERR SYNC and PSYNC are invalid with pending output")
            return
        }
        let peer = c.replconf ?? ReplicaPeer()
        if peer.excludeData && !peer.capaEOF {
            c.addReplyError("ERR Filtered replica requires EOF capability")
            return
        }
        log(.notice, "Replica \(replicaName(c)) asks for synchronization")
        c.replconf = nil
        if psync {
            guard let off = c.argInt64(2) else {
                log(.warning, "Replica \(replicaName(c)) asks for synchronization but with a wrong offset")
                c.addReplyError("ERR value is not an integer or out of range")
                return
            }
            if tryPartialResync(c, peer, replid: c.argString(1), offset: off) {
                stats.syncPartialOk += 1
                return
            }
            if c.argString(1) != "?" { stats.syncPartialErr += 1 }
        } else {
            peer.prePSYNC = true
        }
        stats.syncFull += 1
        peer.state = .waitBgsaveStart
        c.peer = peer
        c.flags.insert(.replica)
        if config.replDisableTcpNodelay { _ = apus_set_nodelay(c.fd) }
        repl.replicas.append(c)
        if repl.replicas.count == 1 && !repl.buffer.active {
            // A backlog made from scratch starts a new history.
            replicationId = Server.randomHex(40)
            clearReplicationId2()
            createReplicationBacklog()
            log(.notice, "Replication backlog created, my new replication IDs are '\(replicationId)' and '\(repl.replid2)'")
        }
        if let job = snapshotJob, job.kind == .rdb, repl.pipeFd < 0 {
            // A disk save is running: ride along if it already serves a replica (its
            // differences are being kept from the same cut).
            if let other = repl.replicas.first(where: { $0.peer?.state == .waitBgsaveEnd && $0.peer?.diskTarget == true && $0 !== c }),
               let op = other.peer, op.excludeData == peer.excludeData {
                peer.diskTarget = true
                setupReplicaForFullResync(c, offset: op.initialOffset)
                log(.notice, "Waiting for end of BGSAVE for SYNC")
            } else {
                log(.notice, "Can't attach the replica to the current BGSAVE. Waiting for next BGSAVE for SYNC")
            }
        } else if snapshotJob?.kind == .replicaSockets || repl.pipeFd >= 0 || snapshotJob?.kind == .rdb {
            log(.notice, "Current BGSAVE has socket target. Waiting for next BGSAVE for SYNC")
        } else if (config.replDisklessSync || peer.excludeData) && peer.capaEOF && config.replDisklessSyncDelay > 0 {
            log(.notice, "Delay next BGSAVE for diskless SYNC")
        } else if snapshotJob == nil {
            startBgsaveForReplication()
        } else {
            log(.notice, "No BGSAVE in progress, but another BG operation is active. BGSAVE for replication delayed")
        }
    }

    /// PSYNC <replid> <offset>: +CONTINUE and the backlog from `offset` when this
    /// server's history (its ID, or its previous ID up to where it ended) has it.
    func tryPartialResync(_ c: Client, _ peer: ReplicaPeer, replid: String, offset: Int64) -> Bool {
        let r = repl
        if replid.lowercased() != replicationId && (replid.lowercased() != r.replid2 || offset > r.secondReplOffset) {
            if replid != "?" {
                if replid.lowercased() != replicationId && replid.lowercased() != r.replid2 {
                    log(.notice, "Partial resynchronization not accepted: Replication ID mismatch (Replica asked for '\(replid)', my replication IDs are '\(replicationId)' and '\(r.replid2)')")
                } else {
                    log(.notice, "Partial resynchronization not accepted: Requested offset for second ID was \(offset), but I can reply up to \(r.secondReplOffset)")
                }
            } else {
                log(.notice, "Full resync requested by replica \(replicaName(c))")
            }
            return false
        }
        if !r.buffer.backlogCovers(offset) {
            log(.notice, "Unable to partial resync with replica \(replicaName(c)) for lack of backlog (Replica request was: \(offset)).")
            if offset > r.buffer.offset + 1 {
                log(.warning, "Warning: replica \(replicaName(c)) tried to PSYNC with an offset that is greater than the master replication offset.")
            }
            return false
        }
        c.flags.insert(.replica)
        c.peer = peer
        peer.state = .online
        peer.ackTime = mstime / 1000
        peer.position = offset
        peer.streaming = true
        r.replicas.append(c)
        c.addReplyRawString(peer.capaPSYNC2 ? "+CONTINUE \(replicationId)\r\n" : "+CONTINUE\r\n")
        let len = r.buffer.offset + 1 - offset
        log(.notice, "Partial resynchronization request from \(replicaName(c)) accepted. Sending \(len) bytes of backlog starting from offset \(offset).")
        refreshGoodReplicasCount()
        return true
    }

    /// +FULLRESYNC <replid> <offset>: the replica's RDB will hold the dataset as of
    /// `offset`, and the stream after it is kept for it.
    func setupReplicaForFullResync(_ c: Client, offset: Int64) {
        guard let p = c.peer else { return }
        p.initialOffset = offset
        p.position = offset + 1
        p.state = .waitBgsaveEnd
        repl.streamDB = -1
        if !p.prePSYNC {
            c.addReplyRawString("+FULLRESYNC \(replicationId) \(offset)\r\n")
        }
    }

    /// Starts the snapshot for the replicas waiting for one: streamed to their sockets
    /// when diskless sync is on and all of them take the EOF form, else saved to disk.
    func startBgsaveForReplication() {
        // One snapshot serves the replicas with the first one's requirements.
        guard let first = repl.replicas.first(where: { $0.peer?.state == .waitBgsaveStart })?.peer else { return }
        let waiting = repl.replicas.filter { $0.peer?.state == .waitBgsaveStart && $0.peer?.excludeData == first.excludeData }
        if first.excludeData {
            sendEmptyRDB(to: waiting)
            return
        }
        let socket = config.replDisklessSync && waiting.allSatisfy { $0.peer!.capaEOF }
        log(.notice, "Starting BGSAVE for SYNC with target: \(socket ? "replicas sockets" : "disk")")
        let ok = socket ? startSocketSave(for: waiting) : startBackgroundSave()
        if !ok || (!socket && snapshotJob == nil) {
            log(.warning, "BGSAVE for replication failed")
            for c in waiting {
                dropReplica(c)
                c.addReplyError("ERR BGSAVE failed, replication can't continue")
                c.flags.insert(.closeAfterReply)
            }
            return
        }
        if !socket {
            for c in waiting {
                c.peer?.diskTarget = true
                setupReplicaForFullResync(c, offset: repl.buffer.offset)
            }
        }
    }

    /// A filtered RDB without keys (rdb-filter-only): header, aux fields, end and
    /// checksum, in the `$EOF:` form, with no snapshot to take.
    private func sendEmptyRDB(to waiting: [Client]) {
        log(.notice, "Starting BGSAVE for SYNC with target: replicas sockets")
        let keys = makeRDBKeyWriter()
        keys.finish(checksum: config.rdbchecksum)
        var rdb: [UInt8] = []
        keys.encoder.drainBuffered { rdb += $0 }
        let mark = Server.randomHex(40)
        for c in waiting {
            setupReplicaForFullResync(c, offset: repl.buffer.offset)
            c.addReplyRawString("$EOF:\(mark)\r\n")
            rdb.withUnsafeBytes { c.reply.append($0) }
            c.addReplyRawString(mark)
            c.peer?.streamOnAck = true
            replicaPutOnline(c)
        }
    }

    /// The diskless sync: the save thread writes the RDB into a pipe, the loop reads it
    /// and copies each chunk to every replica (rdbSaveToSlavesSockets).
    private func startSocketSave(for waiting: [Client]) -> Bool {
        var fds: [Int32] = [-1, -1]
        if pipe(&fds) != 0 {
            log(.warning, "Can't setup the pipe for diskless replication: \(String(cString: strerror(errno)))")
            return false
        }
        _ = apus_fcntl_cloexec(fds[0])
        _ = apus_fcntl_cloexec(fds[1])
        _ = apus_set_nonblock(fds[0])
        ensureNotifyFd()
        do {
            try loop.add(fd: fds[0], mask: .readable,
                         token: Token.make(kind: .replication, registration: ReplicationToken.rdbPipe.rawValue, fd: fds[0]))
        } catch {
            close(fds[0]); close(fds[1])
            return false
        }
        let offset = repl.buffer.offset
        let mark = Array(Server.randomHex(40).utf8)
        for c in waiting {
            setupReplicaForFullResync(c, offset: offset)
            c.peer!.lastPartialWrite = mstime / 1000
            c.addReplyRawString("$EOF:" + String(decoding: mark, as: UTF8.self) + "\r\n")
        }
        repl.pipeFd = fds[0]
        repl.pipeMark = mark
        repl.pipeEOF = false
        repl.pipeResult = nil
        repl.pipePaused = false
        let keys = makeRDBKeyWriter()
        let thread = RDBSaveThread(keys: keys, checksum: config.rdbchecksum, fd: fds[1], tempPath: "", finalPath: nil,
                                   notifyFd: notifyFd, incrementalFsync: false)
        let sink = EntryCopySink(thread: thread, compress: config.rdbcompression)
        let snap = keyspace.beginSnapshot(sink: sink, streamThreshold: snapshotStreamThreshold)
        snapshotJob = SnapshotJob(kind: .replicaSockets, snapshot: snap, sink: sink, thread: thread, tempPath: "",
                                  finalPath: "", startedAtMs: mstime, dirtyAtStart: keyspace.dirty)
        lastBgsaveTryTime = mstime / 1000
        log(.notice, "Background RDB transfer started (forkless snapshot of \(snap.keysTotal) keys, streamed by a helper thread)")
        return true
    }

    /// The pipe has RDB bytes: copied to every replica still receiving, while each has
    /// room; a slow replica pauses reading until it drained.
    func readRDBPipe() {
        guard repl.pipeFd >= 0 else { return }
        let receivers = repl.replicas.filter {
            $0.peer?.state == .waitBgsaveEnd && $0.peer?.diskTarget == false && !$0.flags.contains(.closeASAP)
        }
        if receivers.contains(where: { $0.reply.readableBytes >= 1024 * 1024 }) {
            pauseRDBPipe(true)
            return
        }
        let fd = repl.pipeFd
        let n = repl.scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            let e = errno
            if e == EAGAIN || e == EINTR { return }
            log(.warning, "Diskless rdb transfer, read error sending DB to replicas: \(String(cString: strerror(e)))")
            endSocketTransfer(ok: false)
            return
        }
        if n == 0 {
            repl.pipeEOF = true
            loop.remove(fd: repl.pipeFd)
            finishSocketTransferIfDone()
            return
        }
        for c in receivers {
            repl.scratch.withUnsafeBytes { c.reply.append(UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
            if !c.queuedForWrite { c.queuedForWrite = true; clientsPendingWrite.append(c) }
        }
        if receivers.isEmpty {
            log(.warning, "Diskless rdb transfer, last replica dropped, killing fork child.")
            endSocketTransfer(ok: false)
        }
    }

    /// A paused pipe leaves the poll set (epoll would still report the writer's hang-up).
    private func pauseRDBPipe(_ pause: Bool) {
        if repl.pipePaused == pause || repl.pipeFd < 0 || repl.pipeEOF { return }
        repl.pipePaused = pause
        if pause {
            loop.remove(fd: repl.pipeFd)
        } else {
            let token = Token.make(kind: .replication, registration: ReplicationToken.rdbPipe.rawValue, fd: repl.pipeFd)
            try? loop.add(fd: repl.pipeFd, mask: .readable, token: token)
        }
    }

    /// The save thread of a socket transfer ended (from drainNotifications).
    func socketSaveThreadEnded(error: Int32) {
        repl.pipeResult = error
        if error != 0 {
            log(.warning, "Background transfer error")
            endSocketTransfer(ok: false)
            return
        }
        finishSocketTransferIfDone()
    }

    /// Both the thread's success and the pipe's end are known: the replicas get the
    /// closing mark and go online; the stream starts at their first ACK.
    private func finishSocketTransferIfDone() {
        guard repl.pipeEOF, let result = repl.pipeResult else { return }
        if result != 0 { endSocketTransfer(ok: false); return }
        log(.notice, "Background RDB transfer terminated with success")
        endSocketTransfer(ok: true)
    }

    /// Closes the pipe; on success marks the end of each replica's payload, else drops
    /// the replicas that were receiving it.
    func endSocketTransfer(ok: Bool) {
        if repl.pipeFd >= 0 {
            if !repl.pipeEOF && !repl.pipePaused { loop.remove(fd: repl.pipeFd) }
            close(repl.pipeFd)
            repl.pipeFd = -1
        }
        if !ok, let job = snapshotJob, job.kind == .replicaSockets {
            job.snapshot.abort()
            job.thread.abort()
            job.closed = true
            snapshotJob = nil
        }
        for c in repl.replicas where c.peer?.state == .waitBgsaveEnd && c.peer?.diskTarget == false {
            let p = c.peer!
            if ok {
                c.reply.append(repl.pipeMark.withUnsafeBytes { $0 })
                if !c.queuedForWrite { c.queuedForWrite = true; clientsPendingWrite.append(c) }
                p.streamOnAck = true
                replicaPutOnline(c)
            } else {
                log(.warning, "Closing replica \(replicaName(c)): its diskless transfer failed")
                freeClientAsync(c)
            }
        }
        repl.pipeEOF = false
        repl.pipeResult = nil
        repl.pipePaused = false
    }

    /// A disk-target BGSAVE ended: the replicas that waited for it get the file, or
    /// are dropped if it failed (updateSlavesWaitingBgsave).
    func diskSaveEndedForReplicas(ok: Bool) {
        for c in repl.replicas where c.peer?.state == .waitBgsaveEnd && c.peer?.diskTarget == true {
            let p = c.peer!
            if !ok {
                log(.warning, "SYNC failed. BGSAVE child returned an error")
                freeClientAsync(c)
                continue
            }
            let fd = open(rdbPath, O_RDONLY | O_CLOEXEC)
            var st = stat()
            if fd < 0 || fstat(fd, &st) != 0 {
                if fd >= 0 { close(fd) }
                log(.warning, "SYNC failed. Can't open/stat DB after BGSAVE: \(String(cString: strerror(errno)))")
                freeClientAsync(c)
                continue
            }
            p.rdbFd = fd
            p.rdbSent = 0
            p.rdbSize = Int(st.st_size)
            p.state = .sendBulk
            c.addReplyRawString("$\(p.rdbSize)\r\n")
            if !c.queuedForWrite { c.queuedForWrite = true; clientsPendingWrite.append(c) }
        }
    }

    /// The RDB reached the replica (replicaPutOnline).
    func replicaPutOnline(_ c: Client) {
        guard let p = c.peer else { return }
        if p.rdbOnly {
            // It wanted the RDB alone: the connection closes once it is written.
            log(.notice, "RDB transfer completed, rdb only replica (\(replicaName(c))) should be disconnected asap")
            p.state = .rdbTransmitted
            p.streamOnAck = false
            c.flags.insert(.closeAfterReply)
            return
        }
        p.state = .online
        p.ackTime = mstime / 1000
        refreshGoodReplicasCount()
        log(.notice, "Synchronization with replica \(replicaName(c)) succeeded")
    }

    // MARK: - Writing to a replica

    /// A replica's write pass: replies (handshake lines, diskless RDB chunks), then the
    /// RDB file of a disk sync, then the stream from its position.
    func writeToReplica(_ c: Client) {
        guard let p = c.peer else { return }
        var progressed = true
        while progressed {
            progressed = false
            if c.reply.readableBytes > 0 {
                if !writeReplyBuffer(c) { return }
                if p.state == .waitBgsaveEnd { p.lastPartialWrite = mstime / 1000 }
                if c.reply.readableBytes > 0 { break }
                c.reply.readIndex = 0
                c.reply.writeIndex = 0
                progressed = true
                if repl.pipePaused { resumeRDBPipeIfDrained() }
                continue
            }
            if p.state == .sendBulk {
                // One chunk of the file into the reply buffer, then written above.
                c.reply.reserve(64 * 1024)
                let want = min(64 * 1024, p.rdbSize - p.rdbSent)
                let n = want > 0 ? pread(p.rdbFd, c.reply.base + c.reply.writeIndex, want, off_t(p.rdbSent)) : 0
                if want > 0 && n <= 0 {
                    log(.warning, "Read error sending DB to replica: \(n == 0 ? "premature EOF" : String(cString: strerror(errno)))")
                    freeClient(c)
                    return
                }
                if n > 0 {
                    c.reply.writeIndex += n
                    p.rdbSent += n
                    progressed = true
                    continue
                }
                close(p.rdbFd)
                p.rdbFd = -1
                replicaPutOnline(c)
                p.streaming = !p.rdbOnly
                progressed = true
                continue
            }
            if p.streaming && p.position <= repl.buffer.offset {
                var wrote = 0
                var blocked = false
                repl.buffer.forEachPiece(from: p.position) { piece in
                    let n = SystemCall.retryingEINTR { Glibc.write(c.fd, piece.baseAddress, piece.count) }
                    if n < 0 {
                        let e = apus_errno()
                        if e != EAGAIN && e != EWOULDBLOCK { wrote = -1 }
                        blocked = true
                        return false
                    }
                    wrote += n
                    p.position += Int64(n)
                    if n < piece.count { blocked = true; return false }
                    return true
                }
                if wrote < 0 {
                    log(.verbose, "Error writing to replica: \(String(cString: strerror(errno)))")
                    freeClient(c)
                    return
                }
                c.totalNetOutput += wrote
                stats.netReplOutput += wrote
                if blocked { break }
            }
        }
        stats.ioWritesProcessed += 1
        let pending = c.reply.readableBytes > 0 || p.state == .sendBulk || (p.streaming && p.position <= repl.buffer.offset)
        if !pending {
            c.softLimitReachedAt = 0
            if c.flags.contains(.closeAfterReply) {
                freeClient(c)
                return
            }
        }
        let token = Token.make(kind: .client, registration: c.registration, fd: c.fd)
        if pending && !c.flags.contains(.writeHandlerInstalled) {
            c.flags.insert(.writeHandlerInstalled)
            loop.modify(fd: c.fd, mask: [.readable, .writable], token: token)
        } else if !pending && c.flags.contains(.writeHandlerInstalled) {
            c.flags.remove(.writeHandlerInstalled)
            loop.modify(fd: c.fd, mask: .readable, token: token)
        }
        if pending && closeClientOnOutputBufferLimitReached(c) { freeClient(c) }
    }

    func resumeRDBPipeIfDrained() {
        let busy = repl.replicas.contains {
            $0.peer?.state == .waitBgsaveEnd && $0.peer?.diskTarget == false && $0.reply.readableBytes >= 1024 * 1024
        }
        if !busy { pauseRDBPipe(false) }
    }

    // MARK: - REPLCONF

    func replconfCommand(_ c: Client) {
        if c.argc % 2 == 0 {
            c.addReplySyntaxError()
            return
        }
        let conf = c.peer ?? c.replconf ?? ReplicaPeer()
        if c.peer == nil { c.replconf = conf }
        var j = 1
        while j < c.argc {
            if c.argEquals(j, "listening-port") {
                guard let v = c.argInt64(j + 1) else {
                    c.addReplyError("ERR value is not an integer or out of range")
                    return
                }
                conf.listeningPort = Int(v)
            } else if c.argEquals(j, "ip-address") {
                let a = c.argString(j + 1)
                if a.utf8.count >= 46 {
                    c.addReplyError("ERR REPLCONF ip-address provided by replica instance is too long: \(a.utf8.count) bytes")
                    return
                }
                conf.announcedIP = a
            } else if c.argEquals(j, "capa") {
                if c.argEquals(j + 1, "eof") { conf.capaEOF = true }
                if c.argEquals(j + 1, "psync2") { conf.capaPSYNC2 = true }
            } else if c.argEquals(j, "ack") {
                guard let p = c.peer, let off = c.argInt64(j + 1) else { return }
                if off > p.ackOffset { p.ackOffset = off }
                p.ackTime = mstime / 1000
                if p.streamOnAck && p.state == .online {
                    p.streamOnAck = false
                    p.streaming = true
                    if !c.queuedForWrite { c.queuedForWrite = true; clientsPendingWrite.append(c) }
                }
                return
            } else if c.argEquals(j, "getack") {
                if isReplica, repl.master != nil { sendAckToMaster() }
                return
            } else if c.argEquals(j, "rdb-only") {
                guard let v = c.argInt64(j + 1), v == 0 || v == 1 else {
                    c.addReplyError("ERR value is out of range, must be positive")
                    return
                }
                conf.rdbOnly = v == 1
            } else if c.argEquals(j, "rdb-filter-only") {
                // Only "functions" may be kept; the keys never are.
                for f in c.argString(j + 1).split(separator: " ") where f.lowercased() != "functions" {
                    c.addReplyError("ERR Unsupported rdb-filter-only option: \(f)")
                    return
                }
                conf.excludeData = true
            } else {
                c.addReplyError("ERR Unrecognized REPLCONF option: \(c.argString(j))")
                return
            }
            j += 2
        }
        c.addReplyOK()
    }

    // MARK: - Replicas leaving

    /// Forgets a replica (its client is being freed or refused).
    func dropReplica(_ c: Client) {
        guard c.flags.contains(.replica) else { return }
        c.flags.remove(.replica)
        if let i = repl.replicas.firstIndex(where: { $0 === c }) { repl.replicas.remove(at: i) }
        if let p = c.peer, p.state == .online {
            log(.notice, "Connection with replica \(replicaName(c)) lost.")
        }
        c.peer = nil
        if repl.replicas.isEmpty { repl.noReplicasSince = mstime / 1000 }
        refreshGoodReplicasCount()
        if repl.pipeFd >= 0 && !repl.pipeEOF {
            if !repl.replicas.contains(where: { $0.peer?.state == .waitBgsaveEnd && $0.peer?.diskTarget == false }) {
                log(.warning, "Diskless rdb transfer, last replica dropped, killing fork child.")
                endSocketTransfer(ok: false)
            } else if repl.pipePaused {
                // The slow one may have been the one leaving.
                resumeRDBPipeIfDrained()
            }
        }
    }

    /// Closes every replica (they reconnect and learn the new history).
    func disconnectReplicas() {
        for c in repl.replicas { freeClientAsync(c) }
    }

    /// "ip:port" of a replica as logs name it.
    func replicaName(_ c: Client) -> String {
        let ip = c.peer?.announcedIP ?? c.replconf?.announcedIP ?? String(c.peerAddress.split(separator: ":").dropLast().joined(separator: ":"))
        let port = c.peer?.listeningPort ?? c.replconf?.listeningPort ?? 0
        return port > 0 ? "\(ip):\(port)" : "client id #\(c.id)"
    }

    // MARK: - IDs

    func clearReplicationId2() {
        repl.replid2 = String(repeating: "0", count: 40)
        repl.secondReplOffset = -1
    }

    /// A replica becoming master keeps its history as ID2 (PSYNC2).
    func shiftReplicationId() {
        repl.replid2 = replicationId
        repl.secondReplOffset = repl.buffer.offset + 1
        replicationId = Server.randomHex(40)
        log(.notice, "Setting secondary replication ID to \(repl.replid2), valid up to offset: \(repl.secondReplOffset). New replication ID is \(replicationId)")
    }

    // MARK: - Good replicas, WAIT

    func refreshGoodReplicasCount() {
        if config.minReplicasToWrite == 0 || config.minReplicasMaxLag == 0 { return }
        let now = mstime / 1000
        repl.goodReplicas = repl.replicas.filter {
            guard let p = $0.peer, p.state == .online else { return false }
            return now - p.ackTime <= Int64(config.minReplicasMaxLag)
        }.count
    }

    /// min-replicas-to-write is met (checkGoodReplicasStatus).
    var enoughGoodReplicas: Bool {
        isReplica || config.minReplicasMaxLag == 0 || config.minReplicasToWrite == 0
            || repl.goodReplicas >= config.minReplicasToWrite
    }

    func countAcks(atLeast offset: Int64) -> Int {
        repl.replicas.filter { $0.peer?.state == .online && $0.peer!.ackOffset >= offset }.count
    }

    /// Before sleeping: a GETACK to the replicas if WAIT asked, then WAITs satisfied.
    func replicationBeforeSleep() {
        // A replica never adds to the stream it proxies (its offsets are its master's).
        if repl.getAckRequested && !repl.replicas.isEmpty && !isReplica {
            repl.getAckRequested = false
            let getack: StaticString = "*3\r\n$8\r\nREPLCONF\r\n$6\r\nGETACK\r\n$1\r\n*\r\n"
            feedReplicationStream(raw: UnsafeRawBufferPointer(start: getack.utf8Start, count: getack.utf8CodeUnitCount))
        }
        if !repl.waitingClients.isEmpty { processClientsWaitingReplicas() }
    }

    func processClientsWaitingReplicas() {
        var i = 0
        while i < repl.waitingClients.count {
            let c = repl.waitingClients[i]
            let n = countAcks(atLeast: c.waitOffset)
            if n >= c.waitReplicas {
                repl.waitingClients.remove(at: i)
                unblockWaitingClient(c, reply: n)
            } else {
                i += 1
            }
        }
    }

    func unblockWaitingClient(_ c: Client, reply: Int) {
        c.flags.remove(.waitingAcks)
        c.addReplyInteger(reply)
        unblockClient(c)
    }

    /// WAIT's timeout or a client leaving.
    func removeWaitingClient(_ c: Client) {
        if let i = repl.waitingClients.firstIndex(where: { $0 === c }) { repl.waitingClients.remove(at: i) }
    }

    // MARK: - Cron (1 Hz)

    func replicationCron() {
        let now = mstime / 1000
        replicaLinkCron(now: now)
        let r = repl
        // No PING while a failover waits for the replicas to match our offset.
        if !r.replicas.isEmpty && now - r.lastPingSent >= Int64(max(config.replPingReplicaPeriod, 1)) && !isReplica
            && r.failover.state == .none {
            r.lastPingSent = now
            let ping: StaticString = "*1\r\n$4\r\nPING\r\n"
            feedReplicationStream(raw: UnsafeRawBufferPointer(start: ping.utf8Start, count: ping.utf8CodeUnitCount))
        }
        for c in r.replicas {
            guard let p = c.peer else { continue }
            let presync = p.state == .waitBgsaveStart || (p.state == .waitBgsaveEnd && p.diskTarget)
            if presync {
                // A newline keeps the waiting replica's link alive (it skips them);
                // queued behind anything not yet sent, never ahead of it.
                c.reply.append(byte: 10)
                if !c.queuedForWrite { c.queuedForWrite = true; clientsPendingWrite.append(c) }
            }
            if p.state == .online && !p.prePSYNC && now - p.ackTime > Int64(config.replTimeout) {
                log(.warning, "Disconnecting timedout replica (streaming sync): \(replicaName(c))")
                freeClientAsync(c)
            } else if p.state == .waitBgsaveEnd && !p.diskTarget && r.pipeFd >= 0
                        && now - p.lastPartialWrite > Int64(config.replTimeout) {
                log(.warning, "Disconnecting timedout replica (full sync): \(replicaName(c))")
                freeClientAsync(c)
            }
        }
        if r.replicas.isEmpty && config.replBacklogTTL > 0 && r.buffer.active && !isReplica
            && now - r.noReplicasSince > Int64(config.replBacklogTTL) {
            replicationId = Server.randomHex(40)
            clearReplicationId2()
            r.buffer.release()
            refreshReplicationFeed()
            log(.notice, "Replication backlog freed after \(config.replBacklogTTL) seconds without connected replicas.")
        }
        if shouldStartReplicationSnapshot(now: now) { startBgsaveForReplication() }
        refreshGoodReplicasCount()
    }

    /// Replicas wait for a snapshot and none runs: start one once the diskless delay
    /// passed (or enough replicas arrived, or sync is disk-based).
    func shouldStartReplicationSnapshot(now: Int64) -> Bool {
        if snapshotJob != nil || repl.pipeFd >= 0 { return false }
        let waiting = repl.replicas.filter { $0.peer?.state == .waitBgsaveStart }
        if waiting.isEmpty { return false }
        let maxIdle = waiting.map { now - $0.lastInteraction / 1000 }.max() ?? 0
        return !config.replDisklessSync
            || (config.replDisklessSyncMaxReplicas > 0 && waiting.count >= config.replDisklessSyncMaxReplicas)
            || maxIdle >= Int64(config.replDisklessSyncDelay)
    }

    /// rdbPopulateSaveInfo: what an RDB records about replication (nil: nothing).
    func replicationSaveInfo() -> (db: Int, replid: String, offset: Int64)? {
        if !isReplica && repl.buffer.active {
            return (repl.streamDB == -1 ? 0 : repl.streamDB, replicationId, repl.buffer.offset)
        }
        if let m = repl.master { return (m.dbIndex, replicationId, repl.buffer.offset) }
        if let cm = repl.cachedMaster { return (cm.db, replicationId, repl.buffer.offset) }
        return nil
    }
}
