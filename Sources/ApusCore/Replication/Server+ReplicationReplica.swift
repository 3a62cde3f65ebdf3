// The replica side of replication (Redis's replication.c, replica half): REPLICAOF,
// the handshake with the master as a non-blocking state machine driven by the event
// loop (connect, PING, AUTH, REPLCONF, PSYNC), the RDB payload received into a temp
// file (either `$<len>` or the diskless `$EOF:<mark>` form), renamed over the dump
// and loaded, then the master client whose commands are applied and whose bytes are
// proxied unchanged into our own stream (so our replicas see the top master's
// offsets), ACKs every second and on GETACK, reconnection with PSYNC from the cached
// master, and promotion with REPLICAOF NO ONE (PSYNC2: the old ID becomes ID2).

import Glibc
import CApusSys

extension Server {
    // MARK: - REPLICAOF

    /// Follows `host:port` (replicationSetMaster).
    func replicationSetMaster(host: String, port: Int) {
        let wasMaster = !isReplica
        config.masterHost = host
        config.masterPort = port
        if let m = repl.master { freeClient(m) }
        disconnectAllBlockedClients()
        cancelReplicationHandshake()
        if wasMaster {
            // Our own history is what the new master may continue from.
            repl.cachedMaster = nil
            cacheMasterUsingMyself()
        }
        refreshReplicationFeed()
        applyRole()
        repl.linkState = .connect
        log(.notice, "Connecting to MASTER \(host):\(port)")
        connectWithMaster()
    }

    /// REPLICAOF NO ONE (replicationUnsetMaster): a new history starts, the old one
    /// stays valid as ID2 so replicas continue partially.
    func replicationUnsetMaster() {
        guard isReplica else { return }
        config.masterHost = nil
        if let m = repl.master { freeClient(m) }
        repl.cachedMaster = nil
        cancelReplicationHandshake()
        shiftReplicationId()
        disconnectReplicas()
        repl.linkState = .none
        repl.streamDB = -1
        repl.noReplicasSince = mstime / 1000
        if !repl.buffer.active { createReplicationBacklog() }
        refreshReplicationFeed()
        applyRole()
    }

    /// What follows from being a master or a replica: a replica keeps logically
    /// expired keys until its master deletes them (the active expire cycle runs on
    /// masters only), and its log lines say S.
    func applyRole() {
        keyspace.deleteExpiredOnAccess = !isReplica && pausedUntilMs == 0
        logger.roleChar = isReplica ? "S" : "M"
    }

    /// Clients blocked on keys get an error when the role changes (7.0's
    /// disconnectAllBlockedClients).
    func disconnectAllBlockedClients() {
        for c in clientList where c.flags.contains(.blocked) {
            if c.flags.contains(.waitingAcks) {
                removeWaitingClient(c)
                c.flags.remove(.waitingAcks)
            }
            c.addReplyError("UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)")
            unblockClient(c)
        }
    }

    /// Keeps our own ID and offset as the history to continue from
    /// (replicationCacheMasterUsingMyself).
    func cacheMasterUsingMyself() {
        repl.cachedMaster = (replicationId, repl.buffer.offset, repl.streamDB == -1 ? 0 : repl.streamDB)
        log(.notice, "Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.")
    }

    // MARK: - Connecting and the handshake

    func connectWithMaster() {
        guard let host = config.masterHost else { return }
        var err: Int32 = 0
        let fd = apus_tcp_connect_nonblock(host, Int32(config.masterPort), &err)
        if fd < 0 {
            log(.warning, "Unable to connect to MASTER: \(String(cString: strerror(err)))")
            repl.linkState = .connect
            return
        }
        let reg = nextRegistration
        nextRegistration = nextRegistration == UInt32.max >> 2 ? 1 : nextRegistration + 1
        repl.linkFd = fd
        repl.linkRegistration = reg
        repl.linkInput = []
        do {
            try loop.add(fd: fd, mask: [.readable, .writable], token: linkToken(fd))
        } catch {
            close(fd)
            repl.linkFd = -1
            return
        }
        repl.transferLastIO = mstime / 1000
        repl.linkState = .connecting
        log(.notice, "MASTER <-> REPLICA sync started")
    }

