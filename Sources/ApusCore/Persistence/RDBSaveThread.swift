// The BGSAVE helper thread: everything CPU-heavy about a background save happens here,
// off the event loop. The loop's part is only to copy each entry of the point-in-time
// snapshot (a compact entry is one block, so a copy is one memcpy) into batches; this
// thread turns the copies into RDB records (string encoding, LZF compression, the
// CRC-64 over the stream), writes them, fsyncs and closes the file. Redis gets the
// same split from fork: the child serializes while the parent serves. Valkey's
// forkless save (valkey-io/valkey#3648) also feeds a background serializer from a
// queue filled by the main thread.
//
// Flow control: the loop stops copying while `queuedBytes` is at the limit and asks to
// be woken (through the eventfd it polls) once the thread has drained half of it, so
// the loop never spins waiting. The bound is soft: the write hook must capture an
// entry before it changes whatever the queue holds. Nothing here touches loop state;
// the loop reads `state` after a notification. The loop takes the mutex only to hand
// over a 256 KB batch and at the end of a save, for a few instructions each time.

import Glibc
import CApusSys
import Synchronization

/// Entry copies in one ByteBuffer, each record `[db: UInt32][size: UInt32][entry block,
/// padded to 8 bytes]`, where the entry block has KeyEntry's layout (the padding keeps
/// every copy aligned for KeyEntry's field loads). A streamed collection's elements
/// follow its entry as records `[elementTag | kind: UInt32][size: UInt32][payload]`:
/// a hash field is `[field length: UInt32][field][value]`, a set member its bytes, a
/// sorted-set member `[score: Double][member]`, a list node `[raw length: UInt32, 0 when
/// not compressed][listpack or LZF bytes]` (see CollectionStream).
struct EntryBatch {
    static let headerSize = 8
    static let elementTag: UInt32 = 0x8000_0000
    private var bytes: ByteBuffer

    init(capacity: Int) { bytes = ByteBuffer(capacity: max(capacity, 4096)) }

    func free() { bytes.free() }

    var count: Int { bytes.writeIndex }
    var capacity: Int { bytes.capacity }

    @inline(__always) static func recordSize(entryBytes: Int) -> Int {
        headerSize + (entryBytes + 7) & ~7
    }

