// Resetting the statistics INFO reports (CONFIG RESETSTAT, Redis's resetServerStats):
// counters in the stats section, per-command statistics, error statistics, the slow
// log is kept (as in Redis), latency samples are kept.

extension Server {
    public func resetStats() {
        statConnections = 0
        statRejectedConnections = 0
        statCommands = 0
        statNetInput = 0
        statNetOutput = 0
        keyspace.expiredKeys = 0
        statExpiredStalePerc = 0
        statExpiredTimeCapReached = 0
        statExpireCycleTimeUsed = 0
        statEvictedKeys = 0
        statKeyspaceHits = 0
        statKeyspaceMisses = 0
        statTotalErrorReplies = 0
        statUnexpectedErrorReplies = 0
        statClientQbufLimitDisconnections = 0
        statIoReadsProcessed = 0
        statIoWritesProcessed = 0
        errorStats.removeAll()
        opsSamples = InstantaneousMetric()
        inputSamples = InstantaneousMetric()
        outputSamples = InstantaneousMetric()
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
