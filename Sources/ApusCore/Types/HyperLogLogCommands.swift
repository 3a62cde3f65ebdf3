// The HyperLogLog commands (Redis's hyperloglog.c): PFADD, PFCOUNT, PFMERGE, PFDEBUG and
// PFSELFTEST over string values in Redis's exact representation (Keyspace/
// HyperLogLog.swift). Dense values are updated in place; sparse ones (at most
// hll-sparse-max-bytes) are edited as a copy and written back. PFCOUNT of one key
// stores the estimate in the header, which is a change: like 7.0 it dirties the
// dataset and is propagated, though the command is read-only.

import Glibc

enum HyperLogLogCommands {
    /// The value of a valid HLL at `e`, or nil after replying WRONGTYPE (not a string,
    /// or not an HLL) as Redis's isHLLObjectOrReply.
    static func checkHLL(_ c: Client, _ e: KeyEntry) -> Bool {
        guard c.checkType(e, .string) else { return false }
        if e.isInt || !HyperLogLog.isValid(e.stringBytes) {
            c.addReplyError(HyperLogLog.notHLL)
            return false
        }
        return true
    }

    /// Writes `v` as the whole value of the string entry `e` (TTL and access time kept).
    @discardableResult
    static func store(_ c: Client, _ e: KeyEntry, _ v: [UInt8]) -> KeyEntry {
        let (n, _) = c.db.prepareStringEdit(e, minLength: v.count, greedy: false)
        v.withUnsafeBytes { n.mutableValue.copyMemory(from: $0.baseAddress!, byteCount: v.count) }
        n.valueLength = v.count
        return n
    }

    static func pfadd(_ c: Client) {
        let maxBytes = c.server.config.hllSparseMaxBytes
        guard let e = c.lookupWrite(1) else {
            var v = HyperLogLog.empty()
            guard let n = HyperLogLog.add(&v, { c.arg($0 + 2) }, count: c.argc - 2, maxBytes: maxBytes) else {
                c.addReplyError(HyperLogLog.corrupted)
                return
            }
            HyperLogLog.invalidateCache(&v)
            let ne = v.withUnsafeBytes { c.db.setString(c.arg(1), .raw($0), now: c.server.mstime, event: .none) }
            // Creating the key counts as one change, each raised register as another.
            c.db.signalModified(ne, changes: 1 + n, event: .pfadd)
            c.addReplyInteger(1)
            return
        }
        guard checkHLL(c, e) else { return }
        var updated = 0
        if e.stringBytes[4] == HyperLogLog.dense {
            // In place: 16384 registers, no copy.
            let (w, _) = c.db.prepareStringEdit(e, minLength: 0)
            let regs = w.mutableValue.assumingMemoryBound(to: UInt8.self) + HyperLogLog.headerSize
            for k in 2..<c.argc {
                let (i, run) = HyperLogLog.registerAndRun(c.arg(k))
                if HyperLogLog.denseRaise(regs, i, run) { updated += 1 }
            }
            if updated > 0 {
                HyperLogLog.invalidateCache(w.mutableValue)
                c.db.signalModified(w, changes: updated, event: .pfadd)
            }
        } else {
            var v = Array(e.stringBytes)
            guard let n = HyperLogLog.add(&v, { c.arg($0 + 2) }, count: c.argc - 2, maxBytes: maxBytes) else {
                c.addReplyError(HyperLogLog.corrupted)
                return
            }
            updated = n
            if updated > 0 {
                HyperLogLog.invalidateCache(&v)
                let w = store(c, e, v)
                c.db.signalModified(w, changes: updated, event: .pfadd)
            }
        }
        c.addReplyInteger(updated > 0 ? 1 : 0)
    }

