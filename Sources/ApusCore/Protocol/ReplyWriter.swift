// Reply encoding for RESP2 and RESP3 (Redis's addReply* family in networking.c).
// Every reply type has one function; the protocol version of the client decides the
// bytes: maps become flat arrays, sets arrays, nulls `$-1`/`*-1`, booleans integers,
// doubles and verbatim strings bulk strings when the client speaks RESP2.

import Glibc

extension Client {
    /// Queues the client for the before-sleep write pass (one write per loop turn) and
    /// says whether a reply may be appended (Redis's prepareClientToWrite). A client
    /// closing ASAP takes no more replies. Once the pending output reaches the smallest
    /// configured limit, every further reply checks its class's limit first, so one
    /// client never grows past its limit by more than one reply element.
    @inline(__always) func prepareToWrite() -> Bool {
        if !flags.isDisjoint(with: Client.noReplyFlags) { return false }
        if !queuedForWrite {
            queuedForWrite = true
            server.clientsPendingWrite.append(self)
        }
        if reply.readableBytes >= server.outputLimitFloor {
            return !server.closeClientOnOutputBufferLimitReached(self)
        }
        return true
    }

    static let noReplyFlags: ClientFlags = [.replyOff, .replySkip, .closeASAP]

    @inline(__always) public func addReplyRaw(_ s: StaticString) {
        if prepareToWrite() { reply.append(s) }
    }

    @inline(__always) public func addReplyRaw(_ p: UnsafeRawBufferPointer) {
        if prepareToWrite() { reply.append(p) }
    }

    public func addReplyOK() { addReplyRaw("+OK\r\n") }

    public func addReplyStatus(_ s: String) {
        guard prepareToWrite() else { return }
        reply.append(byte: 43)
        reply.append(string: s)
        reply.append("\r\n")
    }

    /// Sends `-<full>\r\n`. `full` carries its own code ("ERR ...", "WRONGTYPE ...").
    public func addReplyError(_ full: String) {
        addReplyError(bytes: Array(full.utf8))
    }

    /// The byte form, for messages quoting client arguments: Redis echoes argument bytes
    /// unchanged (not UTF-8 validated). Newlines would break the protocol, so they become
    /// spaces, as Redis does.
    public func addReplyError(bytes full: [UInt8]) {
        server.noteError(full)
        guard prepareToWrite() else { return }
        reply.append(byte: 45)
        var b = full
        for i in b.indices where b[i] == 13 || b[i] == 10 { b[i] = 32 }
        reply.append(b)
        reply.append("\r\n")
    }

    /// An error quoting argument `i` byte for byte: `prefix` + argv[i] + `suffix`.
    public func addReplyError(_ prefix: String, quoting i: Int, _ suffix: String, limit: Int = Int.max) {
        addReplyError(bytes: Array(prefix.utf8) + Array(arg(i).prefix(limit)) + Array(suffix.utf8))
    }

    public func addReplyErrorArity() {
        let name = currentCommand?.fullName ?? argLowercased(0)
        addReplyError("ERR wrong number of arguments for '\(name)' command")
    }

    public func addReplySyntaxError() { addReplyError("ERR syntax error") }

    public func addReplyHelp(_ lines: [String]) {
        let cmd = currentCommand.map { ($0.parent ?? $0).name.uppercased() } ?? argString(0).uppercased()
        addReplyArrayLen(lines.count + 3)
        addReplyStatus("\(cmd) <subcommand> [<arg> [value] [opt] ...]. Subcommands are:")
        for l in lines { addReplyStatus(l) }
        addReplyStatus("HELP")
        addReplyStatus("    Prints this help.")
    }

    @inline(__always) public func addReplyInteger(_ v: Int64) {
        guard prepareToWrite() else { return }
        reply.reserve(24)
        reply.append(byte: 58)
        reply.appendDecimal(v)
        reply.append("\r\n")
    }

    @inline(__always) public func addReplyInteger(_ v: Int) { addReplyInteger(Int64(v)) }

    @inline(__always) func addLengthHeader(_ prefix: UInt8, _ n: Int) {
        reply.reserve(24)
        reply.append(byte: prefix)
        reply.appendDecimal(Int64(n))
        reply.append("\r\n")
    }

    @inline(__always) public func addReplyBulk(_ p: UnsafeRawBufferPointer) {
        guard prepareToWrite() else { return }
        reply.reserve(p.count + 24)
        addLengthHeader(36, p.count)
        reply.append(p)
        reply.append("\r\n")
    }

