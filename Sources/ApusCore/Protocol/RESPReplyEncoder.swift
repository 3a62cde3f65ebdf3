// Encoding replies for RESP2 and RESP3 (the bytes of Redis's addReply* family), on any
// byte buffer: a client's reply buffer, a test's buffer, later a sentinel's or a
// replica's. The protocol version decides the bytes: maps become flat arrays, sets
// arrays, nulls `$-1`/`*-1`, booleans integers, doubles and verbatim strings bulk
// strings when the peer speaks RESP2.

public enum RESPReplyEncoder {
    /// `+text` (the caller guarantees no CR/LF).
    public static func status(_ s: String, into b: inout ByteBuffer) {
        b.append(byte: 43)
        b.append(string: s)
        b.append("\r\n")
    }

    /// `-<full>`; CR and LF inside become spaces, as Redis does, so a message quoting
    /// client bytes cannot break the framing.
    public static func error(_ full: [UInt8], into b: inout ByteBuffer) {
        b.append(byte: 45)
        var m = full
        for i in m.indices where m[i] == 13 || m[i] == 10 { m[i] = 32 }
        b.append(m)
        b.append("\r\n")
    }

    @inline(__always) public static func integer(_ v: Int64, into b: inout ByteBuffer) {
        b.reserve(24)
        b.append(byte: 58)
        b.appendDecimal(v)
        b.append("\r\n")
    }

    /// A type byte and a count line: `*3`, `$5`, `%2` ...
    @inline(__always) public static func lengthHeader(_ prefix: UInt8, _ n: Int, into b: inout ByteBuffer) {
        b.reserve(24)
        b.append(byte: prefix)
        b.appendDecimal(Int64(n))
        b.append("\r\n")
    }

    @inline(__always) public static func bulk(_ p: UnsafeRawBufferPointer, into b: inout ByteBuffer) {
        b.reserve(p.count + 24)
        lengthHeader(36, p.count, into: &b)
        b.append(p)
        b.append("\r\n")
    }

    @inline(__always) public static func null(resp: Int, into b: inout ByteBuffer) {
        b.append(resp >= 3 ? "_\r\n" : "$-1\r\n")
    }

    public static func nullArray(resp: Int, into b: inout ByteBuffer) {
        b.append(resp >= 3 ? "_\r\n" : "*-1\r\n")
    }

    public static func mapLength(_ n: Int, resp: Int, into b: inout ByteBuffer) {
        if resp >= 3 { lengthHeader(37, n, into: &b) } else { lengthHeader(42, n * 2, into: &b) }
    }

    public static func setLength(_ n: Int, resp: Int, into b: inout ByteBuffer) {
        lengthHeader(resp >= 3 ? 126 : 42, n, into: &b)
    }

    public static func pushLength(_ n: Int, resp: Int, into b: inout ByteBuffer) {
        lengthHeader(resp >= 3 ? 62 : 42, n, into: &b)
    }

    /// A double as 7.0 sends it: RESP3 `,<%.17g>`; RESP2 a bulk string of the same text.
    public static func double(_ d: Double, resp: Int, into b: inout ByteBuffer) {
        let text = Numbers.formatDouble(d)
        if resp >= 3 {
            b.append(byte: 44)
            b.append(text)
            b.append("\r\n")
        } else {
            text.withUnsafeBytes { bulk($0, into: &b) }
        }
    }

    public static func bool(_ v: Bool, resp: Int, into b: inout ByteBuffer) {
        if resp >= 3 { b.append(v ? "#t\r\n" : "#f\r\n") } else { b.append(v ? ":1\r\n" : ":0\r\n") }
    }

    public static func bigNumber(_ s: String, resp: Int, into b: inout ByteBuffer) {
        if resp >= 3 {
            b.append(byte: 40)
            b.append(string: s)
            b.append("\r\n")
        } else {
            bulk(Array(s.utf8), into: &b)
        }
    }

    /// Verbatim string (`=len\r\ntxt:...`) in RESP3, plain bulk string in RESP2.
    public static func verbatim(_ text: String, format: String, resp: Int, into b: inout ByteBuffer) {
        if resp >= 3 {
            let body = format + ":" + text
            lengthHeader(61, body.utf8.count, into: &b)
            b.append(string: body)
            b.append("\r\n")
        } else {
            bulk(Array(text.utf8), into: &b)
        }
    }

    private static func bulk(_ bytes: [UInt8], into b: inout ByteBuffer) {
        bytes.withUnsafeBytes { bulk($0, into: &b) }
    }

    /// The header a deferred length becomes once the count is known.
    public static func deferredHeader(_ prefix: UInt8, _ n: Int) -> [UInt8] {
        var hdr = [prefix]
        hdr.append(contentsOf: String(n).utf8)
        hdr.append(13)
        hdr.append(10)
        return hdr
    }
}
