// Replying to a client (Redis's addReply* family in networking.c): each function asks
// `prepareToWrite` whether the client takes replies (queueing it for the before-sleep
// write pass and enforcing its output-buffer limit), then RESPReplyEncoder writes the
// bytes for the client's protocol version into its reply buffer.

import Glibc

extension Client {
    /// Queues the client for the before-sleep write pass (one write per loop turn) and
    /// says whether a reply may be appended (Redis's prepareClientToWrite). A client
    /// closing ASAP takes no more replies. Once the pending output reaches the smallest
    /// configured limit, every further reply checks its class's limit first, so one
    /// client never grows past its limit by more than one reply element.
    @inline(__always) func prepareToWrite() -> Bool {
        if !flags.isDisjoint(with: Client.noReplyFlags) { return false }
        return queueForWrite()
    }

    /// `prepareToWrite` for what Redis pushes (pub/sub messages and (un)subscribe
    /// confirmations, its CLIENT_PUSHING): CLIENT REPLY OFF/SKIP do not hold it back.
    @inline(__always) func prepareToPush() -> Bool {
        if flags.contains(.closeASAP) { return false }
        return queueForWrite()
    }

    @inline(__always) private func queueForWrite() -> Bool {
        if !queuedForWrite {
            queuedForWrite = true
            server.clientsPendingWrite.append(self)
        }
        if reply.readableBytes >= server.outputLimitFloor {
            return !server.closeClientOnOutputBufferLimitReached(self)
        }
        return true
    }

    static let noReplyFlags: ClientFlags = [.replyOff, .replySkip, .closeASAP, .master]

    @inline(__always) public func addReplyRaw(_ s: StaticString) {
        if prepareToWrite() { reply.append(s) }
    }

    @inline(__always) public func addReplyRaw(_ p: UnsafeRawBufferPointer) {
        if prepareToWrite() { reply.append(p) }
    }

    public func addReplyOK() { addReplyRaw("+OK\r\n") }

    public func addReplyStatus(_ s: String) {
        guard prepareToWrite() else { return }
        RESPReplyEncoder.status(s, into: &reply)
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
        RESPReplyEncoder.error(full, into: &reply)
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

    /// 7.0's reply to a subcommand given the wrong arguments (addReplySubcommandSyntaxError).
    public func addReplySubcommandSyntaxError() {
        var msg = Array("ERR unknown subcommand or wrong number of arguments for '".utf8)
        msg += arg(1).prefix(128)
        msg += Array("'. Try \(String(decoding: arg(0), as: UTF8.self).uppercased()) HELP.".utf8)
        addReplyError(bytes: msg)
    }

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
        RESPReplyEncoder.integer(v, into: &reply)
    }

    @inline(__always) public func addReplyInteger(_ v: Int) { addReplyInteger(Int64(v)) }

    @inline(__always) public func addReplyBulk(_ p: UnsafeRawBufferPointer) {
        guard prepareToWrite() else { return }
        RESPReplyEncoder.bulk(p, into: &reply)
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
        if prepareToWrite() { RESPReplyEncoder.null(resp: resp, into: &reply) }
    }

    @inline(__always) public func addReplyArrayLen(_ n: Int) {
        if prepareToWrite() { RESPReplyEncoder.lengthHeader(42, n, into: &reply) }
    }

    public func addReplyMapLen(_ n: Int) {
        if prepareToWrite() { RESPReplyEncoder.mapLength(n, resp: resp, into: &reply) }
    }

    public func addReplySetLen(_ n: Int) {
        if prepareToWrite() { RESPReplyEncoder.setLength(n, resp: resp, into: &reply) }
    }

    public func addReplyPushLen(_ n: Int) {
        if prepareToWrite() { RESPReplyEncoder.pushLength(n, resp: resp, into: &reply) }
    }

    public func addReplyDouble(_ d: Double) {
        if prepareToWrite() { RESPReplyEncoder.double(d, resp: resp, into: &reply) }
    }

    public func addReplyBool(_ b: Bool) {
        if prepareToWrite() { RESPReplyEncoder.bool(b, resp: resp, into: &reply) }
    }

    public func addReplyBigNumber(_ s: String) {
        if prepareToWrite() { RESPReplyEncoder.bigNumber(s, resp: resp, into: &reply) }
    }

    public func addReplyVerbatim(_ text: String, format: String = "txt") {
        if prepareToWrite() { RESPReplyEncoder.verbatim(text, format: format, resp: resp, into: &reply) }
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
        RESPReplyEncoder.deferredHeader(prefix, n).withUnsafeBytes { reply.insert($0, at: h) }
    }

    public func setDeferredArrayLen(_ h: Int, _ n: Int) { setDeferred(h, 42, n) }

    /// A map of `n` pairs in RESP3; an array of 2n elements in RESP2.
    public func setDeferredMapLen(_ h: Int, _ n: Int) {
        if resp == 2 { setDeferred(h, 42, n * 2) } else { setDeferred(h, 37, n) }
    }
}

