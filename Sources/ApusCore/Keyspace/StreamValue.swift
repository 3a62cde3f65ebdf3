// The stream type (Redis's t_stream.c data structure). Entries live in packed nodes:
// each node is a listpack in exactly 7.0's stream layout, so RDB and DUMP write the
// nodes' bytes as they are and a real Redis reads them back unchanged:
//
//   master entry:  count, deleted, #fields, field_1 ... field_N, 0
//   each entry:    flags, ms-delta, seq-delta, [#fields, field_1, value_1, ... |
//                  value_1 ... value_N when its fields are the master's], lp-count
//
// IDs are stored as deltas from the node's first ("master") ID; flags mark deleted
// entries (tombstones, reclaimed when their node goes) and entries sharing the master
// entry's field names, which are then not repeated. Redis indexes the nodes with a
// radix tree keyed by the master ID; here a sorted array of master IDs beside the
// nodes serves the same lookups (binary search) with a few bytes per node, and an
// append touches only the last node. Nodes close at stream-node-max-bytes or
// stream-node-max-entries, as in Redis, and a closed node gives back its slack.
//
// Consumer groups and their pending-entry lists are in StreamGroups.swift.

import Glibc
import CApusSys

/// A stream entry ID: milliseconds and a sequence number, ordered as a pair.
public struct StreamID: Comparable, Hashable, Sendable {
    public var ms: UInt64
    public var seq: UInt64

    public init(ms: UInt64, seq: UInt64) { self.ms = ms; self.seq = seq }

    public static let zero = StreamID(ms: 0, seq: 0)
    public static let max = StreamID(ms: .max, seq: .max)

    public static func < (a: StreamID, b: StreamID) -> Bool {
        a.ms != b.ms ? a.ms < b.ms : a.seq < b.seq
    }

    public var isZero: Bool { ms == 0 && seq == 0 }

    /// The next ID, nil past the last possible one (streamIncrID's error).
    public var successor: StreamID? {
        if seq == .max { return ms == .max ? nil : StreamID(ms: ms + 1, seq: 0) }
        return StreamID(ms: ms, seq: seq + 1)
    }

    /// The previous ID, nil before 0-0 (streamDecrID's error).
    public var predecessor: StreamID? {
        if seq == 0 { return ms == 0 ? nil : StreamID(ms: ms - 1, seq: .max) }
        return StreamID(ms: ms, seq: seq - 1)
    }

    /// "<ms>-<seq>".
    public var text: [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(41)
        StreamID.appendDecimal(ms, to: &out)
        out.append(UInt8(ascii: "-"))
        StreamID.appendDecimal(seq, to: &out)
        return out
    }

    static func appendDecimal(_ v: UInt64, to out: inout [UInt8]) {
        if v == 0 { out.append(UInt8(ascii: "0")); return }
        var digits: [UInt8] = []
        var x = v
        while x > 0 { digits.append(UInt8(ascii: "0") + UInt8(x % 10)); x /= 10 }
        out.append(contentsOf: digits.reversed())
    }

    /// The 16-byte big-endian form Redis uses as radix-tree key and in RDB files.
    public var encoded: [UInt8] {
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<8 {
            b[i] = UInt8(truncatingIfNeeded: ms >> (56 - 8 * UInt64(i)))
            b[8 + i] = UInt8(truncatingIfNeeded: seq >> (56 - 8 * UInt64(i)))
        }
        return b
    }

    public init(encoded b: UnsafeRawBufferPointer) {
        var m: UInt64 = 0, s: UInt64 = 0
        for i in 0..<8 {
            m = m << 8 | UInt64(b[i])
            s = s << 8 | UInt64(b[8 + i])
        }
        self.init(ms: m, seq: s)
    }
}

public final class StreamValue: StoredObject {
    public static var objectType: ObjectType { .stream }
    public var encoding: ObjectEncoding { .stream }

    static let flagDeleted: Int64 = 1
    static let flagSameFields: Int64 = 2
    /// Redis's STREAM_LISTPACK_MAX_SIZE: no node, and no entry, grows past 1 GB.
    static let maxNodeBytes = 1 << 30
    /// What a new node starts with besides its first entry.
    static let firstCapacity = 128

