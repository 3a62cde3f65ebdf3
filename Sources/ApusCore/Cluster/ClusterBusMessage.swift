// The cluster bus wire format of Redis 7.0 (cluster.h's clusterMsg, version 1), as plain
// values: the 2256-byte header every message starts with (signature "RCmb", total
// length, type, the sender's epochs, replication offset, name, slot bitmap, master,
// announced IP and ports, flags, cluster state, message flags) and the bodies —
// gossip entries of 104 bytes for PING/PONG/MEET followed by 8-byte aligned ping
// extensions (7.0 sends the hostname one), the failing node for FAIL, channel and
// message for PUBLISH/PUBLISHSHARD, a slot owner's configuration for UPDATE, module
// payloads. Multi-byte integers are big-endian, as Redis converts them with htonl /
// htons / htonu64. Decoding checks what Redis's clusterIsValidPacket checks.

/// Node flags as the bus and nodes.conf carry them (CLUSTER_NODE_*).
public struct ClusterNodeFlags: OptionSet, Equatable {
    public let rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }
    public static let master = ClusterNodeFlags(rawValue: 1)
    public static let replica = ClusterNodeFlags(rawValue: 2)
    public static let pfail = ClusterNodeFlags(rawValue: 4)
    public static let fail = ClusterNodeFlags(rawValue: 8)
    public static let myself = ClusterNodeFlags(rawValue: 16)
    public static let handshake = ClusterNodeFlags(rawValue: 32)
    public static let noAddress = ClusterNodeFlags(rawValue: 64)
    public static let meet = ClusterNodeFlags(rawValue: 128)
    public static let migrateTo = ClusterNodeFlags(rawValue: 256)
    public static let noFailover = ClusterNodeFlags(rawValue: 512)
}

public enum ClusterMessageType: UInt16 {
    case ping = 0, pong, meet, fail, publish, failoverAuthRequest, failoverAuthAck, update, mfStart, module, publishShard
}

/// A 16384-bit slot bitmap, slot j at byte j/8, bit j%8 (Redis's order).
public struct SlotBitmap: Equatable {
    public static let byteCount = 2048
    public var bytes = [UInt8](repeating: 0, count: SlotBitmap.byteCount)

    public init() {}
    public init(bytes: [UInt8]) { self.bytes = bytes }

    public subscript(slot: Int) -> Bool {
        get { bytes[slot >> 3] & (1 << UInt8(slot & 7)) != 0 }
        set {
            if newValue { bytes[slot >> 3] |= 1 << UInt8(slot & 7) } else { bytes[slot >> 3] &= ~(1 << UInt8(slot & 7)) }
        }
    }

    public var count: Int { bytes.reduce(0) { $0 + $1.nonzeroBitCount } }
}

/// One gossip entry: what the sender knows about another node.
public struct ClusterGossip: Equatable {
    public var name: String
    public var pingSent: UInt32
    public var pongReceived: UInt32
    public var ip: String
    public var port: UInt16
    public var cport: UInt16
    public var flags: ClusterNodeFlags
    public var pport: UInt16

    public init(name: String, pingSent: UInt32, pongReceived: UInt32, ip: String, port: UInt16, cport: UInt16,
                flags: ClusterNodeFlags, pport: UInt16) {
        self.name = name
        self.pingSent = pingSent
        self.pongReceived = pongReceived
        self.ip = ip
        self.port = port
        self.cport = cport
        self.flags = flags
        self.pport = pport
    }
}

public struct ClusterBusMessage: Equatable {
    public enum Body: Equatable {
        /// PING, PONG, MEET: gossip and (7.0) the hostname extension.
        case ping(gossip: [ClusterGossip], hostname: String?)
        case fail(node: String)
        case publish(channel: [UInt8], message: [UInt8])
        case update(configEpoch: UInt64, node: String, slots: SlotBitmap)
        case module(id: UInt64, type: UInt8, payload: [UInt8])
        /// FAILOVER_AUTH_REQUEST/ACK, MFSTART: the header says it all.
        case none
    }

    public static let headerSize = 2256
    static let nameLength = 40
    static let ipLength = 46
    static let gossipSize = 104
    /// mflags[0] bits.
    public static let flagPaused: UInt8 = 1
    public static let flagForceAck: UInt8 = 2
    public static let flagExtData: UInt8 = 4

