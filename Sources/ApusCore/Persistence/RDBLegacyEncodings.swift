// Reading the encodings older Redis versions wrote into RDB files and 7.0 still loads:
// the ziplist (hashes of RDB type 13, Redis 2.6-6.2) and the zipmap (hashes of type 9,
// before 2.6). Both are read into plain element lists and the values rebuilt in today's
// encodings, as 7.0 converts them at load. Every length and offset is checked against
// the blob: these bytes come from files and RESTORE payloads.

enum RDBLegacyEncodings {
    /// The elements of a ziplist, integers rendered as decimal text; nil when the blob
    /// is not a well-formed ziplist.
    ///
    /// Layout: total bytes (u32 LE), offset of the last entry (u32 LE), entry count (u16
    /// LE, 65535 = count them), entries, 0xFF. An entry is the previous entry's length (1
    /// byte, or 0xFE and a u32), an encoding with the length of a string (6-bit, 14-bit
    /// big-endian, 32-bit big-endian) or an integer type (16/32/64/24/8 bits, or 0-12
    /// inside the encoding byte), then the payload.
    static func ziplistEntries(_ b: UnsafeRawBufferPointer) -> [[UInt8]]? {
        let n = b.count
        guard n >= 11 else { return nil }
        func le(_ at: Int, _ width: Int) -> Int {
            var v = 0
            for i in 0..<width { v |= Int(b[at + i]) << (8 * i) }
            return v
        }
        guard le(0, 4) == n, b[n - 1] == 0xFF else { return nil }
        let tail = le(4, 4)
        let headerCount = le(8, 2)
        var out: [[UInt8]] = []
        var p = 10
        var prevLength = 0
        var lastStart = 10
        while p < n - 1 {
            let start = p
            // The previous entry's length must be what was just read.
            var prev: Int
            if b[p] < 0xFE {
                prev = Int(b[p])
                p += 1
            } else if b[p] == 0xFE {
                guard p + 5 <= n - 1 else { return nil }
                prev = le(p + 1, 4)
                p += 5
            } else {
                return nil
            }
            guard prev == prevLength else { return nil }
            guard p < n - 1 else { return nil }
            let e = b[p]
            var element: [UInt8]
            switch e >> 6 {
            case 0, 1, 2:
                var len: Int
                if e >> 6 == 0 {
                    len = Int(e & 0x3F); p += 1
                } else if e >> 6 == 1 {
                    guard p + 2 <= n - 1 else { return nil }
                    len = Int(e & 0x3F) << 8 | Int(b[p + 1]); p += 2
                } else {
                    guard e == 0x80, p + 5 <= n - 1 else { return nil }
                    len = Int(b[p + 1]) << 24 | Int(b[p + 2]) << 16 | Int(b[p + 3]) << 8 | Int(b[p + 4]); p += 5
                }
                guard len <= n - 1 - p else { return nil }
                element = Array(UnsafeRawBufferPointer(rebasing: b[p..<(p + len)]))
                p += len
            default:
                var value: Int64
                var width: Int
                switch e {
                case 0xC0: width = 2
                case 0xD0: width = 4
                case 0xE0: width = 8
                case 0xF0: width = 3
                case 0xFE: width = 1
                case 0xF1...0xFD: width = 0
                default: return nil
                }
                p += 1
                guard width <= n - 1 - p else { return nil }
                if width == 0 {
                    value = Int64(e & 0x0F) - 1
                } else {
                    var u: UInt64 = 0
                    for i in 0..<width { u |= UInt64(b[p + i]) << (8 * UInt64(i)) }
                    let shift = UInt64(64 - 8 * width)
                    value = Int64(bitPattern: u << shift) >> Int64(shift)   // sign-extend
                    p += width
                }
                element = Numbers.ll2string(value)
            }
            prevLength = p - start
            lastStart = start
            out.append(element)
        }
        guard p == n - 1 else { return nil }
        if !out.isEmpty && tail != lastStart { return nil }
        if out.isEmpty && tail != 10 { return nil }
        if headerCount != 65535 && headerCount != out.count { return nil }
        return out
    }

    /// The field/value pairs of a zipmap, flattened; nil when malformed.
    ///
    /// Layout: a count byte (254+ = count them), then for each pair the key's length (1
    /// byte, or 254 and a u32 LE), the key, the value's length, a "free" byte, the value
    /// and that many unused bytes; 0xFF ends it.
    static func zipmapPairs(_ b: UnsafeRawBufferPointer) -> [[UInt8]]? {
        let n = b.count
        guard n >= 2, b[n - 1] == 0xFF else { return nil }
        var p = 1
        var out: [[UInt8]] = []
        func length() -> Int? {
            guard p < n - 1 else { return nil }
            if b[p] < 254 { defer { p += 1 }; return Int(b[p]) }
            guard b[p] == 254, p + 5 <= n - 1 else { return nil }
            var v = 0
            for i in 0..<4 { v |= Int(b[p + 1 + i]) << (8 * i) }
            p += 5
            return v
        }
        while p < n - 1 {
            guard let klen = length(), klen <= n - 1 - p else { return nil }
            out.append(Array(UnsafeRawBufferPointer(rebasing: b[p..<(p + klen)])))
            p += klen
            guard let vlen = length(), p < n - 1 else { return nil }
            let free = Int(b[p])
            p += 1
            guard vlen + free <= n - 1 - p else { return nil }
            out.append(Array(UnsafeRawBufferPointer(rebasing: b[p..<(p + vlen)])))
            p += vlen + free
        }
        guard p == n - 1, out.count % 2 == 0 else { return nil }
        if b[0] < 254 && Int(b[0]) != out.count / 2 { return nil }
        return out
    }
}
