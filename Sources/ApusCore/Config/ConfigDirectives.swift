// The directive table: one entry per redis.conf directive Apus supports, described as
// data (name, optional alias, flags, value kind, default) plus the three operations
// Redis 7.0's `standardConfig` has — set (validate and store into `ServerConfig`), get
// (the text CONFIG GET prints) and rewrite (the line CONFIG REWRITE writes). Bounds,
// enum spellings, immutable/protected/sensitive flags and every error text follow
// Redis 7.0.15's config.c, so the config file loader, CONFIG SET and CONFIG GET all
// behave like redis-server. CONFIG SET's all-or-nothing semantics (validate every
// pair, set, apply, roll back on failure) live here too, so they can be tested
// without a network client.

import Glibc

// MARK: - Model

/// Directive flags (Redis's IMMUTABLE_CONFIG, PROTECTED_CONFIG, SENSITIVE_CONFIG,
/// MULTI_ARG_CONFIG, DENY_LOADING_CONFIG, HIDDEN_CONFIG).
public struct ConfigFlags: OptionSet {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    /// Only settable at start-up (config file or command line).
    public static let immutable = ConfigFlags(rawValue: 1 << 0)
    /// CONFIG SET refused unless `enable-protected-configs` allows this client.
    public static let protected = ConfigFlags(rawValue: 1 << 1)
    /// The value must not show up in SLOWLOG / MONITOR (requirepass).
    public static let sensitive = ConfigFlags(rawValue: 1 << 2)
    /// Takes several arguments (save, bind, ...): CONFIG SET splits its value on spaces.
    public static let multiArg = ConfigFlags(rawValue: 1 << 3)
    /// CONFIG SET refused with -LOADING while a dataset is being loaded.
    public static let denyLoading = ConfigFlags(rawValue: 1 << 4)
    /// Not matched by CONFIG GET glob patterns, only by its exact name.
    public static let hidden = ConfigFlags(rawValue: 1 << 5)
}

/// What kind of value a directive takes (for documentation and tests; behaviour is in
/// the closures).
public enum ConfigValueKind: Equatable {
    case bool
    case integer(min: String, max: String)
    case memory(min: String, max: String)
    case octal
    case enumeration([String])
    case string
    case special
}

/// A validation or apply failure; `message` is Redis's error text without prefix,
/// e.g. "argument must be between 0 and 65535 inclusive".
public struct ConfigError: Error, Equatable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// State shared by the directives of one load: Redis's `reading_config_file` flag and
/// the "first save line replaces the defaults" latch.
public final class ConfigSetContext {
    public var readingFile: Bool
    var saveLoaded = false
    public init(readingFile: Bool) { self.readingFile = readingFile }
}

public struct ConfigDirective {
    public let name: String
    public let alias: String?
    public let flags: ConfigFlags
    public let kind: ConfigValueKind
    /// The default value as CONFIG GET would print it (Apus defaults).
    public let defaultText: String
    /// Validates `args` and stores them; returns whether the stored value changed
    /// (Redis's 1 versus 2, which decides whether the apply step runs).
    let set: (ServerConfig, [[UInt8]], ConfigSetContext) throws -> Bool
    let get: (ServerConfig) -> String
    let rewrite: (ServerConfig, String, ConfigRewriteState) -> Void
}

// MARK: - The table