    private(set) var meter: MemoryMeter
    /// Master IDs, ascending, one per node.
    private(set) var masters: [StreamID] = []
    private(set) var nodes: [Listpack] = []
    /// Live entries.
    public internal(set) var length: UInt64 = 0
    public internal(set) var lastID = StreamID.zero
    /// The first live entry's ID (0-0 when empty).
    public internal(set) var firstID = StreamID.zero
    public internal(set) var maxDeletedID = StreamID.zero
    public internal(set) var entriesAdded: UInt64 = 0
    /// Consumer groups, sorted by name as bytes (the order Redis's radix tree lists them).
    var groups: [StreamGroup] = []
    /// Bumped by what wakes blocked readers in 7.0 (an XADD, a group destroyed); other
    /// changes (XDEL, XTRIM, EXPIRE) leave them waiting.
    var wakeups: UInt64 = 0
    /// Tells streams apart across a key's deletion and re-creation (an address may be
    /// reused; this never is).
    let serial: UInt64 = StreamValue.nextSerial()

    nonisolated(unsafe) private static var serials: UInt64 = 0
    private static func nextSerial() -> UInt64 {
        serials &+= 1
        return serials
    }

    public init(meter: MemoryMeter) {
        self.meter = meter
    }

    deinit {
        for i in nodes.indices {
            meter.bytes -= nodes[i].allocatedBytes
            nodes[i].free()
        }
        for g in groups { meter.bytes -= g.accountedBytes }
    }

    public var nodeCount: Int { nodes.count }

    /// Each node's master ID and listpack, in order (RDB, DUMP).
    func forEachNode(_ body: (StreamID, Listpack) -> Void) {
        for i in nodes.indices { body(masters[i], nodes[i]) }
    }

    // MARK: - Node structure

    /// What a node's master entry says.
    struct NodeInfo {
        var count: Int64
        var deleted: Int64
        var fieldCount: Int
        var fieldsStart: Int
        var firstEntry: Int?
    }

    func info(_ i: Int) -> NodeInfo {
        let lp = nodes[i]
        var p = lp.first!
        let count = lp.integer(at: p); p = lp.next(p)!
        let deleted = lp.integer(at: p); p = lp.next(p)!
        let n = Int(lp.integer(at: p))
        var q = lp.next(p)!
        let start = q
        for _ in 0..<n { q = lp.next(q)! }
        return NodeInfo(count: count, deleted: deleted, fieldCount: n, fieldsStart: start, firstEntry: lp.next(q))
    }

    /// One entry of a node, as read from its listpack.
    struct Entry {
        var node: Int
        /// Offset of the flags element.
        var offset: Int
        var id: StreamID
        var flags: Int64
        var fieldCount: Int
        /// The first field (or, with the master's fields, the first value).
        var dataStart: Int
        /// The next entry's flags, nil at the node's end.
        var next: Int?
        var isDeleted: Bool { flags & StreamValue.flagDeleted != 0 }
        var sameFields: Bool { flags & StreamValue.flagSameFields != 0 }
    }

    func entry(node i: Int, at off: Int, _ info: NodeInfo) -> Entry {
        let lp = nodes[i]
        let flags = lp.integer(at: off)
        var p = lp.next(off)!
        let msd = lp.integer(at: p); p = lp.next(p)!
        let sqd = lp.integer(at: p); p = lp.next(p)!
        let same = flags & StreamValue.flagSameFields != 0
        var n = info.fieldCount
        if !same { n = Int(lp.integer(at: p)); p = lp.next(p)! }
        var q = p
        for _ in 0..<(same ? n : 2 * n) { q = lp.next(q)! }
        let m = masters[i]
        let id = StreamID(ms: m.ms &+ UInt64(bitPattern: msd), seq: m.seq &+ UInt64(bitPattern: sqd))
        return Entry(node: i, offset: off, id: id, flags: flags, fieldCount: n, dataStart: p, next: lp.next(q))
    }

