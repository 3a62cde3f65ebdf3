// The HyperLogLog representation, byte for byte Redis 7.0's (hyperloglog.c), so that a
// value moves between Apus and Redis through GET/SET, DUMP/RESTORE and RDB and gives the
// same estimate on both. A value is a string: a 16-byte header ("HYLL", the encoding,
// three zero bytes, the cached cardinality little-endian with bit 63 marking it stale)
// and then either 16384 six-bit registers packed from the low bits of each byte up
// ("dense", 12288 bytes) or a run-length code ("sparse"):
//   00xxxxxx           ZERO:  1..64 zero registers
//   01xxxxxx yyyyyyyy  XZERO: 1..16384 zero registers (14-bit length)
//   1vvvvvxx           VAL:   1..4 registers holding 1..32
// Elements hash with MurmurHash64A (seed 0xadc83b19); the low 14 bits choose the
// register, the run of zeros above them (plus one) is the value. The estimate is
// Ertl's improved estimator over the register histogram, as Redis computes it.
//
// Every reader here checks lengths, so a corrupted value is reported, never followed
// past its end.

import Glibc

enum HyperLogLog {
    static let precision = 14
    static let registerCount = 1 << precision              // 16384
    static let q = 64 - precision                          // 50
    static let registerMax: UInt8 = 63
    static let headerSize = 16
    static let denseRegisterBytes = (registerCount * 6 + 7) / 8   // 12288
    static let denseSize = headerSize + denseRegisterBytes
    static let dense: UInt8 = 0
    static let sparse: UInt8 = 1
    static let corrupted = "INVALIDOBJ Corrupted HLL object detected"
    static let notHLL = "WRONGTYPE Key is not a valid HyperLogLog string value."

    static let sparseValMaxValue = 32
    static let sparseValMaxLen = 4
    static let sparseZeroMaxLen = 64
    static let sparseXZeroMaxLen = 16384

    // MARK: - Hashing

    /// MurmurHash2, 64-bit (MurmurHash64A), reading words little-endian as Redis does.
    static func murmurHash64A(_ key: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let m: UInt64 = 0xc6a4a7935bd1e995
        let r: UInt64 = 47
        let len = key.count
        var h = seed ^ (UInt64(truncatingIfNeeded: len) &* m)
        var i = 0
        let whole = len - (len & 7)
        while i < whole {
            var k = UInt64(littleEndian: key.loadUnaligned(fromByteOffset: i, as: UInt64.self))
            k = k &* m
            k ^= k >> r
            k = k &* m
            h ^= k
            h = h &* m
            i += 8
        }
        let rest = len & 7
        if rest > 0 {
            for j in stride(from: rest - 1, through: 0, by: -1) {
                h ^= UInt64(key[whole + j]) << (8 * UInt64(j))
            }
            h = h &* m
        }
        h ^= h >> r
        h = h &* m
        h ^= h >> r
        return h
    }

    /// The register an element updates and the value it offers (Redis's hllPatLen).
    @inline(__always)
    static func registerAndRun(_ element: UnsafeRawBufferPointer) -> (Int, UInt8) {
        var hash = murmurHash64A(element, seed: 0xadc83b19)
        let index = Int(hash & UInt64(registerCount - 1))
        hash >>= UInt64(precision)
        hash |= 1 << UInt64(q)
        return (index, UInt8(hash.trailingZeroBitCount + 1))
    }

    // MARK: - Dense registers

    @inline(__always)
    static func denseGet(_ r: UnsafePointer<UInt8>, _ i: Int) -> UInt8 {
        let byte = i * 6 / 8, fb = (i * 6) & 7
        let b0 = UInt16(r[byte])
        // The last register ends inside the last byte: nothing is read past it.
        let b1: UInt16 = byte + 1 < denseRegisterBytes ? UInt16(r[byte + 1]) : 0
        return UInt8(truncatingIfNeeded: (b0 >> fb) | (b1 << (8 - fb))) & registerMax
    }