    public func addReplyBulk(_ b: [UInt8]) { b.withUnsafeBytes { addReplyBulk($0) } }

    public func addReplyBulkString(_ s: String) {
        var s = s
        s.withUTF8 { addReplyBulk(UnsafeRawBufferPointer($0)) }
    }

    @inline(__always) public func addReplyBulkInteger(_ v: Int64) {
        guard prepareToWrite() else { return }
        var tmp: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &tmp) { t in
            let n = Numbers.ll2string(v, into: t.baseAddress!)
            addReplyBulk(UnsafeRawBufferPointer(start: t.baseAddress!, count: n))
        }
    }

    @inline(__always) public func addReplyNull() {
        if resp >= 3 { addReplyRaw("_\r\n") } else { addReplyRaw("$-1\r\n") }
    }

    public func addReplyNullArray() {
        if resp >= 3 { addReplyRaw("_\r\n") } else { addReplyRaw("*-1\r\n") }
    }

    @inline(__always) public func addReplyArrayLen(_ n: Int) {
        guard prepareToWrite() else { return }
        addLengthHeader(42, n)
    }

    public func addReplyMapLen(_ n: Int) {
        guard prepareToWrite() else { return }
        if resp >= 3 { addLengthHeader(37, n) } else { addLengthHeader(42, n * 2) }
    }

    public func addReplySetLen(_ n: Int) {
        guard prepareToWrite() else { return }
        addLengthHeader(resp >= 3 ? 126 : 42, n)
    }

    public func addReplyPushLen(_ n: Int) {
        guard prepareToWrite() else { return }
        addLengthHeader(resp >= 3 ? 62 : 42, n)
    }

    /// A double as 7.0 sends it: RESP3 `,<%.17g>`; RESP2 a bulk string of the same text.
    public func addReplyDouble(_ d: Double) {
        let text = formatReplyDouble(d)
        if resp >= 3 {
            guard prepareToWrite() else { return }
            reply.append(byte: 44)
            reply.append(text)
            reply.append("\r\n")
        } else {
            addReplyBulk(text)
        }
    }

    public func addReplyBool(_ b: Bool) {
        if resp >= 3 { addReplyRaw(b ? "#t\r\n" : "#f\r\n") } else { addReplyRaw(b ? ":1\r\n" : ":0\r\n") }
    }

    public func addReplyBigNumber(_ s: String) {
        if resp >= 3 {
            guard prepareToWrite() else { return }
            reply.append(byte: 40)
            reply.append(string: s)
            reply.append("\r\n")
        } else {
            addReplyBulkString(s)
        }
    }

    /// Verbatim string (`=len\r\ntxt:...`) in RESP3, plain bulk string in RESP2.
    public func addReplyVerbatim(_ text: String, format: String = "txt") {
        if resp >= 3 {
            guard prepareToWrite() else { return }
            let body = format + ":" + text
            addLengthHeader(61, body.utf8.count)
            reply.append(string: body)
            reply.append("\r\n")
        } else {
            addReplyBulkString(text)
        }
    }

    // MARK: - Deferred lengths (replies whose element count is known only at the end)

    /// Returns a handle (an offset into the reply buffer) to patch later.
    public func addReplyDeferredLen() -> Int {
        guard prepareToWrite() else { return -1 }
        return reply.writeIndex
    }

    private func setDeferred(_ h: Int, _ prefix: UInt8, _ n: Int) {
        // The buffer was dropped meanwhile (client closed over its output limit).
        if h < 0 || h > reply.writeIndex || flags.contains(.closeASAP) { return }
        var hdr = [UInt8]()
        hdr.append(prefix)
        hdr.append(contentsOf: String(n).utf8)
        hdr.append(13); hdr.append(10)
        hdr.withUnsafeBytes { reply.insert($0, at: h) }
    }

    public func setDeferredArrayLen(_ h: Int, _ n: Int) { setDeferred(h, 42, n) }
    public func setDeferredMapLen(_ h: Int, _ n: Int) {
        if resp >= 3 { setDeferred(h, 37, n) } else { setDeferred(h, 42, n * 2) }
    }
    public func setDeferredSetLen(_ h: Int, _ n: Int) { setDeferred(h, resp >= 3 ? 126 : 42, n) }
}

/// %.17g as Redis's addReplyDouble uses, with inf/-inf/nan spelled as Redis spells them.
@inline(__always) func formatReplyDouble(_ d: Double) -> [UInt8] { Numbers.formatDouble(d) }
