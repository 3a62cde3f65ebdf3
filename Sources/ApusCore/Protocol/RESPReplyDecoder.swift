// Decoding replies completely (the client side of RESP2 and RESP3): every reply type
// becomes a `RESPValue`. For links where Apus is the client and the replies are few or
// small — the benchmark's setup queries, tests, later a replica's handshake with its
// master and the sentinel's queries. Pipelines that only need to count replies use
// RESPReplyScanner, which does not build values.

/// A decoded reply. Attributes are dropped (the value they decorate is returned).
public indirect enum RESPValue: Equatable {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RESPValue])
    case map([(RESPValue, RESPValue)])
    case double(Double)
    case boolean(Bool)
    case bigNumber(String)
    case verbatim([UInt8])
    case push([RESPValue])

    public static func == (a: RESPValue, b: RESPValue) -> Bool {
        switch (a, b) {
        case let (.simple(x), .simple(y)), let (.error(x), .error(y)), let (.bigNumber(x), .bigNumber(y)): return x == y
        case let (.integer(x), .integer(y)): return x == y
        case let (.bulk(x), .bulk(y)), let (.verbatim(x), .verbatim(y)): return x == y
        case (.null, .null): return true
        case let (.array(x), .array(y)), let (.push(x), .push(y)): return x == y
        case let (.map(x), .map(y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        case let (.double(x), .double(y)): return x == y
        case let (.boolean(x), .boolean(y)): return x == y
        default: return false
        }
    }

    /// Text of a string-like reply (simple, bulk, verbatim, error), else nil.
    public var text: String? {
        switch self {
        case .simple(let s), .error(let s), .bigNumber(let s): return s
        case .bulk(let b), .verbatim(let b): return String(decoding: b, as: UTF8.self)
        case .integer(let i): return String(i)
        default: return nil
        }
    }

    public var elements: [RESPValue]? {
        switch self {
        case .array(let a), .push(let a): return a
        case .map(let m): return m.flatMap { [$0.0, $0.1] }
        default: return nil
        }
    }

    public var isError: Bool { if case .error = self { return true }; return false }
}

/// A reply that is not valid RESP, worded as hiredis words it.
public struct RESPDecodeError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Complete-reply decoder over a byte array: nil when more bytes are needed.
public enum RESPReplyDecoder {
    static let maxDepth = 64

    /// Decodes the reply starting at `p` and advances `p` past it; nil (and `p`
    /// unchanged) when the bytes end before the reply does.
    public static func decode(_ b: [UInt8], _ p: inout Int) throws -> RESPValue? {
        try decode(b, &p, depth: 0)
    }

    /// Every complete reply in `b` (tests, one-shot decoding); stops at the first
    /// incomplete or malformed one.
    public static func decodeAll(_ b: [UInt8]) -> [RESPValue] {
        var out: [RESPValue] = []
        var p = 0
        while let v = try? decode(b, &p) { out.append(v) }
        return out
    }

    static func decode(_ b: [UInt8], _ p: inout Int, depth: Int) throws -> RESPValue? {
        guard depth < maxDepth else { throw RESPDecodeError("Protocol error: nesting too deep") }
        guard p < b.count else { return nil }
        let type = b[p]
        guard let lineEnd = findCRLF(b, from: p + 1) else { return nil }
        let line = String(decoding: b[(p + 1)..<lineEnd], as: UTF8.self)
        var q = lineEnd + 2
        func count() throws -> Int {
            guard let n = Int(line) else { throw RESPDecodeError("Protocol error: bad length \"\(line)\"") }
            return n
        }
        func payload(_ n: Int) -> [UInt8]? {
            guard q + n + 2 <= b.count else { return nil }
            let v = Array(b[q..<(q + n)])
            q += n + 2
            return v
        }
        func elements(_ n: Int) throws -> [RESPValue]? {
            var out: [RESPValue] = []
            out.reserveCapacity(Swift.max(0, Swift.min(n, 1024)))
            for _ in 0..<n {
                guard let v = try decode(b, &q, depth: depth + 1) else { return nil }
                out.append(v)
            }
            return out
        }
        let value: RESPValue
        switch type {
        case UInt8(ascii: "+"): value = .simple(line)
        case UInt8(ascii: "-"): value = .error(line)
        case UInt8(ascii: ":"): value = .integer(Int64(line) ?? 0)
        case UInt8(ascii: "_"): value = .null
        case UInt8(ascii: ","): value = .double(Double(line) ?? .nan)
        case UInt8(ascii: "#"): value = .boolean(line == "t")
        case UInt8(ascii: "("): value = .bigNumber(line)
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            let n = try count()
            if n < 0 { value = .null; break }
            guard let data = payload(n) else { return nil }
            if type == UInt8(ascii: "!") { value = .error(String(decoding: data, as: UTF8.self)) }
            else if type == UInt8(ascii: "=") { value = .verbatim(Array(data.dropFirst(Swift.min(4, data.count)))) }
            else { value = .bulk(data) }
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"):
            let n = try count()
            if n < 0 { value = .null; break }
            guard let items = try elements(n) else { return nil }
            value = type == UInt8(ascii: ">") ? .push(items) : .array(items)
        case UInt8(ascii: "%"), UInt8(ascii: "|"):
            let n = try count()
            guard let items = try elements(2 * Swift.max(n, 0)) else { return nil }
            var pairs: [(RESPValue, RESPValue)] = []
            var i = 0
            while i + 1 < items.count { pairs.append((items[i], items[i + 1])); i += 2 }
            if type == UInt8(ascii: "|") {
                // An attribute decorates the reply that follows it; return that reply.
                p = q
                return try decode(b, &p, depth: depth)
            }
            value = .map(pairs)
        default:
            throw RESPDecodeError("Protocol error, got \"\(Character(Unicode.Scalar(type)))\" as reply type byte")
        }
        p = q
        return value
    }

    static func findCRLF(_ b: [UInt8], from: Int) -> Int? {
        var i = from
        while i + 1 < b.count {
            if b[i] == 13 && b[i + 1] == 10 { return i }
            i += 1
        }
        return nil
    }
}
