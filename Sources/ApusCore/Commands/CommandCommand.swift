// The COMMAND command and its subcommands (COUNT, INFO, DOCS, LIST, GETKEYS,
// GETKEYSANDFLAGS, HELP), rendering the command table exactly as Redis 7.0 does:
// a 10-element INFO entry per command, a DOCS map per command with subcommands nested
// under "subcommands", and key extraction through key specs with Redis's fallbacks and
// error texts. Replies are first built as a small tree (`Node`) so that their shape can
// be checked in tests without a connection, then written through the client, which
// turns maps and sets into flat arrays for RESP2.

import Glibc

public enum CommandCommands {
    /// Handlers keyed by full name, for `CommandSpecs.build(handlers:)`.
    public static var handlers: [String: CommandHandler] {
        [
            "command": command,
            "command|count": count,
            "command|info": info,
            "command|docs": docs,
            "command|list": list,
            "command|getkeys": getKeys,
            "command|getkeysandflags": getKeysAndFlags,
            "command|help": help,
        ]
    }

    // MARK: - Reply trees

    /// A reply in RESP3 terms; `emit` writes it for the client's protocol.
    public indirect enum Node {
        case bulk(String)
        case status(String)
        case int(Int)
        case array([Node])
        case set([Node])
        /// Keys are always bulk strings in the replies built here.
        case map([(String, Node)])
        case null
    }

    public static func emit(_ node: Node, to c: Client) {
        switch node {
        case .bulk(let s): c.addReplyBulkString(s)
        case .status(let s): c.addReplyStatus(s)
        case .int(let v): c.addReplyInteger(v)
        case .array(let items):
            c.addReplyArrayLen(items.count)
            for i in items { emit(i, to: c) }
        case .set(let items):
            c.addReplySetLen(items.count)
            for i in items { emit(i, to: c) }
        case .map(let pairs):
            c.addReplyMapLen(pairs.count)
            for (k, v) in pairs {
                c.addReplyBulkString(k)
                emit(v, to: c)
            }
        case .null: c.addReplyNull()
        }
    }

    // MARK: - COMMAND INFO entries

    /// Command flags in COMMAND INFO order. Redis hides may_replicate, sentinel,
    /// only_sentinel and protected here, and shows no_async_loading.
    static let infoFlagNames: [(CommandFlags, String)] = [
        (.write, "write"), (.readonly, "readonly"), (.denyOOM, "denyoom"), (.module, "module"),
        (.admin, "admin"), (.pubsub, "pubsub"), (.noScript, "noscript"), (.blocking, "blocking"),
        (.loading, "loading"), (.stale, "stale"), (.skipMonitor, "skip_monitor"),
        (.skipSlowlog, "skip_slowlog"), (.asking, "asking"), (.fast, "fast"), (.noAuth, "no_auth"),
        (.noMandatoryKeys, "no_mandatory_keys"), (.noAsyncLoading, "no_async_loading"),
        (.noMulti, "no_multi"), (.movableKeys, "movablekeys"), (.allowBusy, "allow_busy"),
    ]

    /// The 10-element COMMAND INFO entry: name, arity, flags, first key, last key, step,
    /// ACL categories, tips, key specs, subcommands.
    public static func infoNode(_ cmd: RedisCommand) -> Node {
        let flags = infoFlagNames.compactMap { cmd.flags.contains($0.0) ? Node.status($0.1) : nil }
        return .array([
            .bulk(cmd.fullName),
            .int(cmd.arity),
            .set(flags),
            .int(cmd.firstKey),
            .int(cmd.lastKey),
            .int(cmd.keyStep),
            .set(cmd.doc.aclCategories.map { .status($0) }),
            .set(cmd.doc.tips.map { .bulk($0) }),
            // Redis writes the key specs as a set, and "no subcommands" as an empty set
            // but a list of subcommands as an array.
            .set(cmd.doc.keySpecs.map(keySpecNode)),
            cmd.subcommands.isEmpty ? .set([]) : .array(cmd.subcommands.map(infoNode)),
        ])
    }

