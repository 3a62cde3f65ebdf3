// A connected client: its socket, query buffer, parsed argument vector, reply buffer
// and the per-connection state Redis keeps in `struct client` (selected db, protocol
// version, name, flags, statistics). Its RequestParser turns the query buffer into
// arguments that are (offset, length) ranges into it — never copies — valid only while
// the command runs.

import Glibc
import CApusSys

public struct ClientFlags: OptionSet {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let closeAfterReply = ClientFlags(rawValue: 1 << 0)
    public static let closeASAP = ClientFlags(rawValue: 1 << 1)
    public static let writeHandlerInstalled = ClientFlags(rawValue: 1 << 3)
    public static let unixSocket = ClientFlags(rawValue: 1 << 4)
    public static let monitor = ClientFlags(rawValue: 1 << 5)
    public static let replyOff = ClientFlags(rawValue: 1 << 6)
    public static let replySkipNext = ClientFlags(rawValue: 1 << 7)
    public static let replySkip = ClientFlags(rawValue: 1 << 8)
    public static let noEvict = ClientFlags(rawValue: 1 << 9)
    public static let pubsub = ClientFlags(rawValue: 1 << 10)
    public static let protectedConn = ClientFlags(rawValue: 1 << 11)
    public static let fake = ClientFlags(rawValue: 1 << 12)
    public static let blocked = ClientFlags(rawValue: 1 << 13)
    /// Holding a parsed command until CLIENT PAUSE ends.
    public static let postponed = ClientFlags(rawValue: 1 << 15)
    /// Blocking commands answer at once as if timed out (inside MULTI, scripts).
    public static let denyBlocking = ClientFlags(rawValue: 1 << 16)
    /// Running a blocked command again now that one of its keys is ready.
    public static let reprocessing = ClientFlags(rawValue: 1 << 17)
    /// Between MULTI and EXEC/DISCARD.
    public static let multi = ClientFlags(rawValue: 1 << 18)
    /// A watched key changed: the next EXEC fails (null reply).
    public static let dirtyCAS = ClientFlags(rawValue: 1 << 19)
    /// A command was refused while queuing: the next EXEC fails with EXECABORT.
    public static let dirtyExec = ClientFlags(rawValue: 1 << 20)
    /// One of our replicas (CLIENT_SLAVE): see `peer`.
    public static let replica = ClientFlags(rawValue: 1 << 21)
    /// The link to our master (CLIENT_MASTER): its commands are applied, never answered.
    public static let master = ClientFlags(rawValue: 1 << 22)
    /// Blocked in WAIT for replica acknowledgements.
    public static let waitingAcks = ClientFlags(rawValue: 1 << 23)
    /// ASKING was sent: the next command may touch an importing slot.
    public static let asking = ClientFlags(rawValue: 1 << 24)
    /// READONLY: reads are served by this cluster replica instead of redirected.
    public static let readonlyCluster = ClientFlags(rawValue: 1 << 25)
    /// The connection an atomic slot migration streams into this node: its commands
    /// write slots this node is importing, so they are not redirected.
    public static let slotImport = ClientFlags(rawValue: 1 << 26)
}

public final class Client {
    /// The server outlives every client; unowned(unsafe) avoids a reference-count
    /// round trip on each access from the hot path.
    public unowned(unsafe) let server: Server
    public let id: Int
    public let fd: Int32
    /// Generation packed into epoll user data so that events for a closed, reused fd are dropped.
    public let registration: UInt32
    public var name: [UInt8]?
    public var resp: Int = 2
    public var dbIndex: Int = 0
    public var db: Database
    public var flags: ClientFlags = []
    public var authenticated: Bool
    /// CLIENT TRACKING state (Server/Tracking.swift).
    public var tracking: TrackingOptions = []
    public var trackingRedirect = 0
    public var trackingPrefixes: [[UInt8]] = []
    public var user: String = "default"
    public let createdAt: Int64      // unix ms
    public var lastInteraction: Int64 // unix ms
    public var peerAddress: String   // "ip:port" or "/path:0"
    public var localAddress: String
    public var lastCommand: RedisCommand?
    public var currentCommand: RedisCommand?
    public var libName: String = ""
    public var libVersion: String = ""

    // MARK: - Query state
    public var query: ByteBuffer
    public var queryPeak: Int = 0
    /// Parses `query`; holds argv of the command being run as ranges into it.
    var request = RequestParser()
    @inline(__always) public var argc: Int { request.argc }
    /// Arguments (bit i = argv[i], first 64) shown as "(redacted)" in MONITOR and the
    /// slow log: passwords given to AUTH, HELLO AUTH, CONFIG SET of sensitive values.
    public var redactedArguments: UInt64 = 0

    // MARK: - Blocking state (Server+Blocking)
    /// The keys this client is blocked on, in its database.
    var blockedOn: [WaitedKey] = []
    /// The type a key must have to serve this client.
    var blockedForType: ObjectType = .list
    /// Unix ms at which the block times out; 0 = never.
    var blockDeadline: Int64 = 0
    /// Bumped on every block, so stale timeout entries are recognised.
    var blockGeneration: UInt32 = 0
    /// While the blocked command runs again: the key that became ready.
    var servingKey: [UInt8]?
    /// What a client blocked in XREAD/XREADGROUP waits for (see StreamCommands).
    var streamWait: StreamWait?
    /// Channels, patterns and shard channels this client listens to (nil until it
    /// subscribes to something; see PubSub).
    var subscriptions: ClientSubscriptions?
    /// The keys this client WATCHes.
    var watched: [WatchedKey] = []
    /// Commands queued since MULTI (nil outside a transaction).
    var multiQueue: [QueuedCommand]?
    /// Queued for processing of its remaining input after an unblock.
    var queuedAfterUnblock = false

