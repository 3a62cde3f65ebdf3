// Listpack: the compact encoding for small collections, in Redis 7.0's listpack format
// byte for byte, so the RDB writer and DUMP can copy it as it is (RDB types 16, 17 and
// 18's packed nodes hold exactly these bytes) and a loaded blob is used after one
// validation pass instead of being re-encoded.
//
// Format: a 6-byte header (total bytes as LE uint32, element count as LE uint16, 65535
// meaning "count them"), the elements, and a 0xFF terminator. An element is an encoding
// byte, optional length bytes, the payload, and a "backlen": the element's size
// (encoding + payload) in 1-5 bytes of 7 bits each, written so it can be read from its
// last byte backwards — that is what makes walking from the tail possible. Strings that
// are canonical integers are stored as integers (7-bit, 13-bit, 16/24/32/64-bit); other
// strings with a 6-bit, 12-bit or 32-bit length.
//
// Elements are addressed by byte offset. Offsets stay valid until the next mutation;
// mutations return the offset to continue from.

import Glibc
import CApusSys

/// When a collection leaves its listpack: past `maxEntries` elements, or once an element
/// is longer than `maxValue` bytes (hash-max-listpack-*, zset-max-listpack-*).
public struct ListpackLimits {
    public var maxEntries: Int
    public var maxValue: Int
    public init(maxEntries: Int, maxValue: Int) { self.maxEntries = maxEntries; self.maxValue = maxValue }
}

public struct Listpack {
    public static let headerSize = 6
    static let eof: UInt8 = 0xFF
    static let unknownCount = 65535

    /// The malloc'd bytes; `totalBytes` of them are the listpack. The only stored
    /// property, so an optional listpack is one word in the objects that hold one.
    public private(set) var base: UnsafeMutablePointer<UInt8>

    /// An element's value: an integer, or bytes borrowed from the listpack (valid until
    /// the next mutation).
    public enum Element: Equatable {
        case int(Int64)
        case bytes(UnsafeRawBufferPointer)

        public static func == (a: Element, b: Element) -> Bool {
            switch (a, b) {
            case let (.int(x), .int(y)): return x == y
            case let (.bytes(x), .bytes(y)): return x.elementsEqual(y)
            default: return false
            }
        }
    }

    /// An empty listpack with room for `capacity` bytes.
    public init(capacity: Int = 0) {
        let cap = max(capacity, Listpack.headerSize + 1)
        base = malloc(cap)!.assumingMemoryBound(to: UInt8.self)
        setTotalBytes(Listpack.headerSize + 1)
        setHeaderCount(0)
        base[Listpack.headerSize] = Listpack.eof
    }

    /// Adopts a copy of `bytes`, which must have passed `validate`.
    public init(copying bytes: UnsafeRawBufferPointer) {
        base = malloc(max(bytes.count, 1))!.assumingMemoryBound(to: UInt8.self)
        memcpy(base, bytes.baseAddress!, bytes.count)
        // A writer may leave the count unknown even when it fits: store it once.
        if headerCount == Listpack.unknownCount {
            let n = count
            if n < Listpack.unknownCount { setHeaderCount(n) }
        }
    }

    /// Adopts a malloc'd block holding a valid listpack (ListValue also parks its
    /// tagged compressed-node pointers here; it never reads them as listpacks).
    init(adoptingBase base: UnsafeMutablePointer<UInt8>) {
        self.base = base
    }

    public func free() { Glibc.free(base) }

    /// A deep copy.
    public func duplicate() -> Listpack {
        Listpack(copying: bytes)
    }

    /// The element count: the header's, or counted when the header says 65535 ("more
    /// than fits"), as Redis's lpLength does.
    public var count: Int {
        let h = Int(base[4]) | Int(base[5]) << 8
        if h != Listpack.unknownCount { return h }
        var n = 0
        var o = first
        while let off = o {
            n += 1
            o = next(off)
        }
        return n
    }

    private var headerCount: Int { Int(base[4]) | Int(base[5]) << 8 }

    /// Adjusts the header count; once unknown it stays unknown until counted again.
    private func adjustCount(by delta: Int) {
        let h = headerCount
        if h == Listpack.unknownCount {
            if delta < 0 { let n = count; if n < Listpack.unknownCount { setHeaderCount(n) } }
            return
        }
        setHeaderCount(h + delta)
    }

