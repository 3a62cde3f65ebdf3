// Request parsing (Redis's processInlineBuffer / processMultibulkBuffer). Parses in
// place: a multibulk argument is an (offset, length) range into the query buffer.
// "Need more bytes" consumes nothing that cannot be resumed; malformed input produces
// Redis 7.0.15's exact `Protocol error: ...` reply and closes the connection after it.

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

enum ParseOutcome { case complete, needMore, failed }

extension Client {
    /// Parses one command from the query buffer. On `.complete`, argc/arg(i) describe it
    /// (argc may be 0 for an empty line, which the caller skips).
    @inline(__always) func parseRequest() -> ParseOutcome {
        if requestType == .unknown {
            requestType = query.byte(at: query.readIndex) == 42 ? .multibulk : .inline
            commandStart = query.readIndex
        }
        if requestType == .multibulk { return parseMultibulk() }
        return parseInline()
    }

    private func protocolError(_ reason: String, detail: UInt8? = nil) -> ParseOutcome {
        var msg = Array("ERR Protocol error: \(reason)".utf8)
        if let d = detail { msg += [d, 39] }   // the offending byte as sent, then the closing quote
        addReplyError(bytes: msg)
        server.log(.verbose, "Protocol error (\(reason)) from client: \(describeForLog())")
        flags.insert(.closeAfterReply)
        // Everything after the bad input is discarded, as Redis does.
        query.readIndex = query.writeIndex
        return .failed
    }

    /// Finds "\r" from `from` within the readable region; returns its absolute offset.
    /// Like Redis, which searches its NUL-terminated buffer with strchr, a NUL byte before
    /// the "\r" means "not found yet" (count lines never contain NUL).
    @inline(__always) private func findCR(from: Int) -> Int? {
        findByte(13, from: from)
    }

    @inline(__always) private func findByte(_ byte: Int32, from: Int) -> Int? {
        let n = query.writeIndex - from
        if n <= 0 { return nil }
        guard let p = memchr(query.base + from, byte, n) else { return nil }
        let at = p - query.base
        if memchr(query.base + from, 0, at - from) != nil { return nil }
        return at
    }

    private func parseMultibulk() -> ParseOutcome {
        if multibulkLen == 0 {
            let start = query.readIndex
            guard let cr = findCR(from: start) else {
                if query.readableBytes > ProtocolLimits.inlineMaxSize {
                    return protocolError("too big mbulk count string")
                }
                return .needMore
            }
            // "\r" must be followed by one more byte ("\n") in the buffer.
            if cr + 1 >= query.writeIndex { return .needMore }
            guard let ll = Numbers.string2ll(query.bytes(at: start + 1, count: cr - start - 1)), ll <= Int64(Int32.max) else {
                return protocolError("invalid multibulk length")
            }
            if ll > Int64(ProtocolLimits.unauthenticatedMaxArgs) && !authenticated {
                return protocolError("unauthenticated multibulk length")
            }
            query.readIndex = cr + 2
            if ll <= 0 { return .complete }   // "*0" or "*-1": an empty command
            multibulkLen = Int(ll)
            ensureArgCapacity(min(multibulkLen, 1024))
        }
        while multibulkLen > 0 {
            if bulkLen == -1 {
                let start = query.readIndex
                guard let cr = findCR(from: start) else {
                    if query.readableBytes > ProtocolLimits.inlineMaxSize {
                        return protocolError("too big bulk count string")
                    }
                    return .needMore
                }
                if cr + 1 >= query.writeIndex { return .needMore }
                let first = query.byte(at: start)
                if first != 36 {
                    return protocolError("expected '$', got '", detail: first)
                }
                guard let ll = Numbers.string2ll(query.bytes(at: start + 1, count: cr - start - 1)),
                      ll >= 0, ll <= Int64(server.config.protoMaxBulkLen) else {
                    return protocolError("invalid bulk length")
                }
                if ll > Int64(ProtocolLimits.unauthenticatedMaxBulk) && !authenticated {
                    return protocolError("unauthenticated bulk length")
                }
                query.readIndex = cr + 2
                bulkLen = Int(ll)
                if bulkLen >= ProtocolLimits.bigArgument {
                    // Make the buffer able to hold the whole argument so the next reads
                    // land in place (Redis does the same to avoid repeated copies).
                    compactQuery()
                    // Never reserve past the query buffer limit: a huge proto-max-bulk-len
                    // must not turn one length line into a huge allocation.
                    let wanted = min(bulkLen, server.config.clientQueryBufferLimit) + 2
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

    private func parseInline() -> ParseOutcome {
        let start = query.readIndex
        let n = query.readableBytes
        guard let nl = findByte(10, from: start) else {
            if n > ProtocolLimits.inlineMaxSize { return protocolError("too big inline request") }
            return .needMore
        }
        var end = nl
        if end > start && query.byte(at: end - 1) == 13 { end -= 1 }
        guard let parts = SplitArgs.split(query.bytes(at: start, count: end - start)) else {
            return protocolError("unbalanced quotes in request")
        }
        query.readIndex = nl + 1
        // Copy the split arguments into one owned buffer; offsets index it.
        if inlineArgBuffer == nil { inlineArgBuffer = ByteBuffer(capacity: 256) }
        inlineArgBuffer!.reset(shrinkTo: 4096)
        argc = 0
        for p in parts {
            let off = inlineArgBuffer!.writeIndex
            inlineArgBuffer!.append(p)
            pushArg(offset: off, length: p.count)
        }
        return .complete
    }

    /// Slides unparsed bytes to the front of the query buffer, keeping the ranges of
    /// arguments already parsed for the command in progress valid.
    func compactQuery() {
        // Arguments already parsed for a partial command sit before readIndex: keep
        // everything from the start of that command.
        let keepFrom = requestType == .multibulk ? commandStart : query.readIndex
        if keepFrom == 0 { return }
        let parsed = query.readIndex - keepFrom
        query.readIndex = keepFrom
        query.compact()
        query.readIndex = parsed
        if requestType == .multibulk {
            for i in 0..<argc { argOffsets[i] -= keepFrom }
        }
        commandStart = 0
    }

    func describeForLog() -> String { "addr=\(peerAddress) laddr=\(localAddress) name=\(displayName)" }
}
