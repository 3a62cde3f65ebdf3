// The sorted-set type's value. Small sorted sets are one listpack of alternating
// members and scores ordered by (score, member) — Redis's listpack encoding byte for
// byte, scores written as Redis's d2string text, so RDB and DUMP copy it. Past
// zset-max-listpack-entries members, or once a member is longer than
// zset-max-listpack-value bytes, the set converts for good to a skiplist (Redis's
// algorithm: levels with spans, so ranks are O(log N)) whose nodes ARE the member
// blocks of a KeyTable: one allocation per member holds the hash-chain link, the
// member, the score, the backward link and the levels, where Redis spends a skiplist
// node, an sds and a dict entry.
//
// Node block (a KeyEntry without expire area): header, member bytes, then the value
// area: score (Double), backward (pointer), level count (UInt32), and per level a
// forward pointer and a UInt32 span — all read unaligned.

import Glibc
import CApusSys

/// A score interval (ZRANGEBYSCORE's min/max with `(` exclusions).
public struct ScoreRange {
    public var min: Double, max: Double
    public var minExclusive = false, maxExclusive = false
    @inline(__always) func aboveMin(_ v: Double) -> Bool { minExclusive ? v > min : v >= min }
    @inline(__always) func belowMax(_ v: Double) -> Bool { maxExclusive ? v < max : v <= max }
    @inline(__always) func contains(_ v: Double) -> Bool { aboveMin(v) && belowMax(v) }
    /// Empty by construction (Redis's zslIsInRange pre-check).
    var isEmpty: Bool { min > max || (min == max && (minExclusive || maxExclusive)) }
}

/// A lexicographic interval (ZRANGEBYLEX's `[a`, `(a`, `-`, `+`).
public struct LexRange {
    public enum Bound { case minusInfinity, plusInfinity, inclusive([UInt8]), exclusive([UInt8]) }
    public var min: Bound, max: Bound

    @inline(__always) static func compare(_ a: UnsafeRawBufferPointer, _ b: [UInt8]) -> Int {
        let n = Swift.min(a.count, b.count)
        let r = n == 0 ? 0 : b.withUnsafeBytes { memcmp(a.baseAddress!, $0.baseAddress!, n) }
        if r != 0 { return Int(r) }
        return a.count - b.count
    }
    func aboveMin(_ m: UnsafeRawBufferPointer) -> Bool {
        switch min {
        case .minusInfinity: return true
        case .plusInfinity: return false
        case .inclusive(let b): return LexRange.compare(m, b) >= 0
        case .exclusive(let b): return LexRange.compare(m, b) > 0
        }
    }
    func belowMax(_ m: UnsafeRawBufferPointer) -> Bool {
        switch max {
        case .minusInfinity: return false
        case .plusInfinity: return true
        case .inclusive(let b): return LexRange.compare(m, b) <= 0
        case .exclusive(let b): return LexRange.compare(m, b) < 0
        }
    }
    func contains(_ m: UnsafeRawBufferPointer) -> Bool { aboveMin(m) && belowMax(m) }
    /// Redis's zslIsInLexRange pre-check: min above max means nothing can match.
    var isEmpty: Bool {
        switch (min, max) {
        case (.plusInfinity, _), (_, .minusInfinity): return true
        case (.minusInfinity, _), (_, .plusInfinity): return false
        case let (.inclusive(a), .inclusive(b)):
            return a.withUnsafeBytes { LexRange.compare($0, b) } > 0
        case let (.inclusive(a), .exclusive(b)), let (.exclusive(a), .inclusive(b)), let (.exclusive(a), .exclusive(b)):
            return a.withUnsafeBytes { LexRange.compare($0, b) } >= 0
        }
    }
}

public final class ZSetValue: StoredObject {
    public static var objectType: ObjectType { .zset }

    /// zset-max-listpack-entries / -value.
    public typealias Limits = ListpackLimits

    private(set) var meter: MemoryMeter
    /// Listpack encoding: [member, score, member, score, ...] in (score, member) order.
    private(set) var listpack: Listpack?
    /// Skiplist encoding.
    private(set) var skiplist: ZSkiplist?

    public init(meter: MemoryMeter) {
        self.meter = meter
        let lp = Listpack()
        listpack = lp
        meter.bytes += lp.allocatedBytes
    }

    /// A sorted set that takes over a validated listpack (RDB, RESTORE).
    init(meter: MemoryMeter, adopting lp: Listpack) {
        self.meter = meter
        listpack = lp
        meter.bytes += lp.allocatedBytes
    }

