// client-output-buffer-limit enforcement (Redis's checkClientOutputBufferLimits and
// closeClientOnOutputBufferLimitReached in networking.c). Each client class (normal,
// replica, pub/sub) has a hard limit that closes the client as soon as its pending
// output reaches it, and a soft limit that closes it once the output has stayed at or
// above it for longer than the configured seconds. The check runs whenever a reply is
// about to be appended past the smallest configured limit (see prepareToWrite) and
// after every partial socket write, so a client that never reads costs at most its
// limit plus one reply element, never the whole pipeline's replies.

extension Server {
    /// Recomputes `outputLimitFloor`: the smallest non-zero hard or soft limit of any
    /// class, below which no client can be over a limit (the reply path compares one
    /// integer against it).
    func refreshOutputLimitFloor() {
        var floor = Int.max
        for l in config.outputBufferLimits {
            if l.hard > 0 { floor = min(floor, l.hard) }
            if l.soft > 0 { floor = min(floor, l.soft) }
        }
        outputLimitFloor = floor
    }

    /// The limit class of a client: masters (of a replica link) count as normal clients.
    func outputLimitClass(_ c: Client) -> Int {
        switch ClientCommands.kind(of: c) {
        case .normal, .master: return 0
        case .replica: return 1
        case .pubsub: return 2
        }
    }

    /// True when `c` is over its class's hard limit, or has been over the soft limit
    /// for longer than its seconds. Starts (or resets) the soft-limit clock.
    func outputBufferLimitReached(_ c: Client) -> Bool {
        let l = config.outputBufferLimits[outputLimitClass(c)]
        let used = c.reply.readableBytes + (c.peer != nil ? replicaPendingStream(c) : 0)
        let hard = l.hard > 0 && used >= l.hard
        var soft = l.soft > 0 && used >= l.soft
        if soft {
            let now = mstime / 1000
            if c.softLimitReachedAt == 0 {
                c.softLimitReachedAt = now
                soft = false
            } else if now - c.softLimitReachedAt <= Int64(l.softSeconds) {
                soft = false
            }
        } else {
            c.softLimitReachedAt = 0
        }
        return hard || soft
    }

    /// Schedules `c` to be closed when it is over its output limit: it takes no more
    /// replies and runs no more commands, its reply memory is released now, and it is
    /// freed before the next poll. Returns true if the client was (or already is) closing.
    @discardableResult
    func closeClientOnOutputBufferLimitReached(_ c: Client) -> Bool {
        if c.flags.contains(.closeASAP) { return true }
        if (c.reply.readableBytes == 0 && c.peer == nil) || !outputBufferLimitReached(c) { return false }
        let info = clientInfoString(c)
        freeClientAsync(c)
        c.reply.reset(shrinkTo: 16 * 1024)
        log(.warning, "Client \(info) scheduled to be closed ASAP for overcoming of output buffer limits.")
        return true
    }
}
