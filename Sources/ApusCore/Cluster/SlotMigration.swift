// Atomic slot migration, beyond Redis 7.0 (the command shape of Valkey 9.0): the source
// master, told `CLUSTER MIGRATESLOTS SLOTSRANGE a b [a b …] NODE id [SLOTSRANGE … NODE
// …]`, moves whole slot ranges to another master in one job per target, with no ASK
// window and no key-by-key round trips:
//
// 1. It opens a connection to the target and announces the job (`CLUSTER SYNCSLOTS
//    ESTABLISH`): the target accepts writes for those slots from that connection only.
// 2. It sends the slots' keys, one slot after another, as RESTORE … REPLACE ABSTTL
//    built from DUMP payloads, a batch per event-loop turn while the target keeps up.
// 3. Meanwhile every write the source's clients make to those slots reaches the target
//    too, through the one propagation point: a slot already sent gets the command as it
//    enters the stream; a slot not started yet gets nothing (its keys will be sent as
//    they are then); in the slot being sent, a command on keys still to send is left
//    out, and one that mixes sent and unsent keys sends the current value of the sent
//    ones. So the target holds, in stream order, a point-in-time copy followed by every
//    later change: what a replica gets from a full sync and the stream after it.
// 4. Once everything is sent the source asks the target to take the slots (`SYNCSLOTS
//    FINISH`). The target takes them with a new config epoch and tells the cluster;
//    writes the source accepted before it hears back still travel the same connection
//    and arrive after FINISH, in order. The source then gives the slots up and deletes
//    their keys a batch at a time.
//
// CLUSTER GETSLOTMIGRATIONS lists current and recent jobs on either side; CLUSTER
// CANCELSLOTMIGRATIONS stops every job this node started by closing its connection: a
// target that loses the connection before FINISH drops what it had received.

import Glibc
import CApusSys

final class SlotMigrationJob {
    enum Operation: String { case export = "EXPORT", `import` = "IMPORT" }
    enum State: String {
        case connecting, snapshotting = "syncing", finishing, success, failed, cancelled
    }

    let name: String
    let operation: Operation
    let ranges: [ClosedRange<Int>]
    let slots: [Int]
    let sourceName: String
    let targetName: String
    var state: State
    var message = ""
    let createTime: Int64
    var lastUpdateTime: Int64
    var lastAckTime: Int64 = 0
    var keysSent = 0

    // Source side.
    var link: OutgoingLink?
    var registration: UInt32 = 0
    var mask: EventMask = .readable
    /// Position in `slots` of the slot being sent; earlier ones are complete.
    var cursor = 0
    /// Where each slot of the job stands in `slots`.
    var position: [Int: Int] = [:]
    /// Keys of the current slot still to send (a copy of the slot's key list taken
    /// when the slot started).
    var pendingKeys: [[UInt8]] = []
    var pendingIndex = 0
    var pending = Set<[UInt8]>()
    var currentStarted = false

    // Target side.
    weak var client: Client?

    init(name: String, operation: Operation, ranges: [ClosedRange<Int>], source: String, target: String, now: Int64) {
        self.name = name
        self.operation = operation
        self.ranges = ranges
        self.slots = ranges.flatMap { Array($0) }
        self.sourceName = source
        self.targetName = target
        self.state = operation == .export ? .connecting : .snapshotting
        self.createTime = now
        self.lastUpdateTime = now
        for (i, s) in slots.enumerated() { position[s] = i }
    }

    var active: Bool { state == .connecting || state == .snapshotting || state == .finishing }

    var rangesText: String {
        ranges.map { "\($0.lowerBound)-\($0.upperBound)" }.joined(separator: " ")
    }
}

/// The source side's view of the command stream while jobs export slots.
final class SlotMigrationFeed: PropagationConsumer {
    unowned let cluster: Cluster
    let target: PropagationTargets = .aof
    init(cluster: Cluster) { self.cluster = cluster }
    func feed(_ commands: [PropagatedCommand]) {
        for c in commands { cluster.migrationSawCommand(c.resp) }
    }
}

