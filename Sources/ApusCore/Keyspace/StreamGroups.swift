// Consumer groups of a stream (Redis's streamCG, streamConsumer, streamNACK): each group
// has a last-delivered ID, a logical read counter, its consumers (sorted by name, as the
// radix tree lists them) and a pending-entries list (PEL) of what was delivered and not
// acknowledged. A pending entry (NACK) is shared by the group's PEL and its current
// consumer's PEL, as in Redis.
//
// PELs are ordered maps from ID to NACK: sorted chunks of at most 128 IDs under a sorted
// list of chunks, so deliveries (new IDs, at the end), acknowledgements (anywhere, mostly
// the oldest) and range scans (XPENDING, XAUTOCLAIM) all stay cheap at any size.

/// One delivered, unacknowledged entry.
final class StreamNACK {
    var deliveryTime: Int64
    var deliveryCount: UInt64
    /// The consumer it was last delivered to; the group owns its consumers.
    unowned(unsafe) var consumer: StreamConsumer?

    init(deliveryTime: Int64, deliveryCount: UInt64 = 1, consumer: StreamConsumer?) {
        self.deliveryTime = deliveryTime
        self.deliveryCount = deliveryCount
        self.consumer = consumer
    }
}

final class StreamConsumer {
    let name: [UInt8]
    var seenTime: Int64
    var pel = StreamIDMap<StreamNACK>()

    init(name: [UInt8], seenTime: Int64) {
        self.name = name
        self.seenTime = seenTime
    }
}

final class StreamGroup {
    let name: [UInt8]
    var lastID: StreamID
    /// -1 when unknown (SCG_INVALID_ENTRIES_READ).
    var entriesRead: Int64
    var pel = StreamIDMap<StreamNACK>()
    private(set) var consumers: [StreamConsumer] = []
    var meter: MemoryMeter

    /// Approximate bytes per pending entry and per consumer, for the memory count.
    static let nackBytes = 96
    static let consumerBytes = 128

    init(name: [UInt8], lastID: StreamID, entriesRead: Int64, meter: MemoryMeter) {
        self.name = name
        self.lastID = lastID
        self.entriesRead = entriesRead
        self.meter = meter
        meter.bytes += 128 + name.count
    }

    var accountedBytes: Int {
        128 + name.count + pel.count * StreamGroup.nackBytes
            + consumers.reduce(0) { $0 + StreamGroup.consumerBytes + $1.name.count }
    }

    /// memcmp order, shorter first on a common prefix (the radix tree's order).
    static func compare(_ a: [UInt8], _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        for i in 0..<n where a[i] != b[i] { return a[i] < b[i] ? -1 : 1 }
        return a.count == b.count ? 0 : (a.count < b.count ? -1 : 1)
    }

    /// Where `name` is (or would go) among `count` names sorted in that order, read
    /// through `nameAt`: groups of a stream, consumers of a group.
    static func position(of name: UnsafeRawBufferPointer, count: Int, nameAt: (Int) -> [UInt8]) -> (Int, Bool) {
        var lo = 0, hi = count
        while lo < hi {
            let mid = (lo + hi) / 2
            let c = compare(nameAt(mid), name)
            if c == 0 { return (mid, true) }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return (lo, false)
    }

    private func consumerIndex(_ name: UnsafeRawBufferPointer) -> (Int, Bool) {
        StreamGroup.position(of: name, count: consumers.count) { consumers[$0].name }
    }

    func consumer(_ name: UnsafeRawBufferPointer) -> StreamConsumer? {
        let (i, found) = consumerIndex(name)
        return found ? consumers[i] : nil
    }

    /// Creates a consumer; nil when it exists.
    func createConsumer(_ name: UnsafeRawBufferPointer, now: Int64) -> StreamConsumer? {
        let (i, found) = consumerIndex(name)
        if found { return nil }
        let c = StreamConsumer(name: Array(name), seenTime: now)
        consumers.insert(c, at: i)
        meter.bytes += StreamGroup.consumerBytes + name.count
        return c
    }

    /// Deletes a consumer and its pending entries; returns how many it had.
    func deleteConsumer(_ c: StreamConsumer) -> Int {
        let pending = c.pel.count
        var ids: [StreamID] = []
        ids.reserveCapacity(pending)
        c.pel.forEach { id, _ in ids.append(id); return true }
        for id in ids { _ = pel.remove(id) }
        meter.bytes -= pending * StreamGroup.nackBytes
        c.name.withUnsafeBytes { n in
            let (i, found) = consumerIndex(n)
            if found { consumers.remove(at: i) }
        }
        meter.bytes -= StreamGroup.consumerBytes + c.name.count
        return pending
    }

    /// Records a new pending entry for `consumer` (or, with nil, one that FORCE created
    /// without an owner yet).
    func addPending(_ id: StreamID, _ nack: StreamNACK) {
        if pel.insert(id, nack) { meter.bytes += StreamGroup.nackBytes }
        if let c = nack.consumer { _ = c.pel.insert(id, nack) }
    }

    /// Acknowledges `id`: gone from the group and its consumer. False if not pending.
    @discardableResult
    func acknowledge(_ id: StreamID) -> Bool {
        guard let nack = pel.remove(id) else { return false }
        _ = nack.consumer?.pel.remove(id)
        meter.bytes -= StreamGroup.nackBytes
        return true
    }

    /// Moves a pending entry to `consumer`.
    func transfer(_ id: StreamID, _ nack: StreamNACK, to consumer: StreamConsumer) {
        if nack.consumer === consumer { return }
        _ = nack.consumer?.pel.remove(id)
        nack.consumer = consumer
        _ = consumer.pel.insert(id, nack)
    }

    func duplicate(meter m: MemoryMeter) -> StreamGroup {
        let g = StreamGroup(name: name, lastID: lastID, entriesRead: entriesRead, meter: m)
        var map: [ObjectIdentifier: StreamConsumer] = [:]
        for c in consumers {
            let n = StreamConsumer(name: c.name, seenTime: c.seenTime)
            g.consumers.append(n)
            map[ObjectIdentifier(c)] = n
            m.bytes += StreamGroup.consumerBytes + c.name.count
        }
        pel.forEach { id, nack in
            let owner = nack.consumer.flatMap { map[ObjectIdentifier($0)] }
            g.addPending(id, StreamNACK(deliveryTime: nack.deliveryTime, deliveryCount: nack.deliveryCount, consumer: owner))
            return true
        }
        return g
    }
}

/// An ordered map from stream IDs to values: sorted chunks under a sorted chunk list.
struct StreamIDMap<Value> {
    private struct Chunk {
        var keys: [StreamID]
        var values: [Value]
    }

