// Choosing keys to evict under maxmemory (Redis's evict.c, the keyspace half): the
// eight 7.0 policies, and the approximation 7.0 uses for LRU, LFU and volatile-ttl —
// sample `maxmemory-samples` keys of every database (only keys with a TTL for the
// volatile policies), keep the best 16 candidates seen so far in a pool ordered by
// "idle" score (idle time, 255 - LFU counter, or time left to live), and evict from
// its best end. The random policies take a random key of the next non-empty database.
// The eviction loop itself (how much to free, time bounds, the timer that finishes a
// long eviction) is in Server/Server+Eviction.swift; deletions go through
// Database.evict, on the one write path.

/// maxmemory-policy.
public enum EvictionPolicy: Equatable {
    case noEviction, allKeysLRU, volatileLRU, allKeysLFU, volatileLFU, allKeysRandom, volatileRandom, volatileTTL

    public init(name: String) {
        switch name {
        case "allkeys-lru": self = .allKeysLRU
        case "volatile-lru": self = .volatileLRU
        case "allkeys-lfu": self = .allKeysLFU
        case "volatile-lfu": self = .volatileLFU
        case "allkeys-random": self = .allKeysRandom
        case "volatile-random": self = .volatileRandom
        case "volatile-ttl": self = .volatileTTL
        default: self = .noEviction
        }
    }

    var allKeys: Bool { self == .allKeysLRU || self == .allKeysLFU || self == .allKeysRandom }
    var usesPool: Bool { self != .noEviction && self != .allKeysRandom && self != .volatileRandom }
}

/// The eviction machinery's state, kept between passes.
struct EvictionState {
    var policy = EvictionPolicy.noEviction
    var pool = EvictionPool()
    var randomCursor = 0
    /// An eviction pass ran out of time: the loop keeps evicting between events.
    var running = false
}

/// The best candidates seen so far, ordered by ascending score: the best at the end.
/// Key buffers are reused, so a warm pool allocates nothing.
struct EvictionPool {
    static let size = 16
    var score = [UInt64](repeating: 0, count: size)
    var db = [Int](repeating: 0, count: size)
    var keys = [[UInt8]](repeating: [], count: size)
    var used = [Bool](repeating: false, count: size)

    /// Inserts a candidate unless the pool is full of better ones (evictionPoolPopulate).
    mutating func insert(score s: UInt64, db d: Int, key: UnsafeRawBufferPointer) {
        var k = 0
        while k < EvictionPool.size && used[k] && score[k] < s { k += 1 }
        if k == 0 && used[EvictionPool.size - 1] { return }   // worse than everything held
        if k < EvictionPool.size && !used[k] {
            // An empty slot where it belongs.
        } else if !used[EvictionPool.size - 1] {
            // Room at the right: shift the better ones right, reusing the last buffer.
            let spare = keys[EvictionPool.size - 1]
            var i = EvictionPool.size - 1
            while i > k {
                score[i] = score[i - 1]; db[i] = db[i - 1]; keys[i] = keys[i - 1]; used[i] = used[i - 1]
                i -= 1
            }
            keys[k] = spare
        } else {
            // Full: drop the worst (left end), shift the left part down.
            k -= 1
            let spare = keys[0]
            var i = 0
            while i < k {
                score[i] = score[i + 1]; db[i] = db[i + 1]; keys[i] = keys[i + 1]; used[i] = used[i + 1]
                i += 1
            }
            keys[k] = spare
        }
        keys[k].removeAll(keepingCapacity: true)
        keys[k].append(contentsOf: key)
        score[k] = s
        db[k] = d
        used[k] = true
    }

    /// Removes every candidate (CONFIG SET maxmemory-policy, FLUSHALL).
    mutating func clear() {
        for i in 0..<EvictionPool.size { used[i] = false }
    }
}

extension Keyspace {
    /// The eviction score of an entry: higher means a better candidate.
    @inline(__always)
    func evictionScore(_ e: KeyEntry, _ policy: EvictionPolicy) -> UInt64 {
        switch policy {
        case .allKeysLFU, .volatileLFU:
            return 255 - UInt64(lfuDecayedCounter(e.lru))
        case .volatileTTL:
            return UInt64.max - UInt64(max(e.expireAt, 0))
        default:
            // Idle time in ms from the 24-bit seconds clock, with wrap-around.
            let now = UInt64(lruClock), stamp = UInt64(e.lru)
            return (now >= stamp ? now - stamp : now + (0xFF_FFFF - stamp)) * 1000
        }
    }

    /// Adds `samples` keys of every database to the pool; false when no database
    /// holds a key the policy may evict.
    func populateEvictionPool(_ pool: inout EvictionPool, policy: EvictionPolicy, samples: Int) -> Bool {
        var any = false
        for db in dbs {
            let n = policy.allKeys ? db.count : db.expiresCount
            if n == 0 { continue }
            any = true
            if n <= samples {
                // A database this small is sampled whole, as dictGetSomeKeys returns every key.
                if policy.allKeys {
                    db.table.forEach { e in pool.insert(score: evictionScore(e, policy), db: db.id, key: e.key) }
                } else {
                    for i in 0..<n {
                        let e = db.expires.entry(at: i)
                        pool.insert(score: evictionScore(e, policy), db: db.id, key: e.key)
                    }
                }
                continue
            }
            for _ in 0..<samples {
                guard let e = policy.allKeys ? db.table.randomEntry() : db.expires.randomSample() else { continue }
                pool.insert(score: evictionScore(e, policy), db: db.id, key: e.key)
            }
        }
        return any
    }

    /// The next key to evict, as (database, key bytes); nil when nothing can go.
    func nextEvictionCandidate(_ st: inout EvictionState, samples: Int) -> (Int, [UInt8])? {
        let policy = st.policy
        if policy == .noEviction { return nil }
        if !policy.usesPool {
            for _ in 0..<dbs.count {
                st.randomCursor = (st.randomCursor + 1) % dbs.count
                let db = dbs[st.randomCursor]
                let e = policy.allKeys ? db.table.randomEntry() : db.expires.randomSample()
                if let e = e { return (db.id, Array(e.key)) }
            }
            return nil
        }
        while true {
            guard populateEvictionPool(&st.pool, policy: policy, samples: samples) else { return nil }
            var k = EvictionPool.size - 1
            while k >= 0 {
                if st.pool.used[k] {
                    st.pool.used[k] = false
                    let d = st.pool.db[k]
                    // The candidate may be gone (deleted, or its TTL removed) since it was sampled.
                    let found = st.pool.keys[k].withUnsafeBytes { dbs[d].peek($0) }
                    if let e = found, policy.allKeys || e.hasExpire { return (d, st.pool.keys[k]) }
                }
                k -= 1
            }
        }
    }
}

extension Database {
    /// Deletes a key chosen by eviction: the write path with the "evicted" event, the
    /// deletion propagated as DEL (UNLINK when `lazy`), WATCH and tracking told.
    @discardableResult
    public func evict(_ key: UnsafeRawBufferPointer, lazy: Bool) -> Bool {
        let h = KeyHash.hash(key)
        guard let e = table.find(key, hash: h) else { return false }
        willModify(e)
        unlink(e, hash: h)
        keyspace.keyEvicted(db: id, key: e.key, lazy: lazy)
        keyspace.freeEntry(e, lazy: lazy)
        return true
    }
}
