// Generic keyspace commands (Redis's db.c and expire.c commands): existence and
// deletion, renaming and moving across databases, whole-database operations,
// iteration (KEYS, SCAN, RANDOMKEY), OBJECT introspection, and TTL management.

import Glibc

enum KeyCommands {
    // MARK: - Existence and deletion

    static func del(_ c: Client) { delGeneric(c, lazy: c.server.config.lazyfreeLazyUserDel) }

    /// UNLINK: like DEL, but a big value is freed on the lazy-free thread.
    static func unlink(_ c: Client) { delGeneric(c, lazy: true) }

    private static func delGeneric(_ c: Client, lazy: Bool) {
        var n = 0
        for i in 1..<c.argc where c.db.delete(c.arg(i), now: c.server.mstime, lazy: lazy, event: .del) { n += 1 }
        c.addReplyInteger(n)
    }

    static func exists(_ c: Client) {
        var n = 0
        for i in 1..<c.argc where c.lookupRead(i, touch: false) != nil { n += 1 }
        c.addReplyInteger(n)
    }

    static func touch(_ c: Client) {
        var n = 0
        for i in 1..<c.argc where c.lookupRead(i) != nil { n += 1 }
        c.addReplyInteger(n)
    }

    static func type(_ c: Client) {
        if let e = c.lookupRead(1, touch: false) {
            c.addReplyStatus(e.type.name)
        } else {
            c.addReplyStatus("none")
        }
    }

    // MARK: - Renaming and moving

    static func rename(_ c: Client) { renameGeneric(c, nx: false) }
    static func renamenx(_ c: Client) { renameGeneric(c, nx: true) }

    static func renameGeneric(_ c: Client, nx: Bool) {
        switch c.server.keyspace.rename(db: c.dbIndex, from: c.arg(1), to: c.arg(2), nx: nx, now: c.server.mstime) {
        case .noSuchKey: c.addReplyError(ReplyErrors.noSuchKey)
        case .targetExists: c.addReplyRaw(":0\r\n")
        case .ok: if nx { c.addReplyRaw(":1\r\n") } else { c.addReplyOK() }
        }
    }

    /// Redis's getIntFromObjectOrReply: an integer that must also fit a C int, with
    /// the two distinct errors Redis gives (or `message` for both when supplied).
    static func intArgOrReply(_ c: Client, _ i: Int, message: String? = nil) -> Int64? {
        guard let v = c.argInt64(i) else {
            c.addReplyError(message ?? ReplyErrors.notInteger)
            return nil
        }
        if v < Int64(Int32.min) || v > Int64(Int32.max) {
            c.addReplyError(message ?? "ERR value is out of range, value must between -2147483648 and 2147483647")
            return nil
        }
        return v
    }

    /// Parses a db index argument like Redis's getIntFromObjectOrReply + selectDb.
    static func dbIndexOrReply(_ c: Client, _ i: Int) -> Int? {
        guard let v = intArgOrReply(c, i) else { return nil }
        if v < 0 || Int(v) >= c.server.keyspace.dbs.count {
            c.addReplyError(ReplyErrors.outOfRangeDB)
            return nil
        }
        return Int(v)
    }

    static func move(_ c: Client) {
        if c.server.cluster != nil {
            c.addReplyError("ERR MOVE is not allowed in cluster mode")
            return
        }
        guard let dst = dbIndexOrReply(c, 2) else { return }
        if dst == c.dbIndex {
            c.addReplyError("ERR source and destination objects are the same")
            return
        }
        let moved = c.server.keyspace.moveKey(from: c.dbIndex, c.arg(1), to: dst, now: c.server.mstime)
        c.addReplyRaw(moved ? ":1\r\n" : ":0\r\n")
    }

