// The CONFIG command's subcommands (Redis 7.0 config.c): GET with several glob
// patterns answered as a map, SET with several name/value pairs applied atomically,
// RESETSTAT, REWRITE of the file the server was started with, and HELP. The work is
// done by ConfigDirectives and ConfigFile; this file adapts it to a client's argv and
// replies. Arity is checked by the command table (GET -3, SET -4, RESETSTAT 2,
// REWRITE 2, HELP 2).

enum ConfigCommands {
    /// CONFIG GET parameter [parameter ...]
    static func get(_ c: Client) {
        var patterns: [[UInt8]] = []
        patterns.reserveCapacity(c.argc - 2)
        for i in 2..<c.argc { patterns.append(c.argBytes(i)) }
        let found = ConfigDirectives.get(c.server.config, patterns: patterns)
        c.addReplyMapLen(found.count)
        for (name, value) in found {
            c.addReplyBulkString(name)
            c.addReplyBulkString(value)
        }
    }

    /// CONFIG SET parameter value [parameter value ...]
    static func set(_ c: Client) {
        if c.argc & 1 == 1 {
            c.addReplyError("ERR syntax error")
            return
        }
        var pairs: [(name: [UInt8], value: [UInt8])] = []
        var i = 2
        while i < c.argc {
            let name = c.argBytes(i)
            if ConfigDirectives.isSensitive(name) { c.redactArgument(i + 1) }
            pairs.append((name, c.argBytes(i + 1)))
            i += 2
        }
        let s = c.server
        if let failure = ConfigDirectives.set(s.config, pairs: pairs, allowProtected: allowsProtectedAction(c),
                                              loading: s.loading) {
            c.addReplyError(bytes: failure.bytes)
        } else {
            c.addReplyOK()
        }
    }

    /// CONFIG RESETSTAT: zeroes INFO stats, commandstats and errorstats.
    static func resetstat(_ c: Client) {
        c.server.resetStats()
        c.addReplyOK()
    }

    /// CONFIG REWRITE
    static func rewrite(_ c: Client) {
        let s = c.server
        let path = s.config.configFile
        if path.isEmpty {
            c.addReplyError("ERR The server is running without a config file")
            return
        }
        do {
            try ConfigFile.rewrite(path: path, config: s.config)
            s.log(.warning, "CONFIG REWRITE executed with success.")
            c.addReplyOK()
        } catch {
            let msg = (error as? ConfigRewriteError)?.message ?? "\(error)"
            s.log(.warning, "CONFIG REWRITE failed: \(msg)")
            c.addReplyError("ERR Rewriting config file: \(msg)")
        }
    }

    static let helpLines = [
        "GET <pattern>",
        "    Return parameters matching the glob-like <pattern> and their values.",
        "SET <directive> <value>",
        "    Set the configuration <directive> to <value>.",
        "RESETSTAT",
        "    Reset statistics reported by the INFO command.",
        "REWRITE",
        "    Rewrite the configuration file.",
    ]

    /// CONFIG HELP
    static func help(_ c: Client) { c.addReplyHelp(helpLines) }

    /// Handlers keyed by "config|<sub>", the full names the command table uses.
    static let handlers: [String: (Client) -> Void] = [
        "config|get": get, "config|set": set, "config|resetstat": resetstat,
        "config|rewrite": rewrite, "config|help": help,
    ]

    /// Redis's allowProtectedAction for `enable-protected-configs`: "yes" always,
    /// "local" only for unix-socket and loopback (127.0.0.1 / ::1) clients.
    static func allowsProtectedAction(_ c: Client) -> Bool {
        switch c.server.config.enableProtectedConfigs {
        case "yes": return true
        case "local":
            if c.flags.contains(.unixSocket) { return true }
            var ip = c.peerAddress
            if let colon = ip.lastIndex(of: ":") { ip = String(ip[..<colon]) }
            if ip.hasPrefix("[") && ip.hasSuffix("]") { ip = String(ip.dropFirst().dropLast()) }
            return ip == "127.0.0.1" || ip == "::1"
        default: return false
        }
    }
}