    static func keySpecNode(_ spec: KeySpec) -> Node {
        var pairs: [(String, Node)] = []
        if let n = spec.notes { pairs.append(("notes", .bulk(n))) }
        pairs.append(("flags", .set(spec.flags.nameList.map { .status($0) })))
        switch spec.beginSearch {
        case .index(let i):
            pairs.append(("begin_search", .map([("type", .bulk("index")), ("spec", .map([("index", .int(i))]))])))
        case .keyword(let k, let from):
            pairs.append(("begin_search", .map([("type", .bulk("keyword")),
                                                ("spec", .map([("keyword", .bulk(k)), ("startfrom", .int(from))]))])))
        case .unknown:
            pairs.append(("begin_search", .map([("type", .bulk("unknown")), ("spec", .map([]))])))
        }
        switch spec.findKeys {
        case .range(let last, let step, let limit):
            pairs.append(("find_keys", .map([("type", .bulk("range")),
                                             ("spec", .map([("lastkey", .int(last)), ("keystep", .int(step)),
                                                            ("limit", .int(limit))]))])))
        case .keynum(let idx, let first, let step):
            pairs.append(("find_keys", .map([("type", .bulk("keynum")),
                                             ("spec", .map([("keynumidx", .int(idx)), ("firstkey", .int(first)),
                                                            ("keystep", .int(step))]))])))
        case .unknown:
            pairs.append(("find_keys", .map([("type", .bulk("unknown")), ("spec", .map([]))])))
        }
        return .map(pairs)
    }

    // MARK: - COMMAND DOCS entries

    /// The documentation map of one command (the value under its name in COMMAND DOCS).
    public static func docsNode(_ cmd: RedisCommand) -> Node {
        let d = cmd.doc
        var pairs: [(String, Node)] = [("summary", .bulk(d.summary)), ("since", .bulk(d.since)), ("group", .bulk(d.group))]
        if let c = d.complexity { pairs.append(("complexity", .bulk(c))) }
        if !d.docFlags.isEmpty { pairs.append(("doc_flags", .set(d.docFlags.nameList.map { .status($0) }))) }
        if let s = d.deprecatedSince { pairs.append(("deprecated_since", .bulk(s))) }
        if let r = d.replacedBy { pairs.append(("replaced_by", .bulk(r))) }
        if !d.history.isEmpty {
            pairs.append(("history", .set(d.history.map { .array([.bulk($0.version), .bulk($0.text)]) })))
        }
        if !d.arguments.isEmpty { pairs.append(("arguments", argsNode(d.arguments))) }
        if !cmd.subcommands.isEmpty {
            pairs.append(("subcommands", .map(cmd.subcommands.map { ($0.fullName, docsNode($0)) })))
        }
        return .map(pairs)
    }

    static func argsNode(_ args: [CommandArg]) -> Node {
        .array(args.map { a in
            var pairs: [(String, Node)] = [("name", .bulk(a.name)), ("type", .bulk(a.type.rawValue))]
            if a.keySpecIndex >= 0 { pairs.append(("key_spec_index", .int(a.keySpecIndex))) }
            if let t = a.token { pairs.append(("token", .bulk(t))) }
            if let s = a.summary { pairs.append(("summary", .bulk(s))) }
            if let s = a.since { pairs.append(("since", .bulk(s))) }
            if let s = a.deprecatedSince { pairs.append(("deprecated_since", .bulk(s))) }
            if !a.flags.isEmpty { pairs.append(("flags", .set(a.flags.nameList.map { .status($0) }))) }
            if a.type == .oneof || a.type == .block { pairs.append(("arguments", argsNode(a.arguments))) }
            return .map(pairs)
        })
    }

    // MARK: - Lookup

    /// Finds "get" or "config|get" in any case, as Redis's lookupCommandBySds: more than
    /// one "|" or a subcommand of a plain command finds nothing.
    public static func lookup(_ table: CommandTable, fullName: [UInt8]) -> RedisCommand? {
        let parts = fullName.split(separator: 0x7C, maxSplits: 2, omittingEmptySubsequences: false)
        if parts.count > 2 { return nil }
        let top = Array(parts[0]).withUnsafeBytes { table.lookup($0) }
        guard let base = top else { return nil }
        if parts.count == 1 { return base }
        if base.subcommands.isEmpty { return nil }
        return base.subcommand(named: lowercased(parts[1]))
    }

    /// Resolves a full command line as Redis's lookupCommand: argv[1] selects the
    /// subcommand of a container when present.
    public static func resolve(_ table: CommandTable, argv: [[UInt8]]) -> RedisCommand? {
        guard let first = argv.first, let base = first.withUnsafeBytes({ table.lookup($0) }) else { return nil }
        if argv.count == 1 || base.subcommands.isEmpty { return base }
        return base.subcommand(named: lowercased(argv[1][...]))
    }

