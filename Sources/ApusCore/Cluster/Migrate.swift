// MIGRATE (Redis 7.0's migrateCommand): moves keys to another server as DUMP payloads
// sent with RESTORE (RESTORE-ASKING in cluster mode, so an importing slot accepts
// them), then deletes them here unless COPY; the single-key form and the KEYS form,
// REPLACE, AUTH / AUTH2, the timeout, and one retry on a stale connection. Like
// Redis it talks to the target synchronously with the timeout bounding every read and
// write, and keeps the connection for 10 s of idleness (with the last SELECTed db)
// for the next batch, which is how `redis-cli --cluster reshard` drives it.

import Glibc
import CApusSys

/// Connections MIGRATE keeps open, by "host:port".
final class MigrateSockets {
    struct Entry { var fd: Int32; var lastUse: Int64; var db: Int }
    var byTarget: [String: Entry] = [:]
    static let idleLimitMs: Int64 = 10_000

    func close(_ target: String) {
        if let e = byTarget.removeValue(forKey: target) { Glibc.close(e.fd) }
    }

    /// Redis's migrateCloseTimedoutSockets (server cron).
    func closeIdle(now: Int64) {
        for (t, e) in byTarget where now - e.lastUse > MigrateSockets.idleLimitMs { close(t) }
    }
}

