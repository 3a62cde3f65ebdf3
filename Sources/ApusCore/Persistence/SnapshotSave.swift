// Saving the dataset to an RDB file without fork. A point-in-time snapshot of the
// keyspace (Keyspace/Snapshot.swift) yields every entry as it was at the cut — from the
// incremental scan, or from the write hook just before an entry changes. SAVE encodes
// them at once on the loop. BGSAVE only copies them, in short slices between loop
// turns, and a helper thread (RDBSaveThread) encodes, compresses, checksums, writes
// and fsyncs the temp file and renames it over `dbfilename`, as Redis's forked child
// does (Redis's rdbSave/rdbSaveBackground contract); the loop then records the result.
//
// A big hash, set or sorted set reaches BGSAVE's sink element by element, a big list
// node by node, so copying it never stalls the loop for long, even while it is being
// written; the save thread encodes and compresses the pieces. An RDB record
// cannot be interleaved with others, so while a collection's elements flow, entries
// preserved by the write hook wait in `held`, and collections opened behind it collect
// their first elements in their own spool; each goes out when the one ahead ends.

import Glibc
import CApusSys

/// Writes entries as RDB records into an encoder: the SELECTDB/RESIZEDB opcodes when
/// the database changes, the expire time, the typed value. Used on the loop by SAVE
/// and on the save thread by BGSAVE (on entry copies there).
final class RDBKeyWriter {
    let encoder: RDBEncoder
    let compress: Bool
    let keysAtCut: [Int]
    let expiresAtCut: [Int]
    private var resized: [Bool]

    init(encoder: RDBEncoder, compress: Bool, keysAtCut: [Int], expiresAtCut: [Int]) {
        self.encoder = encoder
        self.compress = compress
        self.keysAtCut = keysAtCut
        self.expiresAtCut = expiresAtCut
        resized = [Bool](repeating: false, count: keysAtCut.count)
    }

    func write(db: Int, entry: KeyEntry) {
        if db != encoder.currentDB {
            encoder.selectDB(db)
            if !resized[db] {
                encoder.resizeDB(keys: keysAtCut[db], expires: expiresAtCut[db])
                resized[db] = true
            }
        }
        encoder.writeEntry(entry, compress: compress)
    }

    /// One element of a collection whose record `write` began (see EntryBatch).
    func writeElement(_ kind: CollectionStream.Kind, _ payload: UnsafeRawBufferPointer) {
        switch kind {
        case .hashField:
            let n = Int(payload.loadUnaligned(as: UInt32.self))
            encoder.writeStringObject(UnsafeRawBufferPointer(rebasing: payload[4..<(4 + n)]), compress: compress)
            encoder.writeStringObject(UnsafeRawBufferPointer(rebasing: payload[(4 + n)...]), compress: compress)
        case .setMember:
            encoder.writeStringObject(payload, compress: compress)
        case .zsetNode:
            encoder.writeStringObject(UnsafeRawBufferPointer(rebasing: payload[8...]), compress: compress)
            encoder.writeBinaryDouble(payload.loadUnaligned(as: Double.self))
        case .listNode:
            // As writeList: a packed container holding the listpack, or its LZF form.
            encoder.writeLength(2)
            let raw = Int(payload.loadUnaligned(as: UInt32.self))
            let data = UnsafeRawBufferPointer(rebasing: payload[4...])
            if raw == 0 {
                encoder.writeStringObject(data, compress: compress)
            } else {
                encoder.writeLZFBlob(data, rawLength: raw)
            }
        }
    }
}

/// Records kept back in order, in batches, until their turn in the file comes.
struct Spool {
    private(set) var batches: [EntryBatch] = []
    private(set) var bytes = 0

    /// Runs `write` on a batch with room for a record of `need` bytes.
    mutating func append(need: Int, _ write: (inout EntryBatch) -> Void) {
        if batches.isEmpty || batches[batches.count - 1].count + need > batches[batches.count - 1].capacity {
            batches.append(EntryBatch(capacity: max(EntryCopySink.batchSize, need)))
        }
        let before = batches[batches.count - 1].count
        write(&batches[batches.count - 1])
        bytes += batches[batches.count - 1].count - before
    }

    /// The batches, leaving the spool empty.
    mutating func take() -> [EntryBatch] {
        defer { batches = []; bytes = 0 }
        return batches
    }

    func free() { for b in batches { b.free() } }
}

