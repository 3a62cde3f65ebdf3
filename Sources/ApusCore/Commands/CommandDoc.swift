// Documentation and key metadata attached to every command: the data behind Redis 7.0's
// COMMAND INFO (ACL categories, tips, key specifications) and COMMAND DOCS (summary,
// group, complexity, history, argument tree). The shapes mirror Redis 7.0's
// `redisCommand`/`keySpec`/`redisCommandArg` so that replies can be rendered exactly as
// 7.0 renders them; the prose (summaries, history, notes) is Apus's own.

// MARK: - Key specifications

/// Key-spec flags, named as COMMAND INFO and GETKEYSANDFLAGS print them.
public struct KeySpecFlags: OptionSet, Sendable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let RO = KeySpecFlags(rawValue: 1 << 0)
    public static let RW = KeySpecFlags(rawValue: 1 << 1)
    public static let OW = KeySpecFlags(rawValue: 1 << 2)
    public static let RM = KeySpecFlags(rawValue: 1 << 3)
    public static let access = KeySpecFlags(rawValue: 1 << 4)
    public static let update = KeySpecFlags(rawValue: 1 << 5)
    public static let insert = KeySpecFlags(rawValue: 1 << 6)
    public static let delete = KeySpecFlags(rawValue: 1 << 7)
    public static let notKey = KeySpecFlags(rawValue: 1 << 8)
    public static let incomplete = KeySpecFlags(rawValue: 1 << 9)
    public static let variableFlags = KeySpecFlags(rawValue: 1 << 10)

    /// Names in the order Redis prints them.
    public static let names: [(KeySpecFlags, String)] = [
        (.RO, "RO"), (.RW, "RW"), (.OW, "OW"), (.RM, "RM"), (.access, "access"),
        (.update, "update"), (.insert, "insert"), (.delete, "delete"), (.notKey, "not_key"),
        (.incomplete, "incomplete"), (.variableFlags, "variable_flags"),
    ]

    public var nameList: [String] { Self.names.compactMap { contains($0.0) ? $0.1 : nil } }
}

/// One 7.0 key specification: where the search for keys starts, and how keys are found
/// from there.
public struct KeySpec: Sendable {
    public enum BeginSearch: Sendable {
        /// Keys start at a fixed argv index.
        case index(Int)
        /// Keys start right after `keyword`, searched from `startFrom` (negative: from the end, backwards).
        case keyword(String, startFrom: Int)
        case unknown
    }
    public enum FindKeys: Sendable {
        /// `lastKey` relative to the first key (negative: from the end of argv), every `step`
        /// arguments; `limit` > 0 divides the remaining arguments (only with lastKey -1).
        case range(lastKey: Int, step: Int, limit: Int)
        /// The argument at `keyNumIndex` (relative to the begin-search position) holds the
        /// key count; keys start `firstKey` after that position.
        case keynum(keyNumIndex: Int, firstKey: Int, step: Int)
        case unknown
    }

    public var notes: String?
    public var flags: KeySpecFlags
    public var beginSearch: BeginSearch
    public var findKeys: FindKeys

    public init(_ flags: KeySpecFlags, _ beginSearch: BeginSearch, _ findKeys: FindKeys, notes: String? = nil) {
        self.flags = flags
        self.beginSearch = beginSearch
        self.findKeys = findKeys
        self.notes = notes
    }
}

// MARK: - Arguments

/// One node of the argument tree reported by COMMAND DOCS (redis-cli builds its hints from it).
public struct CommandArg: Sendable {
    public enum ArgType: String, Sendable {
        case string, integer, double, key, pattern
        case unixTime = "unix-time"
        case pureToken = "pure-token"
        case oneof, block
    }
    public struct Flags: OptionSet, Sendable {
        public let rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }
        public static let optional = Flags(rawValue: 1 << 0)
        public static let multiple = Flags(rawValue: 1 << 1)
        public static let multipleToken = Flags(rawValue: 1 << 2)