    @inline(__always)
    static func denseSet(_ r: UnsafeMutablePointer<UInt8>, _ i: Int, _ v: UInt8) {
        let byte = i * 6 / 8, fb = (i * 6) & 7
        let v16 = UInt16(v)
        r[byte] &= ~UInt8(truncatingIfNeeded: UInt16(registerMax) << fb)
        r[byte] |= UInt8(truncatingIfNeeded: v16 << fb)
        if byte + 1 < denseRegisterBytes {
            r[byte + 1] &= ~UInt8(truncatingIfNeeded: UInt16(registerMax) >> (8 - fb))
            r[byte + 1] |= UInt8(truncatingIfNeeded: v16 >> (8 - fb))
        }
    }

    /// Raises register `i` to `v` if lower; true when it changed.
    @inline(__always)
    static func denseRaise(_ r: UnsafeMutablePointer<UInt8>, _ i: Int, _ v: UInt8) -> Bool {
        if v > denseGet(UnsafePointer(r), i) { denseSet(r, i, v); return true }
        return false
    }

    // MARK: - Values

    /// A new, empty HLL: sparse, registers covered by XZERO runs.
    static func empty() -> [UInt8] {
        var v = [UInt8](repeating: 0, count: headerSize)
        v[0] = 0x48; v[1] = 0x59; v[2] = 0x4C; v[3] = 0x4C   // "HYLL"
        v[4] = sparse
        var left = registerCount
        while left > 0 {
            let n = min(left, sparseXZeroMaxLen)
            v.append(UInt8((n - 1) >> 8) | 0x40)
            v.append(UInt8((n - 1) & 0xff))
            left -= n
        }
        return v
    }

    /// Redis's isHLLObjectOrReply test on a string's bytes (an int-encoded string is
    /// never an HLL; callers check that).
    static func isValid(_ v: UnsafeRawBufferPointer) -> Bool {
        guard v.count >= headerSize, v[0] == 0x48, v[1] == 0x59, v[2] == 0x4C, v[3] == 0x4C,
              v[4] <= sparse else { return false }
        return v[4] != dense || v.count == denseSize
    }

    static func invalidateCache(_ header: UnsafeMutableRawPointer) {
        header.storeBytes(of: header.load(fromByteOffset: 15, as: UInt8.self) | 0x80, toByteOffset: 15, as: UInt8.self)
    }

