// Staying under maxmemory (Redis's evict.c, the server half): before each command,
// and from the event loop while a long eviction is being finished, keys are evicted
// until the memory that counts is back under the limit. What counts excludes the AOF
// buffer and the shared replication buffer beyond repl-backlog-size (INFO
// mem_not_counted_for_evict), as in 7.0. maxmemory-eviction-tenacity bounds the time
// one pass may take; an unfinished eviction goes on in the next loop turns (7.0's
// evictionTimeProc) while commands keep being served. A deny-oom command is refused
// with -OOM only when nothing could be freed.
//
// Client eviction (maxmemory-clients, networking.c's evictClients) is the other half:
// when normal and pub/sub clients together hold more than the limit, the ones holding
// the most are disconnected until the total is under it again.

import Glibc
import CApusSys

enum EvictionResult { case ok, running, fail }

extension Server {
    /// Bytes over the limit that must go; 0 when under it (getMaxmemoryState).
    var memoryToFree: Int {
        let used = memoryForLimit
        return used > config.maxmemory ? used - config.maxmemory : 0
    }

    /// Time one eviction pass may take (7.0's evictionTimeLimitUs): 50 µs per step of
    /// tenacity up to 10, then growing by 15% per step, unlimited at 100.
    var evictionTimeLimitUs: UInt64 {
        let t = config.maxmemoryEvictionTenacity
        if t <= 10 { return UInt64(50 * t) }
        if t < 100 { return UInt64(500.0 * pow(1.15, Double(t - 10))) }
        return UInt64.max
    }

    /// Not while loading, on a replica that ignores maxmemory, or while clients are
    /// paused (the dataset must stay still).
    var evictionAllowed: Bool {
        if loading { return false }
        if isReplica && config.replicaIgnoreMaxmemory { return false }
        if !pausedClients.isEmpty || (pausedUntilMs != 0 && mstime < pausedUntilMs) { return false }
        return true
    }

    /// performEvictions: frees memory until under the limit, the time limit, or nothing
    /// is left to evict.
    @discardableResult
    func performEvictions() -> EvictionResult {
        guard config.maxmemory > 0, evictionAllowed else { return .ok }
        var toFree = memoryToFree
        if toFree == 0 {
            noteEvictionState(.ok)
            return .ok
        }
        let policy = eviction.policy
        if policy == .noEviction {
            noteEvictionState(.fail)
            return .fail
        }
        let limit = evictionTimeLimitUs
        let start = apus_monotonic_us()
        let lazy = config.lazyfreeLazyEviction
        var freed = 0
        var keys = 0
        var result = EvictionResult.fail
        var exhausted = false
        while freed < toFree {
            guard let (db, key) = keyspace.nextEvictionCandidate(&eviction, samples: config.maxmemorySamples) else {
                exhausted = true
                break
            }
            let before = memoryForLimit
            let t0 = apus_monotonic_us()
            key.withUnsafeBytes { _ = keyspace.dbs[db].evict($0, lazy: lazy) }
            latencySample("eviction-del", since: t0)
            freed += before - memoryForLimit
            keys += 1
            if keys % 16 == 0 {
                if lazy {
                    // Big values go to the lazy-free thread: count what it already gave back.
                    keyspace.collectLazyFreed()
                    toFree = memoryToFree
                    if toFree == 0 { break }
                    freed = 0
                }
                if apus_monotonic_us() - start > limit {
                    eviction.running = true
                    break
                }
            }
        }
        if !exhausted {
            result = eviction.running ? .running : .ok
        } else if lazy && keyspace.lazyFreePending > 0 {
            // Nothing left to pick, but frees are on their way: wait for them a little.
            while keyspace.lazyFreePending > 0 && apus_monotonic_us() - start < limit {
                keyspace.collectLazyFreed()
                if memoryToFree == 0 {
                    result = .ok
                    break
                }
                usleep(UInt32(min(limit, 1000)))
            }
        }
        if keys > 0 {
            // Each eviction is its own DEL in the stream, never one MULTI block (7.0).
            keyspace.propagator.noMulti = true
            keyspace.propagator.flush()
            keyspace.propagator.noMulti = false
        }
        latencySample("eviction-cycle", since: start)
        noteEvictionState(result)
        return result
    }

