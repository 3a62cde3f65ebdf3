// The string commands (Redis's t_string.c): SET and its variants, GET and variants,
// multi-key MGET/MSET/MSETNX, APPEND/SETRANGE/GETRANGE/STRLEN, the INCR family,
// INCRBYFLOAT with Redis's long-double formatting, and LCS. All writes go through
// the Database API, which feeds the snapshot hook and the modification signal.

import Glibc

enum StringCommands {
    // MARK: - SET family

    struct SetFlags: OptionSet {
        let rawValue: UInt16
        static let nx = SetFlags(rawValue: 1 << 0)
        static let xx = SetFlags(rawValue: 1 << 1)
        static let ex = SetFlags(rawValue: 1 << 2)
        static let px = SetFlags(rawValue: 1 << 3)
        static let exat = SetFlags(rawValue: 1 << 4)
        static let pxat = SetFlags(rawValue: 1 << 5)
        static let keepTTL = SetFlags(rawValue: 1 << 6)
        static let get = SetFlags(rawValue: 1 << 7)
        static let persist = SetFlags(rawValue: 1 << 8)
        static let anyExpire: SetFlags = [.ex, .px, .exat, .pxat]
        /// Precomputed so the SET path builds no option-set literal per call.
        static let nxOrXX: SetFlags = [.nx, .xx]
    }

    enum Variant { case set, getex }

    /// Parses the options after `start` for SET or GETEX exactly as Redis's
    /// parseExtendedStringArgumentsOrReply: each option may appear only where it is
    /// compatible with those seen before; anything else is a syntax error.
    static func parseOptions(_ c: Client, from start: Int, variant: Variant) -> (SetFlags, Int)? {
        var flags: SetFlags = []
        var expireArg = -1
        var j = start
        while j < c.argc {
            let hasNext = j + 1 < c.argc
            if c.argEquals(j, "nx") && !flags.contains(.xx) && variant == .set {
                flags.insert(.nx)
            } else if c.argEquals(j, "xx") && !flags.contains(.nx) && variant == .set {
                flags.insert(.xx)
            } else if c.argEquals(j, "get") && variant == .set {
                flags.insert(.get)
            } else if c.argEquals(j, "keepttl") && flags.isDisjoint(with: [.persist, .ex, .exat, .px, .pxat]) && variant == .set {
                flags.insert(.keepTTL)
            } else if c.argEquals(j, "persist") && variant == .getex && flags.isDisjoint(with: [.ex, .exat, .px, .pxat, .keepTTL]) {
                flags.insert(.persist)
            } else if c.argEquals(j, "ex") && flags.isDisjoint(with: [.keepTTL, .persist, .exat, .px, .pxat]) && hasNext {
                flags.insert(.ex); expireArg = j + 1; j += 1
            } else if c.argEquals(j, "px") && flags.isDisjoint(with: [.keepTTL, .persist, .ex, .exat, .pxat]) && hasNext {
                flags.insert(.px); expireArg = j + 1; j += 1
            } else if c.argEquals(j, "exat") && flags.isDisjoint(with: [.keepTTL, .persist, .ex, .px, .pxat]) && hasNext {
                flags.insert(.exat); expireArg = j + 1; j += 1
            } else if c.argEquals(j, "pxat") && flags.isDisjoint(with: [.keepTTL, .persist, .ex, .exat, .px]) && hasNext {
                flags.insert(.pxat); expireArg = j + 1; j += 1
            } else {
                c.addReplySyntaxError()
                return nil
            }
            j += 1
        }
        return (flags, expireArg)
    }

    /// Converts the expire argument to absolute unix milliseconds, or replies the error
    /// (Redis's getExpireMillisecondsOrReply).
    static func expireMilliseconds(_ c: Client, arg: Int, flags: SetFlags) -> Int64? {
        guard var ms = c.argIntOrReply(arg) else { return nil }
        let seconds = flags.contains(.ex) || flags.contains(.exat)
        if ms <= 0 || (seconds && ms > Int64.max / 1000) {
            c.addReplyInvalidExpireTime()
            return nil
        }
        if seconds { ms *= 1000 }
        if flags.contains(.px) || flags.contains(.ex) {
            let (sum, overflow) = ms.addingReportingOverflow(c.server.mstime)
            if overflow { c.addReplyInvalidExpireTime(); return nil }
            ms = sum
        }
        if ms <= 0 {
            c.addReplyInvalidExpireTime()
            return nil
        }
        return ms
    }

