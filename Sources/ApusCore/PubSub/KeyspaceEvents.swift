// Keyspace event notifications (Redis's notify.c): the event classes that
// `notify-keyspace-events` selects, their one-letter spelling in both directions, the
// named events the write path raises, and their delivery as Pub/Sub messages on
// `__keyspace@<db>__:<key>` (message: the event) and `__keyevent@<db>__:<event>`
// (message: the key).
//
// Events are raised by the Database write API itself: each mutating call takes the
// event it stands for (or carries it in its name: APPEND is always "append"), and the
// key-creation point raises "new", so a command cannot change a key without naming
// what happened. The names and their order per command are 7.0.15's.

/// Classes of keyspace events, Redis's NOTIFY_* bits (the values match, so a flags
/// word means the same thing in both servers' terms).
public struct NotifyClass: OptionSet, Sendable {
    public let rawValue: UInt32
    public init(rawValue: UInt32) { self.rawValue = rawValue }
    public static let keyspace = NotifyClass(rawValue: 1 << 0)   // K
    public static let keyevent = NotifyClass(rawValue: 1 << 1)   // E
    public static let generic = NotifyClass(rawValue: 1 << 2)    // g
    public static let string = NotifyClass(rawValue: 1 << 3)     // $
    public static let list = NotifyClass(rawValue: 1 << 4)       // l
    public static let set = NotifyClass(rawValue: 1 << 5)        // s
    public static let hash = NotifyClass(rawValue: 1 << 6)       // h
    public static let zset = NotifyClass(rawValue: 1 << 7)       // z
    public static let expired = NotifyClass(rawValue: 1 << 8)    // x
    public static let evicted = NotifyClass(rawValue: 1 << 9)    // e
    public static let stream = NotifyClass(rawValue: 1 << 10)    // t
    public static let keyMiss = NotifyClass(rawValue: 1 << 11)   // m
    public static let module = NotifyClass(rawValue: 1 << 13)    // d
    public static let new = NotifyClass(rawValue: 1 << 14)       // n
    /// What `A` selects: every data class, but neither key misses nor new keys.
    public static let all: NotifyClass = [.generic, .string, .list, .set, .hash, .zset, .expired, .evicted,
                                          .stream, .module]

    private static let letters: [(UInt8, NotifyClass)] = [
        (UInt8(ascii: "A"), .all), (UInt8(ascii: "g"), .generic), (UInt8(ascii: "$"), .string),
        (UInt8(ascii: "l"), .list), (UInt8(ascii: "s"), .set), (UInt8(ascii: "h"), .hash),
        (UInt8(ascii: "z"), .zset), (UInt8(ascii: "x"), .expired), (UInt8(ascii: "e"), .evicted),
        (UInt8(ascii: "K"), .keyspace), (UInt8(ascii: "E"), .keyevent), (UInt8(ascii: "t"), .stream),
        (UInt8(ascii: "m"), .keyMiss), (UInt8(ascii: "d"), .module), (UInt8(ascii: "n"), .new),
    ]

    /// Parses a class string such as "KEA" (keyspaceEventsStringToFlags); nil when it
    /// holds a character that names no class. Letters are case-sensitive.
    public init?(letters s: [UInt8]) {
        var flags: NotifyClass = []
        for ch in s {
            guard let m = NotifyClass.letters.first(where: { $0.0 == ch }) else { return nil }
            flags.formUnion(m.1)
        }
        self = flags
    }

    /// The canonical spelling CONFIG GET shows (keyspaceEventsFlagsToString): `A` when
    /// every data class is on — which, as in 7.0, also hides `n` — then K, E, m.
    public var letters: String {
        var s = ""
        if isSuperset(of: .all) {
            s = "A"
        } else {
            let order: [(Character, NotifyClass)] = [
                ("g", .generic), ("$", .string), ("l", .list), ("s", .set), ("h", .hash), ("z", .zset),
                ("x", .expired), ("e", .evicted), ("t", .stream), ("d", .module), ("n", .new),
            ]
            for (ch, f) in order where contains(f) { s.append(ch) }
        }
        if contains(.keyspace) { s.append("K") }
        if contains(.keyevent) { s.append("E") }
        if contains(.keyMiss) { s.append("m") }
        return s
    }

    public static let invalidLettersError = "Invalid event class character. Use 'Ag$lshzxeKEtmdn'."
}

/// A named keyspace event and the class that enables it. Passed to every mutating
/// call of the Database API; `none` is for writes that raise no event of their own
/// (a collection created empty whose command event follows, RDB loading).
public struct KeyEvent: Sendable {
    public let cls: NotifyClass
    public let name: StaticString
    public init(_ cls: NotifyClass, _ name: StaticString) { self.cls = cls; self.name = name }

    public static let none = KeyEvent([], "")
    @inline(__always) public var isNone: Bool { cls.isEmpty }

