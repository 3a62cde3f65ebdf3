// The bit commands on string values (Redis's bitops.c): SETBIT/GETBIT, BITCOUNT and
// BITPOS with BYTE|BIT ranges, BITOP, and BITFIELD/BITFIELD_RO. Bits are numbered from
// the most significant bit of the first byte, as in Redis, so a bitmap written here
// reads the same on Redis. Writers grow the string in place through
// Database.prepareStringEdit and report a change only when a byte really changed (or
// the string grew), so an idempotent SETBIT neither dirties nor propagates — 7.0's rule.

import CApusSys

enum BitmapCommands {
    static let offsetError = "ERR bit offset is not an integer or out of range"
    static let typeError = "ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is."

    // MARK: - Arguments

    /// A bit offset (Redis's getBitOffsetFromArgument). With `bits` > 0 a leading `#`
    /// counts in fields of that width (BITFIELD). Offsets past proto-max-bulk-len bytes
    /// are refused except from the master and the AOF, which replay what was accepted.
    static func bitOffset(_ c: Client, _ i: Int, bits: Int = 0) -> UInt64? {
        var a = c.arg(i)
        let hash = bits > 0 && a.count > 0 && a[0] == UInt8(ascii: "#")
        if hash { a = UnsafeRawBufferPointer(rebasing: a[1...]) }
        guard var v = Numbers.string2ll(a) else { c.addReplyError(offsetError); return nil }
        if hash { v = v &* Int64(bits) }
        let obeys = c.flags.contains(.master) || c.flags.contains(.fake)
        if v < 0 || (!obeys && (v >> 3) >= Int64(c.server.config.protoMaxBulkLen)) {
            c.addReplyError(offsetError)
            return nil
        }
        return UInt64(v)
    }

    /// `u1`..`u63` or `i1`..`i64`: (signed, bits).
    static func fieldType(_ c: Client, _ i: Int) -> (Bool, Int)? {
        let a = c.arg(i)
        guard a.count >= 2, a[0] == UInt8(ascii: "i") || a[0] == UInt8(ascii: "u"),
              let n = Numbers.string2ll(UnsafeRawBufferPointer(rebasing: a[1...])) else {
            c.addReplyError(typeError)
            return nil
        }
        let signed = a[0] == UInt8(ascii: "i")
        if n < 1 || n > (signed ? 64 : 63) { c.addReplyError(typeError); return nil }
        return (signed, Int(n))
    }

    /// The string at argv[1] made at least `bytes` long for writing, created when
    /// missing (Redis's lookupStringForBitCommand); nil after a WRONGTYPE reply. The
    /// flag tells whether the key was created or grew.
    static func stringForWrite(_ c: Client, bytes: Int) -> (KeyEntry, Bool)? {
        if let e = c.lookupWrite(1) {
            guard c.checkType(e, .string) else { return nil }
            return c.db.prepareStringEdit(e, minLength: bytes)
        }
        let e = c.db.setString(c.arg(1), .raw(UnsafeRawBufferPointer(start: nil, count: 0)),
                               now: c.server.mstime, event: .none)
        return (c.db.prepareStringEdit(e, minLength: bytes, greedy: false).0, true)
    }

    /// Parses `start end [BYTE|BIT]` at argv[i...] against a string of `length` bytes.
    /// Returns byte bounds plus the masks of bits outside a BIT range in the edge bytes
    /// (Redis's first/last_byte_neg_mask); nil range when empty.
    struct Range { var start: Int64; var end: Int64; var firstMask: UInt8 = 0; var lastMask: UInt8 = 0 }

    static func clampRange(start s: Int64, end e: Int64, total: Int64, isBit: Bool) -> Range {
        var start = s, end = e
        if start < 0 { start = total + start }
        if end < 0 { end = total + end }
        if start < 0 { start = 0 }
        if end < 0 { end = 0 }
        if end >= total { end = total - 1 }
        var r = Range(start: start, end: end)
        if isBit && start <= end {
            r.firstMask = ~UInt8(truncatingIfNeeded: (1 << (8 - (start & 7))) - 1)
            r.lastMask = UInt8(truncatingIfNeeded: (1 << (7 - (end & 7))) - 1)
            r.start = start >> 3
            r.end = end >> 3
        }
        return r
    }

    static func unitIsBit(_ c: Client, _ i: Int) -> Bool? {
        if c.argEquals(i, "bit") { return true }
        if c.argEquals(i, "byte") { return false }
        c.addReplySyntaxError()
        return nil
    }

    // MARK: - SETBIT / GETBIT