    /// An empty sorted set with the encoding 7.0's zsetTypeCreate picks for the sizes
    /// about to be added.
    static func forSize(_ n: Int, longestMember: Int, limits: Limits, meter: MemoryMeter) -> ZSetValue {
        let z = ZSetValue(meter: meter)
        if n > limits.maxEntries || longestMember > limits.maxValue { z.convertToSkiplist() }
        return z
    }

    deinit {
        if let lp = listpack {
            meter.bytes -= lp.allocatedBytes
            lp.free()
        }
    }

    public var encoding: ObjectEncoding { listpack != nil ? .listpack : .skiplist }

    public var count: Int { listpack.map { $0.count / 2 } ?? skiplist!.length }

    @inline(__always)
    private func accounted<R>(_ change: (inout Listpack) -> R) -> R {
        let before = listpack!.allocatedBytes
        let r = change(&listpack!)
        meter.bytes += listpack!.allocatedBytes - before
        return r
    }

    // MARK: - Listpack helpers

    /// The score stored at `offset` (text or integer element).
    static func lpScore(_ lp: Listpack, _ offset: Int) -> Double {
        switch lp.element(at: offset) {
        case .int(let v): return Double(v)
        case .bytes(let b): return Numbers.parseDouble(b) ?? 0
        }
    }

    /// A score as zzlInsertAt stores it: an integer when the double is one (within
    /// ±LLONG_MAX/2; -0 becomes 0), else Redis's d2string text.
    static func withScoreText<R>(_ score: Double, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        withUnsafeTemporaryAllocation(byteCount: Numbers.maxDoubleChars, alignment: 8) { buf in
            let limit = Double(Int64.max / 2)
            let n: Int
            if score >= -limit && score <= limit, Double(Int64(score)) == score {
                n = Numbers.ll2string(Int64(score), into: buf.baseAddress!)
            } else {
                n = Numbers.d2string(score, into: buf.baseAddress!)
            }
            return body(UnsafeRawBufferPointer(start: buf.baseAddress, count: n))
        }
    }

    /// Offset of `member`'s element in the listpack and its score.
    private func lpFind(_ lp: Listpack, _ member: UnsafeRawBufferPointer) -> (offset: Int, score: Double)? {
        var o = lp.first
        while let m = o {
            let s = lp.next(m)!
            if lp.elementEquals(at: m, member) { return (m, ZSetValue.lpScore(lp, s)) }
            o = lp.next(s)
        }
        return nil
    }

    /// Inserts (member, score) at its ordered place; the member must be absent.
    private func lpInsert(_ member: UnsafeRawBufferPointer, _ score: Double) {
        var at: Int? = nil
        let lp = listpack!
        var o = lp.first
        while let m = o {
            let s = lp.next(m)!
            let sc = ZSetValue.lpScore(lp, s)
            if sc > score || (sc == score && lp.withElementBytes(at: m, { LexRange.compare($0, Array(member)) }) > 0) {
                at = m
                break
            }
            o = lp.next(s)
        }
        ZSetValue.withScoreText(score) { text in
            accounted { lp in
                let pos = at ?? lp.totalBytes - 1
                let next = lp.insert(member, at: pos)
                _ = lp.insert(text, at: lp.next(next) ?? lp.totalBytes - 1)
            }
        }
    }

    private func lpDelete(at memberOffset: Int) {
        accounted { $0.delete(at: memberOffset, count: 2) }
    }

    // MARK: - Reading

    public func score(of member: UnsafeRawBufferPointer) -> Double? {
        if let lp = listpack { return lpFind(lp, member)?.score }
        return skiplist!.score(of: member)
    }

    /// 0-based rank of `member` counting from the lowest (or, `reverse`, the highest).
    public func rank(of member: UnsafeRawBufferPointer, reverse: Bool) -> Int? {
        if let lp = listpack {
            var rank = 0
            var o = lp.first
            while let m = o {
                if lp.elementEquals(at: m, member) { return reverse ? count - 1 - rank : rank }
                rank += 1
                o = lp.next(lp.next(m)!)
            }
            return nil
        }
        let sl = skiplist!
        guard let score = sl.score(of: member) else { return nil }
        let r = sl.rank(score: score, member: member)
        return reverse ? sl.length - r : r - 1
    }

