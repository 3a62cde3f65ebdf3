// Keyspace: the set of numbered databases and the operations that span them —
// SWAPDB, FLUSHALL, MOVE, COPY, RENAME (all through the per-entry write path), the
// shared LRU clock (Redis LRU_CLOCK: seconds, 24 bits), the dirty counter, memory
// accounting (a running total of malloc usable sizes, i.e. INFO used_memory's
// keyspace part), the cross-database active expire cycle, incremental freeing of
// asynchronously flushed tables (Redis lazyfree), and the entry point for forkless
// snapshots (see Snapshot).

import Glibc
import CApusSys

public enum RenameResult { case ok, noSuchKey, targetExists }

public final class Keyspace {
    public let meter = MemoryMeter()
    public private(set) var dbs: [Database] = []
    /// Version stamped on entries written now; bumped by each snapshot cut. (Wraps
    /// after 2^32 snapshots; not handled.)
    public internal(set) var epoch: UInt32 = 1
    /// Changes since the last successful save.
    public var dirty = 0
    /// Keys deleted by expiry (INFO expired_keys) and by eviction (evicted_keys).
    public var expiredKeys = 0
    public var evictedKeys = 0
    /// 24-bit seconds clock stamped on entries at access (Redis LRU_CLOCK).
    public var lruClock: UInt32 = 0
    /// maxmemory-policy is an LFU one: the 24 access bits hold Redis's LFU
    /// (16-bit minutes << 8 | logarithmic counter) instead of an LRU clock.
    public var lfuEnabled = false
    public var lfuLogFactor = 10
    public var lfuDecayTime = 1
    /// False on replicas: expired keys read as missing but are not deleted.
    public var deleteExpiredOnAccess = true
    /// While a replica applies its master's commands, keys past their TTL are still
    /// there: only the master's DEL removes them (7.0's expireIfNeeded for the master).
    public var ignoreExpiry = false
    /// lazyfree-lazy-expire: expired keys are propagated as UNLINK instead of DEL.
    public var lazyExpire = false
    /// lazyfree-lazy-server-del: values replaced or deleted by the server itself (an
    /// overwrite, RENAME over a key) are freed on the lazy-free thread when big.
    public var lazyServerDel = false
    /// The lazy-free thread and what it has freed so far (INFO lazyfreed_objects).
    let lazyFree = LazyFree()
    public internal(set) var lazyfreedObjects = 0
    /// Keys whose small collection a command turned into an object (see compactMaterialized).
    var materialized: [WaitedKey] = []
    /// Client tracking: some client caches keys, every written key is reported.
    public var trackingOn = false
    var invalidateKey: ((UnsafeRawBufferPointer) -> Void)?
    /// notify-keyspace-events: the classes of keyspace events published, and where.
    public var notifyClasses: NotifyClass = []
    var eventSink: PubSub?
    /// True while a dataset is loaded: stored keys raise no events.
    var eventsMuted = false
    /// Where the deletions of expired keys enter the command stream, in order with the
    /// commands around them.
    public let propagator: Propagator

    public internal(set) var activeSnapshot: Snapshot?
    /// Version of the active snapshot's cut, 0 when none (one compare in the hook).
    var snapshotCut: UInt32 = 0

    var lazyFreeQueue: [KeyTable] = []
    private var lazyFreeQueueKeys: [Int] = []
    /// Next database the active expire cycle starts with (Redis current_db).
    var expireCursor = 0

    public init(databases: Int = 16, propagator: Propagator = Propagator()) {
        precondition(databases > 0)
        self.propagator = propagator
        dbs = (0..<databases).map { Database(id: $0, keyspace: self) }
    }

    /// Cluster mode: every database indexes its keys by hash slot.
    public private(set) var slotIndexed = false

    public func enableSlotIndex() {
        slotIndexed = true
        for db in dbs { db.enableSlotIndex() }
    }

    deinit {
        activeSnapshot?.abort()
        while lazyFreeStep(maxEntries: Int.max) {}
    }

    // MARK: - Stats

    /// Bytes allocated by the keyspace (entries, bucket arrays, expire sets, and
    /// whatever other modules report through `adjustUsedMemory`).
    @inline(__always) public var usedMemory: Int { meter.bytes }

    /// For values whose memory is not an entry block (collection objects).
    @inline(__always) public func adjustUsedMemory(_ delta: Int) { meter.bytes += delta }

    public var totalKeys: Int { dbs.reduce(0) { $0 + $1.count } }

