// Connection commands (Redis's PING, ECHO, QUIT, RESET, AUTH, HELLO, SELECT): the
// per-connection state — protocol version, authentication, name, selected database.

enum ConnectionCommands {
    static func ping(_ c: Client) {
        if c.argc > 2 {
            c.addReplyErrorArity()
            return
        }
        if c.flags.contains(.pubsub) && c.resp == 2 {
            // In RESP2 subscribed mode replies look like messages: ["pong", argument].
            c.addReplyArrayLen(2)
            c.addReplyBulkString("pong")
            if c.argc == 1 { c.addReplyBulkString("") } else { c.addReplyBulk(c.arg(1)) }
            return
        }
        if c.argc == 1 { c.addReplyRaw("+PONG\r\n") } else { c.addReplyBulk(c.arg(1)) }
    }

    static func echo(_ c: Client) { c.addReplyBulk(c.arg(1)) }

    static func quit(_ c: Client) {
        c.addReplyOK()
        c.flags.insert(.closeAfterReply)
    }

    static func reset(_ c: Client) {
        let s = c.server
        if c.flags.contains(.monitor), let i = s.monitors.firstIndex(where: { $0 === c }) {
            s.monitors.remove(at: i)
        }
        c.flags.subtract([.monitor, .replyOff, .replySkip, .replySkipNext, .noEvict])
        s.pubsub.unsubscribeAll(c)
        if !c.tracking.isEmpty || !c.trackingPrefixes.isEmpty { s.disableTracking(c) }
        TransactionCommands.discardTransaction(c)
        c.resp = 2
        c.name = nil
        c.dbIndex = 0
        c.db = s.keyspace.dbs[0]
        c.authenticated = s.config.requirepass.isEmpty
        c.user = "default"
        c.addReplyRaw("+RESET\r\n")
    }

    static func select(_ c: Client) {
        guard let id = KeyCommands.intArgOrReply(c, 1) else { return }
        if c.server.cluster != nil && id != 0 {
            c.addReplyError("ERR SELECT is not allowed in cluster mode")
            return
        }
        if id < 0 || Int(id) >= c.server.keyspace.dbs.count {
            c.addReplyError("ERR DB index is out of range")
            return
        }
        c.dbIndex = Int(id)
        c.db = c.server.keyspace.dbs[Int(id)]
        c.addReplyOK()
    }

    /// Checks credentials for the default user (ACL users come with the security issue).
    static func checkPassword(_ c: Client, user: UnsafeRawBufferPointer?, pass: UnsafeRawBufferPointer) -> Bool {
        let conf = c.server.config.requirepass
        if let u = user, !(u.count == 7 && Array(u) == Array("default".utf8)) { return false }
        if conf.isEmpty { return user != nil }  // "nopass" default user accepts any password via AUTH user pass
        return Array(pass) == Array(conf.utf8)
    }

    static func auth(_ c: Client) {
        for i in 1..<c.argc { c.redactArgument(i) }
        if c.argc > 3 { c.addReplySyntaxError(); return }
        if c.argc == 2 {
            if c.server.config.requirepass.isEmpty {
                c.addReplyError("ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?")
                return
            }
            if checkPassword(c, user: nil, pass: c.arg(1)) {
                c.authenticated = true
                c.addReplyOK()
            } else {
                c.addReplyError("WRONGPASS invalid username-password pair or user is disabled.")
            }
            return
        }
        if checkPassword(c, user: c.arg(1), pass: c.arg(2)) {
            c.authenticated = true
            c.user = c.argString(1)
            c.addReplyOK()
        } else {
            c.addReplyError("WRONGPASS invalid username-password pair or user is disabled.")
        }
    }

    static func hello(_ c: Client) {
        var ver = c.resp
        var next = 1
        if c.argc >= 2 {
            guard let v = c.argInt64(1) else {
                c.addReplyError("ERR Protocol version is not an integer or out of range")
                return
            }
            next = 2
            if v < 2 || v > 3 {
                c.addReplyError("NOPROTO unsupported protocol version")
                return
            }
            ver = Int(v)
        }
        var authUser: Int = -1
        var setName: Int = -1
        var j = next
        while j < c.argc {
            let more = c.argc - j - 1
            if c.argEquals(j, "auth") && more >= 2 {
                c.redactArgument(j + 1)
                c.redactArgument(j + 2)
                authUser = j + 1
                j += 3
            } else if c.argEquals(j, "setname") && more >= 1 {
                setName = j + 1
                j += 2
            } else {
                c.addReplyError("ERR Syntax error in HELLO option '", quoting: j, "'")
                return
            }
        }
        if authUser >= 0 {
            if !checkPassword(c, user: c.arg(authUser), pass: c.arg(authUser + 1)) {
                c.addReplyError("WRONGPASS invalid username-password pair or user is disabled.")
                return
            }
            c.authenticated = true
            c.user = c.argString(authUser)
        }
        if !c.authenticated {
            c.addReplyError("NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time")
            return
        }
        if setName >= 0 {
            if !ClientCommands.validateName(c, c.arg(setName)) { return }
            let n = c.arg(setName)
            c.name = n.count == 0 ? nil : Array(n)
        }
        c.resp = ver
        c.addReplyMapLen(7)
        c.addReplyBulkString("server"); c.addReplyBulkString("redis")
        c.addReplyBulkString("version"); c.addReplyBulkString(ServerInfo.redisVersion)
        c.addReplyBulkString("proto"); c.addReplyInteger(ver)
        c.addReplyBulkString("id"); c.addReplyInteger(c.id)
        c.addReplyBulkString("mode"); c.addReplyBulkString("standalone")
        c.addReplyBulkString("role"); c.addReplyBulkString(c.server.isReplica ? "replica" : "master")
        c.addReplyBulkString("modules"); c.addReplyArrayLen(0)
    }
}
