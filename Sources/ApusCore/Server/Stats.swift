// The server's statistics (INFO stats, INFO errorstats, the instantaneous_* rates) in
// one value, and resetting them (CONFIG RESETSTAT, Redis's resetServerStats): the
// counters, per-command statistics and error statistics start over; the slow log and
// latency samples are kept, as in Redis.

/// Redis's stat_* fields of `struct redisServer`.
public struct ServerStats {
    public var connections = 0
    public var rejectedConnections = 0
    public var commands = 0
    public var netInput = 0
    public var netOutput = 0
    public var netReplInput = 0
    public var netReplOutput = 0
    public var syncFull = 0
    public var syncPartialOk = 0
    public var syncPartialErr = 0
    public var expiredStalePerc: Double = 0
    public var expiredTimeCapReached = 0
    public var expireCycleTimeUsed: UInt64 = 0
    /// Microseconds spent over maxmemory, and since when the current stretch lasts.
    public var totalEvictionExceededUs: UInt64 = 0
    var evictionExceededSince: UInt64 = 0
    public var keyspaceHits = 0
    public var keyspaceMisses = 0
    public var totalErrorReplies = 0
    public var unexpectedErrorReplies = 0
    public var clientQbufLimitDisconnections = 0
    /// Clients disconnected by maxmemory-clients (INFO evicted_clients).
    public var evictedClients = 0
    public var ioReadsProcessed = 0
    public var ioWritesProcessed = 0
    /// Error replies by their first word (INFO errorstats), at most 128 codes.
    public var errorCounts: [String: Int] = [:]
    var opsSamples = InstantaneousMetric()
    var inputSamples = InstantaneousMetric()
    var outputSamples = InstantaneousMetric()
}

extension Server {
    public func resetStats() {
        stats = ServerStats()
        keyspace.expiredKeys = 0
        keyspace.evictedKeys = 0
        peakMemory = usedMemory
        for cmd in commands.all {
            resetCommandStats(cmd)
            for s in cmd.subcommands { resetCommandStats(s) }
        }
    }

    private func resetCommandStats(_ cmd: RedisCommand) {
        cmd.calls = 0
        cmd.microseconds = 0
        cmd.rejectedCalls = 0
        cmd.failedCalls = 0
        cmd.latencyBuckets = []
    }
}
