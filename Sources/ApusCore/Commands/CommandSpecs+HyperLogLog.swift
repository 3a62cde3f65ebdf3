// The command table's data for the HyperLogLog commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.
// Generated with tools/gen-command-spec, prose written by hand.

extension CommandSpecs {
    static func hyperLogLogs() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("pfadd", -2, [.write, .denyOOM, .fast], 1, 1, 1, acl: "@write @hyperloglog @fast",
            group: "hyperloglog", since: "2.8.9", complexity: "O(1) per element added.",
            summary: "Add elements to a HyperLogLog, creating it if needed.",
            keys: [KeySpec([.RW, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("element", [.optional, .multiple]),
            ]))
        t.append(cmd("pfcount", -2, [.readonly], 1, -1, 1, acl: "@read @hyperloglog @slow",
            group: "hyperloglog", since: "2.8.9", complexity: "O(1) for one key, with a small constant; O(N) for N keys, with a much larger constant.",
            summary: "Estimate how many distinct elements were added to a HyperLogLog, or to the union of several.",
            keys: [KeySpec([.RW, .access], .index(1), .range(lastKey: -1, step: 1, limit: 0), notes: "Written as well as read: counting may cache the estimate or change the encoding, and replicas receive the change")],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("pfmerge", -2, [.write, .denyOOM], 1, -1, 1, acl: "@write @hyperloglog @slow",
            group: "hyperloglog", since: "2.8.9", complexity: "O(N) to merge N HyperLogLogs, with a large constant.",
            summary: "Combine several HyperLogLogs into one stored at the destination key.",
            keys: [KeySpec([.RW, .access, .insert], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("destkey", ks: 0),
                .key("sourcekey", ks: 1, .multiple),
            ]))
        t.append(cmd("pfdebug", 3, [.write, .denyOOM, .admin], 2, 2, 1, acl: "@write @hyperloglog @admin @slow @dangerous",
            group: "hyperloglog", since: "2.8.9", complexity: "Not applicable.",
            summary: "Internal: inspect or convert the representation of a HyperLogLog value.",
            keys: [KeySpec([.RW, .access], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .string("subcommand"),
                .key("key", ks: 0),
            ],
            docFlags: .syscmd))
        t.append(cmd("pfselftest", 1, [.admin], 0, 0, 0, acl: "@hyperloglog @admin @slow @dangerous",
            group: "hyperloglog", since: "2.8.9", complexity: "Not applicable.",
            summary: "Internal: run the server's self-test of its HyperLogLog implementation.",
            docFlags: .syscmd))
        return t
    }
}
