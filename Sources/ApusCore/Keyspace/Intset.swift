// Intset: the compact encoding of small sets of integers, in Redis's intset format byte
// for byte (RDB type 11 holds exactly these bytes): a 4-byte element width (2, 4 or 8),
// a 4-byte count, then the values sorted ascending, little-endian, all of that width.
// The width grows to fit a value that needs more ("upgrade") and never shrinks.

import Glibc
import CApusSys

public struct Intset {
    static let headerSize = 8
    public private(set) var base: UnsafeMutableRawPointer

    public init() {
        base = malloc(Intset.headerSize)!
        setWidth(2)
        setCount(0)
    }

    /// Adopts a malloc'd block holding a valid intset.
    init(adoptingBase base: UnsafeMutableRawPointer) {
        self.base = base
    }

    /// Adopts a copy of `bytes`, which must have passed `validate`.
    public init(copying bytes: UnsafeRawBufferPointer) {
        base = malloc(max(bytes.count, Intset.headerSize))!
        memcpy(base, bytes.baseAddress!, bytes.count)
    }

    public func free() { Glibc.free(base) }

    public func duplicate() -> Intset { Intset(copying: bytes) }

    public var width: Int { Int(base.loadUnaligned(as: UInt32.self).littleEndian) }
    public var count: Int { Int(base.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian) }
    private func setWidth(_ w: Int) { base.storeBytes(of: UInt32(w).littleEndian, as: UInt32.self) }
    private func setCount(_ n: Int) { base.storeBytes(of: UInt32(n).littleEndian, toByteOffset: 4, as: UInt32.self) }

    /// The set as stored (what RDB and DUMP write).
    public var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base, count: Intset.headerSize + count * width)
    }

    public var allocatedBytes: Int { apus_malloc_usable_size(base) }

    /// The value at position `i` (ascending order).
    public func value(at i: Int) -> Int64 { Intset.load(base + Intset.headerSize, i, width) }

    static func load(_ p: UnsafeRawPointer, _ i: Int, _ w: Int) -> Int64 {
        switch w {
        case 2: return Int64(Int16(littleEndian: p.loadUnaligned(fromByteOffset: i * 2, as: Int16.self)))
        case 4: return Int64(Int32(littleEndian: p.loadUnaligned(fromByteOffset: i * 4, as: Int32.self)))
        default: return Int64(littleEndian: p.loadUnaligned(fromByteOffset: i * 8, as: Int64.self))
        }
    }

    private func store(_ v: Int64, at i: Int, _ w: Int) {
        let p = base + Intset.headerSize
        switch w {
        case 2: p.storeBytes(of: Int16(truncatingIfNeeded: v).littleEndian, toByteOffset: i * 2, as: Int16.self)
        case 4: p.storeBytes(of: Int32(truncatingIfNeeded: v).littleEndian, toByteOffset: i * 4, as: Int32.self)
        default: p.storeBytes(of: v.littleEndian, toByteOffset: i * 8, as: Int64.self)
        }
    }

    static func widthNeeded(_ v: Int64) -> Int {
        if v >= Int64(Int16.min) && v <= Int64(Int16.max) { return 2 }
        if v >= Int64(Int32.min) && v <= Int64(Int32.max) { return 4 }
        return 8
    }

    /// Binary search: (found, position where it is or would be inserted).
    public func search(_ v: Int64) -> (Bool, Int) {
        var lo = 0, hi = count - 1
        let w = width
        let p = UnsafeRawPointer(base + Intset.headerSize)
        while lo <= hi {
            let mid = (lo + hi) >> 1
            let m = Intset.load(p, mid, w)
            if m == v { return (true, mid) }
            if m < v { lo = mid + 1 } else { hi = mid - 1 }
        }
        return (false, lo)
    }

    public func contains(_ v: Int64) -> Bool {
        if Intset.widthNeeded(v) > width { return false }
        return search(v).0
    }

    /// Adds `v`; false if it was there.
    @discardableResult
    public mutating func insert(_ v: Int64) -> Bool {
        let need = Intset.widthNeeded(v)
        let n = count
        if need > width {
            // Upgrade: every value is re-stored wider; `v` is beyond all of them.
            let old = width
            resize(n + 1, width: need)
            var i = n - 1
            while i >= 0 {
                store(Intset.load(base + Intset.headerSize, i, old), at: i + (v < 0 ? 1 : 0), need)
                i -= 1
            }
            setWidth(need)
            store(v, at: v < 0 ? 0 : n, need)
            setCount(n + 1)
            return true
        }
        let (found, at) = search(v)
        if found { return false }
        let w = width
        resize(n + 1, width: w)
        let p = base + Intset.headerSize
        if at < n { memmove(p + (at + 1) * w, p + at * w, (n - at) * w) }
        store(v, at: at, w)
        setCount(n + 1)
        return true
    }

    /// Removes `v`; false if it was not there.
    @discardableResult
    public mutating func remove(_ v: Int64) -> Bool {
        if Intset.widthNeeded(v) > width { return false }
        let (found, at) = search(v)
        if !found { return false }
        let n = count, w = width
        let p = base + Intset.headerSize
        if at < n - 1 { memmove(p + at * w, p + (at + 1) * w, (n - at - 1) * w) }
        setCount(n - 1)
        resize(n - 1, width: w)
        return true
    }

    private mutating func resize(_ n: Int, width w: Int) {
        base = realloc(base, Intset.headerSize + max(n, 0) * w)!
    }

    /// Checks an intset read from outside (RDB, RESTORE): a valid width, the size that
    /// width and count imply, values strictly ascending. Returns the count, nil if invalid.
    public static func validate(_ b: UnsafeRawBufferPointer) -> Int? {
        guard b.count >= headerSize, let p = b.baseAddress else { return nil }
        let w = Int(p.loadUnaligned(as: UInt32.self).littleEndian)
        let n = Int(p.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian)
        guard w == 2 || w == 4 || w == 8, n > 0, headerSize + n * w == b.count else { return nil }
        var prev = load(p + headerSize, 0, w)
        for i in 1..<max(n, 1) where i < n {
            let v = load(p + headerSize, i, w)
            if v <= prev { return nil }
            prev = v
        }
        return n
    }
}
