// The command table's data for replication (see CommandSpecs for the model): arity,
// flags, arguments and documentation as Redis 7.0.15 reports them in COMMAND INFO and
// COMMAND DOCS, with summaries in our own words.

extension CommandSpecs {
    static func replication() -> [Spec] {
        var t: [Spec] = []
        let target: [CommandArg] = [
            .oneof("args", args: [
                .block("host-port", args: [
                    .string("host"),
                    .integer("port"),
                ]),
                .block("no-one", args: [
                    .pureToken("no", "NO"),
                    .pureToken("one", "ONE"),
                ]),
            ]),
        ]
        t.append(cmd("replicaof", 3, [.admin, .noScript, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "5.0.0", complexity: "O(1)",
            summary: "Follow another server as its replica, or stop following one and become a master.",
            args: target))
        t.append(cmd("slaveof", 3, [.admin, .noScript, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: "O(1)",
            summary: "Follow another server as its replica, or become a master (the old name of REPLICAOF).",
            args: target,
            docFlags: .deprecated,
            deprecatedSince: "5.0.0",
            replacedBy: "`REPLICAOF`"))
        t.append(cmd("replconf", -1, [.admin, .noScript, .loading, .stale, .allowBusy], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "3.0.0", complexity: "O(1)",
            summary: "Settings and acknowledgements exchanged between a replica and its master.",
            docFlags: .syscmd))
        t.append(cmd("psync", -3, [.admin, .noScript, .noAsyncLoading, .noMulti], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "2.8.0", complexity: nil,
            summary: "Start replicating from a given point of a replication history, or from scratch.",
            args: [
                .string("replicationid"),
                .integer("offset"),
            ]))
        t.append(cmd("sync", 1, [.admin, .noScript, .noAsyncLoading, .noMulti], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "1.0.0", complexity: nil,
            summary: "Start replicating from scratch with the original protocol (no offsets)."))
        t.append(cmd("wait", 3, [.noScript], 0, 0, 0, acl: "@slow @connection",
            group: "generic", since: "3.0.0", complexity: "O(1)",
            summary: "Block until this connection's writes reached the given number of replicas, or the timeout.",
            tips: ["request_policy:all_shards", "response_policy:agg_min"],
            args: [
                .integer("numreplicas"),
                .integer("timeout"),
            ]))
        t.append(cmd("role", 1, [.noScript, .loading, .stale, .fast], 0, 0, 0, acl: "@admin @fast @dangerous",
            group: "server", since: "2.8.12", complexity: "O(1)",
            summary: "Tell whether this server is a master or a replica, with its replication state."))
        t.append(cmd("failover", -1, [.admin, .noScript, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "server", since: "6.2.0", complexity: "O(1)",
            summary: "Hand mastership over to a replica once it has every write, then follow it.",
            args: [
                .block("target", token: "TO", .optional, args: [
                    .string("host"),
                    .integer("port"),
                    .pureToken("force", "FORCE", .optional),
                ]),
                .pureToken("abort", "ABORT", .optional),
                .integer("milliseconds", token: "TIMEOUT", .optional),
            ]))
        return t
    }
}