    static func pfcount(_ c: Client) {
        if c.argc > 2 {
            // The union's estimate: registers maxed over every key, nothing stored.
            var maxima = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
            for i in 1..<c.argc {
                guard let e = c.lookupRead(i) else { continue }
                guard checkHLL(c, e) else { return }
                if !HyperLogLog.merge(into: &maxima, e.stringBytes) {
                    c.addReplyError(HyperLogLog.corrupted)
                    return
                }
            }
            c.addReplyInteger(Int64(bitPattern: HyperLogLog.estimate(HyperLogLog.histogram(registers: maxima))))
            return
        }
        guard let e = c.lookupRead(1) else { c.addReplyInteger(0); return }
        guard checkHLL(c, e) else { return }
        if let card = HyperLogLog.cachedCardinality(e.stringBytes) {
            c.addReplyInteger(Int64(bitPattern: card))
            return
        }
        guard let h = HyperLogLog.histogram(e.stringBytes) else {
            c.addReplyError(HyperLogLog.corrupted)
            return
        }
        let card = HyperLogLog.estimate(h)
        let (w, _) = c.db.prepareStringEdit(e, minLength: 0)
        HyperLogLog.storeCardinality(w.mutableValue, card)
        c.db.signalModified(w, event: .none)
        c.addReplyInteger(Int64(bitPattern: card))
    }

    static func pfmerge(_ c: Client) {
        var maxima = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        var useDense = false
        for i in 1..<c.argc {
            guard let e = c.lookupRead(i) else { continue }
            guard checkHLL(c, e) else { return }
            if e.stringBytes[4] == HyperLogLog.dense { useDense = true }
            if !HyperLogLog.merge(into: &maxima, e.stringBytes) {
                c.addReplyError(HyperLogLog.corrupted)
                return
            }
        }
        let existing = c.lookupWrite(1)
        var v = existing.map { Array($0.stringBytes) } ?? HyperLogLog.empty()
        if useDense && v[4] == HyperLogLog.sparse {
            guard let d = v.withUnsafeBytes({ HyperLogLog.sparseToDense($0) }) else {
                c.addReplyError(HyperLogLog.corrupted)
                return
            }
            v = d
        }
        let maxBytes = c.server.config.hllSparseMaxBytes
        for j in 0..<HyperLogLog.registerCount where maxima[j] != 0 {
            // As in Redis, a failure here (a corrupted destination) is not reported.
            _ = HyperLogLog.raise(&v, index: j, to: maxima[j], maxBytes: maxBytes)
        }
        HyperLogLog.invalidateCache(&v)
        let w: KeyEntry
        if let e = existing {
            w = store(c, e, v)
        } else {
            w = v.withUnsafeBytes { c.db.setString(c.arg(1), .raw($0), now: c.server.mstime, event: .none) }
        }
        c.db.signalModified(w, event: .pfadd)
        c.addReplyOK()
    }

    // MARK: - Debugging

    static func pfdebug(_ c: Client) {
        guard let e = c.lookupWrite(2) else {
            c.addReplyError("ERR The specified key does not exist")
            return
        }
        guard checkHLL(c, e) else { return }
        let sub = String(decoding: c.arg(1), as: UTF8.self)
        func arityError() { c.addReplyError("ERR Wrong number of arguments for the '\(sub)' subcommand") }
        /// Converts a sparse value to dense in place; false after the corruption reply.
        func toDense() -> (KeyEntry, Bool)? {
            if e.stringBytes[4] == HyperLogLog.dense { return (e, false) }
            guard let d = HyperLogLog.sparseToDense(e.stringBytes) else {
                c.addReplyError(HyperLogLog.corrupted)
                return nil
            }
            let w = store(c, e, d)
            // The encoding change is a change, so it propagates (Redis forces it too).
            c.db.signalModified(w, event: .none)
            return (w, true)
        }
        if c.argEquals(1, "getreg") {
            if c.argc != 3 { arityError(); return }
            guard let (w, _) = toDense() else { return }
            let regs = UnsafePointer((w.stringBytes.baseAddress! + HyperLogLog.headerSize).assumingMemoryBound(to: UInt8.self))
            c.addReplyArrayLen(HyperLogLog.registerCount)
            for j in 0..<HyperLogLog.registerCount { c.addReplyInteger(Int(HyperLogLog.denseGet(regs, j))) }
        } else if c.argEquals(1, "decode") {
            if c.argc != 3 { arityError(); return }
            let v = e.stringBytes
            if v[4] != HyperLogLog.sparse { c.addReplyError("ERR HLL encoding is not sparse"); return }
            var parts: [String] = []
            var p = HyperLogLog.headerSize
            while p < v.count {
                let b = v[p]
                let (zero, run, value, len) = HyperLogLog.opcode(v, p)
                if !zero { parts.append("v:\(value),\(run)") }
                else { parts.append(b & 0xC0 == 0x40 ? "Z:\(run)" : "z:\(run)") }
                p += len
            }
            c.addReplyBulkString(parts.joined(separator: " "))
        } else if c.argEquals(1, "encoding") {
            if c.argc != 3 { arityError(); return }
            c.addReplyStatus(e.stringBytes[4] == HyperLogLog.dense ? "dense" : "sparse")
        } else if c.argEquals(1, "todense") {
            if c.argc != 3 { arityError(); return }
            guard let (_, converted) = toDense() else { return }
            c.addReplyInteger(converted ? 1 : 0)
        } else {
            c.addReplyError("ERR Unknown PFDEBUG subcommand '\(sub)'")
        }
    }

