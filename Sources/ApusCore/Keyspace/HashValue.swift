// The hash type's value. Small hashes are one listpack of alternating fields and values
// (Redis's listpack encoding, byte for byte, so RDB and DUMP copy it); past
// hash-max-listpack-entries fields, or once a field or value is longer than
// hash-max-listpack-value bytes, the hash converts for good to a table: the keyspace's
// own KeyTable, where each field is one block holding the field and its value (one
// allocation per field where Redis makes three), with the keyspace's SCAN guarantee
// and incremental rehashing.

import Glibc
import CApusSys

public final class HashValue: StoredObject {
    public static var objectType: ObjectType { .hash }

    /// The conversion thresholds (hash-max-listpack-entries / -value).
    public typealias Limits = ListpackLimits

    // Between commands a small hash is only its listpack, in a compact slot (Value.swift);
    // this object exists while a command works on it. The listpack's memory is counted
    // in `meter` as it changes (`accounted`).
    private(set) var meter: MemoryMeter
    /// Listpack encoding: [field, value, field, value, ...].
    private(set) var listpack: Listpack?
    /// Hashtable encoding.
    private(set) var table: KeyTable?
    /// Set while a BGSAVE sends this hash field by field: changes first hand it each
    /// field as it was at the cut (see Snapshot).
    unowned(unsafe) var snapshotStream: CollectionStream?

    public init(meter: MemoryMeter) {
        self.meter = meter
        let lp = Listpack()
        listpack = lp
        meter.bytes += lp.allocatedBytes
    }

    /// A hash that takes over a validated listpack (RDB, RESTORE).
    init(meter: MemoryMeter, adopting lp: Listpack) {
        self.meter = meter
        listpack = lp
        meter.bytes += lp.allocatedBytes
    }

    deinit {
        if let lp = listpack {
            meter.bytes -= lp.allocatedBytes
            lp.free()
        }
        table?.removeAllAndFree()
    }

    /// Runs a change of the listpack and counts how its allocation changed.
    @inline(__always)
    private func accounted<R>(_ change: (inout Listpack) -> R) -> R {
        let before = listpack!.allocatedBytes
        let r = change(&listpack!)
        meter.bytes += listpack!.allocatedBytes - before
        return r
    }

    public var encoding: ObjectEncoding { listpack != nil ? .listpack : .hashtable }

    /// Number of fields.
    public var count: Int {
        if let lp = listpack { return lp.count / 2 }
        return table!.count
    }

    // MARK: - Reading

    /// Offset of `field`'s value in the listpack, nil when absent.
    private func listpackValueOffset(_ lp: Listpack, _ field: UnsafeRawBufferPointer) -> Int? {
        var o = lp.first
        while let f = o {
            let v = lp.next(f)!
            if lp.elementEquals(at: f, field) { return v }
            o = lp.next(v)
        }
        return nil
    }

    /// Calls `body` with the value of `field`; nil when the field is absent.
    public func withValue<R>(_ field: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        if let lp = listpack {
            guard let v = listpackValueOffset(lp, field) else { return nil }
            return lp.withElementBytes(at: v, body)
        }
        guard let e = table!.find(field, hash: KeyHash.hash(field)) else { return nil }
        return body(e.stringBytes)
    }

    public func contains(_ field: UnsafeRawBufferPointer) -> Bool {
        withValue(field) { _ in true } ?? false
    }

    /// Calls `body` with every field and value, in storage order.
    public func forEach(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        if let lp = listpack {
            var o = lp.first
            while let f = o {
                let v = lp.next(f)!
                lp.withElementBytes(at: f) { fb in lp.withElementBytes(at: v) { vb in body(fb, vb) } }
                o = lp.next(v)
            }
            return
        }
        table!.forEach { e in body(e.key, e.stringBytes) }
    }

    /// A uniformly random field (and its value); the hash must not be empty.
    public func withRandomField<R>(_ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> R) -> R {
        if let lp = listpack {
            let i = FastRandom.below(lp.count / 2)
            var f = lp.first!
            for _ in 0..<i { f = lp.next(lp.next(f)!)! }
            let v = lp.next(f)!
            return lp.withElementBytes(at: f) { fb in lp.withElementBytes(at: v) { vb in body(fb, vb) } }
        }
        let e = table!.randomEntry()!
        return body(e.key, e.stringBytes)
    }

    /// One HSCAN step: a listpack is returned whole (cursor 0 after it); a table is
    /// walked with the keyspace's reverse-binary cursor.
    public func scan(cursor: UInt64, _ visit: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) -> UInt64 {
        if listpack != nil {
            forEach(visit)
            return 0
        }
        return table!.scan(cursor: cursor) { e in visit(e.key, e.stringBytes) }
    }

    // MARK: - Writing

