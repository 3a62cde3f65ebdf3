// RDB parsing, mirroring Redis 7.0's `rdbLoadRio`: the `REDISnnnn` header (versions
// 1...10), AUX fields, SELECTDB/RESIZEDB, per-key EXPIRETIME(_MS)/IDLE/FREQ prefixes,
// string values in every encoding (plain, int8/16/32, LZF), function libraries (0xF5),
// and the EOF opcode with its CRC-64 (a stored 0 means "not checked", as in Redis).
//
// Every value type Redis 7.0 can write is recognised; this version loads strings only
// and stops with `RDBError.unsupportedType` naming the type, offset and key for the
// rest. Corrupt or truncated input raises errors carrying the byte offset and the key
// being read.
//
// Input comes from memory or from a file descriptor through a sliding window: the
// loader reads the descriptor in large blocks and folds consumed bytes into the CRC
// before discarding them, so files larger than memory-sized buffers stream through.
// Keys and values are lent to the handler as raw buffers valid only during the call.

import Glibc

// MARK: - Public types

/// A loaded value, one case per stored type (string values in two forms: bytes as
/// stored, or an integer when Redis stored it with an integer encoding 0xC0/C1/C2).
/// Buffers are only valid during the callback. A case is added with each type, and the
/// loading handler's exhaustive switch then asks for it to be stored.
public enum RDBValue {
    case string(UnsafeRawBufferPointer)
    case int(Int64)
    case hash(HashValue)
    case set(SetValue)
    case list(ListValue)
    case zset(ZSetValue)
    case stream(StreamValue)
}

/// Receives the contents of an RDB file in order. Borrowed buffers must be copied if kept.
public protocol RDBLoadHandler {
    /// An AUX field (`redis-ver`, `ctime`, `repl-id`, ...). Integer-encoded values arrive as decimal text.
    mutating func onAux(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws
    /// The size hint that precedes the keys of `db`.
    mutating func onResizeDB(db: Int, keys: UInt64, expires: UInt64) throws
    /// A function library's source code (opcode 0xF5).
    mutating func onFunction(code: UnsafeRawBufferPointer) throws
    /// A string key. `expireMs` is the absolute unix time in ms or -1; `lruIdleSeconds`
    /// and `lfuFrequency` are -1 when absent. Expired keys are delivered too: whether to
    /// drop them (a master does, a replica does not) is the caller's decision.
    mutating func onKey(db: Int, key: UnsafeRawBufferPointer, value: RDBValue, expireMs: Int64,
                        lruIdleSeconds: Int64, lfuFrequency: Int) throws
}

extension RDBLoadHandler {
    public mutating func onAux(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {}
    public mutating func onResizeDB(db: Int, keys: UInt64, expires: UInt64) throws {}
    /// Default: functions cannot be loaded, so refuse rather than silently drop them.
    public mutating func onFunction(code: UnsafeRawBufferPointer) throws {
        throw RDBError.unsupportedOpcode(opcode: RDBOpcode.function2, offset: -1,
                                         reason: "function libraries are not supported by this loader")
    }
}

/// What a completed load saw.
public struct RDBLoadSummary {
    public var version: Int
    public var keys: Int
    /// The checksum stored after the EOF opcode (0 = written without checksum; also 0 for version < 5).
    public var storedChecksum: UInt64
    /// True when the stored checksum was non-zero, verification was enabled, and it matched.
    public var checksumVerified: Bool
    /// Bytes consumed, through the checksum.
    public var bytes: Int
}

public enum RDBError: Error, CustomStringConvertible, Equatable {
    case badMagic
    case unsupportedVersion(Int)
    /// The input ended while reading the item that starts at `offset`.
    case truncated(offset: Int, key: [UInt8]?)
    case corrupt(reason: String, offset: Int, key: [UInt8]?)
    case checksumMismatch(stored: UInt64, computed: UInt64, offset: Int)
    case unsupportedType(type: UInt8, offset: Int, key: [UInt8])
    case unsupportedOpcode(opcode: UInt8, offset: Int, reason: String)
    case databaseOutOfRange(db: Int, databases: Int, offset: Int)
    case io(operation: String, errno: Int32)

    public var description: String {
        switch self {
        case .badMagic:
            return "Wrong signature trying to load DB from file (not an RDB file)"
        case .unsupportedVersion(let v):
            return "Can't handle RDB format version \(v) (this Apus version reads 1...\(rdbVersion))"
        case .truncated(let offset, let key):
            return "RDB file is truncated: unexpected end of data at offset \(offset)\(RDBError.keyNote(key))"
        case .corrupt(let reason, let offset, let key):
            return "RDB file is corrupt at offset \(offset)\(RDBError.keyNote(key)): \(reason)"
        case .checksumMismatch(let stored, let computed, let offset):
            return "Wrong RDB checksum at offset \(offset): stored \(hex(stored)), computed \(hex(computed))"
        case .unsupportedType(let type, let offset, let key):
            let name = RDBType(rawValue: type)?.typeName ?? "type \(type)"
            return "RDB file contains a \(name) value at offset \(offset) (key '\(RDBError.printable(key))'): "
                + "this type is not supported by this Apus version yet"
        case .unsupportedOpcode(let opcode, let offset, let reason):
            return "RDB file contains opcode \(hex(UInt64(opcode))) at offset \(offset): \(reason)"
        case .databaseOutOfRange(let db, let databases, let offset):
            return "RDB file selects database \(db) at offset \(offset), but this server is configured with \(databases) databases"
        case .io(let operation, let err):
            return "RDB I/O error in \(operation): \(String(cString: strerror(err)))"
        }
    }

