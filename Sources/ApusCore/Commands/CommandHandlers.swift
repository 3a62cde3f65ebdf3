// The binding of command names (full names, "config|get" for subcommands) to the
// functions that implement them. Kept apart from the data in CommandSpecs so that the
// table states Redis's facts and this file states what Apus implements.

enum CommandHandlers {
    static func all() -> [String: CommandHandler] {
        var h: [String: CommandHandler] = [
            // connection
            "ping": ConnectionCommands.ping,
            "echo": ConnectionCommands.echo,
            "quit": ConnectionCommands.quit,
            "reset": ConnectionCommands.reset,
            "auth": ConnectionCommands.auth,
            "hello": ConnectionCommands.hello,
            "select": ConnectionCommands.select,
            // keyspace
            "swapdb": KeyCommands.swapdb,
            "move": KeyCommands.move,
            "copy": KeyCommands.copy,
            "dump": DumpRestoreCommands.dump,
            "restore": DumpRestoreCommands.restore,
            "dbsize": KeyCommands.dbsize,
            "flushdb": KeyCommands.flushdb,
            "flushall": KeyCommands.flushall,
            "randomkey": KeyCommands.randomkey,
            "keys": KeyCommands.keys,
            "scan": KeyCommands.scan,
            "type": KeyCommands.type,
            "exists": KeyCommands.exists,
            "del": KeyCommands.del,
            "unlink": KeyCommands.unlink,
            "touch": KeyCommands.touch,
            "rename": KeyCommands.rename,
            "renamenx": KeyCommands.renamenx,
            "object|encoding": KeyCommands.objectEncoding,
            "object|freq": KeyCommands.objectFreq,
            "object|help": KeyCommands.objectHelp,
            "object|idletime": KeyCommands.objectIdletime,
            "object|refcount": KeyCommands.objectRefcount,
            "expire": KeyCommands.expire,
            "pexpire": KeyCommands.pexpire,
            "expireat": KeyCommands.expireat,
            "pexpireat": KeyCommands.pexpireat,
            "ttl": KeyCommands.ttl,
            "pttl": KeyCommands.pttl,
            "expiretime": KeyCommands.expiretime,
            "pexpiretime": KeyCommands.pexpiretime,
            "persist": KeyCommands.persist,
            // strings
            "set": StringCommands.set,
            "setnx": StringCommands.setnx,
            "setex": StringCommands.setex,
            "psetex": StringCommands.psetex,
            "get": StringCommands.get,
            "getex": StringCommands.getex,
            "getdel": StringCommands.getdel,
            "getset": StringCommands.getset,
            "mget": StringCommands.mget,
            "mset": StringCommands.mset,
            "msetnx": StringCommands.msetnx,
            "append": StringCommands.append,
            "strlen": StringCommands.strlen,
            "getrange": StringCommands.getrange,
            "substr": StringCommands.getrange,
            "setrange": StringCommands.setrange,
            "incr": StringCommands.incr,
            "decr": StringCommands.decr,
            "incrby": StringCommands.incrby,
            "decrby": StringCommands.decrby,
            "incrbyfloat": StringCommands.incrbyfloat,
            "lcs": StringCommands.lcs,
            // hashes
            "hset": HashCommands.hset,
            "hsetnx": HashCommands.hsetnx,
            "hget": HashCommands.hget,
            "hmget": HashCommands.hmget,
            "hmset": HashCommands.hmset,
            "hdel": HashCommands.hdel,
            "hlen": HashCommands.hlen,
            "hstrlen": HashCommands.hstrlen,
            "hexists": HashCommands.hexists,
            "hincrby": HashCommands.hincrby,
            "hincrbyfloat": HashCommands.hincrbyfloat,
            "hkeys": HashCommands.hkeys,
            "hvals": HashCommands.hvals,
            "hgetall": HashCommands.hgetall,
            "hrandfield": HashCommands.hrandfield,
            "hscan": HashCommands.hscan,
            // persistence
            "save": PersistenceCommands.save,
            "bgsave": PersistenceCommands.bgsave,
            "shutdown": PersistenceCommands.shutdown,
        ]
        for (k, v) in CommandCommands.handlers { h[k] = v }
        for (k, v) in serverHandlers() { h[k] = v }
        return h
    }

    /// Introspection and administration commands (INFO, CLIENT, CONFIG, DEBUG, ...).
    static func serverHandlers() -> [String: CommandHandler] {
        var h: [String: CommandHandler] = [
            "info": ServerInfo.info,
            "client|id": ClientCommands.id, "client|info": ClientCommands.info, "client|list": ClientCommands.list,
            "client|kill": ClientCommands.kill, "client|setname": ClientCommands.setname,
            "client|getname": ClientCommands.getname, "client|pause": ClientCommands.pause,
            "client|unpause": ClientCommands.unpause, "client|reply": ClientCommands.reply,
            "client|no-evict": ClientCommands.noEvict, "client|unblock": ClientCommands.unblock,
            "client|help": ClientCommands.help,
            "debug": DebugCommand.debug,
            "time": DiagnosticCommands.time, "lastsave": DiagnosticCommands.lastsave,
            "monitor": DiagnosticCommands.monitor,
            "slowlog|get": DiagnosticCommands.slowlogGet, "slowlog|len": DiagnosticCommands.slowlogLen,
            "slowlog|reset": DiagnosticCommands.slowlogReset, "slowlog|help": DiagnosticCommands.slowlogHelp,
            "memory|usage": DiagnosticCommands.memoryUsage, "memory|stats": DiagnosticCommands.memoryStats,
            "memory|doctor": DiagnosticCommands.memoryDoctor, "memory|malloc-stats": DiagnosticCommands.memoryMallocStats,
            "memory|purge": DiagnosticCommands.memoryPurge, "memory|help": DiagnosticCommands.memoryHelp,
            "latency|latest": DiagnosticCommands.latencyLatest, "latency|history": DiagnosticCommands.latencyHistory,
            "latency|reset": DiagnosticCommands.latencyReset, "latency|graph": DiagnosticCommands.latencyGraph,
            "latency|doctor": DiagnosticCommands.latencyDoctor, "latency|histogram": DiagnosticCommands.latencyHistogram,
            "latency|help": DiagnosticCommands.latencyHelp,
        ]
        for (k, v) in ConfigCommands.handlers { h[k] = v }
        return h
    }
}
