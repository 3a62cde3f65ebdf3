// The append-only file (Redis 7.0's aof.c, multi-part): the AOF is one consumer of
// the propagation stream. What a loop turn propagated is rendered into `buffer`
// (SELECT as needed, `#TS:` annotations with aof-timestamp-enabled), written to the
// current incr file in beforeSleep before any reply of that turn leaves, and fsynced
// per `appendfsync`: `always` on the loop before the replies, `everysec` by the fsync
// thread at most once a second (a write waits at most two seconds for a slow fsync,
// then goes ahead and counts in aof_delayed_fsync), `no` never.
//
// The files are listed by the manifest (AOFManifest). A rewrite (BGREWRITEAOF, the
// automatic trigger, or turning the AOF on) is a forkless snapshot: at the cut new
// writes go to a new incr file, the snapshot becomes a new base, and the manifest then
// names the new base and incr files; the old ones become history and are deleted.
// This file holds the state and the write side; AOFLoader.swift reads the files back
// and Server+AOF.swift wires both into the server.

import Glibc
import CApusSys

public final class AppendOnlyFile: PropagationConsumer {
    public let target: PropagationTargets = .aof

    /// Redis's aof_state: off, on, or waiting for the first rewrite to finish after
    /// being turned on at run time.
    public enum State { case off, on, waitRewrite }
    public internal(set) var state: State = .off

    var manifest = AOFManifest()
    /// The incr file being appended to; -1 when none.
    var fd: Int32 = -1
    /// Rendered commands not yet written (aof_buf).
    var buffer = ByteBuffer(capacity: 0)
    var stream = CommandStreamWriter()
    /// Whether rendered commands are kept: on, or on-to-be with a rewrite running.
    var accepting = false

    // Timestamps and sizes (INFO persistence).
    var timestampEnabled = false
    private var lastTimestamp: Int64 = 0
    var currentSize: Int64 = 0
    var rewriteBaseSize: Int64 = 0
    var lastIncrSize: Int64 = 0
    var lastIncrFsyncOffset: Int64 = 0
    /// Unix seconds of the last fsync (or of its request to the thread).
    var lastFsync: Int64 = 0
    var flushPostponedStart: Int64 = 0
    public internal(set) var delayedFsync = 0
    public internal(set) var lastWriteOK = true
    var lastWriteErrno: Int32 = 0
    var lastWriteErrorLog: Int64 = 0

    // Rewrites.
    public internal(set) var rewriteScheduled = false
    public internal(set) var rewrites = 0
    public internal(set) var consecutiveFailures = 0
    public internal(set) var lastRewriteOK = true
    var rewriteStartedAt: Int64 = -1
    public internal(set) var lastRewriteSeconds: Int64 = -1
    var nextRewriteAllowedAt: Int64 = 0
    var rewriteDelayMinutes: Int64 = 0

    let fsyncThread = AOFFsyncThread()

    enum FsyncPolicy { case always, everysec, no }
    var policy: FsyncPolicy = .everysec

    public init() {}
    deinit { buffer.free() }

    public var bufferLength: Int { buffer.readableBytes }
    /// Memory the buffer holds (INFO mem_aof_buffer, MEMORY STATS aof.buffer); none
    /// while the AOF is off.
    public var bufferAllocated: Int { state == .off ? 0 : buffer.allocatedBytes }
    public var pendingFsyncs: Int { fsyncThread.pending }

    // MARK: - Feeding (feedAppendOnlyFile)

    public func feed(_ commands: [PropagatedCommand]) {
        guard accepting else { return }
        if timestampEnabled { annotateTimestamp(force: false) }
        stream.append(commands, into: &buffer)
    }

    /// `#TS:<unix seconds>` before the first command of each new second.
    func annotateTimestamp(force: Bool) {
        let now = Int64(time(nil))
        if !force && lastTimestamp >= now { return }
        lastTimestamp = now
        buffer.append("#TS:")
        buffer.appendDecimal(now)
        buffer.append("\r\n")
    }

    // MARK: - Writing (flushAppendOnlyFile)

