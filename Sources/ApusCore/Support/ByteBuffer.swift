// A growable byte buffer over raw malloc'd memory: client query and reply buffers, the
// pending propagation stream, RDB encoding batches. A struct owning a raw pointer (not a Swift array) so that appends on
// the reply path never touch reference counting or copy-on-write checks; the owner
// (a final class) calls `free()` exactly once.

import Glibc
import CApusSys

public struct ByteBuffer {
    public private(set) var base: UnsafeMutableRawPointer
    public private(set) var capacity: Int
    /// Bytes [readIndex, writeIndex) are live.
    public var readIndex: Int = 0
    public var writeIndex: Int = 0

    public init(capacity: Int) {
        let cap = max(capacity, 16)
        base = malloc(cap)!
        self.capacity = apus_malloc_usable_size(base)
    }

    public func free() { Glibc.free(base) }

    @inline(__always) public var readableBytes: Int { writeIndex - readIndex }
    @inline(__always) public var writableBytes: Int { capacity - writeIndex }
    @inline(__always) public var isEmpty: Bool { writeIndex == readIndex }

    /// Bytes actually held by malloc for this buffer (for used_memory accounting).
    public var allocatedBytes: Int { capacity }

    /// Makes room for at least `n` more bytes after writeIndex by growing
    /// geometrically. Never moves bytes within the buffer: the query buffer's parsed
    /// arguments are offsets into it (owners compact explicitly).
    @inline(__always) public mutating func reserve(_ n: Int) {
        if writableBytes >= n { return }
        reserveSlow(n)
    }

    @inline(never) mutating func reserveSlow(_ n: Int) {
        var newCap = capacity * 2
        let needed = writeIndex + n
        if newCap < needed { newCap = needed }
        base = realloc(base, newCap)!
        capacity = apus_malloc_usable_size(base)
    }

    /// Moves live bytes to offset 0.
    public mutating func compact() {
        if readIndex == 0 { return }
        let live = readableBytes
        if live > 0 { memmove(base, base + readIndex, live) }
        readIndex = 0
        writeIndex = live
    }

    /// Drops all bytes and, when the buffer grew past `keep`, gives the memory back.
    public mutating func reset(shrinkTo keep: Int) {
        readIndex = 0
        writeIndex = 0
        if capacity > keep * 2 {
            Glibc.free(base)
            base = malloc(keep)!
            capacity = apus_malloc_usable_size(base)
        }
    }

    @inline(__always) public mutating func append(byte: UInt8) {
        reserve(1)
        base.storeBytes(of: byte, toByteOffset: writeIndex, as: UInt8.self)
        writeIndex += 1
    }

    @inline(__always) public mutating func append(_ p: UnsafeRawBufferPointer) {
        let n = p.count
        if n == 0 { return }
        reserve(n)
        memcpy(base + writeIndex, p.baseAddress!, n)
        writeIndex += n
    }

    @inline(__always) public mutating func append(_ s: StaticString) {
        append(UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount))
    }

    public mutating func append(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { append($0) }
    }

    public mutating func append(string s: String) {
        var s = s
        s.withUTF8 { append(UnsafeRawBufferPointer($0)) }
    }

    /// Appends the decimal form of `v` without allocating.
    @inline(__always) public mutating func appendDecimal(_ v: Int64) {
        reserve(21)
        writeIndex += Numbers.ll2string(v, into: base + writeIndex)
    }

    public var readableView: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + readIndex, count: readableBytes)
    }

    public func bytes(at offset: Int, count: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + offset, count: count)
    }

    @inline(__always) public func byte(at offset: Int) -> UInt8 {
        base.load(fromByteOffset: offset, as: UInt8.self)
    }

    /// Inserts `p` at `offset`, shifting the bytes after it (patches deferred lengths).
    public mutating func insert(_ p: UnsafeRawBufferPointer, at offset: Int) {
        reserve(p.count)
        memmove(base + offset + p.count, base + offset, writeIndex - offset)
        memcpy(base + offset, p.baseAddress!, p.count)
        writeIndex += p.count
    }
}
