// Database: one of the numbered Redis databases (SELECT n) — a KeyTable of entries
// plus the ExpireSet of the entries that carry a TTL. It implements Redis's db.c
// semantics for lookups (lazy expiry on access, LRU clock touch), string storage with
// Redis's encoding choice (int / embstr / raw), in-place string edits (APPEND with
// sds-style greedy growth, SETRANGE, INCR), TTL changes, deletion, RANDOMKEY, SCAN
// and the active expire cycle (expire.c: 20 random TTL keys per loop, repeat while
// more than 10% of them were stale and time remains).
//
// Every change to a key goes through one pair of internal calls: `willModify(entry)`
// BEFORE the change (the snapshot hook: an entry older than an active snapshot's cut
// is emitted with its old content first) and `keyspace.keyModified` /
// `keyspace.keyExpired` AFTER it (dirty counter, WATCH, blocked clients, propagation
// of expiries). Every public mutating call also takes the keyspace event it stands
// for (see PubSub/KeyspaceEvents.swift), so no write can skip its notification.
//
// The table and the expire set change in one place, the "Table mutation" section:
// `link` is the only way a key enters a database and `unlink` the only way it leaves
// (MOVE, COPY, RENAME, the loader and every command go through them); `rehome` follows
// an entry whose block moved, and `swapContents` / `flush` exchange or drop the whole
// contents. Per-database bookkeeping (a per-slot key index for cluster, counters)
// belongs there.

import Glibc
import CApusSys

/// How a string value should be stored (Redis object creation rules).
public enum StringValue {
    /// SET-style: canonical integer of ≤ 20 chars → int, ≤ 44 bytes → embstr, else raw
    /// (tryObjectEncoding).
    case bytes(UnsafeRawBufferPointer)
    /// createStringObject-style (INCRBYFLOAT results): ≤ 44 bytes → embstr, else raw.
    case embstrOrRaw(UnsafeRawBufferPointer)
    /// Always raw (e.g. a new SETRANGE target).
    case raw(UnsafeRawBufferPointer)
    /// An int-encoded integer.
    case int(Int64)
}

public final class Database {
    public let id: Int
    public private(set) var table: KeyTable
    public private(set) var expires: ExpireSet
    /// Smoothed average TTL (ms) of sampled keys, as INFO keyspace avg_ttl.
    public internal(set) var avgTTL: Int64 = 0
    unowned(unsafe) let keyspace: Keyspace
    let meter: MemoryMeter
    /// Keys by hash slot (cluster mode only; SlotIndex.swift).
    private(set) var slotIndex: SlotIndex?

    /// Redis OBJ_ENCODING_EMBSTR_SIZE_LIMIT.
    public static let embstrLimit = 44
    /// Values up to this length may be int-encoded (Redis tryObjectEncoding).
    public static let intCandidateLimit = 20
    static let greedyLimit = 1 << 20

    init(id: Int, keyspace: Keyspace) {
        self.id = id
        self.keyspace = keyspace
        self.meter = keyspace.meter
        self.table = KeyTable(meter: keyspace.meter)
        self.expires = ExpireSet(meter: keyspace.meter)
        if keyspace.slotIndexed { slotIndex = SlotIndex(meter: keyspace.meter) }
    }

    /// Starts indexing keys by slot (a node turning cluster mode on at start-up).
    func enableSlotIndex() {
        guard slotIndex == nil else { return }
        let index = SlotIndex(meter: meter)
        table.forEach { e in index.add(e, slot: HashSlot.of(e.key)) }
        slotIndex = index
    }

    // MARK: - Sizes

    @inline(__always) public var count: Int { table.count }
    @inline(__always) public var expiresCount: Int { expires.count }

    // MARK: - Write path hooks

    /// Snapshot hook: must run before any change to (or removal of) `e`.
    @inline(__always)
    func willModify(_ e: KeyEntry) {
        if e.version < keyspace.snapshotCut {
            keyspace.activeSnapshot.unsafelyUnwrapped.preserve(e, tableIndex: table.snapshotIndex)
        }
    }

    /// Must run after a change to the key (entry may already be unlinked but not freed).
    @inline(__always)
    func didModify(_ key: UnsafeRawBufferPointer) {
        keyspace.keyModified(db: id, key: key)
    }

