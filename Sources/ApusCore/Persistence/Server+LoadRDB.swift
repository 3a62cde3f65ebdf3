// Loading an RDB file into the keyspace at start-up and for DEBUG RELOAD (Redis's
// rdbLoad): keys, TTLs and databases; keys already expired are dropped as a master
// drops them; clients connecting meanwhile are served `-LOADING`. Any error leaves the
// caller to stop start-up: a partial dataset is never served.

import Glibc
import CApusSys

struct KeyspaceLoadHandler: RDBLoadHandler {
    unowned let server: Server
    /// The databases keys go into: the keyspace's, or fresh ones that replace them
    /// once complete (a replica's asynchronous load).
    let targets: [Database]
    var loaded = 0
    var expired = 0
    var sinceEvents = 0

    init(server: Server, targets: [Database]? = nil) {
        self.server = server
        self.targets = targets ?? server.keyspace.dbs
    }

    mutating func onAux(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        let k = String(decoding: key, as: UTF8.self)
        let v = String(decoding: value, as: UTF8.self)
        // Logged as the fields arrive, before the keys, as Redis does.
        switch k {
        case "redis-ver":
            server.log(.notice, "Loading RDB produced by version \(v)")
        case "ctime":
            let age = server.mstime / 1000 - (Int64(v) ?? 0)
            server.log(.notice, "RDB age \(age) seconds")
        case "used-mem":
            server.log(.notice, "RDB memory usage when created \(String(format2: Double(Int(v) ?? 0) / 1024 / 1024)) Mb")
        case "aof-base":
            if v != "0" { server.log(.notice, "RDB is base AOF") }
        case "repl-id":
            if v.utf8.count == 40 { server.lastLoadedReplId = v }
        case "repl-offset":
            server.lastLoadedReplOffset = Int64(v)
        case "repl-stream-db":
            server.lastLoadedReplStreamDB = Int(v).flatMap { $0 >= 0 ? $0 : nil }
        default: break
        }
    }

    mutating func onKey(db: Int, key: UnsafeRawBufferPointer, value: RDBValue, expireMs: Int64,
                        lruIdleSeconds: Int64, lfuFrequency: Int) throws {
        let now = server.mstime
        // A replica keeps keys past their TTL: its master's DEL removes them (7.0).
        if expireMs >= 0 && expireMs < now && !server.isReplica {
            expired += 1
            return
        }
        let d = targets[db]
        let at: Int64? = expireMs >= 0 ? expireMs : nil
        let e = d.store(value, under: key, expireAt: at, now: now, event: .none)
        if lruIdleSeconds >= 0 || lfuFrequency >= 0 {
            server.keyspace.setAccessStamp(e, idleSeconds: lruIdleSeconds >= 0 ? lruIdleSeconds : nil,
                                           frequency: lfuFrequency >= 0 ? lfuFrequency : nil)
        }
        server.keyspace.compactMaterialized()
        loaded += 1
        sinceEvents += 1
        if sinceEvents >= 65536 && server.serveClientsWhileLoading {
            sinceEvents = 0
            server.processEventsWhileLoading()
        }
    }
}

extension Database {
    /// Stores a value read from an RDB file or a DUMP payload under `key`, replacing
    /// whatever is there, and raises `event` (after "new" for a key created). Exhaustive
    /// over RDBValue: a new type says here how it is kept.
    @discardableResult
    func store(_ value: RDBValue, under key: UnsafeRawBufferPointer, expireAt: Int64?, now: Int64,
               event: KeyEvent) -> KeyEntry {
        switch value {
        case .int(let v): return setString(key, .int(v), expireAt: expireAt, now: now, event: event)
        case .string(let b): return setString(key, .bytes(b), expireAt: expireAt, now: now, event: event)
        case .hash(let h): return setObject(key, h, expireAt: expireAt, now: now, event: event)
        case .set(let s): return setObject(key, s, expireAt: expireAt, now: now, event: event)
        case .list(let l): return setObject(key, l, expireAt: expireAt, now: now, event: event)
        case .zset(let z): return setObject(key, z, expireAt: expireAt, now: now, event: event)
        case .stream(let st): return setObject(key, st, expireAt: expireAt, now: now, event: event)
        }
    }
}

extension Server {
    /// Loads `rdbPath` if it exists. Returns false (after logging why) on any error.
    public func loadDataFromDisk(mustExist: Bool = false) -> Bool {
        let path = rdbPath
        if access(path, F_OK) != 0 {
            if mustExist { log(.warning, "Error trying to load the RDB dump: \(String(cString: strerror(errno)))") }
            return !mustExist
        }
        return loadRDB(source: path) { loader, handler in _ = try loader.load(path: path, into: &handler) }
    }

