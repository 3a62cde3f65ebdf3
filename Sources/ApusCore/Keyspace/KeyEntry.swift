// KeyEntry: one key of the keyspace in ONE malloc block — chaining pointer, snapshot
// version, LRU/LFU clock, Redis type/encoding codes, optional expire time, key bytes
// and value bytes. This replaces Redis's dictEntry + key sds + robj + value sds
// (4 allocations, ~100 bytes of overhead) with a 24-byte header, which is where most
// of the per-key memory saving comes from. String values live inline (Redis's
// int/embstr/raw encodings are kept as reported encodings); other types store a
// retained object reference in an 8-byte value slot.
//
// Layout (little endian, header naturally aligned; payload fields read unaligned):
//   0  next: pointer?        intrusive hash-chain link (KeyTable)
//   8  version: UInt32       snapshot epoch of the last write (see Snapshot)
//  12  meta: UInt32          bits 0-23 LRU/LFU clock, 24-27 type, 28-31 encoding
//  16  keyWord: UInt32       bits 0-29 key length, bit 30 object value, bit 31 has expire
//  20  valueLength: UInt32
//  24  [expireAt: Int64, expireIndex: UInt32]   only when the has-expire bit is set
//  ..  key bytes, then value bytes (capacity = malloc_usable_size - value offset)

import Glibc
import CApusSys

/// Running total of bytes malloc'ed by the keyspace (entries, bucket arrays, expire
/// sets). Shared by every table so that INFO used_memory is a field read.
public final class MemoryMeter {
    public var bytes: Int = 0
    public init() {}
}

// MARK: - Entry

public struct KeyEntry: Equatable {
    public let raw: UnsafeMutableRawPointer

    @inline(__always) public init(_ raw: UnsafeMutableRawPointer) { self.raw = raw }

    public static let headerSize = 24
    public static let expireAreaSize = 12
    public static let maxKeyLength = (1 << 30) - 1

    @usableFromInline static let lengthMask: UInt32 = (1 << 30) - 1
    @usableFromInline static let objectBit: UInt32 = 1 << 30
    @usableFromInline static let expireBit: UInt32 = 1 << 31

    // MARK: Header fields

    @inline(__always) var next: UnsafeMutableRawPointer? {
        get { raw.load(as: UnsafeMutableRawPointer?.self) }
        nonmutating set { raw.storeBytes(of: newValue, as: UnsafeMutableRawPointer?.self) }
    }

    /// Snapshot epoch of the entry's last write (see Snapshot for the protocol).
    @inline(__always) public var version: UInt32 {
        get { raw.load(fromByteOffset: 8, as: UInt32.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 8, as: UInt32.self) }
    }

    @inline(__always) var meta: UInt32 {
        get { raw.load(fromByteOffset: 12, as: UInt32.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 12, as: UInt32.self) }
    }

    @inline(__always) var keyWord: UInt32 {
        get { raw.load(fromByteOffset: 16, as: UInt32.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: 16, as: UInt32.self) }
    }