    /// Tables still queued for incremental freeing (INFO lazyfree_pending_objects).
    public var lazyFreePendingTables: Int { lazyFreeQueue.count }
    /// Tables and big values still being freed in the background (INFO lazyfree_pending_objects).
    public var lazyFreePending: Int { lazyFreeQueue.count + lazyFree.pending }

    /// Sets the LRU clock from wall time (call from cron).
    public func updateLRUClock(nowMs: Int64) {
        lruClock = UInt32(truncatingIfNeeded: (nowMs / 1000) & 0xFF_FFFF)
    }

    // MARK: - Access stamps (LRU clock or LFU counter)

    static let lfuInitialCounter: UInt32 = 5

    @inline(__always) var lfuMinutes: UInt32 { UInt32(truncatingIfNeeded: time(nil) / 60) & 0xFFFF }

    /// The stamp of a value just created.
    @inline(__always) public func freshAccessStamp() -> UInt32 {
        lfuEnabled ? (lfuMinutes << 8) | Keyspace.lfuInitialCounter : lruClock
    }

    /// Records an access (Redis's updateLFU / LRU clock refresh).
    @inline(__always) public func touch(_ e: KeyEntry) {
        if !lfuEnabled { e.lru = lruClock; return }
        var counter = lfuDecayedCounter(e.lru)
        if counter < 255 {
            let base = Double(counter > Keyspace.lfuInitialCounter ? counter - Keyspace.lfuInitialCounter : 0)
            let p = 1.0 / (base * Double(lfuLogFactor) + 1)
            let r = Double(FastRandom.next() >> 11) / Double(UInt64(1) << 53)
            if r < p { counter += 1 }
        }
        e.lru = (lfuMinutes << 8) | counter
    }

    /// Sets the access stamp of a value arriving from outside (RESTORE's IDLETIME/FREQ,
    /// an RDB's IDLE/FREQ opcodes), as Redis's objectSetLRUOrLFU: under an LFU policy a
    /// given frequency becomes the counter, otherwise a given idle time (seconds) dates
    /// the LRU clock back. The other figure is ignored.
    public func setAccessStamp(_ e: KeyEntry, idleSeconds: Int64?, frequency: Int?) {
        if lfuEnabled {
            if let f = frequency { e.lru = (lfuMinutes << 8) | UInt32(min(max(f, 0), 255)) }
        } else if let idle = idleSeconds {
            let max = Int64(0xFF_FFFF)
            var stamp = Int64(lruClock) - idle
            if stamp < 0 { stamp = (Int64(lruClock) + max / 2) % max }
            e.lru = UInt32(truncatingIfNeeded: stamp)
        }
    }

    /// The LFU counter after decay for the minutes elapsed (Redis's LFUDecrAndReturn).
    public func lfuDecayedCounter(_ stamp: UInt32) -> UInt32 {
        let then = stamp >> 8
        let counter = stamp & 0xFF
        let now = lfuMinutes
        let elapsed = now >= then ? now - then : 65535 - then + now
        let periods = lfuDecayTime > 0 ? elapsed / UInt32(lfuDecayTime) : 0
        return periods > counter ? 0 : counter - periods
    }

    // MARK: - Change signals
    //
    // Explicit calls, made by the write path after each change. The command itself is
    // propagated by call() (the dirty counter tells it the dataset changed); what only
    // the keyspace sees — an expiry — is propagated here, with its "expired" event.
    // Key-level signals for WATCH and blocked clients start here; client tracking
    // joins them with its issue.

    @inline(__always)
    public func keyModified(db: Int, key: UnsafeRawBufferPointer, changes: Int = 1) {
        dirty &+= changes
        if !waitedKeys.isEmpty { signalKeyAsReady(db: db, key: key) }
        if !watchedKeys.isEmpty { touchWatchedKey(db: db, key: key) }
        if trackingOn { invalidateKey!(key) }
    }

    // MARK: - Keys clients are blocked on

    /// Keys some client is blocked on (BLPOP ...), kept by the server's blocking code.
    /// Any change to one of them queues it in `readyKeys`; the server then serves its
    /// blocked clients after the command (Redis's signalKeyAsReady / ready_keys).
    public internal(set) var waitedKeys = Set<WaitedKey>()
    /// Keys some client WATCHes, with their watchers (see Watch.swift).
    var watchedKeys: [WaitedKey: [WatchedKey]] = [:]
    /// The server's clock (unix ms), for WATCH's expiry rules.
    var clock: () -> Int64 = { 0 }
    private(set) var readyKeys: [WaitedKey] = []
    private var readySet = Set<WaitedKey>()

