// The publish/subscribe commands: (P|S)SUBSCRIBE, (P|S)UNSUBSCRIBE, PUBLISH, SPUBLISH
// and PUBSUB's introspection, with 7.0's replies. Every (un)subscribe confirmation is
// [kind, name, count] — an array in RESP2, a push frame in RESP3 — where count is the
// client's channels plus patterns (shard channels alone for the shard forms);
// unsubscribing from everything while subscribed to nothing still confirms once, with
// a null name. In RESP2 a subscribed client may only run the commands listed in
// `allowedWhileSubscribed` (Server+Dispatch checks), and PING answers ["pong", arg].

enum PubSubCommands {
    /// What a RESP2 client in subscribed mode may still send.
    static let allowedWhileSubscribed: Set<String> = [
        "ping", "subscribe", "ssubscribe", "unsubscribe", "sunsubscribe", "psubscribe", "punsubscribe", "quit", "reset",
    ]

    static func subscribe(_ c: Client) { subscribe(c, .channel, "SUBSCRIBE") }
    static func psubscribe(_ c: Client) { subscribe(c, .pattern, "PSUBSCRIBE") }
    static func ssubscribe(_ c: Client) { subscribe(c, .shardChannel, "SSUBSCRIBE") }
    static func unsubscribe(_ c: Client) { unsubscribe(c, .channel) }
    static func punsubscribe(_ c: Client) { unsubscribe(c, .pattern) }
    static func sunsubscribe(_ c: Client) { unsubscribe(c, .shardChannel) }

    private static func subscribe(_ c: Client, _ k: PubSub.Kind, _ name: String) {
        // A client that must get exactly one reply per command cannot enter subscribed
        // mode; 7.0 lets SUBSCRIBE and PSUBSCRIBE through inside a transaction.
        if c.flags.contains(.denyBlocking) && (k == .shardChannel || !c.flags.contains(.multi)) {
            c.addReplyError("ERR \(name) isn't allowed for a DENY BLOCKING client")
            return
        }
        let ps = c.server.pubsub
        for i in 1..<c.argc {
            let n = Array(c.arg(i))
            _ = ps.subscribe(c, k, n)
            c.addSubscriptionReply(subscribedKind(k), n, count: count(c, k))
        }
        c.flags.insert(.pubsub)
    }

    private static func unsubscribe(_ c: Client, _ k: PubSub.Kind) {
        let ps = c.server.pubsub
        if c.argc == 1 {
            let names = current(c, k)
            for n in names {
                _ = ps.unsubscribe(c, k, n)
                c.addSubscriptionReply(unsubscribedKind(k), n, count: count(c, k))
            }
            if names.isEmpty { c.addSubscriptionReply(unsubscribedKind(k), nil, count: count(c, k)) }
        } else {
            for i in 1..<c.argc {
                let n = Array(c.arg(i))
                _ = ps.unsubscribe(c, k, n)
                c.addSubscriptionReply(unsubscribedKind(k), n, count: count(c, k))
            }
        }
        if (c.subscriptions?.total ?? 0) == 0 {
            c.subscriptions = nil
            c.flags.remove(.pubsub)
        }
    }

    /// A cluster node that stops serving `slot` (7.0's removeChannelsInSlot): the
    /// subscribers of its shard channels are unsubscribed, each told so.
    static func dropShardChannels(inSlot slot: Int, _ ps: PubSub) {
        for name in ps.shardChannels.keys where HashSlot.of(name) == slot {
            for c in ps.shardChannels[name]?.clients ?? [] {
                _ = ps.unsubscribe(c, .shardChannel, name)
                c.addSubscriptionReply(unsubscribedKind(.shardChannel), name, count: count(c, .shardChannel))
                if (c.subscriptions?.total ?? 0) == 0 {
                    c.subscriptions = nil
                    c.flags.remove(.pubsub)
                }
            }
        }
    }

    private static func current(_ c: Client, _ k: PubSub.Kind) -> [[UInt8]] {
        c.subscriptions?.withNames(k) { $0.names } ?? []
    }

    /// The count a confirmation carries (Redis's subscriptionCount of the kind's type).
    private static func count(_ c: Client, _ k: PubSub.Kind) -> Int {
        guard let s = c.subscriptions else { return 0 }
        return k == .shardChannel ? s.shardChannels.count : s.count
    }

    private static func subscribedKind(_ k: PubSub.Kind) -> StaticString {
        switch k {
        case .channel: return "subscribe"
        case .pattern: return "psubscribe"
        case .shardChannel: return "ssubscribe"
        }
    }

