// The command table's data for the list commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.
// Generated with tools/gen-command-spec, prose written by hand.

extension CommandSpecs {
    static func lists() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("lpush", -3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @list @fast",
            group: "list", since: "1.0.0", complexity: "O(1) per element pushed.",
            summary: "Put elements at the head of a list, creating the list if needed.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("element", .multiple),
            ],
            history: [
                ("2.4.0", "Takes several elements."),
            ]))
        t.append(cmd("rpush", -3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @list @fast",
            group: "list", since: "1.0.0", complexity: "O(1) per element pushed.",
            summary: "Put elements at the tail of a list, creating the list if needed.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("element", .multiple),
            ],
            history: [
                ("2.4.0", "Takes several elements."),
            ]))
        t.append(cmd("lpushx", -3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @list @fast",
            group: "list", since: "2.2.0", complexity: "O(1) per element pushed.",
            summary: "Put elements at the head of a list, only when the list already exists.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("element", .multiple),
            ],
            history: [
                ("4.0.0", "Takes several elements."),
            ]))
        t.append(cmd("rpushx", -3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @list @fast",
            group: "list", since: "2.2.0", complexity: "O(1) per element pushed.",
            summary: "Put elements at the tail of a list, only when the list already exists.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("element", .multiple),
            ],
            history: [
                ("4.0.0", "Takes several elements."),
            ]))
        t.append(cmd("lpop", -2, [.write, .fast], 1, 1, 1, acl: "@write @list @fast",
            group: "list", since: "1.0.0", complexity: "O(N), N being the number of elements returned.",
            summary: "Remove and return elements from the head of a list; the list goes away with its last element.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count", since: "6.2.0", .optional),
            ],
            history: [
                ("6.2.0", "Takes a count."),
            ]))
        t.append(cmd("rpop", -2, [.write, .fast], 1, 1, 1, acl: "@write @list @fast",
            group: "list", since: "1.0.0", complexity: "O(N), N being the number of elements returned.",
            summary: "Remove and return elements from the tail of a list; the list goes away with its last element.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count", since: "6.2.0", .optional),
            ],
            history: [
                ("6.2.0", "Takes a count."),
            ]))
        t.append(cmd("llen", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @list @fast",
            group: "list", since: "1.0.0", complexity: "O(1)",
            summary: "Count the elements of a list.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("lrange", 4, [.readonly], 1, 1, 1, acl: "@read @list @slow",
            group: "list", since: "1.0.0", complexity: "O(S+N), S the distance of the start from the nearer end and N the number of elements returned.",
            summary: "Return the elements of a list between two indexes (negative ones count from the tail).",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("start"),
                .integer("stop"),
            ]))
        t.append(cmd("lindex", 3, [.readonly], 1, 1, 1, acl: "@read @list @slow",
            group: "list", since: "1.0.0", complexity: "O(N), N the number of elements walked to reach the index; the ends are O(1).",
            summary: "Return the element at an index of a list (negative indexes count from the tail).",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("index"),
            ]))
        t.append(cmd("lset", 4, [.write, .denyOOM], 1, 1, 1, acl: "@write @list @slow",
            group: "list", since: "1.0.0", complexity: "O(N), N the number of elements walked to reach the index; the ends are O(1).",
            summary: "Overwrite the element at an index of a list.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("index"),
                .string("element"),
            ]))
        t.append(cmd("linsert", 5, [.write, .denyOOM], 1, 1, 1, acl: "@write @list @slow",
            group: "list", since: "2.2.0", complexity: "O(N), N the number of elements walked to find the pivot.",
            summary: "Put an element just before or after the first occurrence of another in a list.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .oneof("where", args: [
                    .pureToken("before", "BEFORE"),
                    .pureToken("after", "AFTER"),
                ]),
                .string("pivot"),
                .string("element"),
            ]))
        t.append(cmd("lrem", 4, [.write], 1, 1, 1, acl: "@write @list @slow",
            group: "list", since: "1.0.0", complexity: "O(N+M), N the length of the list and M the number of elements removed.",
            summary: "Remove occurrences of an element from a list, from the head or the tail, up to a count.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count"),
                .string("element"),
            ]))
        t.append(cmd("ltrim", 4, [.write], 1, 1, 1, acl: "@write @list @slow",
            group: "list", since: "1.0.0", complexity: "O(N), N being the number of elements dropped.",
            summary: "Keep only the elements of a list between two indexes, dropping the rest.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("start"),
                .integer("stop"),
            ]))
        t.append(cmd("lpos", -3, [.readonly], 1, 1, 1, acl: "@read @list @slow",
            group: "list", since: "6.0.6", complexity: "O(N), N being the number of elements examined.",
            summary: "Find the indexes at which an element occurs in a list.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("element"),
                .integer("rank", token: "RANK", .optional),
                .integer("num-matches", token: "COUNT", .optional),
                .integer("len", token: "MAXLEN", .optional),
            ]))
        t.append(cmd("lmove", 5, [.write, .denyOOM], 1, 2, 1, acl: "@write @list @slow",
            group: "list", since: "6.2.0", complexity: "O(1)",
            summary: "Take an element from one end of a list and put it at an end of another (or the same) list.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("source", ks: 0),
                .key("destination", ks: 1),
                .oneof("wherefrom", args: [
                    .pureToken("left", "LEFT"),
                    .pureToken("right", "RIGHT"),
                ]),
                .oneof("whereto", args: [
                    .pureToken("left", "LEFT"),
                    .pureToken("right", "RIGHT"),
                ]),
            ]))
        t.append(cmd("rpoplpush", 3, [.write, .denyOOM], 1, 2, 1, acl: "@write @list @slow",
            group: "list", since: "1.2.0", complexity: "O(1)",
            summary: "Take the tail element of a list and put it at the head of another (or the same) list.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("source", ks: 0),
                .key("destination", ks: 1),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`LMOVE` with the `RIGHT` and `LEFT` arguments"))
        t.append(cmd("lmpop", -4, [.write, .movableKeys], 0, 0, 0, acl: "@write @list @slow",
            group: "list", since: "7.0.0", complexity: "O(N+M), N the number of keys given and M the number of elements popped.",
            summary: "Pop elements from one end of the first non-empty list among several keys.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .oneof("where", args: [
                    .pureToken("left", "LEFT"),
                    .pureToken("right", "RIGHT"),
                ]),
                .integer("count", token: "COUNT", .optional),
            ]))
        t.append(cmd("blpop", -3, [.write, .noScript, .blocking], 1, -2, 1, acl: "@write @list @slow @blocking",
            group: "list", since: "2.0.0", complexity: "O(N), N being the number of keys given.",
            summary: "Pop the head element of the first non-empty list among several keys, waiting for one if all are empty.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: -2, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
                .double("timeout"),
            ],
            history: [
                ("6.0.0", "The timeout may be fractional."),
            ]))
        t.append(cmd("brpop", -3, [.write, .noScript, .blocking], 1, -2, 1, acl: "@write @list @slow @blocking",
            group: "list", since: "2.0.0", complexity: "O(N), N being the number of keys given.",
            summary: "Pop the tail element of the first non-empty list among several keys, waiting for one if all are empty.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: -2, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
                .double("timeout"),
            ],
            history: [
                ("6.0.0", "The timeout may be fractional."),
            ]))
        t.append(cmd("blmove", 6, [.write, .denyOOM, .noScript, .blocking], 1, 2, 1, acl: "@write @list @slow @blocking",
            group: "list", since: "6.2.0", complexity: "O(1)",
            summary: "Like LMOVE, but waits for the source list to have an element.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("source", ks: 0),
                .key("destination", ks: 1),
                .oneof("wherefrom", args: [
                    .pureToken("left", "LEFT"),
                    .pureToken("right", "RIGHT"),
                ]),
                .oneof("whereto", args: [
                    .pureToken("left", "LEFT"),
                    .pureToken("right", "RIGHT"),
                ]),
                .double("timeout"),
            ]))
        t.append(cmd("brpoplpush", 4, [.write, .denyOOM, .noScript, .blocking], 1, 2, 1, acl: "@write @list @slow @blocking",
            group: "list", since: "2.2.0", complexity: "O(1)",
            summary: "Like RPOPLPUSH, but waits for the source list to have an element.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("source", ks: 0),
                .key("destination", ks: 1),
                .double("timeout"),
            ],
            history: [
                ("6.0.0", "The timeout may be fractional."),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`BLMOVE` with the `RIGHT` and `LEFT` arguments"))
        t.append(cmd("blmpop", -5, [.write, .blocking, .movableKeys], 0, 0, 0, acl: "@write @list @slow @blocking",
            group: "list", since: "7.0.0", complexity: "O(N+M), N the number of keys given and M the number of elements popped.",
            summary: "Like LMPOP, but waits for one of the lists to have an element.",
            keys: [KeySpec([.RW, .access, .delete], .index(2), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .double("timeout"),
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .oneof("where", args: [
                    .pureToken("left", "LEFT"),
                    .pureToken("right", "RIGHT"),
                ]),
                .integer("count", token: "COUNT", .optional),
            ]))
        return t
    }

    /// SORT and SORT_RO (group "generic", kept with the list commands they mostly serve).
    static func sorting() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("sort", -2, [.write, .denyOOM, .movableKeys], 1, 1, 1, acl: "@write @set @sortedset @list @slow @dangerous",
            group: "generic", since: "1.0.0", complexity: "O(N+M*log(M)), N the number of elements in the list or set and M the number returned; O(N) without sorting.",
            summary: "Sort the elements of a list, set or sorted set, optionally by external keys, fetching other keys and storing the result.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .unknown, .unknown, notes: "Keys named by the BY and GET patterns, which only the arguments reveal"),
                   KeySpec([.OW, .update], .unknown, .unknown, notes: "The STORE destination, found by the command's own key parser")],
            args: [
                .key("key", ks: 0),
                CommandArg(name: "pattern", type: .pattern, keySpecIndex: 1, token: "BY", flags: [.optional]),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
                CommandArg(name: "pattern", type: .pattern, keySpecIndex: 1, token: "GET", flags: [.optional, .multiple, .multipleToken]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
                .pureToken("sorting", "ALPHA", .optional),
                .key("destination", ks: 2, token: "STORE", .optional),
            ],
            getKeys: sortKeys))
        t.append(cmd("sort_ro", -2, [.readonly, .movableKeys], 1, 1, 1, acl: "@read @set @sortedset @list @slow @dangerous",
            group: "generic", since: "7.0.0", complexity: "O(N+M*log(M)), N the number of elements in the list or set and M the number returned; O(N) without sorting.",
            summary: "Read-only SORT: sort the elements of a list, set or sorted set, optionally by external keys and fetching other keys.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .unknown, .unknown, notes: "Keys named by the BY and GET patterns, which only the arguments reveal")],
            args: [
                .key("key", ks: 0),
                CommandArg(name: "pattern", type: .pattern, keySpecIndex: 1, token: "BY", flags: [.optional]),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
                CommandArg(name: "pattern", type: .pattern, keySpecIndex: 1, token: "GET", flags: [.optional, .multiple, .multipleToken]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
                .pureToken("sorting", "ALPHA", .optional),
            ],
            getKeys: { _ in [(1, [.RO, .access])] }))
        return t
    }

    /// True when an argument of a key procedure is `s` (lowercase), ignoring case.
    static func argNamed(_ a: [UInt8], _ s: String) -> Bool {
        a.count == s.utf8.count && zip(a, s.utf8).allSatisfy { asciiLower($0) == $1 }
    }

    /// SORT's keys (Redis's sortGetKeys): the sorted key, and the last STORE destination;
    /// the keys its BY and GET patterns name are not reported.
    static func sortKeys(_ argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)]? {
        var keys: [(pos: Int, flags: KeySpecFlags)] = [(1, [.RO, .access])]
        var store: Int?
        var i = 2
        while i < argv.count {
            if argNamed(argv[i], "limit") { i += 2 } else if argNamed(argv[i], "get") || argNamed(argv[i], "by") { i += 1 }
            else if argNamed(argv[i], "store") && i + 1 < argv.count { store = i + 1 }
            i += 1
        }
        if let s = store { keys.append((s, [.OW, .update])) }
        return keys
    }
}
