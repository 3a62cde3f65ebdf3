// Blocking commands (Redis's blocked.c, for keys): a command that finds nothing to
// serve parks its client on one or more keys with an optional deadline. Any change to
// a waited key queues it as ready (Keyspace.keyModified); after each command the
// server walks the ready keys and, for each, wakes the clients blocked on it in the
// order they blocked while the key holds a value of the awaited type: the client's
// command runs again with `servingKey` set to that key, so it is served exactly once,
// replies as the blocking command and propagates as the non-blocking one. Timeouts are
// kept in a heap and fire before the loop sleeps; CLIENT UNBLOCK, disconnects and
// CLIENT KILL release a client cleanly.
//
// The mechanism knows nothing about lists: sorted sets (BZPOPMIN ...), streams
// (XREAD BLOCK) and WAIT park their clients through the same calls.

import Glibc
import CApusSys

extension Server {
    // MARK: - Blocking

    /// Parses a blocking command's timeout (seconds, fractions allowed) as 7.0 does and
    /// returns the absolute deadline in unix ms, 0 for "forever"; nil after an error.
    func blockingDeadlineOrReply(_ c: Client, _ i: Int) -> Int64? {
        guard let t = Numbers.parseLongDouble(c.arg(i)), !t.isNaN else {
            c.addReplyError("ERR timeout is not a float or out of range")
            return nil
        }
        let ms = (t * 1000).rounded(.up)
        // C's conversion of an out-of-range value (inf included) yields LLONG_MIN on
        // x86-64, which Redis then reports as negative.
        let v: Int64 = ms < 9.2e18 && ms > -9.2e18 ? Int64(ms) : Int64.min
        if v < 0 { c.addReplyError("ERR timeout is negative"); return nil }
        return v > 0 ? v &+ mstime : 0
    }

    /// Parks `c` on the keys at argv `keys` (duplicates once) until one of them holds a
    /// `type` value, `deadline` passes (0: never) or it is released. The command's
    /// arguments stay parsed in the client meanwhile; nothing else it sent runs.
    func blockForKeys(_ c: Client, keys: Range<Int>, type: ObjectType, deadline: Int64) {
        var waited: [WaitedKey] = []
        for j in keys {
            let k = WaitedKey(db: c.dbIndex, key: c.argBytes(j))
            if waited.contains(k) { continue }
            waited.append(k)
            blockedQueues[k, default: []].append(c)
            keyspace.waitedKeys.insert(k)
        }
        c.blockedOn = waited
        c.blockedForType = type
        c.blockDeadline = deadline
        c.blockGeneration &+= 1
        c.flags.insert(.blocked)
        blockedClients += 1
        if deadline > 0 { blockTimeouts.push(deadline: deadline, client: c, generation: c.blockGeneration) }
    }

    /// Takes `c` off every queue it waits in. Its parsed command stays (the caller
    /// either runs it again or finishes it).
    func removeFromBlockingQueues(_ c: Client) {
        guard c.flags.contains(.blocked) else { return }
        for k in c.blockedOn {
            guard var q = blockedQueues[k] else { continue }
            if let i = q.firstIndex(where: { $0 === c }) { q.remove(at: i) }
            if q.isEmpty {
                blockedQueues[k] = nil
                keyspace.waitedKeys.remove(k)
            } else {
                blockedQueues[k] = q
            }
        }
        c.blockedOn = []
        c.blockDeadline = 0
        c.flags.remove(.blocked)
        blockedClients -= 1
    }

    /// Ends a block that did not serve the command (timeout, CLIENT UNBLOCK): the reply
    /// was written by the caller; the command is finished and the client's further
    /// input is processed before the loop sleeps.
    func unblockClient(_ c: Client) {
        removeFromBlockingQueues(c)
        finishCommand(c)
        queueForInputAfterUnblock(c)
    }

    private func queueForInputAfterUnblock(_ c: Client) {
        if c.queuedAfterUnblock { return }
        c.queuedAfterUnblock = true
        unblockedClients.append(c)
    }

    /// What a blocked client answers when its time is up or CLIENT UNBLOCK ... TIMEOUT
    /// releases it (replyToBlockedClientTimedOut): a null array for key waits.
    func replyBlockedTimedOut(_ c: Client) {
        if c.flags.contains(.waitingAcks) {
            // WAIT answers how many replicas acknowledged by then.
            removeWaitingClient(c)
            c.flags.remove(.waitingAcks)
            c.addReplyInteger(countAcks(atLeast: c.waitOffset))
            return
        }
        c.addReplyNullArray()
    }

    // MARK: - Serving ready keys