    public var totalBytes: Int {
        Int(UInt32(base[0]) | UInt32(base[1]) << 8 | UInt32(base[2]) << 16 | UInt32(base[3]) << 24)
    }

    /// The listpack as stored (what RDB and DUMP write).
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: totalBytes) }

    /// Bytes held by malloc.
    public var allocatedBytes: Int { apus_malloc_usable_size(base) }

    private func setTotalBytes(_ n: Int) {
        let v = UInt32(n)
        base[0] = UInt8(truncatingIfNeeded: v)
        base[1] = UInt8(truncatingIfNeeded: v >> 8)
        base[2] = UInt8(truncatingIfNeeded: v >> 16)
        base[3] = UInt8(truncatingIfNeeded: v >> 24)
    }

    private func setHeaderCount(_ n: Int) {
        let v = UInt16(min(n, Listpack.unknownCount))
        base[4] = UInt8(truncatingIfNeeded: v)
        base[5] = UInt8(truncatingIfNeeded: v >> 8)
    }

    // MARK: - Walking

    /// Offset of the first element, nil when empty.
    public var first: Int? { base[Listpack.headerSize] == Listpack.eof ? nil : Listpack.headerSize }

    /// Offset of the last element, nil when empty.
    public var last: Int? { base[Listpack.headerSize] == Listpack.eof ? nil : previous(totalBytes - 1) }

    /// The element after the one at `offset`, nil at the end.
    public func next(_ offset: Int) -> Int? {
        let size = Listpack.encodedSize(base + offset)
        let n = offset + size + Listpack.backlenSize(size)
        return base[n] == Listpack.eof ? nil : n
    }

    /// The element before the one at `offset` (or before the terminator), nil at the start.
    public func previous(_ offset: Int) -> Int? {
        if offset <= Listpack.headerSize { return nil }
        let size = Listpack.decodeBacklen(base + offset - 1)
        return offset - Listpack.backlenSize(size) - size
    }

    /// The element at `offset`.
    public func element(at offset: Int) -> Element {
        let p = base + offset
        let b = p[0]
        if b & 0x80 == 0 { return .int(Int64(b)) }
        if b & 0xC0 == 0x80 { return .bytes(UnsafeRawBufferPointer(start: p + 1, count: Int(b & 0x3F))) }
        if b & 0xE0 == 0xC0 {
            let u = Int64(b & 0x1F) << 8 | Int64(p[1])
            return .int(u >= 1 << 12 ? u - (1 << 13) : u)
        }
        if b & 0xF0 == 0xE0 {
            return .bytes(UnsafeRawBufferPointer(start: p + 2, count: Int(b & 0x0F) << 8 | Int(p[1])))
        }
        switch b {
        case 0xF1: return .int(Int64(Int16(bitPattern: Listpack.le(p + 1, 2, as: UInt16.self))))
        case 0xF2:
            let u = Int64(Listpack.le(p + 1, 3, as: UInt32.self))
            return .int(u >= 1 << 23 ? u - (1 << 24) : u)
        case 0xF3: return .int(Int64(Int32(bitPattern: Listpack.le(p + 1, 4, as: UInt32.self))))
        case 0xF4: return .int(Int64(bitPattern: Listpack.le(p + 1, 8, as: UInt64.self)))
        default: // 0xF0: 32-bit string length
            return .bytes(UnsafeRawBufferPointer(start: p + 5, count: Int(Listpack.le(p + 1, 4, as: UInt32.self))))
        }
    }

    /// Calls `body` with the element's text (integers rendered in a stack buffer).
    public func withElementBytes<R>(at offset: Int, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        switch element(at: offset) {
        case .bytes(let b): return try body(b)
        case .int(let v):
            return try withUnsafeTemporaryAllocation(byteCount: 24, alignment: 8) { buf in
                let n = Numbers.ll2string(v, into: buf.baseAddress!)
                return try body(UnsafeRawBufferPointer(start: buf.baseAddress, count: n))
            }
        }
    }

    /// True when the element at `offset` equals `s` compared as text.
    public func elementEquals(at offset: Int, _ s: UnsafeRawBufferPointer) -> Bool {
        switch element(at: offset) {
        case .bytes(let b):
            return b.count == s.count && (s.count == 0 || memcmp(b.baseAddress!, s.baseAddress!, s.count) == 0)
        case .int(let v):
            guard s.count <= Numbers.maxInt64Chars, let w = Numbers.string2ll(s) else { return false }
            return v == w
        }
    }

    // MARK: - Changing

    /// Appends `s` at the tail.
    public mutating func append(_ s: UnsafeRawBufferPointer) {
        insert(s, at: totalBytes - 1)
    }

    /// Inserts `s` before the element at `offset` (or before the terminator, appending).
    /// Returns the offset of the new element.
    @discardableResult
    public mutating func insert(_ s: UnsafeRawBufferPointer, at offset: Int) -> Int {
        withEncoded(s) { enc in
            replaceRange(offset, removing: 0, with: enc)
        }
        adjustCount(by: 1)
        return offset
    }

    /// Replaces the element at `offset` with `s`; returns its (unchanged) offset.
    @discardableResult
    public mutating func replace(at offset: Int, with s: UnsafeRawBufferPointer) -> Int {
        let size = Listpack.encodedSize(base + offset)
        withEncoded(s) { enc in
            replaceRange(offset, removing: size + Listpack.backlenSize(size), with: enc)
        }
        return offset
    }

    /// The integer at `offset`; 0 for a string element (callers read fields a validated
    /// structure guarantees to be integers, such as a stream node's counters).
    public func integer(at offset: Int) -> Int64 {
        if case .int(let v) = element(at: offset) { return v }
        return 0
    }

    /// Appends an integer in its smallest encoding (lpAppendInteger).
    public mutating func appendInteger(_ v: Int64) {
        withEncodedInteger(v) { replaceRange(totalBytes - 1, removing: 0, with: $0) }
        adjustCount(by: 1)
    }

    /// Replaces the element at `offset` with an integer; the elements after it move when
    /// the encoding's size changes.
    public mutating func replaceInteger(at offset: Int, with v: Int64) {
        let size = Listpack.encodedSize(base + offset)
        withEncodedInteger(v) { replaceRange(offset, removing: size + Listpack.backlenSize(size), with: $0) }
    }

    /// Makes room for `bytes` in total, so that appends up to there do not reallocate.
    public mutating func reserveCapacity(_ bytes: Int) {
        if apus_malloc_usable_size(base) < bytes {
            base = realloc(base, bytes)!.assumingMemoryBound(to: UInt8.self)
        }
    }

    /// Gives back the slack past the end (lpShrinkToFit), for a node that is complete.
    public mutating func shrinkToFit() {
        if apus_malloc_usable_size(base) > totalBytes {
            base = realloc(base, totalBytes)!.assumingMemoryBound(to: UInt8.self)
        }
    }

    private func withEncodedInteger(_ v: Int64, _ body: (UnsafeRawBufferPointer) -> Void) {
        withUnsafeTemporaryAllocation(byteCount: 16, alignment: 8) { buf in
            let p = buf.baseAddress!.assumingMemoryBound(to: UInt8.self)
            let size = Listpack.encodeInt(v, into: p)
            let n = size + Listpack.encodeBacklen(size, into: p + size)
            body(UnsafeRawBufferPointer(start: p, count: n))
        }
    }

    /// Deletes the element at `offset`; returns the offset of the element that followed
    /// it, nil when it was the last.
    @discardableResult
    public mutating func delete(at offset: Int) -> Int? {
        let size = Listpack.encodedSize(base + offset)
        replaceRange(offset, removing: size + Listpack.backlenSize(size), with: UnsafeRawBufferPointer(start: nil, count: 0))
        adjustCount(by: -1)
        return base[offset] == Listpack.eof ? nil : offset
    }

    /// Deletes `n` elements starting at `offset`.
    public mutating func delete(at offset: Int, count n: Int) {
        var end = offset
        var removed = 0
        while removed < n && base[end] != Listpack.eof {
            let size = Listpack.encodedSize(base + end)
            end += size + Listpack.backlenSize(size)
            removed += 1
        }
        replaceRange(offset, removing: end - offset, with: UnsafeRawBufferPointer(start: nil, count: 0))
        adjustCount(by: -removed)
    }

    /// Appends `n` elements already in listpack encoding (a run copied from another
    /// listpack, as a node split does).
    mutating func appendRaw(_ encoded: UnsafeRawBufferPointer, elements n: Int) {
        replaceRange(totalBytes - 1, removing: 0, with: encoded)
        adjustCount(by: n)
    }

    /// Replaces `removing` bytes at `offset` with `new`, moving the tail and resizing.
    private mutating func replaceRange(_ offset: Int, removing: Int, with new: UnsafeRawBufferPointer) {
        let old = totalBytes
        let total = old - removing + new.count
        precondition(total <= Int(UInt32.max), "listpack over 4 GB")
        let tail = old - offset - removing
        if total > old {
            grow(to: total)
        }
        if tail > 0 { memmove(base + offset + new.count, base + offset + removing, tail) }
        if new.count > 0 { memcpy(base + offset, new.baseAddress!, new.count) }
        setTotalBytes(total)
        if total < old && apus_malloc_usable_size(base) > total * 2 + 64 {
            base = realloc(base, total)!.assumingMemoryBound(to: UInt8.self)
        }
    }

    private mutating func grow(to total: Int) {
        // Exactly what is needed, as Redis does: small collections are many, and slack
        // in each would cost more than the reallocations (malloc rounds up anyway).
        if apus_malloc_usable_size(base) >= total { return }
        base = realloc(base, total)!.assumingMemoryBound(to: UInt8.self)
    }

    // MARK: - Encoding

    /// Calls `body` with the full encoding of `s` (encoding, payload, backlen).
    private func withEncoded(_ s: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Void) {
        if s.count <= Numbers.maxInt64Chars, let v = Numbers.string2ll(s) {
            withEncodedInteger(v, body)
            return
        }
        let header = s.count < 64 ? 1 : s.count < 4096 ? 2 : 5
        let size = header + s.count
        let total = size + Listpack.backlenSize(size)
        withUnsafeTemporaryAllocation(of: UInt8.self, capacity: total) { buf in
        let p = buf.baseAddress!
        switch header {
        case 1: p[0] = 0x80 | UInt8(s.count)
        case 2:
            p[0] = 0xE0 | UInt8(s.count >> 8)
            p[1] = UInt8(truncatingIfNeeded: s.count)
        default:
            p[0] = 0xF0
            for i in 0..<4 { p[1 + i] = UInt8(truncatingIfNeeded: s.count >> (8 * i)) }
        }
        if s.count > 0 { memcpy(p + header, s.baseAddress!, s.count) }
        _ = Listpack.encodeBacklen(size, into: p + size)
        body(UnsafeRawBufferPointer(start: p, count: total))
        }
    }

    /// The smallest integer encoding of `v`; returns its size.
    static func encodeInt(_ v: Int64, into p: UnsafeMutablePointer<UInt8>) -> Int {
        func store(_ u: UInt64, _ n: Int, at q: UnsafeMutablePointer<UInt8>) {
            for i in 0..<n { q[i] = UInt8(truncatingIfNeeded: u >> (8 * UInt64(i))) }
        }
        switch v {
        case 0...127:
            p[0] = UInt8(v)
            return 1
        case -4096...4095:
            let u = v < 0 ? (1 << 13) + v : v
            p[0] = 0xC0 | UInt8(u >> 8)
            p[1] = UInt8(truncatingIfNeeded: u)
            return 2
        case -32768...32767:
            p[0] = 0xF1
            store(UInt64(bitPattern: v), 2, at: p + 1)
            return 3
        case -8388608...8388607:
            p[0] = 0xF2
            store(UInt64(bitPattern: v), 3, at: p + 1)
            return 4
        case -2147483648...2147483647:
            p[0] = 0xF3
            store(UInt64(bitPattern: v), 4, at: p + 1)
            return 5
        default:
            p[0] = 0xF4
            store(UInt64(bitPattern: v), 8, at: p + 1)
            return 9
        }
    }

    /// Bytes of the backlen for an element of `size` bytes.
    static func backlenSize(_ size: Int) -> Int {
        size <= 127 ? 1 : size < 16383 ? 2 : size < 2097151 ? 3 : size < 268435455 ? 4 : 5
    }

    /// Writes the backlen of `size`, most significant group first, so that reading from
    /// the last byte backwards yields the low groups first; returns its length.
    static func encodeBacklen(_ size: Int, into p: UnsafeMutablePointer<UInt8>) -> Int {
        let n = backlenSize(size)
        for i in 0..<n {
            let shift = 7 * (n - 1 - i)
            let group = UInt8((size >> shift) & 127)
            p[i] = i == 0 ? group : group | 128
        }
        return n
    }

    /// Reads a backlen whose last byte is at `p`; -1 when longer than 5 bytes.
    static func decodeBacklen(_ p: UnsafePointer<UInt8>) -> Int {
        var v = 0
        var shift = 0
        var q = p
        while true {
            v |= Int(q[0] & 127) << shift
            if q[0] & 128 == 0 { return v }
            shift += 7
            if shift > 28 { return -1 }
            q -= 1
        }
    }

    static func decodeBacklen(_ p: UnsafeMutablePointer<UInt8>) -> Int { decodeBacklen(UnsafePointer(p)) }

    /// Size of the element at `p` without its backlen (encoding byte, lengths, payload).
    static func encodedSize(_ p: UnsafePointer<UInt8>) -> Int {
        let b = p[0]
        if b & 0x80 == 0 { return 1 }
        if b & 0xC0 == 0x80 { return 1 + Int(b & 0x3F) }
        if b & 0xE0 == 0xC0 { return 2 }
        if b & 0xF0 == 0xE0 { return 2 + (Int(b & 0x0F) << 8 | Int(p[1])) }
        switch b {
        case 0xF0: return 5 + Int(le(p + 1, 4, as: UInt32.self))
        case 0xF1: return 3
        case 0xF2: return 4
        case 0xF3: return 5
        case 0xF4: return 9
        default: return 1   // 0xFF; 0xF5-0xFE are invalid and caught by `validate`
        }
    }

    static func encodedSize(_ p: UnsafeMutablePointer<UInt8>) -> Int { encodedSize(UnsafePointer(p)) }

    /// Little-endian unsigned integer of `n` bytes.
    static func le<T: FixedWidthInteger & UnsignedInteger>(_ p: UnsafePointer<UInt8>, _ n: Int, as: T.Type) -> T {
        var v: T = 0
        for i in 0..<n { v |= T(p[i]) << (8 * i) }
        return v
    }

    static func le<T: FixedWidthInteger & UnsignedInteger>(_ p: UnsafeMutablePointer<UInt8>, _ n: Int, as t: T.Type) -> T {
        le(UnsafePointer(p), n, as: t)
    }

    // MARK: - Validation

    /// Checks a listpack read from outside (RDB, RESTORE) completely: header total and
    /// count, every element's encoding and length inside the buffer, every backlen
    /// matching its element, the terminator. Returns the element count, nil if invalid.
    public static func validate(_ b: UnsafeRawBufferPointer) -> Int? {
        guard b.count >= headerSize + 1, let start = b.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let total = Int(le(start, 4, as: UInt32.self))
        let headerCount = Int(le(start + 4, 2, as: UInt16.self))
        guard total == b.count, start[total - 1] == eof else { return nil }
        var off = headerSize
        var n = 0
        while off < total - 1 {
            let p = start + off
            let b0 = p[0]
            if b0 >= 0xF5 { return nil }
            // Length bytes of multi-byte encodings must be inside before they are read.
            let lengthBytes = (b0 & 0xF0 == 0xE0) ? 2 : (b0 == 0xF0 ? 5 : 1)
            guard off + lengthBytes < total else { return nil }
            let size = encodedSize(p)
            let back = backlenSize(size)
            guard off + size + back <= total - 1 else { return nil }
            guard decodeBacklen(p + size + back - 1) == size else { return nil }
            off += size + back
            n += 1
        }
        guard off == total - 1 else { return nil }
        if headerCount != unknownCount && headerCount != n { return nil }
        return n
    }
}