    public var type: ClusterMessageType
    public var port: UInt16
    public var currentEpoch: UInt64
    public var configEpoch: UInt64
    public var offset: UInt64
    public var sender: String
    public var slots: SlotBitmap
    /// The sender's master, nil for a master (all zeros on the wire).
    public var replicaOf: String?
    /// The announced IP, nil when not announced (all zeros).
    public var ip: String?
    public var pport: UInt16
    public var cport: UInt16
    public var flags: ClusterNodeFlags
    /// 0 ok, 1 fail (CLUSTER_OK / CLUSTER_FAIL).
    public var state: UInt8
    public var mflags: (UInt8, UInt8, UInt8)
    public var body: Body

    public init(type: ClusterMessageType, port: UInt16, currentEpoch: UInt64, configEpoch: UInt64, offset: UInt64,
                sender: String, slots: SlotBitmap, replicaOf: String?, ip: String?, pport: UInt16, cport: UInt16,
                flags: ClusterNodeFlags, state: UInt8, mflags: (UInt8, UInt8, UInt8) = (0, 0, 0), body: Body) {
        self.type = type
        self.port = port
        self.currentEpoch = currentEpoch
        self.configEpoch = configEpoch
        self.offset = offset
        self.sender = sender
        self.slots = slots
        self.replicaOf = replicaOf
        self.ip = ip
        self.pport = pport
        self.cport = cport
        self.flags = flags
        self.state = state
        self.mflags = mflags
        self.body = body
    }

    public static func == (a: ClusterBusMessage, b: ClusterBusMessage) -> Bool {
        a.type == b.type && a.port == b.port && a.currentEpoch == b.currentEpoch && a.configEpoch == b.configEpoch
            && a.offset == b.offset && a.sender == b.sender && a.slots == b.slots && a.replicaOf == b.replicaOf
            && a.ip == b.ip && a.pport == b.pport && a.cport == b.cport && a.flags == b.flags && a.state == b.state
            && a.mflags == b.mflags && a.body == b.body
    }

    public enum DecodeError: Error, Equatable {
        case tooShort, badSignature, badVersion, badLength, unknownType(UInt16)
    }

    // MARK: - Decoding

    /// The total length announced by a message's first 8 bytes (0 when not known yet),
    /// so a reader knows how much to wait for.
    public static func announcedLength(_ p: [UInt8]) -> Int {
        p.count < 8 ? 0 : Int(readU32(p, 4))
    }