enum MigrateCommand {
    static func migrate(_ c: Client) {
        let s = c.server
        var copy = false, replace = false
        var username: [UInt8]?, password: [UInt8]?
        var firstKey = 3, numKeys = 1
        var j = 6
        while j < c.argc {
            let more = c.argc - 1 - j
            if c.argEquals(j, "copy") {
                copy = true
            } else if c.argEquals(j, "replace") {
                replace = true
            } else if c.argEquals(j, "auth") {
                guard more >= 1 else { c.addReplySyntaxError(); return }
                j += 1
                password = c.argBytes(j)
                c.redactArgument(j)
            } else if c.argEquals(j, "auth2") {
                guard more >= 2 else { c.addReplySyntaxError(); return }
                username = c.argBytes(j + 1)
                password = c.argBytes(j + 2)
                c.redactArgument(j + 1)
                c.redactArgument(j + 2)
                j += 2
            } else if c.argEquals(j, "keys") {
                if c.arg(3).count != 0 {
                    c.addReplyError("ERR When using MIGRATE KEYS option, the key argument must be set to the empty string")
                    return
                }
                firstKey = j + 1
                numKeys = c.argc - j - 1
                break
            } else {
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        guard var timeout = c.argIntOrReply(5), let dbid = c.argIntOrReply(4) else { return }
        if timeout <= 0 { timeout = 1000 }

        var keys: [[UInt8]] = []
        for i in 0..<numKeys where c.lookupRead(firstKey + i) != nil { keys.append(c.argBytes(firstKey + i)) }
        if keys.isEmpty {
            c.addReplyRawString("+NOKEY\r\n")
            return
        }
        let host = c.argString(1), portText = c.argString(2)
        let target = host + ":" + portText
        var mayRetry = true
        while true {
            guard let conn = socket(s, c, host: host, port: portText, timeoutMs: Int(timeout)) else { return }
            // One buffer: AUTH, SELECT when the db changed, one RESTORE per live key.
            var out = ByteBuffer(capacity: 4096)
            defer { out.free() }
            if let p = password {
                RESPCommandEncoder.append(username.map { [Array("AUTH".utf8), $0, p] } ?? [Array("AUTH".utf8), p], into: &out)
            }
            let select = conn.db != Int(dbid)
            if select { RESPCommandEncoder.append([Array("SELECT".utf8), Array(String(dbid).utf8)], into: &out) }
            var sent: [[UInt8]] = []
            let now = s.mstime
            let restoreName = Array((s.cluster != nil ? "RESTORE-ASKING" : "RESTORE").utf8)
            for key in keys {
                guard let e = key.withUnsafeBytes({ c.db.lookupReadNoStats($0, now: now, touch: false) }) else { continue }
                var ttl: Int64 = 0
                if e.hasExpire {
                    ttl = e.expireAt - now
                    if ttl < 0 { continue }
                    if ttl < 1 { ttl = 1 }
                }
                var args = [restoreName, key, Array(String(ttl).utf8),
                            DumpPayload.encode(e, compress: s.config.rdbcompression)]
                if replace { args.append(Array("REPLACE".utf8)) }
                RESPCommandEncoder.append(args, into: &out)
                sent.append(key)
            }
            let bytes = Array(out.readableView)
            errno = 0
            let written: Bool
            do { try bytes.withUnsafeBytes { try SystemCall.writeAll(conn.fd, $0) }; written = true } catch { written = false }
            if !written {
                s.migrateSockets.close(target)
                if errno != EAGAIN && errno != ETIMEDOUT && mayRetry { mayRetry = false; continue }
                c.addReplyError("IOERR error or timeout writing to target instance")
                return
            }
            var reader = LineReader(fd: conn.fd)
            var targetError: String?
            var socketError = false
            if password != nil {
                guard let l = reader.line() else { socketError = true; break }
                if l.hasPrefix("-") { targetError = String(l.dropFirst()) }
            }
            if select {
                guard let l = reader.line() else { socketError = true; break }
                if l.hasPrefix("-") && targetError == nil { targetError = String(l.dropFirst()) }
            }
            var deleted: [[UInt8]] = []
            var readFailedAt = -1
            for (i, key) in sent.enumerated() {
                guard let l = reader.line() else { readFailedAt = i; socketError = true; break }
                if l.hasPrefix("-") {
                    if targetError == nil { targetError = String(l.dropFirst()) }
                } else if !copy {
                    key.withUnsafeBytes { k in
                        if c.db.delete(k, lazy: s.config.lazyfreeLazyServerDel, event: .del) { deleted.append(key) }
                    }
                }
            }
            if !deleted.isEmpty { c.propagateAs([Array("DEL".utf8)] + deleted) } else if !copy { c.server.keyspace.propagator.preventCurrentCommand() }
            if let err = targetError {
                s.migrateSockets.byTarget[target]?.db = -1
                c.addReplyError("ERR Target instance replied with error: " + err)
                return
            }
            if socketError {
                s.migrateSockets.close(target)
                // A stale cached connection fails at the first reply: try once more.
                if readFailedAt <= 0 && deleted.isEmpty && mayRetry && errno != ETIMEDOUT && errno != EAGAIN {
                    mayRetry = false
                    continue
                }
                c.addReplyError("IOERR error or timeout reading to target instance")
                return
            }
            s.migrateSockets.byTarget[target]?.db = Int(dbid)
            s.migrateSockets.byTarget[target]?.lastUse = s.mstime
            c.addReplyOK()
            return
        }
        // A failure while reading the AUTH or SELECT replies.
        s.migrateSockets.close(target)
        c.addReplyError("IOERR error or timeout reading to target instance")
    }

    /// The cached connection to the target, or a new one (replying the error and
    /// returning nil when it cannot be made).
    static func socket(_ s: Server, _ c: Client, host: String, port: String, timeoutMs: Int) -> MigrateSockets.Entry? {
        let target = host + ":" + port
        if var e = s.migrateSockets.byTarget[target] {
            e.lastUse = s.mstime
            s.migrateSockets.byTarget[target] = e
            return e
        }
        if s.migrateSockets.byTarget.count >= 64 {
            // Too many targets: drop a random one (Redis's MIGRATE_SOCKET_CACHE_ITEMS).
            if let any = s.migrateSockets.byTarget.keys.randomElement() { s.migrateSockets.close(any) }
        }
        var err: Int32 = 0
        guard let p = Int(port) else {
            c.addReplyError("IOERR error or timeout connecting to the client")
            return nil
        }
        let fd = apus_connect_host(host, Int32(p), Int32(timeoutMs), &err)
        if fd < 0 {
            c.addReplyError("IOERR error or timeout connecting to the client")
            return nil
        }
        _ = apus_set_io_timeout(fd, Int32(timeoutMs))
        _ = apus_set_nodelay(fd)
        let e = MigrateSockets.Entry(fd: fd, lastUse: s.mstime, db: -1)
        s.migrateSockets.byTarget[target] = e
        return e
    }

    /// Reads CRLF-terminated lines from a blocking socket with a timeout.
    struct LineReader {
        let fd: Int32
        var buffer: [UInt8] = []

        init(fd: Int32) { self.fd = fd }

        mutating func line() -> String? {
            while true {
                if let i = buffer.firstIndex(of: 10) {
                    var end = i
                    if end > 0 && buffer[end - 1] == 13 { end -= 1 }
                    let l = String(decoding: buffer[0..<end], as: UTF8.self)
                    buffer.removeFirst(i + 1)
                    return l
                }
                var chunk = [UInt8](repeating: 0, count: 4096)
                let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return nil }
                buffer += chunk[0..<n]
            }
        }
    }
}