    /// Walks from rank `start` (0-based, counted from the lowest or, `reverse`, the
    /// highest) in that direction; `body` returns false to stop.
    public func forEach(fromRank start: Int = 0, reverse: Bool = false,
                        _ body: (UnsafeRawBufferPointer, Double) -> Bool) {
        guard start >= 0 && start < count else { return }
        if let lp = listpack {
            if !reverse {
                var o = lp.first
                for _ in 0..<start { o = lp.next(lp.next(o!)!) }
                while let m = o {
                    let s = lp.next(m)!
                    if !lp.withElementBytes(at: m, { body($0, ZSetValue.lpScore(lp, s)) }) { return }
                    o = lp.next(s)
                }
            } else {
                var s = lp.last
                for _ in 0..<start { s = lp.previous(lp.previous(s!)!) }
                while let so = s {
                    let m = lp.previous(so)!
                    if !lp.withElementBytes(at: m, { body($0, ZSetValue.lpScore(lp, so)) }) { return }
                    s = lp.previous(m)
                }
            }
            return
        }
        let sl = skiplist!
        var node = sl.node(atRank: reverse ? sl.length - start : start + 1)
        while let n = node {
            if !body(ZSkiplist.member(n), ZSkiplist.score(n)) { return }
            node = reverse ? ZSkiplist.backward(n) : ZSkiplist.forward(n, 0)
        }
    }

    /// The rank (0-based, in the walk's direction) of the first element inside the
    /// score range, walking from the lowest or (`reverse`) the highest; nil if none.
    public func firstRank(in r: ScoreRange, reverse: Bool) -> Int? {
        if r.isEmpty { return nil }
        if listpack != nil {
            var rank = 0, found: Int? = nil
            forEach(reverse: reverse) { _, s in
                if r.contains(s) { found = rank; return false }
                // Walking away from the range: nothing further can match.
                if reverse ? !r.aboveMin(s) : !r.belowMax(s) { return false }
                rank += 1
                return true
            }
            return found
        }
        let sl = skiplist!
        guard let n = reverse ? sl.lastInRange(r) : sl.firstInRange(r) else { return nil }
        let rank = sl.rank(score: ZSkiplist.score(n), member: ZSkiplist.member(n))
        return reverse ? sl.length - rank : rank - 1
    }

    /// Like `firstRank(in:)` for a lexicographic range.
    public func firstRank(in r: LexRange, reverse: Bool) -> Int? {
        if r.isEmpty { return nil }
        if listpack != nil {
            var rank = 0, found: Int? = nil
            forEach(reverse: reverse) { m, _ in
                if r.contains(m) { found = rank; return false }
                if reverse ? !r.aboveMin(m) : !r.belowMax(m) { return false }
                rank += 1
                return true
            }
            return found
        }
        let sl = skiplist!
        guard let n = reverse ? sl.lastInLexRange(r) : sl.firstInLexRange(r) else { return nil }
        let rank = sl.rank(score: ZSkiplist.score(n), member: ZSkiplist.member(n))
        return reverse ? sl.length - rank : rank - 1
    }

    /// How many elements fall in the score range (ZCOUNT).
    public func count(in r: ScoreRange) -> Int {
        guard let first = firstRank(in: r, reverse: false), let last = firstRank(in: r, reverse: true) else { return 0 }
        return count - last - first
    }

    /// How many elements fall in the lexicographic range (ZLEXCOUNT).
    public func count(in r: LexRange) -> Int {
        guard let first = firstRank(in: r, reverse: false), let last = firstRank(in: r, reverse: true) else { return 0 }
        return count - last - first
    }

    /// A uniformly random element (the set must not be empty).
    public func withRandomElement<R>(_ body: (UnsafeRawBufferPointer, Double) -> R) -> R {
        if let lp = listpack {
            var o = lp.first!
            for _ in 0..<FastRandom.below(lp.count / 2) { o = lp.next(lp.next(o)!)! }
            let s = lp.next(o)!
            return lp.withElementBytes(at: o) { body($0, ZSetValue.lpScore(lp, s)) }
        }
        let e = skiplist!.table.randomEntry()!
        return body(e.key, ZSkiplist.score(e.raw))
    }

    /// One ZSCAN step: a listpack is returned whole (cursor 0), a skiplist's table
    /// walked by cursor.
    public func scan(cursor: UInt64, _ visit: (UnsafeRawBufferPointer, Double) -> Void) -> UInt64 {
        if listpack != nil {
            forEach { m, s in visit(m, s); return true }
            return 0
        }
        return skiplist!.table.scan(cursor: cursor) { e in visit(e.key, ZSkiplist.score(e.raw)) }
    }

    // MARK: - Writing

