// INFO (Redis 7.0's genRedisInfoString): the server's state as `name:value` lines in
// `# Section` blocks, with 7.0's section names, field names, field order and number
// formats, so that tools parsing Redis's INFO parse ours. Values are Apus's own: where
// a Redis subsystem does not exist here (AOF, replication, Lua, modules, defrag) the
// field reports the idle state Redis itself reports when that subsystem is unused.
// INFO with no argument prints the `default` sections; `all` adds commandstats and
// latencystats; `everything` also the (empty) module sections; names are
// case-insensitive and may be combined. RESP3 clients get a verbatim string.

import Glibc
import CApusSys

public enum ServerInfo {
    public static let redisVersion = "7.0.15"
    public static let apusVersion = "0.1.0"

    /// The sections INFO prints without arguments (Redis's default_sections; "module_list"
    /// is how 7.0 names the Modules section in that list).
    static let defaultSections = ["server", "clients", "memory", "persistence", "stats", "replication",
                                  "cpu", "module_list", "errorstats", "cluster", "keyspace"]

    // MARK: - Command

    /// INFO [section [section ...]]
    static func info(_ c: Client) {
        var args: [String] = []
        for i in 1..<max(c.argc, 1) { args.append(c.argLowercased(i)) }
        let text = generate(server: c.server, arguments: args)
        c.addReplyVerbatim(text)
    }

    /// The INFO text for the given (lowercased) arguments, exactly as INFO would reply it.
    public static func generate(server: Server, arguments: [String]) -> String {
        var wanted = Set<String>()
        var all = false
        var everything = false
        if arguments.isEmpty {
            wanted.formUnion(defaultSections)
        }
        for a in arguments {
            switch a {
            case "default": wanted.formUnion(defaultSections)
            case "all": all = true
            case "everything": everything = true; all = true
            default: wanted.insert(a)
            }
        }
        var out = ""
        var sections = 0
        // A sentinel has only these sections, all of them by default.
        let sentinelSections = ["server", "clients", "cpu", "stats", "sentinel"]
        if server.sentinel != nil && arguments.isEmpty { all = true }
        func section(_ names: String..., body: () -> String) {
            if server.sentinel != nil && !names.contains(where: { sentinelSections.contains($0) }) { return }
            guard all || names.contains(where: { wanted.contains($0) }) else { return }
            if sections > 0 { out += "\r\n" }
            sections += 1
            out += body()
        }
        section("server") { serverSection(server) }
        section("clients") { clientsSection(server) }
        section("memory") { memorySection(server) }
        section("persistence") { persistenceSection(server) }
        section("stats") { statsSection(server) }
        section("replication") { replicationSection(server) }
        section("cpu") { cpuSection() }
        section("module_list", "modules") { "# Modules\r\n" }
        section("commandstats") { commandStatsSection(server) }
        section("errorstats") { errorStatsSection(server) }
        section("latencystats") { latencyStatsSection(server) }
        section("cluster") { "# Cluster\r\ncluster_enabled:\(server.cluster != nil ? 1 : 0)\r\n" }
        section("keyspace") { keyspaceSection(server) }
        if let s = server.sentinel { section("sentinel") { SentinelCommands.infoSection(s) } }
        _ = everything   // module-defined sections would be appended here; Apus has no modules
        return out
    }

    // MARK: - Sections

    static func serverSection(_ s: Server) -> String {
        let uptime = max(0, s.mstime / 1000 - s.startTimeMs / 1000)
        var f = Fields("Server")
        f.add("redis_version", redisVersion)
        f.add("apus_version", apusVersion)
        f.add("redis_git_sha1", "00000000")
        f.add("redis_git_dirty", 0)
        f.add("redis_build_id", buildId)
        f.add("redis_mode", s.sentinel != nil ? "sentinel" : "standalone")
        f.add("os", unameString)
        f.add("arch_bits", MemoryLayout<Int>.size * 8)
        f.add("monotonic_clock", "POSIX clock_gettime")
        f.add("multiplexing_api", "epoll")
        f.add("atomicvar_api", "c11-builtin")
        f.add("gcc_version", "0.0.0")
        f.add("process_id", Int(getpid()))
        f.add("process_supervised", "no")
        f.add("run_id", s.runId)
        f.add("tcp_port", s.tcpPortBound != 0 ? s.tcpPortBound : s.config.port)
        f.add("server_time_usec", Int(apus_ustime()))
        f.add("uptime_in_seconds", Int(uptime))
        f.add("uptime_in_days", Int(uptime / 86400))
        f.add("hz", s.currentHz)
        f.add("configured_hz", s.config.hz)
        f.add("lru_clock", Int(s.keyspace.lruClock))
        f.add("executable", s.executable)
        f.add("config_file", s.configFileAbsolute)
        f.add("io_threads_active", 0)
        return f.text
    }

