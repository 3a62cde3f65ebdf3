// The stream commands (Redis's t_stream.c): XADD, XRANGE/XREVRANGE, XLEN, XDEL, XTRIM,
// XREAD and XREADGROUP (blocking on the blocking mechanism), the consumer-group commands
// (XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM), XSETID and XINFO, with 7.0's argument
// order, error texts and reply shapes.
//
// Propagation follows 7.0: XADD goes out with the ID it generated and an approximate
// trim as the exact one it did; reads through a group are not replayed as reads but as
// their effects — an XCLAIM per entry delivered or claimed, XGROUP SETID for a NOACK
// read or a LASTID move, XGROUP CREATECONSUMER for a consumer a NOACK read created.

import Glibc
import CApusSys

/// What a client blocked in XREAD or XREADGROUP waits for: per key, the ID it wants
/// entries after (XREAD) — for a group read the group's last ID is taken when woken —
/// and how to serve it.
struct StreamWait {
    var after: [[UInt8]: StreamID]
    /// Per key, the stream seen when blocking (or last checked) and its wake-up count:
    /// only a new stream or a new wake-up makes the reader look again.
    var seen: [[UInt8]: (UInt64, UInt64)]
    var count: Int
    var group: [UInt8]?
    var consumer: [UInt8]?
    var noack: Bool
}

enum StreamCommands {
    static let invalidID = "ERR Invalid stream ID specified as stream command argument"

    // MARK: - Parsing

    /// Redis's string2ull: an integer, or failing that strtoull's reading of the whole
    /// string (which admits a leading '+' or blanks).
    static func parseUInt64(_ s: UnsafeRawBufferPointer) -> UInt64? {
        if s.isEmpty { return nil }
        if let v = Numbers.string2ll(s) { return v < 0 ? nil : UInt64(v) }
        if s.count > 64 { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: s.count + 1) { buf -> UInt64? in
            for (i, b) in s.enumerated() { buf[i] = CChar(bitPattern: b) }
            buf[s.count] = 0
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = strtoull(buf.baseAddress!, &end, 10)
            if errno == EINVAL || errno == ERANGE { return nil }
            guard let e = end, e == buf.baseAddress! + s.count else { return nil }
            // An embedded NUL ends the C string early.
            if s.contains(0) { return nil }
            return UInt64(v)
        }
    }

    /// An ID argument (Redis's streamGenericParseIDOrReply): "-" and "+" unless strict,
    /// "<ms>", "<ms>-<seq>", and "<ms>-*" when `seqStar` (XADD). Without a sequence it
    /// is `missingSeq`. Returns the ID and whether the sequence was given.
    static func parseID(_ a: UnsafeRawBufferPointer, missingSeq: UInt64 = 0, strict: Bool = false,
                        seqStar: Bool = false) -> (StreamID, Bool)? {
        if a.count > 127 { return nil }
        if a.count == 1 && (a[0] == UInt8(ascii: "-") || a[0] == UInt8(ascii: "+")) {
            if strict { return nil }
            return (a[0] == UInt8(ascii: "-") ? .zero : .max, true)
        }
        // The C code stops at a NUL byte.
        let text = a.firstIndex(of: 0).map { UnsafeRawBufferPointer(rebasing: a[..<$0]) } ?? a
        if let dash = text.firstIndex(of: UInt8(ascii: "-")) {
            guard let ms = parseUInt64(UnsafeRawBufferPointer(rebasing: text[..<dash])) else { return nil }
            let rest = UnsafeRawBufferPointer(rebasing: text[(dash + 1)...])
            if seqStar && rest.count == 1 && rest[0] == UInt8(ascii: "*") { return (StreamID(ms: ms, seq: 0), false) }
            guard let seq = parseUInt64(rest) else { return nil }
            return (StreamID(ms: ms, seq: seq), true)
        }
        guard let ms = parseUInt64(text) else { return nil }
        return (StreamID(ms: ms, seq: missingSeq), true)
    }

    static func idOrReply(_ c: Client, _ i: Int, missingSeq: UInt64 = 0, strict: Bool = false) -> StreamID? {
        if let (id, _) = parseID(c.arg(i), missingSeq: missingSeq, strict: strict) { return id }
        c.addReplyError(invalidID)
        return nil
    }

    /// A range bound, "(" making it exclusive (streamParseIntervalIDOrReply); the
    /// exclusive bound is moved one ID inwards, with 7.0's errors at the ends.
    static func intervalOrReply(_ c: Client, _ i: Int, isStart: Bool) -> StreamID? {
        let a = c.arg(i)
        let exclusive = a.count > 1 && a[0] == UInt8(ascii: "(")
        let missing: UInt64 = isStart ? 0 : .max
        let parsed = exclusive ? parseID(UnsafeRawBufferPointer(rebasing: a[1...]), missingSeq: missing, strict: true)
                               : parseID(a, missingSeq: missing)
        guard let (id, _) = parsed else { c.addReplyError(invalidID); return nil }
        if !exclusive { return id }
        if isStart {
            guard let n = id.successor else { c.addReplyError("ERR invalid start ID for the interval"); return nil }
            return n
        }
        guard let p = id.predecessor else { c.addReplyError("ERR invalid end ID for the interval"); return nil }
        return p
    }

    /// An error naming keys or groups, newlines made blanks (addReplyErrorFormat).
    static func errorNaming(_ c: Client, _ parts: [[UInt8]]) {
        var msg: [UInt8] = []
        // Names are C strings there: they end at a NUL byte.
        for p in parts { msg += p.prefix { $0 != 0 } }
        c.addReplyError(bytes: msg.map { $0 == 13 || $0 == 10 ? 32 : $0 })
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }

    // MARK: - Replies

    static func addReplyID(_ c: Client, _ id: StreamID) { c.addReplyBulk(id.text) }

    /// One entry: [id, [field, value, ...]].
    static func addReplyEntry(_ c: Client, _ s: StreamValue, _ e: StreamValue.Entry, _ inf: StreamValue.NodeInfo) {
        c.addReplyArrayLen(2)
        addReplyID(c, e.id)
        c.addReplyArrayLen(e.fieldCount * 2)
        s.forEachField(e, inf) { f, v in c.addReplyBulk(f); c.addReplyBulk(v) }
    }

    /// Where a group read's effects are replicated to (streamPropInfo).
    struct Propagation {
        var db: Int
        var key: [UInt8]
        var group: [UInt8]
    }

