// The running digest behind DEBUG DIGEST and DEBUG DIGEST-VALUE (debug.c's xorDigest and
// mixDigest over SHA-1). It lives below the keyspace because every stored value type
// feeds its own elements into it (see StoredObject.digest).

/// A 20-byte running digest with Redis's two combining operations: `xor` (adds data in
/// an order-independent way) and `mix` (order-dependent: digest = SHA1(digest ^ SHA1(data))).
public struct DebugDigest {
    public var bytes = [UInt8](repeating: 0, count: 20)
    public init() {}

    public mutating func xor(_ data: UnsafeRawBufferPointer) {
        let h = SHA1.hash(data)
        for i in 0..<20 { bytes[i] ^= h[i] }
    }

    public mutating func mix(_ data: UnsafeRawBufferPointer) {
        xor(data)
        bytes = SHA1.hash(bytes)
    }

    public mutating func xor(_ data: [UInt8]) { data.withUnsafeBytes { xor($0) } }
    public mutating func mix(_ data: [UInt8]) { data.withUnsafeBytes { mix($0) } }
    public mutating func mix(_ s: String) { mix(Array(s.utf8)) }

    public var hex: String {
        let digits = Array("0123456789abcdef")
        var s = ""
        for b in bytes {
            s.append(digits[Int(b >> 4)])
            s.append(digits[Int(b & 15)])
        }
        return s
    }
}
