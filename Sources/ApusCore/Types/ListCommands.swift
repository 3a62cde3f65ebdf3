// The list commands (Redis 7.0's t_list.c): pushes and pops at either end (LPUSH,
// RPUSH, LPUSHX, RPUSHX, LPOP, RPOP, LMPOP), reads by index and range (LLEN, LINDEX,
// LRANGE, LPOS), edits (LSET, LINSERT, LREM, LTRIM), moves between lists (LMOVE,
// RPOPLPUSH) and the blocking forms (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH), with
// 7.0's replies, errors and argument order of checks. A list that loses its last
// element is deleted, as in Redis.
//
// A blocking command that finds nothing parks its client on the keys (Server+Blocking);
// when one becomes a list again the command runs once more with `servingKey` set, and
// then it serves from that key only — the key that became ready, as 7.0 serves it. What
// a served blocking command propagates is its non-blocking form (LPOP, LMOVE ...).

import Glibc

enum ListCommands {
    @inline(__always) private static func fill(_ c: Client) -> Int { c.server.config.listMaxListpackSize }

    /// An empty list with the configured list-compress-depth.
    static func newList(_ c: Client) -> ListValue {
        ListValue(meter: c.server.keyspace.meter, compressDepth: c.server.config.listCompressDepth)
    }

    private static let lpopName: [UInt8] = Array("LPOP".utf8)
    private static let rpopName: [UInt8] = Array("RPOP".utf8)

    /// The list at argv[i] for reading: nil after replying `missing` (or WRONGTYPE).
    private static func readList(_ c: Client, _ i: Int = 1, orReply missing: () -> Void) -> ListValue? {
        guard let e = c.lookupRead(i) else { missing(); return nil }
        guard c.checkType(e, .list) else { return nil }
        return e.object(as: ListValue.self)
    }

    /// LEFT / RIGHT (case-insensitive) as "at the head"; nil after a syntax error.
    private static func endOrReply(_ c: Client, _ i: Int) -> Bool? {
        if c.argEquals(i, "left") { return true }
        if c.argEquals(i, "right") { return false }
        c.addReplySyntaxError()
        return nil
    }

    /// Resolves a possibly negative index against `count`; nil when outside the list.
    @inline(__always) private static func resolve(_ index: Int64, count: Int) -> Int? {
        let i = index < 0 ? Int64(count) + index : index
        return i >= 0 && i < Int64(count) ? Int(i) : nil
    }

    // MARK: - Push

    static func lpush(_ c: Client) { pushGeneric(c, atHead: true, onlyExisting: false) }
    static func rpush(_ c: Client) { pushGeneric(c, atHead: false, onlyExisting: false) }
    static func lpushx(_ c: Client) { pushGeneric(c, atHead: true, onlyExisting: true) }
    static func rpushx(_ c: Client) { pushGeneric(c, atHead: false, onlyExisting: true) }

