// The command table's data for the stream commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.
// Generated with tools/gen-command-spec, prose written by hand.

extension CommandSpecs {
    static func streams() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("xadd", -5, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @stream @fast",
            group: "stream", since: "5.0.0", complexity: "O(1) to add the entry; O(N) when trimming, N being the number of entries removed.",
            summary: "Append an entry to a stream, creating the stream unless NOMKSTREAM is given, and optionally trim it.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0), notes: "UPDATE rather than INSERT, since the optional trimming may remove entries too")],
            args: [
                .key("key", ks: 0),
                .pureToken("nomkstream", "NOMKSTREAM", since: "6.2.0", .optional),
                .block("trim", .optional, args: [
                    .oneof("strategy", args: [
                        .pureToken("maxlen", "MAXLEN"),
                        .pureToken("minid", "MINID", since: "6.2.0"),
                    ]),
                    .oneof("operator", .optional, args: [
                        .pureToken("equal", "="),
                        .pureToken("approximately", "~"),
                    ]),
                    .string("threshold"),
                    .integer("count", token: "LIMIT", since: "6.2.0", .optional),
                ]),
                .oneof("id_or_auto", args: [
                    .pureToken("auto_id", "*"),
                    .string("id"),
                ]),
                .block("field_value", .multiple, args: [
                    .string("field"),
                    .string("value"),
                ]),
            ],
            history: [
                ("6.2.0", "Gained `NOMKSTREAM`, the `MINID` trimming strategy and `LIMIT`."),
                ("7.0.0", "Accepts IDs of the form `<ms>-*`, the server choosing the sequence number."),
            ]))
        t.append(cmd("xrange", -4, [.readonly], 1, 1, 1, acl: "@read @stream @slow",
            group: "stream", since: "5.0.0", complexity: "O(N), N being the number of entries returned; in effect O(1) with a small fixed COUNT.",
            summary: "Entries of a stream whose IDs fall in a range, oldest first.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("start"),
                .string("end"),
                .integer("count", token: "COUNT", .optional),
            ],
            history: [
                ("6.2.0", "Range bounds may be exclusive (prefixed with `(`)."),
            ]))
        t.append(cmd("xrevrange", -4, [.readonly], 1, 1, 1, acl: "@read @stream @slow",
            group: "stream", since: "5.0.0", complexity: "O(N), N being the number of entries returned; in effect O(1) with a small fixed COUNT.",
            summary: "Entries of a stream whose IDs fall in a range, newest first.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("end"),
                .string("start"),
                .integer("count", token: "COUNT", .optional),
            ],
            history: [
                ("6.2.0", "Range bounds may be exclusive (prefixed with `(`)."),
            ]))
        t.append(cmd("xlen", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @stream @fast",
            group: "stream", since: "5.0.0", complexity: "O(1)",
            summary: "Count the entries of a stream.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("xdel", -3, [.write, .fast], 1, 1, 1, acl: "@write @stream @fast",
            group: "stream", since: "5.0.0", complexity: "O(1) per entry deleted, whatever the size of the stream.",
            summary: "Delete entries of a stream by ID; replies how many existed.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("id", .multiple),
            ]))
        t.append(cmd("xtrim", -4, [.write], 1, 1, 1, acl: "@write @stream @slow",
            group: "stream", since: "5.0.0", complexity: "O(N), N being the number of entries removed; cheap per entry, since entries are freed a whole node at a time.",
            summary: "Shorten a stream to a maximum length or a minimum ID, exactly or approximately (`~`).",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("trim", args: [
                    .oneof("strategy", args: [
                        .pureToken("maxlen", "MAXLEN"),
                        .pureToken("minid", "MINID", since: "6.2.0"),
                    ]),
                    .oneof("operator", .optional, args: [
                        .pureToken("equal", "="),
                        .pureToken("approximately", "~"),
                    ]),
                    .string("threshold"),
                    .integer("count", token: "LIMIT", since: "6.2.0", .optional),
                ]),
            ],
            history: [
                ("6.2.0", "Gained the `MINID` trimming strategy and `LIMIT`."),
            ]))
        t.append(cmd("xread", -4, [.readonly, .blocking, .movableKeys], 0, 0, 0, acl: "@read @stream @slow @blocking",
            group: "stream", since: "5.0.0", complexity: "O(N) per stream, N being the number of entries returned (O(1) with a fixed COUNT); with BLOCK, each XADD costs O(M), M being the clients blocked on the stream.",
            summary: "Read entries newer than given IDs from one or more streams, optionally waiting for them.",
            keys: [KeySpec([.RO, .access], .keyword("STREAMS", startFrom: 1), .range(lastKey: -1, step: 1, limit: 2))],
            args: [
                .integer("count", token: "COUNT", .optional),
                .integer("milliseconds", token: "BLOCK", .optional),
                .block("streams", token: "STREAMS", args: [
                    .key("key", ks: 0, .multiple),
                    .string("id", .multiple),
                ]),
            ]))
        t.append(cmd("xgroup", -2, [], 0, 0, 0, acl: "@slow",
            group: "stream", since: "5.0.0", complexity: "Depends on subcommand.",
            summary: "Container of commands that manage consumer groups.",
            subcommands: [
                cmd("create", -5, [.write, .denyOOM], 2, 2, 1, acl: "@write @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Create a consumer group on a stream, optionally creating the stream.",
                    keys: [KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .string("groupname"),
                        .oneof("id", args: [
                            .string("id"),
                            .pureToken("new_id", "$"),
                        ]),
                        .pureToken("mkstream", "MKSTREAM", .optional),
                        .integer("entries_read", token: "ENTRIESREAD", .optional),
                    ],
                    history: [
                        ("7.0.0", "Takes `ENTRIESREAD`, the group's count of entries read."),
                    ]),
                cmd("createconsumer", 5, [.write, .denyOOM], 2, 2, 1, acl: "@write @stream @slow",
                    group: "stream", since: "6.2.0", complexity: "O(1)",
                    summary: "Add a consumer to a consumer group.",
                    keys: [KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .string("groupname"),
                        .string("consumername"),
                    ]),
                cmd("delconsumer", 5, [.write], 2, 2, 1, acl: "@write @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Remove a consumer from a consumer group, dropping its pending entries.",
                    keys: [KeySpec([.RW, .delete], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .string("groupname"),
                        .string("consumername"),
                    ]),
                cmd("destroy", 4, [.write], 2, 2, 1, acl: "@write @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(N), N being the number of entries pending in the group.",
                    summary: "Delete a consumer group of a stream.",
                    keys: [KeySpec([.RW, .delete], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .string("groupname"),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Describe the XGROUP subcommands."),
                cmd("setid", -5, [.write], 2, 2, 1, acl: "@write @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Move a consumer group's last delivered ID.",
                    keys: [KeySpec([.RW, .update], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .string("groupname"),
                        .oneof("id", args: [
                            .string("id"),
                            .pureToken("new_id", "$"),
                        ]),
                        .integer("entries_read", token: "ENTRIESREAD", .optional),
                    ],
                    history: [
                        ("7.0.0", "Takes `ENTRIESREAD`, the group's count of entries read."),
                    ]),
            ]))
        t.append(cmd("xreadgroup", -7, [.write, .blocking, .movableKeys], 0, 0, 0, acl: "@write @stream @slow @blocking",
            group: "stream", since: "5.0.0", complexity: "O(M) per stream, M being the number of entries returned (O(1) with a fixed COUNT); while clients are blocked, each XADD costs O(N), N being the clients blocked on the stream.",
            summary: "Read entries from streams as a consumer of a group, or re-read its pending entries, optionally waiting.",
            keys: [KeySpec([.RO, .access], .keyword("STREAMS", startFrom: 4), .range(lastKey: -1, step: 1, limit: 2))],
            args: [
                .block("group_consumer", token: "GROUP", args: [
                    .string("group"),
                    .string("consumer"),
                ]),
                .integer("count", token: "COUNT", .optional),
                .integer("milliseconds", token: "BLOCK", .optional),
                .pureToken("noack", "NOACK", .optional),
                .block("streams", token: "STREAMS", args: [
                    .key("key", ks: 0, .multiple),
                    .string("id", .multiple),
                ]),
            ]))
        t.append(cmd("xack", -4, [.write, .fast], 1, 1, 1, acl: "@write @stream @fast",
            group: "stream", since: "5.0.0", complexity: "O(1) per ID acknowledged.",
            summary: "Acknowledge entries of a consumer group, taking them off its pending list; replies how many were pending.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("group"),
                .string("id", .multiple),
            ]))
        t.append(cmd("xpending", -3, [.readonly], 1, 1, 1, acl: "@read @stream @slow",
            group: "stream", since: "5.0.0", complexity: "O(N), N being the number of entries returned; O(M) with IDLE, M being the number of entries scanned. The summary form is O(1) with few consumers, plus O(N) to visit each consumer otherwise.",
            summary: "Inspect the entries a consumer group delivered that are not acknowledged yet.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("group"),
                .block("filters", .optional, args: [
                    .integer("min-idle-time", token: "IDLE", since: "6.2.0", .optional),
                    .string("start"),
                    .string("end"),
                    .integer("count"),
                    .string("consumer", .optional),
                ]),
            ],
            history: [
                ("6.2.0", "Gained the `IDLE` filter and exclusive range bounds."),
            ]))
        t.append(cmd("xclaim", -6, [.write, .fast], 1, 1, 1, acl: "@write @stream @fast",
            group: "stream", since: "5.0.0", complexity: "O(log N), N being the size of the group's pending list.",
            summary: "Hand pending entries of a consumer group over to another consumer.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("group"),
                .string("consumer"),
                .string("min-idle-time"),
                .string("id", .multiple),
                .integer("ms", token: "IDLE", .optional),
                .unixTime("unix-time-milliseconds", token: "TIME", .optional),
                .integer("count", token: "RETRYCOUNT", .optional),
                .pureToken("force", "FORCE", .optional),
                .pureToken("justid", "JUSTID", .optional),
                .string("id", token: "LASTID", .optional),
            ]))
        t.append(cmd("xautoclaim", -6, [.write, .fast], 1, 1, 1, acl: "@write @stream @fast",
            group: "stream", since: "6.2.0", complexity: "O(1) for a small COUNT.",
            summary: "Hand pending entries idle for long enough over to another consumer, scanning from a start ID.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("group"),
                .string("consumer"),
                .string("min-idle-time"),
                .string("start"),
                .integer("count", token: "COUNT", .optional),
                .pureToken("justid", "JUSTID", .optional),
            ],
            history: [
                ("7.0.0", "The reply gained a third element: the IDs of deleted entries dropped from the pending list."),
            ]))
        t.append(cmd("xinfo", -2, [], 0, 0, 0, acl: "@slow",
            group: "stream", since: "5.0.0", complexity: "Depends on subcommand.",
            summary: "Container of commands that describe streams, consumer groups and consumers.",
            subcommands: [
                cmd("consumers", 4, [.readonly], 2, 2, 1, acl: "@read @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Describe the consumers of a consumer group.",
                    tips: ["nondeterministic_output"],
                    keys: [KeySpec([.RO, .access], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .string("groupname"),
                    ]),
                cmd("groups", 3, [.readonly], 2, 2, 1, acl: "@read @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Describe the consumer groups of a stream.",
                    keys: [KeySpec([.RO, .access], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                    ],
                    history: [
                        ("7.0.0", "The reply gained the `entries-read` and `lag` fields."),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Describe the XINFO subcommands."),
                cmd("stream", -3, [.readonly], 2, 2, 1, acl: "@read @stream @slow",
                    group: "stream", since: "5.0.0", complexity: "O(1)",
                    summary: "Describe a stream; with FULL, also its entries, groups and pending lists.",
                    keys: [KeySpec([.RO, .access], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
                    args: [
                        .key("key", ks: 0),
                        .block("full", token: "FULL", .optional, args: [
                            .integer("count", token: "COUNT", .optional),
                        ]),
                    ],
                    history: [
                        ("6.0.0", "Gained the `FULL` modifier."),
                        ("7.0.0", "The reply gained `max-deleted-entry-id`, `entries-added`, `recorded-first-entry-id`, `entries-read` and `lag`."),
                    ]),
            ]))
        t.append(cmd("xsetid", -3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @stream @fast",
            group: "stream", since: "5.0.0", complexity: "O(1)",
            summary: "Internal: set a stream's last ID and counters, as replication sends them.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("last-id"),
                .integer("entries_added", token: "ENTRIESADDED", since: "7.0.0", .optional),
                .string("max_deleted_entry_id", token: "MAXDELETEDID", since: "7.0.0", .optional),
            ],
            history: [
                ("7.0.0", "Takes `ENTRIESADDED` and `MAXDELETEDID`."),
            ]))
        return t
    }
}
