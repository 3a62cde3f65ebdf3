// serverCron: the periodic work run `hz` times a second (Redis's server.c serverCron):
// clock refresh, instantaneous metrics, client timeouts and buffer trimming, the
// active expire cycle, incremental rehashing/resizing of key tables, save points.

import Glibc
import CApusSys

extension Server {
    func cron() {
        cronLoops += 1
        refreshTime()
        keyspace.updateLRUClock(nowMs: mstime)
        if config.dynamicHz {
            // Like Redis: raise the frequency with many clients so timeouts stay cheap per call.
            var hz = config.hz
            while clientList.count / hz > 200 && hz < 500 { hz *= 2 }
            currentHz = min(hz, 500)
        } else {
            currentHz = config.hz
        }
        let nowUs = apus_monotonic_us()
        if runEvery(ms: 100) {
            stats.opsSamples.track(current: stats.commands, nowUs: nowUs)
            stats.inputSamples.track(current: stats.netInput, nowUs: nowUs)
            stats.outputSamples.track(current: stats.netOutput, nowUs: nowUs)
        }
        let used = usedMemory
        if used > peakMemory { peakMemory = used }
        // Client buffers, snapshot buffers and the part of the replication buffer the
        // backlog needs count towards maxmemory; the AOF buffer and the replication
        // buffer beyond the backlog do not (INFO mem_not_counted_for_evict).
        clientMemoryAtCron = used - keyspace.usedMemory - baselineMemory - memoryNotCountedForEvict
        clientsCron()
        if let s = sentinel {
            // A sentinel keeps no dataset; its timer runs at a randomized 10-19 Hz.
            s.timer()
            currentHz = 10 + Int.random(in: 0..<10)
            return
        }
        if let k = cluster, runEvery(ms: 100) { k.cron() }
        if !migrateSockets.byTarget.isEmpty { migrateSockets.closeIdle(now: mstime) }
        databasesCron()
        persistenceCron()
        aofCron()
        // Faster while a failover is on, so the handshake with the new master progresses.
        if runEvery(ms: repl.failover.state != .none ? 100 : 1000) { replicationCron() }
        if shutdownDeadlineMs != 0 { shutdownCron() }
    }

    /// True once every `ms` milliseconds of cron time (Redis's run_with_period).
    func runEvery(ms: Int) -> Bool {
        let period = 1000 / max(currentHz, 1)
        return ms <= period || cronLoops % (ms / period) == 0
    }

    func clientsCron() {
        if config.timeout > 0 {
            let limit = Int64(config.timeout) * 1000
            for c in clientList where c.flags.isDisjoint(with: [.monitor, .blocked, .master, .replica]) {
                if mstime - c.lastInteraction > limit {
                    log(.verbose, "Closing idle client")
                    freeClientAsync(c)
                }
            }
        }
        // Give back query buffers that grew for one big request.
        for c in clientList {
            if c.query.readableBytes == 0 && c.query.capacity > 32 * 1024 && c.request.type == .unknown {
                c.query.reset(shrinkTo: 16 * 1024)
            }
            if c.reply.readableBytes == 0 && c.reply.capacity > 32 * 1024 {
                c.reply.reset(shrinkTo: 16 * 1024)
            }
        }
    }

    func databasesCron() {
        if pausedUntilMs != 0 && mstime >= pausedUntilMs { unpauseClients() }
        if !loading && activeExpireEnabled && pausedUntilMs == 0 && !isReplica {
            activeExpireCycle()
        }
        if config.activeRehashing {
            keyspace.resizeAndRehash(rehashMilliseconds: 1)
        } else {
            for db in keyspace.dbs { db.table.resizeIfNeeded() }
        }
    }

    /// Redis's slow active expire cycle: samples keys with a TTL, database after
    /// database (resuming where the last call stopped), while more than ~10% of a
    /// sample was expired, within 25% of a cron period of CPU.
    func activeExpireCycle() {
        let effort = max(1, min(config.activeExpireEffort, 10)) - 1
        let perLoop = 20 + 20 / 4 * effort
        let timelimitUs = UInt64(25 + 2 * effort) * 1_000_000 / UInt64(max(currentHz, 1)) / 100
        let start = apus_monotonic_us()
        // Its deletions go out together but unwrapped: each is atomic alone (7.0's
        // propagate_no_multi).
        keyspace.propagator.noMulti = true
        let r = keyspace.activeExpireCycle(now: mstime, timeLimitUs: timelimitUs, keysPerLoop: perLoop,
                                           acceptableStalePercent: 10 - effort)
        keyspace.propagator.flush()
        keyspace.propagator.noMulti = false
        let used = apus_monotonic_us() - start
        if used >= timelimitUs { stats.expiredTimeCapReached += 1 }
        stats.expireCycleTimeUsed += used
        if r.sampled > 0 {
            let perc = Double(r.expired) / Double(r.sampled)
            stats.expiredStalePerc = perc * 0.05 + stats.expiredStalePerc * 0.95
        }
    }

    /// The figure maxmemory is compared with: the keyspace exactly, client buffers as of
    /// the last cron tick (summing them per command would cost O(clients)).
    var memoryForLimit: Int { keyspace.usedMemory + baselineMemory + clientMemoryAtCron }

    var memoryNotCountedForEvict: Int { aof.bufferAllocated + repl.buffer.bytesBeyondBacklog }

    /// used_memory: what the keyspace and the clients hold, by our own accounting.
    public var usedMemory: Int {
        var total = keyspace.usedMemory + baselineMemory
        for c in clientList { total += c.bufferMemory }
        if let j = snapshotJob { total += j.bufferedBytes }
        total += aof.bufferAllocated
        total += repl.buffer.allocatedBytes
        return total
    }

    /// A fixed estimate of the process's own structures (command table, client table).
    var baselineMemory: Int { 900 * 1024 + clientsByFd.count * 8 }
}
