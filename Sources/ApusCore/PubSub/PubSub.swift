// Publish/subscribe state and delivery (Redis's pubsub.c): which clients listen to
// which channels, shard channels and glob patterns, and the fan-out of a message.
//
// Each channel (and pattern) maps to its subscribers in subscription order, so a
// publisher's messages reach every subscriber in the order they were published. A
// message is encoded once: a RESP2 array and a RESP3 push frame differ only in their
// first byte (`*` against `>`), so the frame is built once and each subscriber gets
// its protocol's first byte and then the shared bytes. Each client's own subscriptions
// live in a side object it has only once it subscribes, so other clients pay one word.
//
// Shard channels (SSUBSCRIBE/SPUBLISH) behave as 7.0.15 standalone: a namespace of
// their own, no pattern matching.

/// The clients subscribed to one channel or pattern, in subscription order.
final class Subscribers {
    var clients: [Client] = []
}

/// Insertion-ordered set of names (a client's channels or patterns).
struct OrderedNames {
    private(set) var names: [[UInt8]] = []
    private var members: Set<[UInt8]> = []

    var count: Int { names.count }
    var isEmpty: Bool { names.isEmpty }

    /// True when `name` was not there.
    mutating func insert(_ name: [UInt8]) -> Bool {
        if !members.insert(name).inserted { return false }
        names.append(name)
        return true
    }

    /// True when `name` was there.
    mutating func remove(_ name: [UInt8]) -> Bool {
        if members.remove(name) == nil { return false }
        names.remove(at: names.firstIndex(of: name)!)
        return true
    }
}

/// What one client is subscribed to.
final class ClientSubscriptions {
    var channels = OrderedNames()
    var patterns = OrderedNames()
    var shardChannels = OrderedNames()

    /// Redis's clientSubscriptionsCount: channels plus patterns (the count the
    /// (un)subscribe replies carry for them).
    var count: Int { channels.count + patterns.count }
    var total: Int { count + shardChannels.count }

    /// Runs `body` on the names of one kind.
    func withNames<R>(_ k: PubSub.Kind, _ body: (inout OrderedNames) -> R) -> R {
        switch k {
        case .channel: return body(&channels)
        case .shardChannel: return body(&shardChannels)
        case .pattern: return body(&patterns)
        }
    }
}

/// The server's side: channel, shard channel and pattern → subscribers.
final class PubSub {
    private(set) var channels: [[UInt8]: Subscribers] = [:]
    private(set) var shardChannels: [[UInt8]: Subscribers] = [:]
    private(set) var patterns: [[UInt8]: Subscribers] = [:]

    enum Kind { case channel, shardChannel, pattern }

    private func table(_ k: Kind) -> [[UInt8]: Subscribers] {
        switch k {
        case .channel: return channels
        case .shardChannel: return shardChannels
        case .pattern: return patterns
        }
    }

    private func modify<R>(_ k: Kind, _ body: (inout [[UInt8]: Subscribers]) -> R) -> R {
        switch k {
        case .channel: return body(&channels)
        case .shardChannel: return body(&shardChannels)
        case .pattern: return body(&patterns)
        }
    }

    func subscribers(_ k: Kind, _ name: [UInt8]) -> Int { table(k)[name]?.clients.count ?? 0 }

    /// Adds `c` under `name`; false when it was already subscribed.
    func subscribe(_ c: Client, _ k: Kind, _ name: [UInt8]) -> Bool {
        let subs = c.subscriptions ?? ClientSubscriptions()
        c.subscriptions = subs
        if !subs.withNames(k, { $0.insert(name) }) { return false }
        modify(k) { t in
            if let s = t[name] { s.clients.append(c) } else {
                let s = Subscribers()
                s.clients.append(c)
                t[name] = s
            }
        }
        return true
    }

