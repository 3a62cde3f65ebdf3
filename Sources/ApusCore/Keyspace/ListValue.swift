// The list type's value: Redis's quicklist idea — a sequence of listpack nodes, each
// bounded by list-max-listpack-size (negative: a byte budget of 4/8/16/32/64 KB per
// node; positive: an element count, with an 8 KB safety limit) — so pushes and pops at
// either end touch one small node, while the elements stay packed. Nodes are Redis
// listpacks byte for byte, so the RDB writer and DUMP copy them (RDB type 18, packed
// nodes) and a loaded node is adopted after validation.
//
// The node pointers live in one malloc'd array owned by the object (no per-node
// header as Redis's 32-byte quicklistNode): a small list costs this object, a
// one-slot array and its listpack. OBJECT ENCODING answers "quicklist" for every list,
// as 7.0 does.

import Glibc
import CApusSys

public final class ListValue: StoredObject {
    public static var objectType: ObjectType { .list }

    /// Redis's quicklist limits: the byte budgets a negative fill selects, the safety
    /// limit for count-bounded nodes, and the per-element overhead its estimate adds.
    static let sizeLevels = [4096, 8192, 16384, 32768, 65536]
    static let safetyLimit = 8192
    static let estimateOverhead = 8
    static let maxFill = (1 << 15) - 1

    private(set) var meter: MemoryMeter
    private var nodes: UnsafeMutablePointer<Listpack>
    private var nodeCapacity: Int32
    private(set) var nodeCount: Int32 = 0
    public private(set) var count: Int = 0

    public init(meter: MemoryMeter) {
        self.meter = meter
        nodeCapacity = 1
        nodes = UnsafeMutablePointer<Listpack>.allocate(capacity: 1)
        meter.bytes += apus_malloc_usable_size(nodes)
    }

    deinit {
        for i in 0..<Int(nodeCount) {
            meter.bytes -= nodes[i].allocatedBytes
            nodes[i].free()
        }
        meter.bytes -= apus_malloc_usable_size(nodes)
        nodes.deallocate()
    }

    public var encoding: ObjectEncoding { .quicklist }

    // MARK: - Nodes

    /// Clamps a configured fill as quicklistSetFill does.
    @inline(__always) static func clampFill(_ fill: Int) -> Int {
        fill > maxFill ? maxFill : fill < -5 ? -5 : fill
    }

    /// Whether a node of `bytes` may take one more element of `size` bytes (Redis's
    /// _quicklistNodeAllowInsert: the size estimate against the fill's budget).
    @inline(__always) static func allows(nodeBytes: Int, nodeCount: Int, adding size: Int, fill: Int) -> Bool {
        let newSize = nodeBytes + size + estimateOverhead
        if fill < 0 { return newSize <= sizeLevels[-fill - 1] }
        if newSize > safetyLimit { return false }
        return nodeCount < fill
    }

    @inline(__always) private func allowsInsert(_ i: Int, size: Int, fill: Int) -> Bool {
        ListValue.allows(nodeBytes: nodes[i].totalBytes, nodeCount: nodes[i].count, adding: size,
                         fill: ListValue.clampFill(fill))
    }

    /// Runs a change of node `i` and counts how its allocation changed.
    @inline(__always)
    private func changeNode<R>(_ i: Int, _ change: (inout Listpack) -> R) -> R {
        let before = nodes[i].allocatedBytes
        let r = change(&nodes[i])
        meter.bytes += nodes[i].allocatedBytes - before
        return r
    }

    /// Inserts `lp` as node `i` (0 = new head); takes ownership.
    private func insertNode(_ lp: Listpack, at i: Int) {
        if nodeCount == nodeCapacity {
            let old = apus_malloc_usable_size(nodes)
            let cap = Int(nodeCapacity) * 2
            let grown = UnsafeMutablePointer<Listpack>.allocate(capacity: cap)
            grown.moveInitialize(from: nodes, count: Int(nodeCount))
            nodes.deallocate()
            nodes = grown
            nodeCapacity = Int32(cap)
            meter.bytes += apus_malloc_usable_size(nodes) - old
        }
        let n = Int(nodeCount)
        if i < n { (nodes + i + 1).moveInitialize(from: nodes + i, count: n - i) }
        (nodes + i).initialize(to: lp)
        nodeCount += 1
        meter.bytes += lp.allocatedBytes
    }

