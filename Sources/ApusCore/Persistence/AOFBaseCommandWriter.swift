// The base of an AOF as commands (aof-use-rdb-preamble no; Redis 7.0's
// rewriteAppendOnlyFileRio): each key becomes the commands that rebuild it — SET for a
// string, RPUSH / SADD / ZADD / HMSET for collections in batches of at most 64 items
// (AOF_REWRITE_ITEMS_PER_CMD), then PEXPIREAT for a key with a TTL — with SELECT
// before the first key of each database and, with aof-timestamp-enabled, a `#TS:`
// annotation first.
//
// It reads the same snapshot records as the RDB writer: live entries (the synchronous
// base written at start-up), entry copies whose collection value travels in its RDB
// encoding (decoded here), and big collections that arrive element by element after
// a head that holds only their element count.

import Glibc

/// What turns a snapshot's records into a file: RDB (RDBKeyWriter) or AOF commands.
protocol SnapshotRecordWriter: AnyObject {
    func write(db: Int, entry: KeyEntry)
    func writeElement(_ kind: CollectionStream.Kind, _ payload: UnsafeRawBufferPointer)
    var bufferedCount: Int { get }
    func flush(to fd: Int32) throws
    func finish(checksum: Bool)
}

extension RDBKeyWriter: SnapshotRecordWriter {
    var bufferedCount: Int { encoder.bufferedCount }
    func flush(to fd: Int32) throws { try encoder.flush(to: fd) }
    func finish(checksum: Bool) { _ = encoder.finish(checksum: checksum) }
}

final class AOFBaseCommandWriter: SnapshotRecordWriter {
    static let itemsPerCommand = 64

    private var out = ByteBuffer(capacity: 256 * 1024)
    private var selected = -1
    /// Decodes collection values carried in their RDB encoding; what it builds is
    /// counted on a meter of its own (the keyspace's belongs to the loop).
    private let loader: RDBLoader
    /// A collection arriving element by element: its key, command, TTL and how many
    /// elements (list nodes) are still to come.
    private var streaming: (key: [UInt8], type: ObjectType, expireAt: Int64?, left: Int)?
    private var pending: [[UInt8]] = []
    private var pendingItems = 0
    private var command: StaticString = ""
    private var commandKey: [UInt8] = []

    init(timestamp: Int64?, listFill: Int) {
        loader = RDBLoader(databases: Int(Int32.max), verifyChecksum: false)
        loader.meter = MemoryMeter()
        loader.listFill = listFill
        if let t = timestamp {
            out.append("#TS:")
            out.appendDecimal(t)
            out.append("\r\n")
        }
    }

    deinit { out.free() }

    var bufferedCount: Int { out.readableBytes }

    func flush(to fd: Int32) throws {
        do { try SystemCall.writeAll(fd, out.readableView) } catch let e as SystemError {
            throw RDBError.io(operation: "write", errno: e.errno)
        }
        out.reset(shrinkTo: 256 * 1024)
    }

    func finish(checksum: Bool) {}

    // MARK: - Records

    func write(db: Int, entry e: KeyEntry) {
        if db != selected {
            emit([Array("SELECT".utf8), Numbers.ll2string(Int64(db))])
            selected = db
        }
        let key = Array(e.key)
        let expireAt: Int64? = e.hasExpire ? e.expireAt : nil
        switch e.type {
        case .string:
            let value = e.isInt ? Numbers.ll2string(e.intValue) : Array(e.stringBytes)
            emit([Array("SET".utf8), key, value])
        case .stream:
            if e.isObject {
                emitStream(e.object(as: StreamValue.self), key: key)
            } else {
                emitSnapshotCopy(e, key: key)
            }
        case .hash, .set, .list, .zset:
            if e.isObject {
                // A live entry (the base written on the loop at start-up).
                _ = e.withStoredObject { emitObject($0, key: key) }
            } else if let (count, used) = AOFBaseCommandWriter.rdbLength(e.stringBytes),
                      used == e.stringBytes.count, count > 0 {
                // Only the element count: the elements follow as their own records.
                streaming = (key, e.type, expireAt, Int(count))
                begin(e.type, key: key)
                return
            } else {
                emitSnapshotCopy(e, key: key)
            }
        }
        if let at = expireAt { emit([Array("PEXPIREAT".utf8), key, Numbers.ll2string(at)]) }
    }

