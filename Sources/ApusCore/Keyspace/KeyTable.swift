// KeyTable: the main key→entry hash table of one database, mirroring Redis's dict:
// power-of-two bucket arrays with separate chaining (the chain link lives inside each
// KeyEntry, so there is no dictEntry allocation), incremental rehashing between two
// arrays (one bucket moved per add/find/remove, plus time-boxed rehash from cron),
// growth at load factor 1, shrink when fill drops under 10%, SCAN with the
// reverse-binary cursor (every entry present for the whole scan is returned at
// least once, across grows and shrinks), and O(1)-expected random picks.
//
// Contract: `scan`/`forEach` visitors must not add or remove entries of this table.

import Glibc
import CApusSys

public final class KeyTable {
    public typealias Bucket = UnsafeMutableRawPointer?

    // MARK: - State

    @usableFromInline var t0: UnsafeMutablePointer<Bucket>?
    @usableFromInline var t1: UnsafeMutablePointer<Bucket>?
    @usableFromInline var size0 = 0
    @usableFromInline var size1 = 0
    @usableFromInline var used0 = 0
    @usableFromInline var used1 = 0
    /// Next t0 bucket to migrate; -1 when not rehashing.
    @usableFromInline var rehashIndex = -1
    private(set) var meter: MemoryMeter

    /// Cut index while this table belongs to an active snapshot, else -1.
    var snapshotIndex = -1

    static let initialSize = 4
    /// Redis's dict_can_resize: when false, growth waits until load exceeds 5
    /// (dict_force_resize_ratio) and shrinking is skipped. No fork exists here, so it
    /// normally stays true; it is kept as a knob for memory-sensitive phases.
    public var resizeAllowed = true

    public init(meter: MemoryMeter) { self.meter = meter }

    deinit {
        // Tables are normally emptied through removeAllAndFree; anything left is freed here.
        removeAllAndFree()
    }

    // MARK: - Sizes

    @inline(__always) public var count: Int { used0 + used1 }
    @inline(__always) public var isRehashing: Bool { rehashIndex >= 0 }
    public var bucketCount: Int { size0 + size1 }

    /// Bytes of the bucket arrays (usable size of the allocations).
    public var memoryBytes: Int {
        (t0.map { apus_malloc_usable_size($0) } ?? 0) + (t1.map { apus_malloc_usable_size($0) } ?? 0)
    }

    // MARK: - Lookup

    /// Finds the entry whose key equals `key` (`hash` must be KeyHash.hash(key)).
    @inline(__always)
    public func find(_ key: UnsafeRawBufferPointer, hash: UInt64) -> KeyEntry? {
        if used0 + used1 == 0 { return nil }
        if rehashIndex >= 0 { rehash(1) }
        if let t = t0 {
            var p = t[Int(truncatingIfNeeded: hash) & (size0 - 1)]
            while let cur = p {
                let e = KeyEntry(cur)
                if e.keyEquals(key) { return e }
                p = e.next
            }
        }
        if rehashIndex >= 0, let t = t1 {
            var p = t[Int(truncatingIfNeeded: hash) & (size1 - 1)]
            while let cur = p {
                let e = KeyEntry(cur)
                if e.keyEquals(key) { return e }
                p = e.next
            }
        }
        return nil
    }

    // MARK: - Insert / remove

    /// Links `entry` into the table. The key must not be present already.
    @inline(__always)
    public func add(_ entry: KeyEntry, hash: UInt64) {
        if rehashIndex >= 0 { rehash(1) }
        expandIfNeeded()
        if rehashIndex >= 0 {
            let idx = Int(truncatingIfNeeded: hash) & (size1 - 1)
            entry.next = t1.unsafelyUnwrapped[idx]
            t1.unsafelyUnwrapped[idx] = entry.raw
            used1 += 1
        } else {
            let idx = Int(truncatingIfNeeded: hash) & (size0 - 1)
            entry.next = t0.unsafelyUnwrapped[idx]
            t0.unsafelyUnwrapped[idx] = entry.raw
            used0 += 1
        }
    }

