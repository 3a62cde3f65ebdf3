// Replication state (the replication half of Redis's `struct redisServer`): this
// server's replication IDs and offsets, the shared stream buffer and its backlog, the
// replicas attached to it (master side) and the link to its own master (replica
// side). The master side is in Server+ReplicationMaster.swift, the replica side in
// Server+ReplicationReplica.swift, the commands in ReplicationCommands.swift.

import Glibc

/// Where a replica attached to this server stands (Redis's SLAVE_STATE_*).
enum ReplicaSyncState {
    /// Waiting for a snapshot to start (the diskless delay, or another one running).
    case waitBgsaveStart
    /// +FULLRESYNC sent; its snapshot is being produced.
    case waitBgsaveEnd
    /// The RDB file is being sent (disk-based sync).
    case sendBulk
    case online
    /// An rdb-only replica got its RDB; it is closed once that is written.
    case rdbTransmitted
}

/// Master-side state of a client that is one of our replicas.
final class ReplicaPeer {
    var state: ReplicaSyncState = .waitBgsaveStart
    var capaEOF = false
    var capaPSYNC2 = false
    /// Came with SYNC (no offsets, no ACKs: old replicas).
    var prePSYNC = false
    /// REPLCONF rdb-only 1: the RDB and nothing after it (redis-cli --rdb).
    var rdbOnly = false
    /// REPLCONF rdb-filter-only: the RDB without keys (redis-cli --replica,
    /// --functions-rdb); such replicas get a snapshot of their own.
    var excludeData = false
    var listeningPort = 0
    var announcedIP: String?
    var ackOffset: Int64 = 0
    /// Unix seconds of the last REPLCONF ACK (or of going online).
    var ackTime: Int64 = 0
    /// The offset its full sync started at (+FULLRESYNC's).
    var initialOffset: Int64 = -1
    /// Next stream offset to write to it, once `streaming`.
    var position: Int64 = 0
    /// The command stream flows to it (after its RDB; for a diskless sync after its
    /// first ACK, which says it loaded the RDB).
    var streaming = false
    /// Start streaming at the first ACK (diskless sync ended).
    var streamOnAck = false
    /// Disk-based transfer: the open RDB file, how far it was sent, its size.
    var rdbFd: Int32 = -1
    var rdbSent = 0
    var rdbSize = 0
    /// Unix seconds of the last write during a diskless transfer (a replica that
    /// takes nothing for repl-timeout seconds is dropped: it would stall the others).
    var lastPartialWrite: Int64 = 0
    /// Waits for (or gets) an RDB from a disk save, not from the pipe.
    var diskTarget = false

    deinit { if rdbFd >= 0 { close(rdbFd) } }
}

/// The replica side's link to its master (Redis's repl_state).
enum MasterLinkState: Equatable {
    case none
    /// Must connect (the cron does it).
    case connect
    case connecting
    /// Handshake: replies awaited, in order.
    case receivePing
    case receiveReplies
    case receivePsync
    /// Receiving the RDB payload.
    case transfer
    case connected
}

public final class ReplicationState {
    /// master_replid2 and second_repl_offset: the history this server shares with its
    /// previous master (PSYNC2), "0000..." and -1 when none.
    var replid2 = String(repeating: "0", count: 40)
    var secondReplOffset: Int64 = -1
    let buffer = ReplicationBuffer()
    /// The database the stream last selected (slaveseldb), -1 forces a SELECT.
    var streamDB = -1
    /// Clients that are our replicas, in arrival order.
    var replicas: [Client] = []
    /// When the last replica left (repl_no_slaves_since), unix seconds.
    var noReplicasSince: Int64 = 0
    /// When the master last PINGed its replicas through the stream (unix seconds).
    var lastPingSent: Int64 = 0
    /// A REPLCONF GETACK goes to the replicas before the loop sleeps (WAIT asked).
    var getAckRequested = false
    /// min-replicas-max-lag: replicas online with a recent ACK.
    var goodReplicas = 0
    /// A FAILOVER in progress (Failover.swift).
    var failover = Failover()
    /// Clients blocked in WAIT.
    var waitingClients: [Client] = []
    /// A diskless transfer: the pipe the save thread writes the RDB into, the
    /// closing mark, whether the pipe ended, the thread's result once it ended, and
    /// whether reading waits for a slow replica.
    var pipeFd: Int32 = -1
    var pipeMark: [UInt8] = []
    var pipeEOF = false
    var pipeResult: Int32?
    var pipePaused = false
    /// One read buffer for the pipe and the master link (never both in one call).
    var scratch = [UInt8](repeating: 0, count: 64 * 1024)

    // MARK: Replica side
    var linkState: MasterLinkState = .none
    /// The connection to the master before it becomes the master client.
    var linkFd: Int32 = -1
    var linkRegistration: UInt32 = 0
    /// Replies read during the handshake, line by line.
    var linkInput: [UInt8] = []
    /// Handshake replies still expected after PING (AUTH, REPLCONFs).
    var pendingReplies: [String] = []
    /// The master client once synchronized.
    var master: Client?
    /// PSYNC's history: the master we followed (or ourselves before we became a
    /// replica), so the next link can continue partially.
    var cachedMaster: (replid: String, offset: Int64, db: Int)?
    /// +FULLRESYNC's replid and offset while the payload arrives.
    var transferReplid = ""
    var transferOffset: Int64 = -1
    /// The payload: its size (-1 for the EOF-marked form), what was read, the mark.
    var transferSize = -1
    var transferRead = 0
    var transferMark: [UInt8] = []
    /// The EOF form's last bytes, held back until more arrive: the mark may be them.
    var transferTail: [UInt8] = []
    var transferFd: Int32 = -1
    var transferTempPath = ""
    /// Unix seconds of the last byte from the master during connect/handshake/transfer.
    var transferLastIO: Int64 = 0
    /// When the link went down (master_link_down_since_seconds), unix seconds.
    var linkDownSince: Int64 = 0
    /// The master link while its full sync loads (it gets a newline every second, so
    /// the master does not time us out), -1 otherwise.
    var loadingLinkFd: Int32 = -1
    var lastLoadingNewlineMs: Int64 = 0

    init() {}
}

extension Server {
    /// True when this server follows a master (server.masterhost != NULL).
    var isReplica: Bool { config.masterHost != nil }

    /// master_repl_offset.
    var masterReplOffset: Int64 { repl.buffer.offset }
}
