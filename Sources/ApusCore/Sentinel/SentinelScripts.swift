// The sentinel's user scripts (notification-script, client-reconfig-script): a queue of
// at most 256 jobs, at most 16 running, each started with posix_spawn, reaped without
// blocking, retried with a doubling delay when it exits 1 or dies by a signal (up to 10
// tries), and killed after script-max-runtime, as Redis's sentinel does.

import Glibc

final class SentinelScripts {
    final class Job {
        let argv: [String]
        var pid: pid_t = 0
        var running = false
        var retries = 0
        /// Not before this time (a retry), or when it started (running).
        var startTime: Int64 = 0
        init(argv: [String]) { self.argv = argv }
    }

    static let maxQueue = 256
    static let maxRunning = 16
    static let maxRetries = 10

    private(set) var queue: [Job] = []
    var runningCount: Int { queue.filter { $0.running }.count }

    func schedule(_ path: String, _ args: [String]) {
        queue.append(Job(argv: [path] + args))
        if queue.count > SentinelScripts.maxQueue, let i = queue.firstIndex(where: { !$0.running }) {
            queue.remove(at: i)   // drop the oldest waiting job
        }
    }

    /// One timer tick: start what is due, reap what ended, kill what overran.
    func run(_ s: Sentinel) {
        let now = s.now
        var running = runningCount
        for j in queue where running < SentinelScripts.maxRunning && !j.running && j.startTime <= now {
            j.running = true
            j.startTime = now
            j.retries += 1
            if let pid = spawn(j.argv) {
                j.pid = pid
                running += 1
                s.event(.debug, "+script-child", nil, "\(pid)")
            } else {
                s.event(.warning, "-script-error", nil, "\(j.argv[0]) 99 0")
                j.running = false
                j.pid = 0
            }
        }
        reap(s)
        for j in queue where j.running && now - j.startTime > s.timing.scriptMaxRuntime {
            s.event(.warning, "-script-timeout", nil, "\(j.argv[0]) \(j.pid)")
            kill(j.pid, SIGKILL)
        }
    }

    private func reap(_ s: Sentinel) {
        var status: Int32 = 0
        while true {
            let pid = waitpid(-1, &status, WNOHANG)
            if pid <= 0 { break }
            let signaled = (status & 0x7f) != 0 && (status & 0x7f) != 0x7f
            let bySignal = signaled ? Int(status & 0x7f) : 0
            let code = Int((status >> 8) & 0xff)
            s.event(.debug, "-script-child", nil, "\(pid) \(code) \(bySignal)")
            guard let i = queue.firstIndex(where: { $0.running && $0.pid == pid }) else {
                s.server.log(.warning, "waitpid() returned a pid (\(pid)) we can't find in our scripts execution queue!")
                continue
            }
            let j = queue[i]
            if (bySignal != 0 || code == 1) && j.retries != SentinelScripts.maxRetries {
                j.running = false
                j.pid = 0
                var delay = s.timing.scriptRetryDelay
                for _ in 1..<max(j.retries, 1) { delay *= 2 }
                j.startTime = s.now + delay
            } else {
                if bySignal != 0 || code != 0 { s.event(.warning, "-script-error", nil, "\(j.argv[0]) \(bySignal) \(code)") }
                queue.remove(at: i)
            }
        }
    }

    private func spawn(_ argv: [String]) -> pid_t? {
        var pid: pid_t = 0
        var cargs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) }
        cargs.append(nil)
        defer { for p in cargs { free(p) } }
        let rc = posix_spawn(&pid, argv[0], nil, nil, cargs, environ)
        return rc == 0 ? pid : nil
    }

    /// SENTINEL PENDING-SCRIPTS: one map per job.
    func reply(_ c: Client, now: Int64) {
        c.addReplyArrayLen(queue.count)
        for j in queue {
            c.addReplyMapLen(5)
            c.addReplyBulkString("argv")
            c.addReplyArrayLen(j.argv.count)
            for a in j.argv { c.addReplyBulkString(a) }
            c.addReplyBulkString("flags")
            c.addReplyBulkString(j.running ? "running" : "scheduled")
            c.addReplyBulkString("pid")
            c.addReplyBulkString(String(j.pid))
            if j.running {
                c.addReplyBulkString("run-time")
                c.addReplyBulkString(String(now - j.startTime))
            } else {
                c.addReplyBulkString("run-delay")
                c.addReplyBulkString(String(j.startTime > 0 ? max(0, j.startTime - now) : 0))
            }
            c.addReplyBulkString("retry-num")
            c.addReplyBulkString(String(j.retries))
        }
    }
}