    /// Calls `body` with each field and value of `e`, in order.
    func forEachField(_ e: Entry, _ info: NodeInfo, _ body: (UnsafeRawBufferPointer, UnsafeRawBufferPointer) -> Void) {
        let lp = nodes[e.node]
        if e.sameFields {
            var f = info.fieldsStart, v = e.dataStart
            for k in 0..<e.fieldCount {
                lp.withElementBytes(at: f) { fb in lp.withElementBytes(at: v) { vb in body(fb, vb) } }
                if k + 1 < e.fieldCount { f = lp.next(f)!; v = lp.next(v)! }
            }
        } else {
            var p = e.dataStart
            for k in 0..<e.fieldCount {
                let v = lp.next(p)!
                lp.withElementBytes(at: p) { fb in lp.withElementBytes(at: v) { vb in body(fb, vb) } }
                if k + 1 < e.fieldCount { p = lp.next(v)! }
            }
        }
    }

    /// The index of the last node whose master ID is <= `id`, nil when there is none.
    func nodeIndex(atOrBefore id: StreamID) -> Int? {
        var lo = 0, hi = masters.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if masters[mid] <= id { lo = mid + 1 } else { hi = mid }
        }
        return lo == 0 ? nil : lo - 1
    }

    // MARK: - Iteration

    /// Visits the entries with `start` <= ID <= `end` in ID order (`reverse`: from the
    /// end down), skipping tombstones unless asked; `body` returns false to stop. The
    /// stream must not change during the walk.
    func forEachEntry(from start: StreamID = .zero, to end: StreamID = .max, reverse: Bool = false,
                      tombstones: Bool = false, _ body: (Entry, NodeInfo) -> Bool) {
        if nodes.isEmpty || start > end { return }
        if !reverse {
            var i = nodeIndex(atOrBefore: start) ?? 0
            while i < nodes.count {
                if masters[i] > end { return }
                let inf = info(i)
                var off = inf.firstEntry
                while let o = off {
                    let e = entry(node: i, at: o, inf)
                    off = e.next
                    if e.id < start || (e.isDeleted && !tombstones) { continue }
                    if e.id > end { return }
                    if !body(e, inf) { return }
                }
                i += 1
            }
        } else {
            guard var i = nodeIndex(atOrBefore: end) else { return }
            while i >= 0 {
                let inf = info(i)
                var entries: [Entry] = []
                var off = inf.firstEntry
                while let o = off {
                    let e = entry(node: i, at: o, inf)
                    entries.append(e)
                    off = e.next
                }
                for e in entries.reversed() {
                    if e.id > end || (e.isDeleted && !tombstones) { continue }
                    if e.id < start { return }
                    if !body(e, inf) { return }
                }
                i -= 1
            }
        }
    }

    /// The first (or last) live entry's ID, nil when the stream is empty of them.
    func edgeID(first: Bool) -> StreamID? {
        var found: StreamID?
        forEachEntry(reverse: !first) { e, _ in found = e.id; return false }
        return found
    }

    /// The first or last entry ID including tombstones (streamGetEdgeID with
    /// skip_tombstones off): what an approximate trim leaves as the first ID.
    func edgeIDIncludingTombstones(first: Bool) -> StreamID {
        var found: StreamID?
        forEachEntry(reverse: !first, tombstones: true) { e, _ in found = e.id; return false }
        return found ?? (first ? .max : .zero)
    }

    func contains(_ id: StreamID) -> Bool {
        var hit = false
        forEachEntry(from: id, to: id) { _, _ in hit = true; return false }
        return hit
    }

    // MARK: - Appending

    enum AppendError: Error { case idTooSmall, tooLarge }

    /// Adds an entry (Redis's streamAppendItem) under `id`, which the caller derived
    /// from the last ID and checked. `fields` pairs are read through `pair(k)`.
    func append(id: StreamID, pairs n: Int, field: (Int) -> UnsafeRawBufferPointer,
                value: (Int) -> UnsafeRawBufferPointer, nodeMaxBytes: Int, nodeMaxEntries: Int) throws {
        if id <= lastID { throw AppendError.idTooSmall }
        var total = 0
        for k in 0..<n { total += field(k).count + value(k).count }
        if total > StreamValue.maxNodeBytes { throw AppendError.tooLarge }

        var tail = nodes.isEmpty ? nil : nodes.count - 1
        if let t = tail {
            var limit = nodeMaxBytes
            if limit == 0 || limit > StreamValue.maxNodeBytes { limit = StreamValue.maxNodeBytes }
            var newNode = nodes[t].totalBytes + total >= limit
            if !newNode && nodeMaxEntries > 0 {
                let lp = nodes[t]
                let p = lp.first!
                newNode = lp.integer(at: p) + lp.integer(at: lp.next(p)!) >= Int64(nodeMaxEntries)
            }
            if newNode {
                changeNode(t) { $0.shrinkToFit() }
                tail = nil
            }
        }

        var flags: Int64 = 0
        let t: Int
        if let existing = tail {
            t = existing
            let lp = nodes[t]
            let first = lp.first!
            let count = lp.integer(at: first)
            changeNode(t) { $0.replaceInteger(at: first, with: count + 1) }
            let inf = info(t)
            if inf.fieldCount == n {
                var f = inf.fieldsStart
                var same = true
                let node = nodes[t]
                for k in 0..<n {
                    if !node.elementEquals(at: f, field(k)) { same = false; break }
                    if k + 1 < n { f = node.next(f)! }
                }
                if same { flags |= StreamValue.flagSameFields }
            }
        } else {
            // Redis gives every new node 4 KB up front; a node here starts with room for
            // its master entry and a few entries and doubles as it fills, so a stream of
            // a few entries costs a few hundred bytes.
            var lp = Listpack(capacity: StreamValue.firstCapacity + 2 * total)
            lp.appendInteger(1)
            lp.appendInteger(0)
            lp.appendInteger(Int64(n))
            for k in 0..<n { lp.append(field(k)) }
            lp.appendInteger(0)
            masters.append(id)
            nodes.append(lp)
            meter.bytes += lp.allocatedBytes
            t = nodes.count - 1
            flags |= StreamValue.flagSameFields
        }
        let master = masters[t]
        let same = flags & StreamValue.flagSameFields != 0
        changeNode(t) { lp in
            // Room for the entry, doubling the node's block (never past the node limit).
            let need = lp.totalBytes + total + 12 * (2 * n + 5)
            if lp.allocatedBytes < need {
                let limit = nodeMaxBytes == 0 || nodeMaxBytes > StreamValue.maxNodeBytes ? StreamValue.maxNodeBytes : nodeMaxBytes
                lp.reserveCapacity(min(max(need, 2 * lp.allocatedBytes), max(need, limit)))
            }
            lp.appendInteger(flags)
            lp.appendInteger(Int64(bitPattern: id.ms &- master.ms))
            lp.appendInteger(Int64(bitPattern: id.seq &- master.seq))
            if !same { lp.appendInteger(Int64(n)) }
            for k in 0..<n {
                if !same { lp.append(field(k)) }
                lp.append(value(k))
            }
            lp.appendInteger(Int64(n + 3 + (same ? 0 : n + 1)))
        }
        length += 1
        entriesAdded &+= 1
        wakeups &+= 1
        lastID = id
        if length == 1 { firstID = id }
    }

    /// Applies a change to node `i`, keeping the memory count right.
    private func changeNode(_ i: Int, _ change: (inout Listpack) -> Void) {
        let before = nodes[i].allocatedBytes
        change(&nodes[i])
        meter.bytes += nodes[i].allocatedBytes - before
    }

    private func removeNodes(_ range: Range<Int>) {
        for i in range {
            meter.bytes -= nodes[i].allocatedBytes
            nodes[i].free()
        }
        nodes.removeSubrange(range)
        masters.removeSubrange(range)
    }

    // MARK: - Deleting

    /// Marks entry `id` deleted (XDEL); a node whose last live entry goes is dropped.
    /// True if a live entry had that ID.
    @discardableResult
    func delete(_ id: StreamID) -> Bool {
        var target: Entry?
        forEachEntry(from: id, to: id) { e, _ in target = e; return false }
        guard let e = target else { return false }
        let i = e.node
        changeNode(i) { $0.replaceInteger(at: e.offset, with: e.flags | StreamValue.flagDeleted) }
        let lp = nodes[i]
        let p = lp.first!
        let count = lp.integer(at: p)
        if count == 1 {
            removeNodes(i..<(i + 1))
        } else {
            changeNode(i) { $0.replaceInteger(at: p, with: count - 1) }
            let q = nodes[i].next(p)!
            let deleted = nodes[i].integer(at: q)
            changeNode(i) { $0.replaceInteger(at: q, with: deleted + 1) }
        }
        length -= 1
        return true
    }

    enum TrimStrategy { case maxLength(UInt64), minID(StreamID) }

    /// Removes entries from the head (Redis's streamTrim): whole nodes while they fit the
    /// strategy and `limit` (0: none); then, unless `approximate`, marks the leading
    /// entries of the next node deleted. Returns how many entries went.
    func trim(_ strategy: TrimStrategy, approximate: Bool, limit: Int64) -> Int64 {
        var deleted: Int64 = 0
        var dropped = 0
        while dropped < nodes.count {
            if case .maxLength(let maxlen) = strategy, length <= maxlen { break }
            let i = dropped
            let lp = nodes[i]
            let entries = lp.integer(at: lp.first!)
            if limit > 0 && deleted + entries > limit { break }
            let removeNode: Bool
            switch strategy {
            case .maxLength(let maxlen):
                removeNode = length - UInt64(entries) >= maxlen
            case .minID(let minID):
                removeNode = lastIDInNode(i) < minID
            }
            if removeNode {
                length -= UInt64(entries)
                deleted += entries
                dropped += 1
                continue
            }
            if approximate { break }
            // Mark entries of this node deleted from its start.
            let inf = info(i)
            var marked: Int64 = 0
            var off = inf.firstEntry
            while let o = off {
                let e = entry(node: i, at: o, inf)
                off = e.next
                let stop: Bool
                switch strategy {
                case .maxLength(let maxlen): stop = length <= maxlen
                case .minID(let minID): stop = e.id >= minID
                }
                if stop { break }
                if !e.isDeleted {
                    changeNode(i) { $0.replaceInteger(at: e.offset, with: e.flags | StreamValue.flagDeleted) }
                    marked += 1
                    length -= 1
                }
            }
            deleted += marked
            let first = nodes[i].first!
            changeNode(i) { $0.replaceInteger(at: first, with: entries - marked) }
            let q = nodes[i].next(nodes[i].first!)!
            let wasDeleted = nodes[i].integer(at: q)
            changeNode(i) { $0.replaceInteger(at: q, with: wasDeleted + marked) }
            break
        }
        if dropped > 0 { removeNodes(0..<dropped) }
        if length == 0 {
            firstID = .zero
        } else if deleted > 0 {
            firstID = edgeID(first: true) ?? .zero
        }
        return deleted
    }

    /// The ID of a node's last entry, deleted or not.
    private func lastIDInNode(_ i: Int) -> StreamID {
        let inf = info(i)
        var last = masters[i]
        var off = inf.firstEntry
        while let o = off {
            let e = entry(node: i, at: o, inf)
            last = e.id
            off = e.next
        }
        return last
    }

    // MARK: - Consumer-group accounting helpers

    /// True when an entry between `start` and `end` may have been deleted (Redis's
    /// streamRangeHasTombstones), which makes read counters unreliable there.
    func rangeHasTombstones(from start: StreamID = .zero, to end: StreamID = .max) -> Bool {
        if length == 0 || maxDeletedID.isZero { return false }
        if firstID > maxDeletedID { return false }
        return start <= maxDeletedID && maxDeletedID <= end
    }

    /// The logical read counter of `id` (Redis's streamEstimateDistanceFromFirstEverEntry),
    /// nil when it cannot be known.
    func estimatedEntriesRead(at id: StreamID) -> Int64? {
        if entriesAdded == 0 { return 0 }
        if length == 0 && id <= lastID { return Int64(bitPattern: entriesAdded) }
        if id == lastID { return Int64(bitPattern: entriesAdded) }
        if id > lastID { return nil }
        if maxDeletedID.isZero || maxDeletedID < firstID {
            if id < firstID { return Int64(bitPattern: entriesAdded &- length) }
            if id == firstID { return Int64(bitPattern: entriesAdded &- length &+ 1) }
        }
        return nil
    }

    /// A group's lag (XINFO), nil when it cannot be computed.
    func lag(of g: StreamGroup) -> Int64? {
        if entriesAdded == 0 { return 0 }
        if g.entriesRead != -1 && !rangeHasTombstones(from: g.lastID) {
            return Int64(bitPattern: entriesAdded) &- g.entriesRead
        }
        if let read = estimatedEntriesRead(at: g.lastID) { return Int64(bitPattern: entriesAdded) &- read }
        return nil
    }

    // MARK: - Groups

    /// The position of group `name`, or where it would go.
    func groupIndex(_ name: UnsafeRawBufferPointer) -> (Int, Bool) {
        StreamGroup.position(of: name, count: groups.count) { groups[$0].name }
    }

    func group(_ name: UnsafeRawBufferPointer) -> StreamGroup? {
        let (i, found) = groupIndex(name)
        return found ? groups[i] : nil
    }

    /// Creates a group; nil if the name is taken.
    func createGroup(_ name: UnsafeRawBufferPointer, lastID: StreamID, entriesRead: Int64) -> StreamGroup? {
        let (i, found) = groupIndex(name)
        if found { return nil }
        let g = StreamGroup(name: Array(name), lastID: lastID, entriesRead: entriesRead, meter: meter)
        groups.insert(g, at: i)
        return g
    }

    func destroyGroup(_ name: UnsafeRawBufferPointer) -> Bool {
        let (i, found) = groupIndex(name)
        if !found { return false }
        meter.bytes -= groups[i].accountedBytes
        groups.remove(at: i)
        wakeups &+= 1
        return true
    }

    // MARK: - Radix-tree shape

    /// The node count the radix tree of Redis would have for these master IDs (XINFO's
    /// radix-tree-nodes): the tree over the 16-byte keys, with chains of single
    /// children compressed into one node, as rax keeps it.
    public var radixTreeNodes: Int {
        if masters.isEmpty { return 1 }
        let keys = masters.map { $0.encoded }
        func count(_ lo: Int, _ hi: Int, _ depth: Int) -> Int {
            // keys[lo..<hi] share the first `depth` bytes; all have 16 bytes, so only
            // the last level holds keys.
            if depth == 16 { return 1 }
            if keys[lo][depth] == keys[hi - 1][depth] {
                var d = depth
                while d < 16 && keys[lo][d] == keys[hi - 1][d] { d += 1 }
                return 1 + count(lo, hi, d)
            }
            var total = 1
            var i = lo
            while i < hi {
                var j = i + 1
                while j < hi && keys[j][depth] == keys[i][depth] { j += 1 }
                total += count(i, j, depth + 1)
                i = j
            }
            return total
        }
        return count(0, keys.count, 0)
    }

    // MARK: - StoredObject

    public func duplicate() -> StreamValue {
        let s = StreamValue(meter: meter)
        s.masters = masters
        s.nodes = nodes.map { $0.duplicate() }
        for n in s.nodes { meter.bytes += n.allocatedBytes }
        s.length = length
        s.lastID = lastID
        s.firstID = firstID
        s.maxDeletedID = maxDeletedID
        s.entriesAdded = entriesAdded
        s.groups = groups.map { $0.duplicate(meter: meter) }
        return s
    }

    public func memoryUsage(samples: Int) -> Int {
        var bytes = 96 + masters.capacity * 16 + nodes.capacity * 8
        if samples == Int.max || nodes.count <= samples {
            for n in nodes { bytes += n.allocatedBytes }
        } else {
            var sampled = 0
            for n in nodes.prefix(samples) { sampled += n.allocatedBytes }
            bytes += sampled / max(samples, 1) * nodes.count
        }
        for g in groups { bytes += g.accountedBytes }
        return bytes
    }

    public func digest(into d: inout DebugDigest) {
        forEachEntry { e, inf in
            var idText: [UInt8] = []
            StreamID.appendDecimal(e.id.ms, to: &idText)
            idText.append(UInt8(ascii: "."))
            StreamID.appendDecimal(e.id.seq, to: &idText)
            idText.withUnsafeBytes { d.mix($0) }
            forEachField(e, inf) { f, v in d.mix(f); d.mix(v) }
            return true
        }
    }

    public var freeEffort: Int {
        var effort = nodes.count
        for g in groups { effort += 1 + g.pel.count + g.consumers.count }
        return effort
    }

    public func detachMeter(_ m: MemoryMeter) {
        meter = m
        for g in groups { g.meter = m }
    }

    public func surrenderCompactBlock() -> UnsafeMutableRawPointer? { nil }

    // MARK: - Loading

    /// Adds a node read from an RDB file or a DUMP payload, after `validateNode`;
    /// nodes arrive in ID order. False when its master ID is not above the previous.
    func loadNode(master: StreamID, _ lp: Listpack) -> Bool {
        if let last = masters.last, master <= last { return false }
        masters.append(master)
        nodes.append(lp)
        meter.bytes += lp.allocatedBytes
        return true
    }

    func setLoadedMetadata(length: UInt64, lastID: StreamID, firstID: StreamID?, maxDeletedID: StreamID,
                           entriesAdded: UInt64) {
        self.length = length
        self.lastID = lastID
        self.maxDeletedID = maxDeletedID
        self.entriesAdded = entriesAdded
        self.firstID = firstID ?? (edgeID(first: true) ?? .zero)
    }

    /// Checks that a listpack read from outside is a well-formed stream node (Redis's
    /// streamValidateListpackIntegrity, deep): the master entry, then entries whose
    /// counts and lp-count agree, ending exactly at the end, with as many live and
    /// deleted entries as the master entry claims. Iteration relies on it.
    static func validateNode(_ lp: Listpack) -> Bool {
        func int(_ o: Int?) -> Int64? {
            guard let o else { return nil }
            if case .int(let v) = lp.element(at: o) { return v }
            return nil
        }
        guard let p0 = lp.first, let count = int(p0), let p1 = lp.next(p0), let deleted = int(p1),
              let p2 = lp.next(p1), let nf = int(p2), nf >= 0, nf <= Int64(lp.count), count >= 0, deleted >= 0
        else { return false }
        var p = lp.next(p2)
        for _ in 0..<nf {
            guard let q = p else { return false }
            p = lp.next(q)
        }
        guard let term = p, int(term) == 0 else { return false }
        p = lp.next(term)
        var live: Int64 = 0, dead: Int64 = 0
        while let flagsAt = p {
            guard let flags = int(flagsAt), let a = lp.next(flagsAt), int(a) != nil,
                  let b = lp.next(a), int(b) != nil, var q = lp.next(b) else { return false }
            var fields = nf
            var elements: Int64
            if flags & flagSameFields != 0 {
                elements = nf
            } else {
                // More fields than the node has elements is a lie (and 2n would overflow).
            guard let n = int(q), n >= 0, n <= Int64(lp.count), let r = lp.next(q) else { return false }
                fields = n
                elements = 2 * n
                q = r
            }
            var cur: Int? = q
            if elements > 0 {
                for k in 0..<elements {
                    guard let c = cur else { return false }
                    cur = lp.next(c)
                    if k == elements - 1 && cur == nil { return false }
                }
            }
            guard let countAt = cur, let lpCount = int(countAt) else { return false }
            let expected = fields + 3 + (flags & flagSameFields != 0 ? 0 : fields + 1)
            if lpCount != expected { return false }
            if flags & flagDeleted != 0 { dead += 1 } else { live += 1 }
            p = lp.next(countAt)
        }
        return live == count && dead == deleted
    }
}
