// Command dispatch (Redis's processCommand + call): lookup, subcommand resolution, the
// single arity check, authentication, loading and MISCONF gates, then the handler, with
// statistics, the slow log, latency tracking and MONITOR feeding around it, and the
// one propagation point: a command that changed the dataset (the dirty counter moved)
// goes to the Propagator, as sent or as the replacement its handler set.

import Glibc
import CApusSys

extension Server {
    func processCommand(_ c: Client) {
        c.commandsProcessed += 1
        guard let top = commands.lookup(c.arg(0)) else {
            c.lastCommand = nil
            flagTransaction(c)
            rejectUnknownCommand(c)
            return
        }
        var cmd = top
        if !top.subcommands.isEmpty && c.argc >= 2 {
            cmd = commands.resolveSubcommand(top, c)
            if cmd === top {
                // No command is attributed (Redis's lookup fails), so no commandstats.
                c.currentCommand = top
                c.lastCommand = nil
                var msg = Array("ERR unknown subcommand '".utf8)
                msg += c.arg(1).prefix(128)
                msg += Array("'. Try \(top.name.uppercased()) HELP.".utf8)
                flagTransaction(c)
                c.addReplyError(bytes: msg)
                return
            }
        }
        c.currentCommand = cmd
        c.lastCommand = cmd
        if (cmd.arity > 0 && cmd.arity != c.argc) || c.argc < -cmd.arity {
            reject(c, cmd, "ERR wrong number of arguments for '\(cmd.fullName)' command")
            return
        }
        if cmd.flags.contains(.protected) && cmd.name == "debug"
            && !DebugCommand.protectedActionAllowed(config.enableDebugCommand, c) {
            reject(c, cmd, DebugCommand.notAllowedError)
            return
        }
        if !c.authenticated && !cmd.flags.contains(.noAuth) {
            reject(c, cmd, "NOAUTH Authentication required.")
            return
        }
        if c.flags.contains(.multi) && cmd.flags.contains(.noMulti) {
            reject(c, cmd, "ERR Command not allowed inside a transaction")
            return
        }
        if cluster != nil {
            // ASKING covers the next command only (or the transaction it opens).
            defer {
                if c.flags.contains(.asking) && (!c.flags.contains(.multi) || cmd.name == "exec") && cmd.name != "asking" { c.flags.remove(.asking) }
            }
            if clusterRedirects(c, cmd) { return }
        }
        if loading && !cmd.flags.contains(.loading) {
            reject(c, cmd, "LOADING Redis is loading the dataset in memory")
            return
        }
        if asyncLoading && cmd.flags.contains(.noAsyncLoading) {
            reject(c, cmd, "LOADING Redis is loading the dataset in memory")
            return
        }
        // Clients first (maxmemory-clients): this one may be the biggest, and then its
        // command does not run.
        if config.maxmemoryClients != 0 && !evictClientsIfNeeded(current: c) { return }
        // Over maxmemory, keys are evicted first; a command that may grow memory is
        // refused only when nothing could be freed. Queuing inside MULTI may grow memory
        // without bound, so then every command but the ones that end a transaction is
        // refused too (7.0's rule).
        if config.maxmemory > 0 && !c.flags.contains(.fake) && performEvictions() == .fail && !c.flags.contains(.master)
            && (cmd.flags.contains(.denyOOM) || (c.flags.contains(.multi) && !Server.endsTransaction.contains(cmd.name))) {
            reject(c, cmd, "OOM command not allowed when used memory > 'maxmemory'.")
            return
        }
        if trackingClients > 0 { trackingLimitUsedSlots() }
        if writesDeniedByDiskError() && (cmd.flags.contains(.write) || cmd.name == "ping") && !c.flags.contains(.master) {
            reject(c, cmd, "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.")
            return
        }
        if aof.deniesWrites && (cmd.flags.contains(.write) || cmd.name == "ping") && !c.flags.contains(.master) {
            reject(c, cmd, "MISCONF Errors writing to the AOF file: " + String(cString: strerror(aof.failureErrno)))
            return
        }
        if isReplica && !c.flags.contains(.master) && replicaRefuses(c, cmd) { return }
        if cmd.flags.contains(.write) && !enoughGoodReplicas && !c.flags.contains(.master) {
            reject(c, cmd, "NOREPLICAS Not enough good replicas to write.")
            return
        }
        if c.flags.contains(.pubsub) && c.resp == 2 && !PubSubCommands.allowedWhileSubscribed.contains(cmd.name) {
            reject(c, cmd, "ERR Can't execute '\(cmd.fullName)': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context")
            return
        }
        if c.flags.contains(.multi) && !TransactionCommands.runImmediately.contains(cmd.name) {
            TransactionCommands.queue(c, cmd)
            return
        }
        call(c, cmd)
    }

