// The command table as data: name, arity, flags, legacy key positions, ACL categories,
// tips, key specifications, argument trees and documentation for every command Apus
// knows, with the facts of Redis 7.0.15 (its src/commands/*.json as reported by
// COMMAND INFO / COMMAND DOCS) and Apus's own wording for summaries, complexities,
// history and notes. `build(handlers:)` turns the data into `RedisCommand` objects,
// keeping only what has a handler, so a command Apus does not implement yet answers
// "unknown command" exactly like a command Redis lacks.
//
// Containers (CLIENT, CONFIG, OBJECT, ...) are ordinary `RedisCommand`s with subcommands
// attached. The dispatcher resolves argv[1] against `subcommands` itself, as Redis's
// lookupCommand does; a container's own handler is nil, except COMMAND, which also runs
// without a subcommand. With argc == 1 a container fails the arity check (-2).

// MARK: - Building

public enum CommandSpecs {
    /// One row of the table before it becomes a `RedisCommand`.
    struct Spec {
        let name: String
        let arity: Int
        let flags: CommandFlags
        let firstKey: Int
        let lastKey: Int
        let keyStep: Int
        let doc: CommandDoc
        let subcommands: [Spec]
    }

    /// Builds the top-level commands (sorted by name) for the handlers given, keyed by
    /// full name ("get", "client|list"). A command or subcommand without a handler is
    /// left out; a container is kept when it has a handler of its own or at least one
    /// of its subcommands has one.
    public static func build(handlers: [String: CommandHandler]) -> [RedisCommand] {
        var out: [RedisCommand] = []
        for spec in allSpecs() {
            let own = handlers[spec.name]
            if spec.subcommands.isEmpty {
                if let h = own { out.append(make(spec, h)) }
                continue
            }
            var subs: [RedisCommand] = []
            for s in spec.subcommands {
                if let h = handlers[spec.name + "|" + s.name] { subs.append(make(s, h)) }
            }
            if own == nil && subs.isEmpty { continue }
            let parent = make(spec, own)
            for s in subs { parent.addSubcommand(s) }
            out.append(parent)
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Every full name the table describes ("get", "client", "client|list", ...), so
    /// callers can check that each handler they register is known here.
    public static var allFullNames: [String] {
        var names: [String] = []
        for s in allSpecs() {
            names.append(s.name)
            for sub in s.subcommands { names.append(s.name + "|" + sub.name) }
        }
        return names
    }

    /// Handler names that match no command in the table (typos, or data still missing).
    public static func unknownHandlerNames(_ handlers: [String: CommandHandler]) -> [String] {
        let known = Set(allFullNames)
        return handlers.keys.filter { !known.contains($0) }.sorted()
    }

    static func allSpecs() -> [Spec] {
        connectionAndKeyspace() + strings() + lists() + sorting() + hashes() + sets() + sortedSets() + bitmaps() + hyperLogLogs() + geo() + streams() + pubsub() + transactions() + replication() + cluster() + server() + sentinel()
    }

    private static func make(_ s: Spec, _ handler: CommandHandler?) -> RedisCommand {
        RedisCommand(name: s.name, arity: s.arity, flags: s.flags, firstKey: s.firstKey, lastKey: s.lastKey,
                     keyStep: s.keyStep, doc: s.doc, handler: handler)
    }

    /// The row constructor the table below is written with. `acl` is the space-separated
    /// category list exactly as COMMAND INFO prints it.
    static func cmd(_ name: String, _ arity: Int, _ flags: CommandFlags, _ first: Int, _ last: Int, _ step: Int,
                    acl: String, group: String, since: String, complexity: String?, summary: String,
                    tips: [String] = [], keys: [KeySpec] = [], args: [CommandArg] = [],
                    history: [(String, String)] = [], docFlags: CommandDocFlags = [],
                    deprecatedSince: String? = nil, replacedBy: String? = nil,
                    getKeys: CommandDoc.KeysProc? = nil, subcommands: [Spec] = []) -> Spec {
        var doc = CommandDoc(group: group, since: since, complexity: complexity, summary: summary,
                             aclCategories: acl.split(separator: " ").map(String.init), tips: tips,
                             keySpecs: keys, arguments: args,
                             history: history.map { (version: $0.0, text: $0.1) },
                             docFlags: docFlags, deprecatedSince: deprecatedSince, replacedBy: replacedBy)
        doc.getKeys = getKeys
        return Spec(name: name, arity: arity, flags: flags, firstKey: first, lastKey: last, keyStep: step,
                    doc: doc, subcommands: subcommands)
    }

    // MARK: - Key procedures

    /// SET's key flags depend on its options (Redis's setGetKeys): with GET the key is
    /// read too, otherwise it is only overwritten.
    static func setKeys(_ argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)]? {
        var i = 3
        while i < argv.count {
            let a = argv[i]
            if a.count == 3 && (a[0] | 0x20) == 0x67 && (a[1] | 0x20) == 0x65 && (a[2] | 0x20) == 0x74 {
                return [(1, [.RW, .access, .update])]
            }
            i += 1
        }
        return [(1, [.OW, .update])]
    }

    // MARK: - Connection handling, databases and the generic keyspace commands.

    /// Connection handling, databases and the generic keyspace commands.
    static func connectionAndKeyspace() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("ping", -1, [.fast], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "1.0.0", complexity: "O(1)",
            summary: "Check that the server is alive; replies PONG or echoes the given message.",
            tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
            args: [
                .string("message", .optional),
            ]))
        t.append(cmd("echo", 2, [.loading, .stale, .fast], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "1.0.0", complexity: "O(1)",
            summary: "Reply with the message that was sent.",
            args: [
                .string("message"),
            ]))
        t.append(cmd("quit", -1, [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "1.0.0", complexity: "O(1)",
            summary: "Ask the server to close this connection."))
        t.append(cmd("reset", 1, [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "6.2.0", complexity: "O(1)",
            summary: "Return the connection to its initial state, as if freshly opened."))
        t.append(cmd("auth", -2, [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "1.0.0", complexity: "O(N), N being the number of passwords the user has",
            summary: "Authenticate this connection as a user.",
            args: [
                .string("username", since: "6.0.0", .optional),
                .string("password"),
            ],
            history: [("6.0.0", "Accepts a user name (ACL style) before the password.")]))
        t.append(cmd("hello", -1, [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "6.0.0", complexity: "O(1)",
            summary: "Select the protocol version, optionally authenticate and name the connection, and report server details.",
            args: [
                .block("arguments", .optional, args: [
                    .integer("protover"),
                    .block("username_password", token: "AUTH", .optional, args: [
                        .string("username"),
                        .string("password"),
                    ]),
                    .string("clientname", token: "SETNAME", .optional),
                ]),
            ],
            history: [("6.2.0", "`protover` became optional; without arguments the reply describes the current connection.")]))
        t.append(cmd("select", 2, [.loading, .stale, .fast], 0, 0, 0, acl: "@fast @connection",
            group: "connection", since: "1.0.0", complexity: "O(1)",
            summary: "Switch this connection to another logical database.",
            args: [
                .integer("index"),
            ]))
        t.append(cmd("swapdb", 3, [.write, .fast], 0, 0, 0, acl: "@keyspace @write @fast @dangerous",
            group: "server", since: "4.0.0", complexity: "O(N), N being the number of clients watching or blocked on keys of the two databases.",
            summary: "Exchange the contents of two logical databases.",
            args: [
                .integer("index1"),
                .integer("index2"),
            ]))
        t.append(cmd("move", 3, [.write, .fast], 1, 1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Transfer a key to another logical database.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("db"),
            ]))
        t.append(cmd("copy", -3, [.write, .denyOOM], 1, 2, 1, acl: "@keyspace @write @slow",
            group: "generic", since: "6.2.0", complexity: "O(N) for collections of N nested items; O(1) for strings.",
            summary: "Duplicate the value of a key under a new key name.",
            keys: [
                KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                KeySpec([.OW, .update], .index(2), .range(lastKey: 0, step: 1, limit: 0)),
            ],
            args: [
                .key("source", ks: 0),
                .key("destination", ks: 1),
                .integer("destination-db", token: "DB", .optional),
                .pureToken("replace", "REPLACE", .optional),
            ]))
        t.append(cmd("dump", 2, [.readonly], 1, 1, 1, acl: "@keyspace @read @slow",
            group: "generic", since: "2.6.0", complexity: "O(1) to access the key and additional O(N*M) to serialize it, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1).",
            summary: "Serialize the value at a key in the format RESTORE takes.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("restore", -4, [.write, .denyOOM], 1, 1, 1, acl: "@keyspace @write @slow @dangerous",
            group: "generic", since: "2.6.0", complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
            summary: "Create a key from a value serialized by DUMP.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("ttl"),
                .string("serialized-value"),
                .pureToken("replace", "REPLACE", since: "3.0.0", .optional),
                .pureToken("absttl", "ABSTTL", since: "5.0.0", .optional),
                .integer("seconds", token: "IDLETIME", since: "5.0.0", .optional),
                .integer("frequency", token: "FREQ", since: "5.0.0", .optional),
            ],
            history: [
                ("3.0.0", "Added the REPLACE modifier."),
                ("5.0.0", "Added the ABSTTL modifier."),
                ("5.0.0", "Added the IDLETIME and FREQ options."),
            ]))
        t.append(cmd("dbsize", 1, [.readonly, .fast], 0, 0, 0, acl: "@keyspace @read @fast",
            group: "server", since: "1.0.0", complexity: "O(1)",
            summary: "Count the keys in the current database.",
            tips: ["request_policy:all_shards", "response_policy:agg_sum"]))
        t.append(cmd("flushdb", -1, [.write], 0, 0, 0, acl: "@keyspace @write @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(N), N being the number of keys in the current database",
            summary: "Delete every key of the current database.",
            tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
            args: [
                .oneof("async", .optional, args: [
                    .pureToken("async", "ASYNC", since: "4.0.0"),
                    .pureToken("sync", "SYNC", since: "6.2.0"),
                ]),
            ],
            history: [
                ("4.0.0", "The `ASYNC` mode was introduced."),
                ("6.2.0", "The `SYNC` mode was introduced."),
            ]))
        t.append(cmd("flushall", -1, [.write], 0, 0, 0, acl: "@keyspace @write @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(N), N being the number of keys in all databases",
            summary: "Delete every key of every database.",
            tips: ["request_policy:all_shards", "response_policy:all_succeeded"],
            args: [
                .oneof("async", .optional, args: [
                    .pureToken("async", "ASYNC", since: "4.0.0"),
                    .pureToken("sync", "SYNC", since: "6.2.0"),
                ]),
            ],
            history: [
                ("4.0.0", "The `ASYNC` mode was introduced."),
                ("6.2.0", "The `SYNC` mode was introduced."),
            ]))
        t.append(cmd("randomkey", 1, [.readonly], 0, 0, 0, acl: "@keyspace @read @slow",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Return the name of a key picked at random.",
            tips: ["request_policy:all_shards", "nondeterministic_output"]))
        t.append(cmd("keys", 2, [.readonly], 0, 0, 0, acl: "@keyspace @read @slow @dangerous",
            group: "generic", since: "1.0.0", complexity: "O(N), N being the number of keys in the database (assuming short names and pattern).",
            summary: "List the key names that match a glob pattern.",
            tips: ["request_policy:all_shards", "nondeterministic_output_order"],
            args: [
                .pattern("pattern"),
            ]))
        t.append(cmd("scan", -2, [.readonly], 0, 0, 0, acl: "@keyspace @read @slow",
            group: "generic", since: "2.8.0", complexity: "O(1) per call; O(N) for a full iteration, N being the number of elements.",
            summary: "Walk the key space incrementally with a cursor.",
            tips: ["nondeterministic_output", "request_policy:special"],
            args: [
                .integer("cursor"),
                .pattern("pattern", token: "MATCH", .optional),
                .integer("count", token: "COUNT", .optional),
                .string("type", token: "TYPE", since: "6.0.0", .optional),
            ],
            history: [("6.0.0", "Gained the `TYPE` filter.")]))
        t.append(cmd("type", 2, [.readonly, .fast], 1, 1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Report which data type a key holds.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("exists", -2, [.readonly, .fast], 1, -1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "1.0.0", complexity: "O(N), N being the number of keys given.",
            summary: "Count how many of the given keys exist.",
            tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
            keys: [KeySpec([.RO], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ],
            history: [("3.0.3", "Takes more than one `key`.")]))
        t.append(cmd("del", -2, [.write], 1, -1, 1, acl: "@keyspace @write @slow",
            group: "generic", since: "1.0.0", complexity: "O(N), N being the number of keys removed; a key holding a collection of M elements costs O(M), a string O(1).",
            summary: "Remove keys.",
            tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
            keys: [KeySpec([.RM, .delete], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("unlink", -2, [.write, .fast], 1, -1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "4.0.0", complexity: "O(1) per key in the calling thread; the O(N) memory reclamation happens in a background thread.",
            summary: "Remove keys, reclaiming their memory in the background.",
            tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
            keys: [KeySpec([.RM, .delete], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("touch", -2, [.readonly, .fast], 1, -1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "3.2.1", complexity: "O(N), N being the number of keys given.",
            summary: "Update the last-access time of keys; returns how many exist.",
            tips: ["request_policy:multi_shard", "response_policy:agg_sum"],
            keys: [KeySpec([.RO], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("rename", 3, [.write], 1, 2, 1, acl: "@keyspace @write @slow",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Give a key a new name, replacing any key already using it.",
            keys: [
                KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                KeySpec([.OW, .update], .index(2), .range(lastKey: 0, step: 1, limit: 0)),
            ],
            args: [
                .key("key", ks: 0),
                .key("newkey", ks: 1),
            ]))
        t.append(cmd("renamenx", 3, [.write, .fast], 1, 2, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Give a key a new name only if that name is free.",
            keys: [
                KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                KeySpec([.OW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0)),
            ],
            args: [
                .key("key", ks: 0),
                .key("newkey", ks: 1),
            ],
            history: [("3.2.0", "Renaming a key to its own name is no longer an error.")]))
        t.append(cmd("object", -2, [], 0, 0, 0, acl: "@slow",
            group: "generic", since: "2.2.3", complexity: "Depends on subcommand.",
            summary: "Container of commands that inspect the internals of stored values.",
            subcommands: [
                cmd("encoding", 3, [.readonly], 2, 2, 1, acl: "@keyspace @read @slow",
                    group: "generic", since: "2.2.3", complexity: "O(1)",
                    summary: "Name of the internal representation used for the value at a key.",
                    tips: ["nondeterministic_output"],
                    keys: [KeySpec([.RO], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                    ]),
                cmd("freq", 3, [.readonly], 2, 2, 1, acl: "@keyspace @read @slow",
                    group: "generic", since: "4.0.0", complexity: "O(1)",
                    summary: "Logarithmic access counter of a key (LFU eviction policies only).",
                    tips: ["nondeterministic_output"],
                    keys: [KeySpec([.RO], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@keyspace @slow",
                    group: "generic", since: "6.2.0", complexity: "O(1)",
                    summary: "List the OBJECT subcommands and what they do."),
                cmd("idletime", 3, [.readonly], 2, 2, 1, acl: "@keyspace @read @slow",
                    group: "generic", since: "2.2.3", complexity: "O(1)",
                    summary: "Seconds since the value at a key was last read or written.",
                    tips: ["nondeterministic_output"],
                    keys: [KeySpec([.RO], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                    ]),
                cmd("refcount", 3, [.readonly], 2, 2, 1, acl: "@keyspace @read @slow",
                    group: "generic", since: "2.2.3", complexity: "O(1)",
                    summary: "Number of references held to the value at a key.",
                    tips: ["nondeterministic_output"],
                    keys: [KeySpec([.RO], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                    ]),
            ]))
        t.append(cmd("expire", -3, [.write, .fast], 1, 1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Give a key a time to live, in seconds.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("seconds"),
                .oneof("condition", since: "7.0.0", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                    .pureToken("gt", "GT"),
                    .pureToken("lt", "LT"),
                ]),
            ],
            history: [("7.0.0", "Gained the `NX`, `XX`, `GT` and `LT` conditions.")]))
        t.append(cmd("pexpire", -3, [.write, .fast], 1, 1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "2.6.0", complexity: "O(1)",
            summary: "Give a key a time to live, in milliseconds.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("milliseconds"),
                .oneof("condition", since: "7.0.0", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                    .pureToken("gt", "GT"),
                    .pureToken("lt", "LT"),
                ]),
            ],
            history: [("7.0.0", "Gained the `NX`, `XX`, `GT` and `LT` conditions.")]))
        t.append(cmd("expireat", -3, [.write, .fast], 1, 1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "1.2.0", complexity: "O(1)",
            summary: "Make a key expire at a Unix time given in seconds.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .unixTime("unix-time-seconds"),
                .oneof("condition", since: "7.0.0", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                    .pureToken("gt", "GT"),
                    .pureToken("lt", "LT"),
                ]),
            ],
            history: [("7.0.0", "Gained the `NX`, `XX`, `GT` and `LT` conditions.")]))
        t.append(cmd("pexpireat", -3, [.write, .fast], 1, 1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "2.6.0", complexity: "O(1)",
            summary: "Make a key expire at a Unix time given in milliseconds.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .unixTime("unix-time-milliseconds"),
                .oneof("condition", since: "7.0.0", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                    .pureToken("gt", "GT"),
                    .pureToken("lt", "LT"),
                ]),
            ],
            history: [("7.0.0", "Gained the `NX`, `XX`, `GT` and `LT` conditions.")]))
        t.append(cmd("ttl", 2, [.readonly, .fast], 1, 1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "1.0.0", complexity: "O(1)",
            summary: "Remaining time to live of a key, in seconds.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ],
            history: [("2.8.0", "Replies -2 for a missing key.")]))
        t.append(cmd("pttl", 2, [.readonly, .fast], 1, 1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "2.6.0", complexity: "O(1)",
            summary: "Remaining time to live of a key, in milliseconds.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ],
            history: [("2.8.0", "Replies -2 for a missing key.")]))
        t.append(cmd("expiretime", 2, [.readonly, .fast], 1, 1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "7.0.0", complexity: "O(1)",
            summary: "Absolute Unix time, in seconds, at which a key will expire.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("pexpiretime", 2, [.readonly, .fast], 1, 1, 1, acl: "@keyspace @read @fast",
            group: "generic", since: "7.0.0", complexity: "O(1)",
            summary: "Absolute Unix time, in milliseconds, at which a key will expire.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("persist", 2, [.write, .fast], 1, 1, 1, acl: "@keyspace @write @fast",
            group: "generic", since: "2.2.0", complexity: "O(1)",
            summary: "Drop the expiry of a key so that it lives forever.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        return t
    }

    // MARK: - String commands.

    /// String commands.
    static func strings() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("set", -3, [.write, .denyOOM], 1, 1, 1, acl: "@write @string @slow",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Store a string at a key, with optional conditions, expiry and return of the old value.",
            keys: [KeySpec([.RW, .access, .update, .variableFlags], .index(1), .range(lastKey: 0, step: 1, limit: 0), notes: "read-write access because the optional `GET` returns the old value")],
            args: [
                .key("key", ks: 0),
                .string("value"),
                .oneof("condition", since: "2.6.12", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                ]),
                .pureToken("get", "GET", since: "6.2.0", .optional),
                .oneof("expiration", .optional, args: [
                    .integer("seconds", token: "EX", since: "2.6.12"),
                    .integer("milliseconds", token: "PX", since: "2.6.12"),
                    .unixTime("unix-time-seconds", token: "EXAT", since: "6.2.0"),
                    .unixTime("unix-time-milliseconds", token: "PXAT", since: "6.2.0"),
                    .pureToken("keepttl", "KEEPTTL", since: "6.0.0"),
                ]),
            ],
            history: [
                ("2.6.12", "Gained the `EX`, `PX`, `NX` and `XX` options."),
                ("6.0.0", "Gained the `KEEPTTL` option."),
                ("6.2.0", "Gained the `GET`, `EXAT` and `PXAT` options."),
                ("7.0.0", "`NX` and `GET` may be combined."),
            ],
            getKeys: setKeys))
        t.append(cmd("setnx", 3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Store a string at a key only when the key is absent.",
            keys: [KeySpec([.OW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("value"),
            ]))
        t.append(cmd("setex", 4, [.write, .denyOOM], 1, 1, 1, acl: "@write @string @slow",
            group: "string", since: "2.0.0", complexity: "O(1)",
            summary: "Store a string at a key together with a time to live in seconds.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("seconds"),
                .string("value"),
            ]))
        t.append(cmd("psetex", 4, [.write, .denyOOM], 1, 1, 1, acl: "@write @string @slow",
            group: "string", since: "2.6.0", complexity: "O(1)",
            summary: "Store a string at a key together with a time to live in milliseconds.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("milliseconds"),
                .string("value"),
            ]))
        t.append(cmd("get", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Read the string stored at a key.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("getex", -2, [.write, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "6.2.0", complexity: "O(1)",
            summary: "Read the string at a key and change or clear its expiry.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0), notes: "read-write update because the expiry may change")],
            args: [
                .key("key", ks: 0),
                .oneof("expiration", .optional, args: [
                    .integer("seconds", token: "EX"),
                    .integer("milliseconds", token: "PX"),
                    .unixTime("unix-time-seconds", token: "EXAT"),
                    .unixTime("unix-time-milliseconds", token: "PXAT"),
                    .pureToken("persist", "PERSIST"),
                ]),
            ]))
        t.append(cmd("getdel", 2, [.write, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "6.2.0", complexity: "O(1)",
            summary: "Read the string at a key, then remove the key.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("getset", 3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Store a new string at a key and return the previous one.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("value"),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`SET` with the `!GET` option"))
        t.append(cmd("mget", -2, [.readonly, .fast], 1, -1, 1, acl: "@read @string @fast",
            group: "string", since: "1.0.0", complexity: "O(N), N being the number of keys read.",
            summary: "Read the strings stored at several keys.",
            tips: ["request_policy:multi_shard"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("mset", -3, [.write, .denyOOM], 1, -1, 2, acl: "@write @string @slow",
            group: "string", since: "1.0.1", complexity: "O(N), N being the number of keys written.",
            summary: "Store strings at several keys in one step.",
            tips: ["request_policy:multi_shard", "response_policy:all_succeeded"],
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: -1, step: 2, limit: 0))],
            args: [
                .block("key_value", .multiple, args: [
                    .key("key", ks: 0),
                    .string("value"),
                ]),
            ]))
        t.append(cmd("msetnx", -3, [.write, .denyOOM], 1, -1, 2, acl: "@write @string @slow",
            group: "string", since: "1.0.1", complexity: "O(N), N being the number of keys written.",
            summary: "Store strings at several keys, but only if none of them exists.",
            tips: ["request_policy:multi_shard", "response_policy:agg_min"],
            keys: [KeySpec([.OW, .insert], .index(1), .range(lastKey: -1, step: 2, limit: 0))],
            args: [
                .block("key_value", .multiple, args: [
                    .key("key", ks: 0),
                    .string("value"),
                ]),
            ]))
        t.append(cmd("append", 3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "2.0.0", complexity: "O(1) amortized: the string's spare capacity grows geometrically.",
            summary: "Add bytes to the end of a string, creating it when missing.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("value"),
            ]))
        t.append(cmd("strlen", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @string @fast",
            group: "string", since: "2.2.0", complexity: "O(1)",
            summary: "Byte length of the string at a key.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("getrange", 4, [.readonly], 1, 1, 1, acl: "@read @string @slow",
            group: "string", since: "2.4.0", complexity: "O(N), N being the length of the returned slice; effectively O(1) for short slices.",
            summary: "Read a slice of the string at a key.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("start"),
                .integer("end"),
            ]))
        t.append(cmd("substr", 4, [.readonly], 1, 1, 1, acl: "@read @string @slow",
            group: "string", since: "1.0.0", complexity: "O(N), N being the length of the returned slice; effectively O(1) for short slices.",
            summary: "Read a slice of the string at a key (old name of GETRANGE).",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("start"),
                .integer("end"),
            ],
            docFlags: .deprecated,
            deprecatedSince: "2.0.0",
            replacedBy: "`GETRANGE`"))
        t.append(cmd("setrange", 4, [.write, .denyOOM], 1, 1, 1, acl: "@write @string @slow",
            group: "string", since: "2.2.0", complexity: "O(1) plus the copy of the new bytes; O(M) for a value of length M.",
            summary: "Overwrite part of a string starting at an offset, padding with zero bytes if needed.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("offset"),
                .string("value"),
            ]))
        t.append(cmd("incr", 2, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Add one to the integer stored at a key.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("decr", 2, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Subtract one from the integer stored at a key.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("incrby", 3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Add an integer amount to the integer stored at a key.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("increment"),
            ]))
        t.append(cmd("decrby", 3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "1.0.0", complexity: "O(1)",
            summary: "Subtract an integer amount from the integer stored at a key.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("decrement"),
            ]))
        t.append(cmd("incrbyfloat", 3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @string @fast",
            group: "string", since: "2.6.0", complexity: "O(1)",
            summary: "Add a floating point amount to the number stored at a key.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("increment"),
            ]))
        t.append(cmd("lcs", -3, [.readonly], 1, 2, 1, acl: "@read @string @slow",
            group: "string", since: "7.0.0", complexity: "O(N*M), N and M being the lengths of the two strings",
            summary: "Compute the longest common subsequence of two strings.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 1, step: 1, limit: 0))],
            args: [
                .key("key1", ks: 0),
                .key("key2", ks: 0),
                .pureToken("len", "LEN", .optional),
                .pureToken("idx", "IDX", .optional),
                .integer("len", token: "MINMATCHLEN", .optional),
                .pureToken("withmatchlen", "WITHMATCHLEN", .optional),
            ]))
        return t
    }

    // MARK: - Server administration and introspection.

    /// Server administration and introspection.
    static func server() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("client", -2, [], 0, 0, 0, acl: "@slow",
            group: "connection", since: "2.4.0", complexity: "Depends on subcommand.",
            summary: "Container of commands that inspect and control client connections.",
            subcommands: [
                cmd("caching", 3, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "6.0.0", complexity: "O(1)",
                    summary: "Tell the server whether to track the keys read by the next command.",
                    args: [
                        .oneof("mode", args: [
                            .pureToken("yes", "YES"),
                            .pureToken("no", "NO"),
                        ]),
                    ]),
                cmd("getname", 2, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "2.6.9", complexity: "O(1)",
                    summary: "Return the name attached to this connection."),
                cmd("getredir", 2, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "6.0.0", complexity: "O(1)",
                    summary: "Report which client receives this connection's tracking invalidations."),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "5.0.0", complexity: "O(1)",
                    summary: "List the CLIENT subcommands and what they do."),
                cmd("id", 2, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "5.0.0", complexity: "O(1)",
                    summary: "Return the numeric id of this connection."),
                cmd("info", 2, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "6.2.0", complexity: "O(1)",
                    summary: "Describe this connection.",
                    tips: ["nondeterministic_output"]),
                cmd("kill", -3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous @connection",
                    group: "connection", since: "2.4.0", complexity: "O(N), N being the number of client connections",
                    summary: "Close one or more client connections chosen by filters.",
                    args: [
                        .oneof("filter", args: [
                            .string("ip:port", deprecatedSince: "2.8.12"),
                            .oneof("new-format", .multiple, args: [
                                .integer("client-id", token: "ID", since: "2.8.12", .optional),
                                .oneof("normal_master_slave_pubsub", token: "TYPE", since: "2.8.12", .optional, args: [
                                    .pureToken("normal", "NORMAL"),
                                    .pureToken("master", "MASTER", since: "3.2.0"),
                                    .pureToken("slave", "SLAVE"),
                                    .pureToken("replica", "REPLICA", since: "5.0.0"),
                                    .pureToken("pubsub", "PUBSUB"),
                                ]),
                                .string("username", token: "USER", .optional),
                                .string("ip:port", token: "ADDR", .optional),
                                .string("ip:port", token: "LADDR", since: "6.2.0", .optional),
                                .string("yes/no", token: "SKIPME", .optional),
                            ]),
                        ]),
                    ],
                    history: [
                        ("2.8.12", "Filters given as name/value pairs."),
                        ("2.8.12", "Gained the `ID` filter."),
                        ("3.2.0", "`TYPE` accepts `master`."),
                        ("5.0.0", "`TYPE` accepts `replica`; `slave` remains as an alias."),
                        ("6.2.0", "Gained the `LADDR` filter."),
                    ]),
                cmd("list", -2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous @connection",
                    group: "connection", since: "2.4.0", complexity: "O(N), N being the number of client connections",
                    summary: "Describe the connected clients.",
                    tips: ["nondeterministic_output"],
                    args: [
                        .oneof("normal_master_replica_pubsub", token: "TYPE", since: "5.0.0", .optional, args: [
                            .pureToken("normal", "NORMAL"),
                            .pureToken("master", "MASTER"),
                            .pureToken("replica", "REPLICA"),
                            .pureToken("pubsub", "PUBSUB"),
                        ]),
                        .block("id", token: "ID", since: "6.2.0", .optional, args: [
                            .integer("client-id", .multiple),
                        ]),
                    ],
                    history: [
                        ("2.8.12", "Entries carry the client `id`."),
                        ("5.0.0", "Gained the `TYPE` filter."),
                        ("6.0.0", "Entries carry the `user`."),
                        ("6.2.0", "Entries carry `argv-mem`, `tot-mem`, `laddr` and `redir`; gained the `ID` filter."),
                        ("7.0.0", "Entries carry `resp`, `multi-mem`, `rbs` and `rbp`."),
                        ("7.0.3", "Entries carry `ssub`."),
                    ]),
                cmd("no-evict", 3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous @connection",
                    group: "connection", since: "7.0.0", complexity: "O(1)",
                    summary: "Exempt this connection from client eviction, or remove the exemption.",
                    args: [
                        .oneof("enabled", args: [
                            .pureToken("on", "ON"),
                            .pureToken("off", "OFF"),
                        ]),
                    ]),
                cmd("pause", -3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous @connection",
                    group: "connection", since: "2.9.50", complexity: "O(1)",
                    summary: "Hold back commands from clients for a while.",
                    args: [
                        .integer("timeout"),
                        .oneof("mode", since: "6.2.0", .optional, args: [
                            .pureToken("write", "WRITE"),
                            .pureToken("all", "ALL"),
                        ]),
                    ],
                    history: [("6.2.0", "Gained the `mode` argument with `WRITE` pausing.")]),
                cmd("reply", 3, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "3.2.0", complexity: "O(1)",
                    summary: "Choose whether the server replies to this connection's commands.",
                    args: [
                        .oneof("on_off_skip", args: [
                            .pureToken("on", "ON"),
                            .pureToken("off", "OFF"),
                            .pureToken("skip", "SKIP"),
                        ]),
                    ]),
                cmd("setname", 3, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "2.6.9", complexity: "O(1)",
                    summary: "Attach a name to this connection.",
                    args: [
                        .string("connection-name"),
                    ]),
                cmd("tracking", -3, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "6.0.0", complexity: "O(1); some options add their own costs.",
                    summary: "Turn client-side caching assistance on or off for this connection.",
                    args: [
                        .oneof("status", args: [
                            .pureToken("on", "ON"),
                            .pureToken("off", "OFF"),
                        ]),
                        .integer("client-id", token: "REDIRECT", .optional),
                        .string("prefix", token: "PREFIX", [.optional, .multiple, .multipleToken]),
                        .pureToken("bcast", "BCAST", .optional),
                        .pureToken("optin", "OPTIN", .optional),
                        .pureToken("optout", "OPTOUT", .optional),
                        .pureToken("noloop", "NOLOOP", .optional),
                    ]),
                cmd("trackinginfo", 2, [.noScript, .loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "connection", since: "6.2.0", complexity: "O(1)",
                    summary: "Report this connection's client-side caching settings."),
                cmd("unblock", -3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous @connection",
                    group: "connection", since: "5.0.0", complexity: "O(log N), N being the number of client connections",
                    summary: "Wake a client blocked in a blocking command.",
                    args: [
                        .integer("client-id"),
                        .oneof("timeout_error", .optional, args: [
                            .pureToken("timeout", "TIMEOUT"),
                            .pureToken("error", "ERROR"),
                        ]),
                    ]),
                cmd("unpause", 2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous @connection",
                    group: "connection", since: "6.2.0", complexity: "O(N), N being the number of paused clients",
                    summary: "End a pause started with CLIENT PAUSE."),
            ]))
        t.append(cmd("info", -1, [.loading, .stale], 0, 0, 0, acl: "@slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(1)",
            summary: "Report server state and statistics, by section.",
            tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"],
            args: [
                .string("section", [.optional, .multiple]),
            ],
            history: [("7.0.0", "Several sections may be requested at once.")]))
        t.append(cmd("config", -2, [], 0, 0, 0, acl: "@slow",
            group: "server", since: "2.0.0", complexity: "Depends on subcommand.",
            summary: "Container of commands that read and change the server configuration.",
            subcommands: [
                cmd("get", -3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.0.0", complexity: "O(N), N being the number of parameters requested",
                    summary: "Read configuration parameters whose names match patterns.",
                    args: [
                        .block("parameter", .multiple, args: [
                            .string("parameter"),
                        ]),
                    ],
                    history: [("7.0.0", "Several patterns may be given in one call.")]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "server", since: "5.0.0", complexity: "O(1)",
                    summary: "List the CONFIG subcommands and what they do."),
                cmd("resetstat", 2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.0.0", complexity: "O(1)",
                    summary: "Zero the statistics counters reported by INFO."),
                cmd("rewrite", 2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.8.0", complexity: "O(1)",
                    summary: "Write the running configuration back to the configuration file."),
                cmd("set", -4, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.0.0", complexity: "O(N), N being the number of parameters given",
                    summary: "Change configuration parameters at run time.",
                    tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
                    args: [
                        .block("parameter_value", .multiple, args: [
                            .string("parameter"),
                            .string("value"),
                        ]),
                    ],
                    history: [("7.0.0", "Several parameters may be set in one call.")]),
            ]))
        t.append(cmd("time", 1, [.loading, .stale, .fast], 0, 0, 0, acl: "@fast",
            group: "server", since: "2.6.0", complexity: "O(1)",
            summary: "Current server clock as seconds and microseconds.",
            tips: ["nondeterministic_output"]))
        t.append(cmd("lastsave", 1, [.loading, .stale, .fast], 0, 0, 0, acl: "@admin @fast @dangerous",
            group: "server", since: "1.0.0", complexity: "O(1)",
            summary: "Unix time of the last successful save to disk.",
            tips: ["nondeterministic_output"]))
        t.append(cmd("save", 1, [.admin, .noScript, .noAsyncLoading, .noMulti], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(N), N being the number of keys in all databases",
            summary: "Write the data set to disk, blocking until done."))
        t.append(cmd("bgrewriteaof", 1, [.admin, .noScript, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(1)",
            summary: "Rebuild the append-only file from a snapshot of the data set, in the background."))
        t.append(cmd("bgsave", -1, [.admin, .noScript, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(1)",
            summary: "Write the data set to disk from a background process.",
            args: [
                .pureToken("schedule", "SCHEDULE", since: "3.2.2", .optional),
            ],
            history: [("3.2.2", "Gained the `SCHEDULE` option.")]))
        t.append(cmd("shutdown", -1, [.admin, .noScript, .loading, .stale, .noMulti, .allowBusy], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(N) when saving, N being the number of keys in all databases; O(1) otherwise",
            summary: "Optionally save, then stop the server.",
            args: [
                .oneof("nosave_save", .optional, args: [
                    .pureToken("nosave", "NOSAVE"),
                    .pureToken("save", "SAVE"),
                ]),
                .pureToken("now", "NOW", since: "7.0.0", .optional),
                .pureToken("force", "FORCE", since: "7.0.0", .optional),
                .pureToken("abort", "ABORT", since: "7.0.0", .optional),
            ],
            history: [("7.0.0", "Gained the `NOW`, `FORCE` and `ABORT` modifiers.")]))
        t.append(cmd("slowlog", -2, [], 0, 0, 0, acl: "@slow",
            group: "server", since: "2.2.12", complexity: "Depends on subcommand.",
            summary: "Container of commands for the log of slow commands.",
            subcommands: [
                cmd("get", -2, [.admin, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.2.12", complexity: "O(N), N being the number of entries returned",
                    summary: "Return recent entries of the slow log.",
                    tips: ["request_policy:all_nodes", "nondeterministic_output"],
                    args: [
                        .integer("count", .optional),
                    ],
                    history: [("4.0.0", "Entries carry the client address and name.")]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "server", since: "6.2.0", complexity: "O(1)",
                    summary: "List the SLOWLOG subcommands and what they do."),
                cmd("len", 2, [.admin, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.2.12", complexity: "O(1)",
                    summary: "Number of entries in the slow log.",
                    tips: ["request_policy:all_nodes", "response_policy:agg_sum", "nondeterministic_output"]),
                cmd("reset", 2, [.admin, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.2.12", complexity: "O(N), N being the number of entries in the slow log",
                    summary: "Empty the slow log.",
                    tips: ["request_policy:all_nodes", "response_policy:all_succeeded"]),
            ]))
        t.append(cmd("monitor", 1, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: nil,
            summary: "Stream every command the server processes to this connection."))
        t.append(cmd("memory", -2, [], 0, 0, 0, acl: "@slow",
            group: "server", since: "4.0.0", complexity: "Depends on subcommand.",
            summary: "Container of commands about memory usage.",
            subcommands: [
                cmd("doctor", 2, [], 0, 0, 0, acl: "@slow",
                    group: "server", since: "4.0.0", complexity: "O(1)",
                    summary: "Advice about memory problems the server may have.",
                    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "server", since: "4.0.0", complexity: "O(1)",
                    summary: "List the MEMORY subcommands and what they do."),
                cmd("malloc-stats", 2, [], 0, 0, 0, acl: "@slow",
                    group: "server", since: "4.0.0", complexity: "Depends on the amount of allocated memory; may be slow",
                    summary: "Raw statistics from the memory allocator.",
                    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"]),
                cmd("purge", 2, [], 0, 0, 0, acl: "@slow",
                    group: "server", since: "4.0.0", complexity: "Depends on the amount of allocated memory; may be slow",
                    summary: "Ask the allocator to give unused memory back to the system.",
                    tips: ["request_policy:all_shards", "response_policy:all_succeeded"]),
                cmd("stats", 2, [], 0, 0, 0, acl: "@slow",
                    group: "server", since: "4.0.0", complexity: "O(1)",
                    summary: "Breakdown of the server's memory consumption.",
                    tips: ["nondeterministic_output", "request_policy:all_shards", "response_policy:special"]),
                cmd("usage", -3, [.readonly], 2, 2, 1, acl: "@read @slow",
                    group: "server", since: "4.0.0", complexity: "O(N), N being the number of samples.",
                    summary: "Estimate how many bytes a key and its value occupy.",
                    keys: [KeySpec([.RO], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .integer("count", token: "SAMPLES", .optional),
                    ]),
            ]))
        t.append(cmd("latency", -2, [], 0, 0, 0, acl: "@slow",
            group: "server", since: "2.8.13", complexity: "Depends on subcommand.",
            summary: "Container of commands for latency monitoring.",
            subcommands: [
                cmd("doctor", 2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "Human-readable analysis of recorded latency.",
                    tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"]),
                cmd("graph", 3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "ASCII chart of the latency spikes of one event.",
                    tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
                    args: [
                        .string("event"),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "List the LATENCY subcommands and what they do."),
                cmd("histogram", -2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "7.0.0", complexity: "O(N), N being the number of commands reported.",
                    summary: "Per-command latency distributions.",
                    tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
                    args: [
                        .string("command", [.optional, .multiple]),
                    ]),
                cmd("history", 3, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "Time series of latency spikes for one event.",
                    tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"],
                    args: [
                        .string("event"),
                    ]),
                cmd("latest", 2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "Most recent latency spike of each monitored event.",
                    tips: ["nondeterministic_output", "request_policy:all_nodes", "response_policy:special"]),
                cmd("reset", -2, [.admin, .noScript, .loading, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "Forget recorded latency spikes for some or all events.",
                    tips: ["request_policy:all_nodes", "response_policy:all_succeeded"],
                    args: [
                        .string("event", [.optional, .multiple]),
                    ]),
            ]))
        t.append(cmd("debug", -2, [.admin, .noScript, .loading, .stale, .protected], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "Depends on subcommand.",
            summary: "Internal commands for testing and troubleshooting the server.",
            docFlags: .syscmd))
        t.append(cmd("command", -1, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
            group: "server", since: "2.8.13", complexity: "O(N), N being the number of commands",
            summary: "Describe the commands this server implements.",
            tips: ["nondeterministic_output_order"],
            subcommands: [
                cmd("count", 2, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "2.8.13", complexity: "O(1)",
                    summary: "Number of commands this server implements."),
                cmd("docs", -2, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "7.0.0", complexity: "O(N), N being the number of commands asked for",
                    summary: "Documentation of specific commands, or all of them.",
                    tips: ["nondeterministic_output_order"],
                    args: [
                        .string("command-name", [.optional, .multiple]),
                    ]),
                cmd("getkeys", -4, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "2.8.13", complexity: "O(N), N being the number of arguments of the examined command",
                    summary: "Work out which arguments of a full command line are keys."),
                cmd("getkeysandflags", -4, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "7.0.0", complexity: "O(N), N being the number of arguments of the examined command",
                    summary: "Work out which arguments of a full command line are keys, with their access flags."),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "5.0.0", complexity: "O(1)",
                    summary: "List the COMMAND subcommands and what they do."),
                cmd("info", -2, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "2.8.13", complexity: "O(N), N being the number of commands asked for",
                    summary: "Describe specific commands, or all of them.",
                    tips: ["nondeterministic_output_order"],
                    args: [
                        .string("command-name", [.optional, .multiple]),
                    ],
                    history: [("7.0.0", "The command names became optional: without them every command is described.")]),
                cmd("list", -2, [.loading, .stale], 0, 0, 0, acl: "@slow @connection",
                    group: "server", since: "7.0.0", complexity: "O(N), N being the number of commands",
                    summary: "Names of the commands, optionally filtered.",
                    tips: ["nondeterministic_output_order"],
                    args: [
                        .oneof("filterby", token: "FILTERBY", .optional, args: [
                            .string("module-name", token: "MODULE"),
                            .string("category", token: "ACLCAT"),
                            .pattern("pattern", token: "PATTERN"),
                        ]),
                    ]),
            ]))
        return t
    }
}
