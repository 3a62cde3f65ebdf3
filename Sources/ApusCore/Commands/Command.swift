// The command model: one `RedisCommand` per command or subcommand, built from data
// (name, arity, flags, key positions, ACL categories, documentation) plus a handler.
// The table drives arity checks in one place, COMMAND INFO/DOCS/LIST/GETKEYS, and
// later cluster key routing and ACLs — mirroring Redis 7.0's `redisCommand` struct.

/// Command flags with the names Redis 7.0 reports in COMMAND INFO.
public struct CommandFlags: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let write = CommandFlags(rawValue: 1 << 0)
    public static let readonly = CommandFlags(rawValue: 1 << 1)
    public static let denyOOM = CommandFlags(rawValue: 1 << 2)
    public static let module = CommandFlags(rawValue: 1 << 3)
    public static let admin = CommandFlags(rawValue: 1 << 4)
    public static let pubsub = CommandFlags(rawValue: 1 << 5)
    public static let noScript = CommandFlags(rawValue: 1 << 6)
    public static let blocking = CommandFlags(rawValue: 1 << 7)
    public static let loading = CommandFlags(rawValue: 1 << 8)
    public static let stale = CommandFlags(rawValue: 1 << 9)
    public static let skipMonitor = CommandFlags(rawValue: 1 << 10)
    public static let skipSlowlog = CommandFlags(rawValue: 1 << 11)
    public static let asking = CommandFlags(rawValue: 1 << 12)
    public static let fast = CommandFlags(rawValue: 1 << 13)
    public static let noAuth = CommandFlags(rawValue: 1 << 14)
    public static let mayReplicate = CommandFlags(rawValue: 1 << 15)
    public static let sentinel = CommandFlags(rawValue: 1 << 16)
    public static let onlySentinel = CommandFlags(rawValue: 1 << 17)
    public static let noMandatoryKeys = CommandFlags(rawValue: 1 << 18)
    public static let `protected` = CommandFlags(rawValue: 1 << 19)
    public static let noAsyncLoading = CommandFlags(rawValue: 1 << 20)
    public static let noMulti = CommandFlags(rawValue: 1 << 21)
    public static let movableKeys = CommandFlags(rawValue: 1 << 22)
    public static let allowBusy = CommandFlags(rawValue: 1 << 23)
    public static let touchesArbitraryKeys = CommandFlags(rawValue: 1 << 24)
}

/// A command handler: reads the client's argv, replies through the client.
public typealias CommandHandler = (Client) -> Void

/// One command (or subcommand, whose `parent` is set). Statistics live here so that
/// INFO commandstats costs nothing extra per call.
public final class RedisCommand {
    public let name: String              // lowercase, e.g. "get" or "list" for CLIENT LIST
    /// `name` as bytes, for allocation-free comparison with arguments.
    public let nameBytes: [UInt8]
    public let arity: Int                // > 0 exact, < 0 at least -arity
    public let flags: CommandFlags
    public let firstKey: Int
    public let lastKey: Int
    public let keyStep: Int
    public let doc: CommandDoc
    public let handler: CommandHandler?
    public private(set) var subcommands: [RedisCommand] = []
    public weak var parent: RedisCommand?

    // commandstats
    public var calls: Int = 0
    public var microseconds: Int = 0
    public var rejectedCalls: Int = 0
    public var failedCalls: Int = 0
    /// Latency histogram buckets for `latencystats` (power-of-two microseconds).
    public var latencyBuckets: [UInt64] = []

    public init(name: String, arity: Int, flags: CommandFlags, firstKey: Int, lastKey: Int,
                keyStep: Int, doc: CommandDoc, handler: CommandHandler?) {
        self.name = name
        self.nameBytes = Array(name.utf8)
        self.arity = arity
        self.flags = flags
        self.firstKey = firstKey
        self.lastKey = lastKey
        self.keyStep = keyStep
        self.doc = doc
        self.handler = handler
    }

    public func addSubcommand(_ sub: RedisCommand) {
        sub.parent = self
        subcommands.append(sub)
    }

    /// "get" or "client|list": the name used in commandstats, errors and ACL rules.
    public var fullName: String {
        if let p = parent { return p.name + "|" + name }
        return name
    }

    public func subcommand(named lower: String) -> RedisCommand? {
        for s in subcommands where s.name == lower { return s }
        return nil
    }
}