    static func setbit(_ c: Client) {
        guard let offset = bitOffset(c, 2) else { return }
        guard let on = c.argInt64(3), on & ~1 == 0 else {
            c.addReplyError("ERR bit is not an integer or out of range")
            return
        }
        guard let (e, grew) = stringForWrite(c, bytes: Int(offset >> 3) + 1) else { return }
        let p = e.mutableValue.assumingMemoryBound(to: UInt8.self) + Int(offset >> 3)
        let mask = UInt8(1) << (7 - UInt8(offset & 7))
        let was = p.pointee & mask != 0
        if grew || was != (on == 1) {
            p.pointee = on == 1 ? p.pointee | mask : p.pointee & ~mask
            c.db.signalModified(e, event: .setbit)
        }
        c.addReplyInteger(was ? 1 : 0)
    }

    static func getbit(_ c: Client) {
        guard let offset = bitOffset(c, 2) else { return }
        guard let e = c.lookupRead(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .string) else { return }
        let byte = Int(offset >> 3)
        let bit: Bool = e.withStringValue { s in
            byte < s.count && s[byte] & (UInt8(1) << (7 - UInt8(offset & 7))) != 0
        }
        c.addReplyInteger(bit ? 1 : 0)
    }

    // MARK: - BITCOUNT / BITPOS

    static func bitcount(_ c: Client) {
        guard let e = c.lookupRead(1) else { c.addReplyInteger(0); return }
        guard c.checkType(e, .string) else { return }
        var start: Int64 = 0, end: Int64 = 0, isBit = false
        if c.argc == 4 || c.argc == 5 {
            guard let s = c.argIntOrReply(2), let en = c.argIntOrReply(3) else { return }
            start = s; end = en
            if start < 0 && end < 0 && start > end { c.addReplyInteger(0); return }
            if c.argc == 5 { guard let b = unitIsBit(c, 4) else { return }; isBit = b }
        } else if c.argc != 2 {
            c.addReplySyntaxError()
            return
        }
        e.withStringValue { s in
            let len = Int64(s.count)
            let r = c.argc == 2 ? Range(start: 0, end: len - 1)
                                : clampRange(start: start, end: end, total: isBit ? len << 3 : len, isBit: isBit)
            if r.start > r.end { c.addReplyInteger(0); return }
            var n = apus_popcount(s.baseAddress.unsafelyUnwrapped + Int(r.start), Int(r.end - r.start + 1))
            // Bits of the edge bytes outside a BIT range were counted too: take them off.
            if r.firstMask != 0 { n -= UInt64((s[Int(r.start)] & r.firstMask).nonzeroBitCount) }
            if r.lastMask != 0 { n -= UInt64((s[Int(r.end)] & r.lastMask).nonzeroBitCount) }
            c.addReplyInteger(Int64(n))
        }
    }

    /// The position of the first `bit` in `count` bytes at `p`, counting past the end
    /// as zeros (Redis's redisBitpos): -1 only when looking for a 1 and finding none.
    static func firstBit(_ p: UnsafePointer<UInt8>, count: Int, bit: Bool) -> Int64 {
        let skipByte: UInt8 = bit ? 0 : 0xFF
        var i = 0
        // Whole words of the byte to skip go by eight at a time.
        let skipWord: UInt64 = bit ? 0 : ~0
        while i + 8 <= count && UnsafeRawPointer(p + i).loadUnaligned(as: UInt64.self) == skipWord { i += 8 }
        while i < count && p[i] == skipByte { i += 1 }
        if i == count { return bit ? -1 : Int64(count) << 3 }
        let byte = bit ? p[i] : ~p[i]
        return Int64(i) << 3 + Int64(byte.leadingZeroBitCount)
    }