    /// For callers that modified an entry obtained through `lookupWrite` in place
    /// (collection types): reports the change (dirty, WATCH, propagation hooks).
    /// `changes` counts toward the save points as Redis counts them (HSET of three
    /// fields is three changes).
    @inline(__always)
    public func signalModified(_ e: KeyEntry, changes: Int = 1, event: KeyEvent) {
        keyspace.keyModified(db: id, key: e.key, changes: changes)
        keyspace.notify(event, e.key, db: id)
    }

    /// Raises a keyspace event for `key` in this database: for the events a command
    /// adds to the one its write raised (SET's "expire", LMOVE's pop on the source).
    @inline(__always)
    public func notify(_ event: KeyEvent, _ key: UnsafeRawBufferPointer) {
        keyspace.notify(event, key, db: id)
    }

    /// After a write that stored a value under a key: "new" when the key did not
    /// exist before (Redis's dbAdd), then the command's event.
    @inline(__always)
    func notifyStored(_ key: UnsafeRawBufferPointer, created: Bool, event: KeyEvent) {
        if keyspace.notifyClasses.isEmpty { return }
        if created { keyspace.notify(.new, key, db: id) }
        keyspace.notify(event, key, db: id)
    }

    @inline(__always)
    func isExpired(_ e: KeyEntry, now: Int64) -> Bool {
        e.hasExpire && now > e.expireAt && !keyspace.ignoreExpiry
    }

    // MARK: - Lookup

    /// Finds `key` for reading: a logically expired key is deleted (expiry path) and
    /// nil returned; otherwise the LRU clock is refreshed unless `touch` is false (the
    /// lookups 7.0 makes with LOOKUP_NOTOUCH: TYPE, TTL, EXISTS, OBJECT, SCAN's filter),
    /// so inspecting a key does not change what eviction will keep. It does not count
    /// keyspace_hits/misses (Redis's LOOKUP_NOSTATS): command handlers use
    /// `Client.lookupRead`, which does.
    @inline(__always)
    public func lookupReadNoStats(_ key: UnsafeRawBufferPointer, now: Int64, touch: Bool = true) -> KeyEntry? {
        let h = KeyHash.hash(key)
        guard let e = table.find(key, hash: h) else { return nil }
        if isExpired(e, now: now) {
            expireIfAllowed(e, hash: h)
            return nil
        }
        if touch { keyspace.touch(e) }
        if e.isCompactSlot { materialize(e) }
        return e
    }

    /// Turns a compact slot back into its object for the running command (which may
    /// change it); the key is noted so the block returns to the slot afterwards.
    @inline(never)
    func materialize(_ e: KeyEntry) {
        let o = KeyEntry.transientObject(type: e.type, form: e.encoding, block: e.compactBlock, meter: meter)
        e.storeObject(o as AnyObject)
        keyspace.noteMaterialized(db: id, key: e.key)
    }

    /// Like `lookupReadNoStats`, and runs the snapshot hook so the caller may modify the
    /// entry in place; the caller then reports the change via `signalModified`.
    @inline(__always)
    public func lookupWrite(_ key: UnsafeRawBufferPointer, now: Int64) -> KeyEntry? {
        lookupWrite(key, hash: KeyHash.hash(key), now: now)
    }

    @inline(__always)
    func lookupWrite(_ key: UnsafeRawBufferPointer, hash h: UInt64, now: Int64) -> KeyEntry? {
        guard let e = table.find(key, hash: h) else { return nil }
        if isExpired(e, now: now) {
            if expireIfAllowed(e, hash: h) { return nil }
            // Replica: the key stays, but is reported missing like Redis does.
            return nil
        }
        keyspace.touch(e)
        willModify(e)
        if e.isCompactSlot { materialize(e) }
        return e
    }

    /// The entry for `key` with no expiry check and no LRU update.
    @inline(__always)
    public func peek(_ key: UnsafeRawBufferPointer) -> KeyEntry? {
        table.find(key, hash: KeyHash.hash(key))
    }

    /// True when `key` exists and is not logically expired (no side effects).
    public func exists(_ key: UnsafeRawBufferPointer, now: Int64) -> Bool {
        guard let e = peek(key) else { return false }
        return !isExpired(e, now: now)
    }

    // MARK: - Strings