    /// Sets `member`'s score, adding it if absent; converts the encoding when the
    /// limits require. Returns true when the member is new.
    @discardableResult
    public func set(_ member: UnsafeRawBufferPointer, score: Double, limits: Limits) -> Bool {
        if let lp = listpack {
            if let (off, old) = lpFind(lp, member) {
                if old == score { return false }
                lpDelete(at: off)
                lpInsert(member, score)
                return false
            }
            if count + 1 > limits.maxEntries || member.count > limits.maxValue {
                convertToSkiplist()
            } else {
                lpInsert(member, score)
                return true
            }
        }
        let sl = skiplist!
        if let node = sl.find(member) {
            sl.updateScore(node, to: score)
            return false
        }
        sl.insert(member, score: score)
        return true
    }

    /// ZADD's options (Redis's ZADD_IN_* flags).
    public struct AddFlags: OptionSet {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let nx = AddFlags(rawValue: 1), xx = AddFlags(rawValue: 2), gt = AddFlags(rawValue: 4)
        public static let lt = AddFlags(rawValue: 8), incr = AddFlags(rawValue: 16), ch = AddFlags(rawValue: 32)
    }

    public enum AddOutcome { case added, updated, nop, nan }

    /// Redis's zsetAdd: applies one (score, member) under the flags with one lookup of
    /// the member; `newScore` gets the resulting score.
    public func add(_ member: UnsafeRawBufferPointer, _ score: Double, _ f: AddFlags, limits: Limits,
                    newScore: inout Double) -> AddOutcome {
        /// The flags' verdict on an existing member: nil to leave it, else its new score.
        func updated(_ cur: Double) -> Double?? {
            if f.contains(.nx) { return .some(nil) }
            var s = score
            if f.contains(.incr) {
                s += cur
                if s.isNaN { return nil }
            }
            if (f.contains(.lt) && s >= cur) || (f.contains(.gt) && s <= cur) { return .some(nil) }
            return .some(s)
        }
        if let lp = listpack {
            if let (off, cur) = lpFind(lp, member) {
                guard let verdict = updated(cur) else { return .nan }
                guard let s = verdict else { return .nop }
                newScore = s
                if s == cur { return .nop }
                lpDelete(at: off)
                lpInsert(member, s)
                return .updated
            }
            if f.contains(.xx) { return .nop }
            newScore = score
            if count + 1 > limits.maxEntries || member.count > limits.maxValue {
                convertToSkiplist()
                skiplist!.insert(member, score: score, hash: KeyHash.hash(member))
            } else {
                lpInsert(member, score)
            }
            return .added
        }
        let sl = skiplist!
        let h = KeyHash.hash(member)
        if let node = sl.table.find(member, hash: h)?.raw {
            let cur = ZSkiplist.score(node)
            guard let verdict = updated(cur) else { return .nan }
            guard let s = verdict else { return .nop }
            newScore = s
            if s == cur { return .nop }
            sl.updateScore(node, to: s)
            return .updated
        }
        if f.contains(.xx) { return .nop }
        newScore = score
        sl.insert(member, score: score, hash: h)
        return .added
    }

    /// Removes `member`; true when it was there.
    @discardableResult
    public func remove(_ member: UnsafeRawBufferPointer) -> Bool {
        if let lp = listpack {
            guard let (off, _) = lpFind(lp, member) else { return false }
            lpDelete(at: off)
            return true
        }
        return skiplist!.delete(member)
    }

    /// Removes the elements of ranks `start...end` (0-based, ascending); returns how many.
    public func removeRange(ranks start: Int, _ end: Int) -> Int {
        let n = end - start + 1
        if n <= 0 { return 0 }
        if let lp = listpack {
            var o = lp.first!
            for _ in 0..<start { o = lp.next(lp.next(o)!)! }
            accounted { $0.delete(at: o, count: 2 * n) }
            return n
        }
        return skiplist!.deleteRange(ranks: start + 1, end + 1)
    }

    /// Removes every element in the score range; returns how many.
    public func removeRange(_ r: ScoreRange) -> Int {
        guard let first = firstRank(in: r, reverse: false) else { return 0 }
        let last = count - 1 - firstRank(in: r, reverse: true)!
        return removeRange(ranks: first, last)
    }

    /// Removes every element in the lexicographic range; returns how many.
    public func removeRange(_ r: LexRange) -> Int {
        guard let first = firstRank(in: r, reverse: false) else { return 0 }
        let last = count - 1 - firstRank(in: r, reverse: true)!
        return removeRange(ranks: first, last)
    }

    /// Listpack → skiplist (never back, except where 7.0 builds a new value).
    func convertToSkiplist() {
        guard let lp = listpack else { return }
        let sl = ZSkiplist(meter: meter, expected: lp.count / 2)
        var o = lp.first
        while let m = o {
            let s = lp.next(m)!
            let score = ZSetValue.lpScore(lp, s)
            lp.withElementBytes(at: m) { sl.insert($0, score: score) }
            o = lp.next(s)
        }
        meter.bytes -= lp.allocatedBytes
        lp.free()
        listpack = nil
        skiplist = sl
    }