    private func linkToken(_ fd: Int32) -> UInt64 {
        Token.make(kind: .replication, registration: ReplicationToken.masterLink.rawValue, fd: fd)
    }

    /// Drops the link being set up (or the transfer), to retry from the cron.
    func cancelReplicationHandshake(reconnect: Bool = false) {
        if repl.linkFd >= 0 {
            loop.remove(fd: repl.linkFd)
            close(repl.linkFd)
            repl.linkFd = -1
        }
        if repl.transferFd >= 0 {
            close(repl.transferFd)
            repl.transferFd = -1
            unlink(repl.transferTempPath)
        }
        repl.linkInput = []
        repl.pendingReplies = []
        if reconnect || repl.linkState != .none && repl.linkState != .connected { repl.linkState = .connect }
    }

    /// An event on the link before it becomes the master client.
    func masterLinkEvent(readable: Bool, writable: Bool) {
        guard repl.linkFd >= 0 else { return }
        if repl.linkState == .connecting {
            guard writable || readable else { return }
            if apus_socket_error(repl.linkFd) != 0 {
                log(.warning, "Error condition on socket for SYNC: \(String(cString: strerror(apus_socket_error(repl.linkFd))))")
                cancelReplicationHandshake(reconnect: true)
                return
            }
            loop.modify(fd: repl.linkFd, mask: .readable, token: linkToken(repl.linkFd))
            _ = apus_set_nodelay(repl.linkFd)
            log(.notice, "Non blocking connect for SYNC fired the event.")
            repl.linkState = .receivePing
            sendToMaster(["PING"])
            return
        }
        guard readable else { return }
        if repl.linkState == .transfer {
            readSyncPayload()
            return
        }
        guard readLinkInput(failure: "Master closed the connection during the handshake") else { return }
        while repl.linkFd >= 0 && repl.linkState != .transfer, let line = takeLinkLine() {
            handshakeReply(line)
        }
        if repl.linkState == .transfer && !repl.linkInput.isEmpty { consumeTransferBytes() }
    }

    /// The next reply line of the handshake, without CRLF; keepalive newlines are
    /// skipped while PSYNC's reply is awaited.
    private func takeLinkLine() -> String? {
        guard let nl = repl.linkInput.firstIndex(of: 10) else { return nil }
        var end = nl
        if end > 0 && repl.linkInput[end - 1] == 13 { end -= 1 }
        let line = String(decoding: repl.linkInput[0..<end], as: UTF8.self)
        repl.linkInput.removeFirst(nl + 1)
        return line
    }

    private func sendToMaster(_ args: [String]) {
        var out = ByteBuffer(capacity: 256)
        defer { out.free() }
        RESPCommandEncoder.append(args.map { Array($0.utf8) }, into: &out)
        let v = out.readableView
        _ = Glibc.write(repl.linkFd, v.baseAddress, v.count)
    }

