// The set type's value. A set whose members are all integers is an intset (Redis's
// format byte for byte) up to set-max-intset-entries members; any other member, or one
// member too many, converts it for good to a table: the keyspace's own KeyTable, one
// block per member, with the keyspace's SCAN guarantee. (7.0 has no compact encoding for
// small sets of strings; OBJECT ENCODING answers what 7.0 answers: intset or hashtable.)

import Glibc
import CApusSys

public final class SetValue: StoredObject {
    public static var objectType: ObjectType { .set }

    // Three words, as HashValue: the intset's memory is counted as it changes.
    private(set) var meter: MemoryMeter
    private(set) var intset: Intset?
    private(set) var table: KeyTable?

    /// An empty set, intset-encoded (it converts on its first non-integer member).
    public init(meter: MemoryMeter) {
        self.meter = meter
        let s = Intset()
        intset = s
        meter.bytes += s.allocatedBytes
    }

    init(meter: MemoryMeter, adopting s: Intset) {
        self.meter = meter
        intset = s
        meter.bytes += s.allocatedBytes
    }

    /// An empty set with the encoding 7.0 gives a set created for `firstMember`.
    static func forMember(_ m: UnsafeRawBufferPointer, meter: MemoryMeter) -> SetValue {
        let s = SetValue(meter: meter)
        if SetValue.integer(m) == nil { s.convertToTable(expected: 0) }
        return s
    }

    deinit {
        if let s = intset {
            meter.bytes -= s.allocatedBytes
            s.free()
        }
        table?.removeAllAndFree()
    }

    /// Runs a change of the intset and counts how its allocation changed.
    @inline(__always)
    private func accounted<R>(_ change: (inout Intset) -> R) -> R {
        let before = intset!.allocatedBytes
        let r = change(&intset!)
        meter.bytes += intset!.allocatedBytes - before
        return r
    }

    public var encoding: ObjectEncoding { intset != nil ? .intset : .hashtable }

    public var count: Int { intset?.count ?? table!.count }

    /// The member as an intset value: a canonical decimal integer.
    @inline(__always) static func integer(_ m: UnsafeRawBufferPointer) -> Int64? {
        m.count <= Numbers.maxInt64Chars ? Numbers.string2ll(m) : nil
    }

    // MARK: - Reading

    public func contains(_ m: UnsafeRawBufferPointer) -> Bool {
        if let s = intset {
            guard let v = SetValue.integer(m) else { return false }
            return s.contains(v)
        }
        return table!.find(m, hash: KeyHash.hash(m)) != nil
    }

    /// Calls `body` with every member (intsets in ascending order).
    public func forEach(_ body: (UnsafeRawBufferPointer) -> Void) {
        if let s = intset {
            withUnsafeTemporaryAllocation(byteCount: 24, alignment: 8) { buf in
                for i in 0..<s.count {
                    let n = Numbers.ll2string(s.value(at: i), into: buf.baseAddress!)
                    body(UnsafeRawBufferPointer(start: buf.baseAddress, count: n))
                }
            }
            return
        }
        table!.forEach { e in body(e.key) }
    }

    /// Every member, copied.
    public func members() -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        forEach { out.append(Array($0)) }
        return out
    }

    /// A uniformly random member, copied; the set must not be empty.
    public func randomMember() -> [UInt8] {
        if let s = intset { return Numbers.ll2string(s.value(at: FastRandom.below(s.count))) }
        return Array(table!.randomEntry()!.key)
    }

    /// One SSCAN step: an intset is returned whole (cursor 0), a table walked by cursor.
    public func scan(cursor: UInt64, _ visit: (UnsafeRawBufferPointer) -> Void) -> UInt64 {
        if intset != nil {
            forEach(visit)
            return 0
        }
        return table!.scan(cursor: cursor) { e in visit(e.key) }
    }

    // MARK: - Writing

    /// Adds `m`; true when it is new.
    @discardableResult
    public func add(_ m: UnsafeRawBufferPointer, maxIntsetEntries: Int) -> Bool {
        if intset != nil {
            if let v = SetValue.integer(m) {
                if !accounted({ $0.insert(v) }) { return false }
                if intset!.count > maxIntsetEntries { convertToTable(expected: intset!.count) }
                return true
            }
            convertToTable(expected: intset!.count + 1)
        }
        let h = KeyHash.hash(m)
        if table!.find(m, hash: h) != nil { return false }
        table!.add(SetValue.memberEntry(m, meter: meter), hash: h)
        return true
    }

    /// Removes `m`; true when it was there.
    @discardableResult
    public func remove(_ m: UnsafeRawBufferPointer) -> Bool {
        if intset != nil {
            guard let v = SetValue.integer(m), accounted({ $0.remove(v) }) else { return false }
            return true
        }
        guard let e = table!.remove(m, hash: KeyHash.hash(m)) else { return false }
        e.free(meter: meter)
        table!.resizeIfNeeded()
        return true
    }

    static func memberEntry(_ m: UnsafeRawBufferPointer, meter: MemoryMeter) -> KeyEntry {
        let e = KeyEntry.allocate(key: m, valueBytes: 0, withExpire: false, version: 0, meter: meter)
        e.encoding = .raw
        return e
    }

    /// Intset → table (never back, as in Redis).
    func convertToTable(expected: Int) {
        guard let s = intset else { return }
        let t = KeyTable(meter: meter)
        if expected > 0 { t.expand(to: expected) }
        withUnsafeTemporaryAllocation(byteCount: 24, alignment: 8) { buf in
            for i in 0..<s.count {
                let n = Numbers.ll2string(s.value(at: i), into: buf.baseAddress!)
                let m = UnsafeRawBufferPointer(start: buf.baseAddress, count: n)
                t.add(SetValue.memberEntry(m, meter: meter), hash: KeyHash.hash(m))
            }
        }
        meter.bytes -= s.allocatedBytes
        s.free()
        intset = nil
        table = t
    }

    // MARK: - StoredObject

    public func duplicate() -> SetValue {
        if let s = intset { return SetValue(meter: meter, adopting: s.duplicate()) }
        let copy = SetValue(meter: meter)
        copy.convertToTable(expected: count)
        table!.forEach { e in copy.table!.add(SetValue.memberEntry(e.key, meter: meter), hash: KeyHash.hash(e.key)) }
        return copy
    }

    public func memoryUsage(samples: Int) -> Int {
        if let s = intset { return s.allocatedBytes }
        let t = table!
        var sampled = 0, bytes = 0
        if samples > 0 {
            var cursor: UInt64 = 0
            repeat {
                cursor = t.scan(cursor: cursor) { e in
                    if sampled < samples { bytes += e.allocatedSize; sampled += 1 }
                }
            } while cursor != 0 && sampled < samples
        }
        return (sampled == 0 ? 0 : bytes * t.count / sampled) + t.memoryBytes
    }

    public var freeEffort: Int { intset != nil ? 1 : table!.count }

    public func surrenderCompactBlock() -> UnsafeMutableRawPointer? {
        guard let b = intset?.base else { return nil }
        intset = nil
        return UnsafeMutableRawPointer(b)
    }

    /// A value around a compact block an entry kept (already counted in `meter`).
    init(meter: MemoryMeter, reclaiming block: UnsafeMutableRawPointer) {
        self.meter = meter
        intset = Intset(adoptingBase: block)
    }

    public func detachMeter(_ m: MemoryMeter) {
        meter = m
        table?.detachMeter(m)
    }

    public func digest(into d: inout DebugDigest) {
        forEach { d.xor($0) }
    }
}
