// The AOF in the server's life (Redis 7.0's aof.c around the AppendOnlyFile state):
// the manifest read at start-up, the AOF loaded instead of the RDB when appendonly is
// on, the files opened (a base written first when there is none), the buffer written
// before each turn's replies, rewrites started by BGREWRITEAOF, the cron's size
// trigger or CONFIG SET appendonly yes and finished when their snapshot is on disk,
// and the AOF stopped by CONFIG SET appendonly no or flushed at shutdown.

import Glibc
import CApusSys

extension Server {
    var aofManifestName: String { config.appendfilename + ".manifest" }

    /// The fsync policy and annotations follow the config.
    func applyAOFConfig() {
        switch config.appendfsync {
        case "always": aof.policy = .always
        case "no": aof.policy = .no
        default: aof.policy = .everysec
        }
        aof.timestampEnabled = config.aofTimestampEnabled
    }

    var aofRewriteInProgress: Bool { snapshotJob?.isAOFRewrite == true }

    // MARK: - Start-up

    /// aofLoadManifestFromDisk: a missing directory or manifest is no error (an old
    /// AOF, or none yet); a damaged manifest stops start-up. Returns false to exit.
    func loadAOFManifestFromDisk() -> Bool {
        aof.manifest = AOFManifest()
        var st = stat()
        guard stat(aofDirectory, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR else { return true }
        let path = aofDirectory + "/" + aofManifestName
        guard access(path, F_OK) == 0 else { return true }
        guard let data = Server.readWholeFile(path) else {
            log(.warning, "Fatal error: can't open the AOF manifest file \(path) for reading: \(AOFError.reason())")
            return false
        }
        do {
            aof.manifest = try AOFManifest.parse(data)
            return true
        } catch let e as AOFManifest.ParseError {
            log(.warning, "\n*** FATAL AOF MANIFEST FILE ERROR ***\n")
            if let l = e.line {
                log(.warning, "Reading the manifest file, at line \(e.lineNumber)\n")
                log(.warning, ">>> '\(l)'\n")
            }
            log(.warning, "\(e.message)\n")
            return false
        } catch {
            return false
        }
    }

    static func readWholeFile(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 { if errno == EINTR { continue }; return nil }
            if n == 0 { return out }
            out.append(contentsOf: chunk[0..<n])
        }
    }

    /// With appendonly on, the dataset comes from the AOF and the RDB is ignored, as
    /// in 7.0. An old single-file AOF is moved into the directory first. Returns false
    /// when start-up must stop.
    func loadAOFAtStartup() -> Bool {
        if !upgradeOldAOFIfNeeded() { return false }
        let start = apus_monotonic_us()
        let r = loadAppendOnlyFiles()
        if r == .failed || r == .openError { return false }
        if r != .notExist {
            log(.notice, "DB loaded from append only file: \(String(format3: Double(apus_monotonic_us() - start) / 1_000_000)) seconds")
        }
        keyspace.dirty = 0
        return true
    }