    private func handshakeReply(_ line: String) {
        switch repl.linkState {
        case .receivePing:
            if line.isEmpty { return }
            if line.hasPrefix("-") && !line.hasPrefix("-NOAUTH") && !line.hasPrefix("-NOPERM") && !line.hasPrefix("-ERR operation not permitted") {
                log(.warning, "Error reply to PING from master: '\(line)'")
                cancelReplicationHandshake(reconnect: true)
                return
            }
            log(.notice, "Master replied to PING, replication can continue...")
            var expect: [String] = []
            if !config.masterauth.isEmpty {
                sendToMaster(config.masteruser.isEmpty ? ["AUTH", config.masterauth]
                                                       : ["AUTH", config.masteruser, config.masterauth])
                expect.append("auth")
            }
            let port = config.replicaAnnouncePort > 0 ? config.replicaAnnouncePort : tcpPortBound
            sendToMaster(["REPLCONF", "listening-port", String(port)])
            expect.append("port")
            if !config.replicaAnnounceIP.isEmpty {
                sendToMaster(["REPLCONF", "ip-address", config.replicaAnnounceIP])
                expect.append("ip")
            }
            sendToMaster(["REPLCONF", "capa", "eof", "capa", "psync2"])
            expect.append("capa")
            repl.pendingReplies = expect
            repl.linkState = .receiveReplies
        case .receiveReplies:
            if line.isEmpty { return }
            let what = repl.pendingReplies.removeFirst()
            if line.hasPrefix("-") {
                switch what {
                case "auth":
                    log(.warning, "Unable to AUTH to MASTER: \(line)")
                    cancelReplicationHandshake(reconnect: true)
                    return
                case "port":
                    log(.notice, "(Non critical) Master does not understand REPLCONF listening-port: \(line)")
                case "ip":
                    log(.notice, "(Non critical) Master does not understand REPLCONF ip-address: \(line)")
                default:
                    log(.notice, "(Non critical) Master does not understand REPLCONF capa: \(line)")
                }
            }
            if repl.pendingReplies.isEmpty { sendPsync() }
        case .receivePsync:
            if line.isEmpty { return }   // keepalive newline before the reply
            psyncReply(line)
        default:
            break
        }
    }

    private func sendPsync() {
        if let cm = repl.cachedMaster {
            log(.notice, "Trying a partial resynchronization (request \(cm.replid):\(cm.offset + 1)).")
            var cmd = ["PSYNC", cm.replid, String(cm.offset + 1)]
            // A master handing over asks its replica to take over.
            if repl.failover.state == .inProgress { cmd.append("FAILOVER") }
            sendToMaster(cmd)
        } else {
            log(.notice, "Partial resynchronization not possible (no cached master)")
            sendToMaster(["PSYNC", "?", "-1"])
        }
        repl.linkState = .receivePsync
    }

    private func psyncReply(_ line: String) {
        if repl.failover.state == .inProgress {
            if line.hasPrefix("+FULLRESYNC") || line.hasPrefix("+CONTINUE") {
                clearFailoverState()
            } else {
                abortFailover("Failover target rejected psync request")
                return
            }
        }
        if line.hasPrefix("+FULLRESYNC") {
            let parts = line.split(separator: " ")
            guard parts.count >= 3, parts[1].count == 40, let off = Int64(parts[2]) else {
                log(.warning, "Master replied with wrong +FULLRESYNC syntax.")
                cancelReplicationHandshake(reconnect: true)
                return
            }
            repl.transferReplid = String(parts[1])
            repl.transferOffset = off
            log(.notice, "Full resync from master: \(parts[1]):\(off)")
            // Our history ends: replicas of ours must resync too.
            repl.cachedMaster = nil
            disconnectReplicas()
            startTransfer()
        } else if line.hasPrefix("+CONTINUE") {
            let parts = line.split(separator: " ")
            guard let cm = repl.cachedMaster else { cancelReplicationHandshake(reconnect: true); return }
            log(.notice, "Successful partial resynchronization with master.")
            if parts.count >= 2 && parts[1].count == 40 && String(parts[1]) != cm.replid {
                let newID = String(parts[1])
                repl.replid2 = cm.replid
                repl.secondReplOffset = cm.offset + 1
                replicationId = newID
                log(.notice, "Master replication ID changed to \(newID)")
                disconnectReplicas()
            } else {
                replicationId = cm.replid
            }
            if repl.buffer.offset != cm.offset {
                disconnectReplicas()
                repl.buffer.rebase(to: cm.offset)
            }
            if !repl.buffer.active { repl.buffer.create() }
            log(.notice, "MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.")
            becomeConnected(initialOffset: cm.offset, db: cm.db)
        } else if line.hasPrefix("-NOMASTERLINK") || line.hasPrefix("-LOADING") {
            log(.notice, "Master is currently unable to PSYNC but should be in the future: \(line)")
            cancelReplicationHandshake(reconnect: true)
        } else {
            log(.warning, "Unexpected reply to PSYNC from master: \(line)")
            cancelReplicationHandshake(reconnect: true)
        }
    }

