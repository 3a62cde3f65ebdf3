// Cluster mode: the slot map read with CLUSTER SLOTS (masters, their ids and owned slots),
// a table of short hash tags (one per slot) used to aim `{tag}` keys at a chosen master,
// and the shared, versioned map the worker threads consult and refresh after MOVED.

import Glibc
import ApusCore
import Synchronization
import CApusSys

public struct ClusterNode: Equatable {
    public var endpoint: Endpoint
    public var id: String
    public var slots: [Int]
}

/// An immutable picture of the cluster; replaced as a whole when refreshed.
public final class SlotMap {
    public let masters: [ClusterNode]
    /// slot -> index into `masters`, -1 when no master serves it.
    public let owner: [Int16]

    public init(masters: [ClusterNode]) {
        var owner = [Int16](repeating: -1, count: HashSlot.count)
        for (i, m) in masters.enumerated() { for s in m.slots { owner[s] = Int16(i) } }
        self.masters = masters
        self.owner = owner
    }

    public func index(of e: Endpoint) -> Int? { masters.firstIndex { $0.endpoint == e } }

    /// Reads the map from any node. Masters are listed in the order CLUSTER SLOTS names them,
    /// each once; slots of several ranges are merged.
    public static func fetch(from endpoint: Endpoint, auth: [[UInt8]]?, timeoutMs: Int32 = 5000) throws -> SlotMap {
        let c = try SyncConnection(endpoint, timeoutMs: timeoutMs)
        if let a = auth {
            let r = try c.command(a)
            if case .error(let e) = r { throw ConnectionError(e) }
        }
        let reply = try c.command("CLUSTER", "SLOTS")
        if case .error(let e) = reply { throw ConnectionError(e) }
        return try parse(reply, fallbackHost: endpoint.host)
    }

    static func parse(_ reply: RESPValue, fallbackHost: String) throws -> SlotMap {
        guard let ranges = reply.elements else { throw ConnectionError("unexpected CLUSTER SLOTS reply") }
        var masters: [ClusterNode] = []
        for r in ranges {
            guard let f = r.elements, f.count >= 3, case .integer(let lo) = f[0], case .integer(let hi) = f[1],
                  let node = f[2].elements, node.count >= 2, case .integer(let port) = node[1] else { continue }
            var host = node[0].text ?? ""
            // An empty or "?" address means "the address you reached me on".
            if host.isEmpty || host == "?" { host = fallbackHost }
            let id = node.count > 2 ? node[2].text ?? "" : ""
            let e = Endpoint(host: host, port: Int(port))
            let slots = Array(Int(lo)...Int(hi))
            if let i = masters.firstIndex(where: { $0.endpoint == e }) {
                masters[i].slots += slots
            } else {
                masters.append(ClusterNode(endpoint: e, id: id, slots: slots))
            }
        }
        for i in masters.indices { masters[i].slots.sort() }
        return SlotMap(masters: masters)
    }
}

/// For every slot a 1-3 character tag hashing to it, padded with '}' to 3 bytes so it can be
/// written over the "tag" of a "{tag}" placeholder: "{a}}}" hashes on "a".
public enum SlotTags {
    public static let table: [(UInt8, UInt8, UInt8)] = build()

    static func build() -> [(UInt8, UInt8, UInt8)] {
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
        let pad = UInt8(ascii: "}")
        var table = [(UInt8, UInt8, UInt8)](repeating: (0, 0, 0), count: HashSlot.count)
        var found = [Bool](repeating: false, count: HashSlot.count)
        var left = HashSlot.count
        func offer(_ t: [UInt8]) {
            let slot = Int(CRC16.checksum(t) & 0x3FFF)
            if !found[slot] {
                found[slot] = true
                left -= 1
                table[slot] = (t[0], t.count > 1 ? t[1] : pad, t.count > 2 ? t[2] : pad)
            }
        }
        for a in alphabet { offer([a]) }
        for a in alphabet { for b in alphabet { offer([a, b]) } }
        for a in alphabet { for b in alphabet { for c in alphabet where left > 0 { offer([a, b, c]) } } }
        precondition(left == 0, "no short tag for \(left) slots")
        return table
    }
}

/// The map shared by all worker threads: a lock for replacing it, a generation counter the
/// workers poll cheaply to learn that their copy is stale.
public final class SharedSlotMap {
    private var map: SlotMap
    private var lock = pthread_mutex_t()
    public let generation = Atomic<Int>(0)
    private var lastRefreshUs: UInt64 = 0
    let seeds: [Endpoint]
    let auth: [[UInt8]]?

    public init(_ map: SlotMap, seeds: [Endpoint], auth: [[UInt8]]?) {
        self.map = map
        self.seeds = seeds
        self.auth = auth
        pthread_mutex_init(&lock, nil)
    }

    public var current: SlotMap {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        return map
    }

    /// Re-reads CLUSTER SLOTS (from the known masters, then the seeds), at most every
    /// `minIntervalUs` unless forced. Returns whether the map changed.
    @discardableResult
    public func refresh(minIntervalUs: UInt64 = 100_000) -> Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        let now = monotonicMicros()
        if now &- lastRefreshUs < minIntervalUs { return false }
        lastRefreshUs = now
        for e in map.masters.map(\.endpoint) + seeds {
            guard let fresh = try? SlotMap.fetch(from: e, auth: auth), !fresh.masters.isEmpty else { continue }
            let changed = fresh.masters != map.masters
            if changed {
                map = fresh
                generation.wrappingAdd(1, ordering: .releasing)
            }
            return changed
        }
        return false
    }
}

@inline(__always) func monotonicMicros() -> UInt64 { apus_monotonic_us() }
