// Applying CONFIG SET changes that need more than a stored value: the log level,
// rebinding listeners for `port`/`bind`/`unixsocket`-style changes, the hz. Called once
// per changed directive; throwing makes CONFIG SET restore every old value.

import Glibc
import CApusSys

extension Server {
    func installConfigHook() {
        config.onChange = { [unowned self] name in
            switch name {
            case "loglevel":
                self.logger.level = self.config.loglevel
            case "logfile":
                self.logger.path = self.config.logfile
            case "port":
                try self.rebindListeners(failure: "Unable to listen on this port. Check server logs.")
            case "bind":
                try self.rebindListeners(failure: "Failed to bind to specified addresses.")
            case "maxclients":
                try self.updateMaxclients()
            case "client-output-buffer-limit":
                self.refreshOutputLimitFloor()
            case "hz":
                self.currentHz = self.config.hz
            case "crash-log-enabled":
                self.applyCrashLog()
            case "proc-title-template":
                ProcTitle.apply(self)
            case "maxmemory-policy", "lfu-log-factor", "lfu-decay-time":
                self.applyEvictionPolicy()
            case "maxmemory":
                self.maxmemoryChanged()
            case "lazyfree-lazy-expire":
                self.keyspace.lazyExpire = self.config.lazyfreeLazyExpire
            case "appendonly":
                if !self.config.appendonly && self.aof.state != .off {
                    self.stopAppendOnly()
                } else if self.config.appendonly && self.aof.state == .off && !self.startAppendOnly() {
                    throw ConfigError("Unable to turn on AOF. Check server logs.")
                }
            case "appendfsync", "aof-timestamp-enabled":
                self.applyAOFConfig()
            case "notify-keyspace-events":
                self.keyspace.notifyClasses = NotifyClass(rawValue: self.config.notifyKeyspaceEvents)
            case "min-replicas-to-write", "min-replicas-max-lag":
                self.refreshGoodReplicasCount()
            case "repl-backlog-size":
                self.repl.buffer.backlogSize = self.config.replBacklogSize
                if self.repl.buffer.active { self.trimReplicationBuffer() }
            case "lazyfree-lazy-server-del":
                self.keyspace.lazyServerDel = self.config.lazyfreeLazyServerDel
            case "oom-score-adj", "oom-score-adj-values":
                self.applyOomScoreAdj()
            default:
                break
            }
        }
    }

    /// crash-log-enabled: a fatal signal writes a report with a stack trace first.
    func applyCrashLog() {
        if config.crashLogEnabled {
            apus_install_crash_handler(config.logfile, ServerInfo.apusVersion)
        } else {
            for sig in [SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT] { signal(sig, SIG_DFL) }
        }
    }

    /// How the keyspace stamps accesses follows the policy (LRU clock or LFU counter).
    func applyEvictionPolicy() {
        keyspace.lfuEnabled = config.maxmemoryPolicy.contains("lfu")
        keyspace.lfuLogFactor = config.lfuLogFactor
        keyspace.lfuDecayTime = config.lfuDecayTime
        applyEvictionPolicyChange()
    }

    /// oom-score-adj: writes /proc/self/oom_score_adj — relative to the value the
    /// process started with (yes/relative) or absolute; "no" restores the original.
    func applyOomScoreAdj() {
        if originalOomScoreAdj == nil {
            originalOomScoreAdj = SmallFiles.readInteger("/proc/self/oom_score_adj")
        }
        guard let base = originalOomScoreAdj else { return }
        var value: Int
        switch config.oomScoreAdj {
        case "yes", "relative": value = base + config.oomScoreAdjValues[0]
        case "absolute": value = config.oomScoreAdjValues[0]
        default: value = base
        }
        value = max(-1000, min(1000, value))
        guard let f = fopen("/proc/self/oom_score_adj", "w") else {
            log(.warning, "Unable to write oom_score_adj: \(String(cString: strerror(errno)))")
            return
        }
        fputs("\(value)\n", f)
        fclose(f)
    }
}

extension String {
    var trimmingSpacesAndNewlines: String {
        var s = Substring(self)
        while let c = s.first, c == " " || c == "\n" || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\n" || c == "\t" { s.removeLast() }
        return String(s)
    }
}