    /// Unlinks and returns the entry with `key`, or nil. The entry is NOT freed.
    @discardableResult
    public func remove(_ key: UnsafeRawBufferPointer, hash: UInt64) -> KeyEntry? {
        if used0 + used1 == 0 { return nil }
        if rehashIndex >= 0 { rehash(1) }
        for which in 0..<2 {
            guard let t = which == 0 ? t0 : t1 else { continue }
            let idx = Int(truncatingIfNeeded: hash) & ((which == 0 ? size0 : size1) - 1)
            var prev: KeyEntry? = nil
            var p = t[idx]
            while let cur = p {
                let e = KeyEntry(cur)
                if e.keyEquals(key) {
                    if let pr = prev { pr.next = e.next } else { t[idx] = e.next }
                    e.next = nil
                    if which == 0 { used0 -= 1 } else { used1 -= 1 }
                    return e
                }
                prev = e
                p = e.next
            }
            if rehashIndex < 0 { break }
        }
        return nil
    }

    /// Swaps the chain link of `old` (already freed or moved by realloc: it is compared
    /// by address only, never read) for `new`, whose key hashes to `hash`.
    public func replace(old: UnsafeMutableRawPointer, with new: KeyEntry, hash: UInt64) {
        if old == new.raw { return }
        for which in 0..<2 {
            guard let t = which == 0 ? t0 : t1 else { continue }
            let idx = Int(truncatingIfNeeded: hash) & ((which == 0 ? size0 : size1) - 1)
            if t[idx] == old { t[idx] = new.raw; return }
            var p = t[idx]
            while let cur = p {
                let e = KeyEntry(cur)
                if e.next == old { e.next = new.raw; return }
                p = e.next
            }
        }
        preconditionFailure("KeyTable.replace: entry not found")
    }

    // MARK: - Resizing

    @inline(__always)
    func expandIfNeeded() {
        if rehashIndex >= 0 { return }
        if size0 == 0 { expand(to: KeyTable.initialSize); return }
        if used0 >= size0 && (resizeAllowed || used0 / size0 > 5) {
            expand(to: used0 + 1)
        }
    }

    @inline(__always)
    static func nextPower(_ n: Int) -> Int {
        if n <= initialSize { return initialSize }
        return 1 << (Int.bitWidth - (n - 1).leadingZeroBitCount)
    }

    /// Starts a rehash into an array of the power of two ≥ `minSize` (or installs the
    /// first array). No-op while rehashing or when the size would not change.
    func expand(to minSize: Int) {
        if rehashIndex >= 0 || used0 > minSize { return }
        let size = KeyTable.nextPower(minSize)
        if size == size0 { return }
        guard let mem = calloc(size, MemoryLayout<Bucket>.stride) else { fatalError("Apus: out of memory (table)") }
        meter.bytes += apus_malloc_usable_size(mem)
        let arr = mem.bindMemory(to: Bucket.self, capacity: size)
        if t0 == nil {
            t0 = arr
            size0 = size
            return
        }
        t1 = arr
        size1 = size
        rehashIndex = 0
    }

    /// Shrinks when fill < 10% (Redis htNeedsResize); called from cron.
    public func resizeIfNeeded() {
        if rehashIndex >= 0 || !resizeAllowed { return }
        if size0 > KeyTable.initialSize && used0 * 100 / size0 < 10 {
            expand(to: max(used0, KeyTable.initialSize))
        }
    }

    /// Migrates up to `n` buckets (visiting at most 10·n empty ones). Returns true
    /// while rehashing remains to be done.
    @discardableResult
    public func rehash(_ n: Int) -> Bool {
        if rehashIndex < 0 { return false }
        let t = t0.unsafelyUnwrapped
        let dst = t1.unsafelyUnwrapped
        let mask1 = size1 - 1
        var budget = n
        var emptyVisits = n * 10
        while budget > 0 && used0 != 0 {
            budget -= 1
            while t[rehashIndex] == nil {
                rehashIndex += 1
                emptyVisits -= 1
                if emptyVisits == 0 { return true }
            }
            var p = t[rehashIndex]
            while let cur = p {
                let e = KeyEntry(cur)
                let nxt = e.next
                let idx = Int(truncatingIfNeeded: KeyHash.hash(e.key)) & mask1
                e.next = dst[idx]
                dst[idx] = cur
                used0 -= 1
                used1 += 1
                p = nxt
            }
            t[rehashIndex] = nil
            rehashIndex += 1
        }
        if used0 == 0 {
            meter.bytes -= apus_malloc_usable_size(t0)
            free(t0)
            t0 = t1
            size0 = size1
            used0 = used1
            t1 = nil
            size1 = 0
            used1 = 0
            rehashIndex = -1
            return false
        }
        return true
    }

