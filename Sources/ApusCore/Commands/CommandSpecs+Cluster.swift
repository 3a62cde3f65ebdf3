// The command table's data for cluster support (see CommandSpecs for the model):
// CLUSTER and its subcommands, MIGRATE, ASKING, READONLY, READWRITE and
// RESTORE-ASKING, with arity, flags, key specs and arguments as Redis 7.0.15 reports
// them (tools/gen-command-spec) and summaries in our own words.

extension CommandSpecs {
    /// Commands Apus has that Redis 7.0 lacks (left out when the table is compared
    /// with 7.0's).
    static let beyondRedis70: Set<String> = [
        "cluster|migrateslots", "cluster|getslotmigrations", "cluster|cancelslotmigrations", "cluster|syncslots",
    ]

    static func cluster() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("cluster", -2, [], 0, 0, 0, acl: "@slow",
            group: "cluster", since: "3.0.0", complexity: "Depends on subcommand.",
            summary: "A container for the cluster commands.",
            subcommands: [
                cmd("addslots", -3, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the total number of hash slot arguments",
                    summary: "Make this node serve the given hash slots.",
                    args: [
                        .integer("slot", .multiple),
                    ]),
                cmd("addslotsrange", -4, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "7.0.0", complexity: "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
                    summary: "Make this node serve every hash slot of the given ranges.",
                    args: [
                        .block("start-slot_end-slot", .multiple, args: [
                            .integer("start-slot"),
                            .integer("end-slot"),
                        ]),
                    ]),
                cmd("bumpepoch", 2, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Give this node a new, higher config epoch.",
                    tips: ["nondeterministic_output"]),
                cmd("count-failure-reports", 3, [.admin, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the number of failure reports",
                    summary: "Count the masters that currently report a node as failing.",
                    tips: ["nondeterministic_output"],
                    args: [
                        .string("node-id"),
                    ]),
                cmd("countkeysinslot", 3, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Count the keys this node holds in a hash slot.",
                    args: [
                        .integer("slot"),
                    ]),
                cmd("delslots", -3, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the total number of hash slot arguments",
                    summary: "Stop serving the given hash slots on this node.",
                    args: [
                        .integer("slot", .multiple),
                    ]),
                cmd("delslotsrange", -4, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "7.0.0", complexity: "O(N) where N is the total number of the slots between the start slot and end slot arguments.",
                    summary: "Stop serving every hash slot of the given ranges on this node.",
                    args: [
                        .block("start-slot_end-slot", .multiple, args: [
                            .integer("start-slot"),
                            .integer("end-slot"),
                        ]),
                    ]),
                cmd("failover", -2, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Have a replica take over its master's slots, by election or by force.",
                    args: [
                        .oneof("options", .optional, args: [
                            .pureToken("force", "FORCE"),
                            .pureToken("takeover", "TAKEOVER"),
                        ]),
                    ]),
                cmd("flushslots", 2, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Stop serving every hash slot (the database must be empty)."),
                cmd("forget", 3, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Drop a node from this node's table of the cluster.",
                    args: [
                        .string("node-id"),
                    ]),
                cmd("getkeysinslot", 4, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(log(N)) where N is the number of requested keys",
                    summary: "List key names this node holds in a hash slot.",
                    tips: ["nondeterministic_output"],
                    args: [
                        .integer("slot"),
                        .integer("count"),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "5.0.0", complexity: "O(N) where N is the total number of subcommands and arguments.",
                    summary: "Describe the CLUSTER subcommands."),
                cmd("info", 2, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Report the cluster state and bus statistics as this node sees them.",
                    tips: ["nondeterministic_output"]),
                cmd("keyslot", 3, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the number of bytes in the key",
                    summary: "Compute the hash slot of a key.",
                    args: [
                        .string("key"),
                    ]),
                cmd("links", 2, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "7.0.0", complexity: "O(N) where N is the total number of Cluster nodes",
                    summary: "List this node's bus connections with their peers.",
                    tips: ["nondeterministic_output"]),
                // Beyond Redis 7.0: atomic slot migration, in Valkey 9.0's command shape.
                cmd("migrateslots", -6, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "9.0.0", complexity: "O(N) where N is the number of slots in the given ranges",
                    summary: "Move whole slot ranges to other masters atomically, in the background.",
                    args: [
                        .block("migration", .multiple, args: [
                            .block("range", token: "SLOTSRANGE", .multiple, args: [
                                .integer("start-slot"),
                                .integer("end-slot"),
                            ]),
                            .string("node-id", token: "NODE"),
                        ]),
                    ]),
                cmd("getslotmigrations", 2, [.admin, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "9.0.0", complexity: "O(N) where N is the number of jobs listed",
                    summary: "List the atomic slot migrations in progress and the recent ones.",
                    tips: ["nondeterministic_output"]),
                cmd("cancelslotmigrations", 2, [.admin, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "9.0.0", complexity: "O(N) where N is the number of jobs cancelled",
                    summary: "Stop every atomic slot migration this node started."),
                cmd("syncslots", -4, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "9.0.0", complexity: "O(1)",
                    summary: "The source's side of an atomic slot migration talking to its target (internal).",
                    docFlags: .syscmd),
                cmd("meet", -4, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Introduce a node at the given address into this cluster.",
                    args: [
                        .string("ip"),
                        .integer("port"),
                        .integer("cluster_bus_port", since: "4.0.0", .optional),
                    ],
                    history: [
                        ("4.0.0", "The optional bus port argument."),
                    ]),
                cmd("myid", 2, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Return this node's id."),
                cmd("nodes", 2, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the total number of Cluster nodes",
                    summary: "Describe every known node in the nodes.conf line format.",
                    tips: ["nondeterministic_output"]),
                cmd("replicas", 3, [.admin, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "5.0.0", complexity: "O(1)",
                    summary: "Describe the replicas of a master.",
                    tips: ["nondeterministic_output"],
                    args: [
                        .string("node-id"),
                    ]),
                cmd("replicate", 3, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Make this node a replica of the given master.",
                    args: [
                        .string("node-id"),
                    ]),
                cmd("reset", -2, [.admin, .noScript, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the number of known nodes. The command may execute a FLUSHALL as a side effect.",
                    summary: "Make this node forget the cluster it belongs to.",
                    args: [
                        .oneof("hard_soft", .optional, args: [
                            .pureToken("hard", "HARD"),
                            .pureToken("soft", "SOFT"),
                        ]),
                    ]),
                cmd("saveconfig", 2, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Write the cluster configuration to disk now."),
                cmd("set-config-epoch", 3, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Set the config epoch of a node that knows no other node.",
                    args: [
                        .integer("config-epoch"),
                    ]),
                cmd("setslot", -4, [.admin, .stale, .noAsyncLoading], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Change a hash slot's migration state or owner on this node.",
                    args: [
                        .integer("slot"),
                        .oneof("subcommand", args: [
                            .string("node-id", token: "IMPORTING"),
                            .string("node-id", token: "MIGRATING"),
                            .string("node-id", token: "NODE"),
                            .pureToken("stable", "STABLE"),
                        ]),
                    ]),
                cmd("shards", 2, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "7.0.0", complexity: "O(N) where N is the total number of cluster nodes",
                    summary: "Describe each shard: its slot ranges and its nodes.",
                    tips: ["nondeterministic_output"]),
                cmd("slaves", 3, [.admin, .stale], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "cluster", since: "3.0.0", complexity: "O(1)",
                    summary: "Describe the replicas of a master (the old name of CLUSTER REPLICAS).",
                    tips: ["nondeterministic_output"],
                    args: [
                        .string("node-id"),
                    ],
                    docFlags: .deprecated,
                    deprecatedSince: "5.0.0",
                    replacedBy: "`CLUSTER REPLICAS`"),
                cmd("slots", 2, [.stale], 0, 0, 0, acl: "@slow",
                    group: "cluster", since: "3.0.0", complexity: "O(N) where N is the total number of Cluster nodes",
                    summary: "Map slot ranges to the addresses of the nodes serving them.",
                    tips: ["nondeterministic_output"],
                    history: [
                        ("4.0.0", "Node ids in the reply."),
                        ("7.0.0", "Hostnames and extra networking metadata in the reply."),
                    ],
                    docFlags: .deprecated,
                    deprecatedSince: "7.0.0",
                    replacedBy: "`CLUSTER SHARDS`"),
            ]))
        t.append(cmd("migrate", -6, [.write, .movableKeys], 3, 3, 1, acl: "@keyspace @write @slow @dangerous",
            group: "generic", since: "2.6.0", complexity: "This command actually executes a DUMP+DEL in the source instance, and a RESTORE in the target instance. See the pages of these commands for time complexity. Also an O(N) data transfer between the two instances is performed.",
            summary: "Move one or more keys to another server, atomically per key.",
            tips: ["nondeterministic_output"],
            keys: [KeySpec([.RW, .access, .delete], .index(3), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RW, .access, .delete, .incomplete], .keyword("KEYS", startFrom: -2), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .string("host"),
                .integer("port"),
                .oneof("key_or_empty_string", args: [
                    .key("key", ks: 0),
                    .pureToken("empty_string", ""),
                ]),
                .integer("destination-db"),
                .integer("timeout"),
                .pureToken("copy", "COPY", since: "3.0.0", .optional),
                .pureToken("replace", "REPLACE", since: "3.0.0", .optional),
                .oneof("authentication", .optional, args: [
                    .string("password", token: "AUTH", since: "4.0.7", .optional),
                    .block("username_password", token: "AUTH2", since: "6.0.0", .optional, args: [
                        .string("username"),
                        .string("password"),
                    ]),
                ]),
                .key("key", ks: 1, token: "KEYS", since: "3.0.6", [.optional, .multiple]),
            ],
            history: [
                ("3.0.0", "COPY and REPLACE."),
                ("3.0.6", "Several keys at once (KEYS)."),
                ("4.0.7", "AUTH."),
                ("6.0.0", "AUTH2."),
            ],
            getKeys: migrateKeys))
        t.append(cmd("asking", 1, [.fast], 0, 0, 0, acl: "@fast @connection",
            group: "cluster", since: "3.0.0", complexity: "O(1)",
            summary: "Tell a node importing a slot to serve the next command for it."))
        t.append(cmd("readonly", 1, [.loading, .stale, .fast], 0, 0, 0, acl: "@fast @connection",
            group: "cluster", since: "3.0.0", complexity: "O(1)",
            summary: "Let this connection read from the replica it is connected to."))
        t.append(cmd("readwrite", 1, [.loading, .stale, .fast], 0, 0, 0, acl: "@fast @connection",
            group: "cluster", since: "3.0.0", complexity: "O(1)",
            summary: "Send this connection's reads to masters again (undo READONLY)."))
        t.append(cmd("restore-asking", -4, [.write, .denyOOM, .asking], 1, 1, 1, acl: "@keyspace @write @slow @dangerous",
            group: "server", since: "3.0.0", complexity: "O(1) to create the new key and additional O(N*M) to reconstruct the serialized value, where N is the number of Redis objects composing the value and M their average size. For small string values the time complexity is thus O(1)+O(1*M) where M is small, so simply O(1). However for sorted set values the complexity is O(N*M*log(N)) because inserting values into sorted sets is O(log(N)).",
            summary: "RESTORE as sent by MIGRATE, accepted in a slot being imported.",
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
                ("3.0.0", "REPLACE."),
                ("5.0.0", "ABSTTL: the TTL is an absolute unix time in milliseconds."),
                ("5.0.0", "IDLETIME and FREQ.")
            ],
            docFlags: .syscmd))
        return t
    }

    /// MIGRATE's keys (Redis's migrateGetKeys): the key argument, or with KEYS every
    /// argument after it (AUTH and AUTH2 values skipped while looking for it).
    static func migrateKeys(_ argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)]? {
        let flags: KeySpecFlags = [.RW, .access, .delete]
        var i = 6
        while i < argv.count {
            let w = String(decoding: argv[i], as: UTF8.self).lowercased()
            if w == "auth" { i += 2; continue }
            if w == "auth2" { i += 3; continue }
            if w == "keys" {
                // 7.0 names no key at all when KEYS comes with a non-empty key argument.
                if !argv[3].isEmpty { return [] }
                return (i + 1 < argv.count) ? (i + 1..<argv.count).map { ($0, flags) } : []
            }
            i += 1
        }
        return argv.count > 3 ? [(3, flags)] : []
    }
}
