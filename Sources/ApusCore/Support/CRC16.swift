// CRC16-CCITT (XMODEM: polynomial 0x1021, initial value 0, no reflection), the checksum Redis
// Cluster uses to map a key to one of 16384 hash slots (see HashSlot for the slot rule).

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