    @inline(__always)
    static func plan(_ v: StringValue) -> (ObjectEncoding, Int, Int64, UnsafeRawBufferPointer) {
        switch v {
        case .int(let n):
            return (.int, 8, n, UnsafeRawBufferPointer(start: nil, count: 0))
        case .bytes(let b):
            if b.count <= intCandidateLimit, let n = Numbers.string2ll(b) {
                return (.int, 8, n, b)
            }
            return (b.count <= embstrLimit ? .embstr : .raw, b.count, 0, b)
        case .embstrOrRaw(let b):
            return (b.count <= embstrLimit ? .embstr : .raw, b.count, 0, b)
        case .raw(let b):
            return (.raw, b.count, 0, b)
        }
    }

    /// SET: stores a string under `key`, creating or overwriting (any type). The TTL
    /// becomes `expireAt` if given, else is kept with `keepTTL`, else removed. An
    /// overwritten entry is reused in place when its block fits. Raises "new" for a
    /// key created, then `event`. Returns the entry.
    @discardableResult
    public func setString(_ key: UnsafeRawBufferPointer, _ value: StringValue,
                          keepTTL: Bool = false, expireAt: Int64? = nil, now: Int64, event: KeyEvent) -> KeyEntry {
        let h = KeyHash.hash(key)
        return setString(key, hash: h, slot: slotForOverwrite(key, hash: h, now: now), value,
                         keepTTL: keepTTL, expireAt: expireAt, now: now, event: event)
    }

    /// `setString` for a caller that already looked the key up with
    /// `slotForOverwrite` (SET NX/XX decide on it first): one hash, one table walk.
    @discardableResult
    func setString(_ key: UnsafeRawBufferPointer, hash h: UInt64, slot: KeyEntry?, _ value: StringValue,
                   keepTTL: Bool = false, expireAt: Int64? = nil, now: Int64, event: KeyEvent) -> KeyEntry {
        let (enc, n, intV, bytes) = Database.plan(value)
        // LFU counters survive an overwrite (Redis's dbOverwrite keeps them).
        let keptLFU: UInt32? = keyspace.lfuEnabled ? slot?.lru : nil
        let e = storeSlot(key, hash: h, slot: slot, valueBytes: n, keepTTL: keepTTL, expireAt: expireAt)
        e.type = .string
        e.encoding = enc
        e.valueLength = n
        if enc == .int {
            e.intValue = intV
        } else if n > 0 {
            memcpy(e.mutableValue, bytes.baseAddress.unsafelyUnwrapped, n)
        }
        e.lru = keptLFU ?? keyspace.freshAccessStamp()
        didModify(key)
        notifyStored(key, created: slot == nil, event: event)
        return e
    }

    /// Stores a retained reference to `object` (a non-string value) under `key`,
    /// creating or overwriting like `setString`, with the same events (`event` may be
    /// `.none` for a collection created empty whose command signals it once filled).
    /// Returns the entry.
    @discardableResult
    public func setObject<T: StoredObject>(_ key: UnsafeRawBufferPointer, _ object: T, keepTTL: Bool = false,
                                           expireAt: Int64? = nil, now: Int64, event: KeyEvent) -> KeyEntry {
        precondition(T.objectType != .string, "strings are stored inline, not as objects")
        let h = KeyHash.hash(key)
        let slot = slotForOverwrite(key, hash: h, now: now)
        let e = storeSlot(key, hash: h, slot: slot, valueBytes: 8, keepTTL: keepTTL, expireAt: expireAt)
        e.type = T.objectType
        // The header keeps the encoding at creation, so no string-encoding test (isInt)
        // can match an object entry; OBJECT ENCODING asks the object (reportedEncoding).
        e.encoding = object.encoding
        e.storeObject(object)
        e.lru = keyspace.freshAccessStamp()
        if T.objectType != .list { keyspace.noteMaterialized(db: id, key: key) }
        didModify(key)
        notifyStored(key, created: slot == nil, event: event)
        return e
    }

    /// The entry a write to `key` would overwrite: nil when the key is absent or was
    /// expired just now. A replica keeps expired keys, so the result may be expired
    /// (`isLive` tells); it is still the slot to reuse.
    @inline(__always)
    public func slotForOverwrite(_ key: UnsafeRawBufferPointer, hash h: UInt64, now: Int64) -> KeyEntry? {
        guard let e = table.find(key, hash: h) else { return nil }
        if isExpired(e, now: now) && expireIfAllowed(e, hash: h) { return nil }
        return e
    }

