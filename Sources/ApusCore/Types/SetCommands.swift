// The set commands (Redis 7.0's t_set.c): SADD, SREM, SCARD, SISMEMBER, SMISMEMBER,
// SMEMBERS, SRANDMEMBER, SPOP, SMOVE, SINTER/SINTERCARD/SINTERSTORE, SUNION/SUNIONSTORE,
// SDIFF/SDIFFSTORE and SSCAN, with 7.0's replies (sets as RESP3 set replies) and
// errors. A set that loses its last member is deleted, as in Redis.

import Glibc

enum SetCommands {
    private static func maxIntset(_ c: Client) -> Int { c.server.config.setMaxIntsetEntries }

    /// The set at argv[i] for reading: nil after replying `missing` (or WRONGTYPE).
    private static func readSet(_ c: Client, _ i: Int = 1, orReply missing: () -> Void) -> SetValue? {
        guard let e = c.lookupRead(i) else { missing(); return nil }
        guard c.checkType(e, .set) else { return nil }
        return e.object(as: SetValue.self)
    }

    private static func replyEmptySet(_ c: Client) { c.addReplySetLen(0) }

    // MARK: - Membership

    static func sadd(_ c: Client) {
        var added = 0
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .set) else { return }
            let s = e.object(as: SetValue.self)
            for j in 2..<c.argc where s.add(c.arg(j), maxIntsetEntries: maxIntset(c)) { added += 1 }
            if added > 0 { c.db.signalModified(e, changes: added, event: .sadd) }
        } else {
            let s = SetValue.forMember(c.arg(2), meter: c.server.keyspace.meter)
            for j in 2..<c.argc where s.add(c.arg(j), maxIntsetEntries: maxIntset(c)) { added += 1 }
            let e = c.db.setObject(c.arg(1), s, now: c.server.mstime, event: .sadd)
            // Creating counted one change; Redis counts each member added.
            c.db.signalModified(e, changes: added - 1, event: .none)
        }
        c.addReplyInteger(added)
    }

    static func srem(_ c: Client) {
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .set) else { return }
        let s = e.object(as: SetValue.self)
        var removed = 0
        for j in 2..<c.argc where s.remove(c.arg(j)) {
            removed += 1
            if s.count == 0 { break }
        }
        c.db.elementsRemoved(e, count: removed, empty: s.count == 0, event: .srem)
        c.addReplyInteger(removed)
    }

    static func scard(_ c: Client) {
        guard let s = readSet(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(s.count)
    }

    static func sismember(_ c: Client) {
        guard let s = readSet(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(s.contains(c.arg(2)) ? 1 : 0)
    }

    static func smismember(_ c: Client) {
        var s: SetValue?
        if let e = c.lookupRead(1) {
            guard c.checkType(e, .set) else { return }
            s = e.object(as: SetValue.self)
        }
        c.addReplyArrayLen(c.argc - 2)
        for j in 2..<c.argc { c.addReplyInteger(s?.contains(c.arg(j)) == true ? 1 : 0) }
    }

    static func smove(_ c: Client) {
        let src = c.lookupWrite(1)
        let dst = c.lookupWrite(2)
        guard let se = src else { c.addReplyInteger(0); return }
        guard c.checkType(se, .set) else { return }
        if let de = dst, !c.checkType(de, .set) { return }
        let s = se.object(as: SetValue.self)
        if let de = dst, de == se {
            c.addReplyInteger(s.contains(c.arg(3)) ? 1 : 0)
            return
        }
        guard s.remove(c.arg(3)) else { c.addReplyInteger(0); return }
        c.db.elementsRemoved(se, count: 1, empty: s.count == 0, event: .srem)
        // The destination is looked up again rather than trusting `dst`: the source's
        // removal ran the write path (and maybe a deletion) in between.
        if let de = c.db.lookupWrite(c.arg(2), now: c.server.mstime) {
            if de.object(as: SetValue.self).add(c.arg(3), maxIntsetEntries: maxIntset(c)) {
                c.db.signalModified(de, event: .sadd)
            }
        } else {
            let d = SetValue.forMember(c.arg(3), meter: c.server.keyspace.meter)
            d.add(c.arg(3), maxIntsetEntries: maxIntset(c))
            c.db.setObject(c.arg(2), d, now: c.server.mstime, event: .sadd)
        }
        c.addReplyInteger(1)
    }

    // MARK: - Random members

    static func srandmember(_ c: Client) {
        if c.argc > 3 { c.addReplySyntaxError(); return }
        if c.argc == 3 { srandmemberWithCount(c); return }
        guard let s = readSet(c, orReply: { c.addReplyNull() }) else { return }
        c.addReplyBulk(s.randomMember())
    }

    private static func srandmemberWithCount(_ c: Client) {
        guard let l = c.argInt64(2) else { c.addReplyError(ReplyErrors.notInteger); return }
        if l < -Int64.max {
            c.addReplyError(ReplyErrors.countOutOfRange)
            return
        }
        guard let s = readSet(c, orReply: { c.addReplyArrayLen(0) }) else { return }
        if l == 0 { c.addReplyArrayLen(0); return }
        if l < 0 || l == 1 {
            let n = Int(l < 0 ? -l : l)
            c.addReplyArrayLen(n)
            // A client cut off at its output limit stops the loop (a huge count must not
            // hold the server).
            for _ in 0..<n {
                if c.flags.contains(.closeASAP) { break }
                c.addReplyBulk(s.randomMember())
            }
            return
        }
        let picked = distinctRandom(s, Int(l))
        c.addReplyArrayLen(picked.count)
        for m in picked { c.addReplyBulk(m) }
    }

    /// `n` distinct members (all of them when the set is not larger). A count small next
    /// to the set draws members until it has enough, without copying the set.
    private static func distinctRandom(_ s: SetValue, _ n: Int) -> [[UInt8]] {
        if n * 3 < s.count {
            var picked = Set<[UInt8]>()
            var out: [[UInt8]] = []
            while out.count < n {
                let m = s.randomMember()
                if picked.insert(m).inserted { out.append(m) }
            }
            return out
        }
        var all = s.members()
        if n >= all.count { return all }
        for i in 0..<n { all.swapAt(i, i + FastRandom.below(all.count - i)) }
        return Array(all.prefix(n))
    }

    static func spop(_ c: Client) {
        if c.argc > 3 { c.addReplySyntaxError(); return }
        if c.argc == 3 { spopWithCount(c); return }
        guard let e = c.lookupWrite(1) else { c.addReplyNull(); return }
        guard c.checkType(e, .set) else { return }
        let s = e.object(as: SetValue.self)
        let m = s.randomMember()
        m.withUnsafeBytes { _ = s.remove($0) }
        // Replayed as the removal it was, so a replica drops the same member.
        c.propagateAs([Array("SREM".utf8), c.argBytes(1), m])
        c.db.elementsRemoved(e, count: 1, empty: s.count == 0, event: .spop)
        c.addReplyBulk(m)
    }

    private static func spopWithCount(_ c: Client) {
        guard let l = c.argInt64(2), l >= 0 else {
            c.addReplyError("ERR value is out of range, must be positive")
            return
        }
        guard let e = c.lookupWrite(1) else { replyEmptySet(c); return }
        guard c.checkType(e, .set) else { return }
        if l == 0 { replyEmptySet(c); return }
        let s = e.object(as: SetValue.self)
        if l >= s.count {
            let all = s.members()
            c.db.elementsRemoved(e, count: all.count, empty: true, event: .spop)
            c.propagateAs([Array("DEL".utf8), c.argBytes(1)])
            c.addReplySetLen(all.count)
            for m in all { c.addReplyBulk(m) }
            return
        }
        let picked = distinctRandom(s, Int(l))
        for m in picked { m.withUnsafeBytes { _ = s.remove($0) } }
        // 7.0.15 replays each member taken as an SREM of its own (a MULTI/EXEC unit).
        let p = c.server.keyspace.propagator
        if p.isActive {
            for m in picked { p.add(db: c.dbIndex, args: [Array("SREM".utf8), c.argBytes(1), m]) }
            p.preventCurrentCommand()
        }
        c.db.signalModified(e, changes: picked.count, event: .spop)
        c.addReplySetLen(picked.count)
        for m in picked { c.addReplyBulk(m) }
    }

    // MARK: - Algebra

    /// The sets named by argv[from..<to]: nil entries for missing keys; nil overall after
    /// a WRONGTYPE reply. The storing forms read their sources the same way (7.0.15).
    private static func sets(_ c: Client, _ from: Int, _ to: Int) -> [SetValue?]? {
        var out: [SetValue?] = []
        for j in from..<to {
            guard let entry = c.lookupRead(j) else { out.append(nil); continue }
            guard c.checkType(entry, .set) else { return nil }
            out.append(entry.object(as: SetValue.self))
        }
        return out
    }

    /// Members of the intersection, smallest set first, stopping at `limit` (0: none).
    /// A key named twice is one set: it is walked once and never probed while walked (a
    /// probe may move the table's rehash along under the walk).
    private static func intersection(_ sets: [SetValue], limit: Int = 0) -> [[UInt8]] {
        var distinct: [SetValue] = []
        for s in sets where !distinct.contains(where: { $0 === s }) { distinct.append(s) }
        let ordered = distinct.sorted { $0.count < $1.count }
        var out: [[UInt8]] = []
        ordered[0].forEach { m in
            if limit > 0 && out.count >= limit { return }
            for other in ordered.dropFirst() where !other.contains(m) { return }
            out.append(Array(m))
        }
        return out
    }

    private static func replySet(_ c: Client, _ members: [[UInt8]]) {
        c.addReplySetLen(members.count)
        for m in members { c.addReplyBulk(m) }
    }

    /// A result set built as 7.0 builds it (intset first, converting as members arrive).
    private static func build(_ c: Client, _ members: [[UInt8]]) -> SetValue {
        let s = SetValue(meter: c.server.keyspace.meter)
        for m in members { m.withUnsafeBytes { _ = s.add($0, maxIntsetEntries: maxIntset(c)) } }
        return s
    }

    /// Stores `members` at argv[1] (deleting it when empty) and replies the count;
    /// `event` names the command for a stored result.
    private static func store(_ c: Client, _ members: [[UInt8]], event: KeyEvent) {
        if members.isEmpty {
            // Redis's dbDelete: an expired destination goes as a plain deletion.
            c.db.delete(c.arg(1), event: .del)
            c.addReplyInteger(0)
            return
        }
        let s = build(c, members)
        c.db.setObject(c.arg(1), s, now: c.server.mstime, event: event)
        c.addReplyInteger(s.count)
    }

    static func sinter(_ c: Client) {
        guard let all = sets(c, 1, c.argc) else { return }
        if all.contains(where: { $0 == nil }) { replyEmptySet(c); return }
        replySet(c, intersection(all.map { $0! }))
    }

    static func smembers(_ c: Client) { sinter(c) }

    static func sinterstore(_ c: Client) {
        guard let all = sets(c, 2, c.argc) else { return }
        if all.contains(where: { $0 == nil }) { store(c, [], event: .sinterstore); return }
        store(c, intersection(all.map { $0! }), event: .sinterstore)
    }

    static func sintercard(_ c: Client) {
        guard let nk = c.argInt64(1), nk >= 1 else { c.addReplyError("ERR numkeys should be greater than 0"); return }
        if nk > Int64(c.argc - 2) { c.addReplyError("ERR Number of keys can't be greater than number of args"); return }
        let numkeys = Int(nk)
        var limit = 0
        var j = 2 + numkeys
        while j < c.argc {
            if c.argEquals(j, "limit") && j + 1 < c.argc {
                guard let v = c.argInt64(j + 1), v >= 0 else { c.addReplyError("ERR LIMIT can't be negative"); return }
                limit = Int(v)
                j += 2
            } else {
                c.addReplySyntaxError()
                return
            }
        }
        guard let all = sets(c, 2, 2 + numkeys) else { return }
        if all.contains(where: { $0 == nil }) { c.addReplyInteger(0); return }
        c.addReplyInteger(intersection(all.map { $0! }, limit: limit).count)
    }

    private static func union(_ sets: [SetValue?]) -> [[UInt8]] {
        var seen = Set<[UInt8]>()
        var out: [[UInt8]] = []
        for s in sets { s?.forEach { m in if seen.insert(Array(m)).inserted { out.append(Array(m)) } } }
        return out
    }

    private static func difference(_ sets: [SetValue?]) -> [[UInt8]] {
        guard let first = sets[0] else { return [] }
        // The first set minus itself is empty (and must not be probed while walked).
        if sets.dropFirst().contains(where: { $0 === first }) { return [] }
        var out: [[UInt8]] = []
        first.forEach { m in
            for other in sets.dropFirst() where other?.contains(m) == true { return }
            out.append(Array(m))
        }
        return out
    }

    /// Union and difference reply in the order of the set 7.0 builds for them.
    private static func replyBuilt(_ c: Client, _ members: [[UInt8]]) {
        let s = build(c, members)
        c.addReplySetLen(s.count)
        s.forEach { c.addReplyBulk($0) }
    }

    static func sunion(_ c: Client) {
        guard let all = sets(c, 1, c.argc) else { return }
        replyBuilt(c, union(all))
    }

    static func sunionstore(_ c: Client) {
        guard let all = sets(c, 2, c.argc) else { return }
        store(c, union(all), event: .sunionstore)
    }

    static func sdiff(_ c: Client) {
        guard let all = sets(c, 1, c.argc) else { return }
        replyBuilt(c, difference(all))
    }

    static func sdiffstore(_ c: Client) {
        guard let all = sets(c, 2, c.argc) else { return }
        store(c, difference(all), event: .sdiffstore)
    }

    // MARK: - SSCAN

    static func sscan(_ c: Client) {
        guard var cursor = KeyCommands.parseScanCursor(c.arg(2)) else {
            c.addReplyError("ERR invalid cursor")
            return
        }
        guard let s = readSet(c, orReply: { c.addReplyRaw("*2\r\n$1\r\n0\r\n*0\r\n") }) else { return }
        guard let options = KeyCommands.ScanOptions.parse(c, from: 3, allowType: false) else { return }
        let count = options.count, pattern = options.pattern
        var found: [[UInt8]] = []
        if s.encoding == .intset {
            cursor = s.scan(cursor: 0) { found.append(Array($0)) }
        } else {
            var iterations = count * 10 + 1    // Redis's `maxiterations--` test runs one more
            repeat {
                cursor = s.scan(cursor: cursor) { found.append(Array($0)) }
                iterations -= 1
            } while cursor != 0 && iterations > 0 && found.count < count
        }
        if let p = pattern { found.removeAll { !Glob.match(p, $0, nocase: false) } }
        c.addReplyArrayLen(2)
        c.addReplyBulkString(String(cursor))
        c.addReplyArrayLen(found.count)
        for m in found { c.addReplyBulk(m) }
    }
}
