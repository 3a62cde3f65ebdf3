// MULTI, EXEC, DISCARD, WATCH and UNWATCH (Redis's multi.c; the watch bookkeeping is
// Keyspace/Watch.swift). After MULTI, Server+Dispatch queues every command but the
// transaction ones and answers +QUEUED; a command refused while queuing (unknown,
// wrong arity, OOM...) dooms the transaction, so EXEC then answers EXECABORT. EXEC runs
// the queue through `call` back to back — nothing else runs in between, clients blocked
// on keys are served after it — with blocking commands acting as their non-blocking
// forms, and the commands it changed the dataset with reach the propagation point as
// one unit.

/// A command queued between MULTI and EXEC, with copies of its arguments.
struct QueuedCommand {
    let command: RedisCommand
    let args: [[UInt8]]
}

enum TransactionCommands {
    /// Commands that run at once inside MULTI instead of being queued.
    static let runImmediately: Set<String> = ["exec", "discard", "multi", "watch", "quit", "reset"]

    static func multi(_ c: Client) {
        if c.flags.contains(.multi) {
            c.addReplyError("ERR MULTI calls can not be nested")
            return
        }
        c.flags.insert(.multi)
        c.multiQueue = []
        c.addReplyOK()
    }

    static func discard(_ c: Client) {
        if !c.flags.contains(.multi) {
            c.addReplyError("ERR DISCARD without MULTI")
            return
        }
        discardTransaction(c)
        c.addReplyOK()
    }

    static func watch(_ c: Client) {
        if c.flags.contains(.multi) {
            c.addReplyError("ERR WATCH inside MULTI is not allowed")
            return
        }
        // Once dirty, the transaction will fail whatever else changes.
        if !c.flags.contains(.dirtyCAS) {
            for i in 1..<c.argc { c.server.keyspace.watch(c, db: c.dbIndex, key: Array(c.arg(i))) }
        }
        c.addReplyOK()
    }

    static func unwatch(_ c: Client) {
        c.server.keyspace.unwatchAll(c)
        c.flags.remove(.dirtyCAS)
        c.addReplyOK()
    }

    /// Leaves the transaction: queue dropped, flags cleared, keys unwatched.
    static func discardTransaction(_ c: Client) {
        c.multiQueue = nil
        c.flags.subtract([.multi, .dirtyCAS, .dirtyExec])
        c.server.keyspace.unwatchAll(c)
    }

    /// Queues the parsed command (after MULTI). A doomed transaction keeps nothing.
    static func queue(_ c: Client, _ cmd: RedisCommand) {
        if !c.flags.contains(.dirtyExec) && !c.flags.contains(.dirtyCAS) {
            c.multiQueue?.append(QueuedCommand(command: cmd, args: (0..<c.argc).map { Array(c.arg($0)) }))
        }
        c.addReplyRaw("+QUEUED\r\n")
    }

    static func exec(_ c: Client) {
        if !c.flags.contains(.multi) {
            c.addReplyError("ERR EXEC without MULTI")
            return
        }
        let s = c.server
        if s.keyspace.isWatchedKeyExpired(c) { c.flags.insert(.dirtyCAS) }
        if c.flags.contains(.dirtyExec) {
            c.addReplyError("EXECABORT Transaction discarded because of previous errors.")
            discardTransaction(c)
            return
        }
        if c.flags.contains(.dirtyCAS) {
            c.addReplyNullArray()
            discardTransaction(c)
            return
        }
        let queued = c.multiQueue ?? []
        let execCommand = c.currentCommand
        let deniedBefore = c.flags.contains(.denyBlocking)
        c.flags.insert(.denyBlocking)
        s.keyspace.unwatchAll(c)
        s.inExec = true
        // The queued arguments replace EXEC's while each command runs.
        let own = c.request
        c.request = RequestParser()
        c.addReplyArrayLen(queued.count)
        for q in queued {
            c.request.load(q.args)
            // CLIENT LIST keeps showing cmd=exec meanwhile, as in 7.0.
            c.currentCommand = q.command
            s.call(c, q.command)
        }
        c.request.free()
        c.request = own
        c.currentCommand = execCommand
        if !deniedBefore { c.flags.remove(.denyBlocking) }
        s.inExec = false
        discardTransaction(c)
    }
}