    static func clientsSection(_ s: Server) -> String {
        var maxIn = 0
        var maxOut = 0
        var blocked = 0
        for c in s.clientList {
            maxIn = max(maxIn, c.query.allocatedBytes)
            maxOut = max(maxOut, c.reply.readableBytes)
            if c.flags.contains(.blocked) { blocked += 1 }
        }
        var f = Fields("Clients")
        f.add("connected_clients", s.clientList.count)
        f.add("cluster_connections", 0)
        f.add("maxclients", s.config.maxclients)
        f.add("client_recent_max_input_buffer", maxIn)
        f.add("client_recent_max_output_buffer", maxOut)
        f.add("blocked_clients", blocked)
        f.add("tracking_clients", s.trackingClients)
        f.add("clients_in_timeout_table", s.blockedClientsWithTimeout)
        return f.text
    }

    static func memorySection(_ s: Server) -> String {
        let m = MemoryOverview(s)
        var f = Fields("Memory")
        f.add("used_memory", m.used)
        f.add("used_memory_human", human(m.used))
        f.add("used_memory_rss", m.rss)
        f.add("used_memory_rss_human", human(m.rss))
        f.add("used_memory_peak", m.peak)
        f.add("used_memory_peak_human", human(m.peak))
        f.add("used_memory_peak_perc", fixed(m.peakPercent, 2) + "%")
        f.add("used_memory_overhead", m.overhead)
        f.add("used_memory_startup", m.startup)
        f.add("used_memory_dataset", m.dataset)
        f.add("used_memory_dataset_perc", fixed(m.datasetPercent, 2) + "%")
        f.add("allocator_allocated", m.allocatorAllocated)
        f.add("allocator_active", m.allocatorActive)
        f.add("allocator_resident", m.allocatorResident)
        f.add("total_system_memory", m.systemMemory)
        f.add("total_system_memory_human", human(m.systemMemory))
        // No scripting engine: the Lua/function figures are genuinely zero.
        f.add("used_memory_lua", 0)
        f.add("used_memory_vm_eval", 0)
        f.add("used_memory_lua_human", human(0))
        f.add("used_memory_scripts_eval", 0)
        f.add("number_of_cached_scripts", 0)
        f.add("number_of_functions", 0)
        f.add("number_of_libraries", 0)
        f.add("used_memory_vm_functions", 0)
        f.add("used_memory_vm_total", 0)
        f.add("used_memory_vm_total_human", human(0))
        f.add("used_memory_functions", 0)
        f.add("used_memory_scripts", 0)
        f.add("used_memory_scripts_human", human(0))
        f.add("maxmemory", s.config.maxmemory)
        f.add("maxmemory_human", human(s.config.maxmemory))
        f.add("maxmemory_policy", s.config.maxmemoryPolicy)
        f.add("allocator_frag_ratio", fixed(m.allocatorFragRatio, 2))
        f.add("allocator_frag_bytes", m.allocatorActive - m.allocatorAllocated)
        f.add("allocator_rss_ratio", fixed(m.allocatorRssRatio, 2))
        f.add("allocator_rss_bytes", m.allocatorResident - m.allocatorActive)
        f.add("rss_overhead_ratio", fixed(m.rssOverheadRatio, 2))
        f.add("rss_overhead_bytes", m.rss - m.allocatorResident)
        f.add("mem_fragmentation_ratio", fixed(m.fragmentationRatio, 2))
        f.add("mem_fragmentation_bytes", m.rss - m.used)
        // What eviction leaves out: the AOF buffer (replication buffers join it later).
        // 7.0 leaves out of eviction's count the AOF buffer and the replication
        // buffer held beyond the backlog for lagging replicas.
        f.add("mem_not_counted_for_evict", s.memoryNotCountedForEvict)
        let backlogBytes = s.repl.buffer.allocatedBytes - s.repl.buffer.bytesBeyondBacklog
        f.add("mem_replication_backlog", backlogBytes)
        f.add("mem_total_replication_buffers", s.repl.buffer.allocatedBytes)
        f.add("mem_clients_slaves", s.repl.buffer.bytesBeyondBacklog + s.repl.replicas.reduce(0) { $0 + $1.bufferMemory })
        f.add("mem_clients_normal", m.clientsNormal)
        f.add("mem_cluster_links", 0)
        f.add("mem_aof_buffer", s.aof.bufferAllocated)
        f.add("mem_allocator", "libc")
        f.add("active_defrag_running", 0)
        f.add("lazyfree_pending_objects", s.keyspace.lazyFreePending)
        f.add("lazyfreed_objects", s.keyspace.lazyfreedObjects)
        return f.text
    }

