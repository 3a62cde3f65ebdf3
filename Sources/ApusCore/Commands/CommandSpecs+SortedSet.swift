// The command table's data for the sorted-set commands (see CommandSpecs for the
// model): arity, flags, key specifications, arguments and documentation, as Redis
// 7.0.15 reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own
// words. Generated with tools/gen-command-spec, prose written by hand.

extension CommandSpecs {
    static func sortedSets() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("zadd", -4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @sortedset @fast",
            group: "sorted-set", since: "1.2.0", complexity: "O(log(N)) per member added or updated, N being the set's size.",
            summary: "Add members with scores to a sorted set, or change their scores; creates the set if needed.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .oneof("condition", since: "3.0.2", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                ]),
                .oneof("comparison", since: "6.2.0", .optional, args: [
                    .pureToken("gt", "GT"),
                    .pureToken("lt", "LT"),
                ]),
                .pureToken("change", "CH", since: "3.0.2", .optional),
                .pureToken("increment", "INCR", since: "3.0.2", .optional),
                .block("score_member", .multiple, args: [
                    .double("score"),
                    .string("member"),
                ]),
            ],
            history: [
                ("2.4.0", "Takes several score-member pairs."),
                ("3.0.2", "Gained the XX, NX, CH and INCR options."),
                ("6.2.0", "Gained the GT and LT options."),
            ]))
        t.append(cmd("zincrby", 4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @sortedset @fast",
            group: "sorted-set", since: "1.2.0", complexity: "O(log(N)), N being the set's size.",
            summary: "Add an increment to a member's score in a sorted set.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("increment"),
                .string("member"),
            ]))
        t.append(cmd("zrem", -3, [.write, .fast], 1, 1, 1, acl: "@write @sortedset @fast",
            group: "sorted-set", since: "1.2.0", complexity: "O(M*log(N)), N the set's size and M the number of members removed.",
            summary: "Remove members from a sorted set; the set goes away with its last member.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ],
            history: [
                ("2.4.0", "Takes several members."),
            ]))
        t.append(cmd("zcard", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "1.2.0", complexity: "O(1)",
            summary: "Count the members of a sorted set.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("zcount", 4, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "2.0.0", complexity: "O(log(N)), N being the set's size.",
            summary: "Count the members whose scores fall within a range.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("min"),
                .double("max"),
            ]))
        t.append(cmd("zlexcount", 4, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "2.8.9", complexity: "O(log(N)), N being the set's size.",
            summary: "Count the members between two lexicographical bounds (for members sharing one score).",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("min"),
                .string("max"),
            ]))
        t.append(cmd("zscore", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "1.2.0", complexity: "O(1)",
            summary: "Return a member's score.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member"),
            ]))
        t.append(cmd("zmscore", -3, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "6.2.0", complexity: "O(N), N being the number of members asked for.",
            summary: "Return the scores of several members.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ]))
        t.append(cmd("zrank", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "2.0.0", complexity: "O(log(N))",
            summary: "Return a member's position, counting from the lowest score.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member"),
            ]))
        t.append(cmd("zrevrank", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @sortedset @fast",
            group: "sorted-set", since: "2.0.0", complexity: "O(log(N))",
            summary: "Return a member's position, counting from the highest score.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member"),
            ]))
        t.append(cmd("zrange", -4, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "1.2.0", complexity: "O(log(N)+M), N the set's size and M the number of members returned.",
            summary: "Return members in a range of positions, scores or lexicographical bounds, optionally reversed and paged.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("start"),
                .string("stop"),
                .oneof("sortby", since: "6.2.0", .optional, args: [
                    .pureToken("byscore", "BYSCORE"),
                    .pureToken("bylex", "BYLEX"),
                ]),
                .pureToken("rev", "REV", since: "6.2.0", .optional),
                .block("offset_count", token: "LIMIT", since: "6.2.0", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
                .pureToken("withscores", "WITHSCORES", .optional),
            ],
            history: [
                ("6.2.0", "Gained REV, BYSCORE, BYLEX and LIMIT."),
            ]))
        t.append(cmd("zrangestore", -5, [.write, .denyOOM], 1, 2, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "6.2.0", complexity: "O(log(N)+M), N the source's size and M the number of members stored.",
            summary: "Store a range of a sorted set (by position, score or lex) at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("dst", ks: 0),
                .key("src", ks: 1),
                .string("min"),
                .string("max"),
                .oneof("sortby", .optional, args: [
                    .pureToken("byscore", "BYSCORE"),
                    .pureToken("bylex", "BYLEX"),
                ]),
                .pureToken("rev", "REV", .optional),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
            ]))
        t.append(cmd("zrevrange", -4, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "1.2.0", complexity: "O(log(N)+M), N the set's size and M the number of members returned.",
            summary: "Return members in a range of positions, from the highest score down.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("start"),
                .integer("stop"),
                .pureToken("withscores", "WITHSCORES", .optional),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `REV` argument"))
        t.append(cmd("zrangebyscore", -4, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "1.0.5", complexity: "O(log(N)+M), N the set's size and M the number of members returned.",
            summary: "Return members whose scores fall in a range, lowest first.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("min"),
                .double("max"),
                .pureToken("withscores", "WITHSCORES", since: "2.0.0", .optional),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
            ],
            history: [
                ("2.0.0", "Scores may be infinite (-inf, +inf)."),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `BYSCORE` argument"))
        t.append(cmd("zrevrangebyscore", -4, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "2.2.0", complexity: "O(log(N)+M), N the set's size and M the number of members returned.",
            summary: "Return members whose scores fall in a range, highest first.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("max"),
                .double("min"),
                .pureToken("withscores", "WITHSCORES", .optional),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
            ],
            history: [
                ("2.1.6", "Takes LIMIT."),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `BYSCORE` and `REV` arguments"))
        t.append(cmd("zrangebylex", -4, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "2.8.9", complexity: "O(log(N)+M), N the set's size and M the number of members returned.",
            summary: "Return members between two lexicographical bounds.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("min"),
                .string("max"),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `BYLEX` argument"))
        t.append(cmd("zrevrangebylex", -4, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "2.8.9", complexity: "O(log(N)+M), N the set's size and M the number of members returned.",
            summary: "Return members between two lexicographical bounds, in reverse order.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("max"),
                .string("min"),
                .block("offset_count", token: "LIMIT", .optional, args: [
                    .integer("offset"),
                    .integer("count"),
                ]),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`ZRANGE` with the `BYLEX` and `REV` arguments"))
        t.append(cmd("zremrangebyrank", 4, [.write], 1, 1, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "2.0.0", complexity: "O(log(N)+M), N the set's size and M the number of members removed.",
            summary: "Remove the members in a range of positions.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("start"),
                .integer("stop"),
            ]))
        t.append(cmd("zremrangebyscore", 4, [.write], 1, 1, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "1.2.0", complexity: "O(log(N)+M), N the set's size and M the number of members removed.",
            summary: "Remove the members whose scores fall in a range.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("min"),
                .double("max"),
            ]))
        t.append(cmd("zremrangebylex", 4, [.write], 1, 1, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "2.8.9", complexity: "O(log(N)+M), N the set's size and M the number of members removed.",
            summary: "Remove the members between two lexicographical bounds.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("min"),
                .string("max"),
            ]))
        t.append(cmd("zpopmin", -2, [.write, .fast], 1, 1, 1, acl: "@write @sortedset @fast",
            group: "sorted-set", since: "5.0.0", complexity: "O(log(N)*M), N the set's size and M the number of members popped.",
            summary: "Remove and return the members with the lowest scores.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count", .optional),
            ]))
        t.append(cmd("zpopmax", -2, [.write, .fast], 1, 1, 1, acl: "@write @sortedset @fast",
            group: "sorted-set", since: "5.0.0", complexity: "O(log(N)*M), N the set's size and M the number of members popped.",
            summary: "Remove and return the members with the highest scores.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count", .optional),
            ]))
        t.append(cmd("zmpop", -4, [.write, .movableKeys], 0, 0, 0, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "7.0.0", complexity: "O(K)+O(M*log(N)), K the number of keys given, N the set's size and M the number of members popped.",
            summary: "Pop the lowest- or highest-scoring members of the first non-empty sorted set among several keys.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .oneof("where", args: [
                    .pureToken("min", "MIN"),
                    .pureToken("max", "MAX"),
                ]),
                .integer("count", token: "COUNT", .optional),
            ]))
        t.append(cmd("bzpopmin", -3, [.write, .noScript, .blocking, .fast], 1, -2, 1, acl: "@write @sortedset @fast @blocking",
            group: "sorted-set", since: "5.0.0", complexity: "O(log(N)), N being the set's size.",
            summary: "Pop the lowest-scoring member of the first non-empty sorted set among several keys, waiting for one if all are empty.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: -2, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
                .double("timeout"),
            ],
            history: [
                ("6.0.0", "The timeout may be fractional."),
            ]))
        t.append(cmd("bzpopmax", -3, [.write, .noScript, .blocking, .fast], 1, -2, 1, acl: "@write @sortedset @fast @blocking",
            group: "sorted-set", since: "5.0.0", complexity: "O(log(N)), N being the set's size.",
            summary: "Pop the highest-scoring member of the first non-empty sorted set among several keys, waiting for one if all are empty.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: -2, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
                .double("timeout"),
            ],
            history: [
                ("6.0.0", "The timeout may be fractional."),
            ]))
        t.append(cmd("bzmpop", -5, [.write, .blocking, .movableKeys], 0, 0, 0, acl: "@write @sortedset @slow @blocking",
            group: "sorted-set", since: "7.0.0", complexity: "O(K)+O(M*log(N)), K the number of keys given, N the set's size and M the number of members popped.",
            summary: "Like ZMPOP, but waits for one of the sorted sets to have a member.",
            keys: [KeySpec([.RW, .access, .delete], .index(2), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .double("timeout"),
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .oneof("where", args: [
                    .pureToken("min", "MIN"),
                    .pureToken("max", "MAX"),
                ]),
                .integer("count", token: "COUNT", .optional),
            ]))
        t.append(cmd("zunion", -3, [.readonly, .movableKeys], 0, 0, 0, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "6.2.0", complexity: "O(N)+O(M*log(M)), N the total size of the inputs and M the size of the result.",
            summary: "Return the union of several sorted sets.",
            keys: [KeySpec([.RO, .access], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .integer("weight", token: "WEIGHTS", [.optional, .multiple]),
                .oneof("aggregate", token: "AGGREGATE", .optional, args: [
                    .pureToken("sum", "SUM"),
                    .pureToken("min", "MIN"),
                    .pureToken("max", "MAX"),
                ]),
                .pureToken("withscores", "WITHSCORES", .optional),
            ]))
        t.append(cmd("zinter", -3, [.readonly, .movableKeys], 0, 0, 0, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "6.2.0", complexity: "O(N*K)+O(M*log(M)) worst case, N the smallest input's size, K the number of inputs and M the size of the result.",
            summary: "Return the intersection of several sorted sets.",
            keys: [KeySpec([.RO, .access], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .integer("weight", token: "WEIGHTS", [.optional, .multiple]),
                .oneof("aggregate", token: "AGGREGATE", .optional, args: [
                    .pureToken("sum", "SUM"),
                    .pureToken("min", "MIN"),
                    .pureToken("max", "MAX"),
                ]),
                .pureToken("withscores", "WITHSCORES", .optional),
            ]))
        t.append(cmd("zdiff", -3, [.readonly, .movableKeys], 0, 0, 0, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "6.2.0", complexity: "O(L + (N-K)log(N)) worst case, L the total number of input members, N the first set's size and K the size of the result.",
            summary: "Return the members of the first sorted set that none of the others has.",
            keys: [KeySpec([.RO, .access], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .pureToken("withscores", "WITHSCORES", .optional),
            ]))
        t.append(cmd("zunionstore", -4, [.write, .denyOOM, .movableKeys], 1, 1, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "2.0.0", complexity: "O(N)+O(M log(M)), N the total size of the inputs and M the size of the result.",
            summary: "Store the union of several sorted sets at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .key("destination", ks: 0),
                .integer("numkeys"),
                .key("key", ks: 1, .multiple),
                .integer("weight", token: "WEIGHTS", [.optional, .multiple]),
                .oneof("aggregate", token: "AGGREGATE", .optional, args: [
                    .pureToken("sum", "SUM"),
                    .pureToken("min", "MIN"),
                    .pureToken("max", "MAX"),
                ]),
            ]))
        t.append(cmd("zinterstore", -4, [.write, .denyOOM, .movableKeys], 1, 1, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "2.0.0", complexity: "O(N*K)+O(M*log(M)) worst case, N the smallest input's size, K the number of inputs and M the size of the result.",
            summary: "Store the intersection of several sorted sets at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .key("destination", ks: 0),
                .integer("numkeys"),
                .key("key", ks: 1, .multiple),
                .integer("weight", token: "WEIGHTS", [.optional, .multiple]),
                .oneof("aggregate", token: "AGGREGATE", .optional, args: [
                    .pureToken("sum", "SUM"),
                    .pureToken("min", "MIN"),
                    .pureToken("max", "MAX"),
                ]),
            ]))
        t.append(cmd("zdiffstore", -4, [.write, .denyOOM, .movableKeys], 1, 1, 1, acl: "@write @sortedset @slow",
            group: "sorted-set", since: "6.2.0", complexity: "O(L + (N-K)log(N)) worst case, L the total number of input members, N the first set's size and K the size of the result.",
            summary: "Store the difference of sorted sets at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .key("destination", ks: 0),
                .integer("numkeys"),
                .key("key", ks: 1, .multiple),
            ]))
        t.append(cmd("zintercard", -3, [.readonly, .movableKeys], 0, 0, 0, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "7.0.0", complexity: "O(N*K) worst case, N the smallest input's size and K the number of inputs.",
            summary: "Count the members the given sorted sets have in common, optionally stopping at a limit.",
            keys: [KeySpec([.RO, .access], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .integer("limit", token: "LIMIT", .optional),
            ]))
        t.append(cmd("zrandmember", -2, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "6.2.0", complexity: "O(N), N being the number of members returned.",
            summary: "Return one or more random members of a sorted set, optionally with scores.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("options", .optional, args: [
                    .integer("count"),
                    .pureToken("withscores", "WITHSCORES", .optional),
                ]),
            ]))
        t.append(cmd("zscan", -3, [.readonly], 1, 1, 1, acl: "@read @sortedset @slow",
            group: "sorted-set", since: "2.8.0", complexity: "O(1) per call; O(N) for a complete iteration, N being the set's size.",
            summary: "Walk the members and scores of a sorted set incrementally with a cursor.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("cursor"),
                .pattern("pattern", token: "MATCH", .optional),
                .integer("count", token: "COUNT", .optional),
            ]))
        return t
    }
}
