// The command table's data for the set commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.

extension CommandSpecs {
    static func sets() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("sadd", -3, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @set @fast",
            group: "set", since: "1.0.0", complexity: "O(1) per member added, so O(N) to add N members.",
            summary: "Add members to a set, creating the set if needed.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ],
            history: [
                ("2.4.0", "Takes several members."),
            ]))
        t.append(cmd("srem", -3, [.write, .fast], 1, 1, 1, acl: "@write @set @fast",
            group: "set", since: "1.0.0", complexity: "O(N), N being the number of members removed.",
            summary: "Remove members from a set; the set goes away with its last member.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ],
            history: [
                ("2.4.0", "Takes several members."),
            ]))
        t.append(cmd("scard", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @set @fast",
            group: "set", since: "1.0.0", complexity: "O(1)",
            summary: "Count the members of a set.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("sismember", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @set @fast",
            group: "set", since: "1.0.0", complexity: "O(1)",
            summary: "Tell whether a value is a member of a set.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member"),
            ]))
        t.append(cmd("smismember", -3, [.readonly, .fast], 1, 1, 1, acl: "@read @set @fast",
            group: "set", since: "6.2.0", complexity: "O(N), N being the number of values checked.",
            summary: "Tell, for each of several values, whether it is a member of a set.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ]))
        t.append(cmd("smembers", 2, [.readonly], 1, 1, 1, acl: "@read @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N), N being the set's size.",
            summary: "List every member of a set.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("srandmember", -2, [.readonly], 1, 1, 1, acl: "@read @set @slow",
            group: "set", since: "1.0.0", complexity: "O(1) without a count; O(N) with one, N being the absolute count.",
            summary: "Pick random members of a set, with or without repetition, leaving the set alone.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count", since: "2.6.0", .optional),
            ],
            history: [
                ("2.6.0", "Takes a count."),
            ]))
        t.append(cmd("spop", -2, [.write, .fast], 1, 1, 1, acl: "@write @set @fast",
            group: "set", since: "1.0.0", complexity: "O(1) without a count; O(N) with one, N being the count.",
            summary: "Remove and return random members of a set.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("count", since: "3.2.0", .optional),
            ],
            history: [
                ("3.2.0", "Takes a count."),
            ]))
        t.append(cmd("smove", 4, [.write, .fast], 1, 2, 1, acl: "@write @set @fast",
            group: "set", since: "1.0.0", complexity: "O(1)",
            summary: "Move a member from one set to another.",
            keys: [KeySpec([.RW, .access, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RW, .insert], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("source", ks: 0),
                .key("destination", ks: 1),
                .string("member"),
            ]))
        t.append(cmd("sinter", -2, [.readonly], 1, -1, 1, acl: "@read @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N*M) worst case, N the smallest set's size and M the number of sets.",
            summary: "Members present in every one of the given sets.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("sintercard", -3, [.readonly, .movableKeys], 0, 0, 0, acl: "@read @set @slow",
            group: "set", since: "7.0.0", complexity: "O(N*M) worst case, N the smallest set's size and M the number of sets.",
            summary: "Count the members the given sets have in common, optionally stopping at a limit.",
            keys: [KeySpec([.RO, .access], .index(1), .keynum(keyNumIndex: 0, firstKey: 1, step: 1))],
            args: [
                .integer("numkeys"),
                .key("key", ks: 0, .multiple),
                .integer("limit", token: "LIMIT", .optional),
            ]))
        t.append(cmd("sinterstore", -3, [.write, .denyOOM], 1, -1, 1, acl: "@write @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N*M) worst case, N the smallest set's size and M the number of sets.",
            summary: "Store the intersection of sets at a key.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("destination", ks: 0),
                .key("key", ks: 1, .multiple),
            ]))
        t.append(cmd("sunion", -2, [.readonly], 1, -1, 1, acl: "@read @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N), N being the total number of members of the sets.",
            summary: "Members present in any of the given sets.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("sunionstore", -3, [.write, .denyOOM], 1, -1, 1, acl: "@write @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N), N being the total number of members of the sets.",
            summary: "Store the union of sets at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("destination", ks: 0),
                .key("key", ks: 1, .multiple),
            ]))
        t.append(cmd("sdiff", -2, [.readonly], 1, -1, 1, acl: "@read @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N), N being the total number of members of the sets.",
            summary: "Members of the first set that none of the other sets have.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("sdiffstore", -3, [.write, .denyOOM], 1, -1, 1, acl: "@write @set @slow",
            group: "set", since: "1.0.0", complexity: "O(N), N being the total number of members of the sets.",
            summary: "Store the difference of sets at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("destination", ks: 0),
                .key("key", ks: 1, .multiple),
            ]))
        t.append(cmd("sscan", -3, [.readonly], 1, 1, 1, acl: "@read @set @slow",
            group: "set", since: "2.8.0", complexity: "O(1) per call; O(N) for a full iteration, N being the set's size.",
            summary: "Walk the members of a set incrementally with a cursor.",
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
