// Snapshot: forkless point-in-time serialization of the keyspace (the per-entry
// versioning idea of Dragonfly's snapshotting, replacing Redis's fork + copy-on-write
// BGSAVE). Protocol:
//   * The cut bumps Keyspace.epoch to V. Entries written from then on carry
//     version ≥ V; everything older has version < V.
//   * `step` walks each cut-time table with the SCAN cursor (which visits every entry
//     present throughout at least once, even across rehashing) and emits each entry
//     with version < V, then stamps it V so it is never emitted twice.
//   * The write path (Database.willModify) emits an entry with version < V BEFORE it
//     is changed, moved, renamed, expired or deleted, and stamps it V.
//   * Tables are tracked by identity, so after SWAPDB an entry is still emitted under
//     the database index it had at the cut; a table emptied by FLUSHDB/FLUSHALL is
//     detached from its database and kept here until scanned, then freed.
// Together these deliver exactly the cut contents, each key once, while commands keep
// running between steps. Emission hands out the live entry: the sink must serialize
// it during the call.
//
// A big collection (more elements than `streamThreshold`) is not emitted in one go,
// which would stall the loop for as long as serializing it takes (CollectionStream).
// For a hash, set or sorted set the same protocol runs one level down, over its element
// table. Emitting it opens a stream — the sink gets the key and the element count at
// the cut — and the elements follow: from the element table's scan, which `step` runs
// before going on with the keys, or from the element write hook in the value's own
// methods, which emits an element with version < V before it changes or goes and
// stamps it V. Elements added while the stream is open carry V and are skipped. A list
// goes node by node, in order; its nodes have no versions, so the first change to it
// copies the nodes not yet sent (a memcpy each) before it happens. Streams end in the
// order they opened (only the first is scanned); a stream holds its value, so a key
// deleted meanwhile is still sent whole, and freed (lazily when big) after it.

import Glibc

/// Receives the snapshot's entries. Subclass and override `emit`; a sink that takes
/// collections element by element (a snapshot begun with a finite `streamThreshold`)
/// overrides the three stream methods too.
open class SnapshotSink {
    public init() {}
    /// `entry` (key, type, encoding, value, TTL) is valid only during the call.
    open func emit(db: Int, entry: KeyEntry) {}
    /// A collection's record starts: `entry` is its key (value not to be read), with
    /// `stream.count` elements to follow through `emitElement`. While a stream is open
    /// other entries and streams keep arriving; their records go after its end.
    open func beginStream(_ stream: CollectionStream, entry: KeyEntry) {}
    /// One element of `stream` as at the cut (see CollectionStream.Kind for its layout),
    /// valid only during the call.
    open func emitElement(_ stream: CollectionStream, _ element: KeyEntry) {}
    /// The next node of a list's stream, valid only during the call.
    func emitListNode(_ stream: CollectionStream, _ node: ListValue.StoredNode) {}
    /// Every element of the first open stream has been emitted.
    open func endStream(_ stream: CollectionStream) {}
}

/// A hash, set or sorted set a snapshot sends element by element. Its value points
/// back at it (`snapshotStream`) while it is open, which arms the element write hook.
public final class CollectionStream {
    /// What the elements are: a hash field (key = field, string value = value), a set
    /// member (key = member), a sorted-set node (ZSkiplist's member and score) or a
    /// list's node.
    public enum Kind: UInt8 { case hashField = 1, setMember = 2, zsetNode = 3, listNode = 4 }

    public let kind: Kind
    /// Database index at the cut.
    public let db: Int
    /// Elements (list nodes) at the cut: exactly this many are emitted.
    public let count: Int
    public fileprivate(set) var emitted = 0
    let version: UInt32
    /// Keeps the value alive until it is sent, even if its key goes meanwhile.
    fileprivate(set) var object: AnyObject?
    /// The element table scanned (nil for a list).
    let elements: KeyTable?
    var cursor: UInt64 = 0
    unowned(unsafe) let snapshot: Snapshot

    init(kind: Kind, db: Int, object: AnyObject, elements: KeyTable?, count: Int, snapshot: Snapshot) {
        self.kind = kind
        self.db = db
        self.count = count
        self.object = object
        self.elements = elements
        self.version = snapshot.version
        self.snapshot = snapshot
    }

    /// The list write hook: call before the list changes.
    func listWillChange() { snapshot.copyRemainingNodes(self) }

    /// The element write hook: call before `e` changes or is removed.
    @inline(__always)
    func willChange(_ e: KeyEntry) {
        if e.version < version { emit(e) }
    }

