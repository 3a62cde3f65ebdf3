// The sorted-set commands (Redis 7.0's t_zset.c): ZADD (NX XX GT LT CH INCR) and
// ZINCRBY; reads by rank, score and lex (ZRANGE with BYSCORE/BYLEX/REV/LIMIT/WITHSCORES,
// the older ZREVRANGE/ZRANGEBYSCORE/ZREVRANGEBYSCORE/ZRANGEBYLEX/ZREVRANGEBYLEX, and
// ZRANGESTORE); ZCARD, ZCOUNT, ZLEXCOUNT, ZSCORE, ZMSCORE, ZRANK, ZREVRANK; removals
// (ZREM, ZREMRANGEBYRANK/BYSCORE/BYLEX); pops (ZPOPMIN, ZPOPMAX, ZMPOP and the
// blocking BZPOPMIN, BZPOPMAX, BZMPOP); the set algebra (ZUNION, ZINTER, ZDIFF, their
// STORE forms, ZINTERCARD) over sorted sets and plain sets; ZRANDMEMBER and ZSCAN.
// Replies, errors and the order of checks follow 7.0.15; scores are printed as 7.0
// prints them (%.17g, inf/-inf, RESP3 doubles). A sorted set that loses its last
// member is deleted.

import Glibc

enum SortedSetCommands {
    static func limits(_ c: Client) -> ZSetValue.Limits {
        ZSetValue.Limits(maxEntries: c.server.config.zsetMaxListpackEntries, maxValue: c.server.config.zsetMaxListpackValue)
    }

    private static func readZSet(_ c: Client, _ i: Int = 1, orReply missing: () -> Void) -> ZSetValue? {
        guard let e = c.lookupRead(i) else { missing(); return nil }
        guard c.checkType(e, .zset) else { return nil }
        return e.object(as: ZSetValue.self)
    }

    /// getDoubleFromObjectOrReply.
    private static func scoreOrReply(_ c: Client, _ i: Int, message: String = ReplyErrors.notFloat) -> Double? {
        if let v = Numbers.parseDouble(c.arg(i)) { return v }
        c.addReplyError(message)
        return nil
    }

    static func parseScoreRange(_ c: Client, _ minIndex: Int, _ maxIndex: Int) -> ScoreRange? {
        func bound(_ i: Int) -> (Double, Bool)? {
            let a = c.arg(i)
            if a.count > 0 && a[0] == 40 {   // "("
                guard let v = Numbers.strtodWhole(UnsafeRawBufferPointer(rebasing: a[1...])) else { return nil }
                return (v, true)
            }
            guard let v = Numbers.strtodWhole(a) else { return nil }
            return (v, false)
        }
        guard let lo = bound(minIndex), let hi = bound(maxIndex) else { return nil }
        return ScoreRange(min: lo.0, max: hi.0, minExclusive: lo.1, maxExclusive: hi.1)
    }

    static func parseLexRange(_ c: Client, _ minIndex: Int, _ maxIndex: Int) -> LexRange? {
        func bound(_ i: Int) -> LexRange.Bound? {
            let a = c.arg(i)
            guard a.count > 0 else { return nil }
            switch a[0] {
            case 43: return a.count == 1 ? .plusInfinity : nil     // "+"
            case 45: return a.count == 1 ? .minusInfinity : nil    // "-"
            case 40: return .exclusive(Array(a[1...]))             // "("
            case 91: return .inclusive(Array(a[1...]))             // "["
            default: return nil
            }
        }
        guard let lo = bound(minIndex), let hi = bound(maxIndex) else { return nil }
        return LexRange(min: lo, max: hi)
    }

    // MARK: - Adding

    typealias AddFlags = ZSetValue.AddFlags

    static func zadd(_ c: Client) { zaddGeneric(c, flags: []) }
    static func zincrby(_ c: Client) { zaddGeneric(c, flags: .incr) }

