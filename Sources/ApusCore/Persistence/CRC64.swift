// CRC-64/Jones, the checksum Redis appends to RDB files and DUMP payloads
// (Redis `crc64.c`): polynomial 0xad93d23594c935a9, reflected input and output,
// initial value 0, no final xor. Check value: "123456789" -> 0xe9c6d914c4b8d9ca.
// Because init and xorout are both 0, the running value can be fed straight back
// into `update`, so a writer can checksum its output chunk by chunk.
// The implementation is table-driven "slice-by-8": eight 256-entry tables let the
// loop consume one 64-bit word per step instead of one byte.

// MARK: - Tables

/// Eight 256-entry tables, laid out contiguously (table k at offset k*256).
/// Table 0 is the classic byte-at-a-time table for the reflected polynomial;
/// table k gives the CRC contribution of a byte followed by k zero bytes.
private let crc64Tables: UnsafeMutablePointer<UInt64> = {
    // Bit-reversed form of 0xad93d23594c935a9, as the reflected algorithm shifts right.
    let reflectedPoly: UInt64 = 0x95ac_9329_ac4b_c9b5
    let t = UnsafeMutablePointer<UInt64>.allocate(capacity: 8 * 256)
    for i in 0..<256 {
        var crc = UInt64(i)
        for _ in 0..<8 {
            crc = (crc & 1) != 0 ? (crc >> 1) ^ reflectedPoly : crc >> 1
        }
        t[i] = crc
    }
    for k in 1..<8 {
        for i in 0..<256 {
            let prev = t[(k - 1) * 256 + i]
            t[k * 256 + i] = (prev >> 8) ^ t[Int(prev & 0xff)]
        }
    }
    return t
}()

// MARK: - API

public enum CRC64 {
    /// Extends `crc` (0 for a fresh checksum) over the bytes of `p` and returns the new value.
    /// Pure function; safe to call from any thread.
    @inlinable
    public static func update(_ crc: UInt64, _ p: UnsafeRawBufferPointer) -> UInt64 {
        guard let base = p.baseAddress, p.count > 0 else { return crc }
        return update(crc, base, p.count)
    }

    /// Pointer + length form of `update`, for callers that already hold a raw pointer.
    public static func update(_ crc: UInt64, _ base: UnsafeRawPointer, _ count: Int) -> UInt64 {
        let t = crc64Tables
        var crc = crc
        var p = base
        var n = count
        // Byte steps until the pointer is 8-aligned, so the word loads below are aligned.
        while n > 0 && (UInt(bitPattern: p) & 7) != 0 {
            crc = t[Int((crc ^ UInt64(p.load(as: UInt8.self))) & 0xff)] ^ (crc >> 8)
            p += 1
            n -= 1
        }
        while n >= 8 {
            // RDB is little-endian on disk and the CRC is reflected, so the word is
            // consumed least-significant byte first on every host we support.
            let x = crc ^ UInt64(littleEndian: p.load(as: UInt64.self))
            crc = t[7 * 256 + Int(x & 0xff)]
                ^ t[6 * 256 + Int((x >> 8) & 0xff)]
                ^ t[5 * 256 + Int((x >> 16) & 0xff)]
                ^ t[4 * 256 + Int((x >> 24) & 0xff)]
                ^ t[3 * 256 + Int((x >> 32) & 0xff)]
                ^ t[2 * 256 + Int((x >> 40) & 0xff)]
                ^ t[1 * 256 + Int((x >> 48) & 0xff)]
                ^ t[Int(x >> 56)]
            p += 8
            n -= 8
        }
        while n > 0 {
            crc = t[Int((crc ^ UInt64(p.load(as: UInt8.self))) & 0xff)] ^ (crc >> 8)
            p += 1
            n -= 1
        }
        return crc
    }

    /// Checksum of a whole byte array (convenience for tests and small payloads).
    public static func checksum(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { update(0, $0) }
    }
}