    /// Frees node `i` and closes the gap.
    private func removeNode(_ i: Int) {
        meter.bytes -= nodes[i].allocatedBytes
        nodes[i].free()
        let n = Int(nodeCount)
        if i < n - 1 { (nodes + i).moveInitialize(from: nodes + i + 1, count: n - i - 1) }
        nodeCount -= 1
        if nodeCapacity > 8 && Int(nodeCount) * 4 < Int(nodeCapacity) {
            let old = apus_malloc_usable_size(nodes)
            let cap = Int(nodeCapacity) / 2
            let shrunk = UnsafeMutablePointer<Listpack>.allocate(capacity: cap)
            shrunk.moveInitialize(from: nodes, count: Int(nodeCount))
            nodes.deallocate()
            nodes = shrunk
            nodeCapacity = Int32(cap)
            meter.bytes += apus_malloc_usable_size(nodes) - old
        }
    }

    /// Node `i` as it is stored (the RDB writer copies it).
    func node(_ i: Int) -> Listpack { nodes[i] }

    /// Appends a validated listpack as the new tail node (RDB, RESTORE); empty ones are
    /// freed, as Redis skips them.
    func adoptNode(_ lp: Listpack) {
        let n = lp.count
        if n == 0 { lp.free(); return }
        insertNode(lp, at: Int(nodeCount))
        count += n
    }

    // MARK: - Positions

    /// The node holding element `index` (0-based from the head) and the element's
    /// offset in it, walking from whichever end is nearer.
    private func locate(_ index: Int) -> (node: Int, offset: Int) {
        precondition(index >= 0 && index < count)
        var i: Int
        var local: Int
        if index < count / 2 {
            i = 0
            local = index
            while local >= nodes[i].count { local -= nodes[i].count; i += 1 }
        } else {
            i = Int(nodeCount) - 1
            var fromEnd = count - 1 - index
            while fromEnd >= nodes[i].count { fromEnd -= nodes[i].count; i -= 1 }
            local = nodes[i].count - 1 - fromEnd
        }
        let lp = nodes[i]
        let n = lp.count
        var off: Int
        if local < n / 2 {
            off = lp.first!
            for _ in 0..<local { off = lp.next(off)! }
        } else {
            off = lp.last!
            for _ in 0..<(n - 1 - local) { off = lp.previous(off)! }
        }
        return (i, off)
    }

    // MARK: - Reading

    /// Calls `body` with element `index` (0 = head); nil when out of range.
    public func withElement<R>(at index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard index >= 0 && index < count else { return nil }
        let (i, off) = locate(index)
        return nodes[i].withElementBytes(at: off, body)
    }

    /// Walks the elements from `start` (0 = head) towards the tail, or with `reverse`
    /// from `start` counted from the tail towards the head; `body` returns false to stop.
    public func forEach(from start: Int = 0, reverse: Bool = false, _ body: (UnsafeRawBufferPointer) -> Bool) {
        guard start >= 0 && start < count else { return }
        let first = locate(reverse ? count - 1 - start : start)
        var i = first.node
        var off: Int? = first.offset
        while true {
            let lp = nodes[i]
            while let cur = off {
                if !lp.withElementBytes(at: cur, body) { return }
                off = reverse ? lp.previous(cur) : lp.next(cur)
            }
            i += reverse ? -1 : 1
            if i < 0 || i >= Int(nodeCount) { return }
            off = reverse ? nodes[i].last : nodes[i].first
        }
    }

    /// Every element, copied, head first.
    public func elements() -> [[UInt8]] {
        var out: [[UInt8]] = []
        out.reserveCapacity(count)
        forEach { out.append(Array($0)); return true }
        return out
    }