public enum ConfigDirectives {
    /// Every supported directive, grouped like redis.conf. Order is the order CONFIG
    /// GET patterns list matches in and CONFIG REWRITE appends new lines in.
    public static let all: [ConfigDirective] = [
        // Network
        special("bind", [.multiArg], kind: .special, set: setBind, get: { $0.bind.joined(separator: " ") },
                rewrite: rewriteBind),
        integer("port", [], \.port, 0, 65535, def: 6379),
        integer("tcp-backlog", [.immutable], \.tcpBacklog, 0, Int64(Int32.max), def: 511),
        string("unixsocket", [.immutable], \.unixSocket, def: nil, emptyIsNull: true),
        unsigned("unixsocketperm", [.immutable], \.unixSocketPerm, 0, 0o777, def: 0, style: .octal),
        integer("timeout", [], \.timeout, 0, Int64(Int32.max), def: 0),
        integer("tcp-keepalive", [], \.tcpKeepalive, 0, Int64(Int32.max), def: 300),
        bool("protected-mode", [], \.protectedMode, def: true),
        unsigned("maxclients", [], \.maxclients, 1, UInt64(UInt32.max), def: 10000),
        special("client-output-buffer-limit", [.multiArg], kind: .special, set: setOutputBufferLimit,
                get: getOutputBufferLimit, rewrite: rewriteOutputBufferLimit),
        bool("activerehashing", [], \.activeRehashing, def: true),

        // General
        bool("daemonize", [.immutable], \.daemonize, def: false),
        stringEnum("supervised", [.immutable], \.supervised, values: supervisedModes, def: "no"),
        bool("syslog-enabled", [.immutable], \.syslogEnabled, def: false),
        string("syslog-ident", [.immutable], \.syslogIdent, def: "redis", emptyIsNull: false),
        stringEnum("syslog-facility", [.immutable], \.syslogFacility, values: syslogFacilities, def: "local0"),
        stringEnum("oom-score-adj", [], \.oomScoreAdj, values: oomScoreAdjModes, def: "no"),
        special("oom-score-adj-values", [.multiArg], kind: .special, set: setOomScoreAdjValues,
                get: { $0.oomScoreAdjValues.map(String.init).joined(separator: " ") },
                rewrite: { c, n, st in
                    st.rewriteLine(n, "\(n) " + c.oomScoreAdjValues.map(String.init).joined(separator: " "),
                                   force: c.oomScoreAdjValues != [0, 200, 800])
                    st.markProcessed(n)
                }),
        bool("disable-thp", [.immutable], \.disableTHP, def: true),
        bool("always-show-logo", [.immutable], \.alwaysShowLogo, def: false),
        bool("set-proc-title", [.immutable], \.setProcTitle, def: true),
        string("proc-title-template", [], \.procTitleTemplate, def: "{title} {listen-addr} {server-mode}",
               emptyIsNull: false, validate: { v in
            ProcTitle.isValidTemplate(String(decoding: v, as: UTF8.self))
                ? nil : "template format is invalid or contains unknown variables"
        }),
        bool("crash-log-enabled", [], \.crashLogEnabled, def: true),
        integer("io-threads", [.immutable], \.ioThreads, 1, 128, def: 1),
        bool("io-threads-do-reads", [.immutable], \.ioThreadsDoReads, def: false),
        // Redis built with libc (as Apus is: mem_allocator:libc) accepts and ignores this.
        bool("jemalloc-bg-thread", [], \.jemallocBgThread, def: true),
        string("pidfile", [.immutable], \.pidfile, def: nil, emptyIsNull: true),
        enumeration("loglevel", [], values: logLevels, bitflags: false,
                    load: { $0.loglevel.rawValue },
                    store: { $0.loglevel = LogLevel(rawValue: $1) ?? .notice },
                    def: LogLevel.notice.rawValue),
        string("logfile", [.immutable], \.logfile, def: "", emptyIsNull: false),
        integer("databases", [.immutable], \.databases, 1, Int64(Int32.max), def: 16),
        integer("hz", [], \.hz, 0, Int64(Int32.max), def: 10, after: { c in
            // Redis accepts any value but caps it (updateHZ), so GET shows the capped one.
            c.hz = min(max(c.hz, minHz), maxHz)
        }),
        bool("dynamic-hz", [], \.dynamicHz, def: true),

        // Limits and memory
        integer("proto-max-bulk-len", [], \.protoMaxBulkLen, 1024 * 1024, Int64.max,
                def: 512 * 1024 * 1024, style: .memory),
        unsigned("client-query-buffer-limit", [], \.clientQueryBufferLimit, 1024 * 1024, UInt64(Int64.max),
                 def: 1024 * 1024 * 1024, style: .memory),
        unsigned("maxmemory", [], \.maxmemory, 0, UInt64.max, def: 0, style: .memory),
        special("maxmemory-clients", [], kind: .special, set: setMaxmemoryClients,
                get: { $0.maxmemoryClients < 0 ? "\(-$0.maxmemoryClients)%" : "\($0.maxmemoryClients)" },
                rewrite: { c, n, st in
                    let v = c.maxmemoryClients
                    st.rewriteLine(n, "\(n) " + (v < 0 ? "\(-v)%" : MemoryUnits.formatForConfig(Int64(v))), force: v != 0)
                    st.markProcessed(n)
                }),
        stringEnum("maxmemory-policy", [], \.maxmemoryPolicy, values: maxmemoryPolicies, def: "noeviction"),
        integer("maxmemory-samples", [], \.maxmemorySamples, 1, Int64(Int32.max), def: 5),
        unsigned("set-max-intset-entries", [], \.setMaxIntsetEntries, 0, UInt64(Int.max), def: 512),
        unsigned("hash-max-listpack-entries", alias: "hash-max-ziplist-entries", [], \.hashMaxListpackEntries,
                 0, UInt64(Int.max), def: 512),
        unsigned("hash-max-listpack-value", alias: "hash-max-ziplist-value", [], \.hashMaxListpackValue,
                 0, UInt64(Int.max), def: 64, style: .memory),
        integer("list-max-listpack-size", alias: "list-max-ziplist-size", [], \.listMaxListpackSize,
                Int64(Int32.min), Int64(Int32.max), def: -2),
        unsigned("zset-max-listpack-entries", alias: "zset-max-ziplist-entries", [], \.zsetMaxListpackEntries,
                 0, UInt64(Int.max), def: 128),
        unsigned("zset-max-listpack-value", alias: "zset-max-ziplist-value", [], \.zsetMaxListpackValue,
                 0, UInt64(Int.max), def: 64, style: .memory),
        integer("list-compress-depth", [], \.listCompressDepth, 0, Int64(Int32.max), def: 0),
        unsigned("hll-sparse-max-bytes", [], \.hllSparseMaxBytes, 0, UInt64(Int.max), def: 3000, style: .memory),
        unsigned("stream-node-max-bytes", [], \.streamNodeMaxBytes, 0, UInt64(Int.max), def: 4096, style: .memory),
        integer("stream-node-max-entries", [], \.streamNodeMaxEntries, 0, Int64.max, def: 100),
        integer("maxmemory-eviction-tenacity", [], \.maxmemoryEvictionTenacity, 0, 100, def: 10),
        integer("lfu-log-factor", [], \.lfuLogFactor, 0, Int64(Int32.max), def: 10),
        integer("lfu-decay-time", [], \.lfuDecayTime, 0, Int64(Int32.max), def: 1),
        integer("active-expire-effort", [], \.activeExpireEffort, 1, 10, def: 1),

        // Snapshotting
        special("save", [.multiArg], kind: .special, set: setSave, get: getSave, rewrite: rewriteSave),
        bool("stop-writes-on-bgsave-error", [], \.stopWritesOnBgsaveError, def: true),
        bool("rdbcompression", [], \.rdbcompression, def: true),
        bool("rdbchecksum", [.immutable], \.rdbchecksum, def: true),
        string("dbfilename", [.protected], \.dbfilename, def: "dump.rdb", emptyIsNull: false, validate: { v in
            v.contains(UInt8(ascii: "/")) || v.contains(UInt8(ascii: "\\"))
                ? "dbfilename can't be a path, just a filename" : nil
        }),
        special("dir", [.protected, .denyLoading], kind: .special, defaultText: "./", set: setDir, get: { _ in ConfigText.currentDirectory() ?? "" },
                rewrite: rewriteDir),
        bool("rdb-del-sync-files", [], \.rdbDelSyncFiles, def: false),
        bool("rdb-save-incremental-fsync", [], \.rdbSaveIncrementalFsync, def: true),

        // Append only file
        bool("appendonly", [.denyLoading], \.appendonly, def: false),
        string("appendfilename", [.immutable], \.appendfilename, def: "appendonly.aof", emptyIsNull: false,
               validate: { v in
            v.isEmpty ? "appendfilename can't be empty"
                : v.contains(UInt8(ascii: "/")) ? "appendfilename can't be a path, just a filename" : nil
        }),
        string("appenddirname", [.immutable], \.appenddirname, def: "appendonlydir", emptyIsNull: false,
               validate: { v in
            v.isEmpty ? "appenddirname can't be empty"
                : v.contains(UInt8(ascii: "/")) ? "appenddirname can't be a path, just a dirname" : nil
        }),
        stringEnum("appendfsync", [], \.appendfsync, values: [("always", 0), ("everysec", 1), ("no", 2)],
                   def: "everysec"),
        bool("no-appendfsync-on-rewrite", [], \.noAppendfsyncOnRewrite, def: false),
        integer("auto-aof-rewrite-percentage", [], \.autoAofRewritePercentage, 0, Int64(Int32.max), def: 100),
        integer("auto-aof-rewrite-min-size", [], \.autoAofRewriteMinSize, 0, Int64.max, def: 64 * 1024 * 1024,
                style: .memory),
        bool("aof-rewrite-incremental-fsync", [], \.aofRewriteIncrementalFsync, def: true),
        bool("aof-load-truncated", [], \.aofLoadTruncated, def: true),
        bool("aof-use-rdb-preamble", [], \.aofUseRdbPreamble, def: true),
        bool("aof-timestamp-enabled", [], \.aofTimestampEnabled, def: false),
        bool("aof-disable-auto-gc", [], \.aofDisableAutoGC, def: false),

        // Replication
        special("replicaof", alias: "slaveof", [.immutable, .multiArg], kind: .special, defaultText: "",
                set: setReplicaOf, get: { c in c.masterHost.map { "\($0) \(c.masterPort)" } ?? "" },
                rewrite: { c, n, st in
                    // A master writes no replicaof line (and drops any it finds).
                    guard let h = c.masterHost else { st.markProcessed(n); return }
                    st.rewriteLine(n, "\(n) \(h) \(c.masterPort)", force: true)
                }),
        string("masterauth", [.sensitive], \.masterauth, def: nil, emptyIsNull: true),
        string("masteruser", [.sensitive], \.masteruser, def: nil, emptyIsNull: true),
        bool("replica-serve-stale-data", alias: "slave-serve-stale-data", [], \.replicaServeStaleData, def: true),
        bool("replica-read-only", alias: "slave-read-only", [], \.replicaReadOnly, def: true),
        bool("repl-diskless-sync", [], \.replDisklessSync, def: true),
        integer("repl-diskless-sync-delay", [], \.replDisklessSyncDelay, 0, Int64(Int32.max), def: 5),
        integer("repl-diskless-sync-max-replicas", [], \.replDisklessSyncMaxReplicas, 0, Int64(Int32.max), def: 0),
        stringEnum("repl-diskless-load", [.denyLoading], \.replDisklessLoad,
                   values: [("disabled", 0), ("on-empty-db", 1), ("swapdb", 2)], def: "disabled"),
        integer("repl-ping-replica-period", alias: "repl-ping-slave-period", [], \.replPingReplicaPeriod, 1,
                Int64(Int32.max), def: 10),
        integer("repl-timeout", [], \.replTimeout, 1, Int64(Int32.max), def: 60),
        bool("repl-disable-tcp-nodelay", [], \.replDisableTcpNodelay, def: false),
        integer("repl-backlog-size", [], \.replBacklogSize, 1, Int64.max, def: 1024 * 1024, style: .memory),
        integer("repl-backlog-ttl", [], \.replBacklogTTL, 0, Int64.max, def: 3600),
        integer("replica-priority", alias: "slave-priority", [], \.replicaPriority, 0, Int64(Int32.max), def: 100),
        bool("replica-announced", [], \.replicaAnnounced, def: true),
        string("replica-announce-ip", alias: "slave-announce-ip", [], \.replicaAnnounceIP, def: nil, emptyIsNull: true),
        integer("replica-announce-port", alias: "slave-announce-port", [], \.replicaAnnouncePort, 0, 65535, def: 0),
        integer("min-replicas-to-write", alias: "min-slaves-to-write", [], \.minReplicasToWrite, 0,
                Int64(Int32.max), def: 0),
        integer("min-replicas-max-lag", alias: "min-slaves-max-lag", [], \.minReplicasMaxLag, 0,
                Int64(Int32.max), def: 10),
        bool("replica-ignore-maxmemory", alias: "slave-ignore-maxmemory", [], \.replicaIgnoreMaxmemory, def: true),
        bool("replica-lazy-flush", alias: "slave-lazy-flush", [], \.replicaLazyFlush, def: false),
        bool("replica-ignore-disk-write-errors", [], \.replicaIgnoreDiskWriteErrors, def: false),
        stringEnum("propagation-error-behavior", [], \.propagationErrorBehavior,
                   values: [("ignore", 0), ("panic", 1), ("panic-on-replicas", 2)], def: "ignore"),

        // Cluster
        bool("cluster-enabled", [.immutable], \.clusterEnabled, def: false),
        string("cluster-config-file", [.immutable], \.clusterConfigFile, def: "nodes.conf", emptyIsNull: false),
        integer("cluster-node-timeout", [], \.clusterNodeTimeout, 0, Int64.max, def: 15000),
        integer("cluster-port", [.immutable], \.clusterPort, 0, 65535, def: 0),
        string("cluster-announce-ip", [], \.clusterAnnounceIP, def: nil, emptyIsNull: true),
        string("cluster-announce-hostname", [], \.clusterAnnounceHostname, def: nil, emptyIsNull: true,
               validate: { v in
                   // 7.0's isValidAnnouncedHostname: letters, digits, '-' and '.' only.
                   v.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) || $0 == 45 || $0 == 46 }
                       ? nil : "Hostnames must be less than 256 characters and only contain alphanumeric characters, '-' or '.'"
               }),
        integer("cluster-announce-port", [], \.clusterAnnouncePort, 0, 65535, def: 0),
        integer("cluster-announce-bus-port", [], \.clusterAnnounceBusPort, 0, 65535, def: 0),
        integer("cluster-announce-tls-port", [], \.clusterAnnounceTlsPort, 0, 65535, def: 0),
        stringEnum("cluster-preferred-endpoint-type", [], \.clusterPreferredEndpointType,
                   values: [("ip", 0), ("hostname", 1), ("unknown-endpoint", 2)], def: "ip"),
        bool("cluster-require-full-coverage", [], \.clusterRequireFullCoverage, def: true),
        bool("cluster-allow-reads-when-down", [], \.clusterAllowReadsWhenDown, def: false),
        bool("cluster-allow-pubsubshard-when-down", [], \.clusterAllowPubsubshardWhenDown, def: true),
        integer("cluster-replica-validity-factor", alias: "cluster-slave-validity-factor", [],
                \.clusterReplicaValidityFactor, 0, Int64(Int32.max), def: 10),
        bool("cluster-replica-no-failover", alias: "cluster-slave-no-failover", [], \.clusterReplicaNoFailover, def: false),
        integer("cluster-migration-barrier", [], \.clusterMigrationBarrier, 0, Int64(Int32.max), def: 1),
        bool("cluster-allow-replica-migration", [], \.clusterAllowReplicaMigration, def: true),
        unsigned("cluster-link-sendbuf-limit", [], \.clusterLinkSendbufLimit, 0, UInt64(Int.max), def: 0, style: .memory),

        // Security
        string("requirepass", [.sensitive], \.requirepass, def: nil, emptyIsNull: true),
        // The length ACL LOG will keep (ACL users come in stage 3; the value is kept).
        unsigned("acllog-max-len", [], \.acllogMaxLen, 0, UInt64(Int.max), def: 128),
        stringEnum("enable-protected-configs", [.immutable], \.enableProtectedConfigs, values: protectedAction, def: "no"),
        stringEnum("enable-debug-command", [.immutable], \.enableDebugCommand, values: protectedAction, def: "no"),
        stringEnum("enable-module-command", [.immutable], \.enableModuleCommand, values: protectedAction, def: "no"),

        // Diagnostics
        integer("slowlog-log-slower-than", [], \.slowlogLogSlowerThan, -1, Int64.max, def: 10000),
        unsigned("slowlog-max-len", [], \.slowlogMaxLen, 0, UInt64(Int64.max), def: 128),
        integer("latency-monitor-threshold", [], \.latencyMonitorThreshold, 0, Int64.max, def: 0),
        bool("latency-tracking", [], \.latencyTracking, def: true),
        integer("tracking-table-max-keys", [], \.trackingTableMaxKeys, 0, Int64.max, def: 1_000_000),
        special("latency-tracking-info-percentiles", [.multiArg], kind: .special, set: setPercentiles,
                get: { $0.latencyTrackingInfoPercentiles.map(formatPercentile).joined(separator: " ") },
                rewrite: rewritePercentiles),

        // Shutdown and lazy freeing
        stringEnum("shutdown-on-sigint", [.multiArg], \.shutdownOnSigint, values: shutdownFlags, def: "default",
                   bitflags: true, validate: validShutdownFlags),
        stringEnum("shutdown-on-sigterm", [.multiArg], \.shutdownOnSigterm, values: shutdownFlags, def: "default",
                   bitflags: true, validate: validShutdownFlags),
        integer("shutdown-timeout", [], \.shutdownTimeout, 0, Int64(Int32.max), def: 10),
        bool("lazyfree-lazy-eviction", [], \.lazyfreeLazyEviction, def: false),
        bool("lazyfree-lazy-expire", [], \.lazyfreeLazyExpire, def: false),
        bool("lazyfree-lazy-server-del", [], \.lazyfreeLazyServerDel, def: false),
        bool("lazyfree-lazy-user-del", [], \.lazyfreeLazyUserDel, def: false),
        bool("lazyfree-lazy-user-flush", [], \.lazyfreeLazyUserFlush, def: false),

        // Event notification
        special("notify-keyspace-events", [], kind: .special, set: setNotifyKeyspaceEvents,
                get: { NotifyClass(rawValue: $0.notifyKeyspaceEvents).letters },
                rewrite: { c, n, st in
                    let letters = NotifyClass(rawValue: c.notifyKeyspaceEvents).letters
                    st.rewriteLine(n, "\(n) " + ConfigFile.repr(Array(letters.utf8)),
                                   force: c.notifyKeyspaceEvents != 0)
                }),
    ]

    /// Every name CONFIG GET can match, primary names and aliases, with the index of
    /// their directive (Redis registers an alias as an entry of its own).
    static let entries: [(name: String, index: Int)] = {
        var out: [(String, Int)] = []
        for (i, d) in all.enumerated() {
            out.append((d.name, i))
            if let a = d.alias { out.append((a, i)) }
        }
        return out
    }()

    private static let byName: [String: Int] = {
        var m: [String: Int] = [:]
        for e in entries { m[e.name] = e.index }
        return m
    }()

    /// Finds a directive by name or alias, ASCII case-insensitively.
    public static func lookup(_ name: [UInt8]) -> ConfigDirective? {
        index(of: name).map { all[$0] }
    }

    public static func lookup(_ name: String) -> ConfigDirective? { lookup(Array(name.utf8)) }

    static func index(of name: [UInt8]) -> Int? {
        byName[String(decoding: name.map(ConfigText.lower), as: UTF8.self)]
    }

    static let minHz = 1
    static let maxHz = 500
    /// Apus listens on loopback by default (see README), unlike Redis's "* -::*".
    public static let defaultBind = ["127.0.0.1", "-::1"]
    static let maxBindAddresses = 16
}