    // MARK: - The RDB payload

    private func startTransfer() {
        repl.transferFd = -1
        repl.transferSize = -2   // the `$` line is still to come
        repl.transferRead = 0
        repl.transferMark = []
        repl.transferTail = []
        repl.linkState = .transfer
        repl.transferLastIO = mstime / 1000
    }

    private func readSyncPayload() {
        guard readLinkInput(failure: "I/O error trying to sync with MASTER") else { return }
        consumeTransferBytes()
    }

    /// Reads what the link has into `linkInput`. False when nothing came: it would
    /// block, or the link failed (logged with `failure`, to be tried again).
    private func readLinkInput(failure: String) -> Bool {
        let fd = repl.linkFd
        let n = repl.scratch.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n <= 0 {
            if n < 0 && (errno == EAGAIN || errno == EINTR) { return false }
            log(.warning, failure + ": " + (n == 0 ? "connection lost" : String(cString: strerror(errno))))
            cancelReplicationHandshake(reconnect: true)
            return false
        }
        repl.transferLastIO = mstime / 1000
        stats.netReplInput += n
        repl.linkInput += repl.scratch[0..<n]
        return true
    }

    /// Takes what arrived of the payload from `linkInput`.
    private func consumeTransferBytes() {
        if repl.transferSize == -2 {
            // The `$` line, after any keepalive newlines.
            while let nl = repl.linkInput.firstIndex(of: 10) {
                var end = nl
                if end > 0 && repl.linkInput[end - 1] == 13 { end -= 1 }
                let line = Array(repl.linkInput[0..<end])
                repl.linkInput.removeFirst(nl + 1)
                if line.isEmpty { continue }
                if line.first == UInt8(ascii: "-") {
                    log(.warning, "MASTER aborted replication with an error: \(String(decoding: line.dropFirst(), as: UTF8.self))")
                    cancelReplicationHandshake(reconnect: true)
                    return
                }
                guard line.first == UInt8(ascii: "$") else {
                    log(.warning, "Bad protocol from MASTER, the first byte is not '$' (we received '\(String(decoding: line, as: UTF8.self))'), are you sure the host and port are right?")
                    cancelReplicationHandshake(reconnect: true)
                    return
                }
                if line.count == 5 + 40 && line.starts(with: Array("$EOF:".utf8)) {
                    repl.transferMark = Array(line[5...])
                    repl.transferSize = -1
                    log(.notice, "MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk")
                } else {
                    guard let size = Int(String(decoding: line.dropFirst(), as: UTF8.self)) else {
                        cancelReplicationHandshake(reconnect: true)
                        return
                    }
                    repl.transferSize = size
                    log(.notice, "MASTER <-> REPLICA sync: receiving \(size) bytes from master to disk")
                }
                break
            }
            if repl.transferSize == -2 { return }
            if useDisklessLoad {
                disklessLoad()
                return
            }
            let temp = "temp-\(mstime / 1000).\(getpid()).rdb"
            let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd < 0 {
                log(.warning, "Opening the temp file needed for MASTER <-> REPLICA synchronization: \(String(cString: strerror(errno)))")
                cancelReplicationHandshake(reconnect: true)
                return
            }
            repl.transferFd = fd
            repl.transferTempPath = temp
        }
        var data = repl.linkInput
        repl.linkInput = []
        var done = false
        if repl.transferSize >= 0 {
            let left = repl.transferSize - repl.transferRead
            if data.count >= left {
                repl.linkInput = Array(data[left...])
                data = Array(data[0..<left])
                done = true
            }
        } else {
            // EOF form: the payload ends with the 40-byte mark; keep the last 40
            // bytes back until more arrive.
            let all = repl.transferTail + data
            if all.count >= 40 && Array(all.suffix(40)) == repl.transferMark {
                data = Array(all.dropLast(40))
                repl.transferTail = []
                done = true
            } else {
                let keep = min(40, all.count)
                data = Array(all.dropLast(keep))
                repl.transferTail = Array(all.suffix(keep))
            }
        }
        if !data.isEmpty {
            let w = data.withUnsafeBytes { Glibc.write(repl.transferFd, $0.baseAddress, $0.count) }
            if w != data.count {
                log(.warning, "Write error or short write writing to the DB dump file needed for MASTER <-> REPLICA synchronization: \(String(cString: strerror(errno)))")
                cancelReplicationHandshake(reconnect: true)
                return
            }
            repl.transferRead += data.count
        }
        if done { finishTransfer() }
    }