    // MARK: - Writing

    /// Pushes `s` at the head or the tail.
    public func push(_ s: UnsafeRawBufferPointer, atHead: Bool, fill: Int) {
        let n = Int(nodeCount)
        let end = atHead ? 0 : n - 1
        if n > 0 && allowsInsert(end, size: s.count, fill: fill) {
            changeNode(end) { lp in
                if atHead { lp.insert(s, at: Listpack.headerSize) } else { lp.append(s) }
            }
        } else {
            var lp = Listpack()
            lp.append(s)
            insertNode(lp, at: atHead ? 0 : n)
        }
        count += 1
    }

    /// Removes and returns the head or tail element; nil when empty.
    public func pop(fromHead: Bool) -> [UInt8]? {
        if count == 0 { return nil }
        let i = fromHead ? 0 : Int(nodeCount) - 1
        let off = fromHead ? nodes[i].first! : nodes[i].last!
        let value = nodes[i].withElementBytes(at: off) { Array($0) }
        deleteElement(node: i, offset: off)
        return value
    }

    /// Deletes the element at (`node`, `offset`); returns the position of the element
    /// that followed it (nil at the end of the list). A node left empty is removed.
    @discardableResult
    private func deleteElement(node i: Int, offset: Int) -> (node: Int, offset: Int)? {
        let next = changeNode(i) { $0.delete(at: offset) }
        count -= 1
        if nodes[i].count == 0 {
            removeNode(i)
            return i < Int(nodeCount) ? (i, nodes[i].first!) : nil
        }
        if let o = next { return (i, o) }
        return i + 1 < Int(nodeCount) ? (i + 1, nodes[i + 1].first!) : nil
    }

    /// LSET: replaces element `index`; false when out of range.
    public func replace(at index: Int, with s: UnsafeRawBufferPointer) -> Bool {
        guard index >= 0 && index < count else { return false }
        let (i, off) = locate(index)
        changeNode(i) { _ = $0.replace(at: off, with: s) }
        return true
    }

    /// LINSERT: inserts `s` before or after the first element equal to `pivot`; false
    /// when there is no such element.
    public func insert(_ s: UnsafeRawBufferPointer, pivot: UnsafeRawBufferPointer, after: Bool, fill: Int) -> Bool {
        for i in 0..<Int(nodeCount) {
            var off = nodes[i].first
            while let o = off {
                if nodes[i].elementEquals(at: o, pivot) {
                    insert(s, node: i, pivotOffset: o, after: after, fill: fill)
                    return true
                }
                off = nodes[i].next(o)
            }
        }
        return false
    }

    /// Inserts next to the element at (`i`, `pivotOffset`). A full node is split at the
    /// insertion point (Redis splits and may merge; a split alone keeps nodes within
    /// their budget).
    private func insert(_ s: UnsafeRawBufferPointer, node i: Int, pivotOffset: Int, after: Bool, fill: Int) {
        count += 1
        let at: Int = after ? (nodes[i].next(pivotOffset) ?? nodes[i].totalBytes - 1) : pivotOffset
        if allowsInsert(i, size: s.count, fill: fill) {
            changeNode(i) { _ = $0.insert(s, at: at) }
            return
        }
        let atEnd = nodes[i].bytes[at] == 0xFF
        if atEnd {
            if i + 1 < Int(nodeCount) && allowsInsert(i + 1, size: s.count, fill: fill) {
                changeNode(i + 1) { _ = $0.insert(s, at: Listpack.headerSize) }
            } else {
                var lp = Listpack()
                lp.append(s)
                insertNode(lp, at: i + 1)
            }
            return
        }
        if at == Listpack.headerSize {
            if i > 0 && allowsInsert(i - 1, size: s.count, fill: fill) {
                changeNode(i - 1) { $0.append(s) }
            } else {
                var lp = Listpack()
                lp.append(s)
                insertNode(lp, at: i)
            }
            return
        }
        // Split: the elements from `at` on move to a new node after `i`, and `s` joins
        // the end of the first half.
        let tail = Listpack(copyingElementsOf: nodes[i], from: at)
        changeNode(i) { lp in
            lp.delete(at: at, count: Int.max)
            lp.append(s)
        }
        insertNode(tail, at: i + 1)
    }