    /// aofUpgradePrepare: an `appendonly.aof` in the working directory (Redis before
    /// 7.0) becomes the base of a manifest in the AOF directory.
    private func upgradeOldAOFIfNeeded() -> Bool {
        let old = config.appendfilename
        guard access(old, F_OK) == 0 else { return true }
        let m = aof.manifest
        var dirExists = false
        var st = stat()
        if stat(aofDirectory, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR { dirExists = true }
        let upgrade = !dirExists || (m.base == nil && m.incr.isEmpty)
            || (m.base?.name == old && m.incr.isEmpty && access(aofDirectory + "/" + old, F_OK) != 0)
        guard upgrade else { return true }
        if mkdir(aofDirectory, 0o755) != 0 && errno != EEXIST {
            log(.warning, "Can't open or create append-only dir \(aofDirectory): \(AOFError.reason())")
            return false
        }
        var nm = AOFManifest()
        nm.base = AOFFileInfo(name: old, seq: 1, kind: .base)
        nm.baseSeq = 1
        do { try nm.persist(dir: aofDirectory, name: aofManifestName) } catch {
            log(.warning, "\(error)")
            return false
        }
        if rename(old, aofDirectory + "/" + old) != 0 {
            log(.warning, "Error trying to move the old AOF file \(old) into dir \(aofDirectory): \(AOFError.reason())")
            return false
        }
        _ = AOFManifest.fsyncDirectory(".")
        aof.manifest = nm
        // As 7.0 words it (its loading sizes then come from the moved file).
        log(.notice, "Successfully migrated an old-style AOF file (\(old)) into the AOF directory (\(aofDirectory)).")
        return true
    }

    /// aofOpenIfNeededOnServerStart: with the AOF on, make sure there is a base (write
    /// one from the dataset when the manifest has neither base nor incr) and an incr
    /// file to append to, and persist the manifest. Returns false to exit.
    func openAOFOnServerStart() -> Bool {
        guard config.appendonly else { return true }
        aof.state = .on
        aof.accepting = true
        if mkdir(aofDirectory, 0o755) != 0 && errno != EEXIST {
            log(.warning, "Can't open or create append-only dir \(aofDirectory): \(AOFError.reason())")
            return false
        }
        let hadIncr = !aof.manifest.incr.isEmpty
        if aof.manifest.base == nil && !hadIncr {
            let name = aof.manifest.newBase(prefix: config.appendfilename, rdb: config.aofUseRdbPreamble)
            if !writeAOFBaseSync(name: name) { return false }
            log(.notice, "Creating AOF base file \(name) on server start")
        }
        let incr = aof.manifest.lastIncr(prefix: config.appendfilename)
        let fd = open(aofDirectory + "/" + incr, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            log(.warning, "Can't open the append-only file \(incr): \(AOFError.reason())")
            return false
        }
        aof.fd = fd
        do { try aof.manifest.persist(dir: aofDirectory, name: aofManifestName) } catch {
            log(.warning, "\(error)")
            return false
        }
        var st = stat()
        aof.lastIncrSize = fstat(fd, &st) == 0 ? Int64(st.st_size) : 0
        aof.lastIncrFsyncOffset = aof.lastIncrSize
        log(.notice, hadIncr ? "Opening AOF incr file \(incr) on server start" : "Creating AOF incr file \(incr) on server start")
        aof.lastFsync = mstime / 1000
        keyspace.propagator.attach(aof)
        return true
    }

    /// rewriteAppendOnlyFile on the loop: the dataset as it is, into `name` in the AOF
    /// directory (through a temp file and a rename).
    func writeAOFBaseSync(name: String) -> Bool {
        let temp = "temp-rewriteaof-\(getpid()).aof"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            log(.warning, "Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): \(AOFError.reason())")
            return false
        }
        do {
            try writeSnapshotSync(fd: fd, aofBase: true)
        } catch {
            log(.warning, "Write error writing append only file on disk: \(error)")
            close(fd)
            unlink(temp)
            return false
        }
        close(fd)
        if rename(temp, aofDirectory + "/" + name) != 0 {
            log(.warning, "Error moving temp append only file on the final destination: \(AOFError.reason())")
            unlink(temp)
            return false
        }
        return true
    }

    /// aofDelHistoryFiles: history files are deleted and the manifest forgets them.
    func deleteAOFHistoryFiles() {
        if config.aofDisableAutoGC || aof.manifest.history.isEmpty { return }
        for f in aof.manifest.history {
            log(.notice, "Removing the history file \(f.name) in the background")
            unlink(aofDirectory + "/" + f.name)
        }
        aof.manifest.history.removeAll()
        do { try aof.manifest.persist(dir: aofDirectory, name: aofManifestName) } catch {
            log(.warning, "\(error)")
        }
    }

    // MARK: - Each loop turn

    /// Before the turn's replies leave: the AOF buffer goes to the file (and to disk
    /// with `always`). A write error under `always` ends the process, as in 7.0.
    @inline(__always)
    func flushAOFBeforeReplies() {
        if aof.state == .off { return }
        flushAOF(force: false)
    }

    func flushAOF(force: Bool) {
        let ok = aof.flush(force: force, now: mstime / 1000, log: { [unowned self] in self.log($0, $1) },
                           rewriteInProgress: snapshotJob != nil, noFsyncOnRewrite: config.noAppendfsyncOnRewrite)
        if !ok { exit(1) }
    }