    /// The common body of SET, SETNX, SETEX, PSETEX (Redis's setGenericCommand).
    @inline(__always)
    static func setGeneric(_ c: Client, flags: SetFlags, keyArg: Int, valueArg: Int, expireAt: Int64?,
                           okReply: StaticString, abortReply: StaticString?) {
        if flags.contains(.get) {
            if !getGeneric(c, keyArg) { return }
        }
        let key = c.arg(keyArg)
        let now = c.server.mstime
        // One hash and one table walk: the slot found here is the one overwritten.
        let h = KeyHash.hash(key)
        let slot = c.db.slotForOverwrite(key, hash: h, now: now)
        if !flags.isDisjoint(with: SetFlags.nxOrXX) {
            let found = slot.map { c.db.isLive($0, now: now) } ?? false
            // A conditional SET looks the key up for writing first, which counts as an
            // access (LRU/LFU), whether it then writes or not.
            if found, let e = slot { c.server.keyspace.touch(e) }
            if (flags.contains(.nx) && found) || (flags.contains(.xx) && !found) {
                if !flags.contains(.get) {
                    if let a = abortReply { c.addReplyRaw(a) } else { c.addReplyNull() }
                }
                return
            }
        }
        if c.arg(valueArg).count > c.server.config.protoMaxBulkLen {
            c.addReplyError(ReplyErrors.stringTooLong)
            return
        }
        c.db.setString(key, hash: h, slot: slot, .bytes(c.arg(valueArg)), keepTTL: flags.contains(.keepTTL),
                       expireAt: expireAt, now: now, event: .set)
        if expireAt != nil { c.db.notify(.expire, key) }
        if expireAt != nil || flags.contains(.get) {
            propagateSet(c, flags: flags, keyArg: keyArg, valueArg: valueArg, expireAt: expireAt)
        }
        if !flags.contains(.get) { c.addReplyRaw(okReply) }
    }

    /// What 7.0.15 writes for a SET that set an expire time (any unit, SETEX and PSETEX
    /// too): `SET key value PXAT <absolute ms>` and nothing else, so a replica or an AOF
    /// reload expires the key at the same moment and re-checks no condition. Without an
    /// expire time, GET is dropped and the other options stay.
    static func propagateSet(_ c: Client, flags: SetFlags, keyArg: Int, valueArg: Int, expireAt: Int64?) {
        c.propagateAs {
            if let at = expireAt {
                return [Array("SET".utf8), c.argBytes(keyArg), c.argBytes(valueArg), Array("PXAT".utf8),
                        Array(String(at).utf8)]
            }
            return (0..<c.argc).filter { !($0 >= 3 && c.argEquals($0, "get")) }.map { c.argBytes($0) }
        }
    }

    static func set(_ c: Client) {
        var flags: SetFlags = []
        var expireAt: Int64? = nil
        if c.argc > 3 {
            guard let (f, expArg) = parseOptions(c, from: 3, variant: .set) else { return }
            flags = f
            if expArg >= 0 {
                guard let ms = expireMilliseconds(c, arg: expArg, flags: flags) else { return }
                expireAt = ms
            }
        }
        setGeneric(c, flags: flags, keyArg: 1, valueArg: 2, expireAt: expireAt, okReply: "+OK\r\n", abortReply: nil)
    }

    static func setnx(_ c: Client) {
        setGeneric(c, flags: .nx, keyArg: 1, valueArg: 2, expireAt: nil, okReply: ":1\r\n", abortReply: ":0\r\n")
    }

    static func setex(_ c: Client) {
        guard let ms = expireMilliseconds(c, arg: 2, flags: .ex) else { return }
        setGeneric(c, flags: [], keyArg: 1, valueArg: 3, expireAt: ms, okReply: "+OK\r\n", abortReply: nil)
    }

    static func psetex(_ c: Client) {
        guard let ms = expireMilliseconds(c, arg: 2, flags: .px) else { return }
        setGeneric(c, flags: [], keyArg: 1, valueArg: 3, expireAt: ms, okReply: "+OK\r\n", abortReply: nil)
    }

    // MARK: - GET family

