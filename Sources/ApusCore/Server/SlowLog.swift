// The slow log (Redis's slowlog.c): commands slower than slowlog-log-slower-than
// microseconds, newest first, capped at slowlog-max-len entries; arguments truncated
// as Redis does (32 arguments, 128 bytes each) so the log stays small.

public struct SlowLogEntry {
    public let id: Int
    public let time: Int64
    public let durationUs: Int
    public let args: [[UInt8]]
    public let peer: String
    public let name: String
}

public struct SlowLog {
    public private(set) var entries: [SlowLogEntry] = []   // newest first
    public var nextId = 0
    static let maxArgc = 32
    static let maxArgLen = 128

    public mutating func add(_ c: Client, durationUs: Int, maxLen: Int, now: Int64) {
        var args: [[UInt8]] = []
        let argc = min(c.argc, SlowLog.maxArgc)
        for i in 0..<argc {
            if i == SlowLog.maxArgc - 1 && c.argc > SlowLog.maxArgc {
                args.append(Array("... (\(c.argc - SlowLog.maxArgc + 1) more arguments)".utf8))
                break
            }
            let a = c.loggedArgument(i)
            if a.count > SlowLog.maxArgLen {
                args.append(Array(a.prefix(SlowLog.maxArgLen)) + Array("... (\(a.count - SlowLog.maxArgLen) more bytes)".utf8))
            } else {
                args.append(Array(a))
            }
        }
        entries.insert(SlowLogEntry(id: nextId, time: now, durationUs: durationUs, args: args,
                                    peer: c.peerAddress, name: c.displayName), at: 0)
        nextId += 1
        trim(maxLen)
    }

    public mutating func trim(_ maxLen: Int) {
        if entries.count > maxLen { entries.removeLast(entries.count - max(maxLen, 0)) }
    }

    public mutating func reset() { entries.removeAll() }
}