    static func persistenceSection(_ s: Server) -> String {
        let job = s.snapshotJob
        let nowSec = s.mstime / 1000
        var f = Fields("Persistence")
        f.add("loading", s.loading ? 1 : 0)
        f.add("async_loading", s.asyncLoading ? 1 : 0)
        // A forkless snapshot's "copy-on-write" cost is the serialized data waiting for
        // the writer thread: the only memory a save adds here.
        f.add("current_cow_peak", job?.peakBufferedBytes ?? 0)
        f.add("current_cow_size", job?.bufferedBytes ?? 0)
        f.add("current_cow_size_age", 0)
        var perc = 0.0
        if let j = job, j.keysTotal > 0 { perc = Double(j.keysProcessed) / Double(j.keysTotal) * 100 }
        f.add("current_fork_perc", fixed(perc, 2))
        f.add("current_save_keys_processed", job?.keysProcessed ?? 0)
        f.add("current_save_keys_total", job?.keysTotal ?? 0)
        f.add("rdb_changes_since_last_save", s.keyspace.dirty)
        f.add("rdb_bgsave_in_progress", job?.isRDB == true ? 1 : 0)
        f.add("rdb_last_save_time", Int(s.lastSaveTime))
        f.add("rdb_last_bgsave_status", s.lastBgsaveOk ? "ok" : "err")
        f.add("rdb_last_bgsave_time_sec", s.lastBgsaveTimeSec)
        f.add("rdb_current_bgsave_time_sec", job.map { Int(nowSec - $0.startedAtMs / 1000) } ?? -1)
        f.add("rdb_saves", s.rdbSaves)
        f.add("rdb_last_cow_size", s.lastCowSize)
        f.add("rdb_last_load_keys_expired", s.rdbLastLoadKeysExpired)
        f.add("rdb_last_load_keys_loaded", s.rdbLastLoadKeysLoaded)
        let aof = s.aof
        f.add("aof_enabled", aof.state != .off ? 1 : 0)
        f.add("aof_rewrite_in_progress", job?.isAOFRewrite == true ? 1 : 0)
        f.add("aof_rewrite_scheduled", aof.rewriteScheduled ? 1 : 0)
        f.add("aof_last_rewrite_time_sec", Int(aof.lastRewriteSeconds))
        f.add("aof_current_rewrite_time_sec", aof.rewriteStartedAt >= 0 ? Int(nowSec - aof.rewriteStartedAt) : -1)
        f.add("aof_last_bgrewrite_status", aof.lastRewriteOK ? "ok" : "err")
        f.add("aof_rewrites", aof.rewrites)
        f.add("aof_rewrites_consecutive_failures", aof.consecutiveFailures)
        f.add("aof_last_write_status", aof.lastWriteOK && aof.fsyncThread.failure == 0 ? "ok" : "err")
        f.add("aof_last_cow_size", s.lastAofCowSize)
        f.add("module_fork_in_progress", 0)
        f.add("module_fork_last_cow_size", 0)
        if s.config.appendonly {
            f.add("aof_current_size", Int(aof.currentSize))
            f.add("aof_base_size", Int(aof.rewriteBaseSize))
            f.add("aof_pending_rewrite", aof.rewriteScheduled ? 1 : 0)
            f.add("aof_buffer_length", aof.bufferLength)
            f.add("aof_pending_bio_fsync", aof.pendingFsyncs)
            f.add("aof_delayed_fsync", aof.delayedFsync)
        }
        if s.loading {
            // The loader does not publish byte progress; Redis's own fallback when it
            // knows no sizes is 0% with a one-second ETA.
            let elapsed = nowSec - s.loadingStartTime
            f.add("loading_start_time", Int(s.loadingStartTime))
            f.add("loading_total_bytes", 0)
            f.add("loading_rdb_used_mem", 0)
            f.add("loading_loaded_bytes", 0)
            f.add("loading_loaded_perc", fixed(0, 2))
            f.add("loading_eta_seconds", elapsed == 0 ? 1 : 0)
        }
        return f.text
    }

