// Encoding commands the way clients send them: a RESP array of bulk strings. The
// propagation stream (AOF, replicas), the benchmark's request templates and every link
// where Apus is the client (a replica to its master, the sentinel) write commands with
// this, so the framing is written once.

public enum RESPCommandEncoder {
    /// `*<argc>\r\n`
    @inline(__always)
    public static func appendHeader(argc: Int, into b: inout ByteBuffer) {
        b.append(byte: 42)
        b.appendDecimal(Int64(argc))
        b.append("\r\n")
    }

    /// `$<len>\r\n<bytes>\r\n`
    @inline(__always)
    public static func appendArgument(_ p: UnsafeRawBufferPointer, into b: inout ByteBuffer) {
        b.append(byte: 36)
        b.appendDecimal(Int64(p.count))
        b.append("\r\n")
        b.append(p)
        b.append("\r\n")
    }

    public static func append(_ args: [[UInt8]], into b: inout ByteBuffer) {
        appendHeader(argc: args.count, into: &b)
        for a in args { a.withUnsafeBytes { appendArgument($0, into: &b) } }
    }

    /// The encoding as an array, for callers that keep it (templates, tests).
    public static func encode(_ args: [[UInt8]]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(16 + args.reduce(0) { $0 + $1.count + 16 })
        appendLine(42, args.count, &out)
        for a in args {
            appendLine(36, a.count, &out)
            out += a
            out += [13, 10]
        }
        return out
    }

    public static func encode(_ args: String...) -> [UInt8] { encode(args.map { Array($0.utf8) }) }

    /// Offset of argument `k`'s payload within `encode(args)`.
    public static func payloadOffset(of k: Int, in args: [[UInt8]]) -> Int {
        var off = headerLength(args.count)
        for i in 0..<k { off += headerLength(args[i].count) + args[i].count + 2 }
        return off + headerLength(args[k].count)
    }

    /// Bytes of a `*n\r\n` or `$n\r\n` line.
    @inline(__always)
    static func headerLength(_ n: Int) -> Int { Numbers.sdigits10(Int64(n)) + 3 }

    private static func appendLine(_ type: UInt8, _ n: Int, _ out: inout [UInt8]) {
        out.append(type)
        out += Array(String(n).utf8)
        out += [13, 10]
    }
}