    /// LREM: removes up to `limit` elements equal to `value` (0: all), walking from the
    /// head or the tail; returns how many went.
    public func removeMatching(_ value: UnsafeRawBufferPointer, limit: Int, fromTail: Bool) -> Int {
        var removed = 0
        if !fromTail {
            var pos: (node: Int, offset: Int)? = count > 0 ? (0, nodes[0].first!) : nil
            while let p = pos, limit == 0 || removed < limit {
                if nodes[p.node].elementEquals(at: p.offset, value) {
                    pos = deleteElement(node: p.node, offset: p.offset)
                    removed += 1
                } else if let o = nodes[p.node].next(p.offset) {
                    pos = (p.node, o)
                } else {
                    pos = p.node + 1 < Int(nodeCount) ? (p.node + 1, nodes[p.node + 1].first!) : nil
                }
            }
            return removed
        }
        var i = Int(nodeCount) - 1
        while i >= 0 && (limit == 0 || removed < limit) {
            var off = nodes[i].last
            while let o = off, limit == 0 || removed < limit {
                let prev = nodes[i].previous(o)
                if nodes[i].elementEquals(at: o, value) {
                    // Deleting moves only what follows, so `prev` stays valid.
                    changeNode(i) { _ = $0.delete(at: o) }
                    count -= 1
                    removed += 1
                }
                off = prev
            }
            if nodes[i].count == 0 { removeNode(i) }
            i -= 1
        }
        return removed
    }

    /// Removes `n` elements from the head (or the tail), whole nodes at a time where
    /// possible (LTRIM, LPOP/RPOP with a count after copying).
    public func removeRange(fromHead: Bool, count n: Int) {
        var left = min(n, count)
        while left > 0 {
            let i = fromHead ? 0 : Int(nodeCount) - 1
            let c = nodes[i].count
            if c <= left {
                removeNode(i)
                left -= c
                count -= c
                continue
            }
            if fromHead {
                changeNode(i) { $0.delete(at: Listpack.headerSize, count: left) }
            } else {
                var off = nodes[i].last!
                for _ in 1..<left { off = nodes[i].previous(off)! }
                changeNode(i) { $0.delete(at: off, count: left) }
            }
            count -= left
            left = 0
        }
    }

    // MARK: - StoredObject

    public func duplicate() -> ListValue {
        let copy = ListValue(meter: meter)
        for i in 0..<Int(nodeCount) { copy.adoptNode(nodes[i].duplicate()) }
        return copy
    }

    public func memoryUsage(samples: Int) -> Int {
        let n = Int(nodeCount)
        let arrayBytes = apus_malloc_usable_size(nodes)
        if n == 0 { return arrayBytes }
        let sampled = min(n, max(samples, 1))
        var bytes = 0
        for i in 0..<sampled { bytes += nodes[i].allocatedBytes }
        return arrayBytes + bytes * n / sampled
    }

    public var freeEffort: Int { Int(nodeCount) }

    public func detachMeter(_ m: MemoryMeter) { meter = m }

    public func digest(into d: inout DebugDigest) {
        forEach { d.mix($0); return true }
    }
}

extension Listpack {
    /// A new listpack holding copies of the elements of `source` from `offset` to its end.
    init(copyingElementsOf source: Listpack, from offset: Int) {
        let payload = source.totalBytes - 1 - offset
        self.init(capacity: Listpack.headerSize + payload + 1)
        var n = 0
        var o: Int? = offset
        while let cur = o { n += 1; o = source.next(cur) }
        self.appendRaw(UnsafeRawBufferPointer(start: source.base + offset, count: payload), elements: n)
    }
}
