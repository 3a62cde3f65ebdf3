// RDB serialisation, version 10 as Redis 7.0 writes it (`rdb.c`: rdbSaveRio and the
// rdbSave* helpers): the `REDIS0010` header, AUX fields, function libraries, per-db
// SELECTDB/RESIZEDB, per-key expire/LRU/LFU prefixes, string objects (integer
// encodings for short canonical integers, LZF for strings over 20 bytes), and the
// trailing EOF opcode with the CRC-64 of everything before it.
//
// The encoder appends into a growable raw buffer it owns. Whoever drives it decides
// where bytes go: `flush(to:)` writes the buffered bytes straight to a file descriptor
// (the snapshot child/thread path), `takeChunk()` hands them out as an array (e.g. to
// a replication socket writer). The CRC is folded in lazily, whenever buffered bytes
// leave the encoder, so it is computed in large contiguous runs.
// The format constants shared with `RDBLoader` live here too.

import Glibc

// MARK: - Format constants

/// Value type bytes of RDB version 10 (Redis 7.0 `rdb.h`). 8 is unused by Redis.
public enum RDBType: UInt8, CaseIterable {
    case string = 0
    case list = 1
    case set = 2
    case zset = 3
    case hash = 4
    case zset2 = 5
    case modulePreGA = 6
    case module2 = 7
    case hashZipmap = 9
    case listZiplist = 10
    case setIntset = 11
    case zsetZiplist = 12
    case hashZiplist = 13
    case listQuicklist = 14
    case streamListpacks = 15
    case hashListpack = 16
    case zsetListpack = 17
    case listQuicklist2 = 18
    case streamListpacks2 = 19

    /// The user-visible type name (as TYPE reports it), used in error messages.
    public var typeName: String {
        switch self {
        case .string: return "string"
        case .list, .listZiplist, .listQuicklist, .listQuicklist2: return "list"
        case .set, .setIntset: return "set"
        case .zset, .zset2, .zsetZiplist, .zsetListpack: return "zset"
        case .hash, .hashZipmap, .hashZiplist, .hashListpack: return "hash"
        case .modulePreGA, .module2: return "module"
        case .streamListpacks, .streamListpacks2: return "stream"
        }
    }
}

/// Opcodes that may appear where a value type byte is expected.
public enum RDBOpcode {
    public static let function2: UInt8 = 0xF5
    public static let functionPreGA: UInt8 = 0xF6
    public static let moduleAux: UInt8 = 0xF7
    public static let idle: UInt8 = 0xF8
    public static let freq: UInt8 = 0xF9
    public static let aux: UInt8 = 0xFA
    public static let resizeDB: UInt8 = 0xFB
    public static let expireTimeMs: UInt8 = 0xFC
    public static let expireTime: UInt8 = 0xFD
    public static let selectDB: UInt8 = 0xFE
    public static let eof: UInt8 = 0xFF
}

/// Length and special-encoding prefixes.
public enum RDBEncoding {
    public static let len6bit: UInt8 = 0x00
    public static let len14bit: UInt8 = 0x40
    public static let len32bit: UInt8 = 0x80
    public static let len64bit: UInt8 = 0x81
    public static let int8: UInt8 = 0xC0
    public static let int16: UInt8 = 0xC1
    public static let int32: UInt8 = 0xC2
    public static let lzf: UInt8 = 0xC3
}

/// The RDB version this encoder writes and the newest the loader accepts.
public let rdbVersion = 10

// MARK: - Encoder

public final class RDBEncoder {
    private var storage: UnsafeMutableRawPointer
    private var capacity: Int
    /// Bytes currently buffered (not yet taken or flushed).
    public private(set) var bufferedCount = 0
    /// Bytes that left the encoder through `takeChunk`/`flush`.
    public private(set) var emittedCount = 0
    private var crc: UInt64 = 0
    /// Prefix of the buffer already folded into `crc`.
    private var crcCovered = 0
    private var finished = false
    private let compressor = LZFCompressor()
    private var lzfScratch: UnsafeMutableRawPointer?
    private var lzfScratchCapacity = 0

    public init(initialCapacity: Int = 64 * 1024) {
        capacity = max(initialCapacity, 64)
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
        lzfScratch?.deallocate()
    }

    /// Total bytes produced so far (emitted + buffered): the offset of the next byte.
    public var totalCount: Int { emittedCount + bufferedCount }