    /// Replies the string at argv[i] (or null); false after a WRONGTYPE reply.
    @inline(__always) static func getGeneric(_ c: Client, _ i: Int) -> Bool {
        guard let e = c.lookupRead(i) else {
            c.addReplyNull()
            return true
        }
        guard c.checkType(e, .string) else { return false }
        e.withStringValue { c.addReplyBulk($0) }
        return true
    }

    static func get(_ c: Client) { _ = getGeneric(c, 1) }

    static func getex(_ c: Client) {
        guard let (flags, expArg) = parseOptions(c, from: 2, variant: .getex) else { return }
        guard let e = c.lookupRead(1) else { c.addReplyNull(); return }
        guard c.checkType(e, .string) else { return }
        // As in Redis, the expire value is validated only once the key is known.
        var expireAt: Int64? = nil
        if expArg >= 0 {
            guard let ms = expireMilliseconds(c, arg: expArg, flags: flags) else { return }
            expireAt = ms
        }
        e.withStringValue { c.addReplyBulk($0) }
        if let at = expireAt {
            if (flags.contains(.exat) || flags.contains(.pxat)) && at <= c.server.mstime {
                // Already in the past: the key goes away now, as Redis does.
                c.db.delete(c.arg(1), event: .del)
                c.propagateDeletion(of: 1)
            } else if let w = c.lookupWrite(1) {
                c.db.setExpire(w, at: at, event: .expire)
                c.propagateAs([Array("PEXPIREAT".utf8), c.argBytes(1), Array(String(at).utf8)])
            }
        } else if flags.contains(.persist) {
            if let w = c.lookupWrite(1), w.hasExpire {
                c.db.removeExpire(w)
                c.propagateAs([Array("PERSIST".utf8), c.argBytes(1)])
            }
        }
    }

    static func getdel(_ c: Client) {
        guard let e = c.lookupRead(1) else { c.addReplyNull(); return }
        guard c.checkType(e, .string) else { return }
        e.withStringValue { c.addReplyBulk($0) }
        c.db.delete(c.arg(1), event: .del)
        c.propagateAs([Array("DEL".utf8), c.argBytes(1)])
    }

    static func getset(_ c: Client) {
        if !getGeneric(c, 1) { return }
        c.db.setString(c.arg(1), .bytes(c.arg(2)), now: c.server.mstime, event: .set)
        c.propagateAs([Array("SET".utf8), c.argBytes(1), c.argBytes(2)])
    }

    static func mget(_ c: Client) {
        c.addReplyArrayLen(c.argc - 1)
        for i in 1..<c.argc {
            if let e = c.lookupRead(i), e.type == .string {
                e.withStringValue { c.addReplyBulk($0) }
            } else {
                c.addReplyNull()
            }
        }
    }

    static func mset(_ c: Client) { msetGeneric(c, nx: false) }
    static func msetnx(_ c: Client) { msetGeneric(c, nx: true) }

    static func msetGeneric(_ c: Client, nx: Bool) {
        if c.argc % 2 == 0 {
            c.addReplyErrorArity()
            return
        }
        if nx {
            var i = 1
            while i < c.argc {
                if c.db.lookupWrite(c.arg(i), now: c.server.mstime) != nil {
                    c.addReplyRaw(":0\r\n")
                    return
                }
                i += 2
            }
        }
        var i = 1
        while i < c.argc {
            c.db.setString(c.arg(i), .bytes(c.arg(i + 1)), now: c.server.mstime, event: .set)
            i += 2
        }
        if nx { c.addReplyRaw(":1\r\n") } else { c.addReplyOK() }
    }

    // MARK: - Byte-level edits

    static func append(_ c: Client) {
        let add = c.arg(2)
        guard let e = c.lookupWrite(1) else {
            c.db.setString(c.arg(1), .bytes(add), now: c.server.mstime, event: .append)
            c.addReplyInteger(add.count)
            return
        }
        guard c.checkType(e, .string) else { return }
        let total = e.stringLength + add.count
        if total > c.server.config.protoMaxBulkLen {
            c.addReplyError(ReplyErrors.stringTooLong)
            return
        }
        let n = c.db.appendString(e, add)
        c.addReplyInteger(n.stringLength)
    }

    static func strlen(_ c: Client) {
        guard let e = c.lookupRead(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .string) else { return }
        c.addReplyInteger(e.stringLength)
    }