    /// Replies the entries from `start` to `end` (streamReplyWithRange). With a group it
    /// delivers them: the group's last ID and read counter advance, and unless `noack`
    /// each entry becomes pending for `consumer`. `raw` leaves out the enclosing array.
    @discardableResult
    static func replyRange(_ c: Client, _ s: StreamValue, from start: StreamID, to end: StreamID = .max,
                           count: Int, reverse: Bool = false, group: StreamGroup? = nil,
                           consumer: StreamConsumer? = nil, noack: Bool = false, raw: Bool = false,
                           propagation: Propagation? = nil) -> Int {
        let handle = raw ? -1 : c.addReplyDeferredLen()
        var n = 0
        var propagateLastID = false
        let now = Int64(apus_mstime())
        s.forEachEntry(from: start, to: end, reverse: reverse) { e, inf in
            if let g = group, e.id > g.lastID {
                if g.entriesRead != -1 && !s.rangeHasTombstones(from: e.id) {
                    g.entriesRead &+= 1
                } else if s.entriesAdded > 0 {
                    g.entriesRead = s.estimatedEntriesRead(at: e.id) ?? -1
                }
                g.lastID = e.id
                if noack { propagateLastID = true }
            }
            addReplyEntry(c, s, e, inf)
            if let g = group, let who = consumer, !noack {
                let nack: StreamNACK
                if let existing = g.pel.find(e.id) {
                    nack = existing
                    g.transfer(e.id, existing, to: who)
                    existing.deliveryTime = now
                    existing.deliveryCount = 1
                } else {
                    nack = StreamNACK(deliveryTime: now, consumer: who)
                    g.addPending(e.id, nack)
                }
                if let p = propagation { propagateClaim(c, p, g, id: e.id, nack) }
            }
            n += 1
            return count == 0 || n < count
        }
        if let p = propagation, let g = group, propagateLastID { propagateGroupID(c, p, g) }
        if !raw { c.setDeferredArrayLen(handle, n) }
        return n
    }

    /// XREADGROUP with an ID: the consumer's own pending entries from `start`, each
    /// delivered again ([id, nil] for one deleted since).
    static func replyPending(_ c: Client, _ s: StreamValue, _ consumer: StreamConsumer, from start: StreamID,
                             count: Int) {
        let handle = c.addReplyDeferredLen()
        var n = 0
        let now = Int64(apus_mstime())
        consumer.pel.forEach(from: start) { id, nack in
            if count > 0 && n >= count { return false }
            if replyRange(c, s, from: id, to: id, count: 1, raw: true) == 0 {
                c.addReplyArrayLen(2)
                addReplyID(c, id)
                c.addReplyNullArray()
            } else {
                nack.deliveryTime = now
                nack.deliveryCount &+= 1
            }
            n += 1
            return true
        }
        c.setDeferredArrayLen(handle, n)
    }

    // MARK: - Propagation of group effects

    static func propagateClaim(_ c: Client, _ p: Propagation, _ g: StreamGroup, id: StreamID, _ nack: StreamNACK) {
        let pr = c.server.keyspace.propagator
        guard pr.isActive else { return }
        pr.add(db: p.db, args: [bytes("XCLAIM"), p.key, p.group, nack.consumer?.name ?? [], bytes("0"), id.text,
                                bytes("TIME"), Numbers.ll2string(nack.deliveryTime), bytes("RETRYCOUNT"),
                                Numbers.ll2string(Int64(bitPattern: nack.deliveryCount)), bytes("FORCE"),
                                bytes("JUSTID"), bytes("LASTID"), g.lastID.text])
    }

    static func propagateGroupID(_ c: Client, _ p: Propagation, _ g: StreamGroup) {
        let pr = c.server.keyspace.propagator
        guard pr.isActive else { return }
        pr.add(db: p.db, args: [bytes("XGROUP"), bytes("SETID"), p.key, p.group, g.lastID.text,
                                bytes("ENTRIESREAD"), Numbers.ll2string(g.entriesRead)])
    }

    static func propagateConsumerCreation(_ c: Client, _ p: Propagation, consumer: [UInt8]) {
        let pr = c.server.keyspace.propagator
        guard pr.isActive else { return }
        pr.add(db: p.db, args: [bytes("XGROUP"), bytes("CREATECONSUMER"), p.key, p.group, consumer])
    }

    /// A change to a stream's groups that is not a change of its entries: it counts
    /// toward the save points (and so is replicated) but wakes and invalidates nothing,
    /// as in 7.0.
    static func markDirty(_ c: Client, _ n: Int = 1) { c.server.keyspace.dirty &+= n }

    // MARK: - Lookups

    /// The stream at argv[i] looked up as a read (as 7.0 does, for the hit/miss counts),
    /// nil when missing; false after a WRONGTYPE reply. `forChange`: the command changes
    /// the groups' state (XACK, XCLAIM, reading through a group), so a snapshot in
    /// progress must keep the stream as it is now (the snapshot hook), which a read
    /// lookup does not do.
    static func streamForRead(_ c: Client, _ i: Int, forChange: Bool = false) -> (StreamValue?, Bool) {
        guard let e = c.lookupRead(i) else { return (nil, true) }
        guard c.checkType(e, .stream) else { return (nil, false) }
        if forChange { c.db.willModify(e) }
        return (e.object(as: StreamValue.self), true)
    }

    /// The consumer `name` of `g`, created when missing (a consumer seen refreshes its
    /// seen time; creating one raises "xgroup-createconsumer" and counts as a change).
    static func consumer(_ c: Client, _ g: StreamGroup, _ name: UnsafeRawBufferPointer, key: Int,
                         created: inout Bool) -> StreamConsumer {
        let now = Int64(apus_mstime())
        if let existing = g.consumer(name) {
            existing.seenTime = now
            return existing
        }
        let made = g.createConsumer(name, now: now)!
        markDirty(c)
        c.db.notify(.xgroupCreateConsumer, c.arg(key))
        created = true
        return made
    }

    // MARK: - XADD / XTRIM

    struct AddTrimArgs {
        var id = StreamID.zero
        var idGiven = false
        var seqGiven = true
        var noMakeStream = false
        var strategy: StreamValue.TrimStrategy?
        var strategyArg = 0
        var approximate = false
        var limit: Int64 = 0
    }

