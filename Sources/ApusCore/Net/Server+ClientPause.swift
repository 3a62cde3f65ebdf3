// CLIENT PAUSE (Redis's pauseClients/unpauseClients in networking.c): while paused,
// clients' commands (all of them, or only those that may write) are held after parsing
// and run when the pause ends; expired keys are not deleted meanwhile, so the dataset
// stays as it was (a failover relies on that).

extension Server {
    /// CLIENT PAUSE: ALL holds every command, WRITE the ones that may write or
    /// replicate; an expired pause is lifted here.
    func commandIsPaused(_ c: Client) -> Bool {
        if c.flags.contains(.fake) { return false }
        if mstime >= pausedUntilMs { unpauseClients(); return false }
        if !pauseWritesOnly { return true }
        guard let top = commands.lookup(c.arg(0)) else { return false }
        let cmd = commands.resolveSubcommand(top, c)
        return cmd.flags.contains(.write) || cmd.flags.contains(.mayReplicate)
    }

    /// While clients are paused the dataset must not change under them (a failover
    /// relies on that): expired keys read as missing but are not deleted, as on a replica.
    func setExpiryFrozen(_ frozen: Bool) {
        keyspace.deleteExpiredOnAccess = !frozen && !isReplica
    }

    public func pauseClients(untilMs: Int64, writesOnly: Bool) {
        if untilMs <= mstime {
            // A pause that is already over (CLIENT PAUSE 0) changes nothing.
            if pausedUntilMs != 0 && mstime >= pausedUntilMs { unpauseClients() }
            return
        }
        setExpiryFrozen(true)
        // A later pause extends, never shortens; ALL beats WRITE (as Redis).
        if pausedUntilMs != 0 && mstime < pausedUntilMs {
            if untilMs > pausedUntilMs { pausedUntilMs = untilMs }
            if !writesOnly { pauseWritesOnly = false }
        } else {
            pausedUntilMs = untilMs
            pauseWritesOnly = writesOnly
        }
    }

    public func unpauseClients() {
        pausedUntilMs = 0
        setExpiryFrozen(false)
        let held = pausedClients
        pausedClients.removeAll()
        for c in held where clientsByFd[Int(c.fd)] === c {
            c.flags.remove(.postponed)
            runParsedCommand(c)
            if clientsByFd[Int(c.fd)] === c { processInputBuffer(c) }
        }
    }
}