    /// Removes `c` from `name`; false when it was not subscribed.
    func unsubscribe(_ c: Client, _ k: Kind, _ name: [UInt8]) -> Bool {
        guard let subs = c.subscriptions, subs.withNames(k, { $0.remove(name) }) else { return false }
        modify(k) { t in
            let s = t[name]!
            s.clients.remove(at: s.clients.firstIndex { $0 === c }!)
            // A channel nobody listens to any more goes, so that subscribing to many
            // channels once does not leave them behind.
            if s.clients.isEmpty { t[name] = nil }
        }
        return true
    }

    /// Drops every subscription of a client that goes away (or RESETs), silently.
    func unsubscribeAll(_ c: Client) {
        guard let subs = c.subscriptions else { return }
        for n in subs.channels.names { _ = unsubscribe(c, .channel, n) }
        for n in subs.patterns.names { _ = unsubscribe(c, .pattern, n) }
        for n in subs.shardChannels.names { _ = unsubscribe(c, .shardChannel, n) }
        c.subscriptions = nil
        c.flags.remove(.pubsub)
    }

    /// Delivers `message` on `channel`: to its subscribers, then (not for a shard
    /// channel) to those of every matching pattern. Returns the number of deliveries,
    /// as PUBLISH counts them (a client reached through a channel and a pattern
    /// counts twice).
    func publish(channel: UnsafeRawBufferPointer, message: UnsafeRawBufferPointer, shard: Bool) -> Int {
        var receivers = 0
        // The table is keyed by arrays: the lookup key reuses one buffer (no allocation
        // per PUBLISH once it has grown).
        lookupKey.removeAll(keepingCapacity: true)
        lookupKey.append(contentsOf: channel)
        if let s = (shard ? shardChannels : channels)[lookupKey] {
            PubSub.frame(shard ? "smessage" : "message", nil, channel, message, into: &scratch)
            for c in s.clients { c.addPushFrame(scratch.readableView) }
            receivers += s.clients.count
        }
        if shard || patterns.isEmpty { return receivers }
        for (pattern, s) in patterns {
            let matches = pattern.withUnsafeBytes { Glob.match($0, channel, nocase: false) }
            if !matches { continue }
            pattern.withUnsafeBytes { PubSub.frame("pmessage", $0, channel, message, into: &scratch) }
            for c in s.clients { c.addPushFrame(scratch.readableView) }
            receivers += s.clients.count
        }
        return receivers
    }

    private var lookupKey: [UInt8] = []
    /// Where each message frame is encoded, once for all its receivers.
    private var scratch = ByteBuffer(capacity: 256)

    deinit { scratch.free() }

    /// A message frame without its type byte, into `b` (replacing what it held): the
    /// element count and CRLF, then the kind, the pattern if any, the channel and the
    /// message as bulk strings.
    static func frame(_ kind: StaticString, _ pattern: UnsafeRawBufferPointer?, _ channel: UnsafeRawBufferPointer,
                      _ message: UnsafeRawBufferPointer, into b: inout ByteBuffer) {
        b.reset(shrinkTo: 64 * 1024)
        b.append(pattern == nil ? "3\r\n" : "4\r\n")
        RESPReplyEncoder.bulk(UnsafeRawBufferPointer(start: kind.utf8Start, count: kind.utf8CodeUnitCount), into: &b)
        if let p = pattern { RESPReplyEncoder.bulk(p, into: &b) }
        RESPReplyEncoder.bulk(channel, into: &b)
        RESPReplyEncoder.bulk(message, into: &b)
    }
}

extension Client {
    /// Appends a message frame (see PubSub.frame) with this client's protocol's type
    /// byte. Messages reach the client even under CLIENT REPLY OFF/SKIP, as in Redis
    /// (they are pushed, not replies); a client being closed takes nothing.
    func addPushFrame(_ frame: UnsafeRawBufferPointer) {
        guard prepareToPush() else { return }
        reply.append(byte: resp == 2 ? 42 : 62)
        reply.append(frame)
    }
}
