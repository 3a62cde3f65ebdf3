// SAVE, BGSAVE [SCHEDULE] and SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT] with Redis
// 7.0's replies; the work itself is in SnapshotSave.swift and Server/Shutdown.swift.

enum PersistenceCommands {
    static func save(_ c: Client) {
        let s = c.server
        if s.snapshotJob != nil {
            c.addReplyError("ERR Background save already in progress")
            return
        }
        if s.saveSync() { c.addReplyOK() } else { c.addReplyError("ERR") }
    }

    static func bgsave(_ c: Client) {
        if c.argc > 1 && !(c.argc == 2 && c.argEquals(1, "schedule")) {
            c.addReplySyntaxError()
            return
        }
        let s = c.server
        if s.snapshotJob != nil {
            c.addReplyError("ERR Background save already in progress")
        } else if s.startBackgroundSave() {
            c.addReplyStatus("Background saving started")
        } else {
            c.addReplyError("ERR")
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
        if abort {
            // Without replicas a shutdown never waits, so there is never one to abort.
            c.addReplyError("ERR No shutdown in progress.")
            return
        }
        let s = c.server
        if s.loading { flags.insert(.noSave) }
        if s.prepareForShutdown(flags) {
            s.exitNow()
        }
        c.addReplyError("ERR Errors trying to SHUTDOWN. Check logs.")
    }
}