    static func statsSection(_ s: Server) -> String {
        var f = Fields("Stats")
        f.add("total_connections_received", s.stats.connections)
        f.add("total_commands_processed", s.stats.commands)
        f.add("instantaneous_ops_per_sec", Int(s.stats.opsSamples.value))
        f.add("total_net_input_bytes", s.stats.netInput)
        f.add("total_net_output_bytes", s.stats.netOutput)
        f.add("total_net_repl_input_bytes", s.stats.netReplInput)
        f.add("total_net_repl_output_bytes", s.stats.netReplOutput)
        f.add("instantaneous_input_kbps", fixed(Double(Float(Int(s.stats.inputSamples.value)) / 1024), 2))
        f.add("instantaneous_output_kbps", fixed(Double(Float(Int(s.stats.outputSamples.value)) / 1024), 2))
        f.add("instantaneous_input_repl_kbps", fixed(0, 2))
        f.add("instantaneous_output_repl_kbps", fixed(0, 2))
        f.add("rejected_connections", s.stats.rejectedConnections)
        f.add("sync_full", s.stats.syncFull)
        f.add("sync_partial_ok", s.stats.syncPartialOk)
        f.add("sync_partial_err", s.stats.syncPartialErr)
        f.add("expired_keys", s.keyspace.expiredKeys)
        f.add("expired_stale_perc", fixed(s.stats.expiredStalePerc * 100, 2))
        f.add("expired_time_cap_reached_count", s.stats.expiredTimeCapReached)
        f.add("expire_cycle_cpu_milliseconds", Int(s.stats.expireCycleTimeUsed / 1000))
        f.add("evicted_keys", s.keyspace.evictedKeys)
        f.add("evicted_clients", s.stats.evictedClients)
        let current = s.stats.evictionExceededSince == 0 ? 0 : apus_monotonic_us() - s.stats.evictionExceededSince
        f.add("total_eviction_exceeded_time", Int((s.stats.totalEvictionExceededUs + current) / 1000))
        f.add("current_eviction_exceeded_time", Int(current / 1000))
        f.add("keyspace_hits", s.stats.keyspaceHits)
        f.add("keyspace_misses", s.stats.keyspaceMisses)
        f.add("pubsub_channels", s.pubsub.channels.count)
        f.add("pubsub_patterns", s.pubsub.patterns.count)
        f.add("pubsubshard_channels", s.pubsub.shardChannels.count)
        f.add("latest_fork_usec", 0)
        f.add("total_forks", 0)
        f.add("migrate_cached_sockets", 0)
        f.add("slave_expires_tracked_keys", 0)
        f.add("active_defrag_hits", 0)
        f.add("active_defrag_misses", 0)
        f.add("active_defrag_key_hits", 0)
        f.add("active_defrag_key_misses", 0)
        f.add("total_active_defrag_time", 0)
        f.add("current_active_defrag_time", 0)
        f.add("tracking_total_keys", s.tracking.keyCount)
        f.add("tracking_total_items", s.tracking.totalItems)
        f.add("tracking_total_prefixes", s.tracking.prefixCount)
        f.add("unexpected_error_replies", s.stats.unexpectedErrorReplies)
        f.add("total_error_replies", s.stats.totalErrorReplies)
        f.add("dump_payload_sanitizations", 0)
        f.add("total_reads_processed", s.stats.ioReadsProcessed)
        f.add("total_writes_processed", s.stats.ioWritesProcessed)
        f.add("io_threaded_reads_processed", 0)
        f.add("io_threaded_writes_processed", 0)
        f.add("reply_buffer_shrinks", 0)
        f.add("reply_buffer_expands", 0)
        return f.text
    }