    public init(decoding p: [UInt8]) throws {
        guard p.count >= 8 else { throw DecodeError.tooShort }
        guard p[0] == 0x52, p[1] == 0x43, p[2] == 0x6d, p[3] == 0x62 else { throw DecodeError.badSignature }
        let total = Int(ClusterBusMessage.readU32(p, 4))
        guard total == p.count, total >= ClusterBusMessage.headerSize else { throw DecodeError.badLength }
        guard ClusterBusMessage.readU16(p, 8) == 1 else { throw DecodeError.badVersion }
        let rawType = ClusterBusMessage.readU16(p, 12)
        guard let t = ClusterMessageType(rawValue: rawType) else { throw DecodeError.unknownType(rawType) }
        type = t
        port = ClusterBusMessage.readU16(p, 10)
        let count = Int(ClusterBusMessage.readU16(p, 14))
        currentEpoch = ClusterBusMessage.readU64(p, 16)
        configEpoch = ClusterBusMessage.readU64(p, 24)
        offset = ClusterBusMessage.readU64(p, 32)
        sender = ClusterBusMessage.readName(p, 40)
        slots = SlotBitmap(bytes: Array(p[80..<2128]))
        let master = ClusterBusMessage.readName(p, 2128)
        replicaOf = master.isEmpty ? nil : master
        let myip = ClusterBusMessage.readCString(p, 2168, ClusterBusMessage.ipLength)
        ip = myip.isEmpty ? nil : myip
        let extensions = Int(ClusterBusMessage.readU16(p, 2214))
        pport = ClusterBusMessage.readU16(p, 2246)
        cport = ClusterBusMessage.readU16(p, 2248)
        flags = ClusterNodeFlags(rawValue: ClusterBusMessage.readU16(p, 2250))
        state = p[2252]
        mflags = (p[2253], p[2254], p[2255])
        let h = ClusterBusMessage.headerSize
        switch t {
        case .ping, .pong, .meet:
            var gossip: [ClusterGossip] = []
            var at = h
            guard total >= h + count * ClusterBusMessage.gossipSize else { throw DecodeError.badLength }
            for _ in 0..<count {
                gossip.append(ClusterGossip(
                    name: ClusterBusMessage.readName(p, at), pingSent: ClusterBusMessage.readU32(p, at + 40),
                    pongReceived: ClusterBusMessage.readU32(p, at + 44),
                    ip: ClusterBusMessage.readCString(p, at + 48, ClusterBusMessage.ipLength),
                    port: ClusterBusMessage.readU16(p, at + 94), cport: ClusterBusMessage.readU16(p, at + 96),
                    flags: ClusterNodeFlags(rawValue: ClusterBusMessage.readU16(p, at + 98)),
                    pport: ClusterBusMessage.readU16(p, at + 100)))
                at += ClusterBusMessage.gossipSize
            }
            var hostname: String?
            if mflags.0 & ClusterBusMessage.flagExtData != 0 {
                for _ in 0..<extensions {
                    guard at + 8 <= total else { throw DecodeError.badLength }
                    let len = Int(ClusterBusMessage.readU32(p, at))
                    let extType = ClusterBusMessage.readU16(p, at + 4)
                    guard len >= 8, at + len <= total else { throw DecodeError.badLength }
                    // Unknown extension types are skipped, as 7.0 does.
                    if extType == 0 { hostname = ClusterBusMessage.readCString(p, at + 8, len - 8) }
                    at += len
                }
            }
            guard at == total else { throw DecodeError.badLength }
            body = .ping(gossip: gossip, hostname: hostname)
        case .fail:
            guard total == h + 40 else { throw DecodeError.badLength }
            body = .fail(node: ClusterBusMessage.readName(p, h))
        case .publish, .publishShard:
            guard total >= h + 8 else { throw DecodeError.badLength }
            let cl = Int(ClusterBusMessage.readU32(p, h)), ml = Int(ClusterBusMessage.readU32(p, h + 4))
            // 7.0's size: both lengths, then the channel and the message.
            guard total == h + 8 + cl + ml else { throw DecodeError.badLength }
            body = .publish(channel: Array(p[(h + 8)..<(h + 8 + cl)]), message: Array(p[(h + 8 + cl)..<(h + 8 + cl + ml)]))
        case .update:
            guard total == h + 8 + 40 + SlotBitmap.byteCount else { throw DecodeError.badLength }
            body = .update(configEpoch: ClusterBusMessage.readU64(p, h), node: ClusterBusMessage.readName(p, h + 8),
                           slots: SlotBitmap(bytes: Array(p[(h + 48)..<(h + 48 + SlotBitmap.byteCount)])))
        case .module:
            guard total >= h + 13 else { throw DecodeError.badLength }
            let len = Int(ClusterBusMessage.readU32(p, h + 8))
            guard total == h + 16 - 3 + len else { throw DecodeError.badLength }
            body = .module(id: ClusterBusMessage.readU64(p, h), type: p[h + 12], payload: Array(p[(h + 13)..<(h + 13 + len)]))
        case .failoverAuthRequest, .failoverAuthAck, .mfStart:
            guard total == h else { throw DecodeError.badLength }
            body = .none
        }
    }

    // MARK: - Encoding

