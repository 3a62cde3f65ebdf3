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
//
// With list-compress-depth d > 0 every node but the d at each end is kept LZF-compressed
// (Redis's compressed quicklist nodes): a compressed node's pointer carries tag bit 0
// and points to [LZF length, raw length, element count (UInt32 each)][LZF bytes]. Reads
// of an inner node decompress into a temporary copy; writes decompress it in place and
// the operation recompresses what it touched before returning, so the invariant holds
// between commands. The RDB writer copies compressed nodes as LZF strings, as Redis does.

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
    private(set) var nodeCount: Int32 = 0
    /// list-compress-depth at creation (Redis applies it per list, when created).
    let compressDepth: Int32
    public private(set) var count: Int = 0
    /// Set while a BGSAVE copies this list node by node; the first change copies the
    /// nodes not yet sent before it happens (see Snapshot).
    unowned(unsafe) var snapshotStream: CollectionStream?

    public init(meter: MemoryMeter, compressDepth: Int = 0) {
        self.meter = meter
        self.compressDepth = Int32(min(max(compressDepth, 0), 65535))
        nodes = UnsafeMutablePointer<Listpack>.allocate(capacity: 1)
        meter.bytes += apus_malloc_usable_size(nodes)
    }

    deinit {
        for i in 0..<Int(nodeCount) {
            meter.bytes -= nodeAllocatedBytes(i)
            freeNode(i)
        }
        meter.bytes -= apus_malloc_usable_size(nodes)
        nodes.deallocate()
    }

    /// Slots in the node array (its malloc size tells).
    private var nodeCapacity: Int { apus_malloc_usable_size(nodes) / MemoryLayout<Listpack>.stride }

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
        ensureRaw(i)
        return ListValue.allows(nodeBytes: nodes[i].totalBytes, nodeCount: nodes[i].count, adding: size,
                         fill: ListValue.clampFill(fill))
    }

    /// Runs a change of node `i` and counts how its allocation changed.
    @inline(__always)
    private func changeNode<R>(_ i: Int, _ change: (inout Listpack) -> R) -> R {
        ensureRaw(i)
        // A plain inner node (too small to compress before) may be worth it now.
        if compressDepth > 0 { ListValue.touched.append(i) }
        let before = nodes[i].allocatedBytes
        let r = change(&nodes[i])
        meter.bytes += nodes[i].allocatedBytes - before
        return r
    }

    /// Inserts `lp` as node `i` (0 = new head); takes ownership.
    private func insertNode(_ lp: Listpack, at i: Int) {
        if Int(nodeCount) == nodeCapacity {
            let old = apus_malloc_usable_size(nodes)
            let cap = nodeCapacity * 2
            let grown = UnsafeMutablePointer<Listpack>.allocate(capacity: cap)
            grown.moveInitialize(from: nodes, count: Int(nodeCount))
            nodes.deallocate()
            nodes = grown
            meter.bytes += apus_malloc_usable_size(nodes) - old
        }
        let n = Int(nodeCount)
        if i < n { (nodes + i + 1).moveInitialize(from: nodes + i, count: n - i) }
        (nodes + i).initialize(to: lp)
        nodeCount += 1
        meter.bytes += lp.allocatedBytes
        if compressDepth > 0 { nodesShifted(at: i, inserted: true) }
    }

    /// Frees node `i` and closes the gap.
    private func removeNode(_ i: Int) {
        meter.bytes -= nodeAllocatedBytes(i)
        freeNode(i)
        let n = Int(nodeCount)
        if i < n - 1 { (nodes + i).moveInitialize(from: nodes + i + 1, count: n - i - 1) }
        nodeCount -= 1
        if nodeCapacity > 8 && Int(nodeCount) * 4 < nodeCapacity {
            let old = apus_malloc_usable_size(nodes)
            let shrunk = UnsafeMutablePointer<Listpack>.allocate(capacity: nodeCapacity / 2)
            shrunk.moveInitialize(from: nodes, count: Int(nodeCount))
            nodes.deallocate()
            nodes = shrunk
            meter.bytes += apus_malloc_usable_size(nodes) - old
        }
        if compressDepth > 0 { nodesShifted(at: i, inserted: false) }
    }

    /// Calls `body` with node `i` as a plain listpack (a decompressed copy when it is
    /// compressed); the list is left as it was.
    func withNode<R>(_ i: Int, _ body: (Listpack) -> R) -> R { withRaw(i, body) }

    /// The bytes of every node as plain listpacks (DEBUG OBJECT's ql_uncompressed_size).
    var uncompressedSize: Int {
        (0..<Int(nodeCount)).reduce(0) { sum, i in
            sum + (isCompressed(i) ? Int(blob(i).load(fromByteOffset: 4, as: UInt32.self)) : nodes[i].totalBytes)
        }
    }

    /// True when node `i` is kept compressed.
    func nodeIsCompressed(_ i: Int) -> Bool { isCompressed(i) }

    /// Node `i` as the RDB writer stores it: the listpack, or its LZF form.
    enum StoredNode {
        case packed(Listpack)
        case compressed(lzf: UnsafeRawBufferPointer, rawLength: Int)
    }

    func storedNode(_ i: Int) -> StoredNode {
        if !isCompressed(i) { return .packed(nodes[i]) }
        let b = blob(i)
        return .compressed(lzf: UnsafeRawBufferPointer(start: b + 12, count: Int(b.load(as: UInt32.self))),
                           rawLength: Int(b.load(fromByteOffset: 4, as: UInt32.self)))
    }

    // MARK: - Compression (list-compress-depth)

    /// Redis's thresholds: nodes under 48 bytes stay raw, and so does a node LZF
    /// cannot shrink by at least 8 bytes.
    static let minCompressBytes = 48
    static let minCompressImprove = 8
    nonisolated(unsafe) private static let compressor = LZFCompressor()
    /// Indexes of nodes whose compression state may be wrong until `settle` runs. One
    /// shared list: list operations never nest (reads decompress into copies).
    nonisolated(unsafe) private static var touched: [Int] = []

    @inline(__always) private func isCompressed(_ i: Int) -> Bool {
        UInt(bitPattern: nodes[i].base) & 1 != 0
    }

    @inline(__always) private func blob(_ i: Int) -> UnsafeMutableRawPointer {
        UnsafeMutableRawPointer(bitPattern: UInt(bitPattern: nodes[i].base) & ~1)!
    }

    /// Elements in node `i`, without decompressing it.
    @inline(__always) private func elementCount(_ i: Int) -> Int {
        isCompressed(i) ? Int(blob(i).load(fromByteOffset: 8, as: UInt32.self)) : nodes[i].count
    }

    private func nodeAllocatedBytes(_ i: Int) -> Int {
        isCompressed(i) ? apus_malloc_usable_size(blob(i)) : nodes[i].allocatedBytes
    }

    private func freeNode(_ i: Int) {
        if isCompressed(i) { Glibc.free(blob(i)) } else { nodes[i].free() }
    }

    /// The listpack of a compressed node, decompressed into a new allocation.
    private func decompressed(_ i: Int) -> Listpack {
        let b = blob(i)
        let lzfLength = Int(b.load(as: UInt32.self)), rawLength = Int(b.load(fromByteOffset: 4, as: UInt32.self))
        let raw = malloc(rawLength)!
        let n = LZF.decompress(UnsafeRawBufferPointer(start: b + 12, count: lzfLength),
                               into: UnsafeMutableRawBufferPointer(start: raw, count: rawLength))
        precondition(n == rawLength, "corrupt compressed list node")
        return Listpack(adoptingBase: raw.assumingMemoryBound(to: UInt8.self))
    }

    /// Makes node `i` a plain listpack (in place), remembering to settle it later.
    @inline(__always) private func ensureRaw(_ i: Int) {
        guard isCompressed(i) else { return }
        let lp = decompressed(i)
        meter.bytes += lp.allocatedBytes - nodeAllocatedBytes(i)
        Glibc.free(blob(i))
        nodes[i] = lp
        ListValue.touched.append(i)
    }

    /// Calls `body` with node `i` as a listpack; a compressed node is decompressed into
    /// a temporary copy, so reading leaves the list as it was.
    @inline(__always) private func withRaw<R>(_ i: Int, _ body: (Listpack) -> R) -> R {
        if !isCompressed(i) { return body(nodes[i]) }
        let lp = decompressed(i)
        defer { lp.free() }
        return body(lp)
    }

    /// Compresses node `i` when that saves enough (__quicklistCompressNode).
    private func compress(_ i: Int) {
        let lp = nodes[i]
        let size = lp.totalBytes
        if size < ListValue.minCompressBytes { return }
        let b = malloc(12 + size)!
        let n = ListValue.compressor.compress(lp.bytes, into: UnsafeMutableRawBufferPointer(start: b + 12, count: size))
        if n == 0 || n + ListValue.minCompressImprove >= size {
            Glibc.free(b)
            return
        }
        b.storeBytes(of: UInt32(n), as: UInt32.self)
        b.storeBytes(of: UInt32(size), toByteOffset: 4, as: UInt32.self)
        b.storeBytes(of: UInt32(lp.count), toByteOffset: 8, as: UInt32.self)
        let shrunk = realloc(b, 12 + n)!
        meter.bytes += apus_malloc_usable_size(shrunk) - lp.allocatedBytes
        lp.free()
        nodes[i] = Listpack(adoptingBase: UnsafeMutablePointer<UInt8>(bitPattern: UInt(bitPattern: shrunk) | 1)!)
    }

    /// A node entered or left at `i`: indexes of touched nodes move, and the nodes at the
    /// depth boundaries may have crossed them.
    private func nodesShifted(at i: Int, inserted: Bool) {
        var t = ListValue.touched
        for k in t.indices {
            if inserted { if t[k] >= i { t[k] += 1 } } else if t[k] > i { t[k] -= 1 } else if t[k] == i { t[k] = -1 }
        }
        let n = Int(nodeCount), d = Int(compressDepth)
        t.append(contentsOf: [i, i - 1, i + 1, d - 1, d, n - d - 1, n - d])
        ListValue.touched = t
    }

    /// Restores the invariant for the touched nodes: the `compressDepth` nodes at each
    /// end plain, the others compressed. Ends every public operation that may have
    /// decompressed or moved nodes.
    @inline(__always) private func settle() {
        if ListValue.touched.isEmpty { return }
        settleTouched()
    }

    private func settleTouched() {
        let t = ListValue.touched
        ListValue.touched.removeAll(keepingCapacity: true)
        if compressDepth == 0 { return }
        let n = Int(nodeCount), d = Int(compressDepth)
        for i in Set(t) where i >= 0 && i < n {
            let inner = i >= d && i < n - d
            if inner && !isCompressed(i) {
                compress(i)
            } else if !inner && isCompressed(i) {
                ensureRaw(i)
            }
        }
        // Decompressing above only adds indexes that are outer by construction.
        ListValue.touched.removeAll(keepingCapacity: true)
    }

    /// Appends a validated listpack as the new tail node (RDB, RESTORE); empty ones are
    /// freed, as Redis skips them.
    func adoptNode(_ lp: Listpack) {
        let n = lp.count
        if n == 0 { lp.free(); return }
        insertNode(lp, at: Int(nodeCount))
        count += n
        settle()
    }

    // MARK: - Positions

    /// The node holding element `index` (0-based from the head) and the element's
    /// offset in it, walking from whichever end is nearer.
    private func locate(_ index: Int) -> (node: Int, local: Int) {
        precondition(index >= 0 && index < count)
        var i: Int
        var local: Int
        if index < count / 2 {
            i = 0
            local = index
            while local >= elementCount(i) { local -= elementCount(i); i += 1 }
        } else {
            i = Int(nodeCount) - 1
            var fromEnd = count - 1 - index
            while fromEnd >= elementCount(i) { fromEnd -= elementCount(i); i -= 1 }
            local = elementCount(i) - 1 - fromEnd
        }
        return (i, local)
    }

    /// The offset of element `local` (0-based) inside `lp`, walking from the nearer end.
    private static func offset(in lp: Listpack, of local: Int) -> Int {
        let n = lp.count
        var off: Int
        if local < n / 2 {
            off = lp.first!
            for _ in 0..<local { off = lp.next(off)! }
        } else {
            off = lp.last!
            for _ in 0..<(n - 1 - local) { off = lp.previous(off)! }
        }
        return off
    }

    // MARK: - Reading

    /// Calls `body` with element `index` (0 = head); nil when out of range.
    public func withElement<R>(at index: Int, _ body: (UnsafeRawBufferPointer) -> R) -> R? {
        guard index >= 0 && index < count else { return nil }
        let (i, local) = locate(index)
        return withRaw(i) { lp in lp.withElementBytes(at: ListValue.offset(in: lp, of: local), body) }
    }

    /// Walks the elements from `start` (0 = head) towards the tail, or with `reverse`
    /// from `start` counted from the tail towards the head; `body` returns false to stop.
    public func forEach(from start: Int = 0, reverse: Bool = false, _ body: (UnsafeRawBufferPointer) -> Bool) {
        guard start >= 0 && start < count else { return }
        let first = locate(reverse ? count - 1 - start : start)
        var i = first.node
        var local: Int? = first.local
        while true {
            let more = withRaw(i) { lp -> Bool in
                var off: Int? = local.map { ListValue.offset(in: lp, of: $0) } ?? (reverse ? lp.last : lp.first)
                while let cur = off {
                    if !lp.withElementBytes(at: cur, body) { return false }
                    off = reverse ? lp.previous(cur) : lp.next(cur)
                }
                return true
            }
            if !more { return }
            i += reverse ? -1 : 1
            if i < 0 || i >= Int(nodeCount) { return }
            local = nil
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
        snapshotStream?.listWillChange()
        defer { settle() }
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
        snapshotStream?.listWillChange()
        if count == 0 { return nil }
        defer { settle() }
        let i = fromHead ? 0 : Int(nodeCount) - 1
        ensureRaw(i)
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
            guard i < Int(nodeCount) else { return nil }
            ensureRaw(i)
            return (i, nodes[i].first!)
        }
        if let o = next { return (i, o) }
        guard i + 1 < Int(nodeCount) else { return nil }
        ensureRaw(i + 1)
        return (i + 1, nodes[i + 1].first!)
    }

    /// LSET: replaces element `index`; false when out of range.
    public func replace(at index: Int, with s: UnsafeRawBufferPointer) -> Bool {
        snapshotStream?.listWillChange()
        guard index >= 0 && index < count else { return false }
        defer { settle() }
        let (i, local) = locate(index)
        ensureRaw(i)
        let off = ListValue.offset(in: nodes[i], of: local)
        changeNode(i) { _ = $0.replace(at: off, with: s) }
        return true
    }

    /// LINSERT: inserts `s` before or after the first element equal to `pivot`; false
    /// when there is no such element.
    public func insert(_ s: UnsafeRawBufferPointer, pivot: UnsafeRawBufferPointer, after: Bool, fill: Int) -> Bool {
        snapshotStream?.listWillChange()
        defer { settle() }
        for i in 0..<Int(nodeCount) {
            // Searched in a copy when compressed: the same bytes, so the same offset.
            let found = withRaw(i) { lp -> Int? in
                var off = lp.first
                while let o = off {
                    if lp.elementEquals(at: o, pivot) { return o }
                    off = lp.next(o)
                }
                return nil
            }
            if let o = found {
                ensureRaw(i)
                insert(s, node: i, pivotOffset: o, after: after, fill: fill)
                return true
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
        snapshotStream?.listWillChange()
        var removed = 0
        defer { settle() }
        if !fromTail {
            if count > 0 { ensureRaw(0) }
            var pos: (node: Int, offset: Int)? = count > 0 ? (0, nodes[0].first!) : nil
            while let p = pos, limit == 0 || removed < limit {
                if nodes[p.node].elementEquals(at: p.offset, value) {
                    pos = deleteElement(node: p.node, offset: p.offset)
                    removed += 1
                } else if let o = nodes[p.node].next(p.offset) {
                    pos = (p.node, o)
                } else if p.node + 1 < Int(nodeCount) {
                    ensureRaw(p.node + 1)
                    pos = (p.node + 1, nodes[p.node + 1].first!)
                } else {
                    pos = nil
                }
            }
            return removed
        }
        var i = Int(nodeCount) - 1
        while i >= 0 && (limit == 0 || removed < limit) {
            ensureRaw(i)
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
        snapshotStream?.listWillChange()
        defer { settle() }
        var left = min(n, count)
        while left > 0 {
            let i = fromHead ? 0 : Int(nodeCount) - 1
            let c = elementCount(i)
            if c <= left {
                removeNode(i)
                left -= c
                count -= c
                continue
            }
            ensureRaw(i)
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
        let copy = ListValue(meter: meter, compressDepth: Int(compressDepth))
        for i in 0..<Int(nodeCount) { copy.adoptNode(withRaw(i) { $0.duplicate() }) }
        return copy
    }

    public func memoryUsage(samples: Int) -> Int {
        let n = Int(nodeCount)
        let arrayBytes = apus_malloc_usable_size(nodes)
        if n == 0 { return arrayBytes }
        let sampled = min(n, max(samples, 1))
        var bytes = 0
        for i in 0..<sampled { bytes += nodeAllocatedBytes(i) }
        return arrayBytes + bytes * n / sampled
    }

    public var freeEffort: Int { Int(nodeCount) }

    public func detachMeter(_ m: MemoryMeter) { meter = m }

    public var isStreamedBySnapshot: Bool { snapshotStream != nil }

    /// Elements in node `i` (the snapshot paces its copying by them).
    func nodeElementCount(_ i: Int) -> Int { elementCount(i) }

    /// Lists keep their object: a list's node array is its own allocation anyway.
    public func surrenderCompactBlock() -> UnsafeMutableRawPointer? { nil }

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