// MARK: - replicaof

extension ConfigDirectives {
    /// `replicaof <host> <port>` or `replicaof no one` (7.0's setConfigReplicaOfOption).
    static func setReplicaOf(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count != 2 { throw ConfigError("wrong number of arguments") }
        let host = String(decoding: args[0], as: UTF8.self)
        let port = String(decoding: args[1], as: UTF8.self)
        c.masterHost = nil
        if host.lowercased() == "no" && port.lowercased() == "one" { return true }
        guard let p = Int(port), p >= 0, p <= 65535 else { throw ConfigError("Invalid master port") }
        c.masterHost = host
        c.masterPort = p
        return true
    }
}

// MARK: - CONFIG GET / CONFIG SET core

extension ConfigDirectives {
    /// CONFIG GET: every directive matching one of `patterns`, each once, as
    /// (name as matched, value). A pattern without `*`, `?` or `[` is an exact,
    /// case-insensitive lookup and reports the name as the client typed it; glob
    /// patterns match case-insensitively against every name and alias.
    public static func get(_ config: ServerConfig, patterns: [[UInt8]]) -> [(name: String, value: String)] {
        var out: [(name: String, value: String)] = []
        var seen = Set<String>()
        for p in patterns {
            let isGlob = p.contains { $0 == UInt8(ascii: "*") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "[") }
            if !isGlob {
                let key = String(decoding: p.map(ConfigText.lower), as: UTF8.self)
                if seen.contains(key) { continue }
                guard let i = index(of: p) else { continue }
                seen.insert(key)
                out.append((String(decoding: p, as: UTF8.self), all[i].get(config)))
                continue
            }
            for e in entries {
                let d = all[e.index]
                if d.flags.contains(.hidden) || seen.contains(e.name) { continue }
                if Glob.match(p, Array(e.name.utf8), nocase: true) {
                    seen.insert(e.name)
                    out.append((e.name, d.get(config)))
                }
            }
        }
        return out
    }

    /// Why a CONFIG SET was refused: the full error reply text.
    public struct SetFailure: Error, Equatable {
        public let reply: String
        /// The reply as bytes when it quotes a client argument that is not UTF-8.
        public var bytes: [UInt8]
        init(reply: String, bytes: [UInt8]? = nil) {
            self.reply = reply
            self.bytes = bytes ?? Array(reply.utf8)
        }
    }

    /// CONFIG SET with one or more name/value pairs, all or nothing, like Redis 7.0's
    /// configSetCommand: names are checked first (unknown, immutable, protected,
    /// loading, duplicate), then every value is set, then the changed directives are
    /// applied through `config.onChange`; any failure restores every previous value.
    ///
    /// - Parameters:
    ///   - allowProtected: whether `enable-protected-configs` admits this client.
    ///   - loading: whether the server is loading a dataset (`dir` is refused then).
    /// - Returns: nil on success, else the exact error reply ("ERR ..." / "LOADING ...").
    public static func set(_ config: ServerConfig, pairs: [(name: [UInt8], value: [UInt8])],
                           allowProtected: Bool, loading: Bool = false) -> SetFailure? {
        var chosen: [Int] = []
        var invalidName: [UInt8]?
        var errorText: String?
        var errorArg = ""
        var invalid = false
        var denyLoading = false

        for (name, _) in pairs {
            guard let i = index(of: name) else {
                if !invalid {
                    invalidName = name
                    invalid = true
                }
                continue
            }
            if invalid { continue }
            let d = all[i]
            if d.flags.contains(.immutable) || (d.flags.contains(.protected) && !allowProtected) {
                errorText = d.flags.contains(.immutable) ? "can't set immutable config" : "can't set protected config"
                errorArg = String(decoding: name, as: UTF8.self)
                invalid = true
                continue
            }
            if loading && d.flags.contains(.denyLoading) {
                denyLoading = true
                invalid = true
                continue
            }
            if chosen.contains(i) {
                errorText = "duplicate parameter"
                errorArg = String(decoding: name, as: UTF8.self)
                invalid = true
                continue
            }
            chosen.append(i)
        }

        func failure() -> SetFailure {
            if denyLoading { return SetFailure(reply: "LOADING Redis is loading the dataset in memory") }
            if let n = invalidName {
                let prefix = Array("ERR Unknown option or number of arguments for CONFIG SET - '".utf8)
                return SetFailure(reply: "ERR Unknown option or number of arguments for CONFIG SET - '\(String(decoding: n, as: UTF8.self))'",
                                  bytes: prefix + n + [39])
            }
            if let e = errorText {
                return SetFailure(reply: "ERR CONFIG SET failed (possibly related to argument '\(errorArg)') - \(e)")
            }
            return SetFailure(reply: "ERR CONFIG SET failed (possibly related to argument '\(errorArg)')")
        }
        if invalid { return failure() }

        let old = chosen.map { all[$0].get(config) }
        let ctx = ConfigSetContext(readingFile: false)
        var changed: [Int] = []
        for (k, i) in chosen.enumerated() {
            do {
                if try all[i].set(config, splitForSet(all[i], pairs[k].value), ctx) { changed.append(i) }
            } catch {
                restore(config, chosen: chosen, old: old, upTo: k + 1, apply: [])
                errorText = (error as? ConfigError)?.message ?? "\(error)"
                errorArg = all[i].name
                return failure()
            }
        }

        if let hook = config.onChange {
            for i in changed {
                do {
                    try hook(all[i].name)
                } catch {
                    restore(config, chosen: chosen, old: old, upTo: chosen.count, apply: changed)
                    errorText = (error as? ConfigError)?.message ?? "\(error)"
                    errorArg = all[i].name
                    return failure()
                }
            }
        }
        return nil
    }

    /// CONFIG SET hands a multi-argument directive its value split on single spaces
    /// (so "" means no arguments and doubled spaces produce empty arguments).
    static func splitForSet(_ d: ConfigDirective, _ value: [UInt8]) -> [[UInt8]] {
        if !d.flags.contains(.multiArg) { return [value] }
        if value.isEmpty { return [] }
        return value.split(separator: UInt8(ascii: " "), omittingEmptySubsequences: false).map(Array.init)
    }

    /// Puts back the values CONFIG GET printed before the failed CONFIG SET, then
    /// re-runs the apply hook for directives that had already been applied.
    private static func restore(_ config: ServerConfig, chosen: [Int], old: [String], upTo n: Int, apply: [Int]) {
        let ctx = ConfigSetContext(readingFile: false)
        for k in 0..<n {
            let d = all[chosen[k]]
            _ = try? d.set(config, splitForSet(d, Array(old[k].utf8)), ctx)
        }
        if let hook = config.onChange {
            for i in apply { try? hook(all[i].name) }
        }
    }

    /// The value CONFIG GET would report for `name` (e.g. for INFO), or nil if unknown.
    public static func value(of name: String, in config: ServerConfig) -> String? {
        lookup(name)?.get(config)
    }

    /// Whether CONFIG SET's value for `name` must be hidden from SLOWLOG and MONITOR.
    public static func isSensitive(_ name: [UInt8]) -> Bool {
        lookup(name)?.flags.contains(.sensitive) ?? false
    }
}