    static func copy(_ c: Client) {
        var dst = c.dbIndex
        var replace = false
        var j = 3
        while j < c.argc {
            if c.argEquals(j, "replace") {
                replace = true
            } else if c.argEquals(j, "db") && j + 1 < c.argc {
                guard let d = dbIndexOrReply(c, j + 1) else { return }
                dst = d
                j += 1
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        if c.server.cluster != nil && dst != 0 {
            c.addReplyError("ERR Copying to another database is not allowed in cluster mode")
            return
        }
        if dst == c.dbIndex && Array(c.arg(1)) == Array(c.arg(2)) {
            c.addReplyError("ERR source and destination objects are the same")
            return
        }
        // The source is read as 7.0 reads it (hit or miss counted, "keymiss"); the
        // copy then touches it once.
        guard c.lookupRead(1, touch: false) != nil else { c.addReplyRaw(":0\r\n"); return }
        let ok = c.server.keyspace.copyKey(from: c.dbIndex, c.arg(1), to: dst, destinationKey: c.arg(2),
                                           replace: replace, now: c.server.mstime)
        c.addReplyRaw(ok ? ":1\r\n" : ":0\r\n")
    }

    // MARK: - Whole databases

    static func swapdb(_ c: Client) {
        if c.server.cluster != nil {
            c.addReplyError("ERR SWAPDB is not allowed in cluster mode")
            return
        }
        guard let a = intArgOrReply(c, 1, message: "ERR invalid first DB index"),
              let b = intArgOrReply(c, 2, message: "ERR invalid second DB index") else { return }
        let n = c.server.keyspace.dbs.count
        if a < 0 || b < 0 || Int(a) >= n || Int(b) >= n {
            c.addReplyError(ReplyErrors.outOfRangeDB)
            return
        }
        c.server.keyspace.swapDB(Int(a), Int(b))
        c.addReplyOK()
    }

    /// FLUSHDB/FLUSHALL's optional ASYNC|SYNC argument; nil after a syntax error reply.
    static func flushMode(_ c: Client) -> Bool? {
        if c.argc > 2 { c.addReplySyntaxError(); return nil }
        if c.argc == 2 {
            if c.argEquals(1, "sync") { return false }
            if c.argEquals(1, "async") { return true }
            c.addReplySyntaxError()
            return nil
        }
        return c.server.config.lazyfreeLazyUserFlush
    }

    static func flushdb(_ c: Client) {
        guard let async = flushMode(c) else { return }
        c.db.flush(async: async)
        c.server.trackingInvalidateOnFlush()
        // Propagated even when the database was already empty, as Redis does.
        c.server.keyspace.propagator.forceCurrentCommand()
        c.addReplyOK()
    }

    static func flushall(_ c: Client) {
        guard let async = flushMode(c) else { return }
        c.server.flushAllAndResetSnapshot(async: async)
        c.server.trackingInvalidateOnFlush()
        c.server.keyspace.propagator.forceCurrentCommand()
        c.addReplyOK()
    }

    static func dbsize(_ c: Client) { c.addReplyInteger(c.db.count) }

    static func randomkey(_ c: Client) {
        if let e = c.db.randomKey(now: c.server.mstime) {
            c.addReplyBulk(e.key)
        } else {
            c.addReplyNull()
        }
    }

    // MARK: - Iteration

    static func keys(_ c: Client) {
        let pattern = c.argBytes(1)
        let all = pattern == [42]
        let now = c.server.mstime
        var out: [[UInt8]] = []
        var cursor: UInt64 = 0
        repeat {
            cursor = c.db.scan(cursor: cursor) { e in
                if e.hasExpire && e.expireAt < now { return }
                let k = e.key
                if all || Glob.match(pattern, Array(k), nocase: false) { out.append(Array(k)) }
            }
        } while cursor != 0
        c.addReplyArrayLen(out.count)
        for k in out { c.addReplyBulk(k) }
    }

    /// The options of SCAN and its per-type forms (Redis's scanGenericCommand): COUNT
    /// (at least 1), MATCH (`*` means none), and TYPE for SCAN only.
    struct ScanOptions {
        var count = 10
        var pattern: [UInt8]?
        var type: String?

        /// Parses argv[from...]; nil after replying the error.
        static func parse(_ c: Client, from start: Int, allowType: Bool) -> ScanOptions? {
            var o = ScanOptions()
            var j = start
            while j < c.argc {
                let more = c.argc - j - 1
                if c.argEquals(j, "count") && more >= 1 {
                    guard let v = c.argInt64(j + 1) else { c.addReplyError(ReplyErrors.notInteger); return nil }
                    if v < 1 { c.addReplySyntaxError(); return nil }
                    o.count = Int(min(v, Int64(Int32.max)))
                    j += 2
                } else if c.argEquals(j, "match") && more >= 1 {
                    let p = c.argBytes(j + 1)
                    o.pattern = p == [42] ? nil : p
                    j += 2
                } else if allowType && c.argEquals(j, "type") && more >= 1 {
                    o.type = c.argLowercased(j + 1)
                    j += 2
                } else {
                    c.addReplySyntaxError()
                    return nil
                }
            }
            return o
        }
    }

    static func scan(_ c: Client) {
        guard var cursor = parseScanCursor(c.arg(1)) else {
            c.addReplyError("ERR invalid cursor")
            return
        }
        guard let options = ScanOptions.parse(c, from: 2, allowType: true) else { return }
        let count = options.count, pattern = options.pattern, typeFilter = options.type
        var found: [[UInt8]] = []
        var iterations = count * 10
        repeat {
            cursor = c.db.scan(cursor: cursor) { e in
                found.append(Array(e.key))
            }
            iterations -= 1
        } while cursor != 0 && iterations > 0 && found.count < count
        // Filter after collecting: expired keys are removed (lazily) like Redis does.
        var out: [[UInt8]] = []
        out.reserveCapacity(found.count)
        for k in found {
            if let p = pattern, !Glob.match(p, k, nocase: false) { continue }
            let e: KeyEntry? = k.withUnsafeBytes { c.db.lookupReadNoStats($0, now: c.server.mstime, touch: false) }
            guard let entry = e else { continue }
            if let t = typeFilter, entry.type.name != t { continue }
            out.append(k)
        }
        c.addReplyArrayLen(2)
        c.addReplyBulkString(String(cursor))
        c.addReplyArrayLen(out.count)
        for k in out { c.addReplyBulk(k) }
    }

    /// Redis's parseScanCursorOrReply: strtoul semantics — an optional sign ("-1" wraps
    /// to the largest cursor), decimal digits, nothing else, no leading space, no overflow.
    static func parseScanCursor(_ p: UnsafeRawBufferPointer) -> UInt64? {
        var i = 0
        var negative = false
        if p.count > 0 && (p[0] == 43 || p[0] == 45) { negative = p[0] == 45; i = 1 }
        if p.count == 0 { return 0 }            // strtoul("") is 0 with nothing left over
        if i == p.count { return nil }
        var v: UInt64 = 0
        while i < p.count {
            let b = p[i]
            if b < 48 || b > 57 { return nil }
            let (m, o1) = v.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - 48))
            if o1 || o2 { return nil }
            v = a
            i += 1
        }
        return negative ? 0 &- v : v
    }