    /// Loads an RDB into the keyspace with `read` (from a file, or a replica's socket),
    /// with the loading state, logging and counters of a load. `source` names it in
    /// the error log. Returns false (after logging why) on any error.
    /// With `targets` the keys go there instead (an asynchronous load: `asyncLoading`
    /// instead of `loading`, so commands keep running on the current data).
    func loadRDB(source: String, atStartup: Bool = true, targets: [Database]? = nil,
                 _ read: (RDBLoader, inout KeyspaceLoadHandler) throws -> Void) -> Bool {
        if targets != nil { asyncLoading = true } else { loading = true }
        loadingStartTime = mstime / 1000
        lastLoadedReplId = nil
        lastLoadedReplOffset = nil
        lastLoadedReplStreamDB = nil
        // Keys arriving from a file are not news (Redis's dbAddRDBLoad raises nothing).
        keyspace.eventsMuted = true
        defer { loading = false; asyncLoading = false; keyspace.eventsMuted = false }
        let start = apus_monotonic_us()
        var handler = KeyspaceLoadHandler(server: self, targets: targets)
        let loader = makeRDBLoader(verifyChecksum: config.rdbchecksum)
        do {
            try read(loader, &handler)
        } catch {
            log(.warning, "Fatal error loading the DB (\(source)): \(error)." + (atStartup ? " Exiting." : ""))
            return false
        }
        if loader.emptyKeysSkipped > 0 {
            log(.warning, "Done loading RDB, keys loaded: \(handler.loaded), keys expired: \(handler.expired), empty keys skipped: \(loader.emptyKeysSkipped).")
        } else {
            log(.notice, "Done loading RDB, keys loaded: \(handler.loaded), keys expired: \(handler.expired).")
        }
        let secs = Double(apus_monotonic_us() - start) / 1_000_000
        log(.notice, "DB loaded from \(atStartup ? "disk" : source): \(String(format3: secs)) seconds")
        rdbLastLoadKeysLoaded = handler.loaded
        rdbLastLoadKeysExpired = handler.expired
        keyspace.dirty = 0
        return true
    }

    /// A loader that builds values for this keyspace: its memory meter, the configured
    /// encoding thresholds.
    func makeRDBLoader(verifyChecksum: Bool) -> RDBLoader {
        let loader = RDBLoader(databases: keyspace.dbs.count, verifyChecksum: verifyChecksum)
        loader.meter = keyspace.meter
        loader.hashLimits = hashLimits
        loader.maxIntsetEntries = config.setMaxIntsetEntries
        loader.listFill = config.listMaxListpackSize
        loader.listCompressDepth = config.listCompressDepth
        loader.zsetLimits = ZSetValue.Limits(maxEntries: config.zsetMaxListpackEntries,
                                             maxValue: config.zsetMaxListpackValue)
        return loader
    }

    /// hash-max-listpack-entries / -value as the hash type applies them.
    var hashLimits: HashValue.Limits {
        HashValue.Limits(maxEntries: config.hashMaxListpackEntries, maxValue: config.hashMaxListpackValue)
    }

    /// Serves clients during a long load at start-up: they get `-LOADING` for data
    /// commands. (DEBUG RELOAD runs inside a command and loads without serving others.)
    func processEventsWhileLoading() {
        refreshTime()
        sendNewlineToMasterWhileLoading()
        dispatchEvents(loop.poll(timeoutMs: 0), notifications: false)
        handleClientsWithPendingWrites()
    }

    /// DEBUG RELOAD: save, empty the keyspace, load the file again. Returns the error
    /// reply on failure (a failed save is a bare "ERR", as in Redis).
    public func debugReload(save: Bool = true, flush: Bool = true) -> String? {
        // One snapshot at a time: a running BGSAVE or AOF rewrite gives way to the
        // synchronous save (the rewrite starts again afterwards).
        if save && aofRewriteInProgress { yieldAOFRewriteToForegroundSave() }
        if save && snapshotJob != nil { abortBackgroundSave() }
        if save && !saveSync() { return "ERR" }
        if flush { _ = keyspace.flushAll(async: false) }
        return loadDataFromDisk(mustExist: true) ? nil : "ERR Error trying to load the RDB dump"
    }
}

extension String {
    init(format2 v: Double) { self = String(fixed: v, digits: 2) }
    init(format3 v: Double) { self = String(fixed: v, digits: 3) }

    /// Fixed-point formatting without Foundation.
    init(fixed v: Double, digits: Int) {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([v]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
        self = String(cString: buf)
    }
}
