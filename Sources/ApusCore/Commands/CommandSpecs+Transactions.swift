// The command table's data for transactions (see CommandSpecs for the model): arity,
// flags, key specifications, arguments and documentation, as Redis 7.0.15 reports them
// in COMMAND INFO and COMMAND DOCS, with summaries in our own words.

extension CommandSpecs {
    static func transactions() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("multi", 1, [.noScript, .loading, .stale, .fast, .allowBusy], 0, 0, 0, acl: "@fast @transaction",
            group: "transactions", since: "1.2.0", complexity: "O(1)",
            summary: "Open a transaction: the commands that follow are queued until EXEC."))
        t.append(cmd("exec", 1, [.noScript, .loading, .stale, .skipSlowlog], 0, 0, 0, acl: "@slow @transaction",
            group: "transactions", since: "1.2.0", complexity: "The sum of the queued commands' complexities.",
            summary: "Run the queued commands of a transaction as one unit, unless a watched key changed."))
        t.append(cmd("discard", 1, [.noScript, .loading, .stale, .fast, .allowBusy], 0, 0, 0, acl: "@fast @transaction",
            group: "transactions", since: "2.0.0", complexity: "O(N), N being the number of queued commands.",
            summary: "Drop the queued commands of a transaction and leave it."))
        t.append(cmd("watch", -2, [.noScript, .loading, .stale, .fast, .allowBusy], 1, -1, 1, acl: "@fast @transaction",
            group: "transactions", since: "2.2.0", complexity: "O(1) per key watched.",
            summary: "Make the next EXEC fail if any of these keys changes before it.",
            keys: [KeySpec([.RO], .index(1), .range(lastKey: -1, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0, .multiple),
            ]))
        t.append(cmd("unwatch", 1, [.noScript, .loading, .stale, .fast, .allowBusy], 0, 0, 0, acl: "@fast @transaction",
            group: "transactions", since: "2.2.0", complexity: "O(1)",
            summary: "Forget every key this connection watches."))
        return t
    }
}