    // MARK: Output side

    private func foldChecksum() {
        if crcCovered < bufferedCount && !finished {
            crc = CRC64.update(crc, storage + crcCovered, bufferedCount - crcCovered)
        }
        crcCovered = bufferedCount
    }

    /// Removes and returns the buffered bytes. Safe to hand the array to another thread.
    public func takeChunk() -> [UInt8] {
        foldChecksum()
        let chunk = [UInt8](UnsafeRawBufferPointer(start: storage, count: bufferedCount))
        emittedCount += bufferedCount
        bufferedCount = 0
        crcCovered = 0
        return chunk
    }

    /// Lends the buffered bytes to `body` without copying and then drops them.
    public func drainBuffered(_ body: (UnsafeRawBufferPointer) throws -> Void) rethrows {
        foldChecksum()
        try body(UnsafeRawBufferPointer(start: storage, count: bufferedCount))
        emittedCount += bufferedCount
        bufferedCount = 0
        crcCovered = 0
    }

    /// Writes every buffered byte to `fd` (blocking descriptor; retries EINTR and short
    /// writes) and empties the buffer. Throws `RDBError.io` on a write error.
    public func flush(to fd: Int32) throws {
        try drainBuffered { bytes in
            do {
                try SystemCall.writeAll(fd, bytes)
            } catch let e as SystemError {
                throw RDBError.io(operation: "write", errno: e.errno)
            }
        }
    }

    // MARK: Raw appends

    @inline(__always)
    private func reserve(_ n: Int) {
        if bufferedCount + n > capacity { grow(bufferedCount + n) }
    }

    private func grow(_ needed: Int) {
        var newCapacity = capacity * 2
        while newCapacity < needed { newCapacity *= 2 }
        let fresh = UnsafeMutableRawPointer.allocate(byteCount: newCapacity, alignment: 16)
        fresh.copyMemory(from: storage, byteCount: bufferedCount)
        storage.deallocate()
        storage = fresh
        capacity = newCapacity
    }

    @inline(__always)
    /// rdbSaveBinaryDoubleValue: the IEEE 754 bits, little endian.
    public func writeBinaryDouble(_ v: Double) {
        withUnsafeBytes(of: v.bitPattern.littleEndian) { writeBytes($0) }
    }

    public func writeByte(_ b: UInt8) {
        reserve(1)
        storage.storeBytes(of: b, toByteOffset: bufferedCount, as: UInt8.self)
        bufferedCount += 1
    }

    public func writeBytes(_ p: UnsafeRawBufferPointer) {
        guard let src = p.baseAddress, p.count > 0 else { return }
        reserve(p.count)
        (storage + bufferedCount).copyMemory(from: src, byteCount: p.count)
        bufferedCount += p.count
    }

    public func writeBytes(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { writeBytes($0) }
    }

    /// Appends the low `width` bytes of `v`, little-endian.
    @inline(__always)
    private func writeLE(_ v: UInt64, width: Int) {
        reserve(width)
        var x = v
        for i in 0..<width {
            storage.storeBytes(of: UInt8(truncatingIfNeeded: x), toByteOffset: bufferedCount + i, as: UInt8.self)
            x >>= 8
        }
        bufferedCount += width
    }

    // MARK: Lengths and string objects

    /// RDB length encoding (`rdbSaveLen`): 6-bit, 14-bit big-endian, 32-bit or 64-bit big-endian.
    public func writeLength(_ len: UInt64) {
        if len < 1 << 6 {
            writeByte(UInt8(len))
        } else if len < 1 << 14 {
            reserve(2)
            writeByte(RDBEncoding.len14bit | UInt8(len >> 8))
            writeByte(UInt8(len & 0xff))
        } else if len <= UInt64(UInt32.max) {
            writeByte(RDBEncoding.len32bit)
            writeLE(UInt64(UInt32(len).byteSwapped), width: 4)
        } else {
            writeByte(RDBEncoding.len64bit)
            writeLE(len.byteSwapped, width: 8)
        }
    }

    @inline(__always)
    public func writeLength(_ len: Int) { writeLength(UInt64(len)) }

    public func writeType(_ t: RDBType) { writeByte(t.rawValue) }

