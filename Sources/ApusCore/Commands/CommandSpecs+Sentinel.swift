// The command table's data for SENTINEL (see CommandSpecs for the model), as a Redis
// 7.0.15 sentinel reports it in COMMAND INFO and COMMAND DOCS, with summaries in our own
// words. Only a sentinel's table holds it (CommandTable(sentinelMode:)).

extension CommandSpecs {
    static func sentinel() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("sentinel", -2, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
            group: "sentinel", since: "2.8.4", complexity: "Depends on the subcommand.",
            summary: "Runs a sentinel subcommand.",
            subcommands: [
                cmd("ckquorum", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: nil,
                    summary: "Tells whether enough sentinels are reachable to reach the quorum and to authorize a failover of a master.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("config", -3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "6.2.0", complexity: "O(1)",
                    summary: "Reads or changes the sentinel's own global settings.",
                    args: [
                        .oneof("set_or_get", args: [
                            .block("set_param_value", token: "SET", .multiple, args: [
                                .string("parameter"),
                                .string("value"),
                            ]),
                            .string("parameter", token: "GET", .multiple),
                        ]),
                    ]),
                cmd("debug", -2, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "7.0.0", complexity: "O(N) where N is the number of parameters",
                    summary: "Lists or changes the sentinel's timing parameters, for testing.",
                    args: [
                        .block("parameter_value", .multiple, args: [
                            .string("parameter"),
                            .string("value"),
                        ]),
                    ]),
                cmd("failover", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: nil,
                    summary: "Fails a master over without asking the other sentinels.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("flushconfig", 2, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Writes the sentinel's state to its configuration file."),
                cmd("get-master-addr-by-name", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Gives the address of the current master of a monitored set.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "sentinel", since: "6.2.0", complexity: "O(1)",
                    summary: "Lists the SENTINEL subcommands."),
                cmd("info-cache", -3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "3.2.0", complexity: "O(N) where N is the number of instances",
                    summary: "Gives the last INFO replies the sentinel stored for masters and their replicas.",
                    args: [
                        .string("nodename", .multiple),
                    ]),
                cmd("is-master-down-by-addr", 6, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Asks a sentinel whether it sees a master down, and for its vote in a leader election.",
                    args: [
                        .string("ip"),
                        .integer("port"),
                        .integer("current-epoch"),
                        .string("runid"),
                    ]),
                cmd("master", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Gives the state of one monitored master.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("masters", 2, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(N) where N is the number of masters",
                    summary: "Lists the monitored masters with their state."),
                cmd("monitor", 6, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Starts monitoring a new master.",
                    args: [
                        .string("name"),
                        .string("ip"),
                        .integer("port"),
                        .integer("quorum"),
                    ]),
                cmd("myid", 2, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "6.2.0", complexity: "O(1)",
                    summary: "Gives this sentinel's id."),
                cmd("pending-scripts", 2, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: nil,
                    summary: "Lists the scripts waiting to run or running."),
                cmd("remove", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Stops monitoring a master.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("replicas", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "5.0.0", complexity: "O(N) where N is the number of replicas",
                    summary: "Lists the replicas of a monitored master with their state.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("reset", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(N) where N is the number of monitored masters",
                    summary: "Forgets what was learned about masters matching a pattern: replicas, sentinels, failover state.",
                    args: [
                        .pattern("pattern"),
                    ]),
                cmd("sentinels", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(N) where N is the number of sentinels",
                    summary: "Lists the other sentinels watching a master.",
                    args: [
                        .string("master-name"),
                    ]),
                cmd("set", -5, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.4", complexity: "O(1)",
                    summary: "Changes the settings of a monitored master.",
                    args: [
                        .string("master-name"),
                        .block("option_value", .multiple, args: [
                            .string("option"),
                            .string("value"),
                        ]),
                    ]),
                cmd("simulate-failure", -3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "3.2.0", complexity: nil,
                    summary: "Makes the sentinel crash at a chosen step of a failover, for testing.",
                    args: [
                        .oneof("mode", [.optional, .multiple], args: [
                            CommandArg(name: "crash-after-election", type: .pureToken),
                            CommandArg(name: "crash-after-promotion", type: .pureToken),
                            CommandArg(name: "help", type: .pureToken),
                        ]),
                    ]),
                cmd("slaves", 3, [.admin], 0, 0, 0, acl: "@admin @slow @dangerous",
                    group: "sentinel", since: "2.8.0", complexity: "O(N) where N is the number of replicas",
                    summary: "Lists the replicas of a monitored master with their state (old name).",
                    args: [
                        .string("master-name"),
                    ],
                    docFlags: .deprecated,
                    deprecatedSince: "5.0.0",
                    replacedBy: "`SENTINEL REPLICAS`"),
            ]))
        return t
    }
}