    static func setrange(_ c: Client) {
        guard let offset = c.argIntOrReply(2) else { return }
        if offset < 0 {
            c.addReplyError("ERR offset is out of range")
            return
        }
        let value = c.arg(3)
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .string) else { return }
            if value.count == 0 {
                c.addReplyInteger(e.stringLength)
                return
            }
            if offset > Int64(c.server.config.protoMaxBulkLen) - Int64(value.count) {
                c.addReplyError(ReplyErrors.stringTooLong)
                return
            }
            let n = c.db.setRange(e, offset: Int(offset), value)
            c.addReplyInteger(n.stringLength)
        } else {
            if value.count == 0 {
                c.addReplyInteger(0)
                return
            }
            if offset > Int64(c.server.config.protoMaxBulkLen) - Int64(value.count) {
                c.addReplyError(ReplyErrors.stringTooLong)
                return
            }
            // Created empty ("new"), then "setrange" as the range is written.
            let empty = c.db.setString(c.arg(1), .raw(UnsafeRawBufferPointer(start: nil, count: 0)),
                                       now: c.server.mstime, event: .none)
            let n = c.db.setRange(empty, offset: Int(offset), value)
            c.addReplyInteger(n.stringLength)
        }
    }

    static func getrange(_ c: Client) {
        guard var start = c.argIntOrReply(2), var end = c.argIntOrReply(3) else { return }
        guard let e = c.lookupRead(1) else { c.addReplyBulk(UnsafeRawBufferPointer(start: nil, count: 0)); return }
        guard c.checkType(e, .string) else { return }
        e.withStringValue { s in
            let len = Int64(s.count)
            // Both negative and start > end: nothing (Redis 7.0 rule).
            if start < 0 && end < 0 && start > end {
                c.addReplyBulk(UnsafeRawBufferPointer(start: nil, count: 0))
                return
            }
            if start < 0 { start = len + start }
            if end < 0 { end = len + end }
            if start < 0 { start = 0 }
            if end < 0 { end = 0 }
            if end >= len { end = len - 1 }
            if start > end || len == 0 {
                c.addReplyBulk(UnsafeRawBufferPointer(start: nil, count: 0))
                return
            }
            c.addReplyBulk(UnsafeRawBufferPointer(rebasing: s[Int(start)...Int(end)]))
        }
    }

    // MARK: - Counters

    static func incrDecr(_ c: Client, by incr: Int64) {
        let e = c.lookupWrite(1)
        var value: Int64 = 0
        if let e = e {
            guard c.checkType(e, .string) else { return }
            if e.isInt {
                value = e.intValue
            } else {
                guard let v = Numbers.string2ll(e.stringBytes) else {
                    c.addReplyError(ReplyErrors.notInteger)
                    return
                }
                value = v
            }
        }
        let (result, overflow) = value.addingReportingOverflow(incr)
        if overflow {
            c.addReplyError(ReplyErrors.incrementOverflow)
            return
        }
        if let e = e {
            c.db.setInt(e, result)
        } else {
            c.db.setString(c.arg(1), .int(result), now: c.server.mstime, event: .incrby)
        }
        c.addReplyInteger(result)
    }

    static func incr(_ c: Client) { incrDecr(c, by: 1) }
    static func decr(_ c: Client) { incrDecr(c, by: -1) }

    static func incrby(_ c: Client) {
        guard let v = c.argIntOrReply(2) else { return }
        incrDecr(c, by: v)
    }

    static func decrby(_ c: Client) {
        guard let v = c.argIntOrReply(2) else { return }
        if v == Int64.min {
            c.addReplyError("ERR decrement would overflow")
            return
        }
        incrDecr(c, by: -v)
    }

    static func incrbyfloat(_ c: Client) {
        let e = c.lookupWrite(1)
        var value: Float80 = 0
        if let e = e {
            guard c.checkType(e, .string) else { return }
            let parsed: Float80? = e.withStringValue { Numbers.parseLongDouble($0) }
            guard let v = parsed else {
                c.addReplyError(ReplyErrors.notFloat)
                return
            }
            value = v
        }
        guard let incr = Numbers.parseLongDouble(c.arg(2)) else {
            c.addReplyError(ReplyErrors.notFloat)
            return
        }
        let result = value + incr
        if result.isNaN || result.isInfinite {
            c.addReplyError(ReplyErrors.incrementNaN)
            return
        }
        let text = Numbers.formatLongDouble(result, humanFriendly: true)
        text.withUnsafeBytes { t in
            c.db.setString(c.arg(1), .embstrOrRaw(t), keepTTL: true, now: c.server.mstime, event: .incrbyfloat)
            // Replayed as the value it produced: float formatting may differ elsewhere.
            c.propagateAs([Array("SET".utf8), c.argBytes(1), Array(t), Array("KEEPTTL".utf8)])
            c.addReplyBulk(t)
        }
    }

    // MARK: - LCS

    static func lcs(_ c: Client) {
        let ea = c.lookupRead(1), eb = c.lookupRead(2)
        if (ea != nil && ea!.type != .string) || (eb != nil && eb!.type != .string) {
            c.addReplyError("ERR The specified keys must contain string values")
            return
        }
        var wantLen = false, wantIdx = false, withMatchLen = false
        var minMatchLen: Int64 = 0
        var j = 3
        while j < c.argc {
            if c.argEquals(j, "idx") { wantIdx = true }
            else if c.argEquals(j, "len") { wantLen = true }
            else if c.argEquals(j, "withmatchlen") { withMatchLen = true }
            else if c.argEquals(j, "minmatchlen") && j + 1 < c.argc {
                guard let v = c.argIntOrReply(j + 1) else { return }
                minMatchLen = max(v, 0)
                j += 1
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        if wantIdx && wantLen {
            c.addReplyError("ERR If you want both the length and indexes, please just use IDX.")
            return
        }
        let a: [UInt8] = ea.map { $0.withStringValue { Array($0) } } ?? []
        let b: [UInt8] = eb.map { $0.withStringValue { Array($0) } } ?? []
        let alen = a.count, blen = b.count
        let cells = UInt64(alen + 1) * UInt64(blen + 1)
        if cells * 4 > UInt64(c.server.config.protoMaxBulkLen) {
            c.addReplyError("ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len")
            return
        }
        // dp[i][k] = LCS length of a[0..<i] and b[0..<k].
        let width = blen + 1
        var dp = [UInt32](repeating: 0, count: Int(cells))
        if alen > 0 && blen > 0 {
            for i in 1...alen {
                for k in 1...blen {
                    dp[i * width + k] = a[i - 1] == b[k - 1]
                        ? dp[(i - 1) * width + k - 1] + 1
                        : max(dp[(i - 1) * width + k], dp[i * width + k - 1])
                }
            }
        }
        let total = Int(dp[alen * width + blen])
        if wantLen {
            c.addReplyInteger(total)
            return
        }
        // Walk back from the end; contiguous matches form ranges, reported last-first.
        var result = [UInt8](repeating: 0, count: total)
        var matches: [(Int, Int, Int, Int)] = []
        var idx = total, i = alen, k = blen
        var aStart = alen, aEnd = 0, bStart = 0, bEnd = 0
        while i > 0 && k > 0 {
            var emit = false
            if a[i - 1] == b[k - 1] {
                result[idx - 1] = a[i - 1]
                if aStart == alen {
                    aStart = i - 1; aEnd = i - 1; bStart = k - 1; bEnd = k - 1
                } else if aStart == i && bStart == k {
                    aStart -= 1; bStart -= 1
                } else {
                    emit = true
                }
                if aStart == 0 || bStart == 0 { emit = true }
                idx -= 1; i -= 1; k -= 1
            } else {
                if dp[(i - 1) * width + k] > dp[i * width + k - 1] { i -= 1 } else { k -= 1 }
                if aStart != alen { emit = true }
            }
            if emit {
                let len = aEnd - aStart + 1
                if minMatchLen == 0 || Int64(len) >= minMatchLen { matches.append((aStart, aEnd, bStart, bEnd)) }
                aStart = alen
            }
        }
        if !wantIdx {
            c.addReplyBulk(result)
            return
        }
        c.addReplyMapLen(2)
        c.addReplyBulkString("matches")
        c.addReplyArrayLen(matches.count)
        for m in matches {
            c.addReplyArrayLen(withMatchLen ? 3 : 2)
            c.addReplyArrayLen(2); c.addReplyInteger(m.0); c.addReplyInteger(m.1)
            c.addReplyArrayLen(2); c.addReplyInteger(m.2); c.addReplyInteger(m.3)
            if withMatchLen { c.addReplyInteger(m.1 - m.0 + 1) }
        }
        c.addReplyBulkString("len")
        c.addReplyInteger(total)
    }
}