// MARK: - Builders for the common types

extension ConfigDirectives {
    enum NumericStyle { case plain, memory, octal }

    static func bool(_ name: String, alias: String? = nil, _ flags: ConfigFlags,
                     _ kp: ReferenceWritableKeyPath<ServerConfig, Bool>, def: Bool,
                     validate: ((Bool) -> String?)? = nil) -> ConfigDirective {
        ConfigDirective(
            name: name, alias: alias, flags: flags, kind: .bool, defaultText: def ? "yes" : "no",
            set: { c, args, _ in
                let v = args[0]
                let yes = ConfigText.equalsIgnoringCase(v, "yes")
                if !yes && !ConfigText.equalsIgnoringCase(v, "no") { throw ConfigError("argument must be 'yes' or 'no'") }
                if let why = validate?(yes) { throw ConfigError(why) }
                if c[keyPath: kp] == yes { return false }
                c[keyPath: kp] = yes
                return true
            },
            get: { $0[keyPath: kp] ? "yes" : "no" },
            rewrite: { c, n, st in
                let v = c[keyPath: kp]
                st.rewriteLine(n, "\(n) \(v ? "yes" : "no")", force: v != def)
            })
    }

    /// A signed numeric directive (C int / long long in Redis).
    static func integer(_ name: String, alias: String? = nil, _ flags: ConfigFlags,
                        _ kp: ReferenceWritableKeyPath<ServerConfig, Int>, _ lower: Int64, _ upper: Int64,
                        def: Int64, style: NumericStyle = .plain,
                        after: ((ServerConfig) -> Void)? = nil) -> ConfigDirective {
        numeric(name, alias: alias, flags, kp, style: style, def: def, after: after,
                kind: style == .memory ? .memory(min: "\(lower)", max: "\(upper)") : .integer(min: "\(lower)", max: "\(upper)"),
                check: { ll in
                    ll < lower || ll > upper ? "argument must be between \(lower) and \(upper) inclusive" : nil
                })
    }

