// The command table's data for publish/subscribe (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.

extension CommandSpecs {
    static func pubsub() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("subscribe", -2, [.pubsub, .noScript, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
            group: "pubsub", since: "2.0.0", complexity: "O(N), N being the number of channels named.",
            summary: "Start receiving the messages published to the named channels.",
            args: [
                .string("channel", .multiple),
            ]))
        t.append(cmd("unsubscribe", -1, [.pubsub, .noScript, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
            group: "pubsub", since: "2.0.0", complexity: "O(N), N being the number of channels the client leaves.",
            summary: "Stop receiving the messages of the named channels, or of every channel when none is named.",
            args: [
                .string("channel", [.optional, .multiple]),
            ]))
        t.append(cmd("psubscribe", -2, [.pubsub, .noScript, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
            group: "pubsub", since: "2.0.0", complexity: "O(N), N being the number of patterns named.",
            summary: "Start receiving the messages of every channel whose name matches one of the glob patterns.",
            args: [
                .block("pattern", .multiple, args: [
                    .pattern("pattern"),
                ]),
            ]))
        t.append(cmd("punsubscribe", -1, [.pubsub, .noScript, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
            group: "pubsub", since: "2.0.0",
            complexity: "O(N+M): N patterns the client holds, M patterns subscribed in the whole server.",
            summary: "Stop receiving the messages matched by the named patterns, or by every pattern when none is named.",
            args: [
                .pattern("pattern", [.optional, .multiple]),
            ]))
        t.append(cmd("publish", 3, [.pubsub, .loading, .stale, .fast], 0, 0, 0, acl: "@pubsub @fast",
            group: "pubsub", since: "2.0.0",
            complexity: "O(N+M): N clients subscribed to the channel, M patterns subscribed in the server.",
            summary: "Send a message to the subscribers of a channel and of the patterns matching it.",
            args: [
                .string("channel"),
                .string("message"),
            ]))
        t.append(cmd("pubsub", -2, [], 0, 0, 0, acl: "@slow",
            group: "pubsub", since: "2.8.0", complexity: "Depends on the subcommand.",
            summary: "Inspect the state of publish/subscribe.",
            subcommands: [
                cmd("channels", -2, [.pubsub, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
                    group: "pubsub", since: "2.8.0", complexity: "O(N), N being the number of channels with subscribers.",
                    summary: "List the channels that have subscribers, optionally only those matching a pattern.",
                    args: [
                        .pattern("pattern", .optional),
                    ]),
                cmd("help", 2, [.loading, .stale], 0, 0, 0, acl: "@slow",
                    group: "pubsub", since: "6.2.0", complexity: "O(1)",
                    summary: "Describe the PUBSUB subcommands."),
                cmd("numpat", 2, [.pubsub, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
                    group: "pubsub", since: "2.8.0", complexity: "O(1)",
                    summary: "Count the distinct patterns that clients are subscribed to."),
                cmd("numsub", -2, [.pubsub, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
                    group: "pubsub", since: "2.8.0", complexity: "O(N), N being the number of channels asked about.",
                    summary: "Count the subscribers of each named channel, pattern subscriptions left out.",
                    args: [
                        .string("channel", [.optional, .multiple]),
                    ]),
                cmd("shardchannels", -2, [.pubsub, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
                    group: "pubsub", since: "7.0.0",
                    complexity: "O(N), N being the number of shard channels with subscribers.",
                    summary: "List the shard channels that have subscribers, optionally only those matching a pattern.",
                    args: [
                        .pattern("pattern", .optional),
                    ]),
                cmd("shardnumsub", -2, [.pubsub, .loading, .stale], 0, 0, 0, acl: "@pubsub @slow",
                    group: "pubsub", since: "7.0.0", complexity: "O(N), N being the number of shard channels asked about.",
                    summary: "Count the subscribers of each named shard channel.",
                    args: [
                        .string("shardchannel", [.optional, .multiple]),
                    ]),
            ]))
        t.append(cmd("ssubscribe", -2, [.pubsub, .noScript, .loading, .stale], 1, -1, 1, acl: "@pubsub @slow",
            group: "pubsub", since: "7.0.0", complexity: "O(N), N being the number of shard channels named.",
            summary: "Start receiving the messages published to the named shard channels.",
            keys: [KeySpec([.notKey], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .string("shardchannel", .multiple),
            ]))
        t.append(cmd("sunsubscribe", -1, [.pubsub, .noScript, .loading, .stale], 1, -1, 1, acl: "@pubsub @slow",
            group: "pubsub", since: "7.0.0", complexity: "O(N), N being the number of shard channels the client leaves.",
            summary: "Stop receiving the messages of the named shard channels, or of all of them when none is named.",
            keys: [KeySpec([.notKey], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .string("shardchannel", [.optional, .multiple]),
            ]))
        t.append(cmd("spublish", 3, [.pubsub, .loading, .stale, .fast], 1, 1, 1, acl: "@pubsub @fast",
            group: "pubsub", since: "7.0.0", complexity: "O(N), N being the number of clients subscribed to the shard channel.",
            summary: "Send a message to the subscribers of a shard channel.",
            keys: [KeySpec([.notKey], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .string("shardchannel"),
                .string("message"),
            ]))
        return t
    }
}