    private static func unsubscribedKind(_ k: PubSub.Kind) -> StaticString {
        switch k {
        case .channel: return "unsubscribe"
        case .pattern: return "punsubscribe"
        case .shardChannel: return "sunsubscribe"
        }
    }

    /// PUBLISH and SPUBLISH reach the replicas too (their subscribers get the
    /// message there), never the AOF: a replayed file must not publish again.
    /// In cluster mode the bus carries the message instead: PUBLISH to every node,
    /// SPUBLISH to the nodes of this shard.
    static func publish(_ c: Client) {
        c.addReplyInteger(c.server.pubsub.publish(channel: c.arg(1), message: c.arg(2), shard: false))
        if let cluster = c.server.cluster {
            cluster.propagatePublish(channel: Array(c.arg(1)), message: Array(c.arg(2)), shard: false)
        } else {
            c.server.keyspace.propagator.forceCurrentCommand(.replicas)
        }
    }

    static func spublish(_ c: Client) {
        c.addReplyInteger(c.server.pubsub.publish(channel: c.arg(1), message: c.arg(2), shard: true))
        if let cluster = c.server.cluster {
            cluster.propagatePublish(channel: Array(c.arg(1)), message: Array(c.arg(2)), shard: true)
        } else {
            c.server.keyspace.propagator.forceCurrentCommand(.replicas)
        }
    }

    // MARK: - PUBSUB

    static func channels(_ c: Client) { listNames(c, c.server.pubsub.channels) }
    static func shardChannels(_ c: Client) { listNames(c, c.server.pubsub.shardChannels) }

    static func numsub(_ c: Client) { countSubscribers(c, .channel) }
    static func shardNumsub(_ c: Client) { countSubscribers(c, .shardChannel) }

    static func numpat(_ c: Client) { c.addReplyInteger(c.server.pubsub.patterns.count) }

    /// PUBSUB CHANNELS / SHARDCHANNELS [pattern]: the names with subscribers.
    private static func listNames(_ c: Client, _ table: [[UInt8]: Subscribers]) {
        if c.argc > 3 {
            c.addReplySubcommandSyntaxError()
            return
        }
        let pattern: [UInt8]? = c.argc == 3 ? Array(c.arg(2)) : nil
        var out: [[UInt8]] = []
        for name in table.keys where pattern.map({ Glob.match($0, name) }) ?? true { out.append(name) }
        c.addReplyArrayLen(out.count)
        for n in out { c.addReplyBulk(n) }
    }

    /// PUBSUB NUMSUB / SHARDNUMSUB [name ...]: each name with its subscriber count.
    private static func countSubscribers(_ c: Client, _ k: PubSub.Kind) {
        c.addReplyArrayLen((c.argc - 2) * 2)
        for i in 2..<c.argc {
            c.addReplyBulk(c.arg(i))
            c.addReplyInteger(c.server.pubsub.subscribers(k, Array(c.arg(i))))
        }
    }

    static func help(_ c: Client) {
        c.addReplyHelp([
            "CHANNELS [<pattern>]",
            "    Return the currently active channels matching a <pattern> (default: '*').",
            "NUMPAT",
            "    Return number of subscriptions to patterns.",
            "NUMSUB [<channel> ...]",
            "    Return the number of subscribers for the specified channels, excluding",
            "    pattern subscriptions(default: no channels).",
            "SHARDCHANNELS [<pattern>]",
            "    Return the currently active shard level channels matching a <pattern> (default: '*').",
            "SHARDNUMSUB [<shardchannel> ...]",
            "    Return the number of subscribers for the specified shard level channel(s)",
        ])
    }
}

extension Client {
    /// A (un)subscribe confirmation: [kind, name or null, count], pushed like messages
    /// (CLIENT REPLY OFF does not hold it back, as in Redis).
    func addSubscriptionReply(_ kind: StaticString, _ name: [UInt8]?, count: Int) {
        guard prepareToPush() else { return }
        reply.append(resp == 2 ? "*3\r\n" : ">3\r\n")
        RESPReplyEncoder.bulk(UnsafeRawBufferPointer(start: kind.utf8Start, count: kind.utf8CodeUnitCount), into: &reply)
        if let n = name {
            n.withUnsafeBytes { RESPReplyEncoder.bulk($0, into: &reply) }
        } else {
            RESPReplyEncoder.null(resp: resp, into: &reply)
        }
        RESPReplyEncoder.integer(Int64(count), into: &reply)
    }
}