extension Cluster {
    /// Microseconds of sending per loop turn: short while clients are being served,
    /// longer when the loop would otherwise wait.
    static let migrationSliceBusyUs: UInt64 = 100
    static let migrationSliceIdleUs: UInt64 = 5000
    static let migrationWindowBytes = 1 << 20
    static let migrationLogLength = 20

    var activeExports: [SlotMigrationJob] { migrations.filter { $0.operation == .export && $0.active } }

    /// Some job has keys to send and room to send them (the loop should not sleep).
    var migrationWantsToRun: Bool {
        if !purgeSlots.isEmpty { return true }
        return migrations.contains { job in
            guard job.operation == .export, job.state == .snapshotting, let l = job.link, l.state == .connected else { return false }
            return l.queuedBytes <= Cluster.migrationWindowBytes
        }
    }

    // MARK: - CLUSTER MIGRATESLOTS (source)

    /// Validates and starts the jobs; an error text (nothing started) or nil.
    func startMigrations(_ requests: [(ranges: [ClosedRange<Int>], node: String)]) -> String? {
        if myself.isReplica { return "ERR Slot migration can only be started on a primary" }
        var claimed = Set<Int>()
        var targets: [ClusterNode] = []
        for r in requests {
            guard let t = nodes[r.node] else { return "ERR Unknown node \(r.node)" }
            if t === myself { return "ERR Can not migrate slots to myself" }
            if !t.isMaster { return "ERR Target node is not a primary" }
            if t.failed || t.timedOut || t.ip.isEmpty { return "ERR Target node is not reachable" }
            for range in r.ranges {
                for s in range {
                    if slotOwner[s] !== myself { return "ERR I'm not the owner of hash slot \(s)" }
                    if migratingTo[s] != nil || importingFrom[s] != nil || migrations.contains(where: { $0.active && $0.position[s] != nil }) {
                        return "ERR Slot \(s) is already being migrated"
                    }
                    if !claimed.insert(s).inserted { return "ERR Slot \(s) specified multiple times" }
                }
            }
            targets.append(t)
        }
        for (r, t) in zip(requests, targets) {
            let job = SlotMigrationJob(name: ClusterNode.randomName(), operation: .export, ranges: r.ranges,
                                       source: myself.name, target: t.name, now: now)
            addMigration(job)
            connectMigration(job, to: t)
        }
        attachMigrationFeed()
        return nil
    }

    func addMigration(_ job: SlotMigrationJob) {
        migrations.append(job)
        // Keep every active job and the most recent finished ones.
        while migrations.filter({ !$0.active }).count > Cluster.migrationLogLength,
              let i = migrations.firstIndex(where: { !$0.active }) {
            migrations.remove(at: i)
        }
    }

    private func attachMigrationFeed() {
        if migrationFeed == nil {
            let f = SlotMigrationFeed(cluster: self)
            migrationFeed = f
            server.keyspace.propagator.attach(f)
        }
    }

    private func detachMigrationFeedIfIdle() {
        if let f = migrationFeed, activeExports.isEmpty {
            server.keyspace.propagator.detach(f)
            migrationFeed = nil
        }
    }

    private func connectMigration(_ job: SlotMigrationJob, to t: ClusterNode) {
        let reg = nextLinkRegistration
        nextLinkRegistration += 1
        let link = OutgoingLink(id: reg)
        job.link = link
        job.registration = reg
        link.onClose = { [unowned self, unowned job] reason in
            self.migrationLinks.removeValue(forKey: job.registration)
            if job.active { self.failMigration(job, "connection to the target lost: \(reason)") }
        }
        guard link.connect(host: t.ip, port: t.port, nowMs: now) else {
            failMigration(job, "can't connect to the target")
            return
        }
        migrationLinks[reg] = job
        job.mask = [.readable, .writable]
        do {
            try server.loop.add(fd: link.fd, mask: job.mask, token: Token.make(kind: .replication, registration: reg, fd: link.fd))
        } catch {
            link.close(reason: "event loop")
            return
        }
        var args = [Array("CLUSTER".utf8), Array("SYNCSLOTS".utf8), Array("ESTABLISH".utf8), Array(job.name.utf8),
                    Array(myself.name.utf8)]
        for r in job.ranges { args += [Array(String(r.lowerBound).utf8), Array(String(r.upperBound).utf8)] }
        link.send(bytes: args) { [unowned self, unowned job] reply in
            guard job.active else { return }
            if case .error(let e) = reply {
                self.failMigration(job, "target refused the job: \(e)")
                job.link?.close(reason: "refused")
                return
            }
            job.state = .snapshotting
            job.lastAckTime = self.now
            job.lastUpdateTime = self.now
        }
        // The stream needs no replies (reading a million +OKs costs the loop more than
        // sending the keys); the socket's back-pressure paces it. FINISH turns them on.
        Cluster.clientReply(link, on: false)
    }