    /// Writes the buffer to the incr file and fsyncs per policy. Called before replies
    /// are written in each loop turn (so `always` acknowledges nothing not on disk),
    /// from the cron while a write is postponed, and with `force` before the file
    /// changes. Returns false when the process must exit (a write or fsync error
    /// under `always`, as 7.0 exits).
    @discardableResult
    func flush(force: Bool, now: Int64, log: (LogLevel, String) -> Void,
               rewriteInProgress: Bool, noFsyncOnRewrite: Bool) -> Bool {
        guard fd >= 0 else { return true }
        var syncInProgress = false
        if buffer.readableBytes == 0 {
            // Nothing new; an fsync may still be due for what an earlier write left.
            let unsynced = lastIncrFsyncOffset != lastIncrSize
            let due = (policy == .everysec && unsynced && now > lastFsync && fsyncThread.pending == 0)
                || (policy == .always && unsynced)
            if !due { return true }
            return fsyncIfDue(now: now, syncInProgress: false, rewriteInProgress: rewriteInProgress,
                              noFsyncOnRewrite: noFsyncOnRewrite, log: log)
        }
        if policy == .everysec { syncInProgress = fsyncThread.pending > 0 }
        if policy == .everysec && !force && syncInProgress {
            // The disk is busy with the last fsync: wait for it, up to two seconds.
            if flushPostponedStart == 0 {
                flushPostponedStart = now
                return true
            } else if now - flushPostponedStart < 2 {
                return true
            }
            delayedFsync += 1
            log(.notice, "Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.")
        }
        let want = buffer.readableBytes
        let written = writeAll(buffer.readableView)
        flushPostponedStart = 0
        if written != want {
            let canLog = now - lastWriteErrorLog > 30
            if canLog { lastWriteErrorLog = now }
            var advanced = written
            if written < 0 {
                if canLog { log(.warning, "Error writing to the AOF file: \(AOFError.reason())") }
                lastWriteErrno = errno
            } else {
                if canLog {
                    log(.warning, "Short write while writing to the AOF file: (nwritten=\(written), expected=\(want))")
                }
                // Cut the partial command off, so the file stays loadable.
                if ftruncate(fd, off_t(lastIncrSize)) == -1 {
                    if canLog {
                        log(.warning, "Could not remove short write from the append-only file.  Redis may refuse to load the AOF the next time it starts.  ftruncate: \(AOFError.reason())")
                    }
                } else {
                    advanced = -1
                }
                lastWriteErrno = ENOSPC
            }
            if policy == .always {
                log(.warning, "Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...")
                return false
            }
            lastWriteOK = false
            if advanced > 0 {
                currentSize += Int64(advanced)
                lastIncrSize += Int64(advanced)
                buffer.readIndex += advanced
            }
            return true
        }
        if !lastWriteOK {
            log(.warning, "AOF write error looks solved, Redis can write again.")
            lastWriteOK = true
        }
        currentSize += Int64(written)
        lastIncrSize += Int64(written)
        buffer.reset(shrinkTo: 4000)
        return fsyncIfDue(now: now, syncInProgress: syncInProgress, rewriteInProgress: rewriteInProgress,
                          noFsyncOnRewrite: noFsyncOnRewrite, log: log)
    }

    private func fsyncIfDue(now: Int64, syncInProgress: Bool, rewriteInProgress: Bool, noFsyncOnRewrite: Bool,
                            log: (LogLevel, String) -> Void) -> Bool {
        if noFsyncOnRewrite && rewriteInProgress { return true }
        switch policy {
        case .always:
            if apus_fsync(fd) != 0 {
                log(.warning, "Can't persist AOF for fsync error when the AOF fsync policy is 'always': \(AOFError.reason()). Exiting...")
                return false
            }
            lastIncrFsyncOffset = lastIncrSize
            lastFsync = now
        case .everysec:
            if now > lastFsync {
                if !syncInProgress {
                    fsyncThread.fsync(fd)
                    lastIncrFsyncOffset = lastIncrSize
                }
                lastFsync = now
            }
        case .no:
            break
        }
        return true
    }

    /// write(2) until done or an error; the count written, or -1 when nothing was.
    private func writeAll(_ p: UnsafeRawBufferPointer) -> Int {
        var total = 0
        while total < p.count {
            let n = write(fd, p.baseAddress! + total, p.count - total)
            if n < 0 {
                if errno == EINTR { continue }
                return total > 0 ? total : -1
            }
            total += n
        }
        return total
    }

    /// True when writes must be refused because the AOF cannot be written or fsynced
    /// (Redis's writeCommandsDeniedByDiskError for the AOF).
    public var deniesWrites: Bool {
        state != .off && (!lastWriteOK || fsyncThread.failure != 0)
    }

    /// The errno behind `deniesWrites`.
    var failureErrno: Int32 { !lastWriteOK ? lastWriteErrno : fsyncThread.failure }

    // MARK: - Rewrite back-off (aofRewriteLimited)

    /// After three consecutive failed rewrites automatic ones wait 1, 2, 4 ... up to 60
    /// minutes between attempts. Returns true while waiting (and logs when it starts).
    func rewriteLimited(now: Int64, log: (LogLevel, String) -> Void) -> Bool {
        if consecutiveFailures < 3 {
            rewriteDelayMinutes = 0
            nextRewriteAllowedAt = 0
            return false
        }
        if nextRewriteAllowedAt != 0 {
            if now < nextRewriteAllowedAt { return true }
            nextRewriteAllowedAt = 0
            return false
        }
        rewriteDelayMinutes = rewriteDelayMinutes == 0 ? 1 : min(rewriteDelayMinutes * 2, 60)
        nextRewriteAllowedAt = now + rewriteDelayMinutes * 60
        log(.warning, "Background AOF rewrite has repeatedly failed and triggered the limit, will retry in \(rewriteDelayMinutes) minutes")
        return true
    }
}
