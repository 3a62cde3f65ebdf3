// Saving the dataset to an RDB file without fork. A point-in-time snapshot of the
// keyspace (Keyspace/Snapshot.swift) yields every entry as it was at the cut — from the
// incremental scan, or from the write hook just before an entry changes — into an RDB
// encoder. SAVE drains it at once; BGSAVE serializes slices between loop turns and hands
// the bytes to a helper thread that writes, fsyncs and closes the temp file, which the
// loop then renames over `dbfilename` (Redis's rdbSave/rdbSaveBackground contract).

import Glibc
import CApusSys

/// Turns snapshot entries into RDB records.
final class RDBSnapshotSink: SnapshotSink {
    let encoder = RDBEncoder(initialCapacity: 256 * 1024)
    let compress: Bool
    var resized: [Bool]
    let keysAtCut: [Int]
    let expiresAtCut: [Int]
    var unsupported: KeyEntry? = nil

    init(compress: Bool, keysAtCut: [Int], expiresAtCut: [Int]) {
        self.compress = compress
        self.keysAtCut = keysAtCut
        self.expiresAtCut = expiresAtCut
        resized = [Bool](repeating: false, count: keysAtCut.count)
        super.init()
    }

    override func emit(db: Int, entry: KeyEntry) {
        if db != encoder.currentDB {
            encoder.selectDB(db)
            if !resized[db] {
                encoder.resizeDB(keys: keysAtCut[db], expires: expiresAtCut[db])
                resized[db] = true
            }
        }
        let expire: Int64? = entry.hasExpire ? entry.expireAt : nil
        switch entry.type {
        case .string:
            if entry.isInt {
                encoder.writeIntKey(key: entry.key, value: entry.intValue, expireMs: expire, compress: compress)
            } else {
                encoder.writeStringKey(key: entry.key, value: entry.stringBytes, expireMs: expire, compress: compress)
            }
        default:
            // Only strings exist in this version; other types arrive with their own issue.
            preconditionFailure("RDB writer: type \(entry.type.name) not supported yet")
        }
    }
}

/// A background save in progress.
public final class SnapshotJob {
    let snapshot: Snapshot
    let sink: RDBSnapshotSink
    let writer: BackgroundWriter
    let tempPath: String
    let finalPath: String
    public let startedAtMs: Int64
    let dirtyAtStart: Int
    var scanDone = false
    var closed = false
    public var peakBufferedBytes = 0

    init(snapshot: Snapshot, sink: RDBSnapshotSink, writer: BackgroundWriter, tempPath: String,
         finalPath: String, startedAtMs: Int64, dirtyAtStart: Int) {
        self.snapshot = snapshot
        self.sink = sink
        self.writer = writer
        self.tempPath = tempPath
        self.finalPath = finalPath
        self.startedAtMs = startedAtMs
        self.dirtyAtStart = dirtyAtStart
    }

    public var keysProcessed: Int { snapshot.keysProcessed }
    public var keysTotal: Int { snapshot.keysTotal }
    /// Bytes serialized but not yet on disk: what this save costs in memory, the
    /// forkless counterpart of fork's copy-on-write.
    public var bufferedBytes: Int { sink.encoder.bufferedCount + writer.pendingBytes }
}

/// Buffered bytes above which the scan pauses until the writer catches up (the write
/// hook still serializes: a changed entry must be captured before it changes).
let snapshotBufferLimit = 16 * 1024 * 1024
let snapshotChunkSize = 256 * 1024

extension Server {
    /// `dir` is the working directory (the config layer chdirs into it, as Redis does),
    /// so the dump file is named relative to it.
    var rdbPath: String { config.dbfilename }