    private static func zaddGeneric(_ c: Client, flags initial: AddFlags) {
        var f = initial
        var j = 2
        while j < c.argc {
            if c.argEquals(j, "nx") { f.insert(.nx) }
            else if c.argEquals(j, "xx") { f.insert(.xx) }
            else if c.argEquals(j, "ch") { f.insert(.ch) }
            else if c.argEquals(j, "incr") { f.insert(.incr) }
            else if c.argEquals(j, "gt") { f.insert(.gt) }
            else if c.argEquals(j, "lt") { f.insert(.lt) }
            else { break }
            j += 1
        }
        let scoreIndex = j
        let pairs = c.argc - scoreIndex
        if pairs % 2 != 0 || pairs == 0 { c.addReplySyntaxError(); return }
        let elements = pairs / 2
        var scores: [Double] = []
        scores.reserveCapacity(elements)
        for k in 0..<elements {
            // Flag conflicts are reported before a bad score.
            guard let s = Numbers.parseDouble(c.arg(scoreIndex + 2 * k)) else {
                if !validFlags(c, f, elements: elements) { return }
                c.addReplyError(ReplyErrors.notFloat)
                return
            }
            scores.append(s)
        }
        addScored(c, flags: f, scores: scores, member: { scoreIndex + 1 + 2 * $0 })
    }

    /// Replies the error of incompatible ZADD flags; true when they are compatible.
    private static func validFlags(_ c: Client, _ f: AddFlags, elements: Int) -> Bool {
        if f.contains(.nx) && f.contains(.xx) {
            c.addReplyError("ERR XX and NX options at the same time are not compatible")
            return false
        }
        if (f.contains(.gt) && f.contains(.nx)) || (f.contains(.lt) && f.contains(.nx)) || (f.contains(.gt) && f.contains(.lt)) {
            c.addReplyError("ERR GT, LT, and/or NX options at the same time are not compatible")
            return false
        }
        if f.contains(.incr) && elements > 1 {
            c.addReplyError("ERR INCR option supports a single increment-element pair")
            return false
        }
        return true
    }

    /// The body ZADD and GEOADD share (Redis's zaddGenericCommand after parsing): adds
    /// `scores[k]` for the member at argv[member(k)] under the flags, replying the count
    /// (or INCR's score).
    static func addScored(_ c: Client, flags f: AddFlags, scores: [Double], member: (Int) -> Int) {
        let elements = scores.count
        if !validFlags(c, f, elements: elements) { return }
        let lim = limits(c)
        var added = 0, updated = 0, processed = 0
        var score: Double = 0
        let entry = c.lookupWrite(1)
        if let e = entry, !c.checkType(e, .zset) { return }
        var z: ZSetValue
        if let e = entry {
            z = e.object(as: ZSetValue.self)
        } else {
            if f.contains(.xx) {
                if f.contains(.incr) { c.addReplyNull() } else { c.addReplyInteger(0) }
                return
            }
            z = ZSetValue(meter: c.server.keyspace.meter)
            if lim.maxEntries == 0 || lim.maxValue < c.arg(member(0)).count { z.convertToSkiplist() }
        }
        var nanError = false
        for k in 0..<elements {
            var newScore = scores[k]
            switch z.add(c.arg(member(k)), scores[k], f, limits: lim, newScore: &newScore) {
            case .added: added += 1; processed += 1
            case .updated: updated += 1; processed += 1
            case .nop: break
            case .nan: nanError = true
            }
            if nanError { break }
            score = newScore
        }
        let changes = added + updated
        let event: KeyEvent = f.contains(.incr) ? .zincr : .zadd
        if let e = entry {
            if changes > 0 { c.db.signalModified(e, changes: changes, event: event) }
        } else if z.count > 0 {
            let e = c.db.setObject(c.arg(1), z, now: c.server.mstime, event: event)
            if changes > 1 { c.db.signalModified(e, changes: changes - 1, event: .none) }
        }
        if nanError {
            c.addReplyError("ERR resulting score is not a number (NaN)")
            return
        }
        if f.contains(.incr) {
            if processed > 0 { c.addReplyDouble(score) } else { c.addReplyNull() }
        } else {
            c.addReplyInteger(f.contains(.ch) ? added + updated : added)
        }
    }

    // MARK: - Removing