/// SAVE's sink: encodes each entry during the call.
final class RDBSnapshotSink: SnapshotSink {
    let keys: any SnapshotRecordWriter
    init(keys: any SnapshotRecordWriter) { self.keys = keys }
    override func emit(db: Int, entry: KeyEntry) { keys.write(db: db, entry: entry) }
}

/// BGSAVE's sink: copies each entry into the current batch and hands full batches to
/// the save thread. The copy is the point-in-time image; the live entry may change
/// as soon as `emit` returns.
final class EntryCopySink: SnapshotSink {
    static let batchSize = 256 * 1024
    let thread: RDBSaveThread
    private(set) var batch = EntryBatch(capacity: EntryCopySink.batchSize)
    private var sealed = false
    /// The collection whose elements go into `batch` now, if any.
    private var head: CollectionStream?
    /// Whole entries emitted while `head` is open: they follow its last element.
    private var held = Spool()
    /// Streams opened while `head` is open, each with its record so far.
    private var waiting: [(stream: CollectionStream, spool: Spool)] = []
    /// Why the sink failed the save, for the loop to log.
    var failure: String?

    /// Serializes object values at emit time (one encoder reused).
    private let scratch = RDBEncoder(initialCapacity: 4096)
    private let compress: Bool

    init(thread: RDBSaveThread, compress: Bool) {
        self.thread = thread
        self.compress = compress
    }

    deinit {
        if !sealed { batch.free() }
        held.free()
        for w in waiting { w.spool.free() }
    }

    override func emit(db: Int, entry: KeyEntry) {
        switch entry.type {
        case .string:
            // The whole value lives in the entry block: copying it is the snapshot.
            let n = entry.totalSize(valueBytes: entry.valueLength)
            place(need: EntryBatch.recordSize(entryBytes: n), into: head == nil ? .thread : .held) {
                $0.append(db: db, entry: entry, entryBytes: n)
            }
        case .hash, .set, .list, .zset, .stream:
            // The object keeps changing after this call: its image is its RDB encoding,
            // made now, carried in the copy in place of the object reference.
            scratch.writeValue(of: entry, compress: compress)
            scratch.drainBuffered { v in
                appendSerialized(db: db, entry: entry, value: v, into: head == nil ? .thread : .held)
            }
        }
    }

    override func beginStream(_ stream: CollectionStream, entry: KeyEntry) {
        // The record's head is the key with the element count as its value so far.
        scratch.writeLength(stream.count)
        var dest = Destination.thread
        if head == nil {
            head = stream
        } else {
            waiting.append((stream, Spool()))
            dest = .waiting(waiting.count - 1)
        }
        scratch.drainBuffered { v in appendSerialized(db: stream.db, entry: entry, value: v, into: dest) }
    }

    override func emitElement(_ stream: CollectionStream, _ element: KeyEntry) {
        place(need: EntryBatch.elementRecordSize(stream.kind, element), into: destination(of: stream)) {
            $0.appendElement(stream.kind, element)
        }
    }

    override func emitListNode(_ stream: CollectionStream, _ node: ListValue.StoredNode) {
        place(need: EntryBatch.listNodeRecordSize(node), into: destination(of: stream)) { $0.appendListNode(node) }
    }

    override func endStream(_ stream: CollectionStream) {
        precondition(stream === head, "streams end in the order they opened")
        if stream.emitted != stream.count {
            // The record would not match its count: better no file than a wrong one.
            failure = "BGSAVE: a collection sent \(stream.emitted) of the \(stream.count) elements it had at the cut; the save is abandoned"
            thread.fail(error: EIO)
        }
        // What waited behind it goes to the thread in order: the entries held back,
        // then the next stream's record so far, whose elements then flow directly.
        handOver(next: EntryCopySink.batchSize)
        for b in held.take() { thread.enqueue(b) }
        head = nil
        if !waiting.isEmpty {
            var next = waiting.removeFirst()
            head = next.stream
            for b in next.spool.take() { thread.enqueue(b) }
        }
    }

    /// Where a record goes: the batch for the thread, the held entries, or the spool of
    /// `waiting[i]`.
    private enum Destination { case thread, held, waiting(Int) }

    private func destination(of stream: CollectionStream) -> Destination {
        stream === head ? .thread : .waiting(waiting.firstIndex { $0.stream === stream }!)
    }

