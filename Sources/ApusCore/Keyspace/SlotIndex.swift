// The per-slot key index of a cluster node's database: for each of the 16384 hash
// slots, the count of keys and the set of their entries. Redis 7.0 threads every key
// on a per-slot doubly linked list (two pointers, 16 bytes, per key); here each slot
// has a small open-addressing set of entry addresses (linear probing, deletion by
// backward shift, so no tombstones) whose capacity grows by a quarter at 7/8 load and
// shrinks at 1/4, about 10 bytes per key where Redis pays 16. The database
// keeps it current at its one table-mutation point (link / unlink / rehome), so
// CLUSTER COUNTKEYSINSLOT is O(1) and GETKEYSINSLOT, slot migration and the removal
// of a lost slot's keys visit only that slot's entries. A node without cluster mode
// has no index at all.

import Glibc

final class SlotIndex {
    /// One slot's set: `capacity` words (any size, or 0), `count` used.
    struct Bucket {
        var words: UnsafeMutablePointer<UInt>?
        var capacity: Int32 = 0
        var count: Int32 = 0
    }

    private var buckets: UnsafeMutablePointer<Bucket>
    let meter: MemoryMeter

    init(meter: MemoryMeter) {
        self.meter = meter
        buckets = .allocate(capacity: HashSlot.count)
        buckets.initialize(repeating: Bucket(), count: HashSlot.count)
    }

    deinit {
        removeAll()
        buckets.deallocate()
    }

    /// Keys in `slot` (CLUSTER COUNTKEYSINSLOT).
    @inline(__always) func count(_ slot: Int) -> Int { Int(buckets[slot].count) }

    /// The home position of address `p` in a set of `capacity` words: a 32-bit mix
    /// scaled onto the capacity (multiply-shift), so capacities need not be powers of two.
    @inline(__always) private static func home(_ p: UInt, _ capacity: Int) -> Int {
        // Entry blocks are 16-byte aligned malloc chunks: drop the zero bits, then mix.
        let mixed = ((UInt64(p) >> 4) &* 0x9E37_79B9_7F4A_7C15) >> 32
        return Int((mixed &* UInt64(capacity)) >> 32)
    }

    @inline(__always) private static func next(_ i: Int, _ capacity: Int) -> Int { i + 1 == capacity ? 0 : i + 1 }

    func add(_ e: KeyEntry, slot: Int) {
        let b = buckets[slot]
        if (Int(b.count) + 1) * 8 > Int(b.capacity) * 7 { resize(slot, to: max(4, Int(b.capacity) + Int(b.capacity) / 4 + 1)) }
        insert(UInt(bitPattern: e.raw), into: &buckets[slot])
        buckets[slot].count += 1
    }

    private func insert(_ p: UInt, into b: inout Bucket) {
        let cap = Int(b.capacity)
        var i = SlotIndex.home(p, cap)
        let w = b.words.unsafelyUnwrapped
        while w[i] != 0 { i = SlotIndex.next(i, cap) }
        w[i] = p
    }

    private func resize(_ slot: Int, to cap: Int) {
        let old = buckets[slot]
        var nb = Bucket(words: .allocate(capacity: cap), capacity: Int32(cap), count: old.count)
        nb.words!.initialize(repeating: 0, count: cap)
        meter.bytes += cap * 8
        if let w = old.words {
            for i in 0..<Int(old.capacity) where w[i] != 0 { insert(w[i], into: &nb) }
            w.deallocate()
            meter.bytes -= Int(old.capacity) * 8
        }
        buckets[slot] = nb
    }

    private func position(of p: UInt, in b: Bucket) -> Int? {
        guard let w = b.words else { return nil }
        let cap = Int(b.capacity)
        var i = SlotIndex.home(p, cap)
        while w[i] != 0 {
            if w[i] == p { return i }
            i = SlotIndex.next(i, cap)
        }
        return nil
    }

    func remove(_ e: KeyEntry, slot: Int) {
        let p = UInt(bitPattern: e.raw)
        guard var i = position(of: p, in: buckets[slot]) else { preconditionFailure("slot index: entry missing") }
        let b = buckets[slot]
        let w = b.words.unsafelyUnwrapped
        let cap = Int(b.capacity)
        // Backward-shift deletion: pull later members of the probe run into the hole
        // unless their home lies cyclically after it.
        var j = i
        while true {
            j = SlotIndex.next(j, cap)
            if w[j] == 0 { break }
            let h = SlotIndex.home(w[j], cap)
            let between = i <= j ? (h > i && h <= j) : (h > i || h <= j)
            if between { continue }
            w[i] = w[j]
            i = j
        }
        w[i] = 0
        buckets[slot].count -= 1
        if buckets[slot].count == 0 {
            w.deallocate()
            meter.bytes -= Int(b.capacity) * 8
            buckets[slot] = Bucket()
        } else if Int(buckets[slot].count) * 4 < cap && cap > 8 {
            // Deleted keys give their room back.
            resize(slot, to: max(4, Int(buckets[slot].count) * 3 / 2))
        }
    }

    /// The entry at `old` now lives at `new` (its block moved).
    func replace(old: UnsafeMutableRawPointer, with new: KeyEntry, slot: Int) {
        remove(KeyEntry(old), slot: slot)
        add(new, slot: slot)
    }

    /// Up to `limit` entries of `slot`, in no particular order.
    func entries(_ slot: Int, limit: Int = Int.max) -> [KeyEntry] {
        let b = buckets[slot]
        guard let w = b.words else { return [] }
        var out: [KeyEntry] = []
        out.reserveCapacity(min(Int(b.count), limit))
        for i in 0..<Int(b.capacity) where w[i] != 0 {
            if out.count >= limit { break }
            out.append(KeyEntry(UnsafeMutableRawPointer(bitPattern: w[i]).unsafelyUnwrapped))
        }
        return out
    }

    /// Forgets every entry (the table they belong to is being dropped or replaced).
    func removeAll() {
        for s in 0..<HashSlot.count {
            if let w = buckets[s].words {
                w.deallocate()
                meter.bytes -= Int(buckets[s].capacity) * 8
            }
            buckets[s] = Bucket()
        }
    }
}
