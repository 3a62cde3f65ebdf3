// A blocking RESP connection for everything off the measured path: reading the server's
// CONFIG before a test, the cluster slot map, sentinel queries, following a MOVED/ASK
// redirection, and the failover report's writers. Replies are decoded completely into
// `RespValue` (RESP2 and RESP3 types), which allocates; the measured path never uses this.

import Glibc
import CApusSys

public indirect enum RespValue: Equatable {
    case simple(String)
    case error(String)
    case integer(Int64)
    case bulk([UInt8])
    case null
    case array([RespValue])
    case map([(RespValue, RespValue)])
    case double(Double)
    case boolean(Bool)
    case bigNumber(String)
    case verbatim([UInt8])
    case push([RespValue])

    public static func == (a: RespValue, b: RespValue) -> Bool {
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

    public var elements: [RespValue]? {
        switch self {
        case .array(let a), .push(let a): return a
        case .map(let m): return m.flatMap { [$0.0, $0.1] }
        default: return nil
        }
    }

    public var isError: Bool { if case .error = self { return true }; return false }
}

public struct ConnectionError: Error, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Where a server listens: TCP host/port or a unix socket path.
public struct Endpoint: Equatable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var socketPath: String?

    public init(host: String, port: Int, socketPath: String? = nil) {
        self.host = host; self.port = port; self.socketPath = socketPath
    }

    /// "ip:port", or the socket path.
    public var description: String { socketPath ?? "\(host):\(port)" }

    /// Opens a blocking socket (TCP_NODELAY on TCP). The error text matches hiredis's wording
    /// that redis-benchmark prints after "Could not connect to Redis at ...".
    public func connect(timeoutMs: Int32 = 0) -> Result<Int32, ConnectionError> {
        var err: Int32 = 0
        let fd: Int32
        if let path = socketPath {
            fd = apus_connect_unix(path, &err)
        } else {
            fd = apus_connect_host(host, Int32(port), timeoutMs, &err)
        }
        if fd < 0 { return .failure(ConnectionError(String(cString: apus_connect_strerror(err)))) }
        return .success(fd)
    }

    /// "host:port" (IPv6 addresses as CLUSTER SLOTS and MOVED print them: no brackets).
    public static func parse(_ s: String) -> Endpoint? {
        guard let colon = s.lastIndex(of: ":"), let port = Int(s[s.index(after: colon)...]) else { return nil }
        var host = String(s[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return Endpoint(host: host, port: port)
    }
}

/// RESP encoding of one command as an array of bulk strings.
public func encodeCommand(_ args: [[UInt8]]) -> [UInt8] {
    var out: [UInt8] = Array("*\(args.count)\r\n".utf8)
    for a in args {
        out += Array("$\(a.count)\r\n".utf8)
        out += a
        out += [13, 10]
    }
    return out
}

public func encodeCommand(_ args: String...) -> [UInt8] { encodeCommand(args.map { Array($0.utf8) }) }

public final class SyncConnection {
    public let endpoint: Endpoint
    let fd: Int32
    var buf: [UInt8] = []
    var pos = 0
    public private(set) var broken = false

    /// Connects; `timeoutMs` bounds the connect and every later read/write (0 = none).
    public init(_ endpoint: Endpoint, timeoutMs: Int32 = 0) throws {
        self.endpoint = endpoint
        switch endpoint.connect(timeoutMs: timeoutMs) {
        case .success(let fd): self.fd = fd
        case .failure(let e): throw e
        }
        if timeoutMs > 0 { _ = apus_set_io_timeout(fd, timeoutMs) }
    }

    deinit { close(fd) }

    public func send(_ bytes: [UInt8]) throws {
        var off = 0
        while off < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + off, $0.count - off) }
            if n < 0 {
                if errno == EINTR { continue }
                broken = true
                throw ConnectionError(String(cString: strerror(errno)))
            }
            off += n
        }
    }

    /// Sends one command and reads its reply.
    @discardableResult
    public func command(_ args: [[UInt8]]) throws -> RespValue {
        try send(encodeCommand(args))
        return try readReply()
    }

    @discardableResult
    public func command(_ args: String...) throws -> RespValue {
        try command(args.map { Array($0.utf8) })
    }

    /// Reads one complete reply (push messages are returned like any other reply).
    public func readReply() throws -> RespValue {
        while true {
            var p = pos
            if let v = try RespDecoder.decode(buf, &p, depth: 0) {
                pos = p
                if pos == buf.count { buf.removeAll(keepingCapacity: true); pos = 0 }
                return v
            }
            try fill()
        }
    }

    func fill() throws {
        if pos > 0 { buf.removeFirst(pos); pos = 0 }
        var chunk = [UInt8](repeating: 0, count: 16384)
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n == 0 { broken = true; throw ConnectionError("Server closed the connection") }
        if n < 0 {
            if errno == EINTR { return }
            broken = true
            throw ConnectionError(errno == EAGAIN ? "Timed out waiting for a reply" : String(cString: strerror(errno)))
        }
        buf += chunk[0..<n]
    }
}

/// Complete-reply decoder over a byte array: nil when more bytes are needed.
enum RespDecoder {
    static let maxDepth = 64

    static func decode(_ b: [UInt8], _ p: inout Int, depth: Int) throws -> RespValue? {
        guard depth < maxDepth else { throw ConnectionError("Protocol error: nesting too deep") }
        guard p < b.count else { return nil }
        let type = b[p]
        guard let lineEnd = findCRLF(b, from: p + 1) else { return nil }
        let line = String(decoding: b[(p + 1)..<lineEnd], as: UTF8.self)
        var q = lineEnd + 2
        func count() throws -> Int {
            guard let n = Int(line) else { throw ConnectionError("Protocol error: bad length \"\(line)\"") }
            return n
        }
        func payload(_ n: Int) -> [UInt8]? {
            guard q + n + 2 <= b.count else { return nil }
            let v = Array(b[q..<(q + n)])
            q += n + 2
            return v
        }
        func elements(_ n: Int) throws -> [RespValue]? {
            var out: [RespValue] = []
            out.reserveCapacity(Swift.max(0, Swift.min(n, 1024)))
            for _ in 0..<n {
                guard let v = try decode(b, &q, depth: depth + 1) else { return nil }
                out.append(v)
            }
            return out
        }
        let value: RespValue
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
            var pairs: [(RespValue, RespValue)] = []
            var i = 0
            while i + 1 < items.count { pairs.append((items[i], items[i + 1])); i += 2 }
            if type == UInt8(ascii: "|") {
                // An attribute decorates the reply that follows it; return that reply.
                p = q
                return try decode(b, &p, depth: depth)
            }
            value = .map(pairs)
        default:
            throw ConnectionError("Protocol error, got \"\(Character(Unicode.Scalar(type)))\" as reply type byte")
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