    private func place(need: Int, into dest: Destination, _ write: (inout EntryBatch) -> Void) {
        switch dest {
        case .thread:
            if batch.count + need > batch.capacity { handOver(next: max(EntryCopySink.batchSize, need)) }
            write(&batch)
        case .held:
            held.append(need: need, write)
        case .waiting(let i):
            waiting[i].spool.append(need: need, write)
        }
    }

    private func appendSerialized(db: Int, entry: KeyEntry, value: UnsafeRawBufferPointer, into dest: Destination) {
        place(need: EntryBatch.recordSize(entryBytes: entry.valueOffset + value.count), into: dest) {
            $0.append(db: db, entry: entry, serializedValue: value)
        }
    }

    /// Bytes copied into the batch not yet handed over (what flow control weighs).
    var pendingBytes: Int { sealed ? 0 : batch.count }
    /// Bytes kept back behind an open stream; they go to the thread when it ends.
    var heldBytes: Int { held.bytes + waiting.reduce(0) { $0 + $1.spool.bytes } }

    /// Passes the batch to the thread when it is full enough.
    func handOverIfFull() {
        if batch.count >= EntryCopySink.batchSize { handOver(next: EntryCopySink.batchSize) }
    }

    /// Passes the last batch to the thread; nothing may be emitted afterwards.
    func seal() {
        if sealed { return }
        precondition(head == nil && waiting.isEmpty && held.bytes == 0, "sealed with a collection record open")
        sealed = true
        thread.enqueue(batch)
    }

    private func handOver(next capacity: Int) {
        if batch.count == 0 {
            batch.free()
        } else {
            thread.enqueue(batch)
        }
        batch = EntryBatch(capacity: capacity)
    }
}

/// A background save in progress.
public final class SnapshotJob {
    /// What the snapshot is for: a BGSAVE, or the new base of an AOF rewrite (whose
    /// temp file the loop then moves into the AOF directory).
    /// `replicaSockets`: an RDB streamed to replicas through a pipe (diskless sync).
    public enum Kind: Equatable { case rdb, aofRewrite(rdbBase: Bool), replicaSockets }
    public let kind: Kind
    /// An AOF rewrite's base is an RDB (else commands); what its file is named after.
    var rdbBase: Bool { if case .aofRewrite(let r) = kind { return r }; return true }
    public var isAOFRewrite: Bool { if case .aofRewrite = kind { return true }; return false }
    /// An RDB snapshot (to disk or to replicas): what Redis calls an RDB child.
    public var isRDB: Bool { !isAOFRewrite }
    let snapshot: Snapshot
    let sink: EntryCopySink
    let thread: RDBSaveThread
    let tempPath: String
    let finalPath: String
    public let startedAtMs: Int64
    let dirtyAtStart: Int
    var scanDone = false
    /// The scan finished and the thread was told to finish the file.
    var closed = false
    /// The loop stopped copying until the thread drains its queue (it will signal).
    var waitingForRoom = false
    public var peakBufferedBytes = 0

    init(kind: Kind, snapshot: Snapshot, sink: EntryCopySink, thread: RDBSaveThread, tempPath: String,
         finalPath: String, startedAtMs: Int64, dirtyAtStart: Int) {
        self.kind = kind
        self.snapshot = snapshot
        self.sink = sink
        self.thread = thread
        self.tempPath = tempPath
        self.finalPath = finalPath
        self.startedAtMs = startedAtMs
        self.dirtyAtStart = dirtyAtStart
    }

    public var keysProcessed: Int { snapshot.keysProcessed }
    public var keysTotal: Int { snapshot.keysTotal }
    /// Entry copies not yet encoded by the thread: what this save costs in memory, the
    /// forkless counterpart of fork's copy-on-write.
    public var bufferedBytes: Int { sink.pendingBytes + sink.heldBytes + thread.pendingBytes }
    /// True while the loop has copying to do and room to do it: it then polls without
    /// sleeping so that the scan goes on between events.
    var wantsToRun: Bool { !closed && !waitingForRoom }
}

/// Longest slice of copying per loop turn, in microseconds. Right after serving
/// requests the slice is short and the loop then waits for the next request (so a
/// request finds the loop waiting, not copying); after a quiet millisecond slices grow,
/// and with no command for 100 ms the loop copies in 1 ms slices.
let snapshotSliceBusyUs: UInt64 = 20
let snapshotSliceQuietUs: UInt64 = 100
let snapshotSliceIdleUs: UInt64 = 1000
/// A command within this many microseconds means the server is busy.
let snapshotBusyWindowUs: UInt64 = 100_000