    private static var chunkLimit: Int { 128 }
    private var chunks: [Chunk] = []
    private(set) var count = 0

    /// The chunk that holds or would hold `id`: the last whose first key is <= id.
    private func chunkIndex(_ id: StreamID) -> Int {
        var lo = 0, hi = chunks.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if chunks[mid].keys[0] <= id { lo = mid + 1 } else { hi = mid }
        }
        return Swift.max(lo - 1, 0)
    }

    private static func position(_ keys: [StreamID], _ id: StreamID) -> (Int, Bool) {
        var lo = 0, hi = keys.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if keys[mid] < id { lo = mid + 1 } else { hi = mid }
        }
        return (lo, lo < keys.count && keys[lo] == id)
    }

    func find(_ id: StreamID) -> Value? {
        if chunks.isEmpty { return nil }
        let c = chunks[chunkIndex(id)]
        let (i, found) = StreamIDMap.position(c.keys, id)
        return found ? c.values[i] : nil
    }

    /// Inserts; false (and nothing changed) when the ID is present.
    mutating func insert(_ id: StreamID, _ v: Value) -> Bool {
        if chunks.isEmpty {
            chunks.append(Chunk(keys: [id], values: [v]))
            count = 1
            return true
        }
        let ci = chunkIndex(id)
        let (i, found) = StreamIDMap.position(chunks[ci].keys, id)
        if found { return false }
        chunks[ci].keys.insert(id, at: i)
        chunks[ci].values.insert(v, at: i)
        count += 1
        if chunks[ci].keys.count > StreamIDMap.chunkLimit {
            let half = chunks[ci].keys.count / 2
            let tail = Chunk(keys: Array(chunks[ci].keys[half...]), values: Array(chunks[ci].values[half...]))
            chunks[ci].keys.removeSubrange(half...)
            chunks[ci].values.removeSubrange(half...)
            chunks.insert(tail, at: ci + 1)
        }
        return true
    }

    mutating func remove(_ id: StreamID) -> Value? {
        if chunks.isEmpty { return nil }
        let ci = chunkIndex(id)
        let (i, found) = StreamIDMap.position(chunks[ci].keys, id)
        if !found { return nil }
        chunks[ci].keys.remove(at: i)
        let v = chunks[ci].values.remove(at: i)
        count -= 1
        if chunks[ci].keys.isEmpty { chunks.remove(at: ci) }
        return v
    }

    /// The first entry with ID >= `id`.
    func ceiling(_ id: StreamID) -> (StreamID, Value)? {
        if chunks.isEmpty { return nil }
        var ci = chunkIndex(id)
        while ci < chunks.count {
            let (i, _) = StreamIDMap.position(chunks[ci].keys, id)
            if i < chunks[ci].keys.count { return (chunks[ci].keys[i], chunks[ci].values[i]) }
            ci += 1
        }
        return nil
    }

    var first: StreamID? { chunks.first?.keys.first }
    var last: StreamID? { chunks.last?.keys.last }

    /// Visits entries with ID >= `start` in order until `body` returns false. The map
    /// must not change during the walk.
    func forEach(from start: StreamID = .zero, _ body: (StreamID, Value) -> Bool) {
        if chunks.isEmpty { return }
        var ci = chunkIndex(start)
        var (i, _) = StreamIDMap.position(chunks[ci].keys, start)
        while ci < chunks.count {
            let c = chunks[ci]
            while i < c.keys.count {
                if !body(c.keys[i], c.values[i]) { return }
                i += 1
            }
            ci += 1
            i = 0
        }
    }
}