    static func replicationSection(_ s: Server) -> String {
        var f = Fields("Replication")
        let r = s.repl
        let now = s.mstime / 1000
        f.add("role", s.isReplica ? "slave" : "master")
        if let host = s.config.masterHost {
            let applied = r.master?.appliedReplOffset ?? r.cachedMaster?.offset ?? 1
            let read = r.master?.readReplOffset ?? r.cachedMaster?.offset ?? 1
            f.add("master_host", host)
            f.add("master_port", s.config.masterPort)
            f.add("master_link_status", r.linkState == .connected ? "up" : "down")
            f.add("master_last_io_seconds_ago", r.master.map { Int(now - $0.lastInteraction / 1000) } ?? -1)
            f.add("master_sync_in_progress", r.linkState == .transfer ? 1 : 0)
            f.add("slave_read_repl_offset", read)
            f.add("slave_repl_offset", applied)
            if r.linkState == .transfer {
                let total = max(r.transferSize, 0)
                f.add("master_sync_total_bytes", total)
                f.add("master_sync_read_bytes", r.transferRead)
                f.add("master_sync_left_bytes", total - r.transferRead)
                f.add("master_sync_perc", fixed(total > 0 ? Double(r.transferRead) / Double(total) * 100 : 0, 2))
                f.add("master_sync_last_io_seconds_ago", Int(now - r.transferLastIO))
            }
            if r.linkState != .connected {
                f.add("master_link_down_since_seconds", r.linkDownSince != 0 ? Int(now - r.linkDownSince) : -1)
            }
            f.add("slave_priority", s.config.replicaPriority)
            f.add("slave_read_only", s.config.replicaReadOnly ? 1 : 0)
            f.add("replica_announced", s.config.replicaAnnounced ? 1 : 0)
        }
        f.add("connected_slaves", r.replicas.count)
        if s.config.minReplicasToWrite > 0 && s.config.minReplicasMaxLag > 0 {
            f.add("min_slaves_good_slaves", r.goodReplicas)
        }
        var id = 0
        for c in r.replicas {
            // An rdb-only replica that got its file is not listed (7.0).
            guard let p = c.peer, p.state != .rdbTransmitted else { continue }
            let ip = p.announcedIP ?? String(c.peerAddress.split(separator: ":").dropLast().joined(separator: ":"))
            let state: String
            switch p.state {
            case .waitBgsaveStart, .waitBgsaveEnd: state = "wait_bgsave"
            case .sendBulk: state = "send_bulk"
            case .online: state = "online"
            case .rdbTransmitted: continue
            }
            let lag = p.state == .online ? now - p.ackTime : 0
            f.add("slave\(id)", "ip=\(ip),port=\(p.listeningPort),state=\(state),offset=\(p.ackOffset),lag=\(lag)")
            id += 1
        }
        f.add("master_failover_state", r.failover.state.text)
        f.add("master_replid", s.replicationId)
        f.add("master_replid2", r.replid2)
        f.add("master_repl_offset", r.buffer.offset)
        f.add("second_repl_offset", r.secondReplOffset)
        f.add("repl_backlog_active", r.buffer.active ? 1 : 0)
        f.add("repl_backlog_size", s.config.replBacklogSize)
        f.add("repl_backlog_first_byte_offset", r.buffer.active ? r.buffer.backlogStart : 0)
        f.add("repl_backlog_histlen", r.buffer.historyLength)
        return f.text
    }