    func emit(_ e: KeyEntry) {
        e.version = version
        emitted += 1
        snapshot.sink.emitElement(self, e)
    }

    /// Version for an element created in a collection whose stream may be open.
    @inline(__always)
    static func newElementVersion(_ s: CollectionStream?) -> UInt32 { s?.version ?? 0 }
}

public final class Snapshot {
    /// Entries with a version below this belong to the cut and are still unsent.
    public let version: UInt32
    public let sink: SnapshotSink
    /// Number of keys at the cut.
    public let keysTotal: Int
    public private(set) var keysProcessed = 0
    public private(set) var isFinished = false
    public private(set) var isAborted = false

    unowned(unsafe) let keyspace: Keyspace
    private var tables: [KeyTable]
    private var detached: [Bool]
    private var current = 0
    private var cursor: UInt64 = 0
    /// Collections with more elements than this are streamed (see the top).
    public let streamThreshold: Int
    /// Open streams in the order they opened; the first is the one being scanned.
    private var streams: [CollectionStream] = []

    init(version: UInt32, tables: [KeyTable], keyspace: Keyspace, sink: SnapshotSink, streamThreshold: Int) {
        self.version = version
        self.tables = tables
        self.detached = Array(repeating: false, count: tables.count)
        self.keyspace = keyspace
        self.sink = sink
        self.streamThreshold = streamThreshold
        self.keysTotal = tables.reduce(0) { $0 + $1.count }
    }

    /// Streams open now (tests, INFO).
    public var openStreams: Int { streams.count }

    /// Index (at the cut) of the database being scanned; equals the db count when done.
    public var currentDatabase: Int { current }

    /// Emits about `maxEntries` visited entries (at least 32 buckets' worth, visited with
    /// prefetching: see KeyTable.scanPrefetching). Returns true when the snapshot
    /// is complete (every cut entry has been emitted); the snapshot then deactivates.
    @discardableResult
    public func step(maxEntries: Int) -> Bool {
        if isFinished || isAborted { return true }
        var visited = 0
        let v = version
        while visited < maxEntries {
            if let s = streams.first {
                visited += advance(s, maxElements: maxEntries - visited)
                continue
            }
            if current == tables.count { break }
            let t = tables[current]
            let dbIndex = current
            repeat {
                cursor = t.scanPrefetching(cursor: cursor, buckets: 32) { e in
                    visited += 1
                    if e.version < v {
                        e.version = v
                        keysProcessed += 1
                        emitEntry(db: dbIndex, e)
                    }
                }
            } while cursor != 0 && visited < maxEntries && streams.isEmpty
            if cursor == 0 {
                release(table: current)
                current += 1
            }
        }
        if current == tables.count && streams.isEmpty {
            isFinished = true
            end()
            return true
        }
        return false
    }

    /// Stops the snapshot (e.g. FLUSHALL or SHUTDOWN killing a BGSAVE). Unsent
    /// entries are simply no longer emitted; detached tables are queued for freeing.
    public func abort() {
        if isFinished || isAborted { return }
        isAborted = true
        end()
    }

    // MARK: - Write-path side

    /// Called by the write path for an entry with version < `version` that lives in
    /// the cut table with index `tableIndex`, right before it changes.
    func preserve(_ e: KeyEntry, tableIndex: Int) {
        precondition(tableIndex >= 0, "snapshot invariant: old entry outside a cut table")
        e.version = version
        keysProcessed += 1
        emitEntry(db: tableIndex, e)
    }

    // MARK: - Collections element by element

    /// Emits `e` whole, or opens a stream for it when it is a big collection.
    private func emitEntry(db: Int, _ e: KeyEntry) {
        if e.isObject && !e.isCompactSlot, let s = openStream(db: db, e) {
            streams.append(s)
            sink.beginStream(s, entry: e)
            return
        }
        sink.emit(db: db, entry: e)
    }