    /// Serves the clients blocked on keys that changed (handleClientsBlockedOnKeys).
    /// Serving may ready more keys (BLMOVE pushes): those are served in turn.
    func handleClientsBlockedOnKeys() {
        while !keyspace.readyKeys.isEmpty {
            for k in keyspace.takeReadyKeys() {
                guard let queue = blockedQueues[k] else { continue }
                let db = keyspace.dbs[k.db]
                for c in queue {
                    guard c.flags.contains(.blocked), c.blockedOn.contains(k) else { continue }
                    if c.blockedForType == .stream {
                        // A stream reader is served only if the stream has something
                        // after its ID; the others in the queue may still be.
                        switch StreamCommands.wokenReaderIsReady(c, key: k.key, db: db, now: mstime) {
                        case .wait: continue
                        case .serve: serveBlockedClient(c, key: k.key)
                        case .fail(let message):
                            c.streamWait = nil
                            c.addReplyError(message)
                            unblockClient(c)
                        }
                        continue
                    }
                    // Stop once the key no longer holds what the waiters want (the
                    // previous one may have emptied it).
                    let present = k.key.withUnsafeBytes { key -> Bool in
                        guard let e = db.lookupReadNoStats(key, now: mstime, touch: false) else { return false }
                        return e.type == c.blockedForType
                    }
                    if !present { break }
                    serveBlockedClient(c, key: k.key)
                }
            }
        }
    }

    /// Runs `c`'s parked command again for the ready `key`.
    private func serveBlockedClient(_ c: Client, key: [UInt8]) {
        removeFromBlockingQueues(c)
        guard let cmd = c.currentCommand else { return }
        c.servingKey = key
        c.flags.insert(.reprocessing)
        let previous = currentClient
        call(c, cmd)
        currentClient = previous
        c.flags.remove(.reprocessing)
        c.servingKey = nil
        if !c.flags.contains(.blocked) {
            finishCommand(c)
            queueForInputAfterUnblock(c)
        }
    }

    // MARK: - Timeouts and release

    /// Before the loop sleeps: times out expired blocks, then lets unblocked clients
    /// run what they sent meanwhile.
    func blockedBeforeSleep() {
        if !blockTimeouts.isEmpty { handleBlockedClientsTimeout() }
        if !unblockedClients.isEmpty { processUnblockedClients() }
    }

    func handleBlockedClientsTimeout() {
        let now = Int64(apus_mstime())
        while let top = blockTimeouts.peek, top.deadline <= now {
            blockTimeouts.pop()
            let c = top.client
            guard c.flags.contains(.blocked), c.blockGeneration == top.generation, clientIsConnected(c) else { continue }
            replyBlockedTimedOut(c)
            unblockClient(c)
        }
    }

    func processUnblockedClients() {
        while !unblockedClients.isEmpty {
            let list = unblockedClients
            unblockedClients.removeAll()
            for c in list {
                c.queuedAfterUnblock = false
                guard clientIsConnected(c), !c.flags.contains(.blocked) else { continue }
                processInputBuffer(c)
            }
        }
    }

    /// Milliseconds until the nearest block deadline (for the poll timeout), nil if none.
    var msUntilNextBlockTimeout: Int64? {
        guard let top = blockTimeouts.peek else { return nil }
        return max(0, top.deadline - Int64(apus_mstime()))
    }

    /// Blocked clients that have a deadline (INFO clients_in_timeout_table).
    var blockedClientsWithTimeout: Int {
        clientList.reduce(0) { $0 + ($1.flags.contains(.blocked) && $1.blockDeadline > 0 ? 1 : 0) }
    }

    @inline(__always) func clientIsConnected(_ c: Client) -> Bool {
        Int(c.fd) < clientsByFd.count && clientsByFd[Int(c.fd)] === c
    }
}

/// Block deadlines, earliest first. Entries are not removed when a client is unblocked
/// early: a popped entry whose generation no longer matches its client is skipped.
struct BlockTimeoutHeap {
    struct Item {
        let deadline: Int64
        let client: Client
        let generation: UInt32
    }
    private var items: [Item] = []

    var isEmpty: Bool { items.isEmpty }
    var peek: Item? { items.first }

    mutating func push(deadline: Int64, client: Client, generation: UInt32) {
        items.append(Item(deadline: deadline, client: client, generation: generation))
        var i = items.count - 1
        while i > 0 {
            let parent = (i - 1) / 2
            if items[parent].deadline <= items[i].deadline { break }
            items.swapAt(parent, i)
            i = parent
        }
    }

    mutating func pop() {
        guard !items.isEmpty else { return }
        items.swapAt(0, items.count - 1)
        items.removeLast()
        var i = 0
        while true {
            let l = 2 * i + 1, r = l + 1
            var m = i
            if l < items.count && items[l].deadline < items[m].deadline { m = l }
            if r < items.count && items[r].deadline < items[m].deadline { m = r }
            if m == i { break }
            items.swapAt(i, m)
            i = m
        }
    }
}
