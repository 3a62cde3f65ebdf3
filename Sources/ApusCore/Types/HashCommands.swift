// The hash commands (Redis 7.0's t_hash.c): HSET/HMSET/HSETNX, HGET/HMGET, HDEL, HLEN,
// HSTRLEN, HEXISTS, HINCRBY/HINCRBYFLOAT, HKEYS/HVALS/HGETALL, HRANDFIELD and HSCAN,
// with 7.0's replies and errors in RESP2 and RESP3. The value is a HashValue; a hash
// that loses its last field is deleted, as in Redis.

import Glibc

enum HashCommands {
    // MARK: - Lookup helpers

    /// The hash at argv[1] for reading: nil after replying `missing` (or WRONGTYPE).
    private static func readHash(_ c: Client, orReply missing: () -> Void) -> HashValue? {
        guard let e = c.lookupRead(1) else { missing(); return nil }
        guard c.checkType(e, .hash) else { return nil }
        return e.object(as: HashValue.self)
    }

    /// The hash at argv[1] for writing, created when absent (`created`; the creation
    /// already counted one change and raised "new"); nil after WRONGTYPE.
    private static func writeHash(_ c: Client) -> (KeyEntry, HashValue, created: Bool)? {
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .hash) else { return nil }
            return (e, e.object(as: HashValue.self), false)
        }
        let h = HashValue(meter: c.server.keyspace.meter)
        let e = c.db.setObject(c.arg(1), h, now: c.server.mstime, event: .none)
        return (e, h, true)
    }

    // MARK: - Setting

    /// HSET key field value [field value ...]: the number of fields added.
    static func hset(_ c: Client) {
        guard c.argc % 2 == 0 else { c.addReplyErrorArity(); return }
        guard let (e, h, created) = writeHash(c) else { return }
        let limits = c.server.hashLimits
        var added = 0
        var j = 2
        while j < c.argc {
            if h.set(c.arg(j), c.arg(j + 1), limits: limits) { added += 1 }
            j += 2
        }
        // Each field set is a change, as Redis counts them for the save points.
        c.db.signalModified(e, changes: (c.argc - 2) / 2 - (created ? 1 : 0), event: .hset)
        c.addReplyInteger(added)
    }

    /// HMSET: HSET answering OK.
    static func hmset(_ c: Client) {
        guard c.argc % 2 == 0 else { c.addReplyErrorArity(); return }
        guard let (e, h, created) = writeHash(c) else { return }
        let limits = c.server.hashLimits
        var j = 2
        while j < c.argc {
            h.set(c.arg(j), c.arg(j + 1), limits: limits)
            j += 2
        }
        c.db.signalModified(e, changes: (c.argc - 2) / 2 - (created ? 1 : 0), event: .hset)
        c.addReplyOK()
    }

    static func hdel(_ c: Client) {
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .hash) else { return }
        let h = e.object(as: HashValue.self)
        var deleted = 0
        for j in 2..<c.argc where h.delete(c.arg(j)) {
            deleted += 1
            if h.count == 0 { break }
        }
        c.db.elementsRemoved(e, count: deleted, empty: h.count == 0, event: .hdel)
        c.addReplyInteger(deleted)
    }

    // MARK: - Counters

    /// The hash at argv[1] for a read-modify-write, nil (no entry) when absent: the key
    /// is created only once the new value is known, so a failed command changes nothing.
    private static func existingHash(_ c: Client) -> (KeyEntry?, HashValue?)? {
        guard let e = c.lookupWrite(1) else { return (nil, nil) }
        guard c.checkType(e, .hash) else { return nil }
        return (e, e.object(as: HashValue.self))
    }

    /// Stores argv[2] = `value` in the hash found by `existingHash`, creating the key,
    /// and raises `event`.
    private static func storeField(_ c: Client, _ e: KeyEntry?, _ h: HashValue?, _ value: UnsafeRawBufferPointer,
                                   event: KeyEvent) {
        if let e = e, let h = h {
            h.set(c.arg(2), value, limits: c.server.hashLimits)
            c.db.signalModified(e, event: event)
            return
        }
        let nh = HashValue(meter: c.server.keyspace.meter)
        nh.set(c.arg(2), value, limits: c.server.hashLimits)
        c.db.setObject(c.arg(1), nh, now: c.server.mstime, event: event)
    }

    static func hsetnx(_ c: Client) {
        guard let (e, h) = existingHash(c) else { return }
        if h?.contains(c.arg(2)) == true { c.addReplyInteger(0); return }
        storeField(c, e, h, c.arg(3), event: .hset)
        c.addReplyInteger(1)
    }

    static func hincrby(_ c: Client) {
        guard let incr = c.argIntOrReply(3) else { return }
        guard let (e, h) = existingHash(c) else { return }
        var value: Int64 = 0
        if let parsed = h?.withValue(c.arg(2), { Numbers.string2ll($0) }) {
            guard let v = parsed else {
                c.addReplyError("ERR hash value is not an integer")
                return
            }
            value = v
        }
        let (sum, overflow) = value.addingReportingOverflow(incr)
        if overflow {
            c.addReplyError(ReplyErrors.incrementOverflow)
            return
        }
        Numbers.ll2string(sum).withUnsafeBytes { storeField(c, e, h, $0, event: .hincrby) }
        c.addReplyInteger(sum)
    }

    static func hincrbyfloat(_ c: Client) {
        guard let incr = Numbers.parseLongDouble(c.arg(3)) else {
            c.addReplyError(ReplyErrors.notFloat)
            return
        }
        if incr.isNaN || incr.isInfinite {
            c.addReplyError("ERR value is NaN or Infinity")
            return
        }
        guard let (e, h) = existingHash(c) else { return }
        var value: Float80 = 0
        if let parsed = h?.withValue(c.arg(2), { Numbers.parseLongDouble($0) }) {
            guard let v = parsed else {
                c.addReplyError("ERR hash value is not a float")
                return
            }
            value = v
        }
        let result = value + incr
        if result.isNaN || result.isInfinite {
            c.addReplyError(ReplyErrors.incrementNaN)
            return
        }
        let text = Numbers.formatLongDouble(result, humanFriendly: true)
        text.withUnsafeBytes { t in
            storeField(c, e, h, t, event: .hincrbyfloat)
            // Replayed as the value it produced, as 7.0 does (HSET key field result).
            c.propagateAs([Array("HSET".utf8), c.argBytes(1), c.argBytes(2), Array(t)])
            c.addReplyBulk(t)
        }
    }

    // MARK: - Reading

    static func hget(_ c: Client) {
        guard let h = readHash(c, orReply: { c.addReplyNull() }) else { return }
        if h.withValue(c.arg(2), { c.addReplyBulk($0) }) == nil { c.addReplyNull() }
    }

    static func hmget(_ c: Client) {
        // A missing key answers nulls; another type answers WRONGTYPE.
        var h: HashValue?
        if let e = c.lookupRead(1) {
            guard c.checkType(e, .hash) else { return }
            h = e.object(as: HashValue.self)
        }
        c.addReplyArrayLen(c.argc - 2)
        for j in 2..<c.argc {
            if h?.withValue(c.arg(j), { c.addReplyBulk($0) }) == nil { c.addReplyNull() }
        }
    }

    static func hlen(_ c: Client) {
        guard let h = readHash(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(h.count)
    }

    static func hstrlen(_ c: Client) {
        guard let h = readHash(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(h.withValue(c.arg(2), { $0.count }) ?? 0)
    }

    static func hexists(_ c: Client) {
        guard let h = readHash(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(h.contains(c.arg(2)) ? 1 : 0)
    }

    static func hkeys(_ c: Client) { getAll(c, fields: true, values: false) }
    static func hvals(_ c: Client) { getAll(c, fields: false, values: true) }
    static func hgetall(_ c: Client) { getAll(c, fields: true, values: true) }

    private static func getAll(_ c: Client, fields: Bool, values: Bool) {
        let both = fields && values
        guard let h = readHash(c, orReply: { if both { c.addReplyMapLen(0) } else { c.addReplyArrayLen(0) } }) else { return }
        if both { c.addReplyMapLen(h.count) } else { c.addReplyArrayLen(h.count) }
        h.forEach { f, v in
            if fields { c.addReplyBulk(f) }
            if values { c.addReplyBulk(v) }
        }
    }

    // MARK: - HRANDFIELD

    static func hrandfield(_ c: Client) {
        if c.argc >= 3 {
            randomWithCount(c)
            return
        }
        guard let h = readHash(c, orReply: { c.addReplyNull() }) else { return }
        h.withRandomField { f, _ in c.addReplyBulk(f) }
    }

    private static func randomWithCount(_ c: Client) {
        guard let l = c.argInt64(2) else { c.addReplyError(ReplyErrors.notInteger); return }
        if l < -Int64.max {
            c.addReplyError(ReplyErrors.countOutOfRange)
            return
        }
        var withValues = false
        if c.argc == 4 && c.argEquals(3, "withvalues") {
            withValues = true
        } else if c.argc >= 4 {
            c.addReplySyntaxError()
            return
        }
        if withValues && (l < -Int64.max / 2 || l > Int64.max / 2) {
            c.addReplyError("ERR value is out of range")
            return
        }
        guard let h = readHash(c, orReply: { c.addReplyArrayLen(0) }) else { return }
        if l == 0 { c.addReplyArrayLen(0); return }
        /// One field (and value): a pair array in RESP3 with values, else flat.
        func emit(_ f: UnsafeRawBufferPointer, _ v: UnsafeRawBufferPointer) {
            if withValues && c.resp >= 3 { c.addReplyArrayLen(2) }
            c.addReplyBulk(f)
            if withValues { c.addReplyBulk(v) }
        }
        let size = h.count
        if l < 0 {
            // Repetitions allowed: |count| independent picks. A listpack is indexed once;
            // a client cut off at its output limit stops the loop.
            let n = Int(-l)
            c.addReplyArrayLen(withValues && c.resp < 3 ? n * 2 : n)
            if h.encoding == .listpack {
                var all: [([UInt8], [UInt8])] = []
                h.forEach { f, v in all.append((Array(f), Array(v))) }
                for _ in 0..<n {
                    if c.flags.contains(.closeASAP) { break }
                    let p = all[FastRandom.below(all.count)]
                    p.0.withUnsafeBytes { f in p.1.withUnsafeBytes { v in emit(f, v) } }
                }
            } else {
                for _ in 0..<n {
                    if c.flags.contains(.closeASAP) { break }
                    h.withRandomField { f, v in emit(f, v) }
                }
            }
            return
        }
        let n = Int(l)
        if n >= size {
            // Everything, in storage order.
            c.addReplyArrayLen(withValues && c.resp < 3 ? size * 2 : size)
            h.forEach { f, v in emit(f, v) }
            return
        }
        // Distinct fields: a random subset of the positions.
        var all: [([UInt8], [UInt8])] = []
        all.reserveCapacity(size)
        h.forEach { f, v in all.append((Array(f), Array(v))) }
        var picked = Array(0..<size)
        for i in 0..<n {
            let j = i + FastRandom.below(size - i)
            picked.swapAt(i, j)
        }
        c.addReplyArrayLen(withValues && c.resp < 3 ? n * 2 : n)
        for i in picked.prefix(n) {
            all[i].0.withUnsafeBytes { f in all[i].1.withUnsafeBytes { v in emit(f, v) } }
        }
    }

    // MARK: - HSCAN

    static func hscan(_ c: Client) {
        guard var cursor = KeyCommands.parseScanCursor(c.arg(2)) else {
            c.addReplyError("ERR invalid cursor")
            return
        }
        guard let h = readHash(c, orReply: { c.addReplyRaw("*2\r\n$1\r\n0\r\n*0\r\n") }) else { return }
        guard let options = KeyCommands.ScanOptions.parse(c, from: 3, allowType: false) else { return }
        let count = options.count, pattern = options.pattern
        var found: [([UInt8], [UInt8])] = []
        if h.encoding == .listpack {
            cursor = h.scan(cursor: 0) { f, v in found.append((Array(f), Array(v))) }
        } else {
            // Elements (fields and values) count toward COUNT, as in Redis.
            var iterations = count * 10 + 1    // Redis's `maxiterations--` test runs one more
            repeat {
                cursor = h.scan(cursor: cursor) { f, v in found.append((Array(f), Array(v))) }
                iterations -= 1
            } while cursor != 0 && iterations > 0 && found.count * 2 < count
        }
        if let p = pattern { found.removeAll { !Glob.match(p, $0.0, nocase: false) } }
        c.addReplyArrayLen(2)
        c.addReplyBulkString(String(cursor))
        c.addReplyArrayLen(found.count * 2)
        for (f, v) in found {
            c.addReplyBulk(f)
            c.addReplyBulk(v)
        }
    }
}
