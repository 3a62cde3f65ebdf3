// Client-side caching (Redis's tracking.c): CLIENT TRACKING remembers which keys each
// tracking client read, and a write to one of those keys — by a command, an expiry,
// an eviction — sends that client (or the client it redirects to) an invalidation
// message once: a RESP3 `>2 invalidate [key]` push, or in RESP2 a `message` on
// `__redis__:invalidate` to the redirect client. BCAST clients get, at the end of each
// loop turn, every key written under their prefixes. FLUSHALL/FLUSHDB send a null
// invalidation. The table is bounded by tracking-table-max-keys: keys dropped from it
// are invalidated. Invalidations for the client whose command is running are held until
// its reply is written (so a MULTI's come after EXEC's reply).

import Glibc

/// A client's tracking mode (CLIENT TRACKING options and state).
public struct TrackingOptions: OptionSet {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let on = TrackingOptions(rawValue: 1 << 0)
    public static let bcast = TrackingOptions(rawValue: 1 << 1)
    public static let optin = TrackingOptions(rawValue: 1 << 2)
    public static let optout = TrackingOptions(rawValue: 1 << 3)
    public static let noloop = TrackingOptions(rawValue: 1 << 4)
    /// CLIENT CACHING YES (optin) or NO (optout) given for the next command.
    public static let caching = TrackingOptions(rawValue: 1 << 5)
    /// The redirect client is gone.
    public static let brokenRedirect = TrackingOptions(rawValue: 1 << 6)
}

/// Tracked keys and the ids of the clients that may cache them; prefixes of BCAST
/// clients with the keys written under them during this loop turn.
final class TrackingTable {
    /// Keys in a dense array (random picks for the size bound) and their position and readers.
    private(set) var keys: [[UInt8]] = []
    private var entries: [[UInt8]: (pos: Int, ids: [Int])] = [:]
    private(set) var totalItems = 0

    final class Prefix {
        /// Keys written this turn, each with the id of the client that wrote it (0: none).
        var pending: [[UInt8]: Int] = [:]
        var order: [[UInt8]] = []
        var clients: [Int] = []
    }
    private(set) var prefixes: [[UInt8]: Prefix] = [:]

    var keyCount: Int { keys.count }
    var prefixCount: Int { prefixes.count }

    /// Remembers that client `id` may cache `key`.
    func remember(_ key: UnsafeRawBufferPointer, id: Int) {
        let k = Array(key)
        if var e = entries[k] {
            if e.ids.contains(id) { return }
            e.ids.append(id)
            entries[k] = e
        } else {
            entries[k] = (keys.count, [id])
            keys.append(k)
        }
        totalItems += 1
    }

    /// Removes a key and returns the clients that were caching it.
    func take(_ key: [UInt8]) -> [Int]? {
        guard let e = entries.removeValue(forKey: key) else { return nil }
        let last = keys.removeLast()
        if e.pos < keys.count {
            keys[e.pos] = last
            entries[last]!.pos = e.pos
        }
        totalItems -= e.ids.count
        return e.ids
    }

    func contains(_ key: UnsafeRawBufferPointer) -> Bool { !entries.isEmpty && entries[Array(key)] != nil }

    func removeAll() {
        keys.removeAll()
        entries.removeAll()
        totalItems = 0
    }

    func addPrefix(_ p: [UInt8], client: Int) {
        let s = prefixes[p] ?? Prefix()
        prefixes[p] = s
        if !s.clients.contains(client) { s.clients.append(client) }
    }

    func removePrefix(_ p: [UInt8], client: Int) {
        guard let s = prefixes[p] else { return }
        s.clients.removeAll { $0 == client }
        if s.clients.isEmpty { prefixes[p] = nil }
    }

    /// Notes a written key under every prefix it starts with.
    func keyWrittenForBroadcast(_ key: UnsafeRawBufferPointer, by writer: Int) {
        for (p, s) in prefixes where p.count <= key.count && key.starts(with: p) {
            let k = Array(key)
            if s.pending.updateValue(writer, forKey: k) == nil { s.order.append(k) }
        }
    }
}

extension Server {
    var trackingActive: Bool { trackingClients > 0 }

    // MARK: - Enabling

    func enableTracking(_ c: Client, redirect: Int, options: TrackingOptions, prefixes: [[UInt8]]) {
        if !c.tracking.contains(.on) { trackingClients += 1 }
        // A new mode replaces the old one; a pending CLIENT CACHING stays.
        c.tracking = c.tracking.intersection(.caching).union(.on)
        c.tracking.formUnion(options.intersection([.optin, .optout, .noloop, .bcast]))
        c.trackingRedirect = redirect
        if options.contains(.bcast) {
            let list = prefixes.isEmpty ? [[]] : prefixes
            for p in list where !c.trackingPrefixes.contains(p) {
                tracking.addPrefix(p, client: c.id)
                c.trackingPrefixes.append(p)
            }
            // Listed in byte order, as 7.0's radix tree keeps them.
            c.trackingPrefixes.sort { $0.lexicographicallyPrecedes($1) }
        }
        keyspace.trackingOn = true
    }

    func disableTracking(_ c: Client) {
        for p in c.trackingPrefixes { tracking.removePrefix(p, client: c.id) }
        c.trackingPrefixes.removeAll()
        if c.tracking.contains(.on) {
            trackingClients -= 1
            c.tracking = []
        }
        keyspace.trackingOn = trackingClients > 0
    }

    // MARK: - Reads and writes

