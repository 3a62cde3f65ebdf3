// The set type's value. A set whose members are all integers is an intset (Redis's
// format byte for byte) up to set-max-intset-entries members. A small set of other
// members — at most 128 of at most 64 bytes, 7.2's set-max-listpack-* defaults — is a
// listpack of its members: 7.0 has no compact encoding for them, so OBJECT ENCODING still
// answers "hashtable" and the RDB writer writes it as a plain SET, as 7.0 would. Past
// those limits the set converts for good to a table: the keyspace's own KeyTable, one
// block per member, with the keyspace's SCAN guarantee.

import Glibc
import CApusSys

public final class SetValue: StoredObject {
    public static var objectType: ObjectType { .set }

    // Three words, as HashValue: the intset's memory is counted as it changes.
    private(set) var meter: MemoryMeter
    private(set) var intset: Intset?
    private(set) var listpack: Listpack?
    private(set) var table: KeyTable?
    /// Set while a BGSAVE sends this set member by member (see Snapshot).
    unowned(unsafe) var snapshotStream: CollectionStream?

    /// The limits of the listpack form (not configurable in 7.0, which lacks it).
    static let listpackMaxEntries = 128
    static let listpackMaxValue = 64

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
        if SetValue.integer(m) == nil {
            if m.count <= listpackMaxValue { s.convertToListpack() } else { s.convertToTable(expected: 0) }
        }
        return s
    }

    deinit {
        if let s = intset {
            meter.bytes -= s.allocatedBytes
            s.free()
        }
        if let lp = listpack {
            meter.bytes -= lp.allocatedBytes
            lp.free()
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

    public var count: Int { intset?.count ?? listpack?.count ?? table!.count }

    @inline(__always)
    private func accountedListpack<R>(_ change: (inout Listpack) -> R) -> R {
        let before = listpack!.allocatedBytes
        let r = change(&listpack!)
        meter.bytes += listpack!.allocatedBytes - before
        return r
    }

    /// Offset of `m` in the listpack form.
    private func listpackOffset(_ m: UnsafeRawBufferPointer) -> Int? {
        let lp = listpack!
        var o = lp.first
        while let off = o {
            if lp.elementEquals(at: off, m) { return off }
            o = lp.next(off)
        }
        return nil
    }

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
        if listpack != nil { return listpackOffset(m) != nil }
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
        if let lp = listpack {
            var o = lp.first
            while let off = o {
                lp.withElementBytes(at: off, body)
                o = lp.next(off)
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
        if let lp = listpack {
            var off = lp.first!
            for _ in 0..<FastRandom.below(lp.count) { off = lp.next(off)! }
            return lp.withElementBytes(at: off) { Array($0) }
        }
        return Array(table!.randomEntry()!.key)
    }

    /// One SSCAN step: a compact form is returned whole (cursor 0), a table walked by cursor.
    public func scan(cursor: UInt64, _ visit: (UnsafeRawBufferPointer) -> Void) -> UInt64 {
        if intset != nil || listpack != nil {
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
                if intset!.count > maxIntsetEntries {
                    if intset!.count <= SetValue.listpackMaxEntries { convertToListpack() } else {
                        convertToTable(expected: intset!.count)
                    }
                }
                return true
            }
            if intset!.count + 1 <= SetValue.listpackMaxEntries && m.count <= SetValue.listpackMaxValue {
                convertToListpack()
            } else {
                convertToTable(expected: intset!.count + 1)
            }
        }
        if listpack != nil {
            if listpackOffset(m) != nil { return false }
            if listpack!.count + 1 <= SetValue.listpackMaxEntries && m.count <= SetValue.listpackMaxValue {
                accountedListpack { $0.append(m) }
                return true
            }
            convertToTable(expected: listpack!.count + 1)
        }
        let h = KeyHash.hash(m)
        if table!.find(m, hash: h) != nil { return false }
        table!.add(SetValue.memberEntry(m, meter: meter, version: CollectionStream.newElementVersion(snapshotStream)), hash: h)
        return true
    }

    /// Removes `m`; true when it was there.
    @discardableResult
    public func remove(_ m: UnsafeRawBufferPointer) -> Bool {
        if intset != nil {
            guard let v = SetValue.integer(m), accounted({ $0.remove(v) }) else { return false }
            return true
        }
        if listpack != nil {
            guard let off = listpackOffset(m) else { return false }
            accountedListpack { _ = $0.delete(at: off) }
            return true
        }
        guard let e = table!.remove(m, hash: KeyHash.hash(m)) else { return false }
        snapshotStream?.willChange(e)   // unlinked, still whole until freed
        e.free(meter: meter)
        table!.resizeIfNeeded()
        return true
    }

    static func memberEntry(_ m: UnsafeRawBufferPointer, meter: MemoryMeter, version: UInt32 = 0) -> KeyEntry {
        let e = KeyEntry.allocate(key: m, valueBytes: 0, withExpire: false, version: version, meter: meter)
        e.encoding = .raw
        return e
    }

    /// Intset → listpack (members as their decimal text, in the intset's order).
    func convertToListpack() {
        var lp = Listpack()
        if let s = intset {
            withUnsafeTemporaryAllocation(byteCount: 24, alignment: 8) { buf in
                for i in 0..<s.count {
                    let n = Numbers.ll2string(s.value(at: i), into: buf.baseAddress!)
                    lp.append(UnsafeRawBufferPointer(start: buf.baseAddress, count: n))
                }
            }
            meter.bytes -= s.allocatedBytes
            s.free()
            intset = nil
        }
        listpack = lp
        meter.bytes += lp.allocatedBytes
    }

    /// Intset or listpack → table (never back, as in Redis).
    func convertToTable(expected: Int) {
        if let lp = listpack {
            let t = KeyTable(meter: meter)
            if expected > 0 { t.expand(to: expected) }
            var o = lp.first
            while let off = o {
                lp.withElementBytes(at: off) { m in t.add(SetValue.memberEntry(m, meter: meter), hash: KeyHash.hash(m)) }
                o = lp.next(off)
            }
            meter.bytes -= lp.allocatedBytes
            lp.free()
            listpack = nil
            table = t
            return
        }
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
        if let lp = listpack {
            let copy = SetValue(meter: meter, reclaiming: UnsafeMutableRawPointer(lp.duplicate().base), isIntset: false)
            meter.bytes += copy.listpack!.allocatedBytes
            return copy
        }
        let copy = SetValue(meter: meter)
        copy.convertToTable(expected: count)
        table!.forEach { e in copy.table!.add(SetValue.memberEntry(e.key, meter: meter), hash: KeyHash.hash(e.key)) }
        return copy
    }

    public func memoryUsage(samples: Int) -> Int {
        if let s = intset { return s.allocatedBytes }
        if let lp = listpack { return lp.allocatedBytes }
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

    public var freeEffort: Int { table?.count ?? 1 }

    public func surrenderCompactBlock() -> UnsafeMutableRawPointer? {
        if let b = intset?.base {
            intset = nil
            return UnsafeMutableRawPointer(b)
        }
        if let b = listpack?.base {
            listpack = nil
            return UnsafeMutableRawPointer(b)
        }
        return nil
    }

    /// The form of the compact block `surrenderCompactBlock` would give up: `.intset`,
    /// or `.listpack` for a small set of other members.
    var compactForm: ObjectEncoding { intset != nil ? .intset : .listpack }

    /// A value around a compact block an entry kept (already counted in `meter`).
    init(meter: MemoryMeter, reclaiming block: UnsafeMutableRawPointer, isIntset: Bool) {
        self.meter = meter
        if isIntset {
            intset = Intset(adoptingBase: block)
        } else {
            listpack = Listpack(adoptingBase: block.assumingMemoryBound(to: UInt8.self))
        }
    }

    public func detachMeter(_ m: MemoryMeter) {
        meter = m
        table?.detachMeter(m)
    }

    public func digest(into d: inout DebugDigest) {
        forEach { d.xor($0) }
    }
}
