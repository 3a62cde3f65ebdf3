// The replication stream held once for every reader (Redis 7.0's shared replication
// buffer): a list of 16 KB blocks numbered by stream offset. The backlog is its tail
// of at least `repl-backlog-size` bytes, kept for partial resynchronization; each
// replica is a position in it, written straight from the blocks to its socket, so
// ten replicas cost one copy of the stream, not ten. A block is freed once neither
// the backlog nor any replica still needs it; a replica that falls far behind keeps
// its blocks alive and is measured against `client-output-buffer-limit replica`.
//
// Offsets are Redis's: `offset` (master_repl_offset) counts every byte ever fed, the
// first byte fed has offset 1, and a position is the offset of the next byte a reader
// wants (what PSYNC asks for).

import Glibc

final class ReplicationBuffer {
    static let blockSize = 16 * 1024
    /// Redis's CONFIG_REPL_BACKLOG_MIN_SIZE.
    static let minBacklogSize = 16 * 1024

    final class Block {
        let data: UnsafeMutableRawPointer
        let capacity: Int
        var used = 0
        /// Offset of the block's first byte.
        let start: Int64
        init(capacity: Int, start: Int64) {
            data = .allocate(byteCount: capacity, alignment: 16)
            self.capacity = capacity
            self.start = start
        }
        deinit { data.deallocate() }
        /// Offset of the byte after the last one held.
        var end: Int64 { start + Int64(used) }
    }

    private var blocks: [Block] = []
    /// master_repl_offset: the offset of the last byte fed.
    var offset: Int64 = 0
    /// repl_backlog_first_byte_offset.
    private(set) var backlogStart: Int64 = 1
    /// The backlog exists (created when the first replica arrives, freed after
    /// repl-backlog-ttl without replicas).
    private(set) var active = false
    var backlogSize: Int = 1024 * 1024
    /// Bytes allocated for blocks (mem_total_replication_buffers).
    private(set) var allocatedBytes = 0
    /// A block was added since the last trim (only then can the backlog move).
    private(set) var grewBlock = false

    deinit { blocks.removeAll() }

    /// repl_backlog_histlen.
    var historyLength: Int64 { active ? offset - backlogStart + 1 : 0 }

    /// Starts the backlog at the current offset (createReplicationBacklog).
    func create() {
        releaseAll()
        active = true
        backlogStart = offset + 1
    }

    /// Drops the backlog and every block (freeReplicationBacklog); readers must be gone.
    func release() {
        releaseAll()
        active = false
    }

    private func releaseAll() {
        blocks.removeAll()
        allocatedBytes = 0
    }

    /// Moves the whole numbering so that the next byte has offset `newOffset + 1`,
    /// keeping nothing (a replica adopting its master's offsets after a full sync, or a
    /// master restoring the offset its RDB recorded).
    func rebase(to newOffset: Int64) {
        releaseAll()
        offset = newOffset
        backlogStart = newOffset + 1
    }

    /// Appends `bytes` at the end of the stream.
    func append(_ bytes: UnsafeRawBufferPointer) {
        guard var src = bytes.baseAddress, bytes.count > 0 else { return }
        var left = bytes.count
        while left > 0 {
            if blocks.isEmpty || blocks[blocks.count - 1].used == blocks[blocks.count - 1].capacity {
                let b = Block(capacity: ReplicationBuffer.blockSize, start: offset + 1)
                blocks.append(b)
                allocatedBytes += b.capacity
                grewBlock = true
            }
            let b = blocks[blocks.count - 1]
            let n = min(left, b.capacity - b.used)
            memcpy(b.data + b.used, src, n)
            b.used += n
            offset += Int64(n)
            src += n
            left -= n
        }
    }

    func append(_ s: StaticString) {
        append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    /// True when the stream from `position` on is still held (PSYNC may continue there).
    func backlogCovers(_ position: Int64) -> Bool {
        active && position >= backlogStart && position <= offset + 1
    }

    /// Advances the backlog's start by whole blocks while what remains is still at
    /// least `backlogSize`, then frees the blocks no one needs: those before both the
    /// backlog and `oldestReader` (the smallest replica position, if any).
    func trim(oldestReader: Int64?) {
        grewBlock = false
        let size = Int64(max(backlogSize, ReplicationBuffer.minBacklogSize))
        var i = blocks.firstIndex { $0.end > backlogStart } ?? blocks.count
        while i < blocks.count - 1 {
            let next = blocks[i + 1].start
            if offset - next + 1 < size { break }
            backlogStart = next
            i += 1
        }
        let keep = min(backlogStart, oldestReader ?? backlogStart)
        var drop = 0
        while drop < blocks.count - 1 && blocks[drop].end <= keep { drop += 1 }
        if drop > 0 {
            for b in blocks[0..<drop] { allocatedBytes -= b.capacity }
            blocks.removeFirst(drop)
        }
    }

    /// The held bytes from `position` on, as contiguous pieces in order, until `body`
    /// returns false or the end. `position` must be held (backlogCovers, or a live
    /// replica's position).
    func forEachPiece(from position: Int64, _ body: (UnsafeRawBufferPointer) -> Bool) {
        guard position <= offset else { return }
        var i = blocks.lastIndex { $0.start <= position } ?? 0
        var pos = position
        while i < blocks.count {
            let b = blocks[i]
            let skip = Int(pos - b.start)
            if skip < b.used {
                if !body(UnsafeRawBufferPointer(start: b.data + skip, count: b.used - skip)) { return }
            }
            pos = b.end
            i += 1
        }
    }

    /// Bytes held before the backlog's start for lagging replicas (what 7.0 reports as
    /// not counted for eviction beyond repl-backlog-size).
    var bytesBeyondBacklog: Int { max(0, allocatedBytes - max(backlogSize, ReplicationBuffer.minBacklogSize)) }
}