    /// After a read-only command of a tracking (non-BCAST) client: its keys may now be
    /// cached by it (trackingRememberKeys), unless OPTIN without CACHING YES or OPTOUT
    /// with CACHING NO.
    func trackingRememberKeys(_ c: Client, _ cmd: RedisCommand) {
        let t = c.tracking
        if (t.contains(.optin) && !t.contains(.caching)) || (t.contains(.optout) && t.contains(.caching)) { return }
        if cmd.flags.contains(.pubsub) || (cmd.firstKey == 0 && !cmd.flags.contains(.movableKeys)) { return }
        var argv: [[UInt8]] = []
        for i in 0..<c.argc { argv.append(c.argBytes(i)) }
        for k in CommandCommands.keys(of: cmd, argv: argv) {
            argv[k.pos].withUnsafeBytes { tracking.remember($0, id: c.id) }
        }
    }

    /// A key was written (or expired, or evicted): invalidate it for its readers.
    func trackingInvalidateKey(_ key: UnsafeRawBufferPointer, bcast: Bool = true) {
        let writer = executingClient
        if bcast && tracking.prefixCount > 0 { tracking.keyWrittenForBroadcast(key, by: writer?.id ?? 0) }
        guard tracking.keyCount > 0, let ids = tracking.take(Array(key)) else { return }
        for id in ids {
            guard let target = clientsById[id], target.tracking.contains(.on), !target.tracking.contains(.bcast) else {
                continue
            }
            if target.tracking.contains(.noloop) && target === writer { continue }
            if target === writer {
                // After this client's reply, not inside it.
                pendingInvalidations.append(Array(key))
            } else {
                sendInvalidation(to: target, keys: [Array(key)])
            }
        }
    }

    /// FLUSHALL/FLUSHDB: every tracking client drops its whole cache.
    func trackingInvalidateOnFlush() {
        if trackingClients > 0 {
            for c in clientList where c.tracking.contains(.on) {
                if c === executingClient { pendingInvalidations.append(nil) } else { sendInvalidation(to: c, keys: nil) }
            }
        }
        tracking.removeAll()
    }

    /// The invalidations held for the client whose command just ended.
    func flushPendingInvalidations(_ c: Client) {
        let list = pendingInvalidations
        pendingInvalidations.removeAll()
        for k in list { sendInvalidation(to: c, keys: k.map { [$0] }) }
    }

    /// BCAST: at the end of a loop turn, each prefix's written keys to its clients
    /// (NOLOOP clients without the keys they wrote themselves).
    func trackingBroadcast() {
        // Prefixes and their keys in byte order, as 7.0's radix trees yield them.
        for prefix in tracking.prefixes.keys.sorted(by: { $0.lexicographicallyPrecedes($1) }) {
            let p = tracking.prefixes[prefix]!
            if p.order.isEmpty { continue }
            p.order.sort { $0.lexicographicallyPrecedes($1) }
            for id in p.clients {
                guard let c = clientsById[id] else { continue }
                let keys = c.tracking.contains(.noloop) ? p.order.filter { p.pending[$0] != id } : p.order
                if !keys.isEmpty { sendInvalidation(to: c, keys: keys) }
            }
            p.order.removeAll()
            p.pending.removeAll()
        }
    }

    /// tracking-table-max-keys: drops random keys (invalidating them) until under the
    /// bound, with a growing effort while it stays over (trackingLimitUsedSlots).
    func trackingLimitUsedSlots() {
        let max = config.trackingTableMaxKeys
        if max == 0 || tracking.keyCount <= max {
            trackingLimitEffort = 0
            return
        }
        var effort = 100 * (trackingLimitEffort + 1)
        while effort > 0 && tracking.keyCount > 0 {
            effort -= 1
            let k = tracking.keys[Int.random(in: 0..<tracking.keyCount)]
            let saved = executingClient
            executingClient = nil
            k.withUnsafeBytes { trackingInvalidateKey($0, bcast: false) }
            executingClient = saved
            if tracking.keyCount <= max {
                trackingLimitEffort = 0
                return
            }
        }
        trackingLimitEffort += 1
    }

    // MARK: - Messages

    /// sendTrackingMessage: `keys` nil is the flush (null) invalidation.
    func sendInvalidation(to c: Client, keys: [[UInt8]]?) {
        var target = c
        var redirected = false
        if c.trackingRedirect != 0 {
            guard let r = clientsById[c.trackingRedirect] else {
                c.tracking.insert(.brokenRedirect)
                if c.resp > 2, c.prepareToPush() {
                    c.reply.append(">2\r\n$21\r\ntracking-redir-broken\r\n")
                    RESPReplyEncoder.integer(Int64(c.trackingRedirect), into: &c.reply)
                }
                return
            }
            target = r
            redirected = true
        }
        if target.resp > 2 {
            guard target.prepareToPush() else { return }
            target.reply.append(">2\r\n$10\r\ninvalidate\r\n")
        } else if redirected && target.flags.contains(.pubsub) {
            guard target.prepareToPush() else { return }
            target.reply.append("*3\r\n$7\r\nmessage\r\n$20\r\n__redis__:invalidate\r\n")
        } else {
            return
        }
        if let keys = keys {
            RESPReplyEncoder.lengthHeader(42, keys.count, into: &target.reply)
            for k in keys { k.withUnsafeBytes { RESPReplyEncoder.bulk($0, into: &target.reply) } }
        } else {
            // The null of the tracking client's protocol, as 7.0 writes it.
            target.reply.append(c.resp > 2 ? "_\r\n" : "$-1\r\n")
        }
    }
}