    @inline(never)
    func signalKeyAsReady(db: Int, key: UnsafeRawBufferPointer) {
        let k = WaitedKey(db: db, key: Array(key))
        guard waitedKeys.contains(k), readySet.insert(k).inserted else { return }
        readyKeys.append(k)
    }

    /// The ready keys in the order they became ready; the queue starts afresh, so keys
    /// readied while these are served come in the next batch.
    func takeReadyKeys() -> [WaitedKey] {
        let r = readyKeys
        readyKeys.removeAll()
        readySet.removeAll()
        return r
    }

    @inline(__always)
    func keyExpired(db: Int, key: UnsafeRawBufferPointer) {
        expiredKeys &+= 1
        notify(.expired, key, db: db)
        if !watchedKeys.isEmpty { touchWatchedKey(db: db, key: key) }
        if trackingOn { invalidateKey!(key) }
        // A reader blocked on a stream that expired learns it (7.0's dbGenericDelete).
        if !waitedKeys.isEmpty { signalKeyAsReady(db: db, key: key) }
        propagator.addDeletion(db: db, key: key, lazy: lazyExpire)
    }

    /// A key removed by eviction: its event, WATCH, and the deletion in the stream.
    func keyEvicted(db: Int, key: UnsafeRawBufferPointer, lazy: Bool) {
        evictedKeys &+= 1
        notify(.evicted, key, db: db)
        if !watchedKeys.isEmpty { touchWatchedKey(db: db, key: key) }
        if trackingOn { invalidateKey!(key) }
        if !waitedKeys.isEmpty { signalKeyAsReady(db: db, key: key) }
        propagator.addDeletion(db: db, key: key, lazy: lazy)
    }

    func databaseFlushed(db: Int, removed: Int) {
        dirty &+= removed
        // Readers blocked on keys of this database find them gone (a group reader is
        // told, as 7.0's scanDatabaseForDeletedStreams does).
        for k in waitedKeys where k.db == db {
            k.key.withUnsafeBytes { signalKeyAsReady(db: k.db, key: $0) }
        }
    }

    // MARK: - Cross-database commands

    /// SWAPDB: exchanges the contents of databases `a` and `b` (Database objects keep
    /// their ids; tables, expire sets and TTL stats move).
    public func swapDB(_ a: Int, _ b: Int) {
        if a == b { return }
        touchAllWatchedKeysInDb(a, replacedWith: b)
        touchAllWatchedKeysInDb(b, replacedWith: a)
        dbs[a].swapContents(with: dbs[b])
        dirty &+= 1
        // Clients blocked in either database may now find their keys (scanDatabaseForReadyKeys).
        for k in waitedKeys where k.db == a || k.db == b {
            k.key.withUnsafeBytes { signalKeyAsReady(db: k.db, key: $0) }
        }
    }

    /// FLUSHALL: empties every database; returns the number of keys removed. Does not
    /// abort an active snapshot: the flushed tables are detached and handed to it, so it
    /// stays consistent; callers mirroring Redis's "FLUSHALL kills the BGSAVE child" abort
    /// it themselves (before or after).
    @discardableResult
    public func flushAll(async: Bool = false) -> Int {
        var removed = 0
        for db in dbs { removed += db.flush(async: async) }
        return removed
    }

    /// MOVE: moves `key` (with its TTL) from db `from` to db `to`. False if the key
    /// does not exist in `from` or already exists in `to`. `from != to` is the
    /// caller's check.
    public func moveKey(from: Int, _ key: UnsafeRawBufferPointer, to: Int, now: Int64) -> Bool {
        let src = dbs[from], dst = dbs[to]
        let h = KeyHash.hash(key)
        guard let e = src.lookupWrite(key, hash: h, now: now) else { return false }
        if dst.lookupWrite(key, hash: h, now: now) != nil { return false }
        dst.removeStale(key, hash: h)
        src.unlink(e, hash: h)
        dst.link(e, hash: h)
        keyModified(db: from, key: key)
        keyModified(db: to, key: key)
        notify(.new, key, db: to)
        notify(.moveFrom, key, db: from)
        notify(.moveTo, key, db: to)
        return true
    }