    /// From the cron: postponed writes, a scheduled rewrite, the size trigger.
    func aofCron() {
        let now = mstime / 1000
        if aof.state == .on && aof.flushPostponedStart != 0 { flushAOF(force: false) }
        // A failed write is retried every second.
        if aof.state == .on && !aof.lastWriteOK { flushAOF(force: false) }
        if snapshotJob == nil && aof.rewriteScheduled && !aof.rewriteLimited(now: now, log: { [unowned self] in self.log($0, $1) }) {
            _ = startAOFRewrite()
        }
        if aof.state == .on && snapshotJob == nil && config.autoAofRewritePercentage > 0
            && aof.currentSize > Int64(config.autoAofRewriteMinSize) {
            let base = aof.rewriteBaseSize > 0 ? aof.rewriteBaseSize : 1
            let growth = (aof.currentSize * 100 / base) - 100
            if growth >= Int64(config.autoAofRewritePercentage)
                && !aof.rewriteLimited(now: now, log: { [unowned self] in self.log($0, $1) }) {
                log(.notice, "Starting automatic rewriting of AOF on \(growth)% growth")
                _ = startAOFRewrite()
            }
        }
    }

    // MARK: - Rewrite

    /// rewriteAppendOnlyFileBackground, forkless: new writes go to a new incr file from
    /// the cut, and a snapshot becomes the next base. False when it cannot start.
    @discardableResult
    func startAOFRewrite() -> Bool {
        if snapshotJob != nil { return false }
        if mkdir(aofDirectory, 0o755) != 0 && errno != EEXIST {
            log(.warning, "Can't open or create append-only dir \(aofDirectory): \(AOFError.reason())")
            aof.lastRewriteOK = false
            return false
        }
        aof.stream.selectedDB = -1
        flushAOF(force: true)
        if !openNewIncrForRewrite() {
            aof.lastRewriteOK = false
            return false
        }
        aof.rewrites += 1
        // From the cut on, writes are kept for the new incr file (turning on: for the
        // temp one); with the AOF off nothing is.
        aof.accepting = aof.state != .off
        let temp = "temp-rewriteaof-bg-\(getpid()).aof"
        let fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        if fd < 0 {
            log(.warning, "Opening the temp file for AOF rewrite in rewriteAppendOnlyFile(): \(AOFError.reason())")
            aof.lastRewriteOK = false
            aof.consecutiveFailures += 1
            return false
        }
        ensureNotifyFd()
        let tempPath = currentDirectory() + "/" + temp
        // The thread leaves the file where it is; the loop moves it into the directory.
        let thread = RDBSaveThread(keys: aofBaseWriter(), checksum: config.rdbchecksum, fd: fd,
                                   tempPath: tempPath, finalPath: tempPath, notifyFd: notifyFd,
                                   incrementalFsync: config.aofRewriteIncrementalFsync)
        let sink = EntryCopySink(thread: thread, compress: config.rdbcompression)
        let snap = keyspace.beginSnapshot(sink: sink, streamThreshold: snapshotStreamThreshold)
        snapshotJob = SnapshotJob(kind: .aofRewrite(rdbBase: config.aofUseRdbPreamble), snapshot: snap, sink: sink, thread: thread, tempPath: tempPath,
                                  finalPath: tempPath, startedAtMs: mstime, dirtyAtStart: keyspace.dirty)
        aof.rewriteScheduled = false
        aof.rewriteStartedAt = mstime / 1000
        log(.notice, "Background append only file rewriting started (forkless snapshot of \(snap.keysTotal) keys, written by a helper thread)")
        return true
    }