    /// After `n` elements left the collection held by `e`: counts them as changes (Redis
    /// counts each field or member) and deletes the key once the collection is empty,
    /// as Redis never keeps an empty collection. Raises `event`, then "del" for the
    /// key deleted. `e` is freed when `empty`.
    public func elementsRemoved(_ e: KeyEntry, count n: Int, empty: Bool, event: KeyEvent) {
        if n == 0 { return }
        if empty {
            signalModified(e, changes: n - 1, event: event)    // the deletion counts the last one
            delete(entry: e, event: .del)
        } else {
            signalModified(e, changes: n, event: event)
        }
    }

    /// False for an entry whose TTL has passed.
    @inline(__always)
    public func isLive(_ e: KeyEntry, now: Int64) -> Bool { !isExpired(e, now: now) }

    /// Returns an entry for `key` (linked, with the wanted TTL state) whose block can
    /// hold `valueBytes`; `slot` (from `slotForOverwrite`) has its value discarded.
    /// Runs `willModify` on an overwritten entry; the caller fills the value and calls
    /// `didModify`.
    private func storeSlot(_ key: UnsafeRawBufferPointer, hash h: UInt64, slot: KeyEntry?, valueBytes n: Int,
                           keepTTL: Bool, expireAt: Int64?) -> KeyEntry {
        guard let e = slot else {
            let ne = KeyEntry.allocate(key: key, valueBytes: n, withExpire: expireAt != nil,
                                       version: keyspace.epoch, meter: meter)
            if let at = expireAt { ne.expireAt = at }
            link(ne, hash: h)
            return ne
        }
        willModify(e)
        if e.isObject {
            keyspace.releaseOverwrittenObject(e)
            e.clearObjectFlag()
        }
        let had = e.hasExpire
        let want: Int64? = expireAt ?? (keepTTL && had ? e.expireAt : nil)
        if had && want == nil { dropExpireArea(e) }
        let keyOff = want != nil ? KeyEntry.headerSize + KeyEntry.expireAreaSize : KeyEntry.headerSize
        let total = keyOff + key.count + n
        let usable = e.allocatedSize
        if usable >= total && usable - total <= max(64, total / 4) {
            if let at = want {
                if had { e.expireAt = at } else {
                    e.valueLength = 0
                    addExpireArea(e, at: at)
                }
            }
            return e
        }
        // Reallocate exactly: a fresh block for the new value (the old value is dead).
        let ne = KeyEntry.allocate(key: key, valueBytes: n, withExpire: want != nil,
                                   version: keyspace.epoch, meter: meter)
        ne.meta = e.meta
        ne.next = e.next
        if let at = want {
            ne.expireAt = at
            if had { ne.expireIndex = e.expireIndex }
        }
        rehome(old: e.raw, to: ne, wasInExpireSet: had && want != nil, hash: h)
        e.freeBlockOnly(meter: meter)
        return ne
    }

    /// Makes sure `e` can hold `valueBytes` value bytes, reallocating (greedily when
    /// asked, like sdsMakeRoomFor: double below 1 MB, else +1 MB) and relinking.
    private func ensureCapacity(_ e: KeyEntry, valueBytes: Int, greedy: Bool) -> KeyEntry {
        if e.valueCapacity >= valueBytes { return e }
        var cap = valueBytes
        if greedy { cap = valueBytes < Database.greedyLimit ? valueBytes * 2 : valueBytes + Database.greedyLimit }
        return reallocate(e, total: e.valueOffset + cap)
    }

    /// APPEND: appends `bytes` to a string entry (int values are first rendered as
    /// text); the result is raw-encoded. Raises "append". Returns the possibly moved
    /// entry.
    @discardableResult
    public func appendString(_ entry: KeyEntry, _ bytes: UnsafeRawBufferPointer) -> KeyEntry {
        willModify(entry)
        let wasInt = entry.isInt
        let iv = wasInt ? entry.intValue : 0
        let cur = entry.stringLength
        let newLen = cur + bytes.count
        let e = ensureCapacity(entry, valueBytes: newLen, greedy: true)
        if wasInt { _ = Numbers.ll2string(iv, into: e.mutableValue) }
        if bytes.count > 0 { memcpy(e.mutableValue + cur, bytes.baseAddress.unsafelyUnwrapped, bytes.count) }
        e.valueLength = newLen
        e.encoding = .raw
        didModify(e.key)
        notify(.append, e.key)
        return e
    }

