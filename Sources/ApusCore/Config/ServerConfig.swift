// The server's configuration values, one stored property per redis.conf directive
// Apus supports, initialised to Redis 7.0's defaults except where the README says
// otherwise (bind defaults to loopback). Parsing, CONFIG GET/SET/REWRITE and the
// directive table live in the sibling files; code on hot paths reads these fields.

/// One `bind` entry: the address, and whether it is optional ("-::1": skipped when the
/// host has no such address).
public struct BindAddress {
    public let address: String
    public let optional: Bool

    public init(_ raw: String) {
        optional = raw.hasPrefix("-")
        address = optional ? String(raw.dropFirst()) : raw
    }
}

public struct SavePoint: Equatable {
    public var seconds: Int
    public var changes: Int
    public init(seconds: Int, changes: Int) { self.seconds = seconds; self.changes = changes }
}

/// One client class's output buffer limits (client-output-buffer-limit): a client is
/// closed when its pending output passes `hard`, or stays above `soft` for `softSeconds`.
public struct OutputBufferLimit: Equatable {
    public var hard: Int
    public var soft: Int
    public var softSeconds: Int
    public init(hard: Int, soft: Int, softSeconds: Int) {
        self.hard = hard
        self.soft = soft
        self.softSeconds = softSeconds
    }
}

public enum LogLevel: Int, Comparable {
    case debug = 0, verbose, notice, warning, nothing
    public static func < (a: LogLevel, b: LogLevel) -> Bool { a.rawValue < b.rawValue }
    public var name: String {
        switch self {
        case .debug: return "debug"
        case .verbose: return "verbose"
        case .notice: return "notice"
        case .warning: return "warning"
        case .nothing: return "nothing"
        }
    }
}

public final class ServerConfig {
    // MARK: - Network
    public var bind: [String] = ["127.0.0.1", "-::1"]
    /// `bind` parsed: a leading "-" marks an address the host may lack.
    public var bindAddresses: [BindAddress] { bind.map(BindAddress.init) }
    public var port: Int = 6379
    /// Started as a sentinel (--sentinel, or an executable named *-sentinel).
    public var sentinelMode = false
    /// A sentinel's `sentinel …` lines, queued while the file is read and applied
    /// afterwards in 7.0's order (SentinelSettings.apply(queued:)).
    public var sentinelLines: [(args: [String], line: Int, text: String)] = []
    public var sentinelSettings: SentinelSettings?
    public var tcpBacklog: Int = 511
    public var unixSocket: String = ""
    public var unixSocketPerm: Int = 0
    public var timeout: Int = 0
    public var tcpKeepalive: Int = 300
    public var protectedMode: Bool = true
    public var maxclients: Int = 10000
    /// normal, replica, pubsub — Redis 7.0's defaults.
    public var outputBufferLimits: [OutputBufferLimit] = [
        OutputBufferLimit(hard: 0, soft: 0, softSeconds: 0),
        OutputBufferLimit(hard: 256 * 1024 * 1024, soft: 64 * 1024 * 1024, softSeconds: 60),
        OutputBufferLimit(hard: 32 * 1024 * 1024, soft: 8 * 1024 * 1024, softSeconds: 60),
    ]
    public var activeRehashing: Bool = true

    // MARK: - General
    public var daemonize: Bool = false
    public var supervised: String = "no"
    public var syslogEnabled: Bool = false
    public var syslogIdent: String = "redis"
    public var syslogFacility: String = "local0"
    public var oomScoreAdj: String = "no"
    public var oomScoreAdjValues: [Int] = [0, 200, 800]
    public var disableTHP: Bool = true
    public var alwaysShowLogo: Bool = false
    public var setProcTitle: Bool = true
    public var procTitleTemplate: String = "{title} {listen-addr} {server-mode}"
    public var crashLogEnabled: Bool = true
    public var ioThreads: Int = 1
    public var ioThreadsDoReads: Bool = false
    public var jemallocBgThread: Bool = true
    public var pidfile: String = ""
    public var loglevel: LogLevel = .notice
    public var logfile: String = ""
    public var databases: Int = 16
    public var hz: Int = 10
    public var dynamicHz: Bool = true
    public var configFile: String = ""

    // MARK: - Limits
    public var protoMaxBulkLen: Int = 512 * 1024 * 1024
    public var clientQueryBufferLimit: Int = 1024 * 1024 * 1024
    public var maxmemory: Int = 0
    /// The memory all normal and pub/sub clients may use together before the largest
    /// are disconnected: bytes, or (negative) a percentage of maxmemory; 0 is no limit.
    public var maxmemoryClients: Int = 0
    public var maxmemoryPolicy: String = "noeviction"
    public var maxmemorySamples: Int = 5
    public var maxmemoryEvictionTenacity: Int = 10
    public var lfuLogFactor: Int = 10
    /// Hashes stay listpack-encoded up to this many fields, each field and value at most
    /// `hashMaxListpackValue` bytes.
    public var hashMaxListpackEntries: Int = 512
    /// Sets of integers stay intset-encoded up to this many members.
    public var setMaxIntsetEntries: Int = 512
    public var hashMaxListpackValue: Int = 64
    /// List nodes: negative, a byte budget per node (-1 4 KB ... -5 64 KB); positive, an
    /// element count per node.
    public var listMaxListpackSize: Int = -2
    /// Nodes kept uncompressed at each end of a list (0: none compressed).
    public var listCompressDepth: Int = 0
    /// Sorted sets stay listpack-encoded up to this many members, each at most
    /// `zsetMaxListpackValue` bytes.
    public var zsetMaxListpackEntries: Int = 128
    public var zsetMaxListpackValue: Int = 64
    /// A HyperLogLog stays sparse while its value is at most this many bytes.
    public var hllSparseMaxBytes: Int = 3000
    /// A stream's packed node closes at this many bytes or entries (0: no limit).
    public var streamNodeMaxBytes: Int = 4096
    public var streamNodeMaxEntries: Int = 100
    public var lfuDecayTime: Int = 1
    public var activeExpireEffort: Int = 1