    /// Skiplist → listpack when the contents fit the limits (what 7.0 does for the
    /// values the STORE commands build: zsetConvertToListpackIfNeeded).
    func convertToListpackIfFits(_ limits: Limits) {
        guard let sl = skiplist, sl.length <= limits.maxEntries else { return }
        var longest = 0
        forEach { m, _ in longest = max(longest, m.count); return longest <= limits.maxValue }
        if longest > limits.maxValue { return }
        var lp = Listpack()
        forEach { m, s in
            lp.append(m)
            ZSetValue.withScoreText(s) { lp.append($0) }
            return true
        }
        skiplist = nil
        listpack = lp
        meter.bytes += lp.allocatedBytes
    }

    // MARK: - StoredObject

    public func duplicate() -> ZSetValue {
        if let lp = listpack { return ZSetValue(meter: meter, adopting: lp.duplicate()) }
        let copy = ZSetValue(meter: meter)
        copy.convertToSkiplist()
        // From the highest down: each insert stops at the head.
        forEach(reverse: true) { m, s in copy.skiplist!.insert(m, score: s); return true }
        return copy
    }

    public func memoryUsage(samples: Int) -> Int {
        if let lp = listpack { return lp.allocatedBytes }
        let sl = skiplist!
        var sampled = 0, bytes = 0
        var node = sl.node(atRank: 1)
        while let n = node, sampled < max(samples, 1) {
            bytes += apus_malloc_usable_size(n)
            sampled += 1
            node = ZSkiplist.forward(n, 0)
        }
        return (sampled == 0 ? 0 : bytes * sl.length / sampled) + sl.table.memoryBytes + ZSkiplist.headerBytes
    }

    public var freeEffort: Int { listpack != nil ? 1 : skiplist!.length }

    public var isStreamedBySnapshot: Bool { skiplist?.snapshotStream != nil }

    public func surrenderCompactBlock() -> UnsafeMutableRawPointer? {
        guard let b = listpack?.base else { return nil }
        listpack = nil
        return UnsafeMutableRawPointer(b)
    }

    /// A value around a compact block an entry kept (already counted in `meter`).
    init(meter: MemoryMeter, reclaiming block: UnsafeMutableRawPointer) {
        self.meter = meter
        listpack = Listpack(adoptingBase: block.assumingMemoryBound(to: UInt8.self))
    }

    public func detachMeter(_ m: MemoryMeter) {
        meter = m
        skiplist?.detachMeter(m)
    }

    /// Redis's xorObjectDigest for sorted sets: each member mixed with its score
    /// (formatted "%.17g"), the results xor-ed.
    public func digest(into d: inout DebugDigest) {
        forEach { m, s in
            var ele = DebugDigest()
            ele.mix(m)
            ele.mix(Numbers.formatDouble(s))
            d.xor(ele.bytes)
            return true
        }
    }
}

// MARK: - Skiplist

/// Redis's skiplist (zskiplist) with its nodes stored as KeyTable entries (member →
/// node), so the member index and the order share one allocation per member.
final class ZSkiplist {
    static let maxLevel = 32
    static let levelBytes = 12
    static let headerBytes = maxLevel * levelBytes

    let table: KeyTable
    private(set) var meter: MemoryMeter
    /// The header's level array (forward pointers and spans only).
    let header: UnsafeMutableRawPointer
    var tail: UnsafeMutableRawPointer?
    var level = 1
    var length = 0
    /// Set while a BGSAVE sends this sorted set member by member (see Snapshot).
    unowned(unsafe) var snapshotStream: CollectionStream?

    init(meter: MemoryMeter, expected: Int) {
        self.meter = meter
        table = KeyTable(meter: meter)
        if expected > 0 { table.expand(to: expected) }
        header = calloc(1, ZSkiplist.headerBytes)!
        meter.bytes += apus_malloc_usable_size(header)
    }

    deinit {
        meter.bytes -= apus_malloc_usable_size(header)
        free(header)
        table.removeAllAndFree()
    }

    func detachMeter(_ m: MemoryMeter) {
        meter = m
        table.detachMeter(m)
    }

    // MARK: Node fields