    /// A replica's own gates (processCommand): writes are refused while read-only,
    /// and with replica-serve-stale-data no, everything but the stale-safe commands
    /// while the link to the master is down. Replies and returns true when refused.
    func replicaRefuses(_ c: Client, _ cmd: RedisCommand) -> Bool {
        if config.replicaReadOnly && cmd.flags.contains(.write) {
            reject(c, cmd, "READONLY You can't write against a read only replica.")
            return true
        }
        if repl.linkState != .connected && !config.replicaServeStaleData && !cmd.flags.contains(.stale) {
            reject(c, cmd, "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.")
            return true
        }
        return false
    }

    /// Commands 7.0 still accepts inside MULTI when over maxmemory.
    static let endsTransaction: Set<String> = ["exec", "discard", "quit", "reset"]

    /// Refuses the parsed command (Redis's rejectCommand): a transaction in progress is
    /// doomed, and a refused EXEC ends it with the reason.
    func reject(_ c: Client, _ cmd: RedisCommand, _ error: String) {
        cmd.rejectedCalls += 1
        flagTransaction(c)
        if cmd.name == "exec" && cmd.parent == nil {
            TransactionCommands.discardTransaction(c)
            // 7.0 quotes its formatted refusals without their ERR code (its shared
            // errors, OOM or NOAUTH, keep theirs).
            let reason = error.hasPrefix("ERR ") ? String(error.dropFirst(4)) : error
            c.addReplyError("EXECABORT Transaction discarded because of: " + reason)
            return
        }
        c.addReplyError(error)
    }

    /// An error while queuing makes the next EXEC fail (flagTransaction).
    @inline(__always) func flagTransaction(_ c: Client) {
        if c.flags.contains(.multi) { c.flags.insert(.dirtyExec) }
    }

    /// Runs the handler, accounts for it and propagates what it changed.
    @inline(__always) func call(_ c: Client, _ cmd: RedisCommand) {
        let topLevel = executingClient == nil
        if topLevel { executingClient = c }
        defer { if topLevel { afterTopLevelCommand(c, cmd) } }
        currentClient = c
        errorRepliedDuringCommand = false
        let dirtyBefore = keyspace.dirty
        let start = apus_monotonic_us()
        lastCommandStartUs = start
        cmd.handler!(c)
        if !c.tracking.isEmpty && c.tracking.contains(.on) && !c.tracking.contains(.bcast) && cmd.flags.contains(.readonly) {
            trackingRememberKeys(c, cmd)
        }
        // Small collections the command held as objects go back to compact slots.
        if !keyspace.materialized.isEmpty { keyspace.compactMaterialized() }
        let duration = Int(apus_monotonic_us() &- start)
        currentClient = nil
        // Without a consumer nothing was recorded: one flag test on the hot path.
        if keyspace.propagator.isActive {
            propagate(c, cmd, dirtied: keyspace.dirty > dirtyBefore)
            // WAIT waits for the stream to reach this point.
            c.writeOffset = repl.buffer.offset
        }
        // Like Redis, monitors see the command after it ran (so SELECT shows the new db),
        // with secrets redacted; a monitor sees its own commands too.
        // A served blocked command was counted and shown to monitors when it blocked.
        let again = c.flags.contains(.reprocessing)
        if !again && !monitors.isEmpty && !cmd.flags.contains(.skipMonitor) && !cmd.flags.contains(.admin) {
            feedMonitors(c)
        }
        if !again { cmd.calls += 1 }
        cmd.microseconds += duration
        if errorRepliedDuringCommand { cmd.failedCalls += 1 }
        if config.latencyTracking { recordLatency(cmd, duration) }
        stats.commands += 1
        if !cmd.flags.contains(.skipSlowlog) && config.slowlogLogSlowerThan >= 0 && duration >= config.slowlogLogSlowerThan {
            slowlog.add(c, durationUs: duration, maxLen: config.slowlogMaxLen, now: mstime / 1000)
        }
        if config.latencyMonitorThreshold > 0 && duration / 1000 >= config.latencyMonitorThreshold {
            latency.addSample(event: cmd.flags.contains(.fast) ? "fast-command" : "command", ms: duration / 1000, now: mstime / 1000)
        }
    }