    private static func keyNote(_ key: [UInt8]?) -> String {
        key.map { " (key '\(printable($0))')" } ?? ""
    }

    /// Key bytes for a message: printable ASCII kept, anything else as \xNN, long keys cut.
    static func printable(_ key: [UInt8]) -> String {
        var s = ""
        for b in key.prefix(128) {
            if b >= 0x20 && b < 0x7f && b != UInt8(ascii: "'") && b != UInt8(ascii: "\\") {
                s.unicodeScalars.append(Unicode.Scalar(b))
            } else {
                let h = String(b, radix: 16)
                s += "\\x" + (h.count == 1 ? "0" + h : h)
            }
        }
        if key.count > 128 { s += "..." }
        return s
    }
}

private func hex(_ v: UInt64) -> String { "0x" + String(v, radix: 16) }

// MARK: - Loader

public final class RDBLoader {
    /// SELECTDB beyond this is an error, as in Redis (`databases` config).
    public var databases: Int
    /// `rdbchecksum`: when false the stored checksum is read but not compared.
    public var verifyChecksum: Bool

    // Input window: bytes [pos, end) of `window` are unread; window[0] is at absolute offset `windowOffset`.
    private var window: UnsafeRawPointer = UnsafeRawPointer(bitPattern: 1)!
    private var pos = 0
    private var end = 0
    private var windowOffset = 0
    private var owned: UnsafeMutableRawPointer?
    private var ownedCapacity = 0
    private var fd: Int32 = -1
    /// Bytes of the source not yet pulled into the window, when known (regular files).
    private var sourceRemaining: Int?
    private var crc: UInt64 = 0
    private var crcFrom = 0

    // Scratch space reused across keys.
    private var keyScratch: [UInt8] = []
    private var intText: (UInt64, UInt64, UInt64) = (0, 0, 0)
    private var lzfOut: UnsafeMutableRawPointer?
    private var lzfOutCapacity = 0
    /// True while a key's value is being read: `keyScratch` then holds that key, for error
    /// messages. (A flag rather than a copy, so the per-key path stays allocation-free.)
    private var readingValue = false
    private var currentKey: [UInt8]? { readingValue ? keyScratch : nil }

    /// Upper bound for one string when the source size is unknown (pipes, sockets).
    private static let maxUnboundedString = 1 << 32
    private static let readBlock = 256 * 1024

    /// Where collection values built while loading count their memory (the keyspace's
    /// meter when loading into a server).
    public var meter = MemoryMeter()
    /// hash-max-listpack-entries / -value: the encoding a loaded hash gets.
    public var hashLimits = HashValue.Limits(maxEntries: 512, maxValue: 64)
    /// set-max-intset-entries: the encoding a loaded set gets.
    public var maxIntsetEntries = 512
    /// list-max-listpack-size: how elements of older list encodings are packed.
    public var listFill = -2
    /// list-compress-depth: how many nodes at each end of a loaded list stay plain.
    public var listCompressDepth = 0
    /// zset-max-listpack-entries / -value: the encoding a loaded sorted set gets.
    public var zsetLimits = ZSetValue.Limits(maxEntries: 128, maxValue: 64)
    private var fieldScratch: [UInt8] = []
    /// Empty collections met and skipped by the last load (7.0 skips them too).
    public private(set) var emptyKeysSkipped = 0

    /// A collection with no elements: skipped by a load, refused by RESTORE.
    struct EmptyCollection: Error {}

    public init(databases: Int = 16, verifyChecksum: Bool = true) {
        self.databases = databases
        self.verifyChecksum = verifyChecksum
    }

    deinit {
        owned?.deallocate()
        lzfOut?.deallocate()
    }

    /// Parses a whole RDB image held in memory.
    public func load<H: RDBLoadHandler>(bytes: UnsafeRawBufferPointer, into handler: inout H) throws -> RDBLoadSummary {
        reset()
        if let base = bytes.baseAddress { window = base }
        end = bytes.count
        sourceRemaining = 0
        return try parse(&handler)
    }

    /// Decodes one value — its type byte, then the value — from the start of `bytes`
    /// (a DUMP payload; RESTORE) and calls `body` with it. Like Redis, the value may run
    /// into whatever follows it in `bytes`, and bytes after it are ignored.
    public func decodeValue<R>(_ bytes: UnsafeRawBufferPointer, _ body: (RDBValue) throws -> R) throws -> R {
        reset()
        guard let base = bytes.baseAddress else { throw RDBError.truncated(offset: 0, key: nil) }
        window = base
        end = bytes.count
        sourceRemaining = 0
        let type = try readByte()
        guard let valueType = RDBType(rawValue: type) else {
            throw RDBError.corrupt(reason: "unknown value type \(type)", offset: 0, key: nil)
        }
        return try body(try readValue(valueType, itemOffset: 0))
    }

    public func load<H: RDBLoadHandler>(bytes: [UInt8], into handler: inout H) throws -> RDBLoadSummary {
        try bytes.withUnsafeBytes { try load(bytes: $0, into: &handler) }
    }