    static func clientReply(_ link: OutgoingLink, on: Bool) {
        var b = ByteBuffer(capacity: 64)
        RESPCommandEncoder.append([Array("CLIENT".utf8), Array("REPLY".utf8), Array((on ? "ON" : "OFF").utf8)], into: &b)
        // OFF is not answered; ON is (+OK), and dropped.
        link.sendEncoded(b.readableView, replies: on ? 1 : 0)
        b.free()
    }

    func migrationLinkEvent(_ job: SlotMigrationJob, fd: Int32, readable: Bool, writable: Bool) {
        guard let link = job.link, link.fd == fd else { return }
        link.handle(readable: readable, writable: writable, nowMs: now)
        syncMigrationMask(job)
    }

    private func syncMigrationMask(_ job: SlotMigrationJob) {
        guard let link = job.link, link.fd >= 0 else { return }
        let want: EventMask = link.wantsWrite ? [.readable, .writable] : .readable
        if want != job.mask {
            job.mask = want
            server.loop.modify(fd: link.fd, mask: want, token: Token.make(kind: .replication, registration: job.registration, fd: link.fd))
        }
    }

    /// One step of every exporting job (before sleeping): a batch of keys, or FINISH.
    func stepMigrations() {
        for job in activeExports where job.state == .snapshotting {
            guard let link = job.link, link.state == .connected else { continue }
            if link.queuedBytes > Cluster.migrationWindowBytes { continue }
            let start = apus_monotonic_us()
            let slice = server.lastPollEvents > 0 ? Cluster.migrationSliceBusyUs : Cluster.migrationSliceIdleUs
            var budget = 32
            var out = ByteBuffer(capacity: 64 * 1024)
            var commands = 0
            while job.cursor < job.slots.count {
                if budget == 0 {
                    if apus_monotonic_us() - start >= slice { break }
                    budget = 32
                }
                if !job.currentStarted {
                    let slot = job.slots[job.cursor]
                    job.pendingKeys = (server.keyspace.dbs[0].slotIndex?.entries(slot) ?? []).map { Array(UnsafeRawBufferPointer($0.key)) }
                    job.pendingIndex = 0
                    job.pending = Set(job.pendingKeys)
                    job.currentStarted = true
                }
                while budget > 0 && job.pendingIndex < job.pendingKeys.count {
                    let key = job.pendingKeys[job.pendingIndex]
                    job.pendingIndex += 1
                    job.pending.remove(key)
                    if appendCurrentState(of: key, into: &out, deleteIfMissing: false) { commands += 1 }
                    budget -= 1
                }
                if job.pendingIndex >= job.pendingKeys.count {
                    job.cursor += 1
                    job.currentStarted = false
                    job.pendingKeys = []
                    job.pending = []
                }
            }
            if commands > 0 {
                job.keysSent += commands
                link.sendEncoded(out.readableView, replies: 0)
            }
            out.free()
            if job.cursor >= job.slots.count { finishMigration(job) }
            job.lastUpdateTime = now
            syncMigrationMask(job)
        }
        purgeStep()
    }

    /// RESTORE key ttl payload REPLACE ABSTTL for the key as it is now (or DEL when it
    /// is gone and `deleteIfMissing`); false when nothing was written.
    @discardableResult
    private func appendCurrentState(of key: [UInt8], into out: inout ByteBuffer, deleteIfMissing: Bool) -> Bool {
        let db = server.keyspace.dbs[0]
        guard let e = key.withUnsafeBytes({ db.lookupReadNoStats($0, now: now, touch: false) }) else {
            if deleteIfMissing { RESPCommandEncoder.append([Array("DEL".utf8), key], into: &out) }
            return deleteIfMissing
        }
        let ttl = e.hasExpire ? e.expireAt : 0
        let payload = DumpPayload.encode(e, compress: server.config.rdbcompression)
        RESPCommandEncoder.append([Array("RESTORE".utf8), key, Array(String(ttl).utf8), payload,
                                   Array("REPLACE".utf8), Array("ABSTTL".utf8)], into: &out)
        return true
    }

