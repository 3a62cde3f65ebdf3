// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0, no reflection), the checksum Redis
// Cluster uses to map a key to one of 16384 hash slots, and the slot rule itself: when the key
// holds a non-empty `{...}` section, only the bytes between the first `{` and the next `}` are
// hashed, so related keys can be forced into one slot. Shared by the load tool's cluster mode
// now and by the server's cluster support later.

public enum CRC16 {
    /// Byte-at-a-time lookup table, computed once from the polynomial.
    static let table: [UInt16] = (0..<256).map { byte -> UInt16 in
        var crc = UInt16(byte) << 8
        for _ in 0..<8 { crc = crc & 0x8000 != 0 ? (crc << 1) ^ 0x1021 : crc << 1 }
        return crc
    }

    @inline(__always)
    public static func checksum(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        var crc: UInt16 = 0
        table.withUnsafeBufferPointer { t in
            for b in bytes { crc = (crc << 8) ^ t[Int(UInt8(truncatingIfNeeded: crc >> 8) ^ b)] }
        }
        return crc
    }

    public static func checksum(_ bytes: [UInt8]) -> UInt16 {
        bytes.withUnsafeBytes { checksum($0) }
    }
}

public enum HashSlot {
    public static let count = 16384

    /// The cluster slot of `key` (hash tags honoured as Redis does: the first `{`, then the
    /// first `}` after it; an empty tag `{}` means the whole key is hashed).
    @inline(__always)
    public static func of(_ key: UnsafeRawBufferPointer) -> Int {
        let n = key.count
        var open = -1
        for i in 0..<n where key[i] == UInt8(ascii: "{") { open = i; break }
        if open >= 0 {
            var close = -1
            var j = open + 1
            while j < n { if key[j] == UInt8(ascii: "}") { close = j; break }; j += 1 }
            if close > open + 1 {
                return Int(CRC16.checksum(UnsafeRawBufferPointer(rebasing: key[(open + 1)..<close])) & 0x3FFF)
            }
        }
        return Int(CRC16.checksum(key) & 0x3FFF)
    }

    public static func of(_ key: [UInt8]) -> Int { key.withUnsafeBytes { of($0) } }
}