    /// XADD's and XTRIM's options (streamParseAddOrTrimArgsOrReply). For XADD, returns
    /// the index of the ID argument.
    static func parseAddTrim(_ c: Client, xadd: Bool) -> (AddTrimArgs, Int)? {
        var a = AddTrimArgs()
        var limitGiven = false
        var i = 2
        while i < c.argc {
            let more = c.argc - 1 - i
            let opt = c.arg(i)
            if xadd && opt.count == 1 && opt[0] == UInt8(ascii: "*") {
                break
            } else if (c.argEquals(i, "maxlen") || c.argEquals(i, "minid")) && more > 0 {
                let isMaxlen = c.argEquals(i, "maxlen")
                if a.strategy != nil {
                    c.addReplyError("ERR syntax error, MAXLEN and MINID options at the same time are not compatible")
                    return nil
                }
                a.approximate = false
                let next = c.arg(i + 1)
                if more >= 2 && next.count == 1 && next[0] == UInt8(ascii: "~") {
                    a.approximate = true
                    i += 1
                } else if more >= 2 && next.count == 1 && next[0] == UInt8(ascii: "=") {
                    i += 1
                }
                if isMaxlen {
                    guard let n = c.argIntOrReply(i + 1) else { return nil }
                    if n < 0 { c.addReplyError("ERR The MAXLEN argument must be >= 0."); return nil }
                    a.strategy = .maxLength(UInt64(n))
                } else {
                    guard let id = idOrReply(c, i + 1, strict: true) else { return nil }
                    a.strategy = .minID(id)
                }
                i += 1
                a.strategyArg = i
            } else if c.argEquals(i, "limit") && more > 0 {
                guard let n = c.argIntOrReply(i + 1) else { return nil }
                if n < 0 { c.addReplyError("ERR The LIMIT argument must be >= 0."); return nil }
                a.limit = n
                limitGiven = true
                i += 1
            } else if xadd && c.argEquals(i, "nomkstream") {
                a.noMakeStream = true
            } else if xadd {
                guard let (id, seqGiven) = parseID(c.arg(i), strict: true, seqStar: true) else {
                    c.addReplyError(invalidID)
                    return nil
                }
                a.id = id
                a.seqGiven = seqGiven
                a.idGiven = true
                break
            } else {
                c.addReplySyntaxError()
                return nil
            }
            i += 1
        }
        if a.limit != 0 && a.strategy == nil {
            c.addReplyError("ERR syntax error, LIMIT cannot be used without specifying a trimming strategy")
            return nil
        }
        if !xadd && a.strategy == nil {
            c.addReplyError("ERR syntax error, XTRIM must be called with a trimming strategy")
            return nil
        }
        if c.flags.contains(.master) || c.flags.contains(.fake) {
            // What the master or the AOF trimmed is trimmed here whatever it takes.
            a.limit = 0
        } else if limitGiven {
            if !a.approximate {
                c.addReplyError("ERR syntax error, LIMIT cannot be used without the special ~ option")
                return nil
            }
        } else if a.approximate {
            var l = Int64(100) &* Int64(c.server.config.streamNodeMaxEntries)
            if l <= 0 { l = 10000 }
            if l > 1_000_000 { l = 1_000_000 }
            a.limit = l
        } else {
            a.limit = 0
        }
        return (a, i)
    }

    /// The arguments an approximate trim is replicated with: "=" and what it left (the
    /// length, or the first ID including tombstones).
    static func exactTrimArguments(_ s: StreamValue, _ a: AddTrimArgs, into argv: inout [[UInt8]]) {
        argv[a.strategyArg - 1] = bytes("=")
        if case .maxLength = a.strategy {
            argv[a.strategyArg] = Numbers.ll2string(Int64(bitPattern: s.length))
        } else {
            argv[a.strategyArg] = s.edgeIDIncludingTombstones(first: true).text
        }
    }

