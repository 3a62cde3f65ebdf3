// The latency monitor (Redis's latency.c): per event, the latest and maximum spike and
// a history of up to 160 samples, one per second at most, recorded only for spikes at
// or above latency-monitor-threshold milliseconds.

public struct LatencySample {
    public var time: Int64
    public var latency: Int
}

public struct LatencyEventStats {
    public var samples: [LatencySample] = []
    public var max: Int = 0
}

public struct LatencyMonitor {
    public private(set) var events: [String: LatencyEventStats] = [:]
    static let historyLength = 160

    public mutating func addSample(event: String, ms: Int, now: Int64) {
        var ev = events[event] ?? LatencyEventStats()
        if ms > ev.max { ev.max = ms }
        if let last = ev.samples.last, last.time == now {
            if ms > last.latency { ev.samples[ev.samples.count - 1].latency = ms }
        } else {
            ev.samples.append(LatencySample(time: now, latency: ms))
            if ev.samples.count > LatencyMonitor.historyLength { ev.samples.removeFirst() }
        }
        events[event] = ev
    }

    /// Clears the named events (all when empty); returns how many were cleared.
    public mutating func reset(_ names: [String]) -> Int {
        if names.isEmpty {
            let n = events.count
            events.removeAll()
            return n
        }
        var n = 0
        for name in names where events.removeValue(forKey: name) != nil { n += 1 }
        return n
    }
}