        public var nameList: [String] {
            var out: [String] = []
            if contains(.optional) { out.append("optional") }
            if contains(.multiple) { out.append("multiple") }
            if contains(.multipleToken) { out.append("multiple_token") }
            return out
        }
    }

    public var name: String
    public var type: ArgType
    /// Index into the command's key specs for `key` arguments, -1 otherwise.
    public var keySpecIndex: Int
    public var token: String?
    public var summary: String?
    public var since: String?
    public var deprecatedSince: String?
    public var flags: Flags
    /// Placeholder shown for the value (7.0 keeps it in its JSON files but does not report it).
    public var display: String?
    /// Children of `oneof` and `block` arguments.
    public var arguments: [CommandArg]

    public init(name: String, type: ArgType, keySpecIndex: Int = -1, token: String? = nil,
                summary: String? = nil, since: String? = nil, deprecatedSince: String? = nil,
                flags: Flags = [], display: String? = nil, arguments: [CommandArg] = []) {
        self.name = name
        self.type = type
        self.keySpecIndex = keySpecIndex
        self.token = token
        self.summary = summary
        self.since = since
        self.deprecatedSince = deprecatedSince
        self.flags = flags
        self.display = display
        self.arguments = arguments
    }

    // Compact constructors used by the command table (CommandSpecs.swift).

    public static func key(_ name: String, ks: Int, token: String? = nil, since: String? = nil,
                           _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .key, keySpecIndex: ks, token: token, since: since, flags: flags)
    }
    public static func string(_ name: String, token: String? = nil, since: String? = nil,
                              deprecatedSince: String? = nil, _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .string, token: token, since: since, deprecatedSince: deprecatedSince, flags: flags)
    }
    public static func integer(_ name: String, token: String? = nil, since: String? = nil, _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .integer, token: token, since: since, flags: flags)
    }
    public static func double(_ name: String, token: String? = nil, since: String? = nil, _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .double, token: token, since: since, flags: flags)
    }
    public static func pattern(_ name: String, token: String? = nil, since: String? = nil, _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .pattern, token: token, since: since, flags: flags)
    }
    public static func unixTime(_ name: String, token: String? = nil, since: String? = nil, _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .unixTime, token: token, since: since, flags: flags)
    }
    /// A literal keyword with no value, e.g. NX.
    public static func pureToken(_ name: String, _ token: String, since: String? = nil, _ flags: Flags = []) -> CommandArg {
        CommandArg(name: name, type: .pureToken, token: token, since: since, flags: flags)
    }
    public static func oneof(_ name: String, token: String? = nil, since: String? = nil, _ flags: Flags = [],
                             args arguments: [CommandArg]) -> CommandArg {
        CommandArg(name: name, type: .oneof, token: token, since: since, flags: flags, arguments: arguments)
    }
    public static func block(_ name: String, token: String? = nil, since: String? = nil, _ flags: Flags = [],
                             args arguments: [CommandArg]) -> CommandArg {
        CommandArg(name: name, type: .block, token: token, since: since, flags: flags, arguments: arguments)
    }
}

// MARK: - The documentation record

/// Documentation flags reported as `doc_flags` by COMMAND DOCS.
public struct CommandDocFlags: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let deprecated = CommandDocFlags(rawValue: 1 << 0)
    public static let syscmd = CommandDocFlags(rawValue: 1 << 1)

    public var nameList: [String] {
        var out: [String] = []
        if contains(.deprecated) { out.append("deprecated") }
        if contains(.syscmd) { out.append("syscmd") }
        return out
    }
}

/// Everything about a command besides arity, flags, legacy key positions and handler.
public struct CommandDoc: Sendable {
    /// A native key-finding procedure (Redis's getkeys_proc) for commands whose key specs
    /// cannot express their keys or flags alone: given argv, the key positions and flags,
    /// or nil when the arguments do not make sense.
    public typealias KeysProc = @Sendable (_ argv: [[UInt8]]) -> [(pos: Int, flags: KeySpecFlags)]?

    /// COMMAND DOCS group: "string", "generic", "server", "connection", ...
    public var group: String
    public var since: String
    public var complexity: String?
    public var summary: String
    /// Full ACL category list as COMMAND INFO prints it, e.g. ["@read", "@string", "@fast"].
    public var aclCategories: [String]
    /// Command tips, e.g. "nondeterministic_output", "request_policy:all_shards".
    public var tips: [String]
    public var keySpecs: [KeySpec]
    public var arguments: [CommandArg]
    public var history: [(version: String, text: String)]
    public var docFlags: CommandDocFlags
    public var deprecatedSince: String?
    public var replacedBy: String?
    public var getKeys: KeysProc?

    public init(group: String, since: String, complexity: String?, summary: String,
                aclCategories: [String] = [], tips: [String] = [], keySpecs: [KeySpec] = [],
                arguments: [CommandArg] = [], history: [(version: String, text: String)] = [],
                docFlags: CommandDocFlags = [], deprecatedSince: String? = nil, replacedBy: String? = nil) {
        self.group = group
        self.since = since
        self.complexity = complexity
        self.summary = summary
        self.aclCategories = aclCategories
        self.tips = tips
        self.keySpecs = keySpecs
        self.arguments = arguments
        self.history = history
        self.docFlags = docFlags
        self.deprecatedSince = deprecatedSince
        self.replacedBy = replacedBy
    }
}