    // MARK: - Snapshotting
    public var savePoints: [SavePoint] = [SavePoint(seconds: 3600, changes: 1),
                                          SavePoint(seconds: 300, changes: 100),
                                          SavePoint(seconds: 60, changes: 10000)]
    public var stopWritesOnBgsaveError: Bool = true
    public var rdbcompression: Bool = true
    public var rdbchecksum: Bool = true
    public var dbfilename: String = "dump.rdb"
    public var dir: String = "./"
    public var rdbDelSyncFiles: Bool = false
    public var appendonly: Bool = false
    public var appendfilename: String = "appendonly.aof"
    public var appenddirname: String = "appendonlydir"
    public var appendfsync: String = "everysec"          // always | everysec | no
    public var noAppendfsyncOnRewrite: Bool = false
    public var aofRewriteIncrementalFsync: Bool = true
    public var aofLoadTruncated: Bool = true
    public var aofUseRdbPreamble: Bool = true
    public var aofTimestampEnabled: Bool = false
    public var aofDisableAutoGC: Bool = false
    public var autoAofRewritePercentage: Int = 100
    public var autoAofRewriteMinSize: Int = 64 * 1024 * 1024
    public var rdbSaveIncrementalFsync: Bool = true

    // MARK: - Cluster
    public var clusterEnabled: Bool = false
    public var clusterConfigFile: String = "nodes.conf"
    public var clusterNodeTimeout: Int = 15000
    public var clusterPort: Int = 0
    public var clusterAnnounceIP: String = ""
    public var clusterAnnounceHostname: String = ""
    public var clusterAnnouncePort: Int = 0
    public var clusterAnnounceBusPort: Int = 0
    public var clusterAnnounceTlsPort: Int = 0
    public var clusterPreferredEndpointType: String = "ip"   // ip | hostname | unknown-endpoint
    public var clusterRequireFullCoverage: Bool = true
    public var clusterAllowReadsWhenDown: Bool = false
    public var clusterAllowPubsubshardWhenDown: Bool = true
    public var clusterReplicaValidityFactor: Int = 10
    public var clusterReplicaNoFailover: Bool = false
    public var clusterMigrationBarrier: Int = 1
    public var clusterAllowReplicaMigration: Bool = true
    public var clusterLinkSendbufLimit: Int = 0

    // MARK: - Replication
    /// replicaof: the master this server follows (nil: a master itself). REPLICAOF
    /// changes it at run time, so CONFIG GET and REWRITE show the current one.
    public var masterHost: String?
    public var masterPort: Int = 0
    public var masterauth: String = ""
    public var masteruser: String = ""
    public var replicaServeStaleData: Bool = true
    public var replicaReadOnly: Bool = true
    public var replDisklessSync: Bool = true
    public var replDisklessSyncDelay: Int = 5
    public var replDisklessSyncMaxReplicas: Int = 0
    public var replDisklessLoad: String = "disabled"     // disabled | on-empty-db | swapdb
    public var replPingReplicaPeriod: Int = 10
    public var replTimeout: Int = 60
    public var replDisableTcpNodelay: Bool = false
    public var replBacklogSize: Int = 1024 * 1024
    public var replBacklogTTL: Int = 3600
    public var replicaPriority: Int = 100
    public var replicaAnnounced: Bool = true
    public var replicaAnnounceIP: String = ""
    public var replicaAnnouncePort: Int = 0
    public var minReplicasToWrite: Int = 0
    public var minReplicasMaxLag: Int = 10
    public var replicaIgnoreMaxmemory: Bool = true
    public var replicaLazyFlush: Bool = false
    public var replicaIgnoreDiskWriteErrors: Bool = false
    public var propagationErrorBehavior: String = "ignore"

    // MARK: - Security
    public var requirepass: String = ""
    public var acllogMaxLen: Int = 128
    public var enableDebugCommand: String = "no"       // yes | no | local
    public var enableProtectedConfigs: String = "no"
    public var enableModuleCommand: String = "no"

    // MARK: - Diagnostics
    public var slowlogLogSlowerThan: Int = 10000
    public var slowlogMaxLen: Int = 128
    public var latencyMonitorThreshold: Int = 0
    public var trackingTableMaxKeys: Int = 1_000_000
    public var latencyTracking: Bool = true
    public var latencyTrackingInfoPercentiles: [Double] = [50, 99, 99.9]

    // MARK: - Shutdown and lazy freeing
    public var shutdownOnSigterm: String = "default"
    public var shutdownOnSigint: String = "default"
    public var shutdownTimeout: Int = 10
    public var lazyfreeLazyEviction: Bool = false
    public var lazyfreeLazyUserFlush: Bool = false
    public var lazyfreeLazyUserDel: Bool = false
    public var lazyfreeLazyExpire: Bool = false
    /// notify-keyspace-events, as NotifyClass bits.
    public var notifyKeyspaceEvents: UInt32 = 0
    public var lazyfreeLazyServerDel: Bool = false

    // MARK: - Runtime hooks

    /// Called by CONFIG SET, once per directive whose value changed, after all values
    /// are stored (Redis's `apply` functions): rebind on port/bind, logger level on
    /// loglevel, and so on. Throwing `ConfigError` makes CONFIG SET restore every old
    /// value and fail with "CONFIG SET failed (possibly related to argument 'x') - msg".
    public var onChange: ((_ directive: String) throws -> Void)?

    public init() {}
}