    /// An unsigned numeric directive (C unsigned int / size_t / unsigned long long):
    /// Redis compares the parsed `long long` as unsigned, so "-1" is out of range.
    static func unsigned(_ name: String, alias: String? = nil, _ flags: ConfigFlags,
                         _ kp: ReferenceWritableKeyPath<ServerConfig, Int>, _ lower: UInt64, _ upper: UInt64,
                         def: Int64, style: NumericStyle = .plain) -> ConfigDirective {
        let kind: ConfigValueKind
        switch style {
        case .plain: kind = .integer(min: "\(lower)", max: "\(upper)")
        case .memory: kind = .memory(min: "\(lower)", max: "\(upper)")
        case .octal: kind = .octal
        }
        return numeric(name, alias: alias, flags, kp, style: style, def: def, after: nil, kind: kind, check: { ll in
            let u = UInt64(bitPattern: ll)
            if u >= lower && u <= upper { return nil }
            if style == .octal {
                return "argument must be between \(String(lower, radix: 8)) and \(String(upper, radix: 8)) inclusive"
            }
            return "argument must be between \(lower) and \(upper) inclusive"
        })
    }

    private static func numeric(_ name: String, alias: String?, _ flags: ConfigFlags,
                                _ kp: ReferenceWritableKeyPath<ServerConfig, Int>, style: NumericStyle, def: Int64,
                                after: ((ServerConfig) -> Void)?, kind: ConfigValueKind,
                                check: @escaping (Int64) -> String?) -> ConfigDirective {
        ConfigDirective(
            name: name, alias: alias, flags: flags, kind: kind, defaultText: formatNumeric(def, style),
            set: { c, args, _ in
                let ll = try parseNumeric(args[0], style)
                if let e = check(ll) { throw ConfigError(e) }
                // Values beyond Int64.max (only maxmemory allows them) saturate: they
                // mean "no limit" either way.
                let stored = style == .memory && ll < 0 ? Int.max : Int(ll)
                if Int64(c[keyPath: kp]) == Int64(stored) { after?(c); return false }
                c[keyPath: kp] = stored
                after?(c)
                return true
            },
            get: { formatNumeric(Int64($0[keyPath: kp]), style) },
            rewrite: { c, n, st in
                let v = Int64(c[keyPath: kp])
                let text: String
                switch style {
                case .memory: text = MemoryUnits.formatForConfig(v)
                case .octal: text = String(v, radix: 8)
                case .plain: text = "\(v)"
                }
                st.rewriteLine(n, "\(n) \(text)", force: v != def)
            })
    }

