// Logging in Redis's format: `pid:role dd Mon yyyy hh:mm:ss.mmm <level-char> message`,
// with `.` debug, `-` verbose, `*` notice, `#` warning, to stdout or `logfile`.

import Glibc
import CApusSys

public final class Logger {
    public var level: LogLevel = .notice
    public var path: String = ""
    public var roleChar: Character = "M"
    /// syslog-enabled: messages also go to syslog (without the timestamp prefix).
    public var syslogEnabled = false
    let pid = getpid()

    public init() {}

    public func log(_ lvl: LogLevel, _ msg: String) {
        if lvl < level { return }
        let chars: [Character] = [".", "-", "*", "#"]
        let line = "\(pid):\(roleChar) \(Logger.timestamp()) \(chars[min(lvl.rawValue, 3)]) \(msg)\n"
        write(line)
        if syslogEnabled { apus_syslog(Int32(min(lvl.rawValue, 3)), msg) }
    }

    /// Lines without the level marker, like Redis's LL_RAW (the startup banner).
    public func raw(_ msg: String) { write(msg + "\n") }

    private func write(_ line: String) {
        if path.isEmpty {
            fputs(line, stdout)
            fflush(stdout)
            return
        }
        guard let f = fopen(path, "a") else { return }
        fputs(line, f)
        fclose(f)
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// "23 Nov 2026 06:28:48.123" in local time.
    static func timestamp() -> String {
        let us = apus_ustime()
        var t = time_t(us / 1_000_000)
        var tmv = tm()
        localtime_r(&t, &tmv)
        let ms = Int(us / 1000 % 1000)
        func two(_ v: Int32) -> String { v < 10 ? "0\(v)" : "\(v)" }
        let msStr = ms < 10 ? "00\(ms)" : (ms < 100 ? "0\(ms)" : "\(ms)")
        return "\(two(tmv.tm_mday)) \(months[Int(tmv.tm_mon)]) \(tmv.tm_year + 1900) \(two(tmv.tm_hour)):\(two(tmv.tm_min)):\(two(tmv.tm_sec)).\(msStr)"
    }
}