    func beginRDBSnapshot() -> RDBSnapshotSink {
        let sink = RDBSnapshotSink(compress: config.rdbcompression,
                                   keysAtCut: keyspace.dbs.map { $0.count },
                                   expiresAtCut: keyspace.dbs.map { $0.expiresCount })
        let aux = RDBEncoder.standardAux(ctime: mstime / 1000, usedMemory: Int64(usedMemory))
        sink.encoder.writeHeader(aux: aux, compress: config.rdbcompression)
        return sink
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
        let sink = beginRDBSnapshot()
        let snap = keyspace.beginSnapshot(sink: sink)
        var ok = true
        do {
            while !snap.step(maxEntries: 4096) {
                if sink.encoder.bufferedCount >= snapshotChunkSize { try sink.encoder.flush(to: fd) }
            }
            sink.encoder.finish(checksum: config.rdbchecksum)
            try sink.encoder.flush(to: fd)
            if apus_fsync(fd) != 0 { throw RDBError.io(operation: "fsync", errno: errno) }
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
        if notifyFd < 0 {
            notifyFd = apus_open_eventfd()
            try? loop.add(fd: notifyFd, mask: .readable, token: Token.make(kind: .notify, registration: 0, fd: notifyFd))
        }
        let sink = beginRDBSnapshot()
        let snap = keyspace.beginSnapshot(sink: sink)
        let writer = BackgroundWriter(fd: fd, notifyFd: notifyFd, incrementalFsync: config.rdbSaveIncrementalFsync)
        snapshotJob = SnapshotJob(snapshot: snap, sink: sink, writer: writer, tempPath: temp, finalPath: rdbPath,
                                  startedAtMs: mstime, dirtyAtStart: keyspace.dirty)
        log(.notice, "Background saving started (forkless snapshot of \(snap.keysTotal) keys)")
        return true
    }

    /// Serializes a slice of the snapshot (about a millisecond of work) and passes full
    /// chunks to the writer thread. Called before every poll while a save runs.
    func snapshotBeforeSleep() {
        guard let job = snapshotJob, !job.closed else { return }
        let enc = job.sink.encoder
        if !job.scanDone && job.bufferedBytes < snapshotBufferLimit {
            let deadline = apus_monotonic_us() + 1000
            repeat {
                if job.snapshot.step(maxEntries: 512) { job.scanDone = true; break }
                if enc.bufferedCount >= snapshotChunkSize { job.writer.enqueue(enc.takeChunk()) }
            } while apus_monotonic_us() < deadline
        }
        if enc.bufferedCount >= snapshotChunkSize || (job.scanDone && enc.bufferedCount > 0) {
            job.writer.enqueue(enc.takeChunk())
        }
        job.peakBufferedBytes = max(job.peakBufferedBytes, job.bufferedBytes)
        if job.scanDone {
            enc.finish(checksum: config.rdbchecksum)
            job.writer.enqueue(enc.takeChunk())
            job.writer.close()
            job.closed = true
        }
    }

    /// The writer thread signalled: finish the save if it is done.
    func drainNotifications(fd: Int32) {
        var v: UInt64 = 0
        _ = read(fd, &v, 8)
        guard let job = snapshotJob else { return }
        let st = job.writer.state
        if !st.finished { return }
        job.writer.join()
        snapshotJob = nil
        lastCowSize = job.peakBufferedBytes
        lastBgsaveTimeSec = Int((mstime - job.startedAtMs + 500) / 1000)
        if st.error == 0 && rename(job.tempPath, job.finalPath) == 0 {
            log(.notice, "DB saved on disk")
            log(.notice, "Background saving terminated with success")
            keyspace.dirty -= job.dirtyAtStart
            if keyspace.dirty < 0 { keyspace.dirty = 0 }
            lastSaveTime = mstime / 1000
            lastBgsaveOk = true
        } else {
            let e = st.error != 0 ? st.error : errno
            log(.warning, "Write error saving DB on disk: \(String(cString: strerror(e)))")
            log(.warning, "Background saving error")
            unlink(job.tempPath)
            lastBgsaveOk = false
        }
    }

    /// Stops a running background save (FLUSHALL, SHUTDOWN) and removes its temp file.
    func abortBackgroundSave() {
        guard let job = snapshotJob else { return }
        job.snapshot.abort()
        job.writer.abort()
        job.closed = true
        job.writer.join()
        unlink(job.tempPath)
        snapshotJob = nil
        log(.notice, "Background saving terminated by signal 10")
    }

    /// FLUSHALL: empty everything, abort a running save, then save the empty dataset
    /// when save points are configured (as Redis 7.0's flushAllDataAndResetRDB).
    public func flushAllAndResetSnapshot(async: Bool) {
        let removed = keyspace.flushAll(async: async)
        keyspace.dirty += removed + 1
        if snapshotJob != nil { abortBackgroundSave() }
        if !config.savePoints.isEmpty { saveSync() }
    }

    /// Save points (`save <seconds> <changes>`) and scheduled saves, from the cron.
    func persistenceCron() {
        _ = keyspace.lazyFreeStep()
        if snapshotJob != nil { return }
        let now = mstime / 1000
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