    public func encoded() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: ClusterBusMessage.headerSize)
        out[0] = 0x52; out[1] = 0x43; out[2] = 0x6d; out[3] = 0x62
        ClusterBusMessage.putU16(&out, 8, 1)
        ClusterBusMessage.putU16(&out, 10, port)
        ClusterBusMessage.putU16(&out, 12, type.rawValue)
        ClusterBusMessage.putU64(&out, 16, currentEpoch)
        ClusterBusMessage.putU64(&out, 24, configEpoch)
        ClusterBusMessage.putU64(&out, 32, offset)
        ClusterBusMessage.putString(&out, 40, sender, ClusterBusMessage.nameLength)
        out.replaceSubrange(80..<2128, with: slots.bytes)
        if let m = replicaOf { ClusterBusMessage.putString(&out, 2128, m, ClusterBusMessage.nameLength) }
        if let i = ip { ClusterBusMessage.putString(&out, 2168, i, ClusterBusMessage.ipLength) }
        ClusterBusMessage.putU16(&out, 2246, pport)
        ClusterBusMessage.putU16(&out, 2248, cport)
        ClusterBusMessage.putU16(&out, 2250, flags.rawValue)
        out[2252] = state
        out[2253] = mflags.0; out[2254] = mflags.1; out[2255] = mflags.2
        switch body {
        case .ping(let gossip, let hostname):
            ClusterBusMessage.putU16(&out, 14, UInt16(gossip.count))
            for g in gossip {
                var e = [UInt8](repeating: 0, count: ClusterBusMessage.gossipSize)
                ClusterBusMessage.putString(&e, 0, g.name, ClusterBusMessage.nameLength)
                ClusterBusMessage.putU32(&e, 40, g.pingSent)
                ClusterBusMessage.putU32(&e, 44, g.pongReceived)
                ClusterBusMessage.putString(&e, 48, g.ip, ClusterBusMessage.ipLength)
                ClusterBusMessage.putU16(&e, 94, g.port)
                ClusterBusMessage.putU16(&e, 96, g.cport)
                ClusterBusMessage.putU16(&e, 98, g.flags.rawValue)
                ClusterBusMessage.putU16(&e, 100, g.pport)
                out += e
            }
            if let name = hostname {
                // The name, NUL-terminated, padded to 8 bytes (getHostnamePingExtSize).
                let padded = (name.utf8.count + 1 + 7) & ~7
                var e = [UInt8](repeating: 0, count: 8 + padded)
                ClusterBusMessage.putU32(&e, 0, UInt32(e.count))
                e.replaceSubrange(8..<(8 + name.utf8.count), with: Array(name.utf8))
                out += e
                ClusterBusMessage.putU16(&out, 2214, 1)
                out[2253] |= ClusterBusMessage.flagExtData
            }
        case .fail(let node):
            var e = [UInt8](repeating: 0, count: 40)
            ClusterBusMessage.putString(&e, 0, node, 40)
            out += e
        case .publish(let channel, let message):
            var e = [UInt8](repeating: 0, count: 8)
            ClusterBusMessage.putU32(&e, 0, UInt32(channel.count))
            ClusterBusMessage.putU32(&e, 4, UInt32(message.count))
            out += e + channel + message
        case .update(let epoch, let node, let s):
            var e = [UInt8](repeating: 0, count: 48)
            ClusterBusMessage.putU64(&e, 0, epoch)
            ClusterBusMessage.putString(&e, 8, node, 40)
            out += e + s.bytes
        case .module(let id, let t, let payload):
            var e = [UInt8](repeating: 0, count: 13)
            ClusterBusMessage.putU64(&e, 0, id)
            ClusterBusMessage.putU32(&e, 8, UInt32(payload.count))
            e[12] = t
            out += e + payload
        case .none:
            break
        }
        ClusterBusMessage.putU32(&out, 4, UInt32(out.count))
        return out
    }

    // MARK: - Fields

    static func readU16(_ p: [UInt8], _ at: Int) -> UInt16 { UInt16(p[at]) << 8 | UInt16(p[at + 1]) }
    static func readU32(_ p: [UInt8], _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for i in 0..<4 { v = v << 8 | UInt32(p[at + i]) }
        return v
    }
    static func readU64(_ p: [UInt8], _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for i in 0..<8 { v = v << 8 | UInt64(p[at + i]) }
        return v
    }
    /// A fixed-size name field: 40 characters, or empty when all zeros.
    static func readName(_ p: [UInt8], _ at: Int) -> String { readCString(p, at, nameLength) }
    static func readCString(_ p: [UInt8], _ at: Int, _ size: Int) -> String {
        var end = at
        while end < at + size && p[end] != 0 { end += 1 }
        return String(decoding: p[at..<end], as: UTF8.self)
    }
    static func putU16(_ p: inout [UInt8], _ at: Int, _ v: UInt16) {
        p[at] = UInt8(v >> 8); p[at + 1] = UInt8(v & 0xff)
    }
    static func putU32(_ p: inout [UInt8], _ at: Int, _ v: UInt32) {
        for i in 0..<4 { p[at + i] = UInt8((v >> (24 - 8 * UInt32(i))) & 0xff) }
    }
    static func putU64(_ p: inout [UInt8], _ at: Int, _ v: UInt64) {
        for i in 0..<8 { p[at + i] = UInt8((v >> (56 - 8 * UInt64(i))) & 0xff) }
    }
    static func putString(_ p: inout [UInt8], _ at: Int, _ s: String, _ size: Int) {
        let b = Array(s.utf8.prefix(size))
        p.replaceSubrange(at..<(at + b.count), with: b)
    }
}