    /// One more step of an eviction that ran out of time (7.0's evictionTimeProc).
    func continueEviction() {
        if performEvictions() != .running { eviction.running = false }
    }

    /// LATENCY events over latency-monitor-threshold.
    private func latencySample(_ event: String, since start: UInt64) {
        guard config.latencyMonitorThreshold > 0 else { return }
        let ms = Int((apus_monotonic_us() - start) / 1000)
        if ms >= config.latencyMonitorThreshold { latency.addSample(event: event, ms: ms, now: mstime / 1000) }
    }

    /// INFO total/current_eviction_exceeded_time.
    private func noteEvictionState(_ r: EvictionResult) {
        if r == .ok {
            if stats.evictionExceededSince != 0 {
                stats.totalEvictionExceededUs += apus_monotonic_us() - stats.evictionExceededSince
                stats.evictionExceededSince = 0
            }
        } else if stats.evictionExceededSince == 0 {
            stats.evictionExceededSince = apus_monotonic_us()
        }
    }

    /// maxmemory-policy changed: the pool's scores meant something else.
    func applyEvictionPolicyChange() {
        eviction.policy = EvictionPolicy(name: config.maxmemoryPolicy)
        eviction.pool.clear()
    }

    /// CONFIG SET maxmemory below the current usage: warn, and start evicting now.
    func maxmemoryChanged() {
        let used = memoryForLimit
        if config.maxmemory > 0 && config.maxmemory < used {
            log(.warning, "WARNING: the new maxmemory value set via CONFIG SET (\(config.maxmemory)) is smaller than the current memory usage (\(used)). This will result in key eviction and/or the inability to accept new write commands depending on the maxmemory-policy.")
        }
        if config.maxmemory > 0 { eviction.running = true }
    }
}

// MARK: - Client eviction

extension Server {
    /// The byte limit maxmemory-clients sets now, 0 when off (getClientEvictionLimit). A
    /// limit under 128 KB is raised to it, so that a bad setting still lets clients talk.
    var clientEvictionLimit: Int {
        let v = config.maxmemoryClients
        let limit: Int
        if v < 0 && config.maxmemory > 0 {
            limit = Int(Double(config.maxmemory) * Double(-v) / 100)
        } else if v > 0 {
            limit = v
        } else {
            return 0
        }
        return max(limit, 128 * 1024)
    }

    /// Normal and pub/sub clients: the ones whose memory counts toward maxmemory-clients
    /// (monitors are normal clients; the master link and replicas are not counted).
    func countsTowardClientLimit(_ c: Client) -> Bool {
        if c.flags.contains(.master) || c.flags.contains(.fake) { return false }
        return !c.flags.contains(.replica) || c.flags.contains(.monitor)
    }

    /// Disconnects the biggest evictable clients while the clients' memory is over the
    /// limit (CLIENT NO-EVICT clients count but are never chosen). Runs before each
    /// command and before the loop sleeps, only when a limit is set. Returns false if
    /// `current` was evicted.
    @discardableResult
    func evictClientsIfNeeded(current: Client? = nil) -> Bool {
        let limit = clientEvictionLimit
        if limit == 0 { return true }
        var total = 0
        var candidates: [(Int, Client)] = []
        for c in clientList where countsTowardClientLimit(c) {
            let m = c.bufferMemory
            total += m
            if !c.flags.contains(.noEvict) && !c.flags.contains(.closeASAP) { candidates.append((m, c)) }
        }
        if total < limit { return true }
        candidates.sort { $0.0 > $1.0 }
        var survived = true
        for (m, c) in candidates {
            if total < limit { break }
            log(.notice, "Evicting client: \(ClientCommands.infoString(c, server: self))")
            stats.evictedClients += 1
            total -= m
            if c === current {
                survived = false
                freeClientAsync(c)
            } else {
                freeClient(c)
            }
        }
        if total >= limit { log(.warning, "Over client maxmemory after evicting all evictable clients") }
        return survived
    }
}