extension Server {
    /// `dir` is the working directory (the config layer chdirs into it, as Redis does),
    /// so the dump file is named relative to it.
    var rdbPath: String { config.dbfilename }

    /// A key writer over a new encoder that already holds the RDB header and aux fields
    /// (`aof-base` 1 for the base of an AOF).
    func makeRDBKeyWriter(aofBase: Bool = false) -> RDBKeyWriter {
        let encoder = RDBEncoder(initialCapacity: 256 * 1024)
        let aux = RDBEncoder.standardAux(ctime: mstime / 1000, usedMemory: Int64(usedMemory), aofBase: aofBase,
                                         replication: aofBase ? nil : replicationSaveInfo())
        encoder.writeHeader(aux: aux, compress: config.rdbcompression)
        return RDBKeyWriter(encoder: encoder, compress: config.rdbcompression,
                            keysAtCut: keyspace.dbs.map { $0.count },
                            expiresAtCut: keyspace.dbs.map { $0.expiresCount })
    }

    // MARK: - SAVE

    /// Synchronous save (SAVE, SHUTDOWN, FLUSHALL with save points): serializes the whole
    /// dataset on this thread. Returns true on success; logs failures as Redis does.
    @discardableResult
    public func saveSync() -> Bool {
        if snapshotJob != nil { return false }
        rdbSaves += 1
        let temp = "temp-\(getpid()).rdb"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            let e = errno
            log(.warning, "Failed opening the temp RDB file \(temp) (in server root dir \(currentDirectory())) for saving: \(String(cString: strerror(e)))")
            return false
        }
        var ok = true
        do {
            try writeSnapshotSync(fd: fd, aofBase: false)
        } catch {
            log(.warning, "Write error saving DB on disk: \(error)")
            ok = false
        }
        close(fd)
        if ok && rename(temp, rdbPath) != 0 {
            let e = errno
            log(.warning, "Error moving temp DB file \(temp) on the final destination \(config.dbfilename) (in server root dir \(currentDirectory())): \(String(cString: strerror(e)))")
            ok = false
        }
        if !ok {
            unlink(temp)
            return false
        }
        log(.notice, "DB saved on disk")
        keyspace.dirty = 0
        lastSaveTime = mstime / 1000
        // A foreground save that succeeds clears an earlier background failure (Redis
        // sets lastbgsave_status on success only), so MISCONF ends.
        lastBgsaveOk = true
        return true
    }

    /// Serializes the whole dataset into `fd` on this thread and fsyncs it: as RDB, or
    /// for an AOF base as `aofBaseWriter()` chooses.
    func writeSnapshotSync(fd: Int32, aofBase: Bool) throws {
        let keys = aofBase ? aofBaseWriter() : makeRDBKeyWriter()
        let snap = keyspace.beginSnapshot(sink: RDBSnapshotSink(keys: keys))
        while !snap.step(maxEntries: 4096) {
            if keys.bufferedCount >= RDBSaveThread.writeChunk { try keys.flush(to: fd) }
        }
        keys.finish(checksum: config.rdbchecksum)
        try keys.flush(to: fd)
        if apus_fsync(fd) != 0 { throw RDBError.io(operation: "fsync", errno: errno) }
    }

    /// The writer of an AOF base: RDB with aof-use-rdb-preamble, else commands.
    func aofBaseWriter() -> any SnapshotRecordWriter {
        if config.aofUseRdbPreamble { return makeRDBKeyWriter(aofBase: true) }
        return AOFBaseCommandWriter(timestamp: config.aofTimestampEnabled ? Int64(time(nil)) : nil,
                                    listFill: config.listMaxListpackSize)
    }

    func currentDirectory() -> String {
        var buf = [CChar](repeating: 0, count: 4096)
        return getcwd(&buf, 4096) != nil ? String(cString: buf) : "unknown"
    }

    // MARK: - BGSAVE

    /// Starts a background save; false (and a log line) if it cannot start.
    @discardableResult
    public func startBackgroundSave() -> Bool {
        if snapshotJob != nil { return false }
        lastBgsaveTryTime = mstime / 1000
        rdbSaves += 1
        let temp = "temp-\(getpid()).rdb"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            // Redis's forked child would fail the same way after "started": the save
            // counts as a failed background save.
            let e = errno
            log(.notice, "Background saving started")
            log(.warning, "Failed opening the temp RDB file \(temp) (in server root dir \(currentDirectory())) for saving: \(String(cString: strerror(e)))")
            log(.warning, "Background saving error")
            lastBgsaveOk = false
            lastBgsaveTimeSec = 0
            return true
        }
        ensureNotifyFd()
        // Absolute paths: CONFIG SET dir may change the working directory mid-save,
        // and the file must land where the save started (a forked child keeps its cwd).
        let dir = currentDirectory()
        let tempPath = dir + "/" + temp
        let finalPath = rdbPath.hasPrefix("/") ? rdbPath : dir + "/" + rdbPath
        let thread = RDBSaveThread(keys: makeRDBKeyWriter(), checksum: config.rdbchecksum, fd: fd,
                                   tempPath: tempPath, finalPath: finalPath, notifyFd: notifyFd,
                                   incrementalFsync: config.rdbSaveIncrementalFsync)
        let sink = EntryCopySink(thread: thread, compress: config.rdbcompression)
        let snap = keyspace.beginSnapshot(sink: sink, streamThreshold: snapshotStreamThreshold)
        snapshotJob = SnapshotJob(kind: .rdb, snapshot: snap, sink: sink, thread: thread, tempPath: tempPath, finalPath: finalPath,
                                  startedAtMs: mstime, dirtyAtStart: keyspace.dirty)
        log(.notice, "Background saving started (forkless snapshot of \(snap.keysTotal) keys, written by a helper thread)")
        return true
    }

    /// The eventfd save threads signal the loop through.
    func ensureNotifyFd() {
        if notifyFd >= 0 { return }
        notifyFd = apus_open_eventfd()
        try? loop.add(fd: notifyFd, mask: .readable, token: Token.make(kind: .notify, registration: 0, fd: notifyFd))
    }

    /// Copies a slice of the snapshot into batches for the save thread, sized by how
    /// busy the loop is (see `snapshotSliceBusyUs`), and only while the thread's queue
    /// has room. Called before every poll while a save runs, after the replies of the
    /// turn were written.
    func snapshotBeforeSleep() {
        guard let job = snapshotJob, !job.closed else { return }
        let sink = job.sink
        if !job.scanDone {
            job.waitingForRoom = !job.thread.hasRoom(adding: sink.pendingBytes)
            if !job.waitingForRoom {
                let now = apus_monotonic_us()
                let budget: UInt64
                if lastPollEvents > 0 {
                    budget = snapshotSliceBusyUs
                } else if now &- lastCommandStartUs < snapshotBusyWindowUs {
                    budget = snapshotSliceQuietUs
                } else {
                    budget = snapshotSliceIdleUs
                }
                let deadline = now + budget
                while true {
                    if job.snapshot.step(maxEntries: 8) { job.scanDone = true; break }
                    sink.handOverIfFull()
                    if apus_monotonic_us() >= deadline { break }
                    if sink.pendingBytes == 0 && !job.thread.hasRoom(adding: 0) {
                        job.waitingForRoom = true
                        break
                    }
                }
            }
        }
        if let f = sink.failure {
            log(.warning, f)
            sink.failure = nil
        }
        job.peakBufferedBytes = max(job.peakBufferedBytes, job.bufferedBytes)
        if job.scanDone {
            sink.seal()
            job.thread.close()
            job.closed = true
        }
    }

    /// The save thread signalled: either its queue has room again (the next loop turn
    /// resumes copying) or the file is complete (rename it into place) or failed.
    func drainNotifications(fd: Int32) {
        var v: UInt64 = 0
        _ = read(fd, &v, 8)
        guard let job = snapshotJob else { return }
        job.waitingForRoom = false
        let st = job.thread.state
        if !st.finished { return }
        if !job.closed {
            // The thread stopped early (a write error): stop the scan too.
            job.snapshot.abort()
            job.closed = true
        }
        snapshotJob = nil
        if job.isAOFRewrite {
            backgroundRewriteDone(job, error: st.error)
            return
        }
        if job.kind == .replicaSockets {
            recordBackgroundSaveCost(job)
            socketSaveThreadEnded(error: st.error)
            return
        }
        recordBackgroundSaveCost(job)
        if st.error == 0 {
            log(.notice, "DB saved on disk")
            log(.notice, "Background saving terminated with success")
            recordBackgroundSaveSuccess(job)
            diskSaveEndedForReplicas(ok: true)
        } else {
            let reason = String(cString: strerror(st.error))
            if st.inRename {
                log(.warning, "Error moving temp DB file \(job.tempPath) on the final destination \(job.finalPath) (in server root dir \(currentDirectory())): \(reason)")
            } else {
                log(.warning, "Write error saving DB on disk: \(reason)")
            }
            log(.warning, "Background saving error")
            unlink(job.tempPath)
            lastBgsaveOk = false
            diskSaveEndedForReplicas(ok: false)
        }
    }

    /// INFO's rdb_last_cow_size and rdb_last_bgsave_time_sec of a save that ended.
    private func recordBackgroundSaveCost(_ job: SnapshotJob) {
        lastCowSize = job.peakBufferedBytes
        lastBgsaveTimeSec = Int((mstime - job.startedAtMs + 500) / 1000)
    }

    /// A background save's file is in place: the changes it covered are saved.
    private func recordBackgroundSaveSuccess(_ job: SnapshotJob) {
        keyspace.dirty -= job.dirtyAtStart
        if keyspace.dirty < 0 { keyspace.dirty = 0 }
        lastSaveTime = mstime / 1000
        lastBgsaveOk = true
    }

    /// Stops a running background save (FLUSHALL, SHUTDOWN, DEBUG RELOAD): the snapshot
    /// is abandoned, the save thread told to stop, and its temp file removed.
    func abortBackgroundSave() {
        guard let job = snapshotJob else { return }
        if job.kind == .replicaSockets {
            log(.notice, "Background RDB transfer to replicas aborted")
            endSocketTransfer(ok: false)
            return
        }
        job.snapshot.abort()
        let completed = job.thread.abort()
        job.closed = true
        snapshotJob = nil
        if completed {
            log(.notice, "Background saving was already complete when asked to stop: DB saved on disk")
            recordBackgroundSaveCost(job)
            recordBackgroundSaveSuccess(job)
            diskSaveEndedForReplicas(ok: true)
            return
        }
        diskSaveEndedForReplicas(ok: false)
        unlink(job.tempPath)
        log(.notice, "Background saving aborted: the snapshot was abandoned and its save thread stopped; \(job.tempPath) removed")
    }

    /// Removes `temp-<pid>.rdb` files left in `dir` by a save that was interrupted (a
    /// crash or kill -9 mid-BGSAVE). Apus writes temp files from its own process only,
    /// so a file whose pid is no longer running is garbage; one of a live process (a
    /// Redis or another server sharing the directory) is left alone.
    func removeStaleTempFiles() {
        guard let dir = opendir(".") else { return }
        defer { closedir(dir) }
        let me = getpid()
        while let ent = readdir(dir) {
            let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            guard name.hasPrefix("temp-"), name.hasSuffix(".rdb"),
                  let pid = Int32(name.dropFirst(5).dropLast(4)) else { continue }
            if pid != me && (kill(pid, 0) == 0 || errno == EPERM) { continue }
            if unlink(name) == 0 {
                log(.notice, "Removed \(name), left by an interrupted save")
            }
        }
    }

    /// FLUSHALL: empty everything, abort a running save, then save the empty dataset
    /// when save points are configured (as Redis 7.0's flushAllDataAndResetRDB).
    public func flushAllAndResetSnapshot(async: Bool) {
        let removed = keyspace.flushAll(async: async)
        keyspace.dirty += removed + 1
        // Redis kills a saving child here but lets an AOF rewrite finish: its base holds
        // the old data and the FLUSHALL follows in the incr file it opened.
        if snapshotJob?.isRDB == true { abortBackgroundSave() }
        if !config.savePoints.isEmpty { saveSync() }
    }

    /// Save points (`save <seconds> <changes>`) and scheduled saves, from the cron.
    func persistenceCron() {
        _ = keyspace.lazyFreeStep()
        if snapshotJob != nil { return }
        let now = mstime / 1000
        if bgsaveScheduled && (now - lastBgsaveTryTime > 5 || lastBgsaveOk) {
            bgsaveScheduled = false
            startBackgroundSave()
            return
        }
        for sp in config.savePoints {
            if keyspace.dirty >= sp.changes && now - lastSaveTime > Int64(sp.seconds)
                && (now - lastBgsaveTryTime > 5 || lastBgsaveOk) {
                log(.notice, "\(sp.changes) changes in \(sp.seconds) seconds. Saving...")
                startBackgroundSave()
                break
            }
        }
    }
}