    /// Writes `v` as Redis writes an integer-encoded string object
    /// (`rdbSaveLongLongAsStringObject`): 0xC0/C1/C2 when it fits 8/16/32 bits, otherwise
    /// its decimal text as a plain string.
    public func writeIntegerObject(_ v: Int64) {
        if v >= Int64(Int8.min) && v <= Int64(Int8.max) {
            writeByte(RDBEncoding.int8)
            writeLE(UInt64(bitPattern: v), width: 1)
        } else if v >= Int64(Int16.min) && v <= Int64(Int16.max) {
            writeByte(RDBEncoding.int16)
            writeLE(UInt64(bitPattern: v), width: 2)
        } else if v >= Int64(Int32.min) && v <= Int64(Int32.max) {
            writeByte(RDBEncoding.int32)
            writeLE(UInt64(bitPattern: v), width: 4)
        } else {
            var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: enough for "-9223372036854775808"
            withUnsafeMutableBytes(of: &digits) { buf in
                let n = Numbers.ll2string(v, into: buf.baseAddress!)
                writeLength(n)
                writeBytes(UnsafeRawBufferPointer(rebasing: buf[0 ..< n]))
            }
        }
    }

    /// Writes a string object as `rdbSaveRawString` does: strings of at most 11 bytes that
    /// are canonical integers in the 32-bit range use the integer encodings; when `compress`
    /// is set, strings over 20 bytes are LZF-compressed if that saves at least 4 bytes;
    /// everything else is length + bytes.
    public func writeStringObject(_ s: UnsafeRawBufferPointer, compress: Bool) {
        let len = s.count
        if len <= 11, let v = Numbers.string2ll(s), v >= Int64(Int32.min), v <= Int64(Int32.max) {
            writeIntegerObject(v)
            return
        }
        if compress && len > 20 && writeCompressed(s) { return }
        writeLength(len)
        writeBytes(s)
    }

    public func writeStringObject(_ bytes: [UInt8], compress: Bool) {
        bytes.withUnsafeBytes { writeStringObject($0, compress: compress) }
    }

    /// An already compressed string (rdbSaveLzfBlob): the LZF marker, both lengths, the bytes.
    public func writeLZFBlob(_ lzf: UnsafeRawBufferPointer, rawLength: Int) {
        writeByte(RDBEncoding.lzf)
        writeLength(lzf.count)
        writeLength(rawLength)
        writeBytes(lzf)
    }

    /// LZF attempt of `rdbSaveLzfStringObject`: the output must fit in len - 4 bytes.
    private func writeCompressed(_ s: UnsafeRawBufferPointer) -> Bool {
        let limit = s.count - 4
        if lzfScratchCapacity < limit {
            lzfScratch?.deallocate()
            lzfScratchCapacity = max(limit, 256)
            lzfScratch = .allocate(byteCount: lzfScratchCapacity, alignment: 16)
        }
        let out = UnsafeMutableRawBufferPointer(start: lzfScratch!, count: limit)
        let clen = compressor.compress(s, into: out)
        if clen == 0 { return false }
        writeByte(RDBEncoding.lzf)
        writeLength(clen)
        writeLength(s.count)
        writeBytes(UnsafeRawBufferPointer(start: lzfScratch!, count: clen))
        return true
    }

    // MARK: File structure

    /// `REDIS` + the 4-digit version.
    public func writeHeader(version: Int = rdbVersion) {
        var magic: [UInt8] = Array("REDIS".utf8)
        let v = String(version)
        magic += Array(repeating: UInt8(ascii: "0"), count: max(0, 4 - v.utf8.count)) + Array(v.utf8)
        writeBytes(magic)
    }

    /// Header followed by the given AUX fields, in order.
    public func writeHeader(aux: [(String, String)], compress: Bool = true) {
        writeHeader()
        for (k, v) in aux { writeAux(key: k, value: v, compress: compress) }
    }

    /// One `0xFA key value` AUX field; both sides are string objects (so "64" becomes 0xC0 0x40).
    public func writeAux(key: String, value: String, compress: Bool = true) {
        writeByte(RDBOpcode.aux)
        writeStringObject(Array(key.utf8), compress: compress)
        writeStringObject(Array(value.utf8), compress: compress)
    }

