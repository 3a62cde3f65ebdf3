// DUMP and RESTORE (Redis 7.0's cluster.c dumpCommand/restoreCommand). A payload is the
// value as an RDB file holds it (type byte, then the value, LZF-compressed per
// rdbcompression), the RDB version as 2 little-endian bytes, and the CRC-64 of all that
// as 8 little-endian bytes — so payloads move between Apus and Redis 7.0 both ways.
// RESTORE checks the trailer before decoding and refuses anything else with Redis's
// errors; the value is decoded by the RDB loader, which validates as it reads.

import Glibc

enum DumpPayload {
    /// The payload of `e`'s value.
    static func encode(_ e: KeyEntry, compress: Bool) -> [UInt8] {
        let enc = RDBEncoder(initialCapacity: 64 + e.valueLength)
        enc.writeType(RDBEncoder.rdbType(of: e))
        enc.writeValue(of: e, compress: compress)
        var out = enc.takeChunk()
        out.append(UInt8(truncatingIfNeeded: rdbVersion))
        out.append(UInt8(truncatingIfNeeded: rdbVersion >> 8))
        let crc = CRC64.checksum(out)
        for i in 0..<8 { out.append(UInt8(truncatingIfNeeded: crc >> (8 * UInt64(i)))) }
        return out
    }

    /// Redis's verifyDumpPayload: room for the trailer, a version this server reads, a
    /// matching checksum.
    static func verify(_ p: UnsafeRawBufferPointer) -> Bool {
        guard p.count >= 10 else { return false }
        let n = p.count
        let version = Int(p[n - 10]) | Int(p[n - 9]) << 8
        if version > rdbVersion { return false }
        var stored: UInt64 = 0
        for i in 0..<8 { stored |= UInt64(p[n - 8 + i]) << (8 * UInt64(i)) }
        return CRC64.update(0, UnsafeRawBufferPointer(rebasing: p[0 ..< n - 8])) == stored
    }
}

enum DumpRestoreCommands {
    /// DUMP key
    static func dump(_ c: Client) {
        guard let e = c.lookupRead(1) else {
            c.addReplyNull()
            return
        }
        DumpPayload.encode(e, compress: c.server.config.rdbcompression).withUnsafeBytes { c.addReplyBulk($0) }
    }

    /// RESTORE key ttl serialized-value [REPLACE] [ABSTTL] [IDLETIME seconds] [FREQ frequency]
    static func restore(_ c: Client) {
        var replace = false, absTTL = false
        var idle: Int64?, freq: Int64?
        var j = 4
        while j < c.argc {
            let more = j + 1 < c.argc
            if c.argEquals(j, "replace") {
                replace = true
            } else if c.argEquals(j, "absttl") {
                absTTL = true
            } else if c.argEquals(j, "idletime") && more && freq == nil {
                guard let v = c.argIntOrReply(j + 1) else { return }
                if v < 0 {
                    c.addReplyError("ERR Invalid IDLETIME value, must be >= 0")
                    return
                }
                idle = v
                j += 1
            } else if c.argEquals(j, "freq") && more && idle == nil {
                guard let v = c.argIntOrReply(j + 1) else { return }
                if v < 0 || v > 255 {
                    c.addReplyError("ERR Invalid FREQ value, must be >= 0 and <= 255")
                    return
                }
                freq = v
                j += 1
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        if !replace && c.lookupWrite(1) != nil {
            c.addReplyError("BUSYKEY Target key name already exists.")
            return
        }
        guard var ttl = c.argIntOrReply(2) else { return }
        if ttl < 0 {
            c.addReplyError("ERR Invalid TTL value, must be >= 0")
            return
        }
        let payload = c.arg(3)
        guard DumpPayload.verify(payload) else {
            c.addReplyError("ERR DUMP payload version or checksum are wrong")
            return
        }
        let now = c.server.mstime
        if ttl > 0 && !absTTL { ttl = ttl &+ now }
        // An expire time already past (or overflowed): the key only goes away.
        let expired = ttl != 0 && ttl <= now
        let loader = c.server.makeRDBLoader(verifyChecksum: true)
        let db = c.db
        let stored: Bool
        do {
            stored = try loader.decodeValue(payload) { value -> Bool in
                // A replaced key is deleted first, expired or not (Redis's dbDelete), so
                // the value arrives as a new key ("new", then "restore"), as in 7.0.
                let lazy = c.server.config.lazyfreeLazyServerDel
                let deleted = replace && db.delete(c.arg(1), lazy: lazy, event: .none)
                if expired {
                    if deleted {
                        db.notify(.del, c.arg(1))
                        c.propagateAs([Array((lazy ? "UNLINK" : "DEL").utf8), c.argBytes(1)])
                    }
                    return false
                }
                let e = db.store(value, under: c.arg(1), expireAt: ttl > 0 ? ttl : nil, now: now, event: .restore)
                c.server.keyspace.setAccessStamp(e, idleSeconds: idle, frequency: freq.map { Int($0) })
                return true
            }
        } catch {
            c.addReplyError("ERR Bad data format")
            return
        }
        if stored && ttl > 0 && !absTTL {
            // Replayed with the absolute time it set, as 7.0 rewrites it.
            c.propagateAs {
                var args = (0..<c.argc).map { c.argBytes($0) }
                args[2] = Array(String(ttl).utf8)
                args.append(Array("ABSTTL".utf8))
                return args
            }
        }
        c.addReplyOK()
    }
}