    static func bitpos(_ c: Client) {
        guard let bitArg = c.argIntOrReply(2) else { return }
        if bitArg != 0 && bitArg != 1 { c.addReplyError("ERR The bit argument must be 1 or 0."); return }
        let bit = bitArg == 1
        guard let e = c.lookupRead(1) else { c.addReplyInteger(bit ? -1 : 0); return }
        guard c.checkType(e, .string) else { return }
        var start: Int64 = 0, end: Int64 = 0, isBit = false, endGiven = false
        if c.argc >= 4 && c.argc <= 6 {
            guard let s = c.argIntOrReply(3) else { return }
            start = s
            if c.argc == 6 { guard let b = unitIsBit(c, 5) else { return }; isBit = b }
            if c.argc >= 5 {
                guard let en = c.argIntOrReply(4) else { return }
                end = en; endGiven = true
            }
        } else if c.argc != 3 {
            c.addReplySyntaxError()
            return
        }
        e.withStringValue { s in
            let len = Int64(s.count)
            let r: Range
            if c.argc == 3 {
                r = Range(start: 0, end: len - 1)
            } else {
                if !endGiven { end = isBit ? (len << 3) + 7 : len - 1 }
                r = clampRange(start: start, end: end, total: isBit ? len << 3 : len, isBit: isBit)
            }
            if r.start > r.end { c.addReplyInteger(-1); return }
            let base = s.baseAddress.unsafelyUnwrapped.assumingMemoryBound(to: UInt8.self)
            // Bits outside a BIT range are forced to the value not searched for, so the
            // scan below cannot stop on them.
            let count = Int(r.end - r.start + 1)
            var pos: Int64
            if r.firstMask != 0 || r.lastMask != 0 {
                var bytes = Array(UnsafeBufferPointer(start: base + Int(r.start), count: count))
                if bit {
                    bytes[0] &= ~r.firstMask; bytes[count - 1] &= ~r.lastMask
                } else {
                    bytes[0] |= r.firstMask; bytes[count - 1] |= r.lastMask
                }
                pos = bytes.withUnsafeBufferPointer { firstBit($0.baseAddress!, count: count, bit: bit) }
            } else {
                pos = firstBit(base + Int(r.start), count: count, bit: bit)
            }
            // With an explicit end the bits after the range are not zeros: no 0 found.
            if endGiven && !bit && pos == Int64(count) << 3 { c.addReplyInteger(-1); return }
            if pos != -1 { pos += r.start << 3 }
            c.addReplyInteger(pos)
        }
    }

    // MARK: - BITOP