    @inline(__always) static func valueArea(_ n: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer {
        n + KeyEntry(n).valueOffset
    }
    @inline(__always) static func member(_ n: UnsafeMutableRawPointer) -> UnsafeRawBufferPointer { KeyEntry(n).key }
    @inline(__always) static func score(_ n: UnsafeMutableRawPointer) -> Double {
        valueArea(n).loadUnaligned(as: Double.self)
    }
    @inline(__always) static func setScore(_ n: UnsafeMutableRawPointer, _ s: Double) {
        valueArea(n).storeBytes(of: s, as: Double.self)
    }
    @inline(__always) static func backward(_ n: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: valueArea(n).loadUnaligned(fromByteOffset: 8, as: UInt.self))
    }
    @inline(__always) static func setBackward(_ n: UnsafeMutableRawPointer, _ b: UnsafeMutableRawPointer?) {
        valueArea(n).storeBytes(of: UInt(bitPattern: b), toByteOffset: 8, as: UInt.self)
    }
    @inline(__always) static func levelCount(_ n: UnsafeMutableRawPointer) -> Int {
        Int(valueArea(n).loadUnaligned(fromByteOffset: 16, as: UInt32.self))
    }
    /// The level array of a node (after the fixed fields).
    @inline(__always) static func levels(_ n: UnsafeMutableRawPointer) -> UnsafeMutableRawPointer { valueArea(n) + 20 }

    @inline(__always) static func forward(at levels: UnsafeMutableRawPointer, _ i: Int) -> UnsafeMutableRawPointer? {
        UnsafeMutableRawPointer(bitPattern: levels.loadUnaligned(fromByteOffset: i * levelBytes, as: UInt.self))
    }
    @inline(__always) static func setForward(at levels: UnsafeMutableRawPointer, _ i: Int, _ p: UnsafeMutableRawPointer?) {
        levels.storeBytes(of: UInt(bitPattern: p), toByteOffset: i * levelBytes, as: UInt.self)
    }
    @inline(__always) static func span(at levels: UnsafeMutableRawPointer, _ i: Int) -> Int {
        Int(levels.loadUnaligned(fromByteOffset: i * levelBytes + 8, as: UInt32.self))
    }
    @inline(__always) static func setSpan(at levels: UnsafeMutableRawPointer, _ i: Int, _ s: Int) {
        levels.storeBytes(of: UInt32(truncatingIfNeeded: s), toByteOffset: i * levelBytes + 8, as: UInt32.self)
    }
    @inline(__always) static func forward(_ n: UnsafeMutableRawPointer, _ i: Int) -> UnsafeMutableRawPointer? {
        forward(at: levels(n), i)
    }

    /// (score, member) ordering: true when node `n` sorts before (score, member).
    @inline(__always) static func before(_ n: UnsafeMutableRawPointer, _ score: Double, _ member: UnsafeRawBufferPointer) -> Bool {
        let s = ZSkiplist.score(n)
        if s != score { return s < score }
        return compareMembers(ZSkiplist.member(n), member) < 0
    }

    @inline(__always) static func compareMembers(_ a: UnsafeRawBufferPointer, _ b: UnsafeRawBufferPointer) -> Int {
        let n = min(a.count, b.count)
        let r = n == 0 ? 0 : memcmp(a.baseAddress!, b.baseAddress!, n)
        return r != 0 ? Int(r) : a.count - b.count
    }

    static func randomLevel() -> Int {
        var l = 1
        while l < maxLevel && (FastRandom.next() & 0xFFFF) < 0x3FFF { l += 1 }
        return l
    }

    // MARK: Operations

    func find(_ member: UnsafeRawBufferPointer) -> UnsafeMutableRawPointer? {
        table.find(member, hash: KeyHash.hash(member))?.raw
    }

    func score(of member: UnsafeRawBufferPointer) -> Double? {
        find(member).map { ZSkiplist.score($0) }
    }

    /// Adds a member that is not present.
    func insert(_ member: UnsafeRawBufferPointer, score: Double) {
        insert(member, score: score, hash: KeyHash.hash(member))
    }

    /// Adds a member that is not present, its hash already computed.
    func insert(_ member: UnsafeRawBufferPointer, score: Double, hash: UInt64) {
        let lvl = ZSkiplist.randomLevel()
        let e = KeyEntry.allocate(key: member, valueBytes: 20 + lvl * ZSkiplist.levelBytes, withExpire: false,
                                  version: CollectionStream.newElementVersion(snapshotStream), meter: meter)
        e.encoding = .raw
        let n = e.raw
        ZSkiplist.setScore(n, score)
        ZSkiplist.valueArea(n).storeBytes(of: UInt32(lvl), toByteOffset: 16, as: UInt32.self)
        link(n, levelCount: lvl)
        table.add(e, hash: hash)
    }

