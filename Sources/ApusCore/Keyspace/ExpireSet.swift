// ExpireSet: the set of entries of one database that carry a TTL — Redis's `expires`
// dict, which feeds INFO `expires=` and the active expire cycle's random sampling.
// Since the expire time itself lives inside the entry, the set only needs membership
// and uniform sampling, so it is a dense array of entry pointers where each entry
// stores its own array index (swap-with-last removal). Insert, remove, pointer
// update after realloc and random sampling are all O(1) with no hashing, and a
// sample is exactly uniform (Redis's dictGetRandomKey on a chained dict is not).

import Glibc
import CApusSys

public final class ExpireSet {
    private var items: UnsafeMutablePointer<UnsafeMutableRawPointer>?
    private var capacity = 0
    public private(set) var count = 0
    let meter: MemoryMeter

    public init(meter: MemoryMeter) { self.meter = meter }

    deinit { releaseStorage() }

    /// Bytes of the pointer array.
    public var memoryBytes: Int { items.map { apus_malloc_usable_size($0) } ?? 0 }

    /// Adds an entry whose has-expire bit is set and that is not yet a member.
    @inline(__always)
    public func insert(_ e: KeyEntry) {
        if count == capacity { resize(max(16, capacity * 2)) }
        items.unsafelyUnwrapped[count] = e.raw
        e.expireIndex = count
        count += 1
    }

    /// Removes a member entry (it must still be readable: its index is in its expire area).
    @inline(__always)
    public func remove(_ e: KeyEntry) {
        let i = e.expireIndex
        let arr = items.unsafelyUnwrapped
        precondition(i < count && arr[i] == e.raw, "ExpireSet.remove: not a member")
        count -= 1
        if i != count {
            let moved = KeyEntry(arr[count])
            arr[i] = moved.raw
            moved.expireIndex = i
        }
        if capacity > 64 && count < capacity / 4 { resize(capacity / 2) }
    }

    /// Points the slot of a member at its reallocated block (index read from `new`).
    @inline(__always)
    public func replace(old: UnsafeMutableRawPointer, with new: KeyEntry) {
        let i = new.expireIndex
        precondition(i < count && items.unsafelyUnwrapped[i] == old, "ExpireSet.replace: not a member")
        items.unsafelyUnwrapped[i] = new.raw
    }

    public func contains(_ e: KeyEntry) -> Bool {
        guard e.hasExpire else { return false }
        let i = e.expireIndex
        return i < count && items.unsafelyUnwrapped[i] == e.raw
    }

    /// A uniformly random member, or nil when empty.
    @inline(__always)
    public func randomSample() -> KeyEntry? {
        if count == 0 { return nil }
        return KeyEntry(items.unsafelyUnwrapped[FastRandom.below(count)])
    }

    /// Member at position `i` (0..<count); positions change on removal.
    public func entry(at i: Int) -> KeyEntry { KeyEntry(items.unsafelyUnwrapped[i]) }

    /// Forgets all members (entries are owned and freed by the KeyTable).
    public func removeAll() {
        releaseStorage()
        count = 0
    }

    private func releaseStorage() {
        if let p = items {
            meter.bytes -= apus_malloc_usable_size(p)
            free(p)
        }
        items = nil
        capacity = 0
    }

    private func resize(_ newCapacity: Int) {
        let before = items.map { apus_malloc_usable_size($0) } ?? 0
        guard let p = realloc(items, newCapacity * MemoryLayout<UnsafeMutableRawPointer>.stride) else {
            fatalError("Apus: out of memory (expire set)")
        }
        meter.bytes += apus_malloc_usable_size(p) - before
        items = p.bindMemory(to: UnsafeMutableRawPointer.self, capacity: newCapacity)
        capacity = newCapacity
    }
}