    @inline(__always) public var valueLength: Int {
        get { Int(raw.load(fromByteOffset: 20, as: UInt32.self)) }
        nonmutating set { raw.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: 20, as: UInt32.self) }
    }

    /// 24-bit LRU clock (or LFU counter+time, as Redis packs it).
    @inline(__always) public var lru: UInt32 {
        get { meta & 0xFF_FFFF }
        nonmutating set { meta = (meta & 0xFF00_0000) | (newValue & 0xFF_FFFF) }
    }

    /// Storing a type means a new value, so it also clears `isUnsharedCopy`.
    @inline(__always) public var type: ObjectType {
        get { ObjectType(rawValue: UInt8((meta >> 24) & 0x7)) ?? .string }
        nonmutating set { meta = (meta & 0xF0FF_FFFF) | (UInt32(newValue.rawValue) << 24) }
    }

    /// Set on a COPY of a small integer: Redis duplicates the object instead of sharing
    /// it, so OBJECT REFCOUNT reports 1 for the copy until it is written again.
    @inline(__always) public var isUnsharedCopy: Bool {
        get { meta & (1 << 27) != 0 }
        nonmutating set { meta = newValue ? meta | (1 << 27) : meta & ~(1 << 27) }
    }

    @inline(__always) public var encoding: ObjectEncoding {
        get { ObjectEncoding(rawValue: UInt8(meta >> 28)) ?? .raw }
        nonmutating set { meta = (meta & 0x0FFF_FFFF) | (UInt32(newValue.rawValue) << 28) }
    }

    @inline(__always) public var isInt: Bool { (meta >> 28) == UInt32(ObjectEncoding.int.rawValue) }
    @inline(__always) public var isObject: Bool { keyWord & KeyEntry.objectBit != 0 }
    @inline(__always) public var hasExpire: Bool { keyWord & KeyEntry.expireBit != 0 }
    @inline(__always) public var keyLength: Int { Int(keyWord & KeyEntry.lengthMask) }

    @inline(__always) var keyOffset: Int { hasExpire ? KeyEntry.headerSize + KeyEntry.expireAreaSize : KeyEntry.headerSize }
    @inline(__always) var valueOffset: Int { keyOffset + keyLength }

    // MARK: Payload

    @inline(__always) public var key: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw + keyOffset, count: keyLength)
    }

    /// Absolute unix time in ms; only meaningful when `hasExpire`.
    @inline(__always) public var expireAt: Int64 {
        get { hasExpire ? raw.loadUnaligned(fromByteOffset: KeyEntry.headerSize, as: Int64.self) : -1 }
        nonmutating set {
            precondition(hasExpire)
            raw.storeBytes(of: newValue, toByteOffset: KeyEntry.headerSize, as: Int64.self)
        }
    }

    /// Position of this entry inside its ExpireSet (maintained by ExpireSet only).
    @inline(__always) var expireIndex: Int {
        get { Int(raw.loadUnaligned(fromByteOffset: KeyEntry.headerSize + 8, as: UInt32.self)) }
        nonmutating set { raw.storeBytes(of: UInt32(truncatingIfNeeded: newValue), toByteOffset: KeyEntry.headerSize + 8, as: UInt32.self) }
    }

    /// Int64 payload of an `int`-encoded string.
    @inline(__always) public var intValue: Int64 {
        get { raw.loadUnaligned(fromByteOffset: valueOffset, as: Int64.self) }
        nonmutating set { raw.storeBytes(of: newValue, toByteOffset: valueOffset, as: Int64.self) }
    }

    /// Inline bytes of an embstr/raw string (meaningless for int/object entries).
    @inline(__always) public var stringBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: raw + valueOffset, count: valueLength)
    }

    @inline(__always) var mutableValue: UnsafeMutableRawPointer { raw + valueOffset }

    /// Length of the string value as STRLEN reports it (decimal length for int).
    public var stringLength: Int {
        if isInt { return Numbers.sdigits10(intValue) }
        return valueLength
    }

    /// The object held by a non-string entry (borrowed; the entry keeps it retained).
    @inline(__always) public var objectValue: AnyObject {
        precondition(isObject)
        let bits = raw.loadUnaligned(fromByteOffset: valueOffset, as: UInt.self)
        return Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: bits).unsafelyUnwrapped).takeUnretainedValue()
    }

    /// Bytes available for the value without reallocating.
    @inline(__always) public var valueCapacity: Int { allocatedSize - valueOffset }

    @inline(__always) public var allocatedSize: Int { apus_malloc_usable_size(raw) }

    /// Calls `body` with the string value's bytes; int encoding is rendered to
    /// decimal in a stack buffer, so no heap allocation happens.
    @inline(__always)
    public func withStringValue<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        if isInt {
            let v = intValue
            return try withUnsafeTemporaryAllocation(byteCount: 24, alignment: 8) { buf in
                let n = Numbers.ll2string(v, into: buf.baseAddress.unsafelyUnwrapped)
                return try body(UnsafeRawBufferPointer(start: buf.baseAddress, count: n))
            }
        }
        return try body(stringBytes)
    }

    /// memcmp-based key equality; length checked first so most misses are one compare.
    @inline(__always)
    public func keyEquals(_ k: UnsafeRawBufferPointer) -> Bool {
        let n = keyLength
        guard n == k.count else { return false }
        if n == 0 { return true }
        return memcmp(raw + keyOffset, k.baseAddress.unsafelyUnwrapped, n) == 0
    }

    // MARK: Allocation

    /// Allocates an entry with the given key and room for `valueBytes` value bytes.
    /// Header fields other than key length/flags are zeroed; the caller fills the value.
    @inline(__always)
    static func allocate(key: UnsafeRawBufferPointer, valueBytes: Int, withExpire: Bool,
                         version: UInt32, meter: MemoryMeter) -> KeyEntry {
        precondition(key.count <= maxKeyLength, "key too long")
        let keyOff = withExpire ? headerSize + expireAreaSize : headerSize
        let total = keyOff + key.count + valueBytes
        guard let p = malloc(total) else { fatalError("Apus: out of memory allocating \(total) bytes") }
        let e = KeyEntry(p)
        p.storeBytes(of: nil, as: UnsafeMutableRawPointer?.self)
        p.storeBytes(of: version, toByteOffset: 8, as: UInt32.self)
        p.storeBytes(of: 0, toByteOffset: 12, as: UInt32.self)
        p.storeBytes(of: UInt32(key.count) | (withExpire ? expireBit : 0), toByteOffset: 16, as: UInt32.self)
        p.storeBytes(of: UInt32(truncatingIfNeeded: valueBytes), toByteOffset: 20, as: UInt32.self)
        if key.count > 0 { memcpy(p + keyOff, key.baseAddress.unsafelyUnwrapped, key.count) }
        meter.bytes += apus_malloc_usable_size(p)
        return e
    }

    /// Reallocates to hold `total` bytes; returns the (possibly moved) entry.
    @inline(__always)
    func reallocated(total: Int, meter: MemoryMeter) -> KeyEntry {
        let before = apus_malloc_usable_size(raw)
        guard let p = realloc(raw, total) else { fatalError("Apus: out of memory reallocating \(total) bytes") }
        meter.bytes += apus_malloc_usable_size(p) - before
        return KeyEntry(p)
    }

    /// Releases the object (if any) and frees the block.
    @inline(__always)
    func free(meter: MemoryMeter) {
        if isObject { releaseValue(meter: meter) }
        freeBlockOnly(meter: meter)
    }

    /// Drops the value held by reference: the object, or a compact slot's block.
    @inline(__always)
    func releaseValue(meter: MemoryMeter) {
        if isCompactSlot {
            let b = compactBlock
            meter.bytes -= apus_malloc_usable_size(b)
            Glibc.free(b)
        } else {
            releaseObject()
        }
    }

    /// Frees the block without releasing the object (ownership moved elsewhere).
    @inline(__always)
    func freeBlockOnly(meter: MemoryMeter) {
        meter.bytes -= apus_malloc_usable_size(raw)
        Glibc.free(raw)
    }

    @inline(__always)
    func releaseObject() {
        let bits = raw.loadUnaligned(fromByteOffset: valueOffset, as: UInt.self)
        Unmanaged<AnyObject>.fromOpaque(UnsafeRawPointer(bitPattern: bits).unsafelyUnwrapped).release()
    }

    /// Stores a +1 retained object in the value slot and marks the entry as object.
    @inline(__always)
    func storeObject(_ obj: AnyObject) {
        let bits = UInt(bitPattern: Unmanaged.passRetained(obj).toOpaque())
        raw.storeBytes(of: bits, toByteOffset: valueOffset, as: UInt.self)
        keyWord |= KeyEntry.objectBit
        valueLength = 8
    }

    @inline(__always)
    func clearObjectFlag() { keyWord &= ~KeyEntry.objectBit }

    /// Sets the has-expire bit and shifts key+value up by the expire area. The block
    /// must already be large enough.
    func insertExpireArea(at when: Int64) {
        precondition(!hasExpire)
        let payload = keyLength + valueLength
        memmove(raw + KeyEntry.headerSize + KeyEntry.expireAreaSize, raw + KeyEntry.headerSize, payload)
        keyWord |= KeyEntry.expireBit
        raw.storeBytes(of: when, toByteOffset: KeyEntry.headerSize, as: Int64.self)
        expireIndex = 0
    }

    /// Clears the has-expire bit and shifts key+value down; the slack becomes value capacity.
    func removeExpireArea() {
        precondition(hasExpire)
        let payload = keyLength + valueLength
        memmove(raw + KeyEntry.headerSize, raw + KeyEntry.headerSize + KeyEntry.expireAreaSize, payload)
        keyWord &= ~KeyEntry.expireBit
    }

    /// Bytes needed for the header, expire area, key and a value of `valueBytes`.
    @inline(__always)
    func totalSize(valueBytes: Int) -> Int { keyOffset + keyLength + valueBytes }
}