    /// Appends a copy of `entry` (the buffer grows if it must; callers hand a full batch
    /// over first, so it rarely does).
    @inline(__always) mutating func append(db: Int, entry: KeyEntry, entryBytes: Int) {
        let size = EntryBatch.recordSize(entryBytes: entryBytes)
        bytes.reserve(size)
        let p = bytes.base + bytes.writeIndex
        p.storeBytes(of: UInt32(truncatingIfNeeded: db), as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: entryBytes), toByteOffset: 4, as: UInt32.self)
        memcpy(p + EntryBatch.headerSize, entry.raw, entryBytes)
        bytes.writeIndex += size
    }

    /// Appends a copy of `entry`'s header and key followed by `value` — the RDB encoding
    /// of an object value — with the copy marked as holding those bytes, not an object.
    mutating func append(db: Int, entry: KeyEntry, serializedValue value: UnsafeRawBufferPointer) {
        let head = entry.valueOffset
        let entryBytes = head + value.count
        let size = EntryBatch.recordSize(entryBytes: entryBytes)
        bytes.reserve(size)
        let p = bytes.base + bytes.writeIndex
        p.storeBytes(of: UInt32(truncatingIfNeeded: db), as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: entryBytes), toByteOffset: 4, as: UInt32.self)
        memcpy(p + EntryBatch.headerSize, entry.raw, head)
        if value.count > 0 { memcpy(p + EntryBatch.headerSize + head, value.baseAddress!, value.count) }
        let copy = KeyEntry(p + EntryBatch.headerSize)
        copy.clearObjectFlag()
        copy.valueLength = value.count
        copy.encoding = entry.reportedEncoding
        bytes.writeIndex += size
    }

    /// Size of the record `appendElement` makes for `e`.
    @inline(__always) static func elementRecordSize(_ kind: CollectionStream.Kind, _ e: KeyEntry) -> Int {
        recordSize(entryBytes: elementPayloadSize(kind, e))
    }

    @inline(__always) private static func elementPayloadSize(_ kind: CollectionStream.Kind, _ e: KeyEntry) -> Int {
        switch kind {
        case .hashField: return 4 + e.keyLength + e.valueLength
        case .setMember: return e.keyLength
        case .zsetNode: return 8 + e.keyLength
        case .listNode: preconditionFailure("list nodes are not table entries")
        }
    }

    /// Appends a list node record (see the layout above).
    mutating func appendListNode(_ node: ListValue.StoredNode) {
        let (raw, data): (Int, UnsafeRawBufferPointer)
        switch node {
        case .packed(let lp): (raw, data) = (0, lp.bytes)
        case .compressed(let lzf, let rawLength): (raw, data) = (rawLength, lzf)
        }
        let size = EntryBatch.recordSize(entryBytes: 4 + data.count)
        bytes.reserve(size)
        let p = bytes.base + bytes.writeIndex
        p.storeBytes(of: EntryBatch.elementTag | UInt32(CollectionStream.Kind.listNode.rawValue), as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: 4 + data.count), toByteOffset: 4, as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: raw), toByteOffset: EntryBatch.headerSize, as: UInt32.self)
        if data.count > 0 { memcpy(p + EntryBatch.headerSize + 4, data.baseAddress!, data.count) }
        bytes.writeIndex += size
    }

    @inline(__always) static func listNodeRecordSize(_ node: ListValue.StoredNode) -> Int {
        switch node {
        case .packed(let lp): return recordSize(entryBytes: 4 + lp.bytes.count)
        case .compressed(let lzf, _): return recordSize(entryBytes: 4 + lzf.count)
        }
    }

    /// Appends one element of a streamed collection, copied out of its table entry.
    mutating func appendElement(_ kind: CollectionStream.Kind, _ e: KeyEntry) {
        let payload = EntryBatch.elementPayloadSize(kind, e)
        let size = EntryBatch.recordSize(entryBytes: payload)
        bytes.reserve(size)
        let p = bytes.base + bytes.writeIndex
        p.storeBytes(of: EntryBatch.elementTag | UInt32(kind.rawValue), as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: payload), toByteOffset: 4, as: UInt32.self)
        let d = p + EntryBatch.headerSize
        let key = e.key
        switch kind {
        case .hashField:
            d.storeBytes(of: UInt32(truncatingIfNeeded: key.count), as: UInt32.self)
            if key.count > 0 { memcpy(d + 4, key.baseAddress!, key.count) }
            let v = e.stringBytes
            if v.count > 0 { memcpy(d + 4 + key.count, v.baseAddress!, v.count) }
        case .setMember:
            if key.count > 0 { memcpy(d, key.baseAddress!, key.count) }
        case .zsetNode:
            d.storeBytes(of: ZSkiplist.score(e.raw), as: Double.self)
            if key.count > 0 { memcpy(d + 8, key.baseAddress!, key.count) }
        case .listNode:
            preconditionFailure("list nodes are not table entries")
        }
        bytes.writeIndex += size
    }

    /// Calls `entry` with each entry record's database index and entry copy, and
    /// `element` with each element record's kind and payload, in order.
    func forEach(entry: (Int, KeyEntry) throws -> Void,
                 element: (CollectionStream.Kind, UnsafeRawBufferPointer) throws -> Void) rethrows {
        var off = 0
        while off < count {
            let p = bytes.base + off
            let word = p.load(as: UInt32.self)
            let size = Int(p.load(fromByteOffset: 4, as: UInt32.self))
            if word & EntryBatch.elementTag != 0 {
                let kind = CollectionStream.Kind(rawValue: UInt8(truncatingIfNeeded: word))!
                try element(kind, UnsafeRawBufferPointer(start: p + EntryBatch.headerSize, count: size))
            } else {
                try entry(Int(word), KeyEntry(p + EntryBatch.headerSize))
            }
            off += EntryBatch.recordSize(entryBytes: size)
        }
    }
}