    /// Rehashes in 100-bucket steps for about `milliseconds` (Redis dictRehashMilliseconds).
    /// Returns the number of buckets processed.
    @discardableResult
    public func rehashFor(milliseconds: Int) -> Int {
        rehashFor(microseconds: milliseconds * 1000)
    }

    /// Rehashes in 100-bucket steps for about `microseconds`.
    @discardableResult
    public func rehashFor(microseconds: Int) -> Int {
        if rehashIndex < 0 { return 0 }
        let start = apus_monotonic_us()
        var steps = 0
        while rehash(100) {
            steps += 100
            if apus_monotonic_us() - start > UInt64(max(0, microseconds)) { break }
        }
        return steps
    }

    // MARK: - SCAN

    @inline(__always)
    static func rev(_ x: UInt64) -> UInt64 {
        var v = x
        v = ((v >> 1) & 0x5555_5555_5555_5555) | ((v & 0x5555_5555_5555_5555) << 1)
        v = ((v >> 2) & 0x3333_3333_3333_3333) | ((v & 0x3333_3333_3333_3333) << 2)
        v = ((v >> 4) & 0x0F0F_0F0F_0F0F_0F0F) | ((v & 0x0F0F_0F0F_0F0F_0F0F) << 4)
        return v.byteSwapped
    }

    /// One SCAN step (Redis dictScan): visits every entry of the bucket(s) selected by
    /// `cursor` and returns the next cursor (0 when the iteration is complete).
    public func scan(cursor: UInt64, _ visit: (KeyEntry) -> Void) -> UInt64 {
        if used0 + used1 == 0 { return 0 }
        var v = cursor
        if rehashIndex < 0 {
            let m0 = UInt64(size0 - 1)
            visitChain(t0.unsafelyUnwrapped[Int(v & m0)], visit)
            v |= ~m0
            v = KeyTable.rev(KeyTable.rev(v) &+ 1)
        } else {
            var (ta, sa, tb, sb) = (t0.unsafelyUnwrapped, size0, t1.unsafelyUnwrapped, size1)
            if sa > sb { swap(&ta, &tb); swap(&sa, &sb) }
            let m0 = UInt64(sa - 1)
            let m1 = UInt64(sb - 1)
            visitChain(ta[Int(v & m0)], visit)
            repeat {
                visitChain(tb[Int(v & m1)], visit)
                v |= ~m1
                v = KeyTable.rev(KeyTable.rev(v) &+ 1)
            } while v & (m0 ^ m1) != 0
        }
        return v
    }

    /// Up to `buckets` SCAN steps (the cursor contract of `scan`), prefetching the
    /// bucket slots and the first entries of buckets a few steps ahead. A snapshot
    /// visits every entry in cursor order, which is random memory order: without the
    /// prefetches each entry costs two cache misses back to back (the bucket slot, then
    /// the entry), and the walk is bound by memory latency instead of bandwidth.
    public func scanPrefetching(cursor: UInt64, buckets: Int, _ visit: (KeyEntry) -> Void) -> UInt64 {
        var v = cursor
        var n = buckets
        if rehashIndex >= 0 || used0 == 0 {
            repeat {
                v = scan(cursor: v, visit)
                n -= 1
            } while v != 0 && n > 0
            return v
        }
        let t = t0.unsafelyUnwrapped
        let m = UInt64(size0 - 1)
        @inline(__always) func advance(_ c: UInt64) -> UInt64 { KeyTable.rev(KeyTable.rev(c | ~m) &+ 1) }
        // `near` runs 4 buckets ahead (its slot is cached: prefetch the entry it points
        // to), `far` 10 ahead (prefetch its slot). Past the end they wrap around and
        // only prefetch, which is harmless.
        var near = v
        for _ in 0..<4 { near = advance(near) }
        var far = near
        for _ in 0..<6 { far = advance(far) }
        while n > 0 {
            apus_prefetch(t + Int(far & m))
            if let head = t[Int(near & m)] { apus_prefetch(head) }
            visitChain(t[Int(v & m)], visit)
            v = advance(v)
            if v == 0 { return 0 }
            near = advance(near)
            far = advance(far)
            n -= 1
        }
        return v
    }

