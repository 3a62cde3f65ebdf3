// Counting replies without decoding them (the streaming half of the RESP client codec;
// RESPReplyDecoder is the other). The scanner walks RESP2/RESP3 bytes as they arrive
// and reports each complete top-level reply (and whether it is an error, keeping the error's
// text). Bulk payloads are skipped by length, so they are never buffered; only a header line
// cut by a read boundary is copied. RESP3 push messages (tracking invalidations) and
// attributes are not replies to a request and are not reported. Nesting is bounded, as in
// hiredis; a bad type byte or length is reported as hiredis words it.

import Glibc

/// Receives complete replies; returning false stops the scan (the rest is dropped).
public protocol RESPReplyHandler {
    mutating func reply(isError: Bool, scanner: inout RESPReplyScanner) -> Bool
}

@frozen public struct RESPReplyScanner {
    public static let maxDepth = 64

    /// Elements still expected by each open aggregate, outermost first.
    @usableFromInline var remaining: [Int] = []
    @usableFromInline var skip = 0                    // payload + CRLF bytes of a bulk still to pass
    @usableFromInline var partialLine: [UInt8] = []
    @usableFromInline var lineSpare: [UInt8] = []
    @usableFromInline var topIsError = false
    @usableFromInline var topIsIgnored = false        // a push or attribute at the top level
    @usableFromInline var capturingBlobError = false
    @usableFromInline var lastErrorText: [UInt8] = []
    /// Text of the last error reply (RESP2 `-` line or RESP3 blob error), capped at 4 KB.
    public var errorText: [UInt8] { lastErrorText }

    public init() { remaining.reserveCapacity(Self.maxDepth) }

    @inlinable public mutating func reset() {
        remaining.removeAll(keepingCapacity: true)
        skip = 0
        partialLine.removeAll(keepingCapacity: true)
        topIsError = false
        topIsIgnored = false
        capturingBlobError = false
    }

    /// Consumes `bytes`. Returns a protocol error message, or nil.
    @inlinable public mutating func scan<H: RESPReplyHandler>(_ bytes: UnsafeRawBufferPointer, _ handler: inout H) -> String? {
        guard let start = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return nil }
        let n = bytes.count
        var i = 0
        while i < n {
            if skip > 0 {
                let take = Swift.min(skip, n - i)
                if capturingBlobError {
                    let payload = Swift.max(0, Swift.min(take, skip - 2))
                    if payload > 0 && lastErrorText.count < 4096 {
                        lastErrorText.append(contentsOf: UnsafeBufferPointer(start: start + i, count: payload))
                    }
                }
                skip -= take
                i += take
                if skip == 0 {
                    capturingBlobError = false
                    if !valueDone(&handler) { return nil }
                }
                continue
            }
            guard let nl = memchr(start + i, 10, n - i) else {
                partialLine.append(contentsOf: UnsafeBufferPointer(start: start + i, count: n - i))
                return nil
            }
            let end = UnsafePointer<UInt8>(nl.assumingMemoryBound(to: UInt8.self)) - start
            let outcome: LineOutcome
            if partialLine.isEmpty {
                outcome = line(UnsafeBufferPointer(start: start + i, count: end - i), &handler)
            } else {
                partialLine.append(contentsOf: UnsafeBufferPointer(start: start + i, count: end - i))
                // Swap buffers instead of copying: the line is handled from `lineSpare` while
                // `partialLine` is free again, and neither allocates once grown.
                swap(&partialLine, &lineSpare)
                partialLine.removeAll(keepingCapacity: true)
                let whole = lineSpare
                outcome = whole.withUnsafeBufferPointer { line($0, &handler) }
            }
            i = end + 1
            switch outcome {
            case .more: continue
            case .stop: return nil
            case .protocolError(let m): return m
            }
        }
        return nil
    }

    @usableFromInline enum LineOutcome { case more, stop, protocolError(String) }

    /// One line without its '\n'; a trailing '\r' is ignored.
    @inlinable mutating func line<H: RESPReplyHandler>(_ l: UnsafeBufferPointer<UInt8>, _ handler: inout H) -> LineOutcome {
        var count = l.count
        if count > 0 && l[count - 1] == 13 { count -= 1 }
        guard count > 0 else { return .protocolError("Protocol error, got \"\\r\" as reply type byte") }
        let type = l[0]
        switch type {
        case UInt8(ascii: "+"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "#"),
             UInt8(ascii: "_"), UInt8(ascii: "("):
            return valueDone(&handler) ? .more : .stop
        case UInt8(ascii: "-"):
            if remaining.isEmpty && !topIsIgnored {
                topIsError = true
                lastErrorText.removeAll(keepingCapacity: true)
                lastErrorText.append(contentsOf: UnsafeBufferPointer(rebasing: l[1..<count]))
            }
            return valueDone(&handler) ? .more : .stop
        case UInt8(ascii: "$"), UInt8(ascii: "="), UInt8(ascii: "!"):
            guard let len = Self.length(l, count) else { return .protocolError("Bad bulk string length") }
            if len < 0 { return valueDone(&handler) ? .more : .stop }
            if type == UInt8(ascii: "!") && remaining.isEmpty && !topIsIgnored {
                topIsError = true
                capturingBlobError = true
                lastErrorText.removeAll(keepingCapacity: true)
            }
            skip = len + 2
            return .more
        case UInt8(ascii: "*"), UInt8(ascii: "~"), UInt8(ascii: ">"), UInt8(ascii: "%"), UInt8(ascii: "|"):
            guard var len = Self.length(l, count) else { return .protocolError("Bad multi-bulk length") }
            let pairs = type == UInt8(ascii: "%") || type == UInt8(ascii: "|")
            if pairs { len *= 2 }
            if type == UInt8(ascii: ">") || type == UInt8(ascii: "|") {
                if remaining.isEmpty { topIsIgnored = true }
                else if type == UInt8(ascii: "|") { remaining[remaining.count - 1] += 1 }  // not an element of its parent
            }
            if len <= 0 { return valueDone(&handler) ? .more : .stop }
            guard remaining.count < Self.maxDepth else { return .protocolError("No support for nested multi bulk replies with depth > \(Self.maxDepth)") }
            remaining.append(len)
            return .more
        default:
            let shown = String(decoding: [type], as: UTF8.self)
            return .protocolError("Protocol error, got \"\(shown)\" as reply type byte")
        }
    }

    /// Signed decimal after the type byte; nil when malformed.
    @inlinable @inline(__always) static func length(_ l: UnsafeBufferPointer<UInt8>, _ count: Int) -> Int? {
        var i = 1
        var negative = false
        if i < count && l[i] == UInt8(ascii: "-") { negative = true; i += 1 }
        guard i < count else { return nil }
        var v = 0
        while i < count {
            let d = Int(l[i]) &- 48
            guard d >= 0 && d <= 9, v < Int.max / 10 - 9 else { return nil }
            v = v * 10 + d
            i += 1
        }
        return negative ? -v : v
    }

    /// A value is complete: close finished aggregates; a complete top-level value is a reply.
    @inlinable @inline(__always) mutating func valueDone<H: RESPReplyHandler>(_ handler: inout H) -> Bool {
        while let last = remaining.last {
            if last > 1 { remaining[remaining.count - 1] = last - 1; return true }
            remaining.removeLast()
        }
        if topIsIgnored { topIsIgnored = false; return true }
        let isError = topIsError
        topIsError = false
        return handler.reply(isError: isError, scanner: &self)
    }
}