    /// A stream over `e`'s elements when it is a collection kept in an element table
    /// with more elements than the threshold, armed on its value; nil otherwise.
    private func openStream(db: Int, _ e: KeyEntry) -> CollectionStream? {
        switch e.type {
        case .hash:
            let h = e.object(as: HashValue.self)
            guard let t = h.table, t.count > streamThreshold else { return nil }
            let s = CollectionStream(kind: .hashField, db: db, object: h, elements: t, count: t.count, snapshot: self)
            h.snapshotStream = s
            return s
        case .set:
            let v = e.object(as: SetValue.self)
            guard let t = v.table, t.count > streamThreshold else { return nil }
            let s = CollectionStream(kind: .setMember, db: db, object: v, elements: t, count: t.count, snapshot: self)
            v.snapshotStream = s
            return s
        case .zset:
            let z = e.object(as: ZSetValue.self)
            guard let sl = z.skiplist, sl.table.count > streamThreshold else { return nil }
            let s = CollectionStream(kind: .zsetNode, db: db, object: z, elements: sl.table, count: sl.table.count,
                                     snapshot: self)
            sl.snapshotStream = s
            return s
        case .list:
            let l = e.object(as: ListValue.self)
            guard l.count > streamThreshold else { return nil }
            let s = CollectionStream(kind: .listNode, db: db, object: l, elements: nil, count: Int(l.nodeCount),
                                     snapshot: self)
            l.snapshotStream = s
            return s
        case .string, .stream:
            // Streams are written whole: their nodes are already packed.
            return nil
        }
    }

    /// Scans about `maxElements` elements of the first stream; closes it when its scan
    /// is complete. Returns the number visited (at least 1, so the caller progresses).
    private func advance(_ s: CollectionStream, maxElements: Int) -> Int {
        var visited = 0
        var done: Bool
        if let t = s.elements {
            let v = version
            repeat {
                // Prefetching, as the key scan: the walk is in random memory order.
                s.cursor = t.scanPrefetching(cursor: s.cursor, buckets: 16) { e in
                    visited += 1
                    if e.version < v { s.emit(e) }
                }
            } while s.cursor != 0 && visited < maxElements
            done = s.cursor == 0
        } else {
            // A list: its next nodes, in order (all sent already if it has changed).
            while s.emitted < s.count && visited < maxElements {
                let l = unsafeDowncast(s.object!, to: ListValue.self)
                visited += l.nodeElementCount(s.emitted)
                emitNode(s, of: l)
            }
            done = s.emitted == s.count
        }
        if done {
            assert(s.emitted == s.count, "snapshot invariant: \(s.emitted) of \(s.count) elements emitted")
            streams.removeFirst()
            disarm(s)
            sink.endStream(s)
            releaseValue(of: s)
        }
        return max(visited, 1)
    }

    private func emitNode(_ s: CollectionStream, of l: ListValue) {
        let i = s.emitted
        s.emitted += 1
        sink.emitListNode(s, l.storedNode(i))
    }

    /// Before a streamed list changes: its nodes not sent yet are sent now, as they are
    /// (the stream then only waits for its turn to end).
    func copyRemainingNodes(_ s: CollectionStream) {
        let l = unsafeDowncast(s.object!, to: ListValue.self)
        while s.emitted < s.count { emitNode(s, of: l) }
        l.snapshotStream = nil
    }

    private func disarm(_ s: CollectionStream) {
        switch s.kind {
        case .hashField: unsafeDowncast(s.object!, to: HashValue.self).snapshotStream = nil
        case .setMember: unsafeDowncast(s.object!, to: SetValue.self).snapshotStream = nil
        case .zsetNode: unsafeDowncast(s.object!, to: ZSetValue.self).skiplist?.snapshotStream = nil
        case .listNode: unsafeDowncast(s.object!, to: ListValue.self).snapshotStream = nil
        }
    }

    /// A value whose key went while it was streamed is freed now, on the lazy-free
    /// thread when that is worth it (its key's deletion could not hand it over).
    private func releaseValue(of s: CollectionStream) {
        guard var obj = s.object else { return }
        s.object = nil
        if isKnownUniquelyReferenced(&obj) { keyspace.freeDetachedObject(obj) }
    }

    /// Takes ownership of a cut table that its database just dropped (FLUSHDB); it is
    /// still scanned, then freed.
    func detach(_ t: KeyTable) {
        let i = t.snapshotIndex
        precondition(i >= 0 && tables[i] === t)
        detached[i] = true
    }

    private func release(table i: Int) {
        let t = tables[i]
        t.snapshotIndex = -1
        if detached[i] {
            detached[i] = false
            keyspace.queueLazyFree(t)
        }
    }

    private func end() {
        for s in streams {
            disarm(s)
            releaseValue(of: s)
        }
        streams.removeAll()
        for i in current..<tables.count { release(table: i) }
        current = tables.count
        tables.removeAll()
        detached.removeAll()
        keyspace.snapshotEnded()
    }
}