    /// The payload is complete: it replaces the dump file and the dataset.
    private func finishTransfer() {
        if apus_fsync(repl.transferFd) != 0 {
            log(.warning, "Failed trying to sync the temp DB to disk in MASTER <-> REPLICA synchronization: \(String(cString: strerror(errno)))")
            cancelReplicationHandshake(reconnect: true)
            return
        }
        close(repl.transferFd)
        repl.transferFd = -1
        // The socket becomes the master client once the data is loaded; nothing is
        // read from it meanwhile.
        let fd = repl.linkFd
        loop.remove(fd: fd)
        repl.linkFd = -1
        let aofWasOn = prepareForSyncLoad()
        if rename(repl.transferTempPath, rdbPath) != 0 {
            log(.warning, "Failed trying to rename the temp DB into \(rdbPath) in MASTER <-> REPLICA synchronization: \(String(cString: strerror(errno)))")
            unlink(repl.transferTempPath)
            syncLoadFailed(fd: fd, aofWasOn: aofWasOn)
            return
        }
        log(.notice, "MASTER <-> REPLICA sync: Flushing old data")
        _ = keyspace.flushAll(async: config.replicaLazyFlush)
        trackingInvalidateOnFlush()
        log(.notice, "MASTER <-> REPLICA sync: Loading DB in memory")
        // Clients are answered -LOADING meanwhile, never served a half-loaded dataset.
        serveClientsWhileLoading = true
        repl.loadingLinkFd = fd
        let loaded = loadDataFromDisk(mustExist: true)
        repl.loadingLinkFd = -1
        serveClientsWhileLoading = false
        if !loaded {
            log(.warning, "Failed trying to load the MASTER synchronization DB from disk, check server logs.")
            syncLoadFailed(fd: fd, aofWasOn: aofWasOn)
            return
        }
        syncLoaded(fd: fd, aofWasOn: aofWasOn)
    }

    /// repl-diskless-load: `swapdb` always loads straight from the socket, `on-empty-db`
    /// when there is no data to lose; `disabled` goes through the dump file.
    private var useDisklessLoad: Bool {
        switch config.replDisklessLoad {
        case "swapdb": return true
        case "on-empty-db": return keyspace.dbs.allSatisfy { $0.count == 0 }
        default: return false
        }
    }

    /// Before a full sync's data replaces ours: the AOF stops (it restarts from the
    /// new data) and a running save is abandoned. Returns whether the AOF was on.
    private func prepareForSyncLoad() -> Bool {
        let aofWasOn = aof.state != .off
        if aofWasOn { stopAppendOnly() }
        if snapshotJob?.isRDB == true { abortBackgroundSave() }
        return aofWasOn
    }

    private func syncLoadFailed(fd: Int32, aofWasOn: Bool) {
        close(fd)
        repl.linkState = .connect
        if aofWasOn && !startAppendOnly() { log(.warning, "Failed enabling the AOF after a failed master synchronization!") }
    }

