// Request parsing (Redis's processInlineBuffer / processMultibulkBuffer), standalone:
// the parser reads from a query buffer it is handed and knows nothing of the server or
// the connection. Limits come in with each call; a malformed request yields the exact
// `Protocol error: ...` text of Redis 7.0.15 for the caller to reply and log. Parses in
// place: a multibulk argument is an (offset, length) range into the query buffer, so
// arguments are valid until the buffer is compacted or the request reset. "Need more
// bytes" consumes nothing that cannot be resumed.

import Glibc

public enum ProtocolLimits {
    /// Longest inline request / count line accepted before the parser gives up.
    public static let inlineMaxSize = 64 * 1024
    /// Clients that still have to authenticate get smaller multibulk limits (7.0 hardening).
    public static let unauthenticatedMaxArgs = 10
    public static let unauthenticatedMaxBulk = 16384
    /// Arguments at least this large get a query buffer sized for them exactly.
    public static let bigArgument = 32 * 1024
}

/// The limits a request is parsed under, from the configuration and the connection.
public struct RequestLimits {
    /// proto-max-bulk-len
    public var maxBulkLength: Int
    /// client-query-buffer-limit: a big argument never reserves more than this.
    public var queryBufferLimit: Int
    /// Unauthenticated connections get the small multibulk limits.
    public var authenticated: Bool

    public init(maxBulkLength: Int, queryBufferLimit: Int, authenticated: Bool) {
        self.maxBulkLength = maxBulkLength
        self.queryBufferLimit = queryBufferLimit
        self.authenticated = authenticated
    }
}

public enum RequestType: UInt8 { case unknown, inline, multibulk }

public enum ParseOutcome { case complete, needMore, failed }

/// Parse state of one connection's request stream and the argument vector of the
/// request just parsed. Owns raw memory: the owner calls `free()` once.
public struct RequestParser {
    public private(set) var type: RequestType = .unknown
    private var multibulkLen = 0
    /// Length of the bulk argument being read, -1 between arguments.
    public private(set) var bulkLen = -1
    /// Offset in the query buffer where the request being parsed starts.
    private var commandStart = 0
    private var argOffsets: UnsafeMutablePointer<Int>
    private var argLengths: UnsafeMutablePointer<Int>
    private var argCapacity = 8
    public private(set) var argc = 0
    /// Inline requests are split (quotes, escapes) into this buffer; offsets index it.
    private var inlineArgs: ByteBuffer?
    /// After `.failed`: why, and the offending byte when the reason quotes one. Kept as
    /// plain values so the parser state holds no reference-counted storage.
    private var failure: StaticString = ""
    private var failureByte: UInt8?

    public init() {
        argOffsets = .allocate(capacity: argCapacity)
        argLengths = .allocate(capacity: argCapacity)
    }

    public func free() {
        inlineArgs?.free()
        argOffsets.deallocate()
        argLengths.deallocate()
    }

    /// Bytes held besides the query buffer (CLIENT LIST and used_memory count them).
    public var memoryBytes: Int { argCapacity * 16 + (inlineArgs?.allocatedBytes ?? 0) }

    // MARK: - Arguments

    @inline(__always)
    public func arg(_ i: Int, in query: ByteBuffer) -> UnsafeRawBufferPointer {
        if type == .inline { return inlineArg(i) }
        return UnsafeRawBufferPointer(start: query.base + argOffsets[i], count: argLengths[i])
    }

    private func inlineArg(_ i: Int) -> UnsafeRawBufferPointer {
        let b = inlineArgs.unsafelyUnwrapped
        return UnsafeRawBufferPointer(start: b.base + argOffsets[i], count: argLengths[i])
    }

    private mutating func ensureArgCapacity(_ n: Int) {
        if n <= argCapacity { return }
        var cap = argCapacity
        while cap < n { cap *= 2 }
        let no = UnsafeMutablePointer<Int>.allocate(capacity: cap)
        let nl = UnsafeMutablePointer<Int>.allocate(capacity: cap)
        no.update(from: argOffsets, count: argc)
        nl.update(from: argLengths, count: argc)
        argOffsets.deallocate()
        argLengths.deallocate()
        argOffsets = no
        argLengths = nl
        argCapacity = cap
    }