final class RDBSaveThread {
    /// Bytes of queued batches at which the loop stops copying; it resumes at half.
    static let queueLimit = 8 * 1024 * 1024
    /// Nice value of the thread (the loop runs at the process's own).
    static let niceness: Int32 = 10
    /// Encoded bytes buffered before each write(2).
    static let writeChunk = 256 * 1024

    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let cond = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // The byte count and the wake-up request are atomics, so that the loop's frequent
    // checks (each slice, INFO, used_memory) never wait for this lower-priority
    // thread to release the mutex.
    private let queuedBytes = Atomic<Int>(0)
    private let loopWaitsForRoom = Atomic<Bool>(false)
    // Shared state, guarded by `mutex`.
    private var queue: [EntryBatch] = []
    private var queueHead = 0
    private var closing = false
    private var aborting = false
    private var finishedFlag = false
    private var failedErrno: Int32 = 0
    private var renameFailed = false
    private var renaming = false
    // Owned by the thread once it runs.
    private let keys: any SnapshotRecordWriter
    private let checksum: Bool
    private let fd: Int32
    private let tempPath: String
    /// Where the complete file goes; nil when `fd` is a pipe to replicas (diskless
    /// sync: nothing to sync or rename).
    private let finalPath: String?
    private let notifyFd: Int32
    private let incrementalFsync: Bool

    /// Starts the thread. `keys` already holds the RDB header; `fd` (open on
    /// `tempPath`) is owned from now on. A complete file is renamed to `finalPath`.
    init(keys: any SnapshotRecordWriter, checksum: Bool, fd: Int32, tempPath: String, finalPath: String?,
         notifyFd: Int32, incrementalFsync: Bool) {
        self.keys = keys
        self.checksum = checksum
        self.fd = fd
        self.tempPath = tempPath
        self.finalPath = finalPath
        self.notifyFd = notifyFd
        self.incrementalFsync = incrementalFsync
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(cond, nil)
        // An aborted save must not make the loop wait for a write or an fsync in
        // progress: the thread is detached and holds its own reference until it ends.
        let rc = HelperThread.start { self.threadMain() }
        if rc != 0 {
            _ = Glibc.close(fd)
            finish(error: rc)
        }
    }

    deinit {
        for i in queueHead..<queue.count { queue[i].free() }
        pthread_mutex_destroy(mutex)
        pthread_cond_destroy(cond)
        mutex.deallocate()
        cond.deallocate()
    }

    // MARK: - Loop side