    /// After a top-level command: CLIENT CACHING lasts one command (or one
    /// transaction), and invalidations held for this client follow its reply.
    @inline(__always) func afterTopLevelCommand(_ c: Client, _ cmd: RedisCommand) {
        executingClient = nil
        guard !c.tracking.isEmpty else {
            if !pendingInvalidations.isEmpty { pendingInvalidations.removeAll() }
            return
        }
        if !c.flags.contains(.multi) && (cmd.parent ?? cmd).name != "client" { c.tracking.remove(.caching) }
        if !pendingInvalidations.isEmpty { flushPendingInvalidations(c) }
    }

    /// Hands the command just run to the propagator (as sent, or as its replacement)
    /// and ends the execution unit. The db is the client's after the command (SELECT
    /// inside MULTI comes later): a command applies to the database it ran in.
    /// Inside EXEC each command is only recorded; EXEC itself is not propagated but
    /// ends the unit, so the consumers see the transaction's commands together.
    @inline(never)
    func propagate(_ c: Client, _ cmd: RedisCommand, dirtied: Bool) {
        let p = keyspace.propagator
        if inExec {
            p.commandExecuted(db: c.dbIndex, dirtied: dirtied, argc: c.argc, arg: c.arg)
            return
        }
        if cmd.name != "exec" {
            p.commandExecuted(db: c.dbIndex, dirtied: dirtied, argc: c.argc, arg: c.arg)
        }
        p.flush()
    }

    func recordLatency(_ cmd: RedisCommand, _ us: Int) {
        if cmd.latencyBuckets.isEmpty { cmd.latencyBuckets = [UInt64](repeating: 0, count: 64) }
        let v = max(us, 1)
        cmd.latencyBuckets[LatencyHistogram.bucketIndex(microseconds: v)] += 1
    }

    func rejectUnknownCommand(_ c: Client) {
        var args: [UInt8] = []
        var i = 1
        while i < c.argc && args.count < 128 {
            args.append(39)
            args += c.arg(i).prefix(128 - args.count + 1)
            args += [39, 32]
            i += 1
        }
        var msg = Array("ERR unknown command '".utf8)
        msg += c.arg(0).prefix(128)
        msg += Array("', with args beginning with: ".utf8)
        msg += args
        c.addReplyError(bytes: msg)
    }

    /// True when a failed background save must stop writes (stop-writes-on-bgsave-error).
    func writesDeniedByDiskError() -> Bool {
        config.stopWritesOnBgsaveError && !config.savePoints.isEmpty && !lastBgsaveOk
    }

    func feedMonitors(_ c: Client) {
        let now = apus_ustime()
        var line = "+\(now / 1_000_000).\(String(now % 1_000_000).leftPad(6)) [\(c.dbIndex) \(c.flags.contains(.unixSocket) ? "unix:" + c.localAddress.dropLast(2) : c.peerAddress)]"
        for i in 0..<c.argc {
            line += " " + Repr.quoted(c.loggedArgument(i))
        }
        line += "\r\n"
        for m in monitors {
            m.addReplyRawString(line)
        }
    }
}

extension Client {
    func addReplyRawString(_ s: String) {
        guard prepareToWrite() else { return }
        reply.append(string: s)
    }
}