    /// Makes a string entry's bytes writable in place, at least `minLength` long (zero
    /// padded; an int value is first rendered as text; the encoding becomes raw), for
    /// the bit and HyperLogLog commands that edit strings. The snapshot hook runs here;
    /// the caller reports the change (`signalModified`) only if it made one, as Redis's
    /// bit commands do. Growth is greedy (sdsgrowzero) unless the entry is new, since
    /// bitmaps grow by SETBIT after SETBIT. Returns the possibly moved entry and whether
    /// the length grew.
    public func prepareStringEdit(_ entry: KeyEntry, minLength: Int, greedy: Bool = true) -> (KeyEntry, Bool) {
        willModify(entry)
        let wasInt = entry.isInt
        let iv = wasInt ? entry.intValue : 0
        let cur = entry.stringLength
        let newLen = max(cur, minLength)
        let e = ensureCapacity(entry, valueBytes: newLen, greedy: greedy)
        if wasInt { _ = Numbers.ll2string(iv, into: e.mutableValue) }
        if newLen > cur { memset(e.mutableValue + cur, 0, newLen - cur) }
        e.valueLength = newLen
        e.encoding = .raw
        return (e, newLen > cur)
    }

    /// SETRANGE: overwrites from `offset`, zero-padding past the end; result raw.
    /// Raises "setrange".
    @discardableResult
    public func setRange(_ entry: KeyEntry, offset: Int, _ bytes: UnsafeRawBufferPointer) -> KeyEntry {
        willModify(entry)
        let wasInt = entry.isInt
        let iv = wasInt ? entry.intValue : 0
        let cur = entry.stringLength
        let newLen = max(cur, offset + bytes.count)
        let e = ensureCapacity(entry, valueBytes: newLen, greedy: true)
        if wasInt { _ = Numbers.ll2string(iv, into: e.mutableValue) }
        if offset > cur { memset(e.mutableValue + cur, 0, offset - cur) }
        if bytes.count > 0 { memcpy(e.mutableValue + offset, bytes.baseAddress.unsafelyUnwrapped, bytes.count) }
        e.valueLength = newLen
        e.encoding = .raw
        didModify(e.key)
        notify(.setrange, e.key)
        return e
    }

    /// INCR/DECR result: stores `value` int-encoded, in place when already int.
    /// Raises "incrby" (every INCR variant's event).
    @discardableResult
    public func setInt(_ entry: KeyEntry, _ value: Int64) -> KeyEntry {
        willModify(entry)
        if entry.isInt {
            entry.intValue = value
            entry.isUnsharedCopy = false
            didModify(entry.key)
            notify(.incrby, entry.key)
            return entry
        }
        precondition(!entry.isObject, "setInt on a non-string entry")
        let e = ensureCapacity(entry, valueBytes: 8, greedy: false)
        e.encoding = .int
        e.valueLength = 8
        e.intValue = value
        didModify(e.key)
        notify(.incrby, e.key)
        return e
    }

    // MARK: - Delete

    /// Removes an expired entry that lookups report missing but did not delete
    /// (expiry frozen during CLIENT PAUSE), so a key can be added in its place.
    func removeStale(_ key: UnsafeRawBufferPointer, hash h: UInt64) {
        if let e = table.find(key, hash: h) { deleteEntry(e, hash: h, event: .none) }
    }

    /// DEL of one key: true if a live key was removed (an expired one is expired instead).
    /// Raises `event` for a key removed.
    @discardableResult
    public func delete(_ key: UnsafeRawBufferPointer, now: Int64? = nil, lazy: Bool = false,
                       event: KeyEvent) -> Bool {
        let h = KeyHash.hash(key)
        guard let e = table.find(key, hash: h) else { return false }
        if let now = now, isExpired(e, now: now) {
            expireIfAllowed(e, hash: h)
            return false
        }
        deleteEntry(e, hash: h, lazy: lazy, event: event)
        return true
    }

    /// Deletes an entry obtained from a lookup (e.g. a collection that became empty).
    public func delete(entry e: KeyEntry, event: KeyEvent) {
        deleteEntry(e, hash: KeyHash.hash(e.key), event: event)
    }

    func deleteEntry(_ e: KeyEntry, hash h: UInt64, lazy: Bool = false, event: KeyEvent) {
        willModify(e)
        unlink(e, hash: h)
        didModify(e.key)
        notify(event, e.key)
        keyspace.freeEntry(e, lazy: lazy)
    }


