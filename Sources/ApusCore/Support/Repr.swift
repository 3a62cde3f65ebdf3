// Printable, quoted renderings of arbitrary bytes, as Redis's sdscatrepr produces them
// for MONITOR lines and log messages: backslash escapes for quote, backslash, \n \r \t
// \a \b, the character itself when printable, \xHH otherwise.

enum Repr {
    /// `"..."` with the bytes of `p` escaped.
    static func quoted(_ p: UnsafeRawBufferPointer) -> String {
        var s = "\""
        for b in p {
            switch b {
            case 92: s += "\\\\"
            case 34: s += "\\\""
            case 10: s += "\\n"
            case 13: s += "\\r"
            case 9: s += "\\t"
            case 7: s += "\\a"
            case 8: s += "\\b"
            case 32...126: s.unicodeScalars.append(Unicode.Scalar(b))
            default:
                let hex: [Character] = Array("0123456789abcdef")
                s += "\\x"
                s.append(hex[Int(b >> 4)])
                s.append(hex[Int(b & 15)])
            }
        }
        return s + "\""
    }
}