    /// openNewIncrAofForAppend: with the AOF on, a new incr file joins the manifest and
    /// takes the writes; while waiting for the first rewrite, writes go to a temp incr
    /// file that becomes a real one when the rewrite succeeds. The old file is fsynced
    /// and closed by the fsync thread.
    private func openNewIncrForRewrite() -> Bool {
        if aof.state == .off { return true }
        var temp = aof.manifest
        let name = aof.state == .waitRewrite ? "temp-" + config.appendfilename + ".incr"
                                             : temp.addIncr(prefix: config.appendfilename)
        let fd = open(aofDirectory + "/" + name, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 {
            log(.warning, "Can't open the append-only file \(name): \(AOFError.reason())")
            return false
        }
        if aof.state == .on {
            do { try temp.persist(dir: aofDirectory, name: aofManifestName) } catch {
                log(.warning, "\(error)")
                close(fd)
                return false
            }
        }
        log(.notice, "Creating AOF incr file \(name) on background rewrite")
        if aof.fd >= 0 {
            aof.fsyncThread.fsyncAndClose(aof.fd)
            aof.lastFsync = mstime / 1000
        }
        aof.fd = fd
        aof.lastIncrSize = 0
        aof.lastIncrFsyncOffset = 0
        if aof.state == .on { aof.manifest = temp }
        return true
    }

    /// backgroundRewriteDoneHandler: the snapshot is on disk as the temp file; it
    /// becomes the new base, the incr files it covers become history, and the manifest
    /// is replaced. Any failure leaves the old AOF as it was.
    func backgroundRewriteDone(_ job: SnapshotJob, error: Int32) {
        let now = mstime / 1000
        defer {
            unlink(job.tempPath)
            if aof.state == .waitRewrite {
                // Not on yet: what was collected for the temp file is dropped, and
                // another rewrite is scheduled.
                aof.buffer.reset(shrinkTo: 4000)
                aof.accepting = false
                if aof.fd >= 0 { close(aof.fd); aof.fd = -1 }
                deleteTempIncr()
                aof.rewriteScheduled = true
            }
            aof.lastRewriteSeconds = aof.rewriteStartedAt >= 0 ? now - aof.rewriteStartedAt : -1
            aof.rewriteStartedAt = -1
            lastAofCowSize = job.peakBufferedBytes
        }
        if error != 0 {
            log(.warning, "Write error writing append only file on disk: \(AOFError.reason(error))")
            log(.warning, "Background AOF rewrite terminated with error")
            aof.lastRewriteOK = false
            aof.consecutiveFailures += 1
            return
        }
        log(.notice, "Background AOF rewrite terminated with success")
        var temp = aof.manifest
        let base = temp.newBase(prefix: config.appendfilename, rdb: job.rdbBase)
        let basePath = aofDirectory + "/" + base
        if rename(job.tempPath, basePath) != 0 {
            log(.warning, "Error trying to rename the temporary AOF base file \(job.tempPath) into \(basePath): \(AOFError.reason())")
            aof.lastRewriteOK = false
            aof.consecutiveFailures += 1
            return
        }
        log(.notice, "Successfully renamed the temporary AOF base file \(job.tempPath) into \(base)")
        var newIncrPath: String?
        if aof.state == .waitRewrite {
            let tempIncr = "temp-" + config.appendfilename + ".incr"
            let incr = temp.addIncr(prefix: config.appendfilename)
            newIncrPath = aofDirectory + "/" + incr
            if rename(aofDirectory + "/" + tempIncr, newIncrPath!) != 0 {
                log(.warning, "Error trying to rename the temporary AOF incr file \(aofDirectory + "/" + tempIncr) into \(newIncrPath!): \(AOFError.reason())")
                unlink(basePath)
                aof.lastRewriteOK = false
                aof.consecutiveFailures += 1
                return
            }
            log(.notice, "Successfully renamed the temporary AOF incr file \(tempIncr) into \(incr)")
        }
        temp.markRewrittenIncrAsHistory(keepLast: aof.fd >= 0)
        do { try temp.persist(dir: aofDirectory, name: aofManifestName) } catch {
            log(.warning, "\(error)")
            unlink(basePath)
            if let p = newIncrPath { unlink(p) }
            aof.lastRewriteOK = false
            aof.consecutiveFailures += 1
            return
        }
        aof.manifest = temp
        if aof.state != .off {
            var st = stat()
            let baseSize: Int64 = stat(basePath, &st) == 0 ? Int64(st.st_size) : 0
            aof.currentSize = baseSize + aof.lastIncrSize
            aof.rewriteBaseSize = aof.currentSize
        }
        deleteAOFHistoryFiles()
        aof.lastRewriteOK = true
        aof.consecutiveFailures = 0
        log(.notice, "Background AOF rewrite finished successfully")
        if aof.state == .waitRewrite {
            aof.state = .on
            aof.rewriteScheduled = false
        }
    }

    private func deleteTempIncr() {
        let name = "temp-" + config.appendfilename + ".incr"
        if access(aofDirectory + "/" + name, F_OK) == 0 {
            log(.notice, "Removing the temp incr aof file \(name) in the background")
            unlink(aofDirectory + "/" + name)
        }
    }

    /// killAppendOnlyChild: a running rewrite is abandoned (its temp files removed).
    func abortAOFRewrite() {
        guard let job = snapshotJob, job.isAOFRewrite else { return }
        log(.notice, "Killing running AOF rewrite (forkless snapshot)")
        job.snapshot.abort()
        _ = job.thread.abort()
        job.closed = true
        snapshotJob = nil
        unlink(job.tempPath)
        aof.rewriteStartedAt = -1
    }

    /// A foreground save (SAVE, DEBUG RELOAD) needs the snapshot: a running rewrite
    /// is abandoned and scheduled again, so it runs once the save is done.
    func yieldAOFRewriteToForegroundSave() {
        guard aofRewriteInProgress else { return }
        abortAOFRewrite()
        aof.rewriteScheduled = true
    }

    // MARK: - Turning the AOF on and off

    /// startAppendOnly: writes are collected from now on, and a rewrite produces the
    /// first base; the AOF is on once it finishes.
    func startAppendOnly() -> Bool {
        aof.state = .waitRewrite
        aof.accepting = false
        aof.stream.selectedDB = -1
        keyspace.propagator.attach(aof)
        if snapshotJob?.isRDB == true {
            aof.rewriteScheduled = true
            log(.warning, "AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.")
        } else if inExec {
            aof.rewriteScheduled = true
            log(.warning, "AOF was enabled during a transaction. An AOF background was scheduled to start when possible.")
        } else {
            if aofRewriteInProgress {
                log(.warning, "AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.")
                abortAOFRewrite()
            }
            if !startAOFRewrite() {
                aof.state = .off
                aof.accepting = false
                keyspace.propagator.detach(aof)
                log(.warning, "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.")
                return false
            }
        }
        aof.lastFsync = mstime / 1000
        if aof.fsyncThread.failure != 0 {
            log(.warning, "AOF reopen, just ignore the AOF fsync error in bio job")
            aof.fsyncThread.clearFailure()
        }
        if !aof.lastWriteOK {
            log(.warning, "AOF reopen, just ignore the last error.")
            aof.lastWriteOK = true
        }
        return true
    }

    /// stopAppendOnly: what is buffered is written and fsynced, the file closed, a
    /// running rewrite abandoned.
    func stopAppendOnly() {
        flushAOF(force: true)
        if aof.fd >= 0 {
            if apus_fsync(aof.fd) != 0 {
                log(.warning, "Fail to fsync the AOF file: \(AOFError.reason())")
            } else {
                aof.lastFsync = mstime / 1000
            }
            close(aof.fd)
        }
        aof.fd = -1
        aof.stream.selectedDB = -1
        aof.state = .off
        aof.accepting = false
        aof.rewriteScheduled = false
        aof.lastIncrSize = 0
        aof.lastIncrFsyncOffset = 0
        abortAOFRewrite()
        aof.buffer.reset(shrinkTo: 4000)
        keyspace.propagator.detach(aof)
    }

    /// At shutdown: a running rewrite is dropped (the AOF holds everything anyway),
    /// then the buffer is written and fsynced.
    func flushAOFForShutdown() {
        if aofRewriteInProgress {
            log(.warning, "There is a child rewriting the AOF. Killing it!")
            abortAOFRewrite()
        }
        guard aof.state != .off else { return }
        log(.notice, "Calling fsync() on the AOF file.")
        flushAOF(force: true)
        if aof.fd >= 0 { _ = apus_fsync(aof.fd) }
    }
}