    // MARK: - OBJECT

    static func objectHelp(_ c: Client) {
        c.addReplyHelp([
            "ENCODING <key>",
            "    Return the kind of internal representation used in order to store the value",
            "    associated with a <key>.",
            "FREQ <key>",
            "    Return the access frequency index of the <key>. The returned integer is",
            "    proportional to the logarithm of the recent access frequency of the key.",
            "IDLETIME <key>",
            "    Return the idle time of the <key>, that is the approximated number of",
            "    seconds elapsed since the last access to the key.",
            "REFCOUNT <key>",
            "    Return the number of references of the value associated with the specified",
            "    <key>.",
        ])
    }

    static func objectEntry(_ c: Client) -> KeyEntry? {
        if let e = c.lookupRead(2, touch: false, notify: false) { return e }
        c.addReplyNull()
        return nil
    }

    static func objectEncoding(_ c: Client) {
        guard let e = objectEntry(c) else { return }
        c.addReplyBulkString(e.reportedEncoding.name)
    }

    static func objectRefcount(_ c: Client) {
        guard let e = objectEntry(c) else { return }
        c.addReplyInteger(isShared(c, e) ? 2147483647 : 1)
    }

    /// Redis shares the objects of small integers (0...9999) unless maxmemory uses
    /// an LRU/LFU policy; OBJECT REFCOUNT reports that sharing.
    static func isShared(_ c: Client, _ e: KeyEntry) -> Bool {
        guard e.isInt && !e.isUnsharedCopy else { return false }
        let p = c.server.config.maxmemoryPolicy
        if c.server.config.maxmemory > 0 && (p.contains("lru") || p.contains("lfu")) { return false }
        let v = e.intValue
        return v >= 0 && v < 10000
    }