    /// Deletes an expired entry through the expiry path unless this instance must
    /// keep expired keys (replica). Returns true if deleted.
    @discardableResult
    func expireIfAllowed(_ e: KeyEntry, hash h: UInt64) -> Bool {
        guard keyspace.deleteExpiredOnAccess else { return false }
        expireEntry(e, hash: h)
        return true
    }

    func expireEntry(_ e: KeyEntry, hash h: UInt64) {
        willModify(e)
        unlink(e, hash: h)
        keyspace.keyExpired(db: id, key: e.key)
        keyspace.freeEntry(e, lazy: keyspace.lazyExpire)
    }

    // MARK: - TTL

    /// Sets the absolute expire time (ms). An entry without a TTL grows by the expire
    /// area (possibly moving); raises `event` (EXPIRE's "expire"; RESTORE raises its
    /// own). Returns the current entry.
    @discardableResult
    public func setExpire(_ entry: KeyEntry, at when: Int64, event: KeyEvent) -> KeyEntry {
        willModify(entry)
        if entry.hasExpire {
            entry.expireAt = when
            didModify(entry.key)
            notify(event, entry.key)
            return entry
        }
        var e = entry
        let need = KeyEntry.headerSize + KeyEntry.expireAreaSize + e.keyLength + e.valueLength
        if e.allocatedSize < need { e = reallocate(e, total: need) }
        addExpireArea(e, at: when)
        didModify(e.key)
        notify(event, e.key)
        return e
    }

    /// PERSIST: drops the TTL and raises "persist"; false if there was none.
    @discardableResult
    public func removeExpire(_ e: KeyEntry) -> Bool {
        guard e.hasExpire else { return false }
        willModify(e)
        dropExpireArea(e)
        didModify(e.key)
        notify(.persist, e.key)
        return true
    }

    /// The absolute expire time in ms, or nil when the key has no TTL.
    @inline(__always)
    public func expireAt(_ e: KeyEntry) -> Int64? { e.hasExpire ? e.expireAt : nil }

    // MARK: - Table mutation

    /// Adds `e`, which is in no database, under its key: the only way a key enters.
    @inline(__always)
    func link(_ e: KeyEntry, hash h: UInt64) {
        // An entry joining a table while a snapshot runs is new since the cut, or was
        // preserved (emitted) before it left its old place: either way the snapshot
        // must not meet it again.
        assert(keyspace.snapshotCut == 0 || e.version >= keyspace.snapshotCut, "link: unpreserved entry")
        table.add(e, hash: h)
        if e.hasExpire { expires.insert(e) }
        if let index = slotIndex { index.add(e, slot: HashSlot.of(e.key)) }
    }

    /// Removes `e` from the table and expire set without freeing it: the only way a
    /// key leaves.
    @inline(__always)
    func unlink(_ e: KeyEntry, hash h: UInt64) {
        let r = table.remove(e.key, hash: h)
        precondition(r == e, "unlink: entry not in table")
        if e.hasExpire { expires.remove(e) }
        if let index = slotIndex { index.remove(e, slot: HashSlot.of(e.key)) }
    }

    /// The key held by block `old` now lives in block `new` (a realloc moved it, or a
    /// fresh block replaces it). The key set does not change. When `old` was in the
    /// expire set, `new` carries its expire index and takes its place; a `new` that
    /// gained a TTL joins the set.
    @inline(__always)
    private func rehome(old: UnsafeMutableRawPointer, to new: KeyEntry, wasInExpireSet: Bool, hash h: UInt64) {
        if old == new.raw { return }
        table.replace(old: old, with: new, hash: h)
        if let index = slotIndex { index.replace(old: old, with: new, slot: HashSlot.of(new.key)) }
        if wasInExpireSet {
            expires.replace(old: old, with: new)
        } else if new.hasExpire {
            expires.insert(new)
        }
    }

    /// Grows (or moves) `e`'s block to `total` bytes and follows it.
    private func reallocate(_ e: KeyEntry, total: Int) -> KeyEntry {
        let old = e.raw
        let ne = e.reallocated(total: total, meter: meter)
        rehome(old: old, to: ne, wasInExpireSet: ne.hasExpire, hash: KeyHash.hash(ne.key))
        return ne
    }

