// The cluster hash slot of a key: CRC16 of the key mod 16384, where a key holding a
// non-empty `{...}` section hashes only the bytes between the first `{` and the next
// `}`, so related keys can be forced into one slot. Shared by the load tool's cluster
// mode now and by the server's cluster support later.

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