    /// Parses an RDB stream from a blocking descriptor, reading it in blocks from its
    /// current position. The descriptor is not closed.
    /// `prefix`: bytes of the stream already read from the descriptor (a replica's
    /// handshake read may take the payload's first bytes). After the parse,
    /// `unreadBytes()` gives what was read beyond the RDB's end.
    public func load<H: RDBLoadHandler>(fd: Int32, prefix: [UInt8] = [], into handler: inout H) throws -> RDBLoadSummary {
        reset()
        self.fd = fd
        defer { self.fd = -1 }
        var st = stat()
        if fstat(fd, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG {
            let here = lseek(fd, 0, SEEK_CUR)
            sourceRemaining = here >= 0 ? max(0, Int(st.st_size) - Int(here)) : nil
        }
        if owned == nil || ownedCapacity < prefix.count {
            owned?.deallocate()
            ownedCapacity = max(RDBLoader.readBlock, prefix.count)
            owned = .allocate(byteCount: ownedCapacity, alignment: 16)
        }
        prefix.withUnsafeBytes { if let b = $0.baseAddress { owned!.copyMemory(from: b, byteCount: $0.count) } }
        end = prefix.count
        window = UnsafeRawPointer(owned!)
        return try parse(&handler)
    }

    /// The bytes read from the last descriptor beyond the end of the RDB.
    public func unreadBytes() -> [UInt8] {
        end > pos ? Array(UnsafeRawBufferPointer(start: window + pos, count: end - pos)) : []
    }

    /// Opens and parses the file at `path`.
    public func load<H: RDBLoadHandler>(path: String, into handler: inout H) throws -> RDBLoadSummary {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 { throw RDBError.io(operation: "open \(path)", errno: errno) }
        defer { close(fd) }
        return try load(fd: fd, into: &handler)
    }

    private func reset() {
        emptyKeysSkipped = 0
        pos = 0; end = 0; windowOffset = 0; crc = 0; crcFrom = 0
        fd = -1; sourceRemaining = nil; readingValue = false
    }

    // MARK: Window management

    @inline(__always) private var offset: Int { windowOffset + pos }

    /// Makes at least `n` unread bytes available in the window. Returns false at end of input.
    @inline(__always)
    private func ensure(_ n: Int) throws -> Bool {
        if end - pos >= n { return true }
        return try refill(n)
    }

    private func refill(_ n: Int) throws -> Bool {
        if fd < 0 { return false }
        // Fold consumed bytes into the CRC, then slide the unread tail to the front.
        if pos > crcFrom { crc = CRC64.update(crc, window + crcFrom, pos - crcFrom) }
        let unread = end - pos
        let buf = owned!
        if pos > 0 { buf.copyMemory(from: window + pos, byteCount: unread) }
        windowOffset += pos
        pos = 0; end = unread; crcFrom = 0
        if ownedCapacity < n {
            var cap = ownedCapacity * 2
            while cap < n { cap *= 2 }
            let fresh = UnsafeMutableRawPointer.allocate(byteCount: cap, alignment: 16)
            fresh.copyMemory(from: buf, byteCount: unread)
            buf.deallocate()
            owned = fresh
            ownedCapacity = cap
        }
        window = UnsafeRawPointer(owned!)
        while end < n {
            let r = SystemCall.retryingEINTR { read(fd, owned! + end, ownedCapacity - end) }
            if r < 0 { throw RDBError.io(operation: "read", errno: errno) }
            if r == 0 { return false }
            end += r
            if let rem = sourceRemaining { sourceRemaining = max(0, rem - r) }
        }
        return true
    }

    @inline(__always)
    private func need(_ n: Int) throws {
        if try !ensure(n) { throw RDBError.truncated(offset: offset, key: currentKey) }
    }

    /// Rejects a length that cannot possibly be satisfied before trying to buffer it.
    private func checkAvailable(_ n: UInt64, at start: Int) throws {
        let available = end - pos
        if n <= UInt64(available) { return }
        if let rem = sourceRemaining {
            if n > UInt64(available + rem) { throw RDBError.truncated(offset: start, key: currentKey) }
        } else if n > UInt64(RDBLoader.maxUnboundedString) {
            throw RDBError.corrupt(reason: "string length \(n) is implausible", offset: start, key: currentKey)
        }
    }

    // MARK: Primitive reads

    @inline(__always)
    private func readByte() throws -> UInt8 {
        try need(1)
        let b = window.load(fromByteOffset: pos, as: UInt8.self)
        pos += 1
        return b
    }

    private func readLE(_ width: Int) throws -> UInt64 {
        try need(width)
        var v: UInt64 = 0
        for i in stride(from: width - 1, through: 0, by: -1) {
            v = v << 8 | UInt64(window.load(fromByteOffset: pos + i, as: UInt8.self))
        }
        pos += width
        return v
    }

    /// rdbLoadBinaryDoubleValue: 8 bytes, little endian IEEE 754.
    private func readBinaryDouble() throws -> Double {
        Double(bitPattern: try readLE(8))
    }

    /// rdbLoadDoubleValue (RDB versions before ZSET_2): a length byte (253 NaN, 254 +inf,
    /// 255 -inf) then that many bytes of decimal text.
    private func readTextDouble() throws -> Double {
        let n = try readByte()
        switch n {
        case 253: return .nan
        case 254: return .infinity
        case 255: return -.infinity
        default:
            try need(Int(n))
            let text = UnsafeRawBufferPointer(start: window + pos, count: Int(n))
            pos += Int(n)
            guard let v = Numbers.parseDouble(text) else {
                throw RDBError.corrupt(reason: "invalid double value", offset: pos, key: currentKey)
            }
            return v
        }
    }

    private func readBE(_ width: Int) throws -> UInt64 {
        try need(width)
        var v: UInt64 = 0
        for i in 0..<width {
            v = v << 8 | UInt64(window.load(fromByteOffset: pos + i, as: UInt8.self))
        }
        pos += width
        return v
    }

    /// `rdbLoadLenByRef`: returns the length, or the special-encoding number with `encoded` set.
    private func readLength() throws -> (value: UInt64, encoded: Bool) {
        let start = offset
        let b = try readByte()
        switch b >> 6 {
        case 0: return (UInt64(b & 0x3f), false)
        case 1: return (UInt64(b & 0x3f) << 8 | UInt64(try readByte()), false)
        case 2:
            if b == RDBEncoding.len32bit { return (try readBE(4), false) }
            if b == RDBEncoding.len64bit { return (try readBE(8), false) }
            throw RDBError.corrupt(reason: "unknown length encoding \(hex(UInt64(b)))", offset: start, key: currentKey)
        default: return (UInt64(b & 0x3f), true)
        }
    }

    /// A length that must not be a special encoding (counts, db numbers, sizes).
    private func readPlainLength() throws -> UInt64 {
        let start = offset
        let (v, encoded) = try readLength()
        if encoded {
            throw RDBError.corrupt(reason: "unexpected string encoding where a length was expected", offset: start, key: currentKey)
        }
        return v
    }

    private enum LoadedString {
        case bytes(UnsafeRawBufferPointer)
        case int(Int64)
    }

    /// `rdbGenericLoadStringObject`. Returned bytes live in the window or the LZF scratch
    /// and are valid until the next read.
    private func readString() throws -> LoadedString {
        let start = offset
        let (len, encoded) = try readLength()
        if encoded {
            switch len {
            case 0: return .int(Int64(Int8(truncatingIfNeeded: try readLE(1))))
            case 1: return .int(Int64(Int16(truncatingIfNeeded: try readLE(2))))
            case 2: return .int(Int64(Int32(truncatingIfNeeded: try readLE(4))))
            case 3: return .bytes(try readLZF(start: start))
            default:
                throw RDBError.corrupt(reason: "unknown string encoding \(len)", offset: start, key: currentKey)
            }
        }
        try checkAvailable(len, at: offset)
        let n = Int(len)
        try need(n)
        let p = UnsafeRawBufferPointer(start: window + pos, count: n)
        pos += n
        return .bytes(p)
    }

    private func readLZF(start: Int) throws -> UnsafeRawBufferPointer {
        let clen = try readPlainLength()
        let len = try readPlainLength()
        // LZF expands at most ~88x (3 input bytes -> 264 output bytes); anything claiming
        // more is corrupt, and rejecting it early avoids a huge allocation.
        if clen == 0 || len == 0 || len / 88 > clen {
            throw RDBError.corrupt(reason: "invalid LZF lengths (compressed \(clen), plain \(len))", offset: start, key: currentKey)
        }
        try checkAvailable(clen, at: offset)
        let c = Int(clen), n = Int(len)
        try need(c)
        if lzfOutCapacity < n {
            lzfOut?.deallocate()
            lzfOutCapacity = max(n, 4096)
            lzfOut = .allocate(byteCount: lzfOutCapacity, alignment: 16)
        }
        let out = UnsafeMutableRawBufferPointer(start: lzfOut!, count: n)
        let got = LZF.decompress(UnsafeRawBufferPointer(start: window + pos, count: c), into: out)
        pos += c
        guard got == n else {
            throw RDBError.corrupt(reason: "invalid LZF compressed string", offset: start, key: currentKey)
        }
        return UnsafeRawBufferPointer(out)
    }

    /// Reads a string and copies it (decimal text for integers) into `keyScratch`.
    private func readStringIntoKeyScratch() throws {
        keyScratch.removeAll(keepingCapacity: true)
        switch try readString() {
        case .bytes(let p): keyScratch.append(contentsOf: p)
        case .int(let v):
            withUnsafeMutableBytes(of: &intText) { buf in
                let n = Numbers.ll2string(v, into: buf.baseAddress!)
                keyScratch.append(contentsOf: UnsafeRawBufferPointer(rebasing: buf[0 ..< n]))
            }
        }
    }

    /// Lends a loaded string to `body` as bytes (integers as decimal text).
    private func withText<R>(_ s: LoadedString, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch s {
        case .bytes(let p): return try body(p)
        case .int(let v):
            return try withUnsafeMutableBytes(of: &intText) { buf in
                let n = Numbers.ll2string(v, into: buf.baseAddress!)
                return try body(UnsafeRawBufferPointer(rebasing: buf[0 ..< n]))
            }
        }
    }

    // MARK: File structure

    private func parse<H: RDBLoadHandler>(_ handler: inout H) throws -> RDBLoadSummary {
        // Like Redis, a file shorter than the header is a short read, not a wrong signature.
        guard try ensure(9) else { throw RDBError.truncated(offset: 0, key: nil) }
        let magic = Array(UnsafeRawBufferPointer(start: window + pos, count: 9))
        guard magic[0..<5].elementsEqual("REDIS".utf8) else { throw RDBError.badMagic }
        var version = 0
        for d in magic[5..<9] {
            guard d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") else { throw RDBError.badMagic }
            version = version * 10 + Int(d - UInt8(ascii: "0"))
        }
        guard version >= 1 && version <= rdbVersion else { throw RDBError.unsupportedVersion(version) }
        pos += 9

        var db = 0
        var keys = 0
        var expireMs: Int64 = -1
        var lruIdle: Int64 = -1
        var lfuFreq = -1
        while true {
            let itemOffset = offset
            let type = try readByte()
            switch type {
            case RDBOpcode.expireTimeMs:
                expireMs = Int64(bitPattern: try readLE(8))
            case RDBOpcode.expireTime:
                expireMs = Int64(Int32(truncatingIfNeeded: try readLE(4))) * 1000
            case RDBOpcode.idle:
                lruIdle = Int64(truncatingIfNeeded: try readPlainLength())
            case RDBOpcode.freq:
                lfuFreq = Int(try readByte())
            case RDBOpcode.aux:
                try readStringIntoKeyScratch()
                let value = try readString()
                try keyScratch.withUnsafeBytes { k in
                    try withText(value) { v in try handler.onAux(key: k, value: v) }
                }
            case RDBOpcode.resizeDB:
                let k = try readPlainLength()
                let e = try readPlainLength()
                try handler.onResizeDB(db: db, keys: k, expires: e)
            case RDBOpcode.selectDB:
                let n = try readPlainLength()
                guard n < UInt64(databases) else {
                    throw RDBError.databaseOutOfRange(db: Int(clamping: n), databases: databases, offset: itemOffset)
                }
                db = Int(n)
            case RDBOpcode.function2:
                let code = try readString()
                do {
                    try withText(code) { try handler.onFunction(code: $0) }
                } catch RDBError.unsupportedOpcode(let op, -1, let reason) {
                    throw RDBError.unsupportedOpcode(opcode: op, offset: itemOffset, reason: reason)
                }
            case RDBOpcode.functionPreGA:
                throw RDBError.unsupportedOpcode(opcode: type, offset: itemOffset,
                                                 reason: "pre-GA (7.0-rc) function format is not supported")
            case RDBOpcode.moduleAux:
                let id = try readPlainLength()
                throw RDBError.unsupportedOpcode(opcode: type, offset: itemOffset,
                                                 reason: "auxiliary data of module '\(RDBLoader.moduleName(id))' cannot be loaded (no modules)")
            case RDBOpcode.eof:
                return try finishEOF(version: version, keys: keys)
            default:
                guard let valueType = RDBType(rawValue: type) else {
                    throw RDBError.corrupt(reason: "unknown value type \(type)", offset: itemOffset, key: nil)
                }
                try readStringIntoKeyScratch()
                readingValue = true
                do {
                    let value = try readValue(valueType, itemOffset: itemOffset)
                    try keyScratch.withUnsafeBytes { k in
                        try handler.onKey(db: db, key: k, value: value, expireMs: expireMs,
                                          lruIdleSeconds: lruIdle, lfuFrequency: lfuFreq)
                    }
                    keys += 1
                } catch is EmptyCollection {
                    // Redis skips an empty collection and goes on loading.
                    emptyKeysSkipped += 1
                }
                readingValue = false
                expireMs = -1; lruIdle = -1; lfuFreq = -1
            }
        }
    }

    /// The value of a key record (rdbLoadObject), by its type byte. Every RDB type is
    /// named here: the ones Apus does not store yet stop the load with the type and key.
    private func readValue(_ t: RDBType, itemOffset: Int) throws -> RDBValue {
        switch t {
        case .string:
            switch try readString() {
            case .bytes(let p): return .string(p)
            case .int(let v): return .int(v)
            }
        case .hash:
            return .hash(try readHashTable(itemOffset: itemOffset))
        case .hashListpack:
            return .hash(try readHashListpack(itemOffset: itemOffset))
        case .hashZiplist, .hashZipmap:
            return .hash(try readLegacyHash(t, itemOffset: itemOffset))
        case .set:
            return .set(try readSetMembers(itemOffset: itemOffset))
        case .setIntset:
            return .set(try readIntset(itemOffset: itemOffset))
        case .listQuicklist2:
            return .list(try readQuicklist2(itemOffset: itemOffset))
        case .list, .listZiplist, .listQuicklist:
            return .list(try readLegacyList(t, itemOffset: itemOffset))
        case .zset, .zset2:
            return .zset(try readZSetMembers(binaryScores: t == .zset2, itemOffset: itemOffset))
        case .zsetListpack, .zsetZiplist:
            return .zset(try readZSetListpack(ziplist: t == .zsetZiplist, itemOffset: itemOffset))
        case .streamListpacks, .streamListpacks2:
            return .stream(try readStream(version2: t == .streamListpacks2, itemOffset: itemOffset))
        case .modulePreGA, .module2:
            throw RDBError.unsupportedType(type: t.rawValue, offset: itemOffset, key: keyScratch)
        }
    }

    /// A stream ID stored raw (16 bytes, big-endian), as PELs are.
    private func readRawStreamID() throws -> StreamID {
        try need(16)
        let id = StreamID(encoded: UnsafeRawBufferPointer(start: window + pos, count: 16))
        pos += 16
        return id
    }

    /// RDB_TYPE_STREAM_LISTPACKS(_2): the nodes (master ID as a 16-byte string, then the
    /// listpack, each validated as a stream node), the length and last ID, with version 2
    /// the first ID, the largest deleted ID and the entries-added counter, then the
    /// consumer groups: name, last ID, (v2) entries read, the group PEL (raw ID, delivery
    /// time, delivery count) and the consumers (name, seen time, PEL of raw IDs that must
    /// be in the group's).
    private func readStream(version2: Bool, itemOffset: Int) throws -> StreamValue {
        func corrupt(_ why: String) -> RDBError { RDBError.corrupt(reason: why, offset: itemOffset, key: currentKey) }
        let s = StreamValue(meter: meter)
        var nodes = try readPlainLength()
        var total: UInt64 = 0
        while nodes > 0 {
            nodes -= 1
            guard case .bytes(let k) = try readString(), k.count == 16 else { throw corrupt("stream node key is not a stream ID") }
            let master = StreamID(encoded: k)
            guard case .bytes(let blob) = try readString(), Listpack.validate(blob) != nil else {
                throw corrupt("invalid stream listpack")
            }
            let lp = Listpack(copying: blob)
            guard lp.first != nil, StreamValue.validateNode(lp) else {
                lp.free()
                throw corrupt("stream listpack integrity check failed")
            }
            total += UInt64(lp.integer(at: lp.first!))
            if !s.loadNode(master: master, lp) {
                lp.free()
                throw corrupt("stream nodes out of order")
            }
        }
        let length = try readPlainLength()
        let last = StreamID(ms: try readPlainLength(), seq: try readPlainLength())
        var first: StreamID? = nil
        var maxDeleted = StreamID.zero
        var added = length
        if version2 {
            first = StreamID(ms: try readPlainLength(), seq: try readPlainLength())
            maxDeleted = StreamID(ms: try readPlainLength(), seq: try readPlainLength())
            added = try readPlainLength()
        }
        if length != total { throw corrupt("stream length inconsistent with its nodes") }
        s.setLoadedMetadata(length: length, lastID: last, firstID: first, maxDeletedID: maxDeleted, entriesAdded: added)
        var groups = try readPlainLength()
        while groups > 0 {
            groups -= 1
            guard case .bytes(let nb) = try readString() else { throw corrupt("invalid consumer group name") }
            let name = Array(nb)
            let gid = StreamID(ms: try readPlainLength(), seq: try readPlainLength())
            let read = version2 ? Int64(bitPattern: try readPlainLength()) : (s.estimatedEntriesRead(at: gid) ?? -1)
            guard let g = name.withUnsafeBytes({ s.createGroup($0, lastID: gid, entriesRead: read) }) else {
                throw corrupt("duplicate consumer group")
            }
            var pel = try readPlainLength()
            while pel > 0 {
                pel -= 1
                let id = try readRawStreamID()
                let time = Int64(bitPattern: try readLE(8))
                let count = try readPlainLength()
                if g.pel.find(id) != nil { throw corrupt("duplicate group PEL entry") }
                g.addPending(id, StreamNACK(deliveryTime: time, deliveryCount: count, consumer: nil))
            }
            var consumers = try readPlainLength()
            while consumers > 0 {
                consumers -= 1
                guard case .bytes(let cb) = try readString() else { throw corrupt("invalid consumer name") }
                guard let c = g.createConsumer(cb, now: 0) else { throw corrupt("duplicate stream consumer") }
                c.seenTime = Int64(bitPattern: try readLE(8))
                var owned = try readPlainLength()
                while owned > 0 {
                    owned -= 1
                    let id = try readRawStreamID()
                    guard let nack = g.pel.find(id), nack.consumer == nil else {
                        throw corrupt("consumer PEL entry missing from the group PEL")
                    }
                    nack.consumer = c
                    _ = c.pel.insert(id, nack)
                }
            }
            var orphan = false
            g.pel.forEach { _, nack in
                if nack.consumer == nil { orphan = true; return false }
                return true
            }
            if orphan { throw corrupt("group PEL entry without a consumer") }
        }
        return s
    }

    /// RDB_TYPE_ZSET_2 / RDB_TYPE_ZSET: the member count, then each member and its score
    /// (binary double, or the old length-prefixed text). Built as a skiplist, then
    /// converted to a listpack when it fits, as 7.0 loads it; NaN and duplicate members
    /// make the file corrupt.
    private func readZSetMembers(binaryScores: Bool, itemOffset: Int) throws -> ZSetValue {
        let n = try readPlainLength()
        guard n > 0 else { throw EmptyCollection() }
        let z = ZSetValue(meter: meter)
        z.convertToSkiplist()
        for _ in 0 ..< n {
            let member = try readString()
            let score = binaryScores ? try readBinaryDouble() : try readTextDouble()
            if score.isNaN { throw RDBError.corrupt(reason: "NaN score in sorted set", offset: itemOffset, key: currentKey) }
            let added = withText(member) { m -> Bool in
                if z.score(of: m) != nil { return false }
                z.set(m, score: score, limits: zsetLimits)
                return true
            }
            if !added { throw RDBError.corrupt(reason: "duplicate sorted set members", offset: itemOffset, key: currentKey) }
        }
        z.convertToListpackIfFits(zsetLimits)
        return z
    }

    /// RDB_TYPE_ZSET_LISTPACK (and the older ZSET_ZIPLIST, repacked): validated, in
    /// order, no duplicates; converted when it holds more members than allowed.
    private func readZSetListpack(ziplist: Bool, itemOffset: Int) throws -> ZSetValue {
        guard case .bytes(let blob) = try readString() else {
            throw RDBError.corrupt(reason: "invalid sorted set encoding", offset: itemOffset, key: currentKey)
        }
        let lp: Listpack
        if ziplist {
            guard let items = RDBLegacyEncodings.ziplistEntries(blob), items.count % 2 == 0 else {
                throw RDBError.corrupt(reason: "invalid sorted set ziplist", offset: itemOffset, key: currentKey)
            }
            var l = Listpack()
            for i in items { i.withUnsafeBytes { l.append($0) } }
            lp = l
        } else {
            guard let n = Listpack.validate(blob), n % 2 == 0 else {
                throw RDBError.corrupt(reason: "invalid sorted set listpack", offset: itemOffset, key: currentKey)
            }
            lp = Listpack(copying: blob)
        }
        let z = ZSetValue(meter: meter, adopting: lp)
        if z.count == 0 { throw EmptyCollection() }
        var members = Set<[UInt8]>()
        var valid = true
        var previous: Double = -.infinity
        var o = lp.first
        while let m = o, valid {
            guard let s = lp.next(m) else { valid = false; break }
            let score: Double?
            switch lp.element(at: s) {
            case .int(let v): score = Double(v)
            case .bytes(let b): score = Numbers.parseDouble(b)
            }
            if let sc = score, sc >= previous, members.insert(lp.withElementBytes(at: m) { Array($0) }).inserted {
                previous = sc
            } else {
                valid = false
            }
            o = lp.next(s)
        }
        if !valid { throw RDBError.corrupt(reason: "invalid sorted set listpack", offset: itemOffset, key: currentKey) }
        if z.count > zsetLimits.maxEntries { z.convertToSkiplist() }
        return z
    }

    /// RDB_TYPE_LIST_QUICKLIST_2: the node count, then per node its container (1 plain:
    /// one element as a string; 2 packed: a listpack) — packed nodes are validated and
    /// adopted as they are, empty ones skipped as 7.0 skips them.
    private func readQuicklist2(itemOffset: Int) throws -> ListValue {
        let nodes = try readPlainLength()
        let l = ListValue(meter: meter, compressDepth: listCompressDepth)
        for _ in 0 ..< nodes {
            let container = try readPlainLength()
            switch container {
            case 1:
                withText(try readString()) { l.push($0, atHead: false, fill: listFill) }
            case 2:
                guard case .bytes(let blob) = try readString(), Listpack.validate(blob) != nil else {
                    throw RDBError.corrupt(reason: "invalid list listpack", offset: itemOffset, key: currentKey)
                }
                l.adoptNode(Listpack(copying: blob))
            default:
                throw RDBError.corrupt(reason: "unknown quicklist node container \(container)", offset: itemOffset,
                                       key: currentKey)
            }
        }
        if l.count == 0 { throw EmptyCollection() }
        return l
    }

    /// The list encodings of older files: RDB_TYPE_LIST (a count, then each element),
    /// RDB_TYPE_LIST_ZIPLIST (one ziplist) and RDB_TYPE_LIST_QUICKLIST (a node count, then
    /// a ziplist per node); the elements are repacked into listpack nodes.
    private func readLegacyList(_ t: RDBType, itemOffset: Int) throws -> ListValue {
        let l = ListValue(meter: meter, compressDepth: listCompressDepth)
        func pushZiplist() throws {
            guard case .bytes(let blob) = try readString(), let items = RDBLegacyEncodings.ziplistEntries(blob) else {
                throw RDBError.corrupt(reason: "invalid list ziplist", offset: itemOffset, key: currentKey)
            }
            for item in items { item.withUnsafeBytes { l.push($0, atHead: false, fill: listFill) } }
        }
        switch t {
        case .list:
            let n = try readPlainLength()
            for _ in 0 ..< n { withText(try readString()) { l.push($0, atHead: false, fill: listFill) } }
        case .listZiplist:
            try pushZiplist()
        default:
            let n = try readPlainLength()
            for _ in 0 ..< n { try pushZiplist() }
        }
        if l.count == 0 { throw EmptyCollection() }
        return l
    }

    /// RDB_TYPE_SET: the member count, then each member; an intset while every member
    /// is an integer and the count allows it, as 7.0 loads it.
    private func readSetMembers(itemOffset: Int) throws -> SetValue {
        let n = try readPlainLength()
        guard n > 0 else { throw EmptyCollection() }
        let s = SetValue(meter: meter)
        if n > UInt64(maxIntsetEntries) { s.convertToTable(expected: Int(min(n, 1 << 24))) }
        for _ in 0 ..< n {
            let added = withText(try readString()) { s.add($0, maxIntsetEntries: maxIntsetEntries) }
            if !added { throw RDBError.corrupt(reason: "duplicate set members", offset: itemOffset, key: currentKey) }
        }
        return s
    }

    /// RDB_TYPE_SET_INTSET: the intset as one string, validated before use; converted
    /// when it holds more members than set-max-intset-entries allows.
    private func readIntset(itemOffset: Int) throws -> SetValue {
        guard case .bytes(let blob) = try readString(), let n = Intset.validate(blob) else {
            throw RDBError.corrupt(reason: "invalid intset", offset: itemOffset, key: currentKey)
        }
        let s = SetValue(meter: meter, adopting: Intset(copying: blob))
        if n > maxIntsetEntries { s.convertToTable(expected: n) }
        return s
    }

    /// RDB_TYPE_HASH_ZIPLIST and RDB_TYPE_HASH_ZIPMAP (written by Redis before 7.0):
    /// decoded, checked, and rebuilt as a listpack or table as 7.0 converts them.
    private func readLegacyHash(_ t: RDBType, itemOffset: Int) throws -> HashValue {
        guard case .bytes(let blob) = try readString(),
              let items = t == .hashZiplist ? RDBLegacyEncodings.ziplistEntries(blob) : RDBLegacyEncodings.zipmapPairs(blob),
              items.count % 2 == 0 else {
            throw RDBError.corrupt(reason: "invalid \(t == .hashZiplist ? "ziplist" : "zipmap") hash",
                                   offset: itemOffset, key: currentKey)
        }
        if items.isEmpty { throw EmptyCollection() }
        let h = HashValue(meter: meter)
        if items.count / 2 > hashLimits.maxEntries { h.convertToTable() }
        var i = 0
        while i < items.count {
            let added = items[i].withUnsafeBytes { f in items[i + 1].withUnsafeBytes { v in h.set(f, v, limits: hashLimits) } }
            if !added { throw RDBError.corrupt(reason: "duplicate hash fields", offset: itemOffset, key: currentKey) }
            i += 2
        }
        return h
    }

    /// RDB_TYPE_HASH: the field count, then each field and value. A listpack when the
    /// hash is small enough, as 7.0 loads it; duplicate fields make the file corrupt.
    private func readHashTable(itemOffset: Int) throws -> HashValue {
        let n = try readPlainLength()
        guard n > 0 else { throw EmptyCollection() }
        let h = HashValue(meter: meter)
        if n > UInt64(hashLimits.maxEntries) { h.convertToTable() }
        for _ in 0 ..< n {
            // The field is copied: reading the value may move the read window.
            fieldScratch.removeAll(keepingCapacity: true)
            try withText(try readString()) { fieldScratch.append(contentsOf: $0) }
            let value = try readString()
            let added = try fieldScratch.withUnsafeBytes { f in
                try withText(value) { v in h.set(f, v, limits: hashLimits) }
            }
            if !added { throw RDBError.corrupt(reason: "duplicate hash fields", offset: itemOffset, key: currentKey) }
        }
        return h
    }

    /// RDB_TYPE_HASH_LISTPACK: the listpack as one string, validated in full before use;
    /// converted to a table when it exceeds the configured limits.
    private func readHashListpack(itemOffset: Int) throws -> HashValue {
        guard case .bytes(let blob) = try readString(), let n = Listpack.validate(blob), n % 2 == 0 else {
            throw RDBError.corrupt(reason: "invalid hash listpack", offset: itemOffset, key: currentKey)
        }
        if n == 0 { throw EmptyCollection() }
        let h = HashValue(meter: meter, adopting: Listpack(copying: blob))
        // A field twice would break every later lookup and the table conversion.
        var fields = Set<[UInt8]>()
        var duplicate = false
        h.forEach { f, _ in if !fields.insert(Array(f)).inserted { duplicate = true } }
        if duplicate { throw RDBError.corrupt(reason: "duplicate hash fields", offset: itemOffset, key: currentKey) }
        // 7.0 converts a loaded listpack on its field count only.
        if n / 2 > hashLimits.maxEntries { h.convertToTable() }
        return h
    }

    /// After 0xFF: fold the CRC through the opcode and compare it with the stored one
    /// (RDB >= 5 only; 0 means the writer had rdbchecksum off).
    private func finishEOF(version: Int, keys: Int) throws -> RDBLoadSummary {
        var summary = RDBLoadSummary(version: version, keys: keys, storedChecksum: 0, checksumVerified: false, bytes: offset)
        guard version >= 5 else { return summary }
        if pos > crcFrom { crc = CRC64.update(crc, window + crcFrom, pos - crcFrom) }
        crcFrom = pos
        let checksumOffset = offset
        let stored = try readLE(8)
        crcFrom = pos   // the checksum itself is not part of the checksum
        summary.storedChecksum = stored
        summary.bytes = offset
        if stored != 0 && verifyChecksum {
            guard stored == crc else {
                throw RDBError.checksumMismatch(stored: stored, computed: crc, offset: checksumOffset)
            }
            summary.checksumVerified = true
        }
        return summary
    }

    /// Module type name from a module id (Redis `moduleTypeNameByID`): the top 54 bits are
    /// nine 6-bit characters, the low 10 bits the encoding version.
    static func moduleName(_ id: UInt64) -> String {
        let charset = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var s = ""
        var bits = id >> 10
        var chars: [UInt8] = []
        for _ in 0..<9 {
            chars.append(charset[Int(bits & 63)])
            bits >>= 6
        }
        for c in chars.reversed() { s.unicodeScalars.append(Unicode.Scalar(c)) }
        return s
    }
}
