// Key lookup helpers shared by command handlers (Redis's lookupKeyReadOrReply family):
// they apply lazy expiry through the keyspace, count keyspace hits and misses, and
// reply with the standard errors so handlers stay short.

extension Client {
    /// Looks up argv[i] for reading and counts a keyspace hit or miss (Redis's
    /// lookupKeyRead); the only read lookup command handlers use. `touch: false` leaves the
    /// key's access time alone (LOOKUP_NOTOUCH). A miss raises "keymiss" unless
    /// `notify` is false (LOOKUP_NONOTIFY, OBJECT's lookup).
    @inline(__always) func lookupRead(_ i: Int, touch: Bool = true, notify: Bool = true) -> KeyEntry? {
        let e = db.lookupReadNoStats(arg(i), now: server.mstime, touch: touch)
        if let e { server.stats.keyspaceHits += 1; return e }
        server.stats.keyspaceMisses += 1
        if notify { db.notify(.keymiss, arg(i)) }
        return nil
    }

    /// Looks up argv[i] for modification (the snapshot hook runs first).
    @inline(__always) func lookupWrite(_ i: Int) -> KeyEntry? {
        db.lookupWrite(arg(i), now: server.mstime)
    }

    /// Replies WRONGTYPE and returns false when `e` is not of `type`.
    @inline(__always) func checkType(_ e: KeyEntry, _ type: ObjectType) -> Bool {
        if e.type == type { return true }
        addReplyError(ReplyErrors.wrongType)
        return false
    }

    /// Redis's "invalid expire time in '<command>' command".
    func addReplyInvalidExpireTime() {
        addReplyError("ERR invalid expire time in '\(currentCommand?.fullName ?? "set")' command")
    }

    /// The running command enters the command stream as `args` instead of as sent.
    /// The arguments are built only when something consumes the stream.
    @inline(__always)
    func propagateAs(_ args: @autoclosure () -> [[UInt8]]) {
        let p = server.keyspace.propagator
        if p.isActive { p.replaceCurrentCommand(args()) }
    }

    /// A command that deleted argv[i] because the expire time it set is already past
    /// replays as DEL (UNLINK with lazyfree-lazy-expire), as 7.0 does.
    func propagateDeletion(of i: Int) {
        propagateAs([Array((server.keyspace.lazyExpire ? "UNLINK" : "DEL").utf8), argBytes(i)])
    }

    @inline(__always)
    func propagateAs(_ build: () -> [[UInt8]]) {
        let p = server.keyspace.propagator
        if p.isActive { p.replaceCurrentCommand(build()) }
    }

    /// Parses argv[i] as a 64-bit integer or replies the standard error.
    @inline(__always) func argIntOrReply(_ i: Int) -> Int64? {
        if let v = argInt64(i) { return v }
        addReplyError(ReplyErrors.notInteger)
        return nil
    }

    /// Redis's getRangeLongFromObjectOrReply: an integer within `min...max`; `message`
    /// replaces both errors (not a number, out of range) when given.
    func argRangeOrReply(_ i: Int, _ min: Int64, _ max: Int64, message: String? = nil) -> Int64? {
        guard let v = argInt64(i) else {
            addReplyError(message ?? ReplyErrors.notInteger)
            return nil
        }
        if v < min || v > max {
            addReplyError(message ?? "ERR value is out of range, value must between \(min) and \(max)")
            return nil
        }
        return v
    }

    /// Redis's getPositiveLongFromObjectOrReply: an integer ≥ 0.
    func argNonNegativeOrReply(_ i: Int, message: String = ReplyErrors.mustBePositive) -> Int64? {
        argRangeOrReply(i, 0, Int64.max, message: message)
    }

    /// The arguments LMPOP/BLMPOP and ZMPOP/BZMPOP share from numkeys on: numkeys, the
    /// keys, one of two end words (`ends`, case-insensitive), then an optional COUNT ≥ 1,
    /// checked in 7.0's order with its errors. Returns the keys' argument range, whether
    /// the first end word was given, and the count (1 by default); nil after an error.
    func multiPopArgumentsOrReply(numkeysIndex k: Int, ends: (StaticString, StaticString))
        -> (keys: Range<Int>, first: Bool, count: Int64)? {
        guard let nk = argRangeOrReply(k, 1, Int64.max, message: "ERR numkeys should be greater than 0") else {
            return nil
        }
        let whereIndex = Int64(k) + nk + 1
        if whereIndex >= Int64(argc) { addReplySyntaxError(); return nil }
        let w = Int(whereIndex)
        let first: Bool
        if argEquals(w, ends.0) { first = true } else if argEquals(w, ends.1) { first = false } else {
            addReplySyntaxError()
            return nil
        }
        var count: Int64 = -1
        var j = w + 1
        while j < argc {
            guard count == -1 && argEquals(j, "count") && j + 1 < argc else {
                addReplySyntaxError()
                return nil
            }
            j += 1
            guard let n = argRangeOrReply(j, 1, Int64.max, message: "ERR count should be greater than 0") else {
                return nil
            }
            count = n
            j += 1
        }
        return (k + 1 ..< w, first, count == -1 ? 1 : count)
    }

    /// RESP2 `*-1`, RESP3 null: what a pop that found nothing or timed out answers.
    func addReplyNullArray() {
        if prepareToWrite() { RESPReplyEncoder.nullArray(resp: resp, into: &reply) }
    }
}

/// Error texts shared by many commands, exactly as Redis 7.0 words them.
enum ReplyErrors {
    static let wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value"
    static let notInteger = "ERR value is not an integer or out of range"
    static let notFloat = "ERR value is not a valid float"
    static let syntax = "ERR syntax error"
    static let noSuchKey = "ERR no such key"
    static let outOfRangeDB = "ERR DB index is out of range"
    static let stringTooLong = "ERR string exceeds maximum allowed size (proto-max-bulk-len)"
    static let incrementOverflow = "ERR increment or decrement would overflow"
    static let incrementNaN = "ERR increment would produce NaN or Infinity"
    /// A random-element count outside what Redis accepts (getRangeLongFromObjectOrReply).
    static let mustBePositive = "ERR value is out of range, must be positive"
    static let countOutOfRange = "ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807"
}
