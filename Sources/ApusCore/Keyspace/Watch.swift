// WATCH (the keyspace side of Redis's multi.c): which clients watch which keys, and
// the touches that make their next EXEC fail. The write path's one "key modified"
// signal (Keyspace.keyModified) and the expiry of a key touch it; FLUSHDB/FLUSHALL
// and SWAPDB touch every watched key that exists on either side, before they run.
//
// 7.0's rule for a key that was already logically expired when WATCHed is kept: it
// does not count as changed when it is finally deleted, and EXEC fails only for
// watched keys that expire after the WATCH (isWatchedKeyExpired).

/// One client watching one key.
final class WatchedKey {
    unowned(unsafe) let client: Client
    let key: WaitedKey
    /// The key was logically expired when watched.
    var expired: Bool

    init(client: Client, key: WaitedKey, expired: Bool) {
        self.client = client
        self.key = key
        self.expired = expired
    }
}

extension Keyspace {
    /// True when `key` exists in `db` (expired or not) and its TTL has passed.
    func keyIsExpired(db: Int, _ key: [UInt8]) -> Bool {
        guard let e = key.withUnsafeBytes({ dbs[db].table.find($0, hash: KeyHash.hash($0)) }) else { return false }
        return e.hasExpire && clock() > e.expireAt
    }

    private func keyExists(db: Int, _ key: [UInt8]) -> Bool {
        key.withUnsafeBytes { dbs[db].table.find($0, hash: KeyHash.hash($0)) != nil }
    }

    /// WATCH of one key by `c` in `db` (nothing if it already watches it).
    func watch(_ c: Client, db: Int, key: [UInt8]) {
        let k = WaitedKey(db: db, key: key)
        if c.watched.contains(where: { $0.key == k }) { return }
        let w = WatchedKey(client: c, key: k, expired: keyIsExpired(db: db, key))
        c.watched.append(w)
        watchedKeys[k, default: []].append(w)
    }

    /// UNWATCH (also EXEC, DISCARD, RESET and a disconnect).
    func unwatchAll(_ c: Client) {
        for w in c.watched {
            var list = watchedKeys[w.key]!
            list.removeAll { $0 === w }
            watchedKeys[w.key] = list.isEmpty ? nil : list
        }
        c.watched.removeAll()
    }

    /// At EXEC: some watched key that was not expired when watched has expired since.
    func isWatchedKeyExpired(_ c: Client) -> Bool {
        c.watched.contains { !$0.expired && keyIsExpired(db: $0.key.db, $0.key.key) }
    }

    /// A watched key changed (touchWatchedKey): its watchers' EXEC will fail.
    @inline(never)
    func touchWatchedKey(db: Int, key: UnsafeRawBufferPointer) {
        let k = WaitedKey(db: db, key: Array(key))
        guard let list = watchedKeys[k] else { return }
        for w in list {
            if w.expired {
                // Watched while already expired: its deletion is no logical change.
                // (7.0 stops looking at this key's other watchers here.)
                if !keyExists(db: db, k.key) {
                    w.expired = false
                    continue
                }
                break
            }
            w.client.flags.insert(.dirtyCAS)
            // Nothing more can happen to a doomed transaction: stop watching early.
            unwatchAll(w.client)
        }
    }

    /// Before database `emptied` is flushed (`replacedWith` nil) or swapped with
    /// `replacedWith`: every watched key that exists in either counts as changed.
    /// Every watching client's next EXEC fails: the whole dataset was replaced (a
    /// replica's full sync swapping in its master's data).
    func touchAllWatchedKeys() {
        for (_, list) in watchedKeys {
            for w in list { w.client.flags.insert(.dirtyCAS) }
        }
    }

    func touchAllWatchedKeysInDb(_ emptied: Int, replacedWith: Int?) {
        if watchedKeys.isEmpty { return }
        for (k, list) in watchedKeys where k.db == emptied {
            let inEmptied = keyExists(db: emptied, k.key)
            let inReplacement = replacedWith.map { keyExists(db: $0, k.key) } ?? false
            if !inEmptied && !inReplacement { continue }
            for w in list {
                if w.expired {
                    if !inReplacement {
                        w.expired = false
                        continue
                    } else if keyIsExpired(db: replacedWith!, k.key) {
                        continue
                    }
                } else if !inEmptied, let r = replacedWith, keyIsExpired(db: r, k.key) {
                    w.expired = true
                    continue
                }
                w.client.flags.insert(.dirtyCAS)
            }
        }
    }
}
