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

import Glibc

/// Receives the snapshot's entries. Subclass and override `emit`.
open class SnapshotSink {
    public init() {}
    /// `entry` (key, type, encoding, value, TTL) is valid only during the call.
    open func emit(db: Int, entry: KeyEntry) {}
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

    init(version: UInt32, tables: [KeyTable], keyspace: Keyspace, sink: SnapshotSink) {
        self.version = version
        self.tables = tables
        self.detached = Array(repeating: false, count: tables.count)
        self.keyspace = keyspace
        self.sink = sink
        self.keysTotal = tables.reduce(0) { $0 + $1.count }
    }

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
        while current < tables.count && visited < maxEntries {
            let t = tables[current]
            let dbIndex = current
            repeat {
                cursor = t.scanPrefetching(cursor: cursor, buckets: 32) { e in
                    visited += 1
                    if e.version < v {
                        e.version = v
                        keysProcessed += 1
                        sink.emit(db: dbIndex, entry: e)
                    }
                }
            } while cursor != 0 && visited < maxEntries
            if cursor == 0 {
                release(table: current)
                current += 1
            }
        }
        if current == tables.count {
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
        sink.emit(db: tableIndex, entry: e)
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
        for i in current..<tables.count { release(table: i) }
        current = tables.count
        tables.removeAll()
        detached.removeAll()
        keyspace.snapshotEnded()
    }
}