    /// Gives a linked entry without a TTL the expire area (its block must be large
    /// enough) and adds it to the expire set.
    private func addExpireArea(_ e: KeyEntry, at when: Int64) {
        e.insertExpireArea(at: when)
        expires.insert(e)
    }

    /// Takes a linked entry out of the expire set and drops its expire area.
    private func dropExpireArea(_ e: KeyEntry) {
        expires.remove(e)
        e.removeExpireArea()
    }

    /// SWAPDB: exchanges the whole contents (table, expire set, TTL statistics) with
    /// `other`; each Database keeps its id.
    func swapContents(with other: Database) {
        swap(&table, &other.table)
        swap(&expires, &other.expires)
        swap(&avgTTL, &other.avgTTL)
        swap(&slotIndex, &other.slotIndex)
    }

    // MARK: - Whole database

    /// FLUSHDB: empties the database and returns the number of keys removed. The old
    /// table is freed now, queued for incremental freeing (`async`), or handed to an
    /// active snapshot that has not finished serializing it.
    @discardableResult
    public func flush(async: Bool = false) -> Int {
        keyspace.touchAllWatchedKeysInDb(id, replacedWith: nil)
        let old = table
        let removed = old.count
        table = KeyTable(meter: meter)
        expires.removeAll()
        avgTTL = 0
        slotIndex?.removeAll()
        if old.snapshotIndex >= 0, let s = keyspace.activeSnapshot {
            s.detach(old)
        } else if async && removed > 0 {
            keyspace.queueLazyFree(old)
        } else {
            old.removeAllAndFree()
        }
        keyspace.databaseFlushed(db: id, removed: removed)
        return removed
    }

    /// RANDOMKEY: a random live key; expired picks are deleted and the pick retried.
    /// When expired keys must be kept (replica) and every key is volatile, gives up
    /// after 100 expired picks and returns one of them, as Redis does.
    public func randomKey(now: Int64) -> KeyEntry? {
        var expiredPicks = 0
        while let e = table.randomEntry() {
            if !isExpired(e, now: now) { return e }
            if keyspace.deleteExpiredOnAccess {
                expireEntry(e, hash: KeyHash.hash(e.key))
                continue
            }
            if table.count == expires.count {
                expiredPicks += 1
                if expiredPicks >= 100 { return e }
            }
        }
        return nil
    }

    /// One SCAN step over this database (see KeyTable.scan). Expired keys are visited
    /// too; the visitor must not modify the database.
    public func scan(cursor: UInt64, _ visit: (KeyEntry) -> Void) -> UInt64 {
        table.scan(cursor: cursor, visit)
    }

    // MARK: - Active expiry

    /// Redis activeExpireCycle for one database: samples `keysPerLoop` random keys
    /// with a TTL, expires the stale ones, and repeats while more than
    /// `acceptableStalePercent`% were stale; checks the monotonic deadline every 16
    /// loops. Updates `avgTTL`.
    public func activeExpireCycle(now: Int64, keysPerLoop: Int = 20, acceptableStalePercent: Int = 10,
                                  deadlineUs: UInt64) -> (sampled: Int, expired: Int, timedOut: Bool) {
        var totalSampled = 0
        var totalExpired = 0
        var iteration = 0
        var ttlSum: Int64 = 0
        var ttlSamples: Int64 = 0
        var timedOut = false
        while true {
            if expires.count == 0 { avgTTL = 0; break }
            iteration += 1
            let num = min(expires.count, keysPerLoop)
            var sampled = 0
            var expired = 0
            for _ in 0..<num {
                guard let e = expires.randomSample() else { break }
                sampled += 1
                let when = e.expireAt
                if now > when {
                    expireEntry(e, hash: KeyHash.hash(e.key))
                    expired += 1
                } else {
                    ttlSum += when - now
                    ttlSamples += 1
                }
            }
            totalSampled += sampled
            totalExpired += expired
            if iteration & 0xF == 0 && apus_monotonic_us() > deadlineUs {
                timedOut = true
                break
            }
            if sampled != 0 && expired * 100 / sampled <= acceptableStalePercent { break }
        }
        if ttlSamples > 0 {
            let avg = ttlSum / ttlSamples
            avgTTL = avgTTL == 0 ? avg : (avgTTL / 50) * 49 + avg / 50
        }
        return (totalSampled, totalExpired, timedOut)
    }
}
