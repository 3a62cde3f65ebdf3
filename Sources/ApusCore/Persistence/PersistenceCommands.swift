// SAVE, BGSAVE [SCHEDULE] and SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] with Redis
// 7.0's replies; the work itself is in SnapshotSave.swift and Server/Shutdown.swift.

enum PersistenceCommands {
    static func save(_ c: Client) {
        let s = c.server
        if s.snapshotJob?.isRDB == true {
            c.addReplyError("ERR Background save already in progress")
            return
        }
        // Redis saves in the foreground while its AOF child goes on; with one snapshot
        // at a time the rewrite gives way and starts again afterwards.
        s.yieldAOFRewriteToForegroundSave()
        if s.saveSync() { c.addReplyOK() } else { c.addReplyError("ERR") }
    }

    static func bgsave(_ c: Client) {
        if c.argc > 1 && !(c.argc == 2 && c.argEquals(1, "schedule")) {
            c.addReplySyntaxError()
            return
        }
        let s = c.server
        let schedule = c.argc == 2
        if s.snapshotJob?.isRDB == true {
            c.addReplyError("ERR Background save already in progress")
        } else if s.snapshotJob != nil || s.inExec {
            if schedule || s.inExec {
                s.bgsaveScheduled = true
                c.addReplyStatus("Background saving scheduled")
            } else {
                c.addReplyError("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible.")
            }
        } else if s.startBackgroundSave() {
            c.addReplyStatus("Background saving started")
        } else {
            c.addReplyError("ERR")
        }
    }

    /// BGREWRITEAOF: starts a rewrite, or schedules one behind a running BGSAVE or
    /// transaction (a manual request also clears the failure back-off).
    static func bgrewriteaof(_ c: Client) {
        let s = c.server
        if s.aofRewriteInProgress {
            c.addReplyError("ERR Background append only file rewriting already in progress")
        } else if s.snapshotJob != nil || s.inExec {
            s.aof.rewriteScheduled = true
            s.aof.consecutiveFailures = 0
            c.addReplyStatus("Background append only file rewriting scheduled")
        } else if s.startAOFRewrite() {
            c.addReplyStatus("Background append only file rewriting started")
        } else {
            c.addReplyError("ERR Can't execute an AOF background rewriting. Please check the server logs for more information.")
        }
    }

    static func shutdown(_ c: Client) {
        var flags: ShutdownFlags = []
        var abort = false
        for i in 1..<max(1, c.argc) {
            if c.argEquals(i, "nosave") { flags.insert(.noSave) }
            else if c.argEquals(i, "save") { flags.insert(.save) }
            else if c.argEquals(i, "now") { flags.insert(.now) }
            else if c.argEquals(i, "force") { flags.insert(.force) }
            else if c.argEquals(i, "abort") { abort = true }
            else { c.addReplySyntaxError(); return }
        }
        if (abort && c.argc != 2) || (flags.contains(.noSave) && flags.contains(.save)) {
            c.addReplySyntaxError()
            return
        }
        let s = c.server
        if abort {
            if s.shutdownDeadlineMs == 0 {
                c.addReplyError("ERR No shutdown in progress.")
                return
            }
            s.log(.warning, "Shutdown manually aborted.")
            s.cancelShutdown(error: "ERR Errors trying to SHUTDOWN. Check logs.")
            c.addReplyOK()
            return
        }
        if s.loading { flags.insert(.noSave) }
        if s.requestShutdown(flags) {
            // Waiting for replicas: the caller gets no reply unless the shutdown fails.
            s.blockForKeys(c, keys: 0..<0, type: .string, deadline: 0)
            s.shutdownWaiters.append(c)
            return
        }
        c.addReplyError("ERR Errors trying to SHUTDOWN. Check logs.")
    }
}
