// DEBUG (Redis 7.0's debugCommand in debug.c): the testing hooks test suites and tools
// rely on — SLEEP, SET-ACTIVE-EXPIRE, OBJECT, POPULATE, DIGEST, DIGEST-VALUE, RELOAD,
// LOG, ERROR, PROTOCOL, CHANGE-REPL-ID and HELP — with 7.0's replies. The command is a
// protected one: enable-debug-command "no" refuses it, "local" allows it from loopback
// and unix-socket connections only, with 7.0's error text. DIGEST reproduces Redis's
// algorithm (SHA-1 based, order-independent across keys and set-like elements), so the
// same dataset has the same digest in Redis and in Apus.

import Glibc
import CApusSys

enum DebugCommand {
    // MARK: - Protection

    static let notAllowedError = "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server."

    /// Redis's allowProtectedAction: "yes" always, "local" from a local connection.
    static func protectedActionAllowed(_ setting: String, _ c: Client) -> Bool {
        switch setting {
        case "yes": return true
        case "local": return isLocal(c)
        default: return false
        }
    }

    /// islocalClient: a unix socket or a peer at 127.0.0.1 / ::1.
    static func isLocal(_ c: Client) -> Bool {
        if c.flags.contains(.unixSocket) { return true }
        var ip = Substring(c.peerAddress)
        if let colon = ip.lastIndex(of: ":") { ip = ip[..<colon] }
        if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = ip.dropFirst().dropLast() }
        return ip == "127.0.0.1" || ip == "::1"
    }

    // MARK: - Dispatch

    static func debug(_ c: Client) {
        guard protectedActionAllowed(c.server.config.enableDebugCommand, c) else {
            c.addReplyError(notAllowedError)
            return
        }
        let n = c.argc
        if n == 2 && c.argEquals(1, "help") {
            c.addReplyHelp(helpLines)
        } else if c.argEquals(1, "log") && n == 3 {
            c.server.log(.warning, "DEBUG LOG: \(c.argString(2))")
            c.addReplyOK()
        } else if c.argEquals(1, "reload") {
            reload(c)
        } else if c.argEquals(1, "object") && n == 3 {
            object(c)
        } else if c.argEquals(1, "populate") && n >= 3 && n <= 5 {
            populate(c)
        } else if c.argEquals(1, "digest") && n == 2 {
            c.addReplyStatus(datasetDigest(c.server).hex)
        } else if c.argEquals(1, "digest-value") && n >= 2 {
            c.addReplyArrayLen(n - 2)
            for j in 2..<n {
                var d = DebugDigest()
                // Like Redis, logically expired keys still count: no expiry on lookup.
                if let e = c.db.peek(c.arg(j)) { xorValueDigest(e, into: &d) }
                c.addReplyStatus(d.hex)
            }
        } else if c.argEquals(1, "protocol") && n == 3 {
            protocolSample(c)
        } else if c.argEquals(1, "sleep") && n == 3 {
            let seconds = strtodPrefix(c.arg(2))
            let us = seconds.isFinite ? Int64(max(0, min(seconds, 1e9)) * 1_000_000) : 0
            var ts = timespec(tv_sec: Int(us / 1_000_000), tv_nsec: Int((us % 1_000_000) * 1000))
            if us > 0 { nanosleep(&ts, nil) }
            c.addReplyOK()
        } else if c.argEquals(1, "set-active-expire") && n == 3 {
            c.server.activeExpireEnabled = atoiPrefix(c.arg(2)) != 0
            c.addReplyOK()
        } else if c.argEquals(1, "error") && n == 3 {
            // A raw protocol error: not counted in errorstats (Redis writes it directly).
            var msg = c.argBytes(2).map { ($0 == 10 || $0 == 13) ? 32 : $0 }
            msg.insert(45, at: 0)
            msg.append(13); msg.append(10)
            msg.withUnsafeBytes { c.addReplyRaw($0) }
        } else if c.argEquals(1, "change-repl-id") && n == 2 {
            c.server.log(.warning, "Changing replication IDs after receiving DEBUG change-repl-id")
            c.server.replicationId = Server.randomHex(40)
            c.addReplyOK()
        } else {
            c.addReplyUnknownSubcommandOrArity()
        }
    }

    // MARK: - Subcommands

    /// DEBUG RELOAD [MERGE|NOFLUSH|NOSAVE ...]: save, empty the keyspace, load the file.
    static func reload(_ c: Client) {
        var flush = true
        var save = true
        for j in 2..<max(c.argc, 2) {
            if c.argEquals(j, "merge") {
                // Loading over existing keys replaces them in Apus's loader already.
            } else if c.argEquals(j, "noflush") {
                flush = false
            } else if c.argEquals(j, "nosave") {
                save = false
            } else {
                c.addReplyError("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
                return
            }
        }
        if let error = c.server.debugReload(save: save, flush: flush) {
            c.addReplyError(error)
            return
        }
        c.server.log(.warning, "DB reloaded by DEBUG RELOAD")
        c.addReplyOK()
    }

    /// DEBUG OBJECT key: "Value at:<addr> refcount:N encoding:E serializedlength:N lru:N
    /// lru_seconds_idle:N".
    static func object(_ c: Client) {
        guard let e = c.db.peek(c.arg(2)) else {
            c.addReplyError("ERR no such key")
            return
        }
        let refcount = KeyCommands.isShared(c, e) ? 2147483647 : 1
        let now = c.server.keyspace.lruClock
        let lru = e.lru
        let idle = now >= lru ? now - lru : now + (0xFF_FFFF - lru)
        let addr = "0x" + String(UInt(bitPattern: e.raw), radix: 16)
        var extra = ""
        if e.type == .list && e.isObject {
            // 7.0 adds the quicklist's shape for lists.
            let l = e.object(as: ListValue.self)
            let nodes = Int(l.nodeCount)
            let avg = nodes == 0 ? 0 : Double(l.count) / Double(nodes)
            extra = " ql_nodes:\(nodes) ql_avg_node:\(String(decoding: Numbers.formatted("%.2f", avg), as: UTF8.self))"
                + " ql_listpack_max:\(c.server.config.listMaxListpackSize) ql_compressed:\(l.compressDepth != 0 ? 1 : 0)"
                + " ql_uncompressed_size:\(l.uncompressedSize)"
        }
        c.addReplyStatus("Value at:\(addr) refcount:\(refcount) encoding:\(e.reportedEncoding.name) serializedlength:\(serializedLength(e, compress: c.server.config.rdbcompression)) lru:\(lru) lru_seconds_idle:\(idle)\(extra)")
    }

    /// rdbSavedObjectLen for the entry's value, measured by encoding it with the RDB writer.
    static func serializedLength(_ e: KeyEntry, compress: Bool) -> Int {
        let enc = RDBEncoder(initialCapacity: 64)
        enc.writeValue(of: e, compress: compress)
        return enc.totalCount
    }

    /// DEBUG POPULATE count [prefix] [size]: keys "<prefix>:<n>" holding "value:<n>"
    /// (cut or zero-padded to `size` bytes when given); existing keys are left alone.
    /// Like Redis, the new keys do not count as changes for the save points.
    static func populate(_ c: Client) {
        guard let count = c.argInt64(2), count >= 0 else {
            c.addReplyError("ERR value is out of range, must be positive")
            return
        }
        var size: Int64 = 0
        if c.argc == 5 {
            guard let v = c.argInt64(4), v >= 0 else {
                c.addReplyError("ERR value is out of range, must be positive")
                return
            }
            size = v
        }
        let prefix: [UInt8] = c.argc >= 4 ? c.argBytes(3) : Array("key".utf8)
        let db = c.db
        let now = c.server.mstime
        let dirty = c.server.keyspace.dirty
        var key = [UInt8]()
        var value = [UInt8]()
        var j: Int64 = 0
        while j < count {
            key.removeAll(keepingCapacity: true)
            key.append(contentsOf: prefix)
            key.append(58)
            key.append(contentsOf: String(j).utf8)
            let exists = key.withUnsafeBytes { db.lookupWrite($0, now: now) != nil }
            if !exists {
                value.removeAll(keepingCapacity: true)
                value.append(contentsOf: "value:\(j)".utf8)
                if size > 0 {
                    if value.count > Int(size) { value.removeLast(value.count - Int(size)) }
                    while value.count < Int(size) { value.append(0) }
                }
                key.withUnsafeBytes { k in
                    // Added as new keys, raising only "new" (Redis's dbAdd).
                    value.withUnsafeBytes { v in _ = db.setString(k, .embstrOrRaw(v), now: now, event: .none) }
                }
            }
            j += 1
        }
        c.server.keyspace.dirty = dirty
        c.addReplyOK()
    }

    /// DEBUG PROTOCOL <type>: one sample reply of each RESP type.
    static func protocolSample(_ c: Client) {
        let name = c.argLowercased(2)
        switch name {
        case "string": c.addReplyBulkString("Hello World")
        case "integer": c.addReplyInteger(12345)
        case "double": c.addReplyDouble(3.141)
        case "bignum": c.addReplyBigNumber("1234567999999999999999999999999999999")
        case "null": c.addReplyNull()
        case "array":
            c.addReplyArrayLen(3)
            for j in 0..<3 { c.addReplyInteger(j) }
        case "set":
            c.addReplySetLen(3)
            for j in 0..<3 { c.addReplyInteger(j) }
        case "map":
            c.addReplyMapLen(3)
            for j in 0..<3 {
                c.addReplyInteger(j)
                c.addReplyBool(j == 1)
            }
        case "attrib":
            if c.resp >= 3 {
                c.addReplyRawString("|1\r\n")
                c.addReplyBulkString("key-popularity")
                c.addReplyArrayLen(2)
                c.addReplyBulkString("key:123")
                c.addReplyInteger(90)
            }
            c.addReplyBulkString("Some real reply following the attribute")
        case "push":
            if c.resp < 3 {
                c.addReplyError("ERR RESP2 is not supported by this command")
                return
            }
            c.addReplyPushLen(2)
            c.addReplyBulkString("server-cpu-usage")
            c.addReplyInteger(42)
            c.addReplyBulkString("Some real reply following the push reply")
        case "true": c.addReplyBool(true)
        case "false": c.addReplyBool(false)
        case "verbatim": c.addReplyVerbatim("This is a verbatim\nstring")
        default:
            c.addReplyError("ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false")
        }
    }

    // MARK: - Digest

    /// computeDatasetDigest: per non-empty db, mix its number in, then xor in each key's
    /// digest (key mixed, then the value's digest, then the expire marker).
    static func datasetDigest(_ s: Server) -> DebugDigest {
        var final = DebugDigest()
        for db in s.keyspace.dbs where db.count > 0 {
            var be = UInt32(db.id).bigEndian
            withUnsafeBytes(of: &be) { final.mix($0) }
            db.table.forEach { e in
                var d = DebugDigest()
                d.mix(e.key)
                xorValueDigest(e, into: &d)
                final.xor(d.bytes)
            }
        }
        return final
    }

    /// xorObjectDigest: the type code, the value, and "!!expire!!" when the key has a TTL.
    static func xorValueDigest(_ e: KeyEntry, into d: inout DebugDigest) {
        var type = UInt32(e.type.rawValue).bigEndian
        withUnsafeBytes(of: &type) { d.mix($0) }
        if e.isObject {
            e.withStoredObject { $0.digest(into: &d) }
        } else {
            e.withStringValue { d.mix($0) }
        }
        if e.hasExpire { d.xor(Array("!!expire!!".utf8)) }
    }

    // MARK: - C-style number prefixes (DEBUG parses with strtod / atoi)

    static func strtodPrefix(_ p: UnsafeRawBufferPointer) -> Double {
        var s = Array(p)
        s.append(0)
        return s.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { strtod($0, nil) }
        }
    }

    static func atoiPrefix(_ p: UnsafeRawBufferPointer) -> Int32 {
        var s = Array(p)
        s.append(0)
        return s.withUnsafeBufferPointer { b in
            b.baseAddress!.withMemoryRebound(to: CChar.self, capacity: b.count) { atoi($0) }
        }
    }

    // MARK: - HELP

    /// 7.0's DEBUG HELP text as a build without jemalloc prints it (no MALLCTL lines).
    static let helpLines = [
        "AOF-FLUSH-SLEEP <microsec>",
        "    Server will sleep before flushing the AOF, this is used for testing.",
        "ASSERT",
        "    Crash by assertion failed.",
        "CHANGE-REPL-ID",
        "    Change the replication IDs of the instance.",
        "    Dangerous: should be used only for testing the replication subsystem.",
        "CONFIG-REWRITE-FORCE-ALL",
        "    Like CONFIG REWRITE but writes all configuration options, including",
        "    keywords not listed in original configuration file or default values.",
        "CRASH-AND-RECOVER [<milliseconds>]",
        "    Hard crash and restart after a <milliseconds> delay (default 0).",
        "DIGEST",
        "    Output a hex signature representing the current DB content.",
        "DIGEST-VALUE <key> [<key> ...]",
        "    Output a hex signature of the values of all the specified keys.",
        "ERROR <string>",
        "    Return a Redis protocol error with <string> as message. Useful for clients",
        "    unit tests to simulate Redis errors.",
        "LEAK <string>",
        "    Create a memory leak of the input string.",
        "LOG <message>",
        "    Write <message> to the server log.",
        "HTSTATS <dbid>",
        "    Return hash table statistics of the specified Redis database.",
        "HTSTATS-KEY <key>",
        "    Like HTSTATS but for the hash table stored at <key>'s value.",
        "LOADAOF",
        "    Flush the AOF buffers on disk and reload the AOF in memory.",
        "REPLICATE <string>",
        "    Replicates the provided string to replicas, allowing data divergence.",
        "OBJECT <key>",
        "    Show low level info about `key` and associated value.",
        "DROP-CLUSTER-PACKET-FILTER <packet-type>",
        "    Drop all packets that match the filtered type. Set to -1 allow all packets.",
        "OOM",
        "    Crash the server simulating an out-of-memory error.",
        "PANIC",
        "    Crash the server simulating a panic.",
        "POPULATE <count> [<prefix>] [<size>]",
        "    Create <count> string keys named key:<num>. If <prefix> is specified then",
        "    it is used instead of the 'key' prefix. These are not propagated to",
        "    replicas. Cluster slots are not respected so keys not belonging to the",
        "    current node can be created in cluster mode.",
        "PROTOCOL <type>",
        "    Reply with a test value of the specified type. <type> can be: string,",
        "    integer, double, bignum, null, array, set, map, attrib, push, verbatim,",
        "    true, false.",
        "RELOAD [option ...]",
        "    Save the RDB on disk and reload it back to memory. Valid <option> values:",
        "    * MERGE: conflicting keys will be loaded from RDB.",
        "    * NOFLUSH: the existing database will not be removed before load, but",
        "      conflicting keys will generate an exception and kill the server.",
        "    * NOSAVE: the database will be loaded from an existing RDB file.",
        "    Examples:",
        "    * DEBUG RELOAD: verify that the server is able to persist, flush and reload",
        "      the database.",
        "    * DEBUG RELOAD NOSAVE: replace the current database with the contents of an",
        "      existing RDB file.",
        "    * DEBUG RELOAD NOSAVE NOFLUSH MERGE: add the contents of an existing RDB",
        "      file to the database.",
        "RESTART [<milliseconds>]",
        "    Graceful restart: save config, db, restart after a <milliseconds> delay (default 0).",
        "SDSLEN <key>",
        "    Show low level SDS string info representing `key` and value.",
        "SEGFAULT",
        "    Crash the server with sigsegv.",
        "SET-ACTIVE-EXPIRE <0|1>",
        "    Setting it to 0 disables expiring keys in background when they are not",
        "    accessed (otherwise the Redis behavior). Setting it to 1 reenables back the",
        "    default.",
        "QUICKLIST-PACKED-THRESHOLD <size>",
        "    Sets the threshold for elements to be inserted as plain vs packed nodes",
        "    Default value is 1GB, allows values up to 4GB. Setting to 0 restores to default.",
        "SET-SKIP-CHECKSUM-VALIDATION <0|1>",
        "    Enables or disables checksum checks for RDB files and RESTORE's payload.",
        "SLEEP <seconds>",
        "    Stop the server for <seconds>. Decimals allowed.",
        "STRINGMATCH-TEST",
        "    Run a fuzz tester against the stringmatchlen() function.",
        "STRUCTSIZE",
        "    Return the size of different Redis core C structures.",
        "LISTPACK <key>",
        "    Show low level info about the listpack encoding of <key>.",
        "QUICKLIST <key> [<0|1>]",
        "    Show low level info about the quicklist encoding of <key>.",
        "    The optional argument (0 by default) sets the level of detail",
        "CLIENT-EVICTION",
        "    Show low level client eviction pools info (maxmemory-clients).",
        "PAUSE-CRON <0|1>",
        "    Stop periodic cron job processing.",
        "REPLYBUFFER PEAK-RESET-TIME <NEVER||RESET|time>",
        "    Sets the time (in milliseconds) to wait between client reply buffer peak resets.",
        "    In case NEVER is provided the last observed peak will never be reset",
        "    In case RESET is provided the peak reset time will be restored to the default value",
        "REPLYBUFFER RESIZING <0|1>",
        "    Enable or disable the reply buffer resize cron job",
        "CLUSTERLINK KILL <to|from|all> <node-id>",
        "    Kills the link based on the direction to/from (both) with the provided node.",
    ]
}