    /// Redis's numericParseString for one style: memory values through memtoull,
    /// octal through strtoll(…, 8), plain ones through string2ll.
    static func parseNumeric(_ v: [UInt8], _ style: NumericStyle) throws -> Int64 {
        switch style {
        case .memory:
            guard let u = MemoryUnits.memtoull(v) else { throw ConfigError("argument must be a memory value") }
            return Int64(bitPattern: u)
        case .octal:
            guard let o = ConfigText.strtoll(v, base: 8, rejectOverflow: true) else { throw ConfigError("argument couldn't be parsed as an octal number") }
            return o
        case .plain:
            guard let n = Numbers.string2ll(v) else { throw ConfigError("argument couldn't be parsed into an integer") }
            return n
        }
    }

    static func formatNumeric(_ v: Int64, _ style: NumericStyle) -> String {
        switch style {
        case .memory: return "\(UInt64(bitPattern: v))"
        case .octal: return String(v, radix: 8)
        case .plain: return "\(v)"
        }
    }

    /// A string directive. `def == nil` is Redis's NULL default (always rewritten when
    /// set); `emptyIsNull` makes "" mean "unset" (never written by CONFIG REWRITE).
    static func string(_ name: String, alias: String? = nil, _ flags: ConfigFlags,
                       _ kp: ReferenceWritableKeyPath<ServerConfig, String>, def: String?, emptyIsNull: Bool,
                       validate: (([UInt8]) -> String?)? = nil) -> ConfigDirective {
        ConfigDirective(
            name: name, alias: alias, flags: flags, kind: .string, defaultText: def ?? "",
            set: { c, args, _ in
                if let v = validate, let e = v(args[0]) { throw ConfigError(e) }
                let s = String(decoding: args[0], as: UTF8.self)
                if c[keyPath: kp] == s { return false }
                c[keyPath: kp] = s
                return true
            },
            get: { $0[keyPath: kp] },
            rewrite: { c, n, st in
                let v = c[keyPath: kp]
                if emptyIsNull && v.isEmpty { st.markProcessed(n); return }
                let force = !(def != nil && v == def!)
                st.rewriteLine(n, "\(n) " + ConfigFile.repr(Array(v.utf8)), force: force)
            })
    }

    typealias EnumValues = [(name: String, value: Int)]

    static let logLevels: EnumValues = [("debug", LogLevel.debug.rawValue), ("verbose", LogLevel.verbose.rawValue),
                                        ("notice", LogLevel.notice.rawValue), ("warning", LogLevel.warning.rawValue)]
    static let supervisedModes: EnumValues = [("upstart", 1), ("systemd", 2), ("auto", 3), ("no", 0)]
    static let syslogFacilities: EnumValues = [("user", 0), ("local0", 1), ("local1", 2), ("local2", 3), ("local3", 4),
                                               ("local4", 5), ("local5", 6), ("local6", 7), ("local7", 8)]
    static let oomScoreAdjModes: EnumValues = [("no", 0), ("yes", 1), ("relative", 1), ("absolute", 2)]
    static let maxmemoryPolicies: EnumValues = [
        ("volatile-lru", 0), ("volatile-lfu", 1), ("volatile-random", 2), ("volatile-ttl", 3),
        ("allkeys-lru", 4), ("allkeys-lfu", 5), ("allkeys-random", 6), ("noeviction", 7),
    ]
    static let protectedAction: EnumValues = [("no", 0), ("yes", 1), ("local", 2)]
    /// SHUTDOWN_SAVE, SHUTDOWN_NOSAVE, SHUTDOWN_NOW, SHUTDOWN_FORCE bits.
    static let shutdownFlags: EnumValues = [("default", 0), ("save", 1), ("nosave", 2), ("now", 4), ("force", 8)]

    static func validShutdownFlags(_ v: Int) -> String? {
        (v & 1 != 0 && v & 2 != 0) ? "shutdown options SAVE and NOSAVE can't be used simultaneously" : nil
    }

    static func enumeration(_ name: String, alias: String? = nil, _ flags: ConfigFlags, values: EnumValues,
                            bitflags: Bool, load: @escaping (ServerConfig) -> Int,
                            store: @escaping (ServerConfig, Int) -> Void, def: Int,
                            validate: ((Int) -> String?)? = nil) -> ConfigDirective {
        ConfigDirective(
            name: name, alias: alias, flags: flags, kind: .enumeration(values.map { $0.name }),
            defaultText: enumName(values, def, bitflags: bitflags),
            set: { c, args, _ in
                guard let v = enumValue(values, args, bitflags: bitflags) else {
                    // Redis copies this into a 256-byte buffer, hence the cap.
                    let msg = "argument(s) must be one of the following: " + values.map { $0.name }.joined(separator: ", ")
                    throw ConfigError(String(decoding: Array(msg.utf8.prefix(255)), as: UTF8.self))
                }
                if let val = validate, let e = val(v) { throw ConfigError(e) }
                if load(c) == v { return false }
                store(c, v)
                return true
            },
            get: { enumName(values, load($0), bitflags: bitflags) },
            rewrite: { c, n, st in
                let v = load(c)
                st.rewriteLine(n, "\(n) \(enumName(values, v, bitflags: bitflags))", force: v != def)
            })
    }