    static func zrem(_ c: Client) {
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .zset) else { return }
        let z = e.object(as: ZSetValue.self)
        var removed = 0
        for j in 2..<c.argc where z.remove(c.arg(j)) {
            removed += 1
            if z.count == 0 { break }
        }
        c.db.elementsRemoved(e, count: removed, empty: z.count == 0, event: .zrem)
        c.addReplyInteger(removed)
    }

    enum RangeKind { case rank, score, lex }

    static func zremrangebyrank(_ c: Client) { zremrangeGeneric(c, .rank) }
    static func zremrangebyscore(_ c: Client) { zremrangeGeneric(c, .score) }
    static func zremrangebylex(_ c: Client) { zremrangeGeneric(c, .lex) }

    private static func zremrangeGeneric(_ c: Client, _ kind: RangeKind) {
        var start: Int64 = 0, end: Int64 = 0
        var sr: ScoreRange?, lr: LexRange?
        switch kind {
        case .rank:
            guard let s = c.argIntOrReply(2), let e = c.argIntOrReply(3) else { return }
            start = s; end = e
        case .score:
            guard let r = parseScoreRange(c, 2, 3) else { c.addReplyError("ERR min or max is not a float"); return }
            sr = r
        case .lex:
            guard let r = parseLexRange(c, 2, 3) else {
                c.addReplyError("ERR min or max not valid string range item")
                return
            }
            lr = r
        }
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .zset) else { return }
        let z = e.object(as: ZSetValue.self)
        var removed = 0
        switch kind {
        case .rank:
            let n = Int64(z.count)
            if start < 0 { start += n }
            if end < 0 { end += n }
            if start < 0 { start = 0 }
            if start > end || start >= n { c.addReplyInteger(0); return }
            if end >= n { end = n - 1 }
            removed = z.removeRange(ranks: Int(start), Int(end))
        case .score: removed = z.removeRange(sr!)
        case .lex: removed = z.removeRange(lr!)
        }
        let event: KeyEvent
        switch kind {
        case .rank: event = .zremrangebyrank
        case .score: event = .zremrangebyscore
        case .lex: event = .zremrangebylex
        }
        c.db.elementsRemoved(e, count: removed, empty: z.count == 0, event: event)
        c.addReplyInteger(removed)
    }

    // MARK: - Single-member reads

    static func zcard(_ c: Client) {
        guard let z = readZSet(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(z.count)
    }

    static func zscore(_ c: Client) {
        guard let z = readZSet(c, orReply: { c.addReplyNull() }) else { return }
        if let s = z.score(of: c.arg(2)) { c.addReplyDouble(s) } else { c.addReplyNull() }
    }

    static func zmscore(_ c: Client) {
        var z: ZSetValue?
        if let e = c.lookupRead(1) {
            guard c.checkType(e, .zset) else { return }
            z = e.object(as: ZSetValue.self)
        }
        c.addReplyArrayLen(c.argc - 2)
        for j in 2..<c.argc {
            if let s = z?.score(of: c.arg(j)) { c.addReplyDouble(s) } else { c.addReplyNull() }
        }
    }

    static func zrank(_ c: Client) { zrankGeneric(c, reverse: false) }
    static func zrevrank(_ c: Client) { zrankGeneric(c, reverse: true) }

    private static func zrankGeneric(_ c: Client, reverse: Bool) {
        guard let z = readZSet(c, orReply: { c.addReplyNull() }) else { return }
        if let r = z.rank(of: c.arg(2), reverse: reverse) { c.addReplyInteger(r) } else { c.addReplyNull() }
    }

    static func zcount(_ c: Client) {
        guard let r = parseScoreRange(c, 2, 3) else { c.addReplyError("ERR min or max is not a float"); return }
        guard let z = readZSet(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(z.count(in: r))
    }

    static func zlexcount(_ c: Client) {
        guard let r = parseLexRange(c, 2, 3) else {
            c.addReplyError("ERR min or max not valid string range item")
            return
        }
        guard let z = readZSet(c, orReply: { c.addReplyInteger(0) }) else { return }
        c.addReplyInteger(z.count(in: r))
    }

    // MARK: - Ranges

    /// Where a range goes: to the client (with or without scores) or into a new sorted
    /// set (ZRANGESTORE), as 7.0's zrange_result_handler.
    final class RangeSink {
        let c: Client
        let withScores: Bool
        let store: Bool
        var dest: ZSetValue?
        var deferred = -1
        var emitted = 0
        init(_ c: Client, withScores: Bool, store: Bool) {
            self.c = c
            self.withScores = withScores || store
            self.store = store
        }
        /// `length` < 0: not known yet (a deferred header, patched at the end).
        func begin(_ length: Int) {
            if store {
                let lim = SortedSetCommands.limits(c)
                dest = ZSetValue(meter: c.server.keyspace.meter)
                if length > lim.maxEntries { dest!.convertToSkiplist() }
                return
            }
            if length > 0 {
                c.addReplyArrayLen(withScores && c.resp == 2 ? length * 2 : length)
            } else {
                deferred = c.addReplyDeferredLen()
            }
        }
        func emit(_ m: UnsafeRawBufferPointer, _ s: Double) {
            emitted += 1
            if store {
                dest!.set(m, score: s, limits: SortedSetCommands.limits(c))
                return
            }
            if withScores && c.resp > 2 { c.addReplyArrayLen(2) }
            c.addReplyBulk(m)
            if withScores { c.addReplyDouble(s) }
        }
        func finish(destinationIndex: Int) {
            if store {
                if emitted > 0 {
                    c.db.setObject(c.arg(destinationIndex), dest!, now: c.server.mstime, event: .zrangestore)
                    c.addReplyInteger(emitted)
                } else {
                    c.addReplyInteger(0)
                    // Redis's dbDelete: an expired destination goes as a plain deletion.
                    c.db.delete(c.arg(destinationIndex), event: .del)
                }
                return
            }
            if deferred >= 0 {
                c.setDeferredArrayLen(deferred, withScores && c.resp == 2 ? emitted * 2 : emitted)
            }
        }
    }

    static func zrange(_ c: Client) { zrangeGeneric(c, keyIndex: 1, store: false, kind: nil, reverse: nil) }
    static func zrangestore(_ c: Client) { zrangeGeneric(c, keyIndex: 2, store: true, kind: nil, reverse: nil) }
    static func zrevrange(_ c: Client) { zrangeGeneric(c, keyIndex: 1, store: false, kind: .rank, reverse: true) }
    static func zrangebyscore(_ c: Client) { zrangeGeneric(c, keyIndex: 1, store: false, kind: .score, reverse: false) }
    static func zrevrangebyscore(_ c: Client) { zrangeGeneric(c, keyIndex: 1, store: false, kind: .score, reverse: true) }
    static func zrangebylex(_ c: Client) { zrangeGeneric(c, keyIndex: 1, store: false, kind: .lex, reverse: false) }
    static func zrevrangebylex(_ c: Client) { zrangeGeneric(c, keyIndex: 1, store: false, kind: .lex, reverse: true) }

    /// Redis's zrangeGenericCommand: options, then the range by rank, score or lex.
    private static func zrangeGeneric(_ c: Client, keyIndex k: Int, store: Bool, kind fixedKind: RangeKind?,
                                      reverse fixedReverse: Bool?) {
        var minIndex = k + 1, maxIndex = k + 2
        var withScores = false
        var offset: Int64 = 0, limit: Int64 = -1
        var kind = fixedKind
        var reverse = fixedReverse
        var j = k + 3
        while j < c.argc {
            let left = c.argc - j - 1
            if !store && c.argEquals(j, "withscores") {
                withScores = true
            } else if c.argEquals(j, "limit") && left >= 2 {
                guard let o = c.argIntOrReply(j + 1), let l = c.argIntOrReply(j + 2) else { return }
                offset = o
                limit = l
                j += 2
            } else if fixedReverse == nil && reverse == nil && c.argEquals(j, "rev") {
                reverse = true
            } else if fixedKind == nil && kind == nil && c.argEquals(j, "bylex") {
                kind = .lex
            } else if fixedKind == nil && kind == nil && c.argEquals(j, "byscore") {
                kind = .score
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        let rev = reverse ?? false
        let rangeKind = kind ?? .rank
        if limit != -1 && rangeKind == .rank {
            c.addReplyError("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX")
            return
        }
        if withScores && rangeKind == .lex {
            c.addReplyError("ERR syntax error, WITHSCORES not supported in combination with BYLEX")
            return
        }
        if rev && rangeKind != .rank { swap(&minIndex, &maxIndex) }
        var start: Int64 = 0, end: Int64 = 0
        var sr: ScoreRange?, lr: LexRange?
        switch rangeKind {
        case .rank:
            guard let s = c.argIntOrReply(minIndex), let e = c.argIntOrReply(maxIndex) else { return }
            start = s; end = e
        case .score:
            guard let r = parseScoreRange(c, minIndex, maxIndex) else {
                c.addReplyError("ERR min or max is not a float")
                return
            }
            sr = r
        case .lex:
            guard let r = parseLexRange(c, minIndex, maxIndex) else {
                c.addReplyError("ERR min or max not valid string range item")
                return
            }
            lr = r
        }
        let sink = RangeSink(c, withScores: withScores, store: store)
        guard let e = c.lookupRead(k) else {
            if store {
                sink.begin(-1)
                sink.finish(destinationIndex: 1)
            } else {
                c.addReplyArrayLen(0)
            }
            return
        }
        guard c.checkType(e, .zset) else { return }
        let z = e.object(as: ZSetValue.self)
        switch rangeKind {
        case .rank: rangeByRank(sink, z, start, end, reverse: rev)
        case .score: rangeBy(sink, z, first: z.firstRank(in: sr!, reverse: rev), offset: offset, limit: limit,
                             reverse: rev, inRange: { _, s in rev ? sr!.aboveMin(s) : sr!.belowMax(s) })
        case .lex: rangeBy(sink, z, first: z.firstRank(in: lr!, reverse: rev), offset: offset, limit: limit,
                           reverse: rev, inRange: { m, _ in rev ? lr!.aboveMin(m) : lr!.belowMax(m) })
        }
        sink.finish(destinationIndex: 1)
    }

    private static func rangeByRank(_ sink: RangeSink, _ z: ZSetValue, _ start: Int64, _ end: Int64, reverse: Bool) {
        let n = Int64(z.count)
        var s = start < 0 ? n + start : start
        var e = end < 0 ? n + end : end
        if s < 0 { s = 0 }
        if s > e || s >= n {
            sink.begin(0)
            return
        }
        if e >= n { e = n - 1 }
        var left = Int(e - s + 1)
        sink.begin(left)
        z.forEach(fromRank: Int(s), reverse: reverse) { m, sc in
            sink.emit(m, sc)
            left -= 1
            return left > 0 && !sink.c.flags.contains(.closeASAP)
        }
    }

    /// BYSCORE / BYLEX: from the first element in range (`first`, in the walk's
    /// direction), skipping `offset`, at most `limit` (negative: all) while in range.
    private static func rangeBy(_ sink: RangeSink, _ z: ZSetValue, first: Int?, offset: Int64, limit: Int64,
                                reverse: Bool, inRange: (UnsafeRawBufferPointer, Double) -> Bool) {
        sink.begin(-1)
        // A negative offset skips everything in 7.0 (its countdown never reaches zero).
        guard let f = first, offset >= 0, offset < Int64(z.count) else { return }
        var left = limit
        if left == 0 { return }
        z.forEach(fromRank: f + Int(offset), reverse: reverse) { m, s in
            guard inRange(m, s) else { return false }
            sink.emit(m, s)
            if left > 0 { left -= 1 }
            return left != 0 && !sink.c.flags.contains(.closeASAP)
        }
    }

    // MARK: - Pops

    static func zpopmin(_ c: Client) { zpopMinMax(c, max: false) }
    static func zpopmax(_ c: Client) { zpopMinMax(c, max: true) }

    private static func zpopMinMax(_ c: Client, max: Bool) {
        if c.argc > 3 { c.addReplySyntaxError(); return }
        var count: Int64 = -1
        if c.argc == 3 {
            guard let n = c.argNonNegativeOrReply(2) else { return }
            count = n
        }
        genericPop(c, keys: 1 ..< 2, max: max, emitKey: false, count: count,
                   nested: c.resp > 2 && count != -1, nilWhenEmpty: false)
    }

    /// Redis's genericZpopCommand over the first existing key among `keys`.
    private static func genericPop(_ c: Client, keys: Range<Int>, max: Bool, emitKey: Bool, count: Int64,
                                   nested: Bool, nilWhenEmpty: Bool) {
        var found: (Int, KeyEntry)?
        for j in keys {
            guard let e = c.lookupWrite(j) else { continue }
            guard c.checkType(e, .zset) else { return }
            found = (j, e)
            break
        }
        guard let (j, e) = found else {
            if nilWhenEmpty { c.addReplyNullArray() } else { c.addReplyArrayLen(0) }
            return
        }
        if count == 0 { c.addReplyArrayLen(0); return }
        let z = e.object(as: ZSetValue.self)
        let want = count == -1 ? 1 : count
        let n = Int(min(want, Int64(z.count)))
        let key = c.argBytes(j)
        switch (nested, emitKey) {
        case (false, false): c.addReplyArrayLen(n * 2)
        case (true, false): c.addReplyArrayLen(n)
        case (false, true):
            c.addReplyArrayLen(n * 2 + 1)
            c.addReplyBulk(key)
        case (true, true):
            c.addReplyArrayLen(2)
            c.addReplyBulk(key)
            c.addReplyArrayLen(n)
        }
        var left = n
        z.forEach(reverse: max) { m, s in
            if nested { c.addReplyArrayLen(2) }
            c.addReplyBulk(m)
            c.addReplyDouble(s)
            left -= 1
            return left > 0
        }
        if max {
            _ = z.removeRange(ranks: z.count - n, z.count - 1)
        } else {
            _ = z.removeRange(ranks: 0, n - 1)
        }
        c.db.elementsRemoved(e, count: n, empty: z.count == 0, event: max ? .zpopmax : .zpopmin)
        let name = Array((max ? "ZPOPMAX" : "ZPOPMIN").utf8)
        if count == -1 {
            if emitKey { c.propagateAs([name, key]) }
        } else if emitKey {
            c.propagateAs([name, key, Numbers.ll2string(Int64(n))])
        }
    }

    static func zmpop(_ c: Client) {
        guard let p = c.multiPopArgumentsOrReply(numkeysIndex: 1, ends: ("min", "max")) else { return }
        genericPop(c, keys: p.keys, max: !p.first, emitKey: true, count: p.count, nested: true, nilWhenEmpty: true)
    }

    static func bzpopmin(_ c: Client) { blockingPop(c, keys: 1 ..< c.argc - 1, max: false, timeoutIndex: c.argc - 1, count: -1, nested: false) }
    static func bzpopmax(_ c: Client) { blockingPop(c, keys: 1 ..< c.argc - 1, max: true, timeoutIndex: c.argc - 1, count: -1, nested: false) }

    static func bzmpop(_ c: Client) {
        guard let p = c.multiPopArgumentsOrReply(numkeysIndex: 2, ends: ("min", "max")) else { return }
        blockingPop(c, keys: p.keys, max: !p.first, timeoutIndex: 1, count: p.count, nested: true)
    }

    private static func blockingPop(_ c: Client, keys: Range<Int>, max: Bool, timeoutIndex: Int, count: Int64, nested: Bool) {
        guard let deadline = c.server.blockingDeadlineOrReply(c, timeoutIndex) else { return }
        for j in keys {
            if let k = c.servingKey, !c.arg(j).elementsEqual(k) { continue }
            guard let e = c.lookupWrite(j) else { continue }
            guard c.checkType(e, .zset) else { return }
            genericPop(c, keys: j ..< j + 1, max: max, emitKey: true, count: count, nested: nested, nilWhenEmpty: true)
            return
        }
        if c.flags.contains(.denyBlocking) { c.addReplyNullArray(); return }
        c.server.blockForKeys(c, keys: keys, type: .zset, deadline: deadline)
    }

    // MARK: - Random members and scan

    static func zrandmember(_ c: Client) {
        if c.argc >= 3 {
            guard let l = c.argRangeOrReply(2, -Int64.max, Int64.max) else { return }
            var withScores = false
            if c.argc > 4 || (c.argc == 4 && !c.argEquals(3, "withscores")) {
                c.addReplySyntaxError()
                return
            } else if c.argc == 4 {
                withScores = true
                if l < -Int64.max / 2 || l > Int64.max / 2 {
                    c.addReplyError("ERR value is out of range")
                    return
                }
            }
            randomWithCount(c, l, withScores: withScores)
            return
        }
        guard let z = readZSet(c, orReply: { c.addReplyNull() }) else { return }
        z.withRandomElement { m, _ in c.addReplyBulk(m) }
    }

    private static func randomWithCount(_ c: Client, _ l: Int64, withScores: Bool) {
        guard let z = readZSet(c, orReply: { c.addReplyArrayLen(0) }) else { return }
        if l == 0 { c.addReplyArrayLen(0); return }
        func header(_ n: Int) { c.addReplyArrayLen(withScores && c.resp == 2 ? n * 2 : n) }
        func emit(_ m: UnsafeRawBufferPointer, _ s: Double) {
            if withScores && c.resp > 2 { c.addReplyArrayLen(2) }
            c.addReplyBulk(m)
            if withScores { c.addReplyDouble(s) }
        }
        if l < 0 || l == 1 {
            let n = Int(l < 0 ? -l : l)
            header(n)
            for _ in 0..<n {
                if c.flags.contains(.closeASAP) { break }
                z.withRandomElement { m, s in emit(m, s) }
            }
            return
        }
        let size = z.count
        if Int64(size) <= l {
            // The whole set, highest first: 7.0 walks it from the tail.
            header(size)
            z.forEach(reverse: true) { m, s in emit(m, s); return true }
            return
        }
        // Distinct members: pick `l` ranks at random without repetition.
        var picked = Set<Int>()
        while picked.count < Int(l) { picked.insert(FastRandom.below(size)) }
        header(Int(l))
        var rank = 0
        z.forEach { m, s in
            if picked.contains(rank) { emit(m, s) }
            rank += 1
            return true
        }
    }

    static func zscan(_ c: Client) {
        guard var cursor = KeyCommands.parseScanCursor(c.arg(2)) else {
            c.addReplyError("ERR invalid cursor")
            return
        }
        guard let z = readZSet(c, orReply: { c.addReplyRaw("*2\r\n$1\r\n0\r\n*0\r\n") }) else { return }
        guard let options = KeyCommands.ScanOptions.parse(c, from: 3, allowType: false) else { return }
        var found: [([UInt8], [UInt8])] = []
        if z.encoding == .listpack {
            // The listpack's own score text, as Redis returns the stored element.
            let lp = z.listpack!
            var o = lp.first
            while let m = o {
                let s = lp.next(m)!
                found.append((lp.withElementBytes(at: m) { Array($0) }, lp.withElementBytes(at: s) { Array($0) }))
                o = lp.next(s)
            }
            cursor = 0
        } else {
            var iterations = options.count * 10 + 1
            repeat {
                cursor = z.scan(cursor: cursor) { m, s in
                    found.append((Array(m), Numbers.formatLongDouble(Numbers.LongDouble(s), humanFriendly: false)))
                }
                iterations -= 1
            } while cursor != 0 && iterations > 0 && found.count * 2 < options.count
        }
        if let p = options.pattern { found.removeAll { !Glob.match(p, $0.0, nocase: false) } }
        c.addReplyArrayLen(2)
        c.addReplyBulkString(String(cursor))
        c.addReplyArrayLen(found.count * 2)
        for (m, s) in found {
            c.addReplyBulk(m)
            c.addReplyBulk(s)
        }
    }

    // MARK: - Union, intersection, difference

    enum SetOp { case union, inter, diff }
    enum Aggregate { case sum, min, max }

    /// One input of the algebra: a sorted set, a plain set (every score 1) or nothing.
    struct Source {
        var zset: ZSetValue?
        var set: SetValue?
        var weight: Double = 1
        var count: Int { zset?.count ?? set?.count ?? 0 }
        func score(of m: UnsafeRawBufferPointer) -> Double? {
            if let z = zset { return z.score(of: m) }
            if let s = set { return s.contains(m) ? 1 : nil }
            return nil
        }
        func forEach(_ body: (UnsafeRawBufferPointer, Double) -> Void) {
            if let z = zset { z.forEach { body($0, $1); return true } }
            if let s = set { s.forEach { body($0, 1) } }
        }
        var identity: ObjectIdentifier? { zset.map(ObjectIdentifier.init) ?? set.map(ObjectIdentifier.init) }
    }

    @inline(__always) static func aggregate(_ target: inout Double, _ v: Double, _ a: Aggregate) {
        switch a {
        case .sum:
            target += v
            if target.isNaN { target = 0 }
        case .min: if v < target { target = v }
        case .max: if v > target { target = v }
        }
    }

    static func zunionstore(_ c: Client) { algebra(c, destination: 1, numkeysIndex: 2, .union) }
    static func zinterstore(_ c: Client) { algebra(c, destination: 1, numkeysIndex: 2, .inter) }
    static func zdiffstore(_ c: Client) { algebra(c, destination: 1, numkeysIndex: 2, .diff) }
    static func zunion(_ c: Client) { algebra(c, destination: nil, numkeysIndex: 1, .union) }
    static func zinter(_ c: Client) { algebra(c, destination: nil, numkeysIndex: 1, .inter) }
    static func zdiff(_ c: Client) { algebra(c, destination: nil, numkeysIndex: 1, .diff) }
    static func zintercard(_ c: Client) { algebra(c, destination: nil, numkeysIndex: 1, .inter, cardinalityOnly: true) }

    /// Redis's zunionInterDiffGenericCommand.
    private static func algebra(_ c: Client, destination: Int?, numkeysIndex k: Int, _ op: SetOp,
                                cardinalityOnly: Bool = false) {
        guard let setnum = c.argIntOrReply(k) else { return }
        if setnum < 1 {
            c.addReplyError("ERR at least 1 input key is needed for '\(c.currentCommand?.fullName ?? "")' command")
            return
        }
        if setnum > Int64(c.argc - (k + 1)) { c.addReplySyntaxError(); return }
        let n = Int(setnum)
        var src: [Source] = []
        src.reserveCapacity(n)
        for j in (k + 1)..<(k + 1 + n) {
            var s = Source()
            if let e = c.lookupRead(j) {
                switch e.type {
                case .zset: s.zset = e.object(as: ZSetValue.self)
                case .set: s.set = e.object(as: SetValue.self)
                default:
                    c.addReplyError(ReplyErrors.wrongType)
                    return
                }
            }
            src.append(s)
        }
        var agg = Aggregate.sum
        var withScores = false
        var limit: Int64 = 0
        var j = k + 1 + n
        while j < c.argc {
            let remaining = c.argc - j
            if op != .diff && !cardinalityOnly && remaining >= n + 1 && c.argEquals(j, "weights") {
                j += 1
                for i in 0..<n {
                    guard let w = scoreOrReply(c, j, message: "ERR weight value is not a float") else { return }
                    src[i].weight = w
                    j += 1
                }
            } else if op != .diff && !cardinalityOnly && remaining >= 2 && c.argEquals(j, "aggregate") {
                j += 1
                if c.argEquals(j, "sum") { agg = .sum } else if c.argEquals(j, "min") { agg = .min }
                else if c.argEquals(j, "max") { agg = .max } else { c.addReplySyntaxError(); return }
                j += 1
            } else if remaining >= 1 && destination == nil && !cardinalityOnly && c.argEquals(j, "withscores") {
                j += 1
                withScores = true
            } else if cardinalityOnly && remaining >= 2 && c.argEquals(j, "limit") {
                j += 1
                guard let l = c.argNonNegativeOrReply(j, message: "ERR LIMIT can't be negative") else { return }
                limit = l
                j += 1
            } else {
                c.addReplySyntaxError()
                return
            }
        }
        if op != .diff {
            // Stable, so equal sizes keep their order (qsort's order does not matter for
            // the result, which is sorted).
            src = src.enumerated().sorted { ($0.element.count, $0.offset) < ($1.element.count, $1.offset) }.map(\.element)
        }
        var result: [[UInt8]: Double] = [:]
        var order: [[UInt8]] = []
        var cardinality: Int64 = 0
        switch op {
        case .inter:
            if src[0].count > 0 {
                var stop = false
                src[0].forEach { m, s0 in
                    if stop { return }
                    var score = src[0].weight * s0
                    if score.isNaN { score = 0 }
                    for i in 1..<n {
                        if src[i].identity == src[0].identity {
                            aggregate(&score, s0 * src[i].weight, agg)
                        } else if let v = src[i].score(of: m) {
                            aggregate(&score, v * src[i].weight, agg)
                        } else {
                            return
                        }
                    }
                    if cardinalityOnly {
                        cardinality += 1
                        if limit > 0 && cardinality >= limit { stop = true }
                    } else {
                        let key = Array(m)
                        if result.updateValue(score, forKey: key) == nil { order.append(key) }
                    }
                }
            }
        case .union:
            for i in 0..<n where src[i].count > 0 {
                src[i].forEach { m, s in
                    var score = src[i].weight * s
                    if score.isNaN { score = 0 }
                    let key = Array(m)
                    if var existing = result[key] {
                        aggregate(&existing, score, agg)
                        result[key] = existing
                    } else {
                        result[key] = score
                        order.append(key)
                    }
                }
            }
        case .diff:
            if src[0].count > 0 {
                src[0].forEach { m, s in
                    for i in 1..<n where src[i].score(of: m) != nil { return }
                    let key = Array(m)
                    result[key] = s
                    order.append(key)
                }
            }
        }
        if cardinalityOnly {
            c.addReplyInteger(cardinality)
            return
        }
        // The result as 7.0 builds it: a skiplist, ordered by (score, member).
        let lim = limits(c)
        let z = ZSetValue(meter: c.server.keyspace.meter)
        z.convertToSkiplist()
        for m in order { m.withUnsafeBytes { z.set($0, score: result[m]!, limits: lim) } }
        if let d = destination {
            if z.count > 0 {
                z.convertToListpackIfFits(lim)
                let event: KeyEvent
                switch op {
                case .union: event = .zunionstore
                case .inter: event = .zinterstore
                case .diff: event = .zdiffstore
                }
                c.db.setObject(c.arg(d), z, now: c.server.mstime, event: event)
                c.addReplyInteger(z.count)
            } else {
                c.addReplyInteger(0)
                // Redis's dbDelete: an expired destination goes as a plain deletion.
                c.db.delete(c.arg(d), event: .del)
            }
            return
        }
        c.addReplyArrayLen(withScores && c.resp == 2 ? z.count * 2 : z.count)
        z.forEach { m, s in
            if withScores && c.resp > 2 { c.addReplyArrayLen(2) }
            c.addReplyBulk(m)
            if withScores { c.addReplyDouble(s) }
            return true
        }
    }
}
