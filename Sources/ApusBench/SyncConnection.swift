// A blocking RESP connection for everything off the measured path: reading the server's
// CONFIG before a test, the cluster slot map, sentinel queries, following a MOVED/ASK
// redirection, and the failover report's writers. Replies are decoded completely into
// `RESPValue` by the codec's RESPReplyDecoder, which allocates; the measured path never
// uses this.

import Glibc
import ApusCore
import CApusSys

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
        do {
            try bytes.withUnsafeBytes { try SystemCall.writeAll(fd, $0) }
        } catch let e as SystemError {
            broken = true
            throw ConnectionError(String(cString: strerror(e.errno)))
        }
    }

    /// Sends one command and reads its reply.
    @discardableResult
    public func command(_ args: [[UInt8]]) throws -> RESPValue {
        try send(RESPCommandEncoder.encode(args))
        return try readReply()
    }

    @discardableResult
    public func command(_ args: String...) throws -> RESPValue {
        try command(args.map { Array($0.utf8) })
    }

    /// Reads one complete reply (push messages are returned like any other reply).
    public func readReply() throws -> RESPValue {
        while true {
            var p = pos
            let decoded: RESPValue?
            do {
                decoded = try RESPReplyDecoder.decode(buf, &p)
            } catch {
                broken = true
                throw ConnectionError("\(error)")
            }
            if let v = decoded {
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
        let n = chunk.withUnsafeMutableBytes { b in SystemCall.retryingEINTR { read(fd, b.baseAddress, b.count) } }
        if n == 0 { broken = true; throw ConnectionError("Server closed the connection") }
        if n < 0 {
            broken = true
            throw ConnectionError(errno == EAGAIN ? "Timed out waiting for a reply" : String(cString: strerror(errno)))
        }
        buf += chunk[0..<n]
    }
}

