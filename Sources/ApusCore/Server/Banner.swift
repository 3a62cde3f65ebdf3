// What the process shows of itself: the start-up logo (always-show-logo, or when the
// log goes to a terminal), the process title seen by ps/top (set-proc-title with
// proc-title-template, Redis 7.0's variables), and the crash report handler.

import Glibc
import CApusSys

enum Banner {
    /// A swift in flight, with the facts Redis's logo carries.
    static func logo(version: String, port: Int, pid: Int32, mode: String) -> String {
        """

                  __
           ___   /  \\         Apus \(version) (Redis \(ServerInfo.redisVersion) compatible) 64 bit
           \\  \\_/ /\\ \\
            \\    /  \\/        Running in \(mode) mode
             \\  /             Port: \(port)
             /  \\             PID: \(pid)
            /_/\\_\\

        """
    }

    /// Logs the logo, or the one-line summary Redis logs instead of it.
    static func show(_ server: Server) {
        let c = server.config
        let mode = c.sentinelMode ? "sentinel" : "standalone"
        if c.alwaysShowLogo || (isatty(STDOUT_FILENO) != 0 && c.logfile.isEmpty && !c.syslogEnabled) {
            server.logger.raw(logo(version: ServerInfo.apusVersion, port: c.port, pid: getpid(), mode: mode))
        } else {
            server.log(.notice, "Running mode=\(mode), port=\(c.port).")
        }
    }
}

enum ProcTitle {
    static let variables = ["title", "listen-addr", "server-mode", "port", "tls-port", "unixsocket", "config-file"]

    /// Redis accepts only balanced `{name}` references to the variables it knows.
    static func isValidTemplate(_ t: String) -> Bool {
        var rest = Substring(t)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            if rest[open] == "}" { return false }
            guard let close = rest[open...].firstIndex(of: "}") else { return false }
            let name = String(rest[rest.index(after: open)..<close])
            if !variables.contains(name) { return false }
            rest = rest[rest.index(after: close)...]
        }
        return !t.trimmingSpacesAndNewlines.isEmpty
    }

    static func expand(_ server: Server, title: String) -> String {
        let c = server.config
        let first = c.bindAddresses.first?.address ?? "*"
        let values: [String: String] = [
            "title": title, "listen-addr": "\(first):\(c.port)", "server-mode": "",
            "port": "\(c.port)", "tls-port": "0", "unixsocket": c.unixSocket, "config-file": c.configFile,
        ]
        var out = c.procTitleTemplate
        for (k, v) in values { out = out.replacingAll("{\(k)}", with: v) }
        return out.trimmingSpacesAndNewlines
    }

    /// Takes over argv for the title (once) and writes the expanded template.
    static func apply(_ server: Server) {
        guard server.config.setProcTitle else { return }
        apus_proctitle_init(CommandLine.argc, CommandLine.unsafeArgv)
        apus_set_proctitle(expand(server, title: CommandLine.arguments.first ?? "apus-server"))
    }
}