    @inline(__always) private mutating func pushArg(offset: Int, length: Int) {
        if argc == argCapacity { ensureArgCapacity(argc + 1) }
        argOffsets[argc] = offset
        argLengths[argc] = length
        argc += 1
    }

    /// Forgets the parsed request (Redis's resetClient): argv, multibulk state.
    @inline(__always) public mutating func reset() {
        argc = 0
        type = .unknown
        multibulkLen = 0
        bulkLen = -1
        // The argv array grows for MSET-like commands; give it back when large.
        if argCapacity > 1024 { shrinkArgs() }
    }

    private mutating func shrinkArgs() {
        argOffsets.deallocate()
        argLengths.deallocate()
        argCapacity = 8
        argOffsets = .allocate(capacity: argCapacity)
        argLengths = .allocate(capacity: argCapacity)
    }

    // MARK: - Parsing

    /// Parses one request from `query`. On `.complete`, `argc`/`arg(i, in:)` describe it
    /// (argc may be 0 for an empty line, which the caller skips). On `.failed`, the
    /// rest of the buffer has been discarded, as Redis does.
    @inline(__always)
    public mutating func parse(_ query: inout ByteBuffer, limits: RequestLimits) -> ParseOutcome {
        if type == .unknown {
            type = query.byte(at: query.readIndex) == 42 ? .multibulk : .inline
            commandStart = query.readIndex
        }
        if type == .multibulk { return parseMultibulk(&query, limits) }
        return parseInline(&query)
    }

    private mutating func fail(_ query: inout ByteBuffer, _ reason: StaticString, detail: UInt8? = nil) -> ParseOutcome {
        failure = reason
        failureByte = detail
        query.readIndex = query.writeIndex
        return .failed
    }

    /// After `.failed`: the reason, as Redis logs it.
    public var errorReason: String { failure.description }

    /// After `.failed`: the error reply, "ERR Protocol error: ..." exactly as 7.0.15.
    public var errorReply: [UInt8] {
        var msg = Array("ERR Protocol error: \(failure)".utf8)
        if let d = failureByte { msg += [d, 39] }   // the offending byte as sent, then the closing quote
        return msg
    }

    /// Finds `byte` from `from` within the readable region; returns its absolute offset.
    /// Like Redis, which searches its NUL-terminated buffer with strchr, a NUL byte before
    /// it means "not found yet" (count lines never contain NUL).
    @inline(__always) private func findByte(_ query: ByteBuffer, _ byte: Int32, from: Int) -> Int? {
        let n = query.writeIndex - from
        if n <= 0 { return nil }
        guard let p = memchr(query.base + from, byte, n) else { return nil }
        let at = p - query.base
        if memchr(query.base + from, 0, at - from) != nil { return nil }
        return at
    }