    /// COPY: duplicates `key` of db `from` (value and TTL) as `destinationKey` in db
    /// `to`. False if the source is missing, or the destination exists and `replace`
    /// is false. Copying a key onto itself returns false; reporting Redis's "source
    /// and destination objects are the same" error is the caller's job.
    public func copyKey(from: Int, _ key: UnsafeRawBufferPointer, to: Int,
                        destinationKey: UnsafeRawBufferPointer, replace: Bool, now: Int64) -> Bool {
        let src = dbs[from], dst = dbs[to]
        if from == to && key.count == destinationKey.count
            && (key.count == 0 || memcmp(key.baseAddress!, destinationKey.baseAddress!, key.count) == 0) {
            return false
        }
        guard let e = src.lookupReadNoStats(key, now: now) else { return false }
        let dh = KeyHash.hash(destinationKey)
        if let d = dst.lookupWrite(destinationKey, hash: dh, now: now) {
            if !replace { return false }
            dst.deleteEntry(d, hash: dh, lazy: lazyServerDel, event: .none)
        }
        dst.removeStale(destinationKey, hash: dh)
        let ne = KeyEntry.allocate(key: destinationKey, valueBytes: e.valueLength, withExpire: e.hasExpire,
                                   version: epoch, meter: meter)
        ne.meta = e.meta
        ne.lru = freshAccessStamp()
        if ne.isInt { ne.isUnsharedCopy = true }
        if e.hasExpire { ne.expireAt = e.expireAt }
        if let object = e.storedObject {
            ne.storeObject(object.duplicate())
        } else if e.valueLength > 0 {
            memcpy(ne.mutableValue, e.raw + e.valueOffset, e.valueLength)
        }
        dst.link(ne, hash: dh)
        noteMaterialized(db: to, key: destinationKey)
        keyModified(db: to, key: destinationKey)
        // Redis adds the copy afresh even over a replaced key: "new", then "copy_to".
        notify(.new, destinationKey, db: to)
        notify(.copyTo, destinationKey, db: to)
        return true
    }

    /// RENAME / RENAMENX within db `db`, keeping the TTL. A destination that exists is
    /// deleted first (RENAME) or makes the call fail (RENAMENX, `nx`). Renaming a key
    /// to itself succeeds (or reports targetExists with `nx`) when it exists.
    public func rename(db dbIndex: Int, from: UnsafeRawBufferPointer, to: UnsafeRawBufferPointer,
                       nx: Bool = false, now: Int64) -> RenameResult {
        let db = dbs[dbIndex]
        let fh = KeyHash.hash(from)
        guard let e = db.lookupWrite(from, hash: fh, now: now) else { return .noSuchKey }
        if from.count == to.count && (from.count == 0 || memcmp(from.baseAddress!, to.baseAddress!, from.count) == 0) {
            return nx ? .targetExists : .ok
        }
        let th = KeyHash.hash(to)
        if let d = db.lookupWrite(to, hash: th, now: now) {
            if nx { return .targetExists }
            db.deleteEntry(d, hash: th, lazy: lazyServerDel, event: .none)
        }
        db.removeStale(to, hash: th)
        // A new block with the new key; the value (bytes or object reference) moves.
        let ne = KeyEntry.allocate(key: to, valueBytes: e.valueLength, withExpire: e.hasExpire,
                                   version: epoch, meter: meter)
        ne.meta = e.meta
        if e.hasExpire { ne.expireAt = e.expireAt }
        if e.valueLength > 0 { memcpy(ne.mutableValue, e.raw + e.valueOffset, e.valueLength) }
        if e.isObject { ne.keyWord |= KeyEntry.objectBit }
        db.unlink(e, hash: fh)
        db.link(ne, hash: th)
        keyModified(db: dbIndex, key: from)
        e.freeBlockOnly(meter: meter)
        keyModified(db: dbIndex, key: to)
        // The destination is added afresh, replaced or not: "new" before the pair.
        notify(.new, to, db: dbIndex)
        notify(.renameFrom, from, db: dbIndex)
        notify(.renameTo, to, db: dbIndex)
        return .ok
    }

    // MARK: - Cron work

    /// Runs the active expire cycle over the databases for up to `timeLimitUs`,
    /// resuming where the previous call stopped (Redis activeExpireCycle, slow mode
    /// defaults). Returns totals.
    @discardableResult
    public func activeExpireCycle(now: Int64, timeLimitUs: UInt64, keysPerLoop: Int = 20,
                                  acceptableStalePercent: Int = 10) -> (sampled: Int, expired: Int) {
        let deadline = apus_monotonic_us() + timeLimitUs
        var sampled = 0
        var expired = 0
        for _ in 0..<dbs.count {
            let db = dbs[expireCursor % dbs.count]
            expireCursor = (expireCursor + 1) % dbs.count
            let r = db.activeExpireCycle(now: now, keysPerLoop: keysPerLoop,
                                         acceptableStalePercent: acceptableStalePercent, deadlineUs: deadline)
            sampled += r.sampled
            expired += r.expired
            if r.timedOut || apus_monotonic_us() > deadline { break }
        }
        return (sampled, expired)
    }