    /// An enum whose `ServerConfig` field holds the canonical spelling (e.g.
    /// maxmemory-policy, or "save now" for the shutdown bit flags).
    static func stringEnum(_ name: String, _ flags: ConfigFlags, _ kp: ReferenceWritableKeyPath<ServerConfig, String>,
                           values: EnumValues, def: String, bitflags: Bool = false,
                           validate: ((Int) -> String?)? = nil) -> ConfigDirective {
        let parse: (String) -> Int = { s in
            let words = s.split(separator: " ").map { Array($0.utf8) }
            return enumValue(values, words, bitflags: bitflags) ?? 0
        }
        return enumeration(name, flags, values: values, bitflags: bitflags,
                           load: { parse($0[keyPath: kp]) },
                           store: { $0[keyPath: kp] = enumName(values, $1, bitflags: bitflags) },
                           def: parse(def), validate: validate)
    }

    /// configEnumGetValue: nil where Redis returns INT_MIN.
    static func enumValue(_ values: EnumValues, _ args: [[UInt8]], bitflags: Bool) -> Int? {
        if args.isEmpty || (!bitflags && args.count != 1) { return nil }
        var out = 0
        for a in args {
            var matched = false
            for e in values where ConfigText.equalsIgnoringCase(a, e.name) {
                out |= e.value
                matched = true
            }
            if !matched { return nil }
        }
        return out
    }

    /// configEnumGetName: the exact match, or for bit flags the names of the set bits in
    /// table order; "unknown" when bits remain unexplained.
    static func enumName(_ values: EnumValues, _ v: Int, bitflags: Bool) -> String {
        var names: [String] = []
        var unmatched = v
        for e in values {
            if v == e.value { return e.name }
            if bitflags && e.value != 0 && e.value == (unmatched & e.value) {
                names.append(e.name)
                unmatched &= ~e.value
            }
        }
        if names.isEmpty || unmatched != 0 { return "unknown" }
        return names.joined(separator: " ")
    }

    static func special(_ name: String, alias: String? = nil, _ flags: ConfigFlags, kind: ConfigValueKind,
                        defaultText: String? = nil,
                        set: @escaping (ServerConfig, [[UInt8]], ConfigSetContext) throws -> Bool,
                        get: @escaping (ServerConfig) -> String,
                        rewrite: @escaping (ServerConfig, String, ConfigRewriteState) -> Void) -> ConfigDirective {
        ConfigDirective(name: name, alias: alias, flags: flags, kind: kind,
                        defaultText: defaultText ?? get(ServerConfig()),
                        set: set, get: get, rewrite: rewrite)
    }
}

// MARK: - Special directives

extension ConfigDirectives {
    /// The event classes as letters ("KEA"); an unknown letter is refused whole.
    static func setNotifyKeyspaceEvents(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count != 1 { throw ConfigError("wrong number of arguments") }
        guard let classes = NotifyClass(letters: args[0]) else { throw ConfigError(NotifyClass.invalidLettersError) }
        if classes.rawValue == c.notifyKeyspaceEvents { return false }
        c.notifyKeyspaceEvents = classes.rawValue
        return true
    }

    /// Three oom_score_adj values (master, replica, background child), each -2000...2000.
    static func setOomScoreAdjValues(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count != 3 { throw ConfigError("wrong number of arguments") }
        var values: [Int] = []
        for a in args {
            guard let v = Numbers.string2ll(a), v >= -2000, v <= 2000 else {
                throw ConfigError("Invalid oom-score-adj-values, elements must be between -2000 and 2000.")
            }
            values.append(Int(v))
        }
        if values == c.oomScoreAdjValues { return false }
        c.oomScoreAdjValues = values
        return true
    }
}

extension ConfigDirectives {
    /// `client-output-buffer-limit <class> <hard> <soft> <soft-seconds> [...]`, as Redis
    /// parses it: classes normal, replica (alias slave) and pubsub; sizes in memory units.
    static func setOutputBufferLimit(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count % 4 != 0 { throw ConfigError("Wrong number of arguments in buffer limit configuration.") }
        var limits = c.outputBufferLimits
        var j = 0
        while j < args.count {
            let cls = String(decoding: args[j], as: UTF8.self).lowercased()
            let index: Int
            switch cls {
            case "normal": index = 0
            case "replica", "slave": index = 1
            case "pubsub": index = 2
            default: throw ConfigError("Invalid client class specified in buffer limit configuration.")
            }
            guard let hard = MemoryUnits.memtoull(args[j + 1]), let soft = MemoryUnits.memtoull(args[j + 2]),
                  let secs = ConfigText.strtoll(args[j + 3], base: 10, rejectOverflow: true), secs >= 0 else {
                throw ConfigError("Error in hard, soft or soft_seconds setting in buffer limit configuration.")
            }
            limits[index] = OutputBufferLimit(hard: Int(clamping: hard), soft: Int(clamping: soft), softSeconds: Int(secs))
            j += 4
        }
        if limits == c.outputBufferLimits { return false }
        c.outputBufferLimits = limits
        return true
    }

    static func getOutputBufferLimit(_ c: ServerConfig) -> String {
        let names = ["normal", "slave", "pubsub"]
        return c.outputBufferLimits.enumerated().map { i, l in
            "\(names[i]) \(l.hard) \(l.soft) \(l.softSeconds)"
        }.joined(separator: " ")
    }

    static func rewriteOutputBufferLimit(_ c: ServerConfig, _ name: String, _ st: ConfigRewriteState) {
        let names = ["normal", "replica", "pubsub"]
        let defaults = ServerConfig().outputBufferLimits
        for (i, l) in c.outputBufferLimits.enumerated() {
            let line = "\(name) \(names[i]) \(MemoryUnits.formatForConfig(Int64(l.hard))) "
                + "\(MemoryUnits.formatForConfig(Int64(l.soft))) \(l.softSeconds)"
            st.rewriteLine(name, line, force: l != defaults[i])
        }
        st.markProcessed(name)
    }
}