    /// The RDB is parsed as it arrives on the socket, with no file (diskless load).
    /// With swapdb the old data is set aside first and comes back if the load fails;
    /// otherwise it is flushed. Clients get -LOADING meanwhile.
    private func disklessLoad() {
        let fd = repl.linkFd
        loop.remove(fd: fd)
        repl.linkFd = -1
        let prefix = repl.linkInput
        repl.linkInput = []
        let aofWasOn = prepareForSyncLoad()
        let swap = config.replDisklessLoad == "swapdb"
        // Within one history (the master's ID is ours) the current data is an older
        // image of the same dataset: it keeps answering while the new one loads aside.
        let async = swap && repl.transferReplid == replicationId
        var backup: [Database] = []
        if swap {
            if !async {
                keyspace.touchAllWatchedKeys()
                trackingInvalidateOnFlush()
            }
            backup = keyspace.dbs.map { Database(id: $0.id, keyspace: keyspace) }
            if !async { for (db, b) in zip(keyspace.dbs, backup) { db.swapContents(with: b) } }
        } else {
            log(.notice, "MASTER <-> REPLICA sync: Flushing old data")
            _ = keyspace.flushAll(async: config.replicaLazyFlush)
            trackingInvalidateOnFlush()
        }
        log(.notice, async ? "MASTER <-> REPLICA sync: Loading DB in memory asynchronously: the current data answers meanwhile"
                           : "MASTER <-> REPLICA sync: Loading DB in memory")
        _ = apus_set_blocking(fd)
        _ = apus_set_io_timeout(fd, Int32(min(config.replTimeout, 1_000_000) * 1000))
        var unread: [UInt8] = []
        serveClientsWhileLoading = true
        repl.loadingLinkFd = fd
        defer { repl.loadingLinkFd = -1 }
        var ok = loadRDB(source: "the master's socket", atStartup: false, targets: async ? backup : nil) { loader, handler in
            _ = try loader.load(fd: fd, prefix: prefix, into: &handler)
            unread = loader.unreadBytes()
        }
        serveClientsWhileLoading = false
        if ok && repl.transferSize == -1 {
            // The EOF form ends with the mark.
            var buf = [UInt8](repeating: 0, count: 64)
            while ok && unread.count < 40 {
                let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, 40 - unread.count) }
                if n <= 0 { ok = false } else { unread += buf[0..<n] }
            }
            if ok && Array(unread.prefix(40)) != repl.transferMark {
                log(.warning, "Replication stream EOF marker is broken")
                ok = false
            }
            if ok { unread.removeFirst(40) }
        }
        _ = apus_set_io_timeout(fd, 0)
        _ = apus_set_nonblock(fd)
        if ok && async {
            // The new data takes the databases' place; what they held goes.
            keyspace.touchAllWatchedKeys()
            trackingInvalidateOnFlush()
            for (db, b) in zip(keyspace.dbs, backup) { db.swapContents(with: b) }
        }
        if !ok && async {
            log(.warning, "Failed trying to load the MASTER synchronization DB from socket, check server logs.")
            log(.notice, "MASTER <-> REPLICA sync: Discarding the partially loaded data; the current data stays")
            for b in backup { _ = b.flush(async: true) }
            syncLoadFailed(fd: fd, aofWasOn: aofWasOn)
            return
        }
        if !ok {
            log(.warning, "Failed trying to load the MASTER synchronization DB from socket, check server logs.")
            _ = keyspace.flushAll(async: true)
            if swap {
                log(.notice, "MASTER <-> REPLICA sync: Restoring the backup of the old data")
                for (db, b) in zip(keyspace.dbs, backup) { db.swapContents(with: b) }
            }
            syncLoadFailed(fd: fd, aofWasOn: aofWasOn)
            return
        }
        if swap {
            log(.notice, "MASTER <-> REPLICA sync: Discarding the old data")
            for b in backup { _ = b.flush(async: true) }
        }
        repl.linkInput = unread
        syncLoaded(fd: fd, aofWasOn: aofWasOn)
    }

    /// The synced data is in: our history becomes the master's, and the link its client.
    private func syncLoaded(fd: Int32, aofWasOn: Bool) {
        replicationId = repl.transferReplid
        clearReplicationId2()
        repl.buffer.rebase(to: repl.transferOffset)
        if !repl.buffer.active { repl.buffer.create() }
        repl.linkFd = fd
        log(.notice, "MASTER <-> REPLICA sync: Finished with success")
        if aofWasOn {
            log(.notice, "MASTER <-> REPLICA sync: Restarting AOF")
            if !startAppendOnly() { log(.warning, "Failed enabling the AOF after successful master synchronization!") }
        }
        becomeConnected(initialOffset: repl.transferOffset, db: lastLoadedReplStreamDB ?? 0, registered: false)
    }

    /// The link's socket becomes the master client (replicationCreateMasterClient).
    private func becomeConnected(initialOffset: Int64, db: Int, registered: Bool = true) {
        let fd = repl.linkFd
        repl.linkFd = -1
        if registered { loop.remove(fd: fd) }
        // Stream bytes that came in with the last handshake read belong to the master client.
        let leftover = repl.linkInput
        repl.linkInput = []
        let reg = nextRegistration
        nextRegistration = nextRegistration == UInt32.max >> 2 ? 1 : nextRegistration + 1
        var ipbuf = [CChar](repeating: 0, count: 128)
        var port: Int32 = 0
        _ = apus_sock_name(fd, 1, &ipbuf, 128, &port)
        let peer = formatAddress(String(cString: ipbuf), Int(port))
        _ = apus_sock_name(fd, 0, &ipbuf, 128, &port)
        let local = formatAddress(String(cString: ipbuf), Int(port))
        let m = Client(server: self, id: nextClientId, fd: fd, registration: reg, peer: peer, local: local,
                       unix: false, db: keyspace.dbs[max(0, min(db, keyspace.dbs.count - 1))], now: mstime,
                       authenticated: true)
        m.dbIndex = max(0, min(db, keyspace.dbs.count - 1))
        nextClientId += 1
        m.flags.insert(.master)
        m.readReplOffset = initialOffset
        m.appliedReplOffset = initialOffset
        do {
            try loop.add(fd: fd, mask: .readable, token: Token.make(kind: .client, registration: reg, fd: fd))
        } catch {
            close(fd)
            repl.linkState = .connect
            return
        }
        if Int(fd) >= clientsByFd.count {
            clientsByFd.append(contentsOf: repeatElement(nil, count: Int(fd) + 1 - clientsByFd.count + 64))
        }
        clientsByFd[Int(fd)] = m
        clientList.append(m)
        clientsById[m.id] = m
        repl.master = m
        repl.cachedMaster = nil
        repl.linkState = .connected
        repl.linkDownSince = 0
        sendAckToMaster()
        if !leftover.isEmpty {
            leftover.withUnsafeBytes { m.query.append($0) }
            m.readReplOffset += Int64(leftover.count)
            stats.netReplInput += leftover.count
            processInputBuffer(m)
        }
    }

    /// During a long load: a newline to the master every second, which it takes as a
    /// sign of life (replicationSendNewlineToMaster).
    func sendNewlineToMasterWhileLoading() {
        guard repl.loadingLinkFd >= 0, mstime - repl.lastLoadingNewlineMs >= 1000 else { return }
        repl.lastLoadingNewlineMs = mstime
        _ = Glibc.write(repl.loadingLinkFd, "\n", 1)
    }

    // MARK: - The master client

    /// After each command from the master: the bytes it took are applied, so they
    /// count in our offset and go on, unchanged, into our own stream (for our
    /// replicas and backlog). Inside a MULTI they wait for its EXEC.
    func masterCommandApplied(_ m: Client) {
        let consumed = m.readReplOffset - Int64(m.query.readableBytes)
        let len = Int(consumed - m.appliedReplOffset - Int64(m.pendingApplied?.readableBytes ?? 0))
        if len > 0 {
            let bytes = UnsafeRawBufferPointer(start: m.query.base + m.query.readIndex - len, count: len)
            if m.flags.contains(.multi) {
                if m.pendingApplied == nil { m.pendingApplied = ByteBuffer(capacity: 4096) }
                m.pendingApplied!.append(bytes)
                return
            }
            if var pending = m.pendingApplied, pending.readableBytes > 0 {
                pending.append(bytes)
                feedReplicationStream(raw: pending.readableView)
                pending.reset(shrinkTo: 4096)
                m.pendingApplied = pending
            } else {
                feedReplicationStream(raw: bytes)
            }
            m.appliedReplOffset = consumed
        }
    }

    /// REPLCONF ACK <applied offset>, written ahead of anything else.
    func sendAckToMaster() {
        guard let m = repl.master else { return }
        var out = ByteBuffer(capacity: 128)
        defer { out.free() }
        RESPCommandEncoder.append([Array("REPLCONF".utf8), Array("ACK".utf8), Array(String(m.appliedReplOffset).utf8)], into: &out)
        m.reply.append(out.readableView)
        if !m.queuedForWrite { m.queuedForWrite = true; clientsPendingWrite.append(m) }
    }

    /// The master client is going away: remember where we were so the next link can
    /// continue (replicationCacheMaster).
    func masterClientFreed(_ m: Client) {
        guard repl.master === m else { return }
        repl.master = nil
        repl.cachedMaster = (replicationId, m.appliedReplOffset, m.dbIndex)
        // Our stream holds exactly what we applied; should it not, our replicas' view
        // is unreliable: they resync, and the stream restarts at what we applied.
        if repl.buffer.offset != m.appliedReplOffset {
            disconnectReplicas()
            repl.buffer.rebase(to: m.appliedReplOffset)
            repl.buffer.create()
        }
        if isReplica {
            repl.linkState = .connect
            repl.linkDownSince = mstime / 1000
            log(.notice, "Connection with master lost.")
            log(.notice, "* Caching the disconnected master state.")
        }
    }

    // MARK: - Cron

    /// Replica half of the replication cron: timeouts, reconnecting, ACKs.
    func replicaLinkCron(now: Int64) {
        guard isReplica else { return }
        let r = repl
        let handshaking = [.connecting, .receivePing, .receiveReplies, .receivePsync].contains(r.linkState)
        if handshaking && now - r.transferLastIO > Int64(config.replTimeout) {
            log(.warning, "Timeout connecting to the MASTER...")
            cancelReplicationHandshake(reconnect: true)
        }
        if r.linkState == .transfer && now - r.transferLastIO > Int64(config.replTimeout) {
            log(.warning, "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.")
            cancelReplicationHandshake(reconnect: true)
        }
        if r.linkState == .connected, let m = r.master, now - m.lastInteraction / 1000 > Int64(config.replTimeout) {
            log(.warning, "MASTER timeout: no data nor PING received...")
            freeClient(m)
        }
        if r.linkState == .connect {
            log(.notice, "Connecting to MASTER \(config.masterHost ?? ""):\(config.masterPort)")
            connectWithMaster()
        }
        if r.master != nil { sendAckToMaster() }
    }

    // MARK: - Start-up

    /// After loading the RDB at start-up: a replica resumes its master's history from
    /// the IDs the file recorded; a master keeps them as ID2 (loadDataFromDisk).
    func restoreReplicationInfoAfterLoad() {
        guard let id = lastLoadedReplId, let off = lastLoadedReplOffset, let db = lastLoadedReplStreamDB else { return }
        if isReplica {
            replicationId = id
            repl.buffer.rebase(to: off)
            repl.cachedMaster = (id, off, db)
        } else {
            repl.replid2 = id
            repl.secondReplOffset = off + 1
            repl.buffer.rebase(to: off)
            createReplicationBacklog()
            repl.noReplicasSince = mstime / 1000
        }
    }
}