    // MARK: - Replication state
    /// Master side: set once this client asked for SYNC/PSYNC (or REPLCONF before it).
    var peer: ReplicaPeer?
    /// REPLCONF settings a replica sends before PSYNC, kept until it becomes a peer.
    var replconf: ReplicaPeer?
    /// The replication offset after this client's last write (WAIT waits for it).
    var writeOffset: Int64 = 0
    /// WAIT: the offset and the number of replicas awaited.
    var waitOffset: Int64 = 0
    var waitReplicas = 0
    /// Replica side, the master client: bytes of the stream read (read_reploff) and
    /// applied (reploff); applied bytes of an open MULTI wait in `pendingApplied`.
    var readReplOffset: Int64 = 0
    var appliedReplOffset: Int64 = 0
    var pendingApplied: ByteBuffer?

    // MARK: - Reply state
    public var reply: ByteBuffer
    public var totalNetInput: Int = 0
    public var totalNetOutput: Int = 0
    public var commandsProcessed: Int = 0
    /// When pending output was first seen over its soft limit (unix seconds), 0 while below it.
    var softLimitReachedAt: Int64 = 0
    /// Set when this client is queued for the before-sleep write pass.
    var queuedForWrite = false

    init(server: Server, id: Int, fd: Int32, registration: UInt32, peer: String, local: String,
         unix: Bool, db: Database, now: Int64, authenticated: Bool) {
        self.server = server
        self.id = id
        self.fd = fd
        self.registration = registration
        self.peerAddress = peer
        self.localAddress = local
        self.db = db
        self.createdAt = now
        self.lastInteraction = now
        self.authenticated = authenticated
        query = ByteBuffer(capacity: 16 * 1024)
        reply = ByteBuffer(capacity: 16 * 1024)
        if unix { flags.insert(.unixSocket) }
    }

    deinit {
        query.free()
        reply.free()
        request.free()
        pendingApplied?.free()
    }

    // MARK: - Arguments

    @inline(__always) public func arg(_ i: Int) -> UnsafeRawBufferPointer {
        request.arg(i, in: query)
    }

    public func argBytes(_ i: Int) -> [UInt8] { Array(arg(i)) }

    /// Marks argv[i] as secret for MONITOR and SLOWLOG (Redis's redactClientCommandArgument).
    public func redactArgument(_ i: Int) {
        if i < 64 { redactedArguments |= 1 << UInt64(i) }
    }

    /// argv[i] as MONITOR and SLOWLOG show it.
    func loggedArgument(_ i: Int) -> UnsafeRawBufferPointer {
        if i < 64 && redactedArguments & (1 << UInt64(i)) != 0 {
            let s: StaticString = "(redacted)"
            return UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
        }
        return arg(i)
    }
    public func argString(_ i: Int) -> String { String(decoding: arg(i), as: UTF8.self) }
    public func argLowercased(_ i: Int) -> String { String(decoding: arg(i).map { asciiLower($0) }, as: UTF8.self) }

    /// ASCII case-insensitive comparison with a lowercase literal.
    @inline(__always) public func argEquals(_ i: Int, _ lower: StaticString) -> Bool {
        let a = arg(i)
        let n = lower.utf8CodeUnitCount
        if a.count != n { return false }
        let l = lower.utf8Start
        for j in 0..<n where asciiLower(a[j]) != l[j] { return false }
        return true
    }

    public func argInt64(_ i: Int) -> Int64? { Numbers.string2ll(arg(i)) }

    /// Parses the next command from the query buffer under this connection's limits; a
    /// malformed request gets Redis's protocol error and closes the connection after it.
    @inline(__always) func parseRequest() -> ParseOutcome {
        let limits = RequestLimits(maxBulkLength: server.config.protoMaxBulkLen,
                                   queryBufferLimit: server.config.clientQueryBufferLimit,
                                   authenticated: authenticated)
        let r = request.parse(&query, limits: limits)
        if r == .failed {
            addReplyError(bytes: request.errorReply)
            server.log(.verbose, "Protocol error (\(request.errorReason)) from client: \(describeForLog())")
            flags.insert(.closeAfterReply)
        }
        return r
    }

    /// Forgets the command just run (Redis's resetClient).
    @inline(__always) func resetRequest() {
        request.reset()
        redactedArguments = 0
    }

    func compactQuery() { request.compact(&query) }

    func describeForLog() -> String { "addr=\(peerAddress) laddr=\(localAddress) name=\(displayName)" }

    /// Memory held by this client's buffers (used_memory and CLIENT LIST's qbuf/omem).
    public var bufferMemory: Int {
        query.allocatedBytes + reply.allocatedBytes + request.memoryBytes
    }

    public var displayName: String { name.map { String(decoding: $0, as: UTF8.self) } ?? "" }
}

@inline(__always) func asciiLower(_ c: UInt8) -> UInt8 {
    (c >= 65 && c <= 90) ? c | 0x20 : c
}