    private static func pushGeneric(_ c: Client, atHead: Bool, onlyExisting: Bool) {
        let pushed = c.argc - 2
        let event: KeyEvent = atHead ? .lpush : .rpush
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .list) else { return }
            let l = e.object(as: ListValue.self)
            for j in 2..<c.argc { l.push(c.arg(j), atHead: atHead, fill: fill(c)) }
            c.db.signalModified(e, changes: pushed, event: event)
            c.addReplyInteger(l.count)
            return
        }
        if onlyExisting { c.addReplyInteger(0); return }
        let l = newList(c)
        for j in 2..<c.argc { l.push(c.arg(j), atHead: atHead, fill: fill(c)) }
        let e = c.db.setObject(c.arg(1), l, now: c.server.mstime, event: event)
        // Creating counted one change; Redis counts each element pushed.
        if pushed > 1 { c.db.signalModified(e, changes: pushed - 1, event: .none) }
        c.addReplyInteger(l.count)
    }

    // MARK: - Pop

    static func lpop(_ c: Client) { popGeneric(c, fromHead: true) }
    static func rpop(_ c: Client) { popGeneric(c, fromHead: false) }

    private static func popGeneric(_ c: Client, fromHead: Bool) {
        if c.argc > 3 { c.addReplyErrorArity(); return }
        var count: Int64 = -1
        if c.argc == 3 {
            guard let n = c.argNonNegativeOrReply(2) else { return }
            count = n
        }
        guard let e = c.lookupWrite(1) else {
            if count >= 0 { c.addReplyNullArray() } else { c.addReplyNull() }
            return
        }
        guard c.checkType(e, .list) else { return }
        let l = e.object(as: ListValue.self)
        if count == 0 { c.addReplyArrayLen(0); return }
        if count < 0 {
            c.addReplyBulk(l.pop(fromHead: fromHead)!)
            c.db.elementsRemoved(e, count: 1, empty: l.count == 0, event: fromHead ? .lpop : .rpop)
            return
        }
        popRange(c, e, l, fromHead: fromHead, count: Int(min(count, Int64(l.count))))
    }

    /// Replies the `n` elements at one end (in pop order) and removes them.
    private static func popRange(_ c: Client, _ e: KeyEntry, _ l: ListValue, fromHead: Bool, count n: Int) {
        c.addReplyArrayLen(n)
        var left = n
        l.forEach(from: 0, reverse: !fromHead) { v in
            c.addReplyBulk(v)
            left -= 1
            return left > 0
        }
        l.removeRange(fromHead: fromHead, count: n)
        c.db.elementsRemoved(e, count: n, empty: l.count == 0, event: fromHead ? .lpop : .rpop)
    }

    static func lmpop(_ c: Client) {
        guard let p = c.multiPopArgumentsOrReply(numkeysIndex: 1, ends: ("left", "right")) else { return }
        for j in p.keys {
            guard let e = c.lookupWrite(j) else { continue }
            guard c.checkType(e, .list) else { return }
            popWithKey(c, j, e, fromHead: p.first, count: p.count)
            return
        }
        c.addReplyNullArray()
    }

    /// The [key, [elements]] reply of LMPOP and BLMPOP, propagated as LPOP/RPOP key n.
    private static func popWithKey(_ c: Client, _ j: Int, _ e: KeyEntry, fromHead: Bool, count: Int64) {
        let l = e.object(as: ListValue.self)
        let n = Int(min(count, Int64(l.count)))
        let key = c.argBytes(j)
        c.addReplyArrayLen(2)
        c.addReplyBulk(key)
        popRange(c, e, l, fromHead: fromHead, count: n)
        c.propagateAs([fromHead ? lpopName : rpopName, key, Numbers.ll2string(Int64(n))])
    }

    // MARK: - Reading

    static func llen(_ c: Client) {
        guard let l = readList(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(l.count)
    }

    static func lindex(_ c: Client) {
        guard let l = readList(c, orReply: { c.addReplyNull() }) else { return }
        guard let index = c.argIntOrReply(2) else { return }
        guard let i = resolve(index, count: l.count) else { c.addReplyNull(); return }
        l.withElement(at: i) { c.addReplyBulk($0) }
    }

    static func lrange(_ c: Client) {
        guard let start = c.argIntOrReply(2), let end = c.argIntOrReply(3) else { return }
        guard let l = readList(c, orReply: { c.addReplyArrayLen(0) }) else { return }
        replyRange(c, l, start, end)
    }

    /// Redis's addListRangeReply: indexes normalized, then clamped.
    private static func replyRange(_ c: Client, _ l: ListValue, _ start: Int64, _ end: Int64) {
        let n = Int64(l.count)
        var s = start < 0 ? n + start : start
        var e = end < 0 ? n + end : end
        if s < 0 { s = 0 }
        if s > e || s >= n { c.addReplyArrayLen(0); return }
        if e >= n { e = n - 1 }
        var left = Int(e - s + 1)
        c.addReplyArrayLen(left)
        l.forEach(from: Int(s)) { v in
            c.addReplyBulk(v)
            left -= 1
            return left > 0 && !c.flags.contains(.closeASAP)
        }
    }

    static func lpos(_ c: Client) {
        var rank: Int64 = 1, count: Int64 = -1, maxlen: Int64 = 0
        var j = 3
        while j < c.argc {
            let more = j + 1 < c.argc
            if c.argEquals(j, "rank") && more {
                j += 1
                guard let r = c.argIntOrReply(j) else { return }
                if r == 0 {
                    c.addReplyError("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list")
                    return
                }
                rank = r
            } else if c.argEquals(j, "count") && more {
                j += 1
                guard let n = c.argNonNegativeOrReply(j, message: "ERR COUNT can't be negative") else { return }
                count = n
            } else if c.argEquals(j, "maxlen") && more {
                j += 1
                guard let n = c.argNonNegativeOrReply(j, message: "ERR MAXLEN can't be negative") else { return }
                maxlen = n
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        // -LONG_MIN stays negative in C: searching from the tail, every match qualifies.
        let fromTail = rank < 0
        let wanted: Int64 = rank == Int64.min ? Int64.min : abs(rank)
        guard let e = c.lookupRead(1) else {
            if count != -1 { c.addReplyArrayLen(0) } else { c.addReplyNull() }
            return
        }
        guard c.checkType(e, .list) else { return }
        let l = e.object(as: ListValue.self)
        let needle = c.arg(2)
        let total = l.count
        var index = 0, matches: Int64 = 0
        var found: [Int] = []
        var single: Int?
        l.forEach(from: 0, reverse: fromTail) { v in
            if maxlen != 0 && Int64(index) >= maxlen { return false }
            defer { index += 1 }
            guard v.count == needle.count && (v.count == 0 || memcmp(v.baseAddress!, needle.baseAddress!, v.count) == 0)
            else { return true }
            matches += 1
            guard matches >= wanted else { return true }
            let at = fromTail ? total - index - 1 : index
            if count == -1 { single = at; return false }
            found.append(at)
            return count == 0 || Int64(found.count) < count
        }
        if count == -1 {
            if let at = single { c.addReplyInteger(at) } else { c.addReplyNull() }
            return
        }
        c.addReplyArrayLen(found.count)
        for at in found { c.addReplyInteger(at) }
    }

    // MARK: - Editing

    static func lset(_ c: Client) {
        guard let e = c.lookupWrite(1) else { c.addReplyError(ReplyErrors.noSuchKey); return }
        guard c.checkType(e, .list) else { return }
        guard let index = c.argIntOrReply(2) else { return }
        let l = e.object(as: ListValue.self)
        guard let i = resolve(index, count: l.count) else { c.addReplyError("ERR index out of range"); return }
        _ = l.replace(at: i, with: c.arg(3))
        c.db.signalModified(e, event: .lset)
        c.addReplyOK()
    }

    static func linsert(_ c: Client) {
        let after: Bool
        if c.argEquals(2, "after") { after = true } else if c.argEquals(2, "before") { after = false } else {
            c.addReplySyntaxError()
            return
        }
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .list) else { return }
        let l = e.object(as: ListValue.self)
        guard l.insert(c.arg(4), pivot: c.arg(3), after: after, fill: fill(c)) else {
            c.addReplyInteger(-1)
            return
        }
        c.db.signalModified(e, event: .linsert)
        c.addReplyInteger(l.count)
    }

    static func lrem(_ c: Client) {
        guard let n = c.argIntOrReply(2) else { return }
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .list) else { return }
        let l = e.object(as: ListValue.self)
        // LONG_MIN negated stays negative in C: no limit is ever reached.
        let limit = n == Int64.min ? 0 : Int(abs(n))
        let removed = l.removeMatching(c.arg(3), limit: limit, fromTail: n < 0)
        c.db.elementsRemoved(e, count: removed, empty: l.count == 0, event: .lrem)
        c.addReplyInteger(removed)
    }

    static func ltrim(_ c: Client) {
        guard let start = c.argIntOrReply(2), let end = c.argIntOrReply(3) else { return }
        guard let e = c.lookupWrite(1) else { c.addReplyOK(); return }
        guard c.checkType(e, .list) else { return }
        let l = e.object(as: ListValue.self)
        let n = Int64(l.count)
        var s = start < 0 ? n + start : start
        var en = end < 0 ? n + end : end
        if s < 0 { s = 0 }
        let left: Int64, right: Int64
        if s > en || s >= n {
            left = n
            right = 0
        } else {
            if en >= n { en = n - 1 }
            left = s
            right = n - en - 1
        }
        l.removeRange(fromHead: true, count: Int(left))
        l.removeRange(fromHead: false, count: Int(right))
        let removed = Int(left + right)
        // "ltrim" even when nothing was cut, as 7.0 raises it.
        if removed == 0 { c.db.signalModified(e, changes: 0, event: .ltrim) }
        c.db.elementsRemoved(e, count: removed, empty: l.count == 0, event: .ltrim)
        c.addReplyOK()
    }

    // MARK: - Moving between lists

    static func lmove(_ c: Client) {
        guard let from = endOrReply(c, 3), let to = endOrReply(c, 4) else { return }
        lmoveGeneric(c, fromHead: from, toHead: to)
    }

    static func rpoplpush(_ c: Client) { lmoveGeneric(c, fromHead: false, toHead: true) }

    /// Pops from argv[1] and pushes onto argv[2] (which may be the same list); replies
    /// the element. Blocking forms propagate as their non-blocking commands. Events as
    /// 7.0 orders them: the push on the destination, the pop on the source, then "del"
    /// for a source left empty.
    private static func lmoveGeneric(_ c: Client, fromHead: Bool, toHead: Bool) {
        guard let se = c.lookupWrite(1) else { c.addReplyNull(); return }
        guard c.checkType(se, .list) else { return }
        let de = c.lookupWrite(2)
        if let d = de, !c.checkType(d, .list) { return }
        let src = se.object(as: ListValue.self)
        let dirtyBefore = c.server.keyspace.dirty
        let value = src.pop(fromHead: fromHead)!
        let pushEvent: KeyEvent = toHead ? .lpush : .rpush
        value.withUnsafeBytes { v in
            if let d = de {
                d.object(as: ListValue.self).push(v, atHead: toHead, fill: fill(c))
                c.db.signalModified(d, changes: 0, event: pushEvent)
            } else {
                let l = newList(c)
                l.push(v, atHead: toHead, fill: fill(c))
                // The source may be the destination only when it exists, so this is a
                // different key and `se` stays valid.
                c.db.setObject(c.arg(2), l, now: c.server.mstime, event: pushEvent)
            }
        }
        c.addReplyBulk(value)
        if src.count == 0 {
            c.db.notify(fromHead ? .lpop : .rpop, c.arg(1))
            c.db.delete(c.arg(1), event: .del)
        } else {
            c.db.signalModified(se, event: fromHead ? .lpop : .rpop)
        }
        // One change, whatever was created or deleted on the way (Redis's dirty++).
        c.server.keyspace.dirty = dirtyBefore &+ 1
        if c.currentCommand?.name == "blmove" {
            c.propagateAs([Array("LMOVE".utf8), c.argBytes(1), c.argBytes(2), c.argBytes(3), c.argBytes(4)])
        } else if c.currentCommand?.name == "brpoplpush" {
            c.propagateAs([Array("RPOPLPUSH".utf8), c.argBytes(1), c.argBytes(2)])
        }
    }

    // MARK: - Blocking forms

    static func blpop(_ c: Client) { blockingPop(c, keys: 1 ..< c.argc - 1, fromHead: true, timeoutIndex: c.argc - 1, count: -1) }
    static func brpop(_ c: Client) { blockingPop(c, keys: 1 ..< c.argc - 1, fromHead: false, timeoutIndex: c.argc - 1, count: -1) }

    static func blmpop(_ c: Client) {
        guard let p = c.multiPopArgumentsOrReply(numkeysIndex: 2, ends: ("left", "right")) else { return }
        blockingPop(c, keys: p.keys, fromHead: p.first, timeoutIndex: 1, count: p.count)
    }

    /// Serves from the first key holding a list (or, when woken, from the key that
    /// became ready), else blocks on all of them.
    private static func blockingPop(_ c: Client, keys: Range<Int>, fromHead: Bool, timeoutIndex: Int, count: Int64) {
        guard let deadline = c.server.blockingDeadlineOrReply(c, timeoutIndex) else { return }
        for j in keys {
            if let k = c.servingKey, !c.arg(j).elementsEqual(k) { continue }
            guard let e = c.lookupWrite(j) else { continue }
            guard c.checkType(e, .list) else { return }
            if count != -1 {
                popWithKey(c, j, e, fromHead: fromHead, count: count)
                return
            }
            let l = e.object(as: ListValue.self)
            let key = c.argBytes(j)
            c.addReplyArrayLen(2)
            c.addReplyBulk(key)
            c.addReplyBulk(l.pop(fromHead: fromHead)!)
            c.db.elementsRemoved(e, count: 1, empty: l.count == 0, event: fromHead ? .lpop : .rpop)
            c.propagateAs([fromHead ? lpopName : rpopName, key])
            return
        }
        if c.flags.contains(.denyBlocking) { c.addReplyNullArray(); return }
        c.server.blockForKeys(c, keys: keys, type: .list, deadline: deadline)
    }

    static func blmove(_ c: Client) {
        guard let from = endOrReply(c, 3), let to = endOrReply(c, 4) else { return }
        guard let deadline = c.server.blockingDeadlineOrReply(c, 5) else { return }
        blmoveGeneric(c, fromHead: from, toHead: to, deadline: deadline)
    }

    static func brpoplpush(_ c: Client) {
        guard let deadline = c.server.blockingDeadlineOrReply(c, 3) else { return }
        blmoveGeneric(c, fromHead: false, toHead: true, deadline: deadline)
    }

    private static func blmoveGeneric(_ c: Client, fromHead: Bool, toHead: Bool, deadline: Int64) {
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .list) else { return }
            lmoveGeneric(c, fromHead: fromHead, toHead: toHead)
            return
        }
        if c.flags.contains(.denyBlocking) { c.addReplyNull(); return }
        c.server.blockForKeys(c, keys: 1 ..< 2, type: .list, deadline: deadline)
    }
}