    static func bitop(_ c: Client) {
        enum Op { case and, or, xor, not }
        let op: Op
        if c.argEquals(1, "and") { op = .and }
        else if c.argEquals(1, "or") { op = .or }
        else if c.argEquals(1, "xor") { op = .xor }
        else if c.argEquals(1, "not") { op = .not }
        else { c.addReplySyntaxError(); return }
        if op == .not && c.argc != 4 {
            c.addReplyError("ERR BITOP NOT must be called with a single source key.")
            return
        }
        // Copies of the sources: the destination may be one of them.
        var sources: [[UInt8]] = []
        sources.reserveCapacity(c.argc - 3)
        var maxLen = 0
        for i in 3..<c.argc {
            guard let e = c.lookupRead(i) else { sources.append([]); continue }
            guard c.checkType(e, .string) else { return }
            let bytes = e.withStringValue { Array($0) }
            maxLen = max(maxLen, bytes.count)
            sources.append(bytes)
        }
        if maxLen == 0 {
            c.db.delete(c.arg(2), event: .del)
            c.addReplyInteger(0)
            return
        }
        var out = [UInt8](repeating: 0, count: maxLen)
        out.withUnsafeMutableBytes { o in
            let words = maxLen / 8
            let w = o.baseAddress!
            // Missing bytes of shorter sources count as zeros.
            let first = sources[0]
            first.withUnsafeBytes { memcpyPrefix(w, $0) }
            if op == .not {
                for k in 0..<words { w.storeBytes(of: ~w.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self), toByteOffset: k * 8, as: UInt64.self) }
                for k in (words * 8)..<maxLen { o[k] = ~o[k] }
                return
            }
            for src in sources.dropFirst() {
                src.withUnsafeBytes { s in
                    let n = s.count
                    let common = min(n, maxLen) / 8
                    for k in 0..<common {
                        let a = w.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)
                        let b = s.loadUnaligned(fromByteOffset: k * 8, as: UInt64.self)
                        let r: UInt64 = op == .and ? a & b : op == .or ? a | b : a ^ b
                        w.storeBytes(of: r, toByteOffset: k * 8, as: UInt64.self)
                    }
                    for k in (common * 8)..<maxLen {
                        let b: UInt8 = k < n ? s[k] : 0
                        o[k] = op == .and ? o[k] & b : op == .or ? o[k] | b : o[k] ^ b
                    }
                }
            }
        }
        out.withUnsafeBytes { c.db.setString(c.arg(2), .raw($0), now: c.server.mstime, event: .set) }
        c.addReplyInteger(maxLen)
    }

    @inline(__always)
    private static func memcpyPrefix(_ to: UnsafeMutableRawPointer, _ from: UnsafeRawBufferPointer) {
        if from.count > 0 { to.copyMemory(from: from.baseAddress!, byteCount: from.count) }
    }

    // MARK: - BITFIELD

    enum Overflow { case wrap, sat, fail }

    struct FieldOp {
        enum Kind { case get, set, incrby }
        var kind: Kind
        var offset: UInt64
        var value: Int64
        var overflow: Overflow
        var bits: Int
        var signed: Bool
    }

    static func bitfield(_ c: Client) { bitfieldGeneric(c, readOnly: false) }
    static func bitfieldRO(_ c: Client) { bitfieldGeneric(c, readOnly: true) }

    /// BITFIELD and BITFIELD_RO (Redis's bitfieldGeneric): every operation is parsed
    /// before any runs, so a bad argument anywhere changes nothing.
    static func bitfieldGeneric(_ c: Client, readOnly: Bool) {
        var ops: [FieldOp] = []
        var overflow = Overflow.wrap
        var writes = false
        var highestBit: UInt64 = 0
        var j = 2
        while j < c.argc {
            let rem = c.argc - j - 1
            let kind: FieldOp.Kind
            if c.argEquals(j, "get") && rem >= 2 { kind = .get }
            else if c.argEquals(j, "set") && rem >= 3 { kind = .set }
            else if c.argEquals(j, "incrby") && rem >= 3 { kind = .incrby }
            else if c.argEquals(j, "overflow") && rem >= 1 {
                if c.argEquals(j + 1, "wrap") { overflow = .wrap }
                else if c.argEquals(j + 1, "sat") { overflow = .sat }
                else if c.argEquals(j + 1, "fail") { overflow = .fail }
                else { c.addReplyError("ERR Invalid OVERFLOW type specified"); return }
                j += 2
                continue
            } else {
                c.addReplySyntaxError()
                return
            }
            guard let (signed, bits) = fieldType(c, j + 1) else { return }
            guard let offset = bitOffset(c, j + 2, bits: bits) else { return }
            var value: Int64 = 0
            if kind != .get {
                writes = true
                highestBit = max(highestBit, offset + UInt64(bits) - 1)
                guard let v = c.argIntOrReply(j + 3) else { return }
                value = v
            }
            ops.append(FieldOp(kind: kind, offset: offset, value: value, overflow: overflow, bits: bits, signed: signed))
            j += kind == .get ? 3 : 4
        }

        var entry: KeyEntry?
        var grew = false
        if !writes {
            entry = c.lookupRead(1)
            if let e = entry, !c.checkType(e, .string) { return }
        } else {
            if readOnly { c.addReplyError("ERR BITFIELD_RO only supports the GET subcommand"); return }
            guard let (e, g) = stringForWrite(c, bytes: Int(highestBit >> 3) + 1) else { return }
            entry = e; grew = g
        }

        c.addReplyArrayLen(ops.count)
        var changes = 0
        for op in ops {
            if op.kind == .get {
                // Up to nine bytes copied into a zero-padded buffer: a field may run
                // past the end of the string, which reads as zeros.
                var buf: (UInt64, UInt64) = (0, 0)
                let byte = Int(op.offset >> 3)
                withUnsafeMutableBytes(of: &buf) { b in
                    if let e = entry {
                        e.withStringValue { s in
                            if byte < s.count {
                                let n = min(9, s.count - byte)
                                b.baseAddress!.copyMemory(from: s.baseAddress! + byte, byteCount: n)
                            }
                        }
                    }
                    let p = b.baseAddress!.assumingMemoryBound(to: UInt8.self)
                    let local = op.offset - UInt64(byte) * 8
                    if op.signed {
                        c.addReplyInteger(getSigned(p, offset: local, bits: op.bits))
                    } else {
                        c.addReplyInteger(Int64(bitPattern: getUnsigned(p, offset: local, bits: op.bits)))
                    }
                }
                continue
            }
            let p = entry.unsafelyUnwrapped.mutableValue.assumingMemoryBound(to: UInt8.self)
            if op.signed {
                let old = getSigned(p, offset: op.offset, bits: op.bits)
                var new: Int64, ret: Int64
                let check: (Int, Int64)
                if op.kind == .incrby {
                    check = signedOverflow(old, op.value, bits: op.bits, op.overflow)
                    new = check.0 != 0 ? check.1 : old &+ op.value
                    ret = new
                } else {
                    check = signedOverflow(op.value, 0, bits: op.bits, op.overflow)
                    new = check.0 != 0 ? check.1 : op.value
                    ret = old
                }
                if check.0 != 0 && op.overflow == .fail { c.addReplyNull(); continue }
                c.addReplyInteger(ret)
                setUnsigned(p, offset: op.offset, bits: op.bits, UInt64(bitPattern: new))
                if grew || old != new { changes += 1 }
            } else {
                let old = getUnsigned(p, offset: op.offset, bits: op.bits)
                var new: UInt64, ret: UInt64
                let check: (Int, UInt64)
                if op.kind == .incrby {
                    check = unsignedOverflow(old, op.value, bits: op.bits, op.overflow)
                    new = check.0 != 0 ? check.1 : old &+ UInt64(bitPattern: op.value)
                    ret = new
                } else {
                    new = UInt64(bitPattern: op.value)
                    check = unsignedOverflow(new, 0, bits: op.bits, op.overflow)
                    if check.0 != 0 { new = check.1 }
                    ret = old
                }
                if check.0 != 0 && op.overflow == .fail { c.addReplyNull(); continue }
                c.addReplyInteger(Int64(bitPattern: ret))
                setUnsigned(p, offset: op.offset, bits: op.bits, new)
                if grew || old != new { changes += 1 }
            }
        }
        if changes > 0, let e = entry { c.db.signalModified(e, changes: changes, event: .setbit) }
    }

    // MARK: - Field access

    static func getUnsigned(_ p: UnsafePointer<UInt8>, offset: UInt64, bits: Int) -> UInt64 {
        var v: UInt64 = 0
        var o = offset
        for _ in 0..<bits {
            let b = (p[Int(o >> 3)] >> (7 - UInt8(o & 7))) & 1
            v = v << 1 | UInt64(b)
            o += 1
        }
        return v
    }

    static func getUnsigned(_ p: UnsafeMutablePointer<UInt8>, offset: UInt64, bits: Int) -> UInt64 {
        getUnsigned(UnsafePointer(p), offset: offset, bits: bits)
    }

    static func getSigned(_ p: UnsafeMutablePointer<UInt8>, offset: UInt64, bits: Int) -> Int64 {
        var v = Int64(bitPattern: getUnsigned(UnsafePointer(p), offset: offset, bits: bits))
        // Sign-extend from the field's top bit.
        if bits < 64 && v & (1 << (bits - 1)) != 0 { v |= -1 << bits }
        return v
    }

    static func setUnsigned(_ p: UnsafeMutablePointer<UInt8>, offset: UInt64, bits: Int, _ value: UInt64) {
        var o = offset
        for j in 0..<bits {
            let bit = UInt8(truncatingIfNeeded: value >> (bits - 1 - j)) & 1
            let i = Int(o >> 3), shift = 7 - UInt8(o & 7)
            p[i] = (p[i] & ~(1 << shift)) | (bit << shift)
            o += 1
        }
    }

    /// Whether `value + incr` fits `bits` unsigned bits: 0, or ±1 with the value the
    /// overflow policy stores (Redis's checkUnsignedBitfieldOverflow).
    static func unsignedOverflow(_ value: UInt64, _ incr: Int64, bits: Int, _ policy: Overflow) -> (Int, UInt64) {
        let maxV: UInt64 = bits == 64 ? .max : (1 << UInt64(bits)) - 1
        let maxIncr = Int64(bitPattern: maxV &- value)
        let minIncr = Int64(bitPattern: 0 &- value)
        let wrapped = (value &+ UInt64(bitPattern: incr)) & ~(UInt64.max << UInt64(bits))
        if value > maxV || (incr > 0 && incr > maxIncr) {
            return (1, policy == .wrap ? wrapped : maxV)
        }
        if incr < 0 && incr < minIncr {
            return (-1, policy == .wrap ? wrapped : 0)
        }
        return (0, 0)
    }

    /// The signed counterpart (Redis's checkSignedBitfieldOverflow); wrapping keeps the
    /// low `bits` bits and sign-extends them.
    static func signedOverflow(_ value: Int64, _ incr: Int64, bits: Int, _ policy: Overflow) -> (Int, Int64) {
        let maxV: Int64 = bits == 64 ? .max : (1 << Int64(bits - 1)) - 1
        let minV = -maxV - 1
        let maxIncr = Int64(bitPattern: UInt64(bitPattern: maxV) &- UInt64(bitPattern: value))
        let minIncr = minV &- value
        func wrap() -> Int64 {
            var r = UInt64(bitPattern: value) &+ UInt64(bitPattern: incr)
            if bits < 64 {
                let mask = UInt64.max << UInt64(bits)
                if r & (1 << UInt64(bits - 1)) != 0 { r |= mask } else { r &= ~mask }
            }
            return Int64(bitPattern: r)
        }
        if value > maxV || (bits != 64 && incr > maxIncr) || (value >= 0 && incr > 0 && incr > maxIncr) {
            return (1, policy == .wrap ? wrap() : maxV)
        }
        if value < minV || (bits != 64 && incr < minIncr) || (value < 0 && incr < 0 && incr < minIncr) {
            return (-1, policy == .wrap ? wrap() : minV)
        }
        return (0, 0)
    }
}
