// Orderly shutdown (Redis's prepareForShutdown/finishShutdown): on SHUTDOWN or a
// signal, abort a running background save or AOF rewrite, write and fsync the AOF,
// save when save points are configured (or SAVE is asked) unless NOSAVE, remove the
// pid file and unix socket, then exit.

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
        if snapshotJob?.isRDB == true {
            log(.warning, "There is a background save in progress on a helper thread. Aborting it!")
            abortBackgroundSave()
        }
        flushAOFForShutdown()
        let wantSave = !flags.contains(.noSave) && (flags.contains(.save) || !config.savePoints.isEmpty)
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
        if prepareForShutdown(shutdownFlags) { exitNow() }
        log(.warning, "Signal received but errors trying to shut down the server, check the logs for more information")
        return false
    }
}