    static func cachedCardinality(_ v: UnsafeRawBufferPointer) -> UInt64? {
        if v[15] & 0x80 != 0 { return nil }
        return UInt64(littleEndian: v.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }

    static func storeCardinality(_ header: UnsafeMutableRawPointer, _ card: UInt64) {
        header.storeBytes(of: card.littleEndian, toByteOffset: 8, as: UInt64.self)
    }

    // MARK: - Sparse code

    /// One sparse opcode at `p`: (isZeroRun, run length, value, opcode length). An
    /// XZERO cut short by the end reads its second byte as zero, as Redis reads the
    /// string's terminator.
    @inline(__always)
    static func opcode(_ s: UnsafeRawBufferPointer, _ p: Int) -> (Bool, Int, Int, Int) {
        let b = s[p]
        if b & 0xC0 == 0 { return (true, Int(b & 0x3F) + 1, 0, 1) }
        if b & 0xC0 == 0x40 {
            let lo = p + 1 < s.count ? Int(s[p + 1]) : 0
            return (true, (Int(b & 0x3F) << 8 | lo) + 1, 0, 2)
        }
        return (false, Int(b & 0x3) + 1, Int((b >> 2) & 0x1F) + 1, 1)
    }

    /// The dense form of a sparse value, or nil when its runs do not cover exactly the
    /// 16384 registers (Redis's hllSparseToDense).
    static func sparseToDense(_ v: UnsafeRawBufferPointer) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: denseSize)
        for k in 0..<headerSize { out[k] = v[k] }
        out[4] = dense
        var idx = 0, p = headerSize
        let ok: Bool = out.withUnsafeMutableBufferPointer { o in
            let regs = o.baseAddress! + headerSize
            while p < v.count {
                let (zero, run, value, len) = opcode(v, p)
                if !zero {
                    if idx + run > registerCount { break }
                    for _ in 0..<run { denseSet(regs, idx, UInt8(value)); idx += 1 }
                } else {
                    idx += run
                }
                p += len
            }
            return idx == registerCount
        }
        return ok ? out : nil
    }

    enum SparseSetResult { case unchanged, updated, promote, invalid }

    /// Raises register `index` to `count` in the sparse value `v`, rewriting the run
    /// that covers it into at most five bytes and merging equal neighbouring VAL
    /// opcodes after, as Redis's hllSparseSet does (the same bytes result). `.promote`
    /// when the value must become dense first: a count above 32, or growth past
    /// `maxBytes`.
    static func sparseSet(_ v: inout [UInt8], index: Int, count: UInt8, maxBytes: Int) -> SparseSetResult {
        if Int(count) > sparseValMaxValue { return .promote }
        var p = headerSize, first = 0, span = 0
        var prev = -1
        let end = v.count
        var found = false
        while p < end {
            let (_, run, _, len) = v.withUnsafeBytes { opcode($0, p) }
            span = run
            if index <= first + span - 1 { found = true; break }
            prev = p
            p += len
            first += span
        }
        if !found || span == 0 { return .invalid }
        let (isZeroRun, runlen, curval, oldLen) = v.withUnsafeBytes { opcode($0, p) }

        if !isZeroRun {
            if curval >= Int(count) { return .unchanged }
            if runlen == 1 {
                v[p] = valOpcode(Int(count), 1)
                mergeAdjacent(&v, from: prev >= 0 ? prev : headerSize)
                return .updated
            }
        } else if oldLen == 1 && runlen == 1 {
            v[p] = valOpcode(Int(count), 1)
            mergeAdjacent(&v, from: prev >= 0 ? prev : headerSize)
            return .updated
        }

        // Split the run into up to three: before, the register, after.
        var seq: [UInt8] = []
        seq.reserveCapacity(5)
        let last = first + span - 1
        func zeros(_ n: Int) {
            if n > sparseZeroMaxLen {
                seq.append(UInt8((n - 1) >> 8) | 0x40); seq.append(UInt8((n - 1) & 0xff))
            } else {
                seq.append(UInt8(n - 1))
            }
        }
        if isZeroRun {
            if index != first { zeros(index - first) }
            seq.append(valOpcode(Int(count), 1))
            if index != last { zeros(last - index) }
        } else {
            if index != first { seq.append(valOpcode(curval, index - first)) }
            seq.append(valOpcode(Int(count), 1))
            if index != last { seq.append(valOpcode(curval, last - index)) }
        }
        let delta = seq.count - oldLen
        if delta > 0 && v.count + delta > maxBytes { return .promote }
        v.replaceSubrange(p..<(p + oldLen), with: seq)
        mergeAdjacent(&v, from: prev >= 0 ? prev : headerSize)
        return .updated
    }

    @inline(__always)
    private static func valOpcode(_ value: Int, _ len: Int) -> UInt8 {
        UInt8(((value - 1) << 2 | (len - 1)) | 0x80)
    }

    /// Joins neighbouring VAL opcodes of the same value while the run fits one opcode,
    /// looking at up to five opcodes from `start`.
    private static func mergeAdjacent(_ v: inout [UInt8], from start: Int) {
        var p = start
        var scan = 5
        while p < v.count && scan > 0 {
            scan -= 1
            let b = v[p]
            if b & 0xC0 == 0x40 { p += 2; continue }
            if b & 0xC0 == 0 { p += 1; continue }
            if p + 1 < v.count && v[p + 1] & 0x80 != 0 {
                let v1 = Int((b >> 2) & 0x1F) + 1, v2 = Int((v[p + 1] >> 2) & 0x1F) + 1
                if v1 == v2 {
                    let len = Int(b & 3) + 1 + Int(v[p + 1] & 3) + 1
                    if len <= sparseValMaxLen {
                        v[p + 1] = valOpcode(v1, len)
                        v.remove(at: p)
                        continue
                    }
                }
            }
            p += 1
        }
    }

    // MARK: - Counting and merging

    /// The register histogram of a valid value (dense or sparse); nil for a sparse value
    /// whose runs do not add up to 16384 registers.
    static func histogram(_ v: UnsafeRawBufferPointer) -> [Int]? {
        var h = [Int](repeating: 0, count: 64)
        if v[4] == dense {
            let r = (v.baseAddress! + headerSize).assumingMemoryBound(to: UInt8.self)
            // Three bytes hold four registers.
            var b = 0
            while b < denseRegisterBytes {
                let w = Int(r[b]) | Int(r[b + 1]) << 8 | Int(r[b + 2]) << 16
                h[w & 63] += 1; h[(w >> 6) & 63] += 1; h[(w >> 12) & 63] += 1; h[(w >> 18) & 63] += 1
                b += 3
            }
            return h
        }
        var idx = 0, p = headerSize
        while p < v.count {
            let (zero, run, value, len) = opcode(v, p)
            idx += run
            h[zero ? 0 : value] += run
            p += len
        }
        return idx == registerCount ? h : nil
    }

    /// The histogram of raw one-byte-per-register maxima (PFCOUNT of several keys).
    static func histogram(registers: [UInt8]) -> [Int] {
        var h = [Int](repeating: 0, count: 64)
        for r in registers { h[Int(r)] += 1 }
        return h
    }

    /// The cardinality estimate from a register histogram (Ertl's estimator with
    /// Redis's constants and evaluation order, so both round to the same integer).
    static func estimate(_ h: [Int]) -> UInt64 {
        let m = Double(registerCount)
        var z = m * tau((m - Double(h[q + 1])) / m)
        for j in stride(from: q, through: 1, by: -1) {
            z += Double(h[j])
            z *= 0.5
        }
        z += m * sigma(Double(h[0]) / m)
        let alphaInf = 0.721347520444481703680
        return UInt64((alphaInf * m * m / z).rounded())
    }

    private static func sigma(_ x0: Double) -> Double {
        if x0 == 1 { return .infinity }
        var x = x0, y = 1.0, z = x0, zPrime = 0.0
        repeat {
            x *= x
            zPrime = z
            z += x * y
            y += y
        } while zPrime != z
        return z
    }

    private static func tau(_ x0: Double) -> Double {
        if x0 == 0 || x0 == 1 { return 0 }
        var x = x0, y = 1.0, z = 1 - x0, zPrime = 0.0
        repeat {
            x = x.squareRoot()
            zPrime = z
            y *= 0.5
            z -= pow(1 - x, 2) * y
        } while zPrime != z
        return z / 3
    }

    /// Raises `maxima` (one byte per register) to the registers of a valid value; false
    /// for a sparse value that does not cover the registers exactly.
    static func merge(into maxima: inout [UInt8], _ v: UnsafeRawBufferPointer) -> Bool {
        if v[4] == dense {
            let r = (v.baseAddress! + headerSize).assumingMemoryBound(to: UInt8.self)
            for i in 0..<registerCount {
                let x = denseGet(r, i)
                if x > maxima[i] { maxima[i] = x }
            }
            return true
        }
        var i = 0, p = headerSize
        while p < v.count {
            let (zero, run, value, len) = opcode(v, p)
            if zero {
                i += run
            } else {
                if run + i > registerCount { break }
                for _ in 0..<run {
                    if UInt8(value) > maxima[i] { maxima[i] = UInt8(value) }
                    i += 1
                }
            }
            p += len
        }
        return i == registerCount
    }

    // MARK: - Adding

    /// Adds elements to the value in `v` (valid, either encoding), converting it to dense
    /// when the sparse code would pass `maxBytes`. Returns how many registers changed,
    /// or nil for a corrupted value.
    static func add(_ v: inout [UInt8], _ elements: (Int) -> UnsafeRawBufferPointer, count: Int, maxBytes: Int) -> Int? {
        var updated = 0
        for k in 0..<count {
            let (index, run) = registerAndRun(elements(k))
            guard let changed = raise(&v, index: index, to: run, maxBytes: maxBytes) else { return nil }
            if changed { updated += 1 }
        }
        return updated
    }

    /// Raises one register of `v` (either encoding); nil when the value is corrupted.
    static func raise(_ v: inout [UInt8], index: Int, to run: UInt8, maxBytes: Int) -> Bool? {
        if v[4] == dense {
            return v.withUnsafeMutableBufferPointer { denseRaise($0.baseAddress! + headerSize, index, run) }
        }
        switch sparseSet(&v, index: index, count: run, maxBytes: maxBytes) {
        case .unchanged: return false
        case .updated: return true
        case .invalid: return nil
        case .promote:
            guard let d = v.withUnsafeBytes({ sparseToDense($0) }) else { return nil }
            v = d
            return v.withUnsafeMutableBufferPointer { denseRaise($0.baseAddress! + headerSize, index, run) }
        }
    }
}