    static func cpuSection() -> String {
        func usage(_ who: Int32) -> (String, String) {
            var ru = rusage()
            _ = getrusage(__rusage_who_t(who), &ru)
            return (timeval6(ru.ru_stime), timeval6(ru.ru_utime))
        }
        let me = usage(RUSAGE_SELF.rawValue)
        let children = usage(RUSAGE_CHILDREN.rawValue)
        let main = usage(1)   // RUSAGE_THREAD (Linux; not exported to Swift): INFO runs on the main thread
        var f = Fields("CPU")
        f.add("used_cpu_sys", me.0)
        f.add("used_cpu_user", me.1)
        f.add("used_cpu_sys_children", children.0)
        f.add("used_cpu_user_children", children.1)
        f.add("used_cpu_sys_main_thread", main.0)
        f.add("used_cpu_user_main_thread", main.1)
        return f.text
    }

    /// `%ld.%06ld` of a timeval, as Redis prints CPU times.
    static func timeval6(_ t: timeval) -> String {
        String(t.tv_sec) + "." + String(t.tv_usec).leftPad(6)
    }

    static func commandStatsSection(_ s: Server) -> String {
        var out = "# Commandstats\r\n"
        func one(_ cmd: RedisCommand) {
            if cmd.calls != 0 || cmd.failedCalls != 0 || cmd.rejectedCalls != 0 {
                // Redis divides in single precision (float) before printing with %.2f.
                let perCall = cmd.calls == 0 ? 0 : Double(Float(cmd.microseconds) / Float(cmd.calls))
                out += "cmdstat_\(safe(cmd.fullName)):calls=\(cmd.calls),usec=\(cmd.microseconds),usec_per_call=\(fixed(perCall, 2)),rejected_calls=\(cmd.rejectedCalls),failed_calls=\(cmd.failedCalls)\r\n"
            }
        }
        for cmd in s.commands.all {
            one(cmd)
            for sub in cmd.subcommands.sorted(by: { $0.name < $1.name }) { one(sub) }
        }
        return out
    }

    static func errorStatsSection(_ s: Server) -> String {
        var out = "# Errorstats\r\n"
        // Redis keeps error codes in a radix tree, so they come out in byte order.
        for code in s.stats.errorCounts.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            out += "errorstat_\(safe(code)):count=\(s.stats.errorCounts[code]!)\r\n"
        }
        return out
    }

    static func latencyStatsSection(_ s: Server) -> String {
        var out = "# Latencystats\r\n"
        guard s.config.latencyTracking else { return out }
        let percentiles = s.config.latencyTrackingInfoPercentiles
        func one(_ cmd: RedisCommand) {
            guard let h = LatencyHistogram(cmd.latencyBuckets) else { return }
            var parts: [String] = []
            for p in percentiles {
                parts.append("p" + trimmedPercentile(p) + "=" + fixed(Double(h.valueAtPercentile(p)) / 1000, 3))
            }
            out += "latency_percentiles_usec_\(safe(cmd.fullName)):" + parts.joined(separator: ",") + "\r\n"
        }
        for cmd in s.commands.all {
            one(cmd)
            for sub in cmd.subcommands.sorted(by: { $0.name < $1.name }) { one(sub) }
        }
        return out
    }

    /// `%f` then trailing zeros (and a trailing dot) removed: 50 → "50", 99.9 → "99.9".
    static func trimmedPercentile(_ p: Double) -> String {
        var s = fixed(p, 6)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s
    }

    static func keyspaceSection(_ s: Server) -> String {
        var out = "# Keyspace\r\n"
        for db in s.keyspace.dbs where db.count > 0 || db.expiresCount > 0 {
            out += "db\(db.id):keys=\(db.count),expires=\(db.expiresCount),avg_ttl=\(db.avgTTL)\r\n"
        }
        return out
    }

    // MARK: - Helpers

    /// One section being built: a `# Title` header and `name:value` lines.
    struct Fields {
        var text: String
        init(_ title: String) { text = "# " + title + "\r\n" }
        mutating func add(_ name: String, _ value: String) {
            text += name
            text += ":"
            text += value
            text += "\r\n"
        }
        mutating func add(_ name: String, _ value: Int) { add(name, String(value)) }
        mutating func add(_ name: String, _ value: Int64) { add(name, String(value)) }
    }

    /// INFO must stay parseable: '#', ':', CR and LF inside names become '_' (Redis's
    /// getSafeInfoString).
    static func safe(_ s: String) -> String {
        if !s.utf8.contains(where: { $0 == 35 || $0 == 58 || $0 == 10 || $0 == 13 }) { return s }
        return String(decoding: s.utf8.map { ($0 == 35 || $0 == 58 || $0 == 10 || $0 == 13) ? 95 : $0 }, as: UTF8.self)
    }

    static func human(_ n: Int) -> String { MemoryUnits.bytesToHuman(UInt64(max(n, 0))) }

    /// printf-style fixed-point formatting ("%.Nf"), without Foundation.
    static func fixed(_ v: Double, _ digits: Int) -> String {
        var buf = [CChar](repeating: 0, count: 64)
        _ = withVaList([v]) { vsnprintf(&buf, 64, "%.\(digits)f", $0) }
        return String(cString: buf)
    }

    /// "Linux 6.1.0 x86_64": uname's sysname, release and machine (cached: it never changes).
    static let unameString: String = {
        var u = utsname()
        guard uname(&u) == 0 else { return "Linux" }
        func field<T>(_ t: T) -> String {
            withUnsafeBytes(of: t) { raw in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
        }
        return field(u.sysname) + " " + field(u.release) + " " + field(u.machine)
    }()

    /// A stable identifier of this build (Redis derives redis_build_id from its build
    /// environment; we derive ours from the version strings).
    static let buildId: String = {
        var h: UInt64 = 0xcbf29ce484222325
        for b in ("apus-" + apusVersion + "-redis-" + redisVersion).utf8 { h = (h ^ UInt64(b)) &* 0x100000001b3 }
        return String(h, radix: 16).leftPad(16)
    }()
}

