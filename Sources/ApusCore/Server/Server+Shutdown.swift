// Orderly shutdown (Redis's prepareForShutdown/finishShutdown): on SHUTDOWN or a
// signal, abort a running background save or AOF rewrite, write and fsync the AOF,
// save when save points are configured (or SAVE is asked) unless NOSAVE, remove the
// pid file and unix socket, then exit. A master whose replicas have not acknowledged
// its whole stream first pauses writes and waits for them, up to shutdown-timeout
// seconds (not with NOW), so a replica taking over has every write; SHUTDOWN ABORT
// ends the wait.

import Glibc

public struct ShutdownFlags: OptionSet {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let noSave = ShutdownFlags(rawValue: 1)
    public static let save = ShutdownFlags(rawValue: 2)
    public static let now = ShutdownFlags(rawValue: 4)
    public static let force = ShutdownFlags(rawValue: 8)
}

extension Server {
    /// Returns true when the server may exit; false when a required save failed and
    /// FORCE was not given (the server keeps running, as Redis does).
    public func prepareForShutdown(_ flags: ShutdownFlags) -> Bool {
        log(.warning, "User requested shutdown...")
        return finishShutdown(flags)
    }

    /// SHUTDOWN or a signal: true when the shutdown now waits for lagging replicas
    /// (the server exits from the cron later); otherwise it exits, or returns false
    /// when it could not (a failed save).
    func requestShutdown(_ flags: ShutdownFlags) -> Bool {
        if shutdownDeadlineMs != 0 { return true }
        log(.warning, "User requested shutdown...")
        if !flags.contains(.now) && config.shutdownTimeout != 0 && !readyToShutdown {
            shutdownDeadlineMs = mstime + Int64(config.shutdownTimeout) * 1000
            shutdownFlags = flags
            repl.getAckRequested = true
            pauseClients(untilMs: Int64.max, writesOnly: true)
            log(.notice, "Waiting for replicas before shutting down.")
            return true
        }
        if finishShutdown(flags) { exitNow() }
        return false
    }

    /// Every replica acknowledged the whole stream (isReadyToShutdown).
    var readyToShutdown: Bool {
        repl.replicas.allSatisfy { $0.peer?.ackOffset == repl.buffer.offset }
    }

    /// From the cron while a shutdown waits: exit once the replicas caught up or the
    /// time is up; if exiting fails, the waiting SHUTDOWN callers get the error.
    func shutdownCron() {
        guard shutdownDeadlineMs != 0, mstime >= shutdownDeadlineMs || readyToShutdown else { return }
        for c in repl.replicas where c.peer?.ackOffset != repl.buffer.offset {
            let p = c.peer
            log(.warning, "Lagging replica \(replicaName(c)) reported offset \(p?.ackOffset ?? 0) behind master, lag=\(mstime / 1000 - (p?.ackTime ?? 0)), state=\(p?.state == .online ? "online" : "wait_bgsave").")
        }
        if finishShutdown(shutdownFlags) { exitNow() }
        cancelShutdown(error: "ERR Errors trying to SHUTDOWN. Check logs.")
    }

    /// Ends a waiting shutdown (SHUTDOWN ABORT, or a failure): writes resume and the
    /// blocked SHUTDOWN callers get `error`.
    func cancelShutdown(error: String) {
        shutdownDeadlineMs = 0
        unpauseClients()
        let waiters = shutdownWaiters
        shutdownWaiters.removeAll()
        for c in waiters where clientIsConnected(c) && c.flags.contains(.blocked) {
            c.addReplyError(error)
            unblockClient(c)
        }
    }

    /// Saves, flushes and cleans up; true when the process may exit.
    func finishShutdown(_ flags: ShutdownFlags) -> Bool {
        shutdownDeadlineMs = 0
        if snapshotJob?.isRDB == true {
            log(.warning, "There is a background save in progress on a helper thread. Aborting it!")
            abortBackgroundSave()
        }
        flushAOFForShutdown()
        // A sentinel never saves a dataset (it has none); its state is its config file.
        let wantSave = sentinel == nil && !flags.contains(.noSave) && (flags.contains(.save) || !config.savePoints.isEmpty)
        if wantSave && !loading {
            log(.notice, "Saving the final RDB snapshot before exiting.")
            if !saveSync() {
                if flags.contains(.force) {
                    log(.warning, "Error trying to save the DB. Exit anyway.")
                } else {
                    log(.warning, "Error trying to save the DB, can't exit.")
                    return false
                }
            }
        }
        if !config.pidfile.isEmpty { unlink(config.pidfile) }
        // Flush what is pending to clients (e.g. MONITOR) before closing.
        handleClientsWithPendingWrites()
        closeListeners()
        return true
    }

    public func exitNow() -> Never {
        log(.warning, "Redis is now ready to exit, bye bye...")
        exit(0)
    }

    /// SIGTERM/SIGINT: shut down at the next loop turn (never inside the handler).
    func handleSignal(_ sig: Int32) {
        let name = sig == SIGINT ? "SIGINT" : "SIGTERM"
        let policy = sig == SIGINT ? config.shutdownOnSigint : config.shutdownOnSigterm
        log(.warning, "Received \(name) scheduling shutdown...")
        var flags: ShutdownFlags = []
        for word in policy.split(separator: " ") {
            switch word {
            case "nosave": flags.insert(.noSave)
            case "save": flags.insert(.save)
            case "now": flags.insert(.now)
            case "force": flags.insert(.force)
            default: break
            }
        }
        shutdownFlags = flags
        shutdownAsap = true
    }

    /// Called by the loop when a signal asked for shutdown; false means "keep running".
    func finishShutdown() -> Bool {
        shutdownAsap = false
        if requestShutdown(shutdownFlags) { return false }
        log(.warning, "Signal received but errors trying to shut down the server, check the logs for more information")
        return false
    }
}