    /// Hands a batch over (ownership moves to the thread).
    func enqueue(_ batch: EntryBatch) {
        if batch.count == 0 { batch.free(); return }
        pthread_mutex_lock(mutex)
        if aborting || failedErrno != 0 {
            pthread_mutex_unlock(mutex)
            batch.free()
            return
        }
        queue.append(batch)
        queuedBytes.add(batch.count, ordering: .sequentiallyConsistent)
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// True while the loop may copy more entries. When it may not, the thread will
    /// signal the eventfd once the queue has drained to half the limit.
    func hasRoom(adding pending: Int) -> Bool {
        if queuedBytes.load(ordering: .sequentiallyConsistent) + pending < RDBSaveThread.queueLimit { return true }
        // Ask for a wake-up, then look again: the thread may have drained the queue
        // between the two (it checks the request after lowering the count).
        loopWaitsForRoom.store(true, ordering: .sequentiallyConsistent)
        if queuedBytes.load(ordering: .sequentiallyConsistent) <= RDBSaveThread.queueLimit / 2 {
            loopWaitsForRoom.store(false, ordering: .sequentiallyConsistent)
            return true
        }
        return false
    }

    /// Bytes copied but not yet encoded: what the save adds to memory.
    var pendingBytes: Int { queuedBytes.load(ordering: .relaxed) }

    /// No more batches: the thread finishes the file (EOF, checksum, fsync, close).
    func close() {
        pthread_mutex_lock(mutex)
        closing = true
        pthread_cond_signal(cond)
        pthread_mutex_unlock(mutex)
    }

    /// Stops as soon as possible: queued batches are dropped, nothing more is written
    /// or synced, the descriptor is closed. The caller removes the temp file. Returns
    /// true when the save could not be stopped because its file was already being
    /// renamed into place; the call then waits for the rename, so the temp name is
    /// free for the next save either way.
    @discardableResult
    func abort() -> Bool {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        aborting = true
        closing = true
        pthread_cond_broadcast(cond)
        while renaming && !finishedFlag { pthread_cond_wait(cond, mutex) }
        return renaming && !renameFailed
    }

    /// Fails the save from the loop's side (the file would be wrong): like `abort`,
    /// but the save then ends as failed with `error`.
    func fail(error: Int32) {
        pthread_mutex_lock(mutex)
        if failedErrno == 0 { failedErrno = error }
        aborting = true
        closing = true
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
    }

    /// (finished, errno of the first failure or 0, whether that failure was the
    /// final rename).
    var state: (finished: Bool, error: Int32, inRename: Bool) {
        pthread_mutex_lock(mutex); defer { pthread_mutex_unlock(mutex) }
        return (finishedFlag, failedErrno, renameFailed)
    }

    // MARK: - Thread side

    private func threadMain() {
        // Background work: when the cores are contended the event loop and its
        // clients go first (the save still gets a share and always finishes).
        _ = apus_set_thread_nice(RDBSaveThread.niceness)
        var err: Int32 = 0
        var sinceFsync = 0
        let enc = keys
        func writeOut() throws {
            let n = enc.bufferedCount
            try enc.flush(to: fd)
            sinceFsync += n
            // rdb-save-incremental-fsync: never let the kernel collect a huge dirty
            // backlog that one final fsync would stall on.
            if incrementalFsync && finalPath != nil && sinceFsync >= 32 * 1024 * 1024 {
                sinceFsync = 0
                _ = apus_fsync(fd)
            }
        }
        while err == 0 {
            pthread_mutex_lock(mutex)
            while queueHead == queue.count && !closing { pthread_cond_wait(cond, mutex) }
            if aborting || queueHead == queue.count {
                pthread_mutex_unlock(mutex)
                break
            }
            let batch = queue[queueHead]
            queueHead += 1
            if queueHead == queue.count || queueHead >= 64 {
                queue.removeFirst(queueHead)
                queueHead = 0
            }
            pthread_mutex_unlock(mutex)
            do {
                try batch.forEach(entry: { db, entry in
                    keys.write(db: db, entry: entry)
                    if enc.bufferedCount >= RDBSaveThread.writeChunk { try writeOut() }
                }, element: { kind, payload in
                    keys.writeElement(kind, payload)
                    if enc.bufferedCount >= RDBSaveThread.writeChunk { try writeOut() }
                })
            } catch RDBError.io(_, let e) {
                err = e
            } catch {
                err = EIO
            }
            batch.free()
            let left = queuedBytes.subtract(batch.count, ordering: .sequentiallyConsistent).newValue
            if left <= RDBSaveThread.queueLimit / 2
                && loopWaitsForRoom.exchange(false, ordering: .sequentiallyConsistent) {
                notifyLoop()
            }
            if err != 0 { break }
        }
        pthread_mutex_lock(mutex)
        let aborted = aborting
        pthread_mutex_unlock(mutex)
        if err == 0 && !aborted {
            enc.finish(checksum: checksum)
            do { try writeOut() } catch RDBError.io(_, let e) { err = e } catch { err = EIO }
            if err == 0 && finalPath != nil && apus_fsync(fd) != 0 { err = errno }
        }
        if Glibc.close(fd) != 0 && err == 0 && !aborted { err = errno }
        if err == 0, let finalPath {
            // Renaming over the old dump frees its blocks, which can take tens of
            // milliseconds on a large file: the thread does it, as Redis's child does,
            // without holding the mutex (the loop reads pendingBytes meanwhile). An
            // abort that comes later waits for the rename to end (see `abort`).
            pthread_mutex_lock(mutex)
            let go = !aborting
            renaming = go
            pthread_mutex_unlock(mutex)
            if go && rename(tempPath, finalPath) != 0 {
                finish(error: errno, inRename: true)
                return
            }
        }
        finish(error: err)
    }

    private func finish(error: Int32, inRename: Bool = false) {
        pthread_mutex_lock(mutex)
        if error != 0 && failedErrno == 0 {
            failedErrno = error
            renameFailed = inRename
        }
        finishedFlag = true
        for i in queueHead..<queue.count { queue[i].free() }
        queue.removeAll()
        queueHead = 0
        queuedBytes.store(0, ordering: .sequentiallyConsistent)
        pthread_cond_broadcast(cond)
        pthread_mutex_unlock(mutex)
        notifyLoop()
    }

    private func notifyLoop() {
        var one: UInt64 = 1
        _ = Glibc.write(notifyFd, &one, 8)
    }
}
