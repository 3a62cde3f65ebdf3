// The command table's data for the bitmap commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.
// Generated with tools/gen-command-spec, prose written by hand.

extension CommandSpecs {
    static func bitmaps() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("setbit", 4, [.write, .denyOOM], 1, 1, 1, acl: "@write @bitmap @slow",
            group: "bitmap", since: "2.2.0", complexity: "O(1)",
            summary: "Set or clear one bit of a string value, growing the string if needed.",
            keys: [KeySpec([.RW, .access, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("offset"),
                .integer("value"),
            ]))
        t.append(cmd("getbit", 3, [.readonly, .fast], 1, 1, 1, acl: "@read @bitmap @fast",
            group: "bitmap", since: "2.2.0", complexity: "O(1)",
            summary: "Read one bit of a string value; bits past its end read as 0.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("offset"),
            ]))
        t.append(cmd("bitcount", -2, [.readonly], 1, 1, 1, acl: "@read @bitmap @slow",
            group: "bitmap", since: "2.6.0", complexity: "O(N), N being the length of the range counted.",
            summary: "Count the bits set to 1 in a string, or in a range of it.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("index", .optional, args: [
                    .integer("start"),
                    .integer("end"),
                    .oneof("index_unit", since: "7.0.0", .optional, args: [
                        .pureToken("byte", "BYTE"),
                        .pureToken("bit", "BIT"),
                    ]),
                ]),
            ],
            history: [
                ("7.0.0", "Ranges may be given in bits as well as in bytes (`BYTE` or `BIT`)."),
            ]))
        t.append(cmd("bitpos", -3, [.readonly], 1, 1, 1, acl: "@read @bitmap @slow",
            group: "bitmap", since: "2.8.7", complexity: "O(N), N being the length of the range searched.",
            summary: "Find the first bit set to 1, or to 0, in a string or in a range of it.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .integer("bit"),
                .block("index", .optional, args: [
                    .integer("start"),
                    .block("end_index", .optional, args: [
                        .integer("end"),
                        .oneof("index_unit", since: "7.0.0", .optional, args: [
                            .pureToken("byte", "BYTE"),
                            .pureToken("bit", "BIT"),
                        ]),
                    ]),
                ]),
            ],
            history: [
                ("7.0.0", "Ranges may be given in bits as well as in bytes (`BYTE` or `BIT`)."),
            ]))
        t.append(cmd("bitop", -4, [.write, .denyOOM], 2, -1, 1, acl: "@write @bitmap @slow",
            group: "bitmap", since: "2.6.0", complexity: "O(N), N being the length of the longest input.",
            summary: "Combine strings bit by bit with AND, OR, XOR or NOT and store the result at a key.",
            keys: [KeySpec([.OW, .update], .index(2), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(3), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .string("operation"),
                .key("destkey", ks: 0),
                .key("key", ks: 1, .multiple),
            ]))
        // The flags of BITFIELD's key depend on its operations (variable_flags):
        // `bitfieldKeys` tells them for COMMAND GETKEYS(ANDFLAGS).
        t.append(cmd("bitfield", -2, [.write, .denyOOM], 1, 1, 1, acl: "@write @bitmap @slow",
            group: "bitmap", since: "3.2.0", complexity: "O(1) per operation given.",
            summary: "Read, write and increment integer fields of any width at any bit offset of a string.",
            keys: [KeySpec([.RW, .access, .update, .variableFlags], .index(1), .range(lastKey: 0, step: 1, limit: 0), notes: "Reads and may modify the key: only SET and INCRBY write, so the flags depend on the operations given")],
            args: [
                .key("key", ks: 0),
                .oneof("operation", [.optional, .multiple], args: [
                    .block("encoding_offset", token: "GET", args: [
                        .string("encoding"),
                        .integer("offset"),
                    ]),
                    .block("write", args: [
                        .oneof("wrap_sat_fail", token: "OVERFLOW", .optional, args: [
                            .pureToken("wrap", "WRAP"),
                            .pureToken("sat", "SAT"),
                            .pureToken("fail", "FAIL"),
                        ]),
                        .oneof("write_operation", args: [
                            .block("encoding_offset_value", token: "SET", args: [
                                .string("encoding"),
                                .integer("offset"),
                                .integer("value"),
                            ]),
                            .block("encoding_offset_increment", token: "INCRBY", args: [
                                .string("encoding"),
                                .integer("offset"),
                                .integer("increment"),
                            ]),
                        ]),
                    ]),
                ]),
            ],
            getKeys: bitfieldKeys))
        t.append(cmd("bitfield_ro", -2, [.readonly, .fast], 1, 1, 1, acl: "@read @bitmap @fast",
            group: "bitmap", since: "6.0.0", complexity: "O(1) per GET given.",
            summary: "Read-only BITFIELD: read integer fields of any width at any bit offset of a string.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .block("encoding_offset", token: "GET", [.optional, .multiple, .multipleToken], args: [
                    .string("encoding"),
                    .integer("offset"),
                ]),
            ]))
        return t
    }

    /// BITFIELD's one key, read-only when every operation is a GET (Redis's
    /// bitfieldGetKeys); anything else, a malformed operation included, writes.
    static func bitfieldKeys(_ argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)]? {
        var readOnly = true
        var i = 2
        while i < argv.count {
            let rem = argv.count - i - 1
            if argNamed(argv[i], "get") && rem >= 2 { i += 3; continue }
            if argNamed(argv[i], "overflow") && rem >= 1 { i += 2; continue }
            readOnly = false
            break
        }
        return [(1, readOnly ? [.RO, .access] : [.RW, .access, .update])]
    }
}