// MARK: - Memory overview (INFO memory, MEMORY STATS, MEMORY DOCTOR)

/// Redis's redisMemOverhead, computed from Apus's own accounting: used memory is what the
/// keyspace, clients and snapshot buffers hold (server.usedMemory); "overhead" is what is
/// not user data (start-up structures, client buffers, hash table bucket arrays).
struct MemoryOverview {
    let used: Int
    let peak: Int
    let startup: Int
    let rss: Int
    let clientsNormal: Int
    let perDb: [(id: Int, main: Int, expires: Int)]
    let overhead: Int
    let dataset: Int
    let totalKeys: Int
    let systemMemory: Int

    init(_ s: Server) {
        used = s.usedMemory
        if used > s.peakMemory { s.peakMemory = used }
        peak = s.peakMemory
        startup = s.baselineMemory
        rss = apus_rss_bytes()
        var clients = 0
        for c in s.clientList { clients += c.bufferMemory }
        clientsNormal = clients
        var dbs: [(Int, Int, Int)] = []
        var keys = 0
        for db in s.keyspace.dbs where db.count > 0 {
            keys += db.count
            dbs.append((db.id, db.table.memoryBytes, db.expires.memoryBytes))
        }
        perDb = dbs
        totalKeys = keys
        var total = startup + clientsNormal + s.aof.bufferAllocated
        for d in dbs { total += d.1 + d.2 }
        overhead = total
        dataset = used - total
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        systemMemory = pages > 0 && pageSize > 0 ? pages * pageSize : 0
    }

    /// libc malloc publishes no allocator statistics; like a libc build of Redis we take
    /// allocated = used memory and active = resident = RSS.
    var allocatorAllocated: Int { used }
    var allocatorActive: Int { rss }
    var allocatorResident: Int { rss }

    var peakPercent: Double { peak > 0 ? Double(Float(used) * 100 / Float(peak)) : 0 }
    var netUsage: Int { used > startup ? used - startup : 1 }
    var datasetPercent: Double { Double(Float(dataset) * 100 / Float(netUsage)) }
    var bytesPerKey: Int { totalKeys > 0 ? netUsage / totalKeys : 0 }
    var allocatorFragRatio: Double { ratio(allocatorActive, allocatorAllocated) }
    var allocatorRssRatio: Double { ratio(allocatorResident, allocatorActive) }
    var rssOverheadRatio: Double { ratio(rss, allocatorResident) }
    var fragmentationRatio: Double { ratio(rss, used) }

    /// Redis computes these ratios in single precision.
    private func ratio(_ a: Int, _ b: Int) -> Double {
        b == 0 ? 0 : Double(Float(a) / Float(b))
    }
}