    static func objectIdletime(_ c: Client) {
        guard let e = objectEntry(c) else { return }
        if c.server.config.maxmemoryPolicy.contains("lfu") {
            c.addReplyError("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
            return
        }
        let now = c.server.keyspace.lruClock
        let lru = e.lru
        let idle = now >= lru ? now - lru : (0xFF_FFFF - lru) + now
        c.addReplyInteger(Int(idle))
    }

    static func objectFreq(_ c: Client) {
        guard let e = objectEntry(c) else { return }
        if !c.server.config.maxmemoryPolicy.contains("lfu") {
            c.addReplyError("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.")
            return
        }
        c.addReplyInteger(Int(c.server.keyspace.lfuDecayedCounter(e.lru)))
    }

    // MARK: - Expiry

    struct ExpireFlags: OptionSet {
        let rawValue: UInt8
        static let nx = ExpireFlags(rawValue: 1)
        static let xx = ExpireFlags(rawValue: 2)
        static let gt = ExpireFlags(rawValue: 4)
        static let lt = ExpireFlags(rawValue: 8)
    }

    static func expire(_ c: Client) { expireGeneric(c, base: c.server.mstime, seconds: true) }
    static func pexpire(_ c: Client) { expireGeneric(c, base: c.server.mstime, seconds: false) }
    static func expireat(_ c: Client) { expireGeneric(c, base: 0, seconds: true) }
    static func pexpireat(_ c: Client) { expireGeneric(c, base: 0, seconds: false) }

    static func expireGeneric(_ c: Client, base: Int64, seconds: Bool) {
        var flags: ExpireFlags = []
        for j in 3..<max(3, c.argc) {
            if c.argEquals(j, "nx") { flags.insert(.nx) }
            else if c.argEquals(j, "xx") { flags.insert(.xx) }
            else if c.argEquals(j, "gt") { flags.insert(.gt) }
            else if c.argEquals(j, "lt") { flags.insert(.lt) }
            else {
                c.addReplyError("ERR Unsupported option ", quoting: j, "")
                return
            }
        }
        if flags.contains(.nx) && !flags.isDisjoint(with: [.xx, .gt, .lt]) {
            c.addReplyError("ERR NX and XX, GT or LT options at the same time are not compatible")
            return
        }
        if flags.contains(.gt) && flags.contains(.lt) {
            c.addReplyError("ERR GT and LT options at the same time are not compatible")
            return
        }
        guard var when = c.argIntOrReply(2) else { return }
        if seconds {
            if when > Int64.max / 1000 || when < Int64.min / 1000 {
                c.addReplyInvalidExpireTime()
                return
            }
            when *= 1000
        }
        if when > Int64.max - base {
            c.addReplyInvalidExpireTime()
            return
        }
        when += base
        guard let e = c.lookupWrite(1) else {
            c.addReplyRaw(":0\r\n")
            return
        }
        if !flags.isEmpty {
            let current = e.hasExpire ? e.expireAt : -1
            if flags.contains(.nx) && current != -1 { c.addReplyRaw(":0\r\n"); return }
            if flags.contains(.xx) && current == -1 { c.addReplyRaw(":0\r\n"); return }
            if flags.contains(.gt) && (when <= current || current == -1) { c.addReplyRaw(":0\r\n"); return }
            if flags.contains(.lt) && current != -1 && when >= current { c.addReplyRaw(":0\r\n"); return }
        }
        if when <= c.server.mstime && !c.server.loading {
            c.db.delete(entry: e, event: .del)
            c.propagateDeletion(of: 1)
        } else {
            c.db.setExpire(e, at: when, event: .expire)
            // Relative and second-based forms replay as the absolute time they set; the
            // options (NX, XX, GT, LT) stay, as 7.0 rewrites only the name and the time.
            c.propagateAs {
                var args = (0..<c.argc).map { c.argBytes($0) }
                args[0] = Array("PEXPIREAT".utf8)
                args[2] = Array(String(when).utf8)
                return args
            }
        }
        c.addReplyRaw(":1\r\n")
    }

    static func ttlGeneric(_ c: Client, milliseconds: Bool, absolute: Bool) {
        guard let e = c.lookupRead(1, touch: false) else {
            c.addReplyInteger(-2)
            return
        }
        guard e.hasExpire else {
            c.addReplyInteger(-1)
            return
        }
        let at = e.expireAt
        if absolute {
            c.addReplyInteger(milliseconds ? at : at / 1000)
            return
        }
        let ttl = max(at - c.server.mstime, 0)
        c.addReplyInteger(milliseconds ? ttl : (ttl + 500) / 1000)
    }

    static func ttl(_ c: Client) { ttlGeneric(c, milliseconds: false, absolute: false) }
    static func pttl(_ c: Client) { ttlGeneric(c, milliseconds: true, absolute: false) }
    static func expiretime(_ c: Client) { ttlGeneric(c, milliseconds: false, absolute: true) }
    static func pexpiretime(_ c: Client) { ttlGeneric(c, milliseconds: true, absolute: true) }

    static func persist(_ c: Client) {
        guard let e = c.lookupWrite(1) else { c.addReplyRaw(":0\r\n"); return }
        c.addReplyRaw(c.db.removeExpire(e) ? ":1\r\n" : ":0\r\n")
    }
}