extension ConfigDirectives {
    /// `maxmemory-clients`: bytes (memory units) or a percentage of maxmemory, kept as
    /// its negative as Redis keeps it ("10%" is -10).
    static func setMaxmemoryClients(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        guard args.count == 1 else { throw ConfigError("wrong number of arguments") }
        let a = args[0]
        var v: Int64
        if a.count > 1, a.last == UInt8(ascii: "%"), let p = Numbers.string2ll(Array(a.dropLast())), p >= 0 {
            v = -p
        } else if let m = MemoryUnits.memtoll(a) {
            v = m
        } else {
            throw ConfigError("argument must be a memory or percent value")
        }
        if v < -100 { throw ConfigError("percentage argument must be less or equal to 100") }
        if v == Int64(c.maxmemoryClients) { return false }
        c.maxmemoryClients = Int(v)
        return true
    }
}

extension ConfigDirectives {
    /// `save <seconds> <changes> ...` / `save ""`. While reading a config file the first
    /// save line replaces the defaults and later ones add to it; CONFIG SET replaces.
    static func setSave(_ c: ServerConfig, _ argsIn: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        var args = argsIn
        if args.count == 1 && args[0].isEmpty {
            c.savePoints = []
            args = []
        }
        if args.count & 1 == 1 { throw ConfigError("Invalid save parameters") }
        var parsed: [Int64] = []
        for (j, a) in args.enumerated() {
            // strtoll semantics: leading blanks and a sign are fine, "" is 0.
            guard let v = ConfigText.strtoll(a, base: 10, rejectOverflow: false),
                  j & 1 == 1 ? v >= 0 : v >= 1 else { throw ConfigError("Invalid save parameters") }
            parsed.append(v)
        }
        if !ctx.readingFile {
            c.savePoints = []
        } else if !ctx.saveLoaded {
            ctx.saveLoaded = true
            c.savePoints = []
        }
        var j = 0
        while j < parsed.count {
            c.savePoints.append(SavePoint(seconds: Int(parsed[j]), changes: Int(Int32(truncatingIfNeeded: parsed[j + 1]))))
            j += 2
        }
        return true
    }

    static func getSave(_ c: ServerConfig) -> String {
        c.savePoints.map { "\($0.seconds) \($0.changes)" }.joined(separator: " ")
    }

    static func rewriteSave(_ c: ServerConfig, _ name: String, _ st: ConfigRewriteState) {
        if c.savePoints.isEmpty {
            st.rewriteLine(name, "save \"\"", force: true)
        } else {
            for p in c.savePoints { st.rewriteLine(name, "save \(p.seconds) \(p.changes)", force: true) }
        }
        st.markProcessed(name)
    }

    static func setBind(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count > maxBindAddresses { throw ConfigError("Too many bind addresses specified.") }
        if args.count == 1 && args[0].isEmpty {
            c.bind = []
        } else {
            c.bind = args.map { String(decoding: $0, as: UTF8.self) }
        }
        return true
    }

    static func rewriteBind(_ c: ServerConfig, _ name: String, _ st: ConfigRewriteState) {
        if c.bind == defaultBind {
            st.markProcessed(name)
            return
        }
        let addresses = c.bind.isEmpty ? "\"\"" : c.bind.joined(separator: " ")
        st.rewriteLine(name, "\(name) \(addresses)", force: true)
    }

    /// `dir` changes the process's working directory at once, as in Redis; the field
    /// keeps the resulting absolute path for code that builds file names.
    static func setDir(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count != 1 { throw ConfigError("wrong number of arguments") }
        let path = String(decoding: args[0], as: UTF8.self)
        if chdir(path) == -1 { throw ConfigError(String(cString: strerror(errno))) }
        c.dir = ConfigText.currentDirectory() ?? path
        return true
    }

    static func rewriteDir(_ c: ServerConfig, _ name: String, _ st: ConfigRewriteState) {
        guard let cwd = ConfigText.currentDirectory() else { st.markProcessed(name); return }
        st.rewriteLine(name, "\(name) " + ConfigFile.repr(Array(cwd.utf8)), force: true)
    }

    static func setPercentiles(_ c: ServerConfig, _ args: [[UInt8]], _ ctx: ConfigSetContext) throws -> Bool {
        if args.count == 1 && args[0].isEmpty {
            c.latencyTrackingInfoPercentiles = []
            return true
        }
        var out: [Double] = []
        for a in args {
            guard let d = Numbers.parseDouble(a) else {
                throw ConfigError("Invalid latency-tracking-info-percentiles parameters")
            }
            if d > 100.0 || d < 0.0 {
                throw ConfigError("latency-tracking-info-percentiles parameters should sit between [0.0,100.0]")
            }
            out.append(d)
        }
        c.latencyTrackingInfoPercentiles = out
        return true
    }

    static func rewritePercentiles(_ c: ServerConfig, _ name: String, _ st: ConfigRewriteState) {
        let p = c.latencyTrackingInfoPercentiles
        let line = p.isEmpty ? "\(name) \"\"" : name + p.map { " " + formatPercentile($0) }.joined()
        st.rewriteLine(name, line, force: true)
    }

    /// C "%f" with trailing zeros (and a bare '.') removed: 99.9 -> "99.9", 50 -> "50".
    static func formatPercentile(_ d: Double) -> String {
        var buf = [CChar](repeating: 0, count: 400)
        let n = withVaList([d]) { vsnprintf(&buf, buf.count, "%f", $0) }
        var s = String(decoding: buf[0..<Int(max(0, min(n, 399)))].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }
}

// MARK: - Small helpers

/// Byte-level text helpers shared by the Config files (C-locale semantics).
enum ConfigText {
    @inline(__always) static func lower(_ b: UInt8) -> UInt8 { (b >= 65 && b <= 90) ? b | 0x20 : b }

    static func equalsIgnoringCase(_ a: [UInt8], _ lower: String) -> Bool {
        let l = Array(lower.utf8)
        if a.count != l.count { return false }
        for i in 0..<a.count where ConfigText.lower(a[i]) != l[i] { return false }
        return true
    }

    /// C strtoll over the argument seen as a C string: nil when characters are left over,
    /// or (with `rejectOverflow`) when errno reports a range error. Text without digits is
    /// 0, as Redis's callers see it, since they only check the end pointer.
    static func strtoll(_ a: [UInt8], base: Int32, rejectOverflow: Bool) -> Int64? {
        var bytes = a.prefix { $0 != 0 }.map { CChar(bitPattern: $0) }
        bytes.append(0)
        return bytes.withUnsafeMutableBufferPointer { buf -> Int64? in
            var end: UnsafeMutablePointer<CChar>? = nil
            errno = 0
            let v = Glibc.strtoll(buf.baseAddress!, &end, base)
            if rejectOverflow && errno != 0 { return nil }
            if let e = end, e.pointee != 0 { return nil }
            return Int64(v)
        }
    }

    static func currentDirectory() -> String? {
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, buf.count) != nil else { return nil }
        return String(cString: buf)
    }
}
