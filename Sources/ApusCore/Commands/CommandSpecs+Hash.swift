// The command table's data for the hash commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.

extension CommandSpecs {
    static func hashes() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("hset", -4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(1) per field given, so O(N) to set N fields.",
            summary: "Set one or more fields of a hash, creating the hash if needed.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("field_value", .multiple, args: [
                    .string("field"),
                    .string("value"),
                ]),
            ],
            history: [
                ("4.0.0", "Takes any number of field and value pairs."),
            ]))
        t.append(cmd("hsetnx", 4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(1)",
            summary: "Set a field of a hash only when the field does not exist yet.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field"),
                .string("value"),
            ]))
        t.append(cmd("hget", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(1)",
            summary: "Read the value of one field of a hash.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field"),
            ]))
        t.append(cmd("hmget", -3, [.readonly, .fast], 1, 1, 1, acl: "@read @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(N), N being the number of fields asked for.",
            summary: "Read the values of several fields of a hash.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field", .multiple),
            ]))
        t.append(cmd("hmset", -4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(N), N being the number of fields set.",
            summary: "Set several fields of a hash (HSET does the same and counts the new fields).",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("field_value", .multiple, args: [
                    .string("field"),
                    .string("value"),
                ]),
            ],
            docFlags: .deprecated,
            deprecatedSince: "4.0.0",
            replacedBy: "`HSET` with multiple field-value pairs"))
        t.append(cmd("hdel", -3, [.write, .fast], 1, 1, 1, acl: "@write @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(N), N being the number of fields removed.",
            summary: "Remove fields from a hash; the hash goes away with its last field.",
            keys: [KeySpec([.RW, .delete], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field", .multiple),
            ],
            history: [
                ("2.4.0", "Takes several fields."),
            ]))
        t.append(cmd("hlen", 2, [.readonly, .fast], 1, 1, 1, acl: "@read @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(1)",
            summary: "Count the fields of a hash.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("hstrlen", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @hash @fast",
            group: "hash", since: "3.2.0", complexity: "O(1)",
            summary: "Byte length of the value of one field of a hash.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field"),
            ]))
        t.append(cmd("hexists", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(1)",
            summary: "Tell whether a field exists in a hash.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field"),
            ]))
        t.append(cmd("hincrby", 4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @hash @fast",
            group: "hash", since: "2.0.0", complexity: "O(1)",
            summary: "Add an integer to the integer value of a hash field.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field"),
                .integer("increment"),
            ]))
        t.append(cmd("hincrbyfloat", 4, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @hash @fast",
            group: "hash", since: "2.6.0", complexity: "O(1)",
            summary: "Add a floating point number to the value of a hash field.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("field"),
                .double("increment"),
            ]))
        t.append(cmd("hkeys", 2, [.readonly], 1, 1, 1, acl: "@read @hash @slow",
            group: "hash", since: "2.0.0", complexity: "O(N), N being the number of fields.",
            summary: "List the field names of a hash.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("hvals", 2, [.readonly], 1, 1, 1, acl: "@read @hash @slow",
            group: "hash", since: "2.0.0", complexity: "O(N), N being the number of fields.",
            summary: "List the values of a hash.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("hgetall", 2, [.readonly], 1, 1, 1, acl: "@read @hash @slow",
            group: "hash", since: "2.0.0", complexity: "O(N), N being the number of fields.",
            summary: "Read every field and value of a hash.",
            tips: ["nondeterministic_output_order"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
            ]))
        t.append(cmd("hrandfield", -2, [.readonly], 1, 1, 1, acl: "@read @hash @slow",
            group: "hash", since: "6.2.0", complexity: "O(N), N being the number of fields returned.",
            summary: "Pick random fields of a hash, with or without repetition.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("options", .optional, args: [
                    .integer("count"),
                    .pureToken("withvalues", "WITHVALUES", .optional),
                ]),
            ]))
        t.append(cmd("hscan", -3, [.readonly], 1, 1, 1, acl: "@read @hash @slow",
            group: "hash", since: "2.8.0", complexity: "O(1) per call; O(N) for a full iteration, N being the number of fields.",
            summary: "Walk the fields and values of a hash incrementally with a cursor.",
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