    static func xadd(_ c: Client) {
        guard let (a, idPos) = parseAddTrim(c, xadd: true) else { return }
        let fieldPos = idPos + 1
        if c.argc - fieldPos < 2 || (c.argc - fieldPos) % 2 == 1 {
            c.addReplyErrorArity()
            return
        }
        if a.idGiven && a.seqGiven && a.id.isZero {
            c.addReplyError("ERR The ID specified in XADD must be greater than 0-0")
            return
        }
        var entry: KeyEntry
        var created = false
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .stream) else { return }
            entry = e
        } else {
            if a.noMakeStream { c.addReplyNull(); return }
            entry = c.db.setObject(c.arg(1), StreamValue(meter: c.server.keyspace.meter), now: c.server.mstime,
                                   event: .none)
            created = true
        }
        let s = entry.object(as: StreamValue.self)
        if s.lastID == .max {
            c.addReplyError("ERR The stream has exhausted the last possible ID, unable to add more items")
            return
        }
        var id: StreamID
        if !a.idGiven {
            let ms = apus_mstime()
            id = ms > s.lastID.ms ? StreamID(ms: ms, seq: 0) : (s.lastID.successor ?? .max)
        } else if !a.seqGiven {
            if s.lastID.ms == a.id.ms {
                guard let n = s.lastID.successor, n.ms == a.id.ms else {
                    // 7.0.15 fails here without saying why and reports its other error.
                    c.addReplyError("ERR Elements are too large to be stored")
                    return
                }
                id = n
            } else {
                id = a.id
            }
        } else {
            id = a.id
        }
        let pairs = (c.argc - fieldPos) / 2
        do {
            try s.append(id: id, pairs: pairs, field: { c.arg(fieldPos + 2 * $0) }, value: { c.arg(fieldPos + 2 * $0 + 1) },
                         nodeMaxBytes: c.server.config.streamNodeMaxBytes,
                         nodeMaxEntries: c.server.config.streamNodeMaxEntries)
        } catch StreamValue.AppendError.idTooSmall {
            c.addReplyError("ERR The ID specified in XADD is equal or smaller than the target stream top item")
            return
        } catch {
            c.addReplyError("ERR Elements are too large to be stored")
            return
        }
        addReplyID(c, id)
        // Creating the key already counted as the change, as 7.0 counts one.
        c.db.signalModified(entry, changes: created ? 0 : 1, event: .xadd)
        var trimmedApprox = false
        if let strategy = a.strategy {
            if s.trim(strategy, approximate: a.approximate, limit: a.limit) > 0 {
                c.db.notify(.xtrim, c.arg(1))
            }
            trimmedApprox = a.approximate
        }
        if trimmedApprox || !a.idGiven || !a.seqGiven {
            c.propagateAs {
                var argv = (0..<c.argc).map { c.argBytes($0) }
                if trimmedApprox { exactTrimArguments(s, a, into: &argv) }
                if !a.idGiven || !a.seqGiven { argv[idPos] = id.text }
                return argv
            }
        }
    }

    static func xtrim(_ c: Client) {
        guard let (a, _) = parseAddTrim(c, xadd: false) else { return }
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .stream) else { return }
        let s = e.object(as: StreamValue.self)
        let deleted = s.trim(a.strategy!, approximate: a.approximate, limit: a.limit)
        if deleted > 0 {
            c.db.notify(.xtrim, c.arg(1))
            if a.approximate {
                c.propagateAs {
                    var argv = (0..<c.argc).map { c.argBytes($0) }
                    exactTrimArguments(s, a, into: &argv)
                    return argv
                }
            }
            c.db.signalModified(e, changes: Int(deleted), event: .none)
        }
        c.addReplyInteger(deleted)
    }

    // MARK: - Reading ranges

    static func xrange(_ c: Client) { rangeGeneric(c, reverse: false) }
    static func xrevrange(_ c: Client) { rangeGeneric(c, reverse: true) }

    static func rangeGeneric(_ c: Client, reverse: Bool) {
        guard let start = intervalOrReply(c, reverse ? 3 : 2, isStart: true),
              let end = intervalOrReply(c, reverse ? 2 : 3, isStart: false) else { return }
        var count: Int64 = -1
        var j = 4
        while j < c.argc {
            if c.argEquals(j, "count") && j + 1 < c.argc {
                guard let n = c.argIntOrReply(j + 1) else { return }
                count = max(n, 0)
                j += 2
            } else {
                c.addReplySyntaxError()
                return
            }
        }
        let (stream, ok) = streamForRead(c, 1)
        if !ok { return }
        guard let s = stream else { c.addReplyArrayLen(0); return }
        if count == 0 { c.addReplyNullArray(); return }
        replyRange(c, s, from: start, to: end, count: count == -1 ? 0 : Int(count), reverse: reverse)
    }

    static func xlen(_ c: Client) {
        let (stream, ok) = streamForRead(c, 1)
        if !ok { return }
        c.addReplyInteger(Int64(bitPattern: stream?.length ?? 0))
    }

    // MARK: - XREAD / XREADGROUP

    static func xread(_ c: Client) { readGeneric(c, group: false) }
    static func xreadgroup(_ c: Client) { readGeneric(c, group: true) }

    static func readGeneric(_ c: Client, group isGroup: Bool) {
        // Never replayed as a read: what it changes is propagated by itself.
        c.server.keyspace.propagator.preventCurrentCommand()
        if c.flags.contains(.reprocessing), let key = c.servingKey, let w = c.streamWait {
            serveWoken(c, key: key, w)
            return
        }
        var timeout: Int64 = -1
        var count: Int64 = 0
        var streamsArg = 0
        var noack = false
        var groupArg = 0
        var i = 1
        while i < c.argc {
            let more = c.argc - i - 1
            if c.argEquals(i, "block") && more > 0 {
                i += 1
                guard let t = c.argInt64(i) else {
                    c.addReplyError("ERR timeout is not an integer or out of range")
                    return
                }
                if t < 0 { c.addReplyError("ERR timeout is negative"); return }
                if t > 0 {
                    let now = c.server.mstime
                    if t > Int64.max - now { c.addReplyError("ERR timeout is out of range"); return }
                    timeout = t + now
                } else {
                    timeout = 0
                }
            } else if c.argEquals(i, "count") && more > 0 {
                i += 1
                guard let n = c.argIntOrReply(i) else { return }
                count = max(n, 0)
            } else if c.argEquals(i, "streams") && more > 0 {
                streamsArg = i + 1
                if (c.argc - streamsArg) % 2 != 0 {
                    // 7.0 names XREAD here for both commands.
                    c.addReplyError("ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified.")
                    return
                }
                break
            } else if c.argEquals(i, "group") && more >= 2 {
                if !isGroup {
                    c.addReplyError("ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.")
                    return
                }
                groupArg = i + 1
                i += 2
            } else if c.argEquals(i, "noack") {
                if !isGroup {
                    c.addReplyError("ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.")
                    return
                }
                noack = true
            } else {
                c.addReplySyntaxError()
                return
            }
            i += 1
        }
        if streamsArg == 0 { c.addReplySyntaxError(); return }
        if isGroup && groupArg == 0 { c.addReplyError("ERR Missing GROUP option for XREADGROUP"); return }
        let n = (c.argc - streamsArg) / 2
        let groupName = groupArg > 0 ? c.arg(groupArg) : UnsafeRawBufferPointer(start: nil, count: 0)

        // The IDs first, so that a bad one changes nothing.
        var ids: [StreamID] = []
        var groups: [StreamGroup?] = []
        ids.reserveCapacity(n)
        for k in 0..<n {
            let keyIndex = streamsArg + k
            let idIndex = streamsArg + n + k
            let (s, ok) = streamForRead(c, keyIndex)
            if !ok { return }
            if groupArg > 0 {
                guard let g = s?.group(groupName) else {
                    errorNaming(c, [bytes("NOGROUP No such key '"), c.argBytes(keyIndex), bytes("' or consumer group '"),
                                    Array(groupName), bytes("' in XREADGROUP with GROUP option")])
                    return
                }
                groups.append(g)
            }
            let a = c.arg(idIndex)
            if a.count == 1 && a[0] == UInt8(ascii: "$") {
                if isGroup {
                    c.addReplyError("ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set.")
                    return
                }
                ids.append(s?.lastID ?? .zero)
                continue
            }
            if a.count == 1 && a[0] == UInt8(ascii: ">") {
                if !isGroup {
                    c.addReplyError("ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option.")
                    return
                }
                ids.append(.max)
                continue
            }
            guard let id = idOrReply(c, idIndex, strict: true) else { return }
            ids.append(id)
        }

        var served = 0
        var handle = -1
        for k in 0..<n {
            let keyIndex = streamsArg + k
            let (stream, _) = streamForRead(c, keyIndex, forChange: isGroup)
            guard let s = stream else { continue }
            var gt = ids[k]
            var history = false
            var serve = false
            if let g = groups.isEmpty ? nil : groups[k] {
                if gt != .max {
                    serve = true
                    history = true
                } else if s.length > 0, let maxID = s.edgeID(first: false), maxID > g.lastID {
                    serve = true
                    gt = g.lastID
                }
            } else if s.length > 0, let maxID = s.edgeID(first: false), maxID > gt {
                serve = true
            }
            if !serve { continue }
            served += 1
            if served == 1 { handle = c.addReplyDeferredLen() }
            let start = gt.successor ?? .max
            if c.resp == 2 { c.addReplyArrayLen(2) }
            c.addReplyBulk(c.arg(keyIndex))
            if let g = groups.isEmpty ? nil : groups[k] {
                let p = Propagation(db: c.dbIndex, key: c.argBytes(keyIndex), group: Array(groupName))
                var created = false
                let who = consumer(c, g, c.arg(groupArg + 1), key: keyIndex, created: &created)
                if created && noack { propagateConsumerCreation(c, p, consumer: who.name) }
                if history {
                    replyPending(c, s, who, from: start, count: Int(count))
                } else {
                    replyRange(c, s, from: start, count: Int(count), group: g, consumer: who, noack: noack, propagation: p)
                }
                markDirty(c)
            } else {
                replyRange(c, s, from: start, count: Int(count))
            }
        }
        if served > 0 {
            // RESP2: an array of [key, entries] pairs; RESP3: a map from key to entries.
            if c.resp == 2 { c.setDeferredArrayLen(handle, served) } else { c.setDeferredMapLen(handle, served) }
            return
        }
        if timeout != -1 {
            if c.flags.contains(.denyBlocking) { c.addReplyNullArray(); return }
            var after: [[UInt8]: StreamID] = [:]
            var seen: [[UInt8]: (UInt64, UInt64)] = [:]
            for k in 0..<n where after[c.argBytes(streamsArg + k)] == nil {
                after[c.argBytes(streamsArg + k)] = ids[k]
                if let e = c.db.peek(c.arg(streamsArg + k)), e.type == .stream {
                    let st = e.object(as: StreamValue.self)
                    seen[c.argBytes(streamsArg + k)] = (st.serial, st.wakeups)
                }
            }
            c.streamWait = StreamWait(after: after, seen: seen, count: count > 0 ? Int(count) : 1000,
                                      group: groupArg > 0 ? Array(groupName) : nil,
                                      consumer: groupArg > 0 ? c.argBytes(groupArg + 1) : nil, noack: noack)
            c.server.blockForKeys(c, keys: streamsArg..<(streamsArg + n), type: .stream, deadline: timeout)
            return
        }
        c.addReplyNullArray()
    }

    /// Whether a client blocked on `key` can be served now, for the blocking code; it
    /// also answers the clients that must be released with an error (the group is gone,
    /// or for XREADGROUP the key). Returns true to run the command again for the key.
    static func wokenReaderIsReady(_ c: Client, key: [UInt8], db: Database, now: Int64) -> ReadyVerdict {
        guard let w = c.streamWait else { return .wait }
        let e = key.withUnsafeBytes { db.lookupReadNoStats($0, now: now, touch: false) }
        guard let e, e.type == .stream else {
            if w.group != nil { return .fail("UNBLOCKED the stream key no longer exists") }
            return .wait
        }
        let s = e.object(as: StreamValue.self)
        // The same stream with no XADD (or group destroyed) since: nothing to look at.
        let current = (s.serial, s.wakeups)
        if let before = w.seen[key], before == current { return .wait }
        c.streamWait?.seen[key] = current
        var gt = w.after[key] ?? .zero
        if let gname = w.group {
            guard let g = gname.withUnsafeBytes({ s.group($0) }) else {
                return .fail("NOGROUP the consumer group this client was blocked on no longer exists")
            }
            gt = g.lastID
        }
        return s.lastID > gt ? .serve : .wait
    }

    enum ReadyVerdict { case wait, serve, fail(String) }

    /// The blocked read, run again for the key that got new entries: only that key is
    /// answered, as a one-element array (map in RESP3), with the count the read blocked
    /// with.
    static func serveWoken(_ c: Client, key: [UInt8], _ w: StreamWait) {
        c.streamWait = nil
        guard let e = key.withUnsafeBytes({ c.db.lookupReadNoStats($0, now: c.server.mstime, touch: false) }),
              e.type == .stream else { c.addReplyNullArray(); return }
        if w.group != nil { c.db.willModify(e) }
        let s = e.object(as: StreamValue.self)
        var gt = w.after[key] ?? .zero
        var group: StreamGroup?
        if let gname = w.group {
            group = gname.withUnsafeBytes { s.group($0) }
            gt = group?.lastID ?? gt
        }
        let start = gt.successor ?? .max
        if c.resp == 2 {
            c.addReplyArrayLen(1)
            c.addReplyArrayLen(2)
        } else {
            c.addReplyMapLen(1)
        }
        c.addReplyBulk(key)
        guard let g = group, let cname = w.consumer else {
            replyRange(c, s, from: start, count: w.count)
            return
        }
        let p = Propagation(db: c.dbIndex, key: key, group: w.group!)
        let now = Int64(apus_mstime())
        var who: StreamConsumer
        if let existing = cname.withUnsafeBytes({ g.consumer($0) }) {
            existing.seenTime = now
            who = existing
        } else {
            who = cname.withUnsafeBytes { g.createConsumer($0, now: now)! }
            markDirty(c)
            key.withUnsafeBytes { c.db.notify(.xgroupCreateConsumer, $0) }
            if w.noack { propagateConsumerCreation(c, p, consumer: cname) }
        }
        replyRange(c, s, from: start, count: w.count, group: g, consumer: who, noack: w.noack, propagation: p)
    }

    // MARK: - XDEL / XSETID

    static func xdel(_ c: Client) {
        guard let e = c.lookupWrite(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .stream) else { return }
        var ids: [StreamID] = []
        for j in 2..<c.argc {
            guard let id = idOrReply(c, j, strict: true) else { return }
            ids.append(id)
        }
        let s = e.object(as: StreamValue.self)
        var deleted = 0
        var firstGone = false
        for id in ids where s.delete(id) {
            if id == s.firstID { firstGone = true }
            if id > s.maxDeletedID { s.maxDeletedID = id }
            deleted += 1
        }
        if deleted > 0 {
            if s.length == 0 {
                s.firstID = .zero
            } else if firstGone {
                s.firstID = s.edgeID(first: true) ?? .zero
            }
            c.db.signalModified(e, changes: deleted, event: .xdel)
        }
        c.addReplyInteger(deleted)
    }

    static func xsetid(_ c: Client) {
        guard let id = idOrReply(c, 2, strict: true) else { return }
        var maxDeleted = StreamID.zero
        var added: Int64 = -1
        var i = 3
        while i < c.argc {
            let more = c.argc - 1 - i
            if c.argEquals(i, "entriesadded") && more > 0 {
                guard let n = c.argIntOrReply(i + 1) else { return }
                if n < 0 { c.addReplyError("ERR entries_added must be positive"); return }
                added = n
                i += 2
            } else if c.argEquals(i, "maxdeletedid") && more > 0 {
                guard let m = idOrReply(c, i + 1, strict: true) else { return }
                if id < m {
                    c.addReplyError("ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id")
                    return
                }
                maxDeleted = m
                i += 2
            } else {
                c.addReplySyntaxError()
                return
            }
        }
        guard let e = c.lookupWrite(1) else { c.addReplyError("ERR no such key"); return }
        guard c.checkType(e, .stream) else { return }
        let s = e.object(as: StreamValue.self)
        if s.length > 0 {
            if let top = s.edgeID(first: false), id < top {
                c.addReplyError("ERR The ID specified in XSETID is smaller than the target stream top item")
                return
            }
            if added != -1 && s.length > UInt64(added) {
                c.addReplyError("ERR The entries_added specified in XSETID is smaller than the target stream length")
                return
            }
        }
        s.lastID = id
        if added != -1 { s.entriesAdded = UInt64(added) }
        if !maxDeleted.isZero { s.maxDeletedID = maxDeleted }
        c.addReplyOK()
        markDirty(c)
        c.db.notify(.xsetid, c.arg(1))
    }

    // MARK: - XGROUP

    static func xgroupCreate(_ c: Client) { xgroupGeneric(c) }
    static func xgroupSetID(_ c: Client) { xgroupGeneric(c) }
    static func xgroupDestroy(_ c: Client) { xgroupGeneric(c) }
    static func xgroupCreateConsumer(_ c: Client) { xgroupGeneric(c) }
    static func xgroupDelConsumer(_ c: Client) { xgroupGeneric(c) }

    static func xgroupHelp(_ c: Client) {
        c.addReplyHelp([
            "CREATE <key> <groupname> <id|$> [option]",
            "    Create a new consumer group. Options are:",
            "    * MKSTREAM",
            "      Create the empty stream if it does not exist.",
            "    * ENTRIESREAD entries_read",
            "      Set the group's entries_read counter (internal use).",
            "CREATECONSUMER <key> <groupname> <consumer>",
            "    Create a new consumer in the specified group.",
            "DELCONSUMER <key> <groupname> <consumer>",
            "    Remove the specified consumer.",
            "DESTROY <key> <groupname>",
            "    Remove the specified group.",
            "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
            "    Set the current group ID and entries_read counter.",
        ])
    }

    /// Redis's xgroupCommand: the options and the key and group checks are shared by
    /// the subcommands and done in the same order.
    static func xgroupGeneric(_ c: Client) {
        let create = c.argEquals(1, "create")
        let setid = c.argEquals(1, "setid")
        var makeStream = false
        var entriesRead: Int64 = -1
        var i = 5
        while i < c.argc {
            if create && c.argEquals(i, "mkstream") {
                makeStream = true
                i += 1
            } else if (create || setid) && c.argEquals(i, "entriesread") && i + 1 < c.argc {
                guard let n = c.argIntOrReply(i + 1) else { return }
                if n < 0 && n != -1 { c.addReplyError("ERR value for ENTRIESREAD must be positive or -1"); return }
                entriesRead = n
                i += 2
            } else {
                c.addReplySubcommandSyntaxError()
                return
            }
        }
        var entry = c.lookupWrite(2)
        if let e = entry, !c.checkType(e, .stream) { return }
        var s = entry.map { $0.object(as: StreamValue.self) }
        let groupName = c.arg(3)
        var g: StreamGroup?
        if !makeStream {
            guard let st = s else {
                c.addReplyError("ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want to use the MKSTREAM option to create an empty stream automatically.")
                return
            }
            g = st.group(groupName)
            if g == nil && !create && !c.argEquals(1, "destroy") {
                errorNaming(c, [bytes("NOGROUP No such consumer group '"), Array(groupName), bytes("' for key name '"),
                                c.argBytes(2), bytes("'")])
                return
            }
        }
        if create && c.argc >= 5 && c.argc <= 8 {
            var id = StreamID.zero
            let a = c.arg(4)
            if a.count == 1 && a[0] == UInt8(ascii: "$") {
                id = s?.lastID ?? .zero
            } else {
                guard let parsed = idOrReply(c, 4, strict: true) else { return }
                id = parsed
            }
            var created = false
            if s == nil {
                let made = StreamValue(meter: c.server.keyspace.meter)
                entry = c.db.setObject(c.arg(2), made, now: c.server.mstime, event: .none)
                s = made
                created = true
            }
            if s!.createGroup(groupName, lastID: id, entriesRead: entriesRead) != nil {
                c.addReplyOK()
                if !created { markDirty(c) }
                c.db.notify(.xgroupCreate, c.arg(2))
            } else {
                c.addReplyError("BUSYGROUP Consumer Group name already exists")
            }
        } else if setid && (c.argc == 5 || c.argc == 7) {
            var id: StreamID
            let a = c.arg(4)
            if a.count == 1 && a[0] == UInt8(ascii: "$") {
                id = s!.lastID
            } else {
                guard let parsed = idOrReply(c, 4) else { return }
                id = parsed
            }
            g!.lastID = id
            g!.entriesRead = entriesRead
            c.addReplyOK()
            markDirty(c)
            c.db.notify(.xgroupSetID, c.arg(2))
        } else if c.argEquals(1, "destroy") && c.argc == 4 {
            if g != nil, s!.destroyGroup(groupName) {
                c.addReplyInteger(1)
                markDirty(c)
                c.db.notify(.xgroupDestroy, c.arg(2))
                // Readers blocked on the group learn it is gone.
                c.server.keyspace.signalKeyAsReady(db: c.dbIndex, key: c.arg(2))
            } else {
                c.addReplyInteger(0)
            }
        } else if c.argEquals(1, "createconsumer") && c.argc == 5 {
            if g!.createConsumer(c.arg(4), now: Int64(apus_mstime())) != nil {
                markDirty(c)
                c.db.notify(.xgroupCreateConsumer, c.arg(2))
                c.addReplyInteger(1)
            } else {
                c.addReplyInteger(0)
            }
        } else if c.argEquals(1, "delconsumer") && c.argc == 5 {
            var pending = 0
            if let who = g!.consumer(c.arg(4)) {
                pending = g!.deleteConsumer(who)
                markDirty(c)
                c.db.notify(.xgroupDelConsumer, c.arg(2))
            }
            c.addReplyInteger(pending)
        } else {
            c.addReplySubcommandSyntaxError()
        }
    }

    // MARK: - XACK / XPENDING

    static func xack(_ c: Client) {
        let (stream, ok) = streamForRead(c, 1, forChange: true)
        if !ok { return }
        guard let s = stream, let g = s.group(c.arg(2)) else { c.addReplyInteger(0); return }
        var ids: [StreamID] = []
        for j in 3..<c.argc {
            guard let id = idOrReply(c, j, strict: true) else { return }
            ids.append(id)
        }
        var acknowledged = 0
        for id in ids where g.acknowledge(id) {
            acknowledged += 1
        }
        markDirty(c, acknowledged)
        c.addReplyInteger(acknowledged)
    }

    static func xpending(_ c: Client) {
        let summary = c.argc == 3
        if c.argc != 3 && (c.argc < 6 || c.argc > 9) { c.addReplySyntaxError(); return }
        var start = StreamID.zero, end = StreamID.max
        var count: Int64 = 0
        var minIdle: Int64 = 0
        var consumerArg = 0
        if c.argc >= 6 {
            var si = 3
            if c.argEquals(3, "idle") {
                guard let v = c.argIntOrReply(4) else { return }
                minIdle = v
                if c.argc < 8 { c.addReplySyntaxError(); return }
                si += 2
            }
            guard let n = c.argIntOrReply(si + 2) else { return }
            count = max(n, 0)
            guard let a = intervalOrReply(c, si, isStart: true), let b = intervalOrReply(c, si + 1, isStart: false) else { return }
            start = a; end = b
            if si + 3 < c.argc { consumerArg = si + 3 }
        }
        let (stream, ok) = streamForRead(c, 1)
        if !ok { return }
        guard let s = stream, let g = s.group(c.arg(2)) else {
            errorNaming(c, [bytes("NOGROUP No such key '"), c.argBytes(1), bytes("' or consumer group '"), c.argBytes(2),
                            bytes("'")])
            return
        }
        if summary {
            c.addReplyArrayLen(4)
            c.addReplyInteger(g.pel.count)
            guard let first = g.pel.first, let last = g.pel.last else {
                c.addReplyNull()
                c.addReplyNull()
                c.addReplyNullArray()
                return
            }
            addReplyID(c, first)
            addReplyID(c, last)
            let handle = c.addReplyDeferredLen()
            var n = 0
            for who in g.consumers where who.pel.count > 0 {
                c.addReplyArrayLen(2)
                c.addReplyBulk(who.name)
                c.addReplyBulk(Numbers.ll2string(Int64(who.pel.count)))
                n += 1
            }
            c.setDeferredArrayLen(handle, n)
            return
        }
        var pel = g.pel
        if consumerArg > 0 {
            guard let who = g.consumer(c.arg(consumerArg)) else { c.addReplyArrayLen(0); return }
            pel = who.pel
        }
        let now = Int64(apus_mstime())
        let handle = c.addReplyDeferredLen()
        var n = 0
        var left = count
        pel.forEach(from: start) { id, nack in
            if left == 0 || id > end { return false }
            if minIdle != 0 && now &- nack.deliveryTime < minIdle { return true }
            n += 1
            left -= 1
            c.addReplyArrayLen(4)
            addReplyID(c, id)
            c.addReplyBulk(nack.consumer?.name ?? [])
            c.addReplyInteger(max(now &- nack.deliveryTime, 0))
            c.addReplyInteger(Int64(bitPattern: nack.deliveryCount))
            return true
        }
        c.setDeferredArrayLen(handle, n)
    }

    // MARK: - XCLAIM / XAUTOCLAIM

    static func xclaim(_ c: Client) {
        let (stream, ok) = streamForRead(c, 1, forChange: true)
        if !ok { return }
        guard let s = stream, let g = s.group(c.arg(2)) else {
            errorNaming(c, [bytes("NOGROUP No such key '"), c.argBytes(1), bytes("' or consumer group '"), c.argBytes(2),
                            bytes("'")])
            return
        }
        guard var minIdle = c.argInt64(4) else {
            c.addReplyError("ERR Invalid min-idle-time argument for XCLAIM")
            return
        }
        if minIdle < 0 { minIdle = 0 }
        var ids: [StreamID] = []
        var j = 5
        while j < c.argc, let (id, _) = parseID(c.arg(j), strict: true) {
            ids.append(id)
            j += 1
        }
        let now = Int64(apus_mstime())
        var lastID = StreamID.zero
        var deliveryTime: Int64 = -1
        var retryCount: Int64 = -1
        var force = false, justID = false
        while j < c.argc {
            let more = c.argc - 1 - j
            if c.argEquals(j, "force") {
                force = true
            } else if c.argEquals(j, "justid") {
                justID = true
            } else if c.argEquals(j, "idle") && more > 0 {
                j += 1
                guard let v = c.argInt64(j) else { c.addReplyError("ERR Invalid IDLE option argument for XCLAIM"); return }
                deliveryTime = now &- v
            } else if c.argEquals(j, "time") && more > 0 {
                j += 1
                guard let v = c.argInt64(j) else { c.addReplyError("ERR Invalid TIME option argument for XCLAIM"); return }
                deliveryTime = v
            } else if c.argEquals(j, "retrycount") && more > 0 {
                j += 1
                guard let v = c.argInt64(j) else {
                    c.addReplyError("ERR Invalid RETRYCOUNT option argument for XCLAIM")
                    return
                }
                retryCount = v
            } else if c.argEquals(j, "lastid") && more > 0 {
                j += 1
                guard let id = idOrReply(c, j, strict: true) else { return }
                lastID = id
            } else {
                errorNaming(c, [bytes("ERR Unrecognized XCLAIM option '"), c.argBytes(j), bytes("'")])
                return
            }
            j += 1
        }
        var propagateLastID = false
        if lastID > g.lastID {
            g.lastID = lastID
            propagateLastID = true
        }
        if deliveryTime != -1 {
            if deliveryTime < 0 || deliveryTime > now { deliveryTime = now }
        } else {
            deliveryTime = now
        }
        let p = Propagation(db: c.dbIndex, key: c.argBytes(1), group: c.argBytes(2))
        var who: StreamConsumer?
        let handle = c.addReplyDeferredLen()
        var n = 0
        for id in ids {
            var nack = g.pel.find(id)
            if !s.contains(id) {
                // Pending but deleted from the stream: dropped, and replicas drop it too.
                if let gone = nack {
                    propagateClaim(c, p, g, id: id, gone)
                    propagateLastID = false
                    markDirty(c)
                    g.acknowledge(id)
                }
                continue
            }
            if force && nack == nil {
                let made = StreamNACK(deliveryTime: now, consumer: nil)
                g.addPending(id, made)
                nack = made
            }
            guard let claimed = nack else { continue }
            if claimed.consumer != nil && minIdle > 0 && now &- claimed.deliveryTime < minIdle { continue }
            if who == nil {
                var created = false
                who = consumer(c, g, c.arg(3), key: 1, created: &created)
            }
            g.transfer(id, claimed, to: who!)
            claimed.deliveryTime = deliveryTime
            if retryCount >= 0 {
                claimed.deliveryCount = UInt64(bitPattern: retryCount)
            } else if !justID {
                claimed.deliveryCount &+= 1
            }
            if justID {
                addReplyID(c, id)
            } else {
                replyRange(c, s, from: id, to: id, count: 1, raw: true)
            }
            n += 1
            propagateClaim(c, p, g, id: id, claimed)
            propagateLastID = false
            markDirty(c)
        }
        if propagateLastID {
            propagateGroupID(c, p, g)
            markDirty(c)
        }
        c.setDeferredArrayLen(handle, n)
        c.server.keyspace.propagator.preventCurrentCommand()
    }

    static func xautoclaim(_ c: Client) {
        guard var minIdle = c.argInt64(4) else {
            c.addReplyError("ERR Invalid min-idle-time argument for XAUTOCLAIM")
            return
        }
        if minIdle < 0 { minIdle = 0 }
        guard let start = intervalOrReply(c, 5, isStart: true) else { return }
        var count: Int64 = 100
        var justID = false
        var j = 6
        while j < c.argc {
            let more = c.argc - 1 - j
            if c.argEquals(j, "count") && more > 0 {
                let maxCount = Int64.max / 16
                guard let v = c.argInt64(j + 1), v >= 1, v <= maxCount else {
                    c.addReplyError("ERR COUNT must be > 0")
                    return
                }
                count = v
                j += 1
            } else if c.argEquals(j, "justid") {
                justID = true
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        let (stream, ok) = streamForRead(c, 1, forChange: true)
        if !ok { return }
        guard let s = stream, let g = s.group(c.arg(2)) else {
            errorNaming(c, [bytes("NOGROUP No such key '"), c.argBytes(1), bytes("' or consumer group '"), c.argBytes(2),
                            bytes("'")])
            return
        }
        let p = Propagation(db: c.dbIndex, key: c.argBytes(1), group: c.argBytes(2))
        var attempts = count * 10
        var deletedIDs: [StreamID] = []
        var claimed: [StreamID] = []
        var who: StreamConsumer?
        let now = Int64(apus_mstime())
        var cursor: StreamID? = start
        var next: (StreamID, StreamNACK)? = nil
        // Claim first, reply after: nothing here changes the stream's entries, and the
        // reply starts with the cursor, known only at the end.
        while true {
            guard let from = cursor else { next = nil; break }
            next = g.pel.ceiling(from)
            if attempts == 0 || count == 0 { break }
            attempts -= 1
            guard let (id, nack) = next else { break }
            cursor = id.successor
            if !s.contains(id) {
                propagateClaim(c, p, g, id: id, nack)
                markDirty(c)
                g.acknowledge(id)
                deletedIDs.append(id)
                count -= 1
                continue
            }
            if minIdle > 0 && now &- nack.deliveryTime < minIdle { continue }
            if who == nil {
                var created = false
                who = consumer(c, g, c.arg(3), key: 1, created: &created)
            }
            g.transfer(id, nack, to: who!)
            nack.deliveryTime = now
            if !justID { nack.deliveryCount &+= 1 }
            claimed.append(id)
            count -= 1
            propagateClaim(c, p, g, id: id, nack)
            markDirty(c)
        }
        c.addReplyArrayLen(3)
        // The cursor for the next call: the first pending ID not looked at, 0-0 at the end.
        addReplyID(c, next?.0 ?? .zero)
        c.addReplyArrayLen(claimed.count)
        for id in claimed {
            if justID { addReplyID(c, id) } else { replyRange(c, s, from: id, to: id, count: 1, raw: true) }
        }
        c.addReplyArrayLen(deletedIDs.count)
        for id in deletedIDs { addReplyID(c, id) }
        c.server.keyspace.propagator.preventCurrentCommand()
    }

    // MARK: - XINFO

    static func xinfoHelp(_ c: Client) {
        c.addReplyHelp([
            "CONSUMERS <key> <groupname>",
            "    Show consumers of <groupname>.",
            "GROUPS <key>",
            "    Show the stream consumer groups.",
            "STREAM <key> [FULL [COUNT <count>]",
            "    Show information about the stream.",
        ])
    }

    static func streamOrNoKey(_ c: Client) -> StreamValue? {
        guard let e = c.lookupRead(2) else { c.addReplyError("ERR no such key"); return nil }
        guard c.checkType(e, .stream) else { return nil }
        return e.object(as: StreamValue.self)
    }

    static func addReplyLag(_ c: Client, _ s: StreamValue, _ g: StreamGroup) {
        if let lag = s.lag(of: g) { c.addReplyInteger(lag) } else { c.addReplyNull() }
    }

    static func addReplyEntriesRead(_ c: Client, _ g: StreamGroup) {
        if g.entriesRead != -1 { c.addReplyInteger(g.entriesRead) } else { c.addReplyNull() }
    }

    static func xinfoConsumers(_ c: Client) {
        guard let s = streamOrNoKey(c) else { return }
        guard let g = s.group(c.arg(3)) else {
            errorNaming(c, [bytes("NOGROUP No such consumer group '"), c.argBytes(3), bytes("' for key name '"),
                            c.argBytes(2), bytes("'")])
            return
        }
        let now = Int64(apus_mstime())
        c.addReplyArrayLen(g.consumers.count)
        for who in g.consumers {
            c.addReplyMapLen(3)
            c.addReplyBulkString("name")
            c.addReplyBulk(who.name)
            c.addReplyBulkString("pending")
            c.addReplyInteger(who.pel.count)
            c.addReplyBulkString("idle")
            c.addReplyInteger(max(now &- who.seenTime, 0))
        }
    }

    static func xinfoGroups(_ c: Client) {
        guard let s = streamOrNoKey(c) else { return }
        c.addReplyArrayLen(s.groups.count)
        for g in s.groups {
            c.addReplyMapLen(6)
            c.addReplyBulkString("name")
            c.addReplyBulk(g.name)
            c.addReplyBulkString("consumers")
            c.addReplyInteger(g.consumers.count)
            c.addReplyBulkString("pending")
            c.addReplyInteger(g.pel.count)
            c.addReplyBulkString("last-delivered-id")
            addReplyID(c, g.lastID)
            c.addReplyBulkString("entries-read")
            addReplyEntriesRead(c, g)
            c.addReplyBulkString("lag")
            addReplyLag(c, s, g)
        }
    }

    /// The first `limit` pending entries of a PEL (0: all), for XINFO STREAM FULL.
    static func firstPending(_ pel: StreamIDMap<StreamNACK>, limit: Int) -> [(StreamID, StreamNACK)] {
        var out: [(StreamID, StreamNACK)] = []
        pel.forEach { id, nack in
            if limit != 0 && out.count >= limit { return false }
            out.append((id, nack))
            return true
        }
        return out
    }

    static func xinfoStream(_ c: Client) {
        guard let s = streamOrNoKey(c) else { return }
        var full = false
        var count: Int64 = 10
        let optc = c.argc - 3
        if optc > 0 {
            if (optc != 1 && optc != 3) || !c.argEquals(3, "full") { c.addReplySubcommandSyntaxError(); return }
            full = true
            if optc == 3 {
                if !c.argEquals(4, "count") { c.addReplySubcommandSyntaxError(); return }
                guard let n = c.argIntOrReply(5) else { return }
                count = n < 0 ? 10 : n
            }
        }
        c.addReplyMapLen(full ? 9 : 10)
        c.addReplyBulkString("length")
        c.addReplyInteger(Int64(bitPattern: s.length))
        c.addReplyBulkString("radix-tree-keys")
        c.addReplyInteger(s.nodeCount)
        c.addReplyBulkString("radix-tree-nodes")
        c.addReplyInteger(s.radixTreeNodes)
        c.addReplyBulkString("last-generated-id")
        addReplyID(c, s.lastID)
        c.addReplyBulkString("max-deleted-entry-id")
        addReplyID(c, s.maxDeletedID)
        c.addReplyBulkString("entries-added")
        c.addReplyInteger(Int64(bitPattern: s.entriesAdded))
        c.addReplyBulkString("recorded-first-entry-id")
        addReplyID(c, s.firstID)
        if !full {
            c.addReplyBulkString("groups")
            c.addReplyInteger(s.groups.count)
            c.addReplyBulkString("first-entry")
            if replyRange(c, s, from: .zero, count: 1, raw: true) == 0 { c.addReplyNull() }
            c.addReplyBulkString("last-entry")
            if replyRange(c, s, from: .zero, count: 1, reverse: true, raw: true) == 0 { c.addReplyNull() }
            return
        }
        let limit = Int(count)
        c.addReplyBulkString("entries")
        replyRange(c, s, from: .zero, count: limit)
        c.addReplyBulkString("groups")
        c.addReplyArrayLen(s.groups.count)
        for g in s.groups {
            c.addReplyMapLen(7)
            c.addReplyBulkString("name")
            c.addReplyBulk(g.name)
            c.addReplyBulkString("last-delivered-id")
            addReplyID(c, g.lastID)
            c.addReplyBulkString("entries-read")
            addReplyEntriesRead(c, g)
            c.addReplyBulkString("lag")
            addReplyLag(c, s, g)
            c.addReplyBulkString("pel-count")
            c.addReplyInteger(g.pel.count)
            c.addReplyBulkString("pending")
            let pending = firstPending(g.pel, limit: limit)
            c.addReplyArrayLen(pending.count)
            for (id, nack) in pending {
                c.addReplyArrayLen(4)
                addReplyID(c, id)
                c.addReplyBulk(nack.consumer?.name ?? [])
                c.addReplyInteger(nack.deliveryTime)
                c.addReplyInteger(Int64(bitPattern: nack.deliveryCount))
            }
            c.addReplyBulkString("consumers")
            c.addReplyArrayLen(g.consumers.count)
            for who in g.consumers {
                c.addReplyMapLen(4)
                c.addReplyBulkString("name")
                c.addReplyBulk(who.name)
                c.addReplyBulkString("seen-time")
                c.addReplyInteger(who.seenTime)
                c.addReplyBulkString("pel-count")
                c.addReplyInteger(who.pel.count)
                c.addReplyBulkString("pending")
                let mine = firstPending(who.pel, limit: limit)
                c.addReplyArrayLen(mine.count)
                for (id, nack) in mine {
                    c.addReplyArrayLen(3)
                    addReplyID(c, id)
                    c.addReplyInteger(nack.deliveryTime)
                    c.addReplyInteger(Int64(bitPattern: nack.deliveryCount))
                }
            }
        }
    }
}