    static func lowercased(_ b: ArraySlice<UInt8>) -> String {
        String(decoding: b.map { ($0 >= 65 && $0 <= 90) ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    // MARK: - Key extraction

    public enum GetKeysError: Error, Equatable {
        case invalidCommand, noKeyArguments, wrongArity, invalidArguments

        /// The error reply, as Redis 7.0 words it.
        public var message: String {
            switch self {
            case .invalidCommand: return "ERR Invalid command specified"
            case .noKeyArguments: return "ERR The command has no key arguments"
            case .wrongArity: return "ERR Invalid number of arguments specified for command"
            case .invalidArguments: return "ERR Invalid arguments specified for command"
            }
        }
    }

    /// True when the command can name keys at all (Redis's doesCommandHaveKeys).
    public static func hasKeys(_ cmd: RedisCommand) -> Bool {
        cmd.doc.getKeys != nil || cmd.doc.keySpecs.contains { !$0.flags.contains(.notKey) }
    }

    /// The keys of a full command line (argv[0] is the command name), with their flags,
    /// exactly as COMMAND GETKEYS / GETKEYSANDFLAGS report them.
    public static func keys(table: CommandTable, argv: [[UInt8]]) -> Result<[(pos: Int, flags: KeySpecFlags)], GetKeysError> {
        guard let cmd = resolve(table, argv: argv) else { return .failure(.invalidCommand) }
        if !hasKeys(cmd) { return .failure(.noKeyArguments) }
        let n = argv.count
        if (cmd.arity > 0 && cmd.arity != n) || n < -cmd.arity { return .failure(.wrongArity) }
        let found = keys(of: cmd, argv: argv)
        if found.isEmpty {
            return cmd.flags.contains(.noMandatoryKeys) ? .success([]) : .failure(.invalidArguments)
        }
        return .success(found)
    }

    /// Redis's getKeysFromCommandWithSpecs: key specs when they are complete and their
    /// flags fixed, else the command's native procedure, else nothing.
    public static func keys(of cmd: RedisCommand, argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)] {
        let specs = cmd.doc.keySpecs
        let hasKeySpec = specs.contains { !$0.flags.contains(.notKey) }
        let hasVariableFlags = specs.contains { $0.flags.contains(.variableFlags) }
        if hasKeySpec && !hasVariableFlags, let found = keysFromSpecs(cmd, argv) { return found }
        if let proc = cmd.doc.getKeys { return proc(argv) ?? [] }
        return []
    }

    /// Walks the key specs (Redis's getKeysUsingKeySpecs); nil when a spec cannot be
    /// applied to these arguments (unknown, incomplete, or out of bounds).
    static func keysFromSpecs(_ cmd: RedisCommand, _ argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)]? {
        let argc = argv.count
        var out: [(pos: Int, flags: KeySpecFlags)] = []
        for spec in cmd.doc.keySpecs where !spec.flags.contains(.notKey) {
            var first = 0
            switch spec.beginSearch {
            case .index(let i):
                first = i
            case .keyword(let word, let from):
                let start = from > 0 ? from : argc + from
                let end = from > 0 ? argc - 1 : 1
                var i = start
                let lower = Array(word.lowercased().utf8)
                while i != end {
                    if i >= argc || i < 1 { break }
                    if argv[i].count == lower.count && argv[i].map({ ($0 >= 65 && $0 <= 90) ? $0 | 0x20 : $0 }) == lower {
                        first = i + 1
                        break
                    }
                    i = start <= end ? i + 1 : i - 1
                }
                if first == 0 { continue }
            case .unknown:
                return nil
            }
            var last: Int
            let step: Int
            switch spec.findKeys {
            case .range(let lastKey, let keyStep, let limit):
                step = keyStep
                if lastKey >= 0 {
                    last = first + lastKey
                } else if limit == 0 {
                    last = argc + lastKey
                } else {
                    last = first + ((argc - first) / limit + lastKey)
                }
            case .keynum(let idx, let firstKey, let keyStep):
                step = keyStep
                // Redis compares only the relative index with argc; the absolute check
                // keeps a malformed line from reading past argv.
                if idx >= argc || first + idx >= argc { return nil }
                guard let num = argv[first + idx].withUnsafeBytes({ Numbers.string2ll($0) }), num >= 0,
                      num < Int64(Int32.max) else { return nil }
                first += firstKey
                last = first + Int(num) - 1
            case .unknown:
                return nil
            }
            if last >= argc || last < first || first >= argc { return nil }
            var i = first
            while i <= last {
                out.append((i, spec.flags))
                i += max(step, 1)
            }
            if spec.flags.contains(.incomplete) { return nil }
        }
        return out
    }

    // MARK: - COMMAND LIST filtering

    public enum ListFilter {
        case none
        case module(String)
        case aclCategory(String)
        case pattern([UInt8])
    }

    /// Full names of the commands passing the filter: each top-level command followed
    /// by its subcommands, as Redis walks its tables.
    public static func listNames(_ table: CommandTable, filter: ListFilter) -> [String] {
        var out: [String] = []
        func visit(_ cmd: RedisCommand) {
            if passes(cmd, filter) { out.append(cmd.fullName) }
            for s in cmd.subcommands { visit(s) }
        }
        for cmd in table.all { visit(cmd) }
        return out
    }

    static func passes(_ cmd: RedisCommand, _ filter: ListFilter) -> Bool {
        switch filter {
        case .none: return true
        case .module: return false // Apus has no modules.
        case .aclCategory(let cat):
            let wanted = "@" + cat.lowercased()
            return cmd.doc.aclCategories.contains(wanted)
        case .pattern(let p):
            return Glob.match(p, Array(cmd.fullName.utf8), nocase: true)
        }
    }

    // MARK: - Handlers

    /// COMMAND: every command's INFO entry.
    static func command(_ c: Client) {
        emit(.array(c.server.commands.all.map(infoNode)), to: c)
    }

    /// COMMAND COUNT
    static func count(_ c: Client) {
        c.addReplyInteger(c.server.commands.all.count)
    }

    /// COMMAND INFO [name ...]: a null entry for each unknown name.
    static func info(_ c: Client) {
        let table: CommandTable = c.server.commands
        if c.argc == 2 {
            command(c)
            return
        }
        var entries: [Node] = []
        for i in 2..<c.argc {
            entries.append(lookup(table, fullName: c.argBytes(i)).map(infoNode) ?? .null)
        }
        emit(.array(entries), to: c)
    }

    /// COMMAND DOCS [name ...]: a map from name to documentation; unknown names are skipped.
    static func docs(_ c: Client) {
        let table: CommandTable = c.server.commands
        var pairs: [(String, Node)] = []
        if c.argc == 2 {
            for cmd in table.all { pairs.append((cmd.fullName, docsNode(cmd))) }
        } else {
            for i in 2..<c.argc {
                if let cmd = lookup(table, fullName: c.argBytes(i)) { pairs.append((cmd.fullName, docsNode(cmd))) }
            }
        }
        emit(.map(pairs), to: c)
    }

    /// COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
    static func list(_ c: Client) {
        var filter = ListFilter.none
        var i = 2
        while i < c.argc {
            guard c.argEquals(i, "filterby") && c.argc - 1 - i == 2 else {
                c.addReplySyntaxError()
                return
            }
            if c.argEquals(i + 1, "module") {
                filter = .module(c.argString(i + 2))
            } else if c.argEquals(i + 1, "aclcat") {
                filter = .aclCategory(c.argString(i + 2))
            } else if c.argEquals(i + 1, "pattern") {
                filter = .pattern(c.argBytes(i + 2))
            } else {
                c.addReplySyntaxError()
                return
            }
            i += 3
        }
        emit(.array(listNames(c.server.commands, filter: filter).map { .bulk($0) }), to: c)
    }

    static func getKeys(_ c: Client) { replyKeys(c, withFlags: false) }
    static func getKeysAndFlags(_ c: Client) { replyKeys(c, withFlags: true) }

    static func replyKeys(_ c: Client, withFlags: Bool) {
        var argv: [[UInt8]] = []
        argv.reserveCapacity(c.argc - 2)
        for i in 2..<c.argc { argv.append(c.argBytes(i)) }
        switch keys(table: c.server.commands, argv: argv) {
        case .failure(let e):
            c.addReplyError(e.message)
        case .success(let found):
            c.addReplyArrayLen(found.count)
            for k in found {
                if withFlags {
                    c.addReplyArrayLen(2)
                    c.addReplyBulk(argv[k.pos])
                    emit(.set(k.flags.nameList.map { .status($0) }), to: c)
                } else {
                    c.addReplyBulk(argv[k.pos])
                }
            }
        }
    }

    static let helpLines = [
        "(no subcommand)",
        "    Describe every command this server implements.",
        "COUNT",
        "    Number of commands this server implements.",
        "LIST",
        "    Names of all commands, optionally filtered by module, ACL category or pattern.",
        "INFO [<command-name> ...]",
        "    Describe the given commands.",
        "    Without names, every command is described.",
        "DOCS [<command-name> ...]",
        "    Documentation of the given commands.",
        "    Without names, every command is documented.",
        "GETKEYS <full-command>",
        "    The key arguments of a complete command line.",
        "GETKEYSANDFLAGS <full-command>",
        "    The key arguments of a complete command line, with their access flags.",
    ]

    /// COMMAND HELP
    static func help(_ c: Client) {
        c.addReplyHelp(helpLines)
    }
}