    /// Links node `n` (score and member set, `lvl` levels) into the order (zslInsert).
    private func link(_ n: UnsafeMutableRawPointer, levelCount lvl: Int) {
        let score = ZSkiplist.score(n), member = ZSkiplist.member(n)
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: ZSkiplist.maxLevel) { update in
        withUnsafeTemporaryAllocation(of: Int.self, capacity: ZSkiplist.maxLevel) { rank in
            // `update[i]` is the level array of the last node before `n` at level i; the
            // walk reads each node's value area once (score, then its levels).
            var x: UnsafeMutableRawPointer? = nil
            var xl = header
            for i in stride(from: level - 1, through: 0, by: -1) {
                rank[i] = i == level - 1 ? 0 : rank[i + 1]
                while let f = ZSkiplist.forward(at: xl, i) {
                    let fv = ZSkiplist.valueArea(f)
                    let fs = fv.loadUnaligned(as: Double.self)
                    if !(fs < score || (fs == score && ZSkiplist.compareMembers(ZSkiplist.member(f), member) < 0)) { break }
                    rank[i] += ZSkiplist.span(at: xl, i)
                    x = f
                    xl = fv + 20
                }
                update[i] = xl
            }
            let before0 = x
            if lvl > level {
                for i in level..<lvl {
                    rank[i] = 0
                    update[i] = header
                    ZSkiplist.setSpan(at: header, i, length)
                }
                level = lvl
            }
            let nl = ZSkiplist.levels(n)
            for i in 0..<lvl {
                let ul = update[i]
                ZSkiplist.setForward(at: nl, i, ZSkiplist.forward(at: ul, i))
                ZSkiplist.setForward(at: ul, i, n)
                ZSkiplist.setSpan(at: nl, i, ZSkiplist.span(at: ul, i) - (rank[0] - rank[i]))
                ZSkiplist.setSpan(at: ul, i, rank[0] - rank[i] + 1)
            }
            if lvl < level {
                for i in lvl..<level { ZSkiplist.setSpan(at: update[i], i, ZSkiplist.span(at: update[i], i) + 1) }
            }
            ZSkiplist.setBackward(n, before0)
            if let f = ZSkiplist.forward(at: nl, 0) { ZSkiplist.setBackward(f, n) } else { tail = n }
            length += 1
        }
        }
    }

    /// Unlinks node `n` from the order; it stays in the table (zslDeleteNode).
    private func unlink(_ n: UnsafeMutableRawPointer) {
        let score = ZSkiplist.score(n), member = ZSkiplist.member(n)
        withUnsafeTemporaryAllocation(of: UnsafeMutableRawPointer.self, capacity: ZSkiplist.maxLevel) { update in
            var xl = header
            for i in stride(from: level - 1, through: 0, by: -1) {
                while let f = ZSkiplist.forward(at: xl, i), f != n {
                    let fv = ZSkiplist.valueArea(f)
                    let fs = fv.loadUnaligned(as: Double.self)
                    if !(fs < score || (fs == score && ZSkiplist.compareMembers(ZSkiplist.member(f), member) < 0)) { break }
                    xl = fv + 20
                }
                update[i] = xl
            }
            let nl = ZSkiplist.levels(n)
            for i in 0..<level {
                let ul = update[i]
                if ZSkiplist.forward(at: ul, i) == n {
                    ZSkiplist.setSpan(at: ul, i, ZSkiplist.span(at: ul, i) + ZSkiplist.span(at: nl, i) - 1)
                    ZSkiplist.setForward(at: ul, i, ZSkiplist.forward(at: nl, i))
                } else {
                    ZSkiplist.setSpan(at: ul, i, ZSkiplist.span(at: ul, i) - 1)
                }
            }
            if let f = ZSkiplist.forward(at: nl, 0) { ZSkiplist.setBackward(f, ZSkiplist.backward(n)) } else { tail = ZSkiplist.backward(n) }
            while level > 1 && ZSkiplist.forward(at: header, level - 1) == nil { level -= 1 }
            length -= 1
        }
    }

    func delete(_ member: UnsafeRawBufferPointer) -> Bool {
        guard let n = find(member) else { return false }
        snapshotStream?.willChange(KeyEntry(n))
        unlink(n)
        let e = table.remove(member, hash: KeyHash.hash(member))!
        e.free(meter: meter)
        table.resizeIfNeeded()
        return true
    }

    /// Moves node `n` to `score`, in place when its neighbours allow (zslUpdateScore).
    func updateScore(_ n: UnsafeMutableRawPointer, to score: Double) {
        snapshotStream?.willChange(KeyEntry(n))
        let back = ZSkiplist.backward(n), next = ZSkiplist.forward(n, 0)
        if (back == nil || ZSkiplist.score(back!) < score) && (next == nil || ZSkiplist.score(next!) > score) {
            ZSkiplist.setScore(n, score)
            return
        }
        unlink(n)
        ZSkiplist.setScore(n, score)
        link(n, levelCount: ZSkiplist.levelCount(n))
    }

    /// 1-based rank of the element (score, member), which must be present.
    func rank(score: Double, member: UnsafeRawBufferPointer) -> Int {
        var rank = 0
        var xLevels = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let f = ZSkiplist.forward(at: xLevels, i),
                  ZSkiplist.before(f, score, member) || (ZSkiplist.score(f) == score && ZSkiplist.compareMembers(ZSkiplist.member(f), member) == 0) {
                rank += ZSkiplist.span(at: xLevels, i)
                if ZSkiplist.score(f) == score && ZSkiplist.compareMembers(ZSkiplist.member(f), member) == 0 { return rank }
                xLevels = ZSkiplist.levels(f)
            }
        }
        return rank
    }

    /// The node of 1-based rank `r`, nil outside 1...length.
    func node(atRank r: Int) -> UnsafeMutableRawPointer? {
        guard r >= 1 && r <= length else { return nil }
        var traversed = 0
        var xLevels = header
        var x: UnsafeMutableRawPointer? = nil
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let f = ZSkiplist.forward(at: xLevels, i), traversed + ZSkiplist.span(at: xLevels, i) <= r {
                traversed += ZSkiplist.span(at: xLevels, i)
                x = f
                xLevels = ZSkiplist.levels(f)
            }
            if traversed == r { return x }
        }
        return nil
    }

    /// The first node inside a range given by its two bound tests (zslNthInRange's
    /// walk): nodes are ordered, so everything before it fails `aboveMin`.
    @inline(__always)
    private func first(aboveMin: (UnsafeMutableRawPointer) -> Bool,
                       belowMax: (UnsafeMutableRawPointer) -> Bool) -> UnsafeMutableRawPointer? {
        guard let last = tail, aboveMin(last) else { return nil }
        var xLevels = header
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let f = ZSkiplist.forward(at: xLevels, i), !aboveMin(f) { xLevels = ZSkiplist.levels(f) }
        }
        guard let n = ZSkiplist.forward(at: xLevels, 0), belowMax(n) else { return nil }
        return n
    }

    /// The last node inside the range: everything after it fails `belowMax`.
    @inline(__always)
    private func last(aboveMin: (UnsafeMutableRawPointer) -> Bool,
                      belowMax: (UnsafeMutableRawPointer) -> Bool) -> UnsafeMutableRawPointer? {
        guard let first = ZSkiplist.forward(at: header, 0), belowMax(first) else { return nil }
        var xLevels = header
        var x: UnsafeMutableRawPointer? = nil
        for i in stride(from: level - 1, through: 0, by: -1) {
            while let f = ZSkiplist.forward(at: xLevels, i), belowMax(f) {
                x = f
                xLevels = ZSkiplist.levels(f)
            }
        }
        guard let n = x, aboveMin(n) else { return nil }
        return n
    }

    func firstInRange(_ r: ScoreRange) -> UnsafeMutableRawPointer? {
        first(aboveMin: { r.aboveMin(ZSkiplist.score($0)) }, belowMax: { r.belowMax(ZSkiplist.score($0)) })
    }

    func lastInRange(_ r: ScoreRange) -> UnsafeMutableRawPointer? {
        last(aboveMin: { r.aboveMin(ZSkiplist.score($0)) }, belowMax: { r.belowMax(ZSkiplist.score($0)) })
    }

    func firstInLexRange(_ r: LexRange) -> UnsafeMutableRawPointer? {
        first(aboveMin: { r.aboveMin(ZSkiplist.member($0)) }, belowMax: { r.belowMax(ZSkiplist.member($0)) })
    }

    func lastInLexRange(_ r: LexRange) -> UnsafeMutableRawPointer? {
        last(aboveMin: { r.aboveMin(ZSkiplist.member($0)) }, belowMax: { r.belowMax(ZSkiplist.member($0)) })
    }

    /// Deletes 1-based ranks `start...end`; returns how many.
    func deleteRange(ranks start: Int, _ end: Int) -> Int {
        var removed = 0
        var n = node(atRank: start)
        while let x = n, removed < end - start + 1 {
            n = ZSkiplist.forward(x, 0)
            let member = Array(ZSkiplist.member(x))
            _ = member.withUnsafeBytes { delete($0) }
            removed += 1
        }
        return removed
    }
}