    private func finishMigration(_ job: SlotMigrationJob) {
        guard let link = job.link else { return }
        job.state = .finishing
        Cluster.clientReply(link, on: true)
        link.send(bytes: [Array("CLUSTER".utf8), Array("SYNCSLOTS".utf8), Array("FINISH".utf8), Array(job.name.utf8)]) {
            [unowned self, unowned job] reply in
            guard job.active else { return }
            if case .error(let e) = reply {
                self.failMigration(job, "target refused to take the slots: \(e)")
                job.link?.close(reason: "refused")
                return
            }
            self.completeExport(job)
        }
    }

    /// The target owns the slots now: give them up here and delete their keys bit by bit.
    private func completeExport(_ job: SlotMigrationJob) {
        guard let target = nodes[job.targetName] else { return failMigration(job, "target forgotten") }
        for s in job.slots where slotOwner[s] === myself {
            unassignSlot(s)
            assignSlot(s, to: target)
        }
        purgeSlots.append(contentsOf: job.slots)
        job.state = .success
        job.lastAckTime = now
        job.lastUpdateTime = now
        server.log(.notice, "Slot migration \(job.name) of slots \(job.rangesText) to \(target.name) completed (\(job.keysSent) keys sent)")
        job.link?.close(reason: "done")
        detachMigrationFeedIfIdle()
        todo.formUnion([.saveConfig, .updateState])
        broadcastPong()
    }

    func failMigration(_ job: SlotMigrationJob, _ why: String, cancelled: Bool = false) {
        guard job.active else { return }
        job.state = cancelled ? .cancelled : .failed
        job.message = why
        job.lastUpdateTime = now
        server.log(.warning, "Slot migration \(job.name) (\(job.operation.rawValue) \(job.rangesText)) \(cancelled ? "cancelled" : "failed"): \(why)")
        if job.operation == .export {
            detachMigrationFeedIfIdle()
            // The target drops its partial copy when the connection goes.
            job.link?.close(reason: why)
        } else {
            // Whatever arrived for slots we do not own goes.
            purgeSlots.append(contentsOf: job.slots)
        }
    }

    /// CLUSTER CANCELSLOTMIGRATIONS: every job this node started stops; the target is
    /// told so it drops what it received.
    func cancelMigrations() {
        for job in activeExports {
            failMigration(job, "cancelled by CLUSTER CANCELSLOTMIGRATIONS", cancelled: true)
        }
    }

    // MARK: - The stream while exporting

    /// A command entered the stream: pass it (or the state it left) to the job whose
    /// slots it touches, per the rules in the file comment.
    func migrationSawCommand(_ resp: UnsafeRawBufferPointer) {
        guard let args = Cluster.decodeCommand(resp), let name = args.first else { return }
        let lower = String(decoding: name, as: UTF8.self).lowercased()
        if lower == "multi" || lower == "exec" || lower == "select" { return }
        if lower == "flushall" || lower == "flushdb" {
            for job in activeExports { failMigration(job, "the data set was flushed") }
            return
        }
        guard case .success(let found) = CommandCommands.keys(table: server.commands, argv: args), let first = found.first else { return }
        let slot = HashSlot.of(args[first.pos])
        guard slotOwner[slot] === myself,
              let job = activeExports.first(where: { $0.position[slot] != nil }), let pos = job.position[slot],
              let link = job.link else { return }
        let keys = found.map { args[$0.pos] }
        if pos > job.cursor || (pos == job.cursor && !job.currentStarted) { return }   // not started: sent later
        if pos == job.cursor && keys.contains(where: { job.pending.contains($0) }) {
            // Some keys are still to send (they will go as they are then); the others
            // go now as they are.
            var out = ByteBuffer(capacity: 256)
            var n = 0
            for k in keys where !job.pending.contains(k) {
                if appendCurrentState(of: k, into: &out, deleteIfMissing: true) { n += 1 }
            }
            if n > 0 { link.sendEncoded(out.readableView, replies: 0) }
            out.free()
        } else {
            link.sendEncoded(resp, replies: 0)
        }
        syncMigrationMask(job)
    }