    private mutating func parseMultibulk(_ query: inout ByteBuffer, _ limits: RequestLimits) -> ParseOutcome {
        if multibulkLen == 0 {
            let start = query.readIndex
            guard let cr = findByte(query, 13, from: start) else {
                if query.readableBytes > ProtocolLimits.inlineMaxSize {
                    return fail(&query, "too big mbulk count string")
                }
                return .needMore
            }
            // "\r" must be followed by one more byte ("\n") in the buffer.
            if cr + 1 >= query.writeIndex { return .needMore }
            guard let ll = Numbers.string2ll(query.bytes(at: start + 1, count: cr - start - 1)), ll <= Int64(Int32.max) else {
                return fail(&query, "invalid multibulk length")
            }
            if ll > Int64(ProtocolLimits.unauthenticatedMaxArgs) && !limits.authenticated {
                return fail(&query, "unauthenticated multibulk length")
            }
            query.readIndex = cr + 2
            if ll <= 0 { return .complete }   // "*0" or "*-1": an empty command
            multibulkLen = Int(ll)
            ensureArgCapacity(min(multibulkLen, 1024))
        }
        while multibulkLen > 0 {
            if bulkLen == -1 {
                let start = query.readIndex
                guard let cr = findByte(query, 13, from: start) else {
                    if query.readableBytes > ProtocolLimits.inlineMaxSize {
                        return fail(&query, "too big bulk count string")
                    }
                    return .needMore
                }
                if cr + 1 >= query.writeIndex { return .needMore }
                let first = query.byte(at: start)
                if first != 36 {
                    return fail(&query, "expected '$', got '", detail: first)
                }
                guard let ll = Numbers.string2ll(query.bytes(at: start + 1, count: cr - start - 1)),
                      ll >= 0, ll <= Int64(limits.maxBulkLength) else {
                    return fail(&query, "invalid bulk length")
                }
                if ll > Int64(ProtocolLimits.unauthenticatedMaxBulk) && !limits.authenticated {
                    return fail(&query, "unauthenticated bulk length")
                }
                query.readIndex = cr + 2
                bulkLen = Int(ll)
                if bulkLen >= ProtocolLimits.bigArgument {
                    // Make the buffer able to hold the whole argument so the next reads
                    // land in place (Redis does the same to avoid repeated copies).
                    compact(&query)
                    // Never reserve past the query buffer limit: a huge proto-max-bulk-len
                    // must not turn one length line into a huge allocation.
                    let wanted = min(bulkLen, limits.queryBufferLimit) + 2
                    if wanted > query.readableBytes { query.reserve(wanted - query.readableBytes) }
                }
            }
            if query.readableBytes - 2 < bulkLen { return .needMore }
            pushArg(offset: query.readIndex, length: bulkLen)
            query.readIndex += bulkLen + 2
            bulkLen = -1
            multibulkLen -= 1
        }
        return .complete
    }

    private mutating func parseInline(_ query: inout ByteBuffer) -> ParseOutcome {
        let start = query.readIndex
        let n = query.readableBytes
        guard let nl = findByte(query, 10, from: start) else {
            if n > ProtocolLimits.inlineMaxSize { return fail(&query, "too big inline request") }
            return .needMore
        }
        var end = nl
        if end > start && query.byte(at: end - 1) == 13 { end -= 1 }
        guard let parts = SplitArgs.split(query.bytes(at: start, count: end - start)) else {
            return fail(&query, "unbalanced quotes in request")
        }
        query.readIndex = nl + 1
        if inlineArgs == nil { inlineArgs = ByteBuffer(capacity: 256) }
        inlineArgs!.reset(shrinkTo: 4096)
        argc = 0
        for p in parts {
            let off = inlineArgs!.writeIndex
            inlineArgs!.append(p)
            pushArg(offset: off, length: p.count)
        }
        return .complete
    }

    /// Makes `args` the argument vector (a queued command run by EXEC), held like an
    /// inline request's in the parser's own buffer.
    public mutating func load(_ args: [[UInt8]]) {
        if inlineArgs == nil { inlineArgs = ByteBuffer(capacity: 256) }
        inlineArgs!.reset(shrinkTo: 4096)
        type = .inline
        argc = 0
        for a in args {
            let off = inlineArgs!.writeIndex
            inlineArgs!.append(a)
            pushArg(offset: off, length: a.count)
        }
    }

    /// Slides unparsed bytes to the front of `query`, keeping the ranges of arguments
    /// already parsed for the request in progress valid.
    public mutating func compact(_ query: inout ByteBuffer) {
        // Arguments already parsed for a partial request sit before readIndex: keep
        // everything from the start of that request.
        let keepFrom = type == .multibulk ? commandStart : query.readIndex
        if keepFrom == 0 { return }
        let parsed = query.readIndex - keepFrom
        query.readIndex = keepFrom
        query.compact()
        query.readIndex = parsed
        if type == .multibulk {
            for i in 0..<argc { argOffsets[i] -= keepFrom }
        }
        commandStart = 0
    }
}