    /// Cron: shrinks sparse tables and rehashes for about 1 ms per database in
    /// rehash (Redis databasesCron with activerehashing).
    public func resizeAndRehash(rehashMilliseconds: Int = 1) {
        for db in dbs {
            db.table.resizeIfNeeded()
            if db.table.isRehashing { db.table.rehashFor(milliseconds: rehashMilliseconds) }
        }
    }

    func queueLazyFree(_ t: KeyTable) {
        t.lazyOwner = self
        lazyFreeQueue.append(t)
        lazyFreeQueueKeys.append(t.count)
    }

    /// Frees up to about `maxEntries` entries of asynchronously flushed tables.
    /// Returns true while work remains.
    @discardableResult
    public func lazyFreeStep(maxEntries: Int = 10_000) -> Bool {
        var budget = maxEntries
        while let t = lazyFreeQueue.first, budget > 0 {
            let before = t.count
            if t.freeSome(maxEntries: budget) {
                return true
            }
            budget -= before
            lazyFreeQueue.removeFirst()
            // Like Redis, a flushed database counts its keys as lazily freed objects.
            lazyfreedObjects += lazyFreeQueueKeys.removeFirst()
        }
        return !lazyFreeQueue.isEmpty
    }

    // MARK: - Snapshots

    /// Cuts a point-in-time snapshot: every entry that exists now will be delivered to
    /// `sink` exactly once with its content as of now, under the index its database
    /// has now — by `Snapshot.step` or, if it is about to change first, by the write
    /// path. At most one snapshot may be active.
    /// Collections with more than `streamThreshold` elements go to the sink element by
    /// element (the default: never).
    public func beginSnapshot(sink: SnapshotSink, streamThreshold: Int = .max) -> Snapshot {
        precondition(activeSnapshot == nil, "a snapshot is already active")
        epoch &+= 1
        let tables = dbs.map { $0.table }
        for (i, t) in tables.enumerated() { t.snapshotIndex = i }
        let s = Snapshot(version: epoch, tables: tables, keyspace: self, sink: sink, streamThreshold: streamThreshold)
        activeSnapshot = s
        snapshotCut = epoch
        return s
    }

    func snapshotEnded() {
        activeSnapshot = nil
        snapshotCut = 0
    }
}

/// A key in a numbered database, as the blocking code tracks it.
public struct WaitedKey: Hashable {
    public let db: Int
    public let key: [UInt8]
}

extension Keyspace {
    /// An overwrite drops the old object: on the lazy-free thread with
    /// lazyfree-lazy-server-del when it is big, else now.
    func releaseOverwrittenObject(_ e: KeyEntry) {
        if e.isCompactSlot {
            e.releaseValue(meter: meter)
            return
        }
        if lazyServerDel, let obj = e.storedObject, obj.freeEffort > LazyFree.threshold, !obj.isStreamedBySnapshot {
            obj.detachMeter(lazyFree.threadMeter)
            let handed = Unmanaged.passRetained(obj as AnyObject)
            e.releaseObject()
            lazyFree.submit(handed)
            return
        }
        e.releaseObject()
    }
}

// MARK: - Compact slots

extension Keyspace {
    /// Remembers a key whose small collection is held by an object during this command.
    @inline(__always)
    func noteMaterialized(db: Int, key: UnsafeRawBufferPointer) {
        materialized.append(WaitedKey(db: db, key: Array(key)))
    }

    /// After a command: every small collection it held as an object goes back to a
    /// compact slot (the block moves, nothing is copied); objects of big encodings stay.
    func compactMaterialized() {
        if materialized.isEmpty { return }
        for k in materialized {
            let db = dbs[k.db]
            k.key.withUnsafeBytes { key in
                guard let e = db.table.find(key, hash: KeyHash.hash(key)), e.isObject, !e.isCompactSlot,
                      e.type == .hash || e.type == .set || e.type == .zset, let obj = e.storedObject else { return }
                let form: ObjectEncoding = e.type == .set ? e.object(as: SetValue.self).compactForm : .listpack
                guard let block = obj.surrenderCompactBlock() else { return }
                e.releaseObject()
                e.storeCompactBlock(block)
                e.encoding = form
            }
        }
        materialized.removeAll(keepingCapacity: true)
    }
}