    /// PFSELFTEST: the register packing round-trips random values, and a sparse and a
    /// dense HLL fed the same ten million elements agree with each other and stay
    /// within six standard errors at each power of ten.
    static func pfselftest(_ c: Client) {
        var dense = [UInt8](repeating: 0, count: HyperLogLog.denseSize)
        dense[4] = HyperLogLog.dense
        // Sixteen million draws: a SplitMix64 seeded once, not a system call per draw.
        var rng = SplitMix64(seed: UInt64.random(in: 0...UInt64.max))
        var check = [UInt8](repeating: 0, count: HyperLogLog.registerCount)
        for _ in 0..<1000 {
            let failed: String? = dense.withUnsafeMutableBufferPointer { d in
                let regs = d.baseAddress! + HyperLogLog.headerSize
                for i in 0..<HyperLogLog.registerCount {
                    let r = UInt8.random(in: 0...63, using: &rng)
                    check[i] = r
                    HyperLogLog.denseSet(regs, i, r)
                }
                for i in 0..<HyperLogLog.registerCount {
                    let got = HyperLogLog.denseGet(UnsafePointer(regs), i)
                    if got != check[i] { return "TESTFAILED Register \(i) should be \(check[i]) but is \(got)" }
                }
                return nil
            }
            if let f = failed { c.addReplyError("ERR " + f); return }
        }
        for k in HyperLogLog.headerSize..<dense.count { dense[k] = 0 }
        var sparse = HyperLogLog.empty()
        let relerr = 1.04 / Double(HyperLogLog.registerCount).squareRoot()
        var checkpoint = 1
        let seed = UInt64.random(in: 0...UInt64.max, using: &rng)
        let maxBytes = c.server.config.hllSparseMaxBytes
        for j in 1...10_000_000 {
            var ele = UInt64(j) ^ seed
            let (index, run) = withUnsafeBytes(of: &ele) { HyperLogLog.registerAndRun($0) }
            _ = dense.withUnsafeMutableBufferPointer { HyperLogLog.denseRaise($0.baseAddress! + HyperLogLog.headerSize, index, run) }
            _ = HyperLogLog.raise(&sparse, index: index, to: run, maxBytes: maxBytes)
            if j != checkpoint { continue }
            if j < maxBytes / 2 && sparse[4] != HyperLogLog.sparse {
                c.addReplyError("ERR TESTFAILED sparse encoding not used")
                return
            }
            let denseCount = dense.withUnsafeBytes { HyperLogLog.estimate(HyperLogLog.histogram($0)!) }
            let sparseCount = sparse.withUnsafeBytes { HyperLogLog.histogram($0).map(HyperLogLog.estimate) }
            if sparseCount != denseCount {
                c.addReplyError("ERR TESTFAILED dense/sparse disagree")
                return
            }
            var maxErr = UInt64((relerr * 6 * Double(checkpoint)).rounded(.up))
            if j == 10 { maxErr = 1 }
            let absErr = abs(Int64(checkpoint) - Int64(denseCount))
            if absErr > Int64(maxErr) {
                c.addReplyError("ERR TESTFAILED Too big error. card:\(checkpoint) abserr:\(absErr)")
                return
            }
            checkpoint *= 10
        }
        c.addReplyOK()
    }
}

/// SplitMix64: a fast, well-mixed generator for tests that draw millions of values.
struct SplitMix64: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E3779B97F4A7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58476D1CE4E5B9
        z = (z ^ (z >> 27)) &* 0x94D049BB133111EB
        return z ^ (z >> 31)
    }
}