    /// Sets `field` to `value`; returns true when the field is new.
    @discardableResult
    public func set(_ field: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer, limits: Limits) -> Bool {
        if listpack != nil && (field.count > limits.maxValue || value.count > limits.maxValue) {
            convertToTable()
        }
        if listpack != nil {
            if let v = listpackValueOffset(listpack!, field) {
                accounted { $0.replace(at: v, with: value) }
                return false
            }
            accounted { lp in
                lp.append(field)
                lp.append(value)
            }
            if count > limits.maxEntries { convertToTable() }
            return true
        }
        let t = table!
        let h = KeyHash.hash(field)
        if let e = t.find(field, hash: h) {
            snapshotStream?.willChange(e)
            if e.valueCapacity >= value.count && e.valueCapacity - value.count <= max(32, value.count / 2) {
                if value.count > 0 { memcpy(e.mutableValue, value.baseAddress!, value.count) }
                e.valueLength = value.count
            } else {
                let ne = HashValue.fieldEntry(field, value, meter: meter, version: CollectionStream.newElementVersion(snapshotStream))
                ne.next = e.next
                t.replace(old: e.raw, with: ne, hash: h)
                e.free(meter: meter)
            }
            return false
        }
        t.add(HashValue.fieldEntry(field, value, meter: meter, version: CollectionStream.newElementVersion(snapshotStream)),
              hash: h)
        return true
    }

    /// Removes `field`; returns true if it was there.
    @discardableResult
    public func delete(_ field: UnsafeRawBufferPointer) -> Bool {
        if listpack != nil {
            guard let v = listpackValueOffset(listpack!, field) else { return false }
            let f = listpack!.previous(v)!
            accounted { $0.delete(at: f, count: 2) }
            return true
        }
        guard let e = table!.remove(field, hash: KeyHash.hash(field)) else { return false }
        snapshotStream?.willChange(e)   // unlinked, still whole until freed
        e.free(meter: meter)
        table!.resizeIfNeeded()
        return true
    }

    /// One table block for a field: the field as the key, the value inline.
    static func fieldEntry(_ field: UnsafeRawBufferPointer, _ value: UnsafeRawBufferPointer,
                           meter: MemoryMeter, version: UInt32 = 0) -> KeyEntry {
        let e = KeyEntry.allocate(key: field, valueBytes: value.count, withExpire: false, version: version, meter: meter)
        e.encoding = .raw
        if value.count > 0 { memcpy(e.mutableValue, value.baseAddress!, value.count) }
        return e
    }

    /// Listpack → table (never back, as in Redis).
    func convertToTable() {
        guard let lp = listpack else { return }
        let t = KeyTable(meter: meter)
        t.expand(to: lp.count / 2)
        var o = lp.first
        while let f = o {
            let v = lp.next(f)!
            lp.withElementBytes(at: f) { fb in
                lp.withElementBytes(at: v) { vb in
                    t.add(HashValue.fieldEntry(fb, vb, meter: meter), hash: KeyHash.hash(fb))
                }
            }
            o = lp.next(v)
        }
        meter.bytes -= lp.allocatedBytes
        lp.free()
        listpack = nil
        table = t
    }

    // MARK: - StoredObject

    public func duplicate() -> HashValue {
        if let lp = listpack { return HashValue(meter: meter, adopting: lp.duplicate()) }
        let copy = HashValue(meter: meter)
        copy.convertToTable()
        copy.table!.expand(to: count)
        table!.forEach { e in copy.table!.add(HashValue.fieldEntry(e.key, e.stringBytes, meter: meter), hash: KeyHash.hash(e.key)) }
        return copy
    }

    public func memoryUsage(samples: Int) -> Int {
        if let lp = listpack { return lp.allocatedBytes }
        let t = table!
        var sampled = 0
        var bytes = 0
        if samples > 0 {
            var cursor: UInt64 = 0
            repeat {
                cursor = t.scan(cursor: cursor) { e in
                    if sampled < samples {
                        bytes += e.allocatedSize
                        sampled += 1
                    }
                }
            } while cursor != 0 && sampled < samples
        }
        let fields = sampled == 0 ? 0 : bytes * t.count / sampled
        return fields + t.memoryBytes
    }

    public var freeEffort: Int { listpack != nil ? 1 : table!.count }

    public var isStreamedBySnapshot: Bool { snapshotStream != nil }

    public func surrenderCompactBlock() -> UnsafeMutableRawPointer? {
        guard let b = listpack?.base else { return nil }
        listpack = nil
        return UnsafeMutableRawPointer(b)
    }

    /// A value around a compact block an entry kept (already counted in `meter`).
    init(meter: MemoryMeter, reclaiming block: UnsafeMutableRawPointer) {
        self.meter = meter
        listpack = Listpack(adoptingBase: block.assumingMemoryBound(to: UInt8.self))
    }

    public func detachMeter(_ m: MemoryMeter) {
        meter = m
        table?.detachMeter(m)
    }

    public func digest(into d: inout DebugDigest) {
        forEach { f, v in
            var ele = DebugDigest()
            ele.mix(f)
            ele.mix(v)
            d.xor(ele.bytes)
        }
    }
}