    /// The AUX fields a Redis 7.0.15 master writes for a plain (non-replication) save.
    /// Replication saves add repl-stream-db/repl-id/repl-offset before aof-base.
    /// `replication`: what rdbPopulateSaveInfo gives (stream db, replication ID and
    /// offset), written as repl-stream-db / repl-id / repl-offset when present.
    public static func standardAux(ctime: Int64, usedMemory: Int64, aofBase: Bool = false,
                                   replication: (db: Int, replid: String, offset: Int64)? = nil) -> [(String, String)] {
        var aux = [("redis-ver", "7.0.15"), ("redis-bits", "64"), ("ctime", String(ctime)),
                   ("used-mem", String(usedMemory))]
        if let r = replication {
            aux += [("repl-stream-db", String(r.db)), ("repl-id", r.replid), ("repl-offset", String(r.offset))]
        }
        aux.append(("aof-base", aofBase ? "1" : "0"))
        return aux
    }

    /// `0xF5` + the library source, as `rdbSaveFunctions` writes each library.
    public func writeFunctionLibrary(code: UnsafeRawBufferPointer, compress: Bool) {
        writeByte(RDBOpcode.function2)
        writeStringObject(code, compress: compress)
    }

    /// The database selected by the last SELECTDB written (-1 before any).
    public private(set) var currentDB = -1

    public func selectDB(_ db: Int) {
        writeByte(RDBOpcode.selectDB)
        writeLength(db)
        currentDB = db
    }

    /// Writes SELECTDB only if `db` is not already selected. A forkless snapshot emits keys
    /// changed during the save out of database order; RDB allows any number of SELECTDBs,
    /// so the keys of one database may arrive in several runs.
    public func switchToDB(_ db: Int) {
        if db != currentDB { selectDB(db) }
    }

    /// Hash-table size hint that precedes a db's keys.
    public func resizeDB(keys: Int, expires: Int) {
        writeByte(RDBOpcode.resizeDB)
        writeLength(keys)
        writeLength(expires)
    }

    /// Everything before a value (`rdbSaveKeyValuePair`): expire in ms if any, LRU idle
    /// seconds or LFU counter if any (Redis writes at most one of them, per maxmemory-policy),
    /// the type byte, and the key as a string object (Redis saves keys with rdbSaveRawString
    /// too, so integer-looking keys get integer encodings and long keys may be compressed).
    public func writeKeyPrefix(type: RDBType, key: UnsafeRawBufferPointer, expireMs: Int64?,
                               compress: Bool, lruIdleSeconds: UInt64? = nil, lfuFrequency: UInt8? = nil) {
        if let ms = expireMs {
            writeByte(RDBOpcode.expireTimeMs)
            writeLE(UInt64(bitPattern: ms), width: 8)
        }
        if let idle = lruIdleSeconds {
            writeByte(RDBOpcode.idle)
            writeLength(idle)
        }
        if let freq = lfuFrequency {
            writeByte(RDBOpcode.freq)
            writeByte(freq)
        }
        writeType(type)
        writeStringObject(key, compress: compress)
    }

    /// A string key whose value is held as bytes.
    public func writeStringKey(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer, expireMs: Int64?,
                               compress: Bool, lruIdleSeconds: UInt64? = nil, lfuFrequency: UInt8? = nil) {
        writeKeyPrefix(type: .string, key: key, expireMs: expireMs, compress: compress,
                       lruIdleSeconds: lruIdleSeconds, lfuFrequency: lfuFrequency)
        writeStringObject(value, compress: compress)
    }

    /// A string key whose value is held as an integer (Redis OBJ_ENCODING_INT).
    public func writeIntKey(key: UnsafeRawBufferPointer, value: Int64, expireMs: Int64?, compress: Bool = true,
                            lruIdleSeconds: UInt64? = nil, lfuFrequency: UInt8? = nil) {
        writeKeyPrefix(type: .string, key: key, expireMs: expireMs, compress: compress,
                       lruIdleSeconds: lruIdleSeconds, lfuFrequency: lfuFrequency)
        writeIntegerObject(value)
    }

    /// Ends the file: `0xFF` then the CRC-64 of every byte from `REDIS` through `0xFF`,
    /// little-endian, or 8 zero bytes when `checksum` is false (rdbchecksum no).
    /// Returns the checksum written. Nothing may be written afterwards.
    @discardableResult
    public func finish(checksum: Bool) -> UInt64 {
        writeByte(RDBOpcode.eof)
        foldChecksum()
        let value = checksum ? crc : 0
        finished = true
        writeLE(value, width: 8)
        crcCovered = bufferedCount
        return value
    }
}