    // Generic (g)
    public static let del = KeyEvent(.generic, "del")
    public static let expire = KeyEvent(.generic, "expire")
    public static let persist = KeyEvent(.generic, "persist")
    public static let renameFrom = KeyEvent(.generic, "rename_from")
    public static let renameTo = KeyEvent(.generic, "rename_to")
    public static let moveFrom = KeyEvent(.generic, "move_from")
    public static let moveTo = KeyEvent(.generic, "move_to")
    public static let copyTo = KeyEvent(.generic, "copy_to")
    public static let restore = KeyEvent(.generic, "restore")
    // Strings ($)
    public static let set = KeyEvent(.string, "set")
    public static let setrange = KeyEvent(.string, "setrange")
    public static let incrby = KeyEvent(.string, "incrby")
    public static let incrbyfloat = KeyEvent(.string, "incrbyfloat")
    public static let append = KeyEvent(.string, "append")
    public static let setbit = KeyEvent(.string, "setbit")
    public static let pfadd = KeyEvent(.string, "pfadd")
    // Lists (l)
    public static let lpush = KeyEvent(.list, "lpush")
    public static let rpush = KeyEvent(.list, "rpush")
    public static let lpop = KeyEvent(.list, "lpop")
    public static let rpop = KeyEvent(.list, "rpop")
    public static let linsert = KeyEvent(.list, "linsert")
    public static let lset = KeyEvent(.list, "lset")
    public static let lrem = KeyEvent(.list, "lrem")
    public static let ltrim = KeyEvent(.list, "ltrim")
    public static let sortstore = KeyEvent(.list, "sortstore")
    // Hashes (h)
    public static let hset = KeyEvent(.hash, "hset")
    public static let hdel = KeyEvent(.hash, "hdel")
    public static let hincrby = KeyEvent(.hash, "hincrby")
    public static let hincrbyfloat = KeyEvent(.hash, "hincrbyfloat")
    // Sets (s)
    public static let sadd = KeyEvent(.set, "sadd")
    public static let srem = KeyEvent(.set, "srem")
    public static let spop = KeyEvent(.set, "spop")
    public static let sinterstore = KeyEvent(.set, "sinterstore")
    public static let sunionstore = KeyEvent(.set, "sunionstore")
    public static let sdiffstore = KeyEvent(.set, "sdiffstore")
    // Sorted sets (z)
    public static let zadd = KeyEvent(.zset, "zadd")
    public static let geosearchstore = KeyEvent(.zset, "geosearchstore")
    // Streams (t)
    public static let xadd = KeyEvent(.stream, "xadd")
    public static let xtrim = KeyEvent(.stream, "xtrim")
    public static let xdel = KeyEvent(.stream, "xdel")
    public static let xsetid = KeyEvent(.stream, "xsetid")
    public static let xgroupCreate = KeyEvent(.stream, "xgroup-create")
    public static let xgroupCreateConsumer = KeyEvent(.stream, "xgroup-createconsumer")
    public static let xgroupDelConsumer = KeyEvent(.stream, "xgroup-delconsumer")
    public static let xgroupDestroy = KeyEvent(.stream, "xgroup-destroy")
    public static let xgroupSetID = KeyEvent(.stream, "xgroup-setid")
    public static let georadiusstore = KeyEvent(.zset, "georadiusstore")
    public static let zincr = KeyEvent(.zset, "zincr")
    public static let zrem = KeyEvent(.zset, "zrem")
    public static let zremrangebyscore = KeyEvent(.zset, "zremrangebyscore")
    public static let zremrangebyrank = KeyEvent(.zset, "zremrangebyrank")
    public static let zremrangebylex = KeyEvent(.zset, "zremrangebylex")
    public static let zpopmin = KeyEvent(.zset, "zpopmin")
    public static let zpopmax = KeyEvent(.zset, "zpopmax")
    public static let zunionstore = KeyEvent(.zset, "zunionstore")
    public static let zinterstore = KeyEvent(.zset, "zinterstore")
    public static let zdiffstore = KeyEvent(.zset, "zdiffstore")
    public static let zrangestore = KeyEvent(.zset, "zrangestore")
    // Raised by the keyspace itself.
    public static let new = KeyEvent(.new, "new")
    public static let expired = KeyEvent(.expired, "expired")
    public static let evicted = KeyEvent(.evicted, "evicted")
    public static let keymiss = KeyEvent(.keyMiss, "keymiss")
}

extension Keyspace {
    /// Raises `event` for `key` in database `db` (notifyKeyspaceEvent): one flag test
    /// when notifications are off.
    @inline(__always)
    public func notify(_ event: KeyEvent, _ key: UnsafeRawBufferPointer, db: Int) {
        if notifyClasses.rawValue & event.cls.rawValue != 0 { publishEvent(event, key, db: db) }
    }

    @inline(never)
    func publishEvent(_ event: KeyEvent, _ key: UnsafeRawBufferPointer, db: Int) {
        guard let pubsub = eventSink, !eventsMuted else { return }
        let name = UnsafeRawBufferPointer(start: event.name.utf8Start, count: event.name.utf8CodeUnitCount)
        let dbText = Numbers.ll2string(Int64(db))
        if notifyClasses.contains(.keyspace) {
            var channel = Array("__keyspace@".utf8) + dbText + Array("__:".utf8)
            channel.append(contentsOf: key)
            channel.withUnsafeBytes { _ = pubsub.publish(channel: $0, message: name, shard: false) }
        }
        if notifyClasses.contains(.keyevent) {
            var channel = Array("__keyevent@".utf8) + dbText + Array("__:".utf8)
            channel.append(contentsOf: name)
            channel.withUnsafeBytes { _ = pubsub.publish(channel: $0, message: key, shard: false) }
        }
    }
}