    @inline(__always)
    func visitChain(_ head: Bucket, _ visit: (KeyEntry) -> Void) {
        var p = head
        while let cur = p {
            let e = KeyEntry(cur)
            p = e.next
            visit(e)
        }
    }

    /// Visits every entry (order unspecified).
    public func forEach(_ visit: (KeyEntry) -> Void) {
        for (t, s) in [(t0, size0), (t1, size1)] {
            guard let t = t else { continue }
            for i in 0..<s { visitChain(t[i], visit) }
        }
    }

    // MARK: - Random

    /// A random entry in O(1) expected time (Redis dictGetRandomKey: random non-empty
    /// bucket, then a random element of its chain), or nil when empty.
    public func randomEntry() -> KeyEntry? {
        if count == 0 { return nil }
        if rehashIndex >= 0 { rehash(1) }
        var head: Bucket = nil
        if rehashIndex >= 0 {
            // Buckets of t0 below rehashIndex are empty; skip them.
            let span = size0 + size1 - rehashIndex
            repeat {
                let i = rehashIndex + FastRandom.below(span)
                head = i >= size0 ? t1.unsafelyUnwrapped[i - size0] : t0.unsafelyUnwrapped[i]
            } while head == nil
        } else {
            let mask = size0 - 1
            repeat {
                head = t0.unsafelyUnwrapped[Int(truncatingIfNeeded: FastRandom.next()) & mask]
            } while head == nil
        }
        var len = 0
        var p = head
        while let cur = p { len += 1; p = KeyEntry(cur).next }
        var pick = FastRandom.below(len)
        p = head
        while pick > 0 { pick -= 1; p = KeyEntry(p.unsafelyUnwrapped).next }
        return KeyEntry(p.unsafelyUnwrapped)
    }

    // MARK: - Teardown

    /// Counts this table's memory (buckets and entries) in `m` from now on.
    func detachMeter(_ m: MemoryMeter) { meter = m }

    /// Frees every entry (releasing objects) and the bucket arrays.
    public func removeAllAndFree() {
        while freeSome(maxEntries: Int.max) {}
    }

    /// Frees up to about `maxEntries` entries for incremental (lazy) freeing of a
    /// detached table. Returns true while entries or arrays remain.
    @discardableResult
    public func freeSome(maxEntries: Int) -> Bool {
        var budget = maxEntries
        // t1 (if any) first, then t0; `freeCursor` remembers the next bucket so that
        // repeated calls do not rescan already emptied buckets.
        while true {
            if let t = t1 {
                if !freeBuckets(t, size: size1, used: &used1, budget: &budget) { return true }
                meter.bytes -= apus_malloc_usable_size(t)
                free(t)
                t1 = nil
                size1 = 0
                freeCursor = 0
                continue
            }
            if let t = t0 {
                if !freeBuckets(t, size: size0, used: &used0, budget: &budget) { return true }
                meter.bytes -= apus_malloc_usable_size(t)
                free(t)
                t0 = nil
                size0 = 0
                freeCursor = 0
            }
            rehashIndex = -1
            return false
        }
    }

    private var freeCursor = 0
    /// Set on a flushed table freed asynchronously: its big values go to the lazy-free
    /// thread as its entries are freed.
    unowned(unsafe) var lazyOwner: Keyspace?

    /// Frees chains starting at `freeCursor`; returns true when the array is empty.
    private func freeBuckets(_ t: UnsafeMutablePointer<Bucket>, size: Int, used: inout Int, budget: inout Int) -> Bool {
        while freeCursor < size {
            if used == 0 { return true }
            if budget <= 0 { return false }
            var p = t[freeCursor]
            while let cur = p {
                let e = KeyEntry(cur)
                p = e.next
                if let k = lazyOwner { k.freeEntry(e, lazy: true) } else { e.free(meter: meter) }
                used -= 1
                budget -= 1
                if budget <= 0 { break }
            }
            t[freeCursor] = p
            if p == nil { freeCursor += 1 }
        }
        return true
    }
}