    /// A snapshot's copy of an object entry holds the value's RDB encoding: decoded
    /// with our own loader, then written as commands like a live object.
    private func emitSnapshotCopy(_ e: KeyEntry, key: [UInt8]) {
        var payload = [RDBEncoder.rdbType(of: e).rawValue]
        payload.append(contentsOf: e.stringBytes)
        do {
            try payload.withUnsafeBytes { p in
                try loader.decodeValue(p) { v in
                    switch v {
                    case .hash(let h): emitObject(h, key: key)
                    case .set(let s): emitObject(s, key: key)
                    case .list(let l): emitObject(l, key: key)
                    case .zset(let z): emitObject(z, key: key)
                    case .stream(let st): emitStream(st, key: key)
                    case .string, .int: break
                    }
                }
            }
        } catch {
            preconditionFailure("a snapshot copy holds an RDB value its own loader rejects: \(error)")
        }
    }

    func writeElement(_ kind: CollectionStream.Kind, _ payload: UnsafeRawBufferPointer) {
        guard let s = streaming else { preconditionFailure("an element without its collection") }
        switch kind {
        case .hashField:
            let n = Int(payload.loadUnaligned(as: UInt32.self))
            add([Array(payload[4..<(4 + n)]), Array(payload[(4 + n)...])])
        case .setMember:
            add([Array(payload)])
        case .zsetNode:
            add([AOFBaseCommandWriter.score(payload.loadUnaligned(as: Double.self)), Array(payload[8...])])
        case .listNode:
            // One quicklist node: decoded as a one-node list, then its elements.
            let raw = Int(payload.loadUnaligned(as: UInt32.self))
            let data = UnsafeRawBufferPointer(rebasing: payload[4...])
            let enc = RDBEncoder(initialCapacity: data.count + 16)
            enc.writeByte(RDBType.listQuicklist2.rawValue)
            enc.writeLength(1)
            enc.writeLength(2)
            if raw == 0 { enc.writeStringObject(data, compress: false) } else { enc.writeLZFBlob(data, rawLength: raw) }
            enc.drainBuffered { bytes in
                _ = try? loader.decodeValue(bytes) { v in
                    if case .list(let l) = v { l.forEach { add([Array($0)]); return true } }
                }
            }
        }
        let left = s.left - 1
        streaming!.left = left
        if left == 0 {
            endCommand()
            if let at = s.expireAt { emit([Array("PEXPIREAT".utf8), s.key, Numbers.ll2string(at)]) }
            streaming = nil
        }
    }

    // MARK: - Commands

    private func emitObject(_ o: any StoredObject, key: [UInt8]) {
        switch o {
        case let h as HashValue:
            begin(.hash, key: key)
            h.forEach { f, v in add([Array(f), Array(v)]) }
        case let s as SetValue:
            begin(.set, key: key)
            s.forEach { add([Array($0)]) }
        case let l as ListValue:
            begin(.list, key: key)
            l.forEach { add([Array($0)]); return true }
        case let z as ZSetValue:
            begin(.zset, key: key)
            z.forEach { m, sc in add([AOFBaseCommandWriter.score(sc), Array(m)]); return true }
        default:
            preconditionFailure("no AOF form for \(type(of: o))")
        }
        endCommand()
    }