    /// The arguments of one RESP-encoded command, nil if it is not one.
    static func decodeCommand(_ p: UnsafeRawBufferPointer) -> [[UInt8]]? {
        var i = 0
        func number(after marker: UInt8) -> Int? {
            guard i < p.count, p[i] == marker else { return nil }
            i += 1
            var v = 0
            while i < p.count && p[i] != 13 { v = v * 10 + Int(p[i] &- 48); i += 1 }
            i += 2
            return v
        }
        guard let argc = number(after: 42) else { return nil }
        var out: [[UInt8]] = []
        out.reserveCapacity(argc)
        for _ in 0..<argc {
            guard let len = number(after: 36), i + len <= p.count else { return nil }
            out.append(Array(p[i..<(i + len)]))
            i += len + 2
        }
        return out
    }

    // MARK: - Deleting the keys of slots given away

    /// Deletes up to a batch of keys of slots this node no longer owns.
    func purgeStep() {
        guard !purgeSlots.isEmpty, let index = server.keyspace.dbs[0].slotIndex else { return }
        var budget = server.lastPollEvents > 0 ? 200 : 2000
        let lazy = server.config.lazyfreeLazyServerDel
        while budget > 0, let slot = purgeSlots.first {
            if slotOwner[slot] === myself || index.count(slot) == 0 {
                purgeSlots.removeFirst()
                continue
            }
            for e in index.entries(slot, limit: budget) {
                let key = Array(UnsafeRawBufferPointer(e.key))
                key.withUnsafeBytes { k in
                    if server.keyspace.dbs[0].delete(k, lazy: lazy, event: .del) {
                        server.keyspace.propagator.addDeletion(db: 0, key: k, lazy: lazy)
                    }
                }
                budget -= 1
            }
        }
        server.keyspace.propagator.flush()
    }

    // MARK: - CLUSTER SYNCSLOTS (target)

    func syncSlotsEstablish(_ c: Client, name: String, source: String, ranges: [ClosedRange<Int>]) -> String? {
        if myself.isReplica { return "ERR Slot migration can only target a primary" }
        guard let src = nodes[source] else { return "ERR Unknown node \(source)" }
        for r in ranges {
            for s in r {
                if slotOwner[s] !== src { return "ERR Slot \(s) is not served by \(source)" }
                if importingFrom[s] != nil || migrations.contains(where: { $0.active && $0.position[s] != nil }) {
                    return "ERR Slot \(s) is already being migrated"
                }
            }
        }
        let job = SlotMigrationJob(name: name, operation: .import, ranges: ranges, source: source, target: myself.name, now: now)
        job.client = c
        addMigration(job)
        // Leftovers of an earlier attempt must not mix with the new copy.
        for s in job.slots { deleteKeys(inSlot: s) }
        c.flags.insert(.slotImport)
        return nil
    }

    func syncSlotsFinish(_ c: Client, name: String) -> String? {
        guard let job = migrations.first(where: { $0.name == name && $0.operation == .import && $0.active }) else {
            return "ERR No such slot migration \(name)"
        }
        for s in job.slots {
            if slotOwner[s] === myself { continue }
            unassignSlot(s)
            assignSlot(s, to: myself)
        }
        if bumpEpochWithoutConsensus() {
            server.log(.notice, "configEpoch updated after importing slots \(job.rangesText)")
        }
        job.state = .success
        job.lastUpdateTime = now
        job.lastAckTime = now
        server.log(.notice, "Slot migration \(job.name) of slots \(job.rangesText) from \(job.sourceName) completed")
        todo.formUnion([.saveConfig, .updateState])
        broadcastPong()
        return nil
    }

    /// The connection of an import closed: an unfinished job is dropped.
    func importClientClosed(_ c: Client) {
        for job in migrations where job.operation == .import && job.active && job.client === c {
            failMigration(job, "connection to the source lost")
        }
    }
}
