// Helpers shared by several unit test files.

/// Bytes from a hex string ("0a00ff"), for fixtures copied from a real Redis's output.
func hexBytes(_ s: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = s.startIndex
    while i < s.endIndex {
        let j = s.index(i, offsetBy: 2)
        out.append(UInt8(s[i..<j], radix: 16)!)
        i = j
    }
    return out
}