    /// A stream as 7.0's AOF rewrite writes it: an XADD per entry (or XADD MAXLEN 0 of a
    /// dummy entry for an empty stream), XSETID with the counters, then per group an
    /// XGROUP CREATE, and per consumer an XCLAIM per pending entry or, with none,
    /// XGROUP CREATECONSUMER.
    private func emitStream(_ s: StreamValue, key: [UInt8]) {
        if s.length > 0 {
            s.forEachEntry { e, inf in
                var argv: [[UInt8]] = [Array("XADD".utf8), key, e.id.text]
                s.forEachField(e, inf) { f, v in argv.append(Array(f)); argv.append(Array(v)) }
                emit(argv)
                return true
            }
        } else {
            emit([Array("XADD".utf8), key, Array("MAXLEN".utf8), Array("0".utf8), StreamID(ms: 0, seq: 1).text,
                  Array("x".utf8), Array("y".utf8)])
        }
        emit([Array("XSETID".utf8), key, s.lastID.text, Array("ENTRIESADDED".utf8),
              Numbers.ll2string(Int64(bitPattern: s.entriesAdded)), Array("MAXDELETEDID".utf8), s.maxDeletedID.text])
        for g in s.groups {
            emit([Array("XGROUP".utf8), Array("CREATE".utf8), key, g.name, g.lastID.text, Array("ENTRIESREAD".utf8),
                  Numbers.ll2string(g.entriesRead)])
            for c in g.consumers {
                if c.pel.count == 0 {
                    emit([Array("XGROUP".utf8), Array("CREATECONSUMER".utf8), key, g.name, c.name])
                    continue
                }
                c.pel.forEach { id, nack in
                    emit([Array("XCLAIM".utf8), key, g.name, c.name, Array("0".utf8), id.text, Array("TIME".utf8),
                          Numbers.ll2string(nack.deliveryTime), Array("RETRYCOUNT".utf8),
                          Numbers.ll2string(Int64(bitPattern: nack.deliveryCount)), Array("JUSTID".utf8),
                          Array("FORCE".utf8)])
                    return true
                }
            }
        }
    }

    private func begin(_ type: ObjectType, key: [UInt8]) {
        switch type {
        case .list: command = "RPUSH"
        case .set: command = "SADD"
        case .zset: command = "ZADD"
        case .hash: command = "HMSET"
        case .string: command = "SET"
        case .stream: preconditionFailure("streams are written by emitStream")
        }
        commandKey = key
        pending.removeAll(keepingCapacity: true)
        pendingItems = 0
    }

    /// One item (an element, a field and its value, a score and its member).
    private func add(_ parts: [[UInt8]]) {
        pending.append(contentsOf: parts)
        pendingItems += 1
        if pendingItems == AOFBaseCommandWriter.itemsPerCommand { endCommand() }
    }

    private func endCommand() {
        if pendingItems == 0 { return }
        RESPCommandEncoder.appendHeader(argc: 2 + pending.count, into: &out)
        RESPCommandEncoder.appendArgument(UnsafeRawBufferPointer(start: command.utf8Start, count: command.utf8CodeUnitCount),
                                          into: &out)
        commandKey.withUnsafeBytes { RESPCommandEncoder.appendArgument($0, into: &out) }
        for p in pending { p.withUnsafeBytes { RESPCommandEncoder.appendArgument($0, into: &out) } }
        pending.removeAll(keepingCapacity: true)
        pendingItems = 0
    }

    private func emit(_ args: [[UInt8]]) { RESPCommandEncoder.append(args, into: &out) }

    /// A score as 7.0's rewrite writes it ("%.17g").
    static func score(_ d: Double) -> [UInt8] {
        var buf = [CChar](repeating: 0, count: 64)
        let n = withVaList([d]) { vsnprintf(&buf, 64, "%.17g", $0) }
        return buf[0..<Int(n)].map { UInt8(bitPattern: $0) }
    }

    /// An RDB length at the start of `b` and the bytes it took; nil for an encoded
    /// (special string) form or too few bytes.
    static func rdbLength(_ b: UnsafeRawBufferPointer) -> (UInt64, Int)? {
        guard let first = b.first else { return nil }
        switch first >> 6 {
        case 0: return (UInt64(first & 0x3F), 1)
        case 1:
            guard b.count >= 2 else { return nil }
            return (UInt64(first & 0x3F) << 8 | UInt64(b[1]), 2)
        case 2:
            if first == 0x80 {
                guard b.count >= 5 else { return nil }
                return ((1...4).reduce(UInt64(0)) { $0 << 8 | UInt64(b[$1]) }, 5)
            }
            if first == 0x81 {
                guard b.count >= 9 else { return nil }
                return ((1...8).reduce(UInt64(0)) { $0 << 8 | UInt64(b[$1]) }, 9)
            }
            return nil
        default:
            return nil
        }
    }
}
