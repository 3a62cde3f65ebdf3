// Process start-up (Redis's main()): command line and config file, daemonizing, the
// pid file, logging the banner, loading the dataset, binding listeners, then the loop.

import Glibc
import CApusSys

public enum ApusMain {
    /// Runs apus-server with the given argv; returns only on start-up failure.
    public static func run(_ argv: [String]) -> Int32 {
        let outcome: ConfigLoader.Outcome
        do {
            outcome = try ConfigLoader.load(arguments: argv, version: ServerInfo.apusVersion)
        } catch let ConfigLoadError.fatal(text) {
            fputs(text, stderr)
            return 1
        } catch let ConfigLoadError.logged(msg) {
            Logger().log(.warning, msg)
            return 1
        } catch {
            fputs("\(error)\n", stderr)
            return 1
        }
        let config: ServerConfig
        let configFile: String?
        switch outcome {
        case .exit(let status, let out, let err):
            if !out.isEmpty { fputs(out, stdout) }
            if !err.isEmpty { fputs(err, stderr) }
            return status
        case .start(let c, let f):
            config = c
            configFile = f
        }
        apus_ignore_sigpipe()
        if config.daemonize { _ = apus_daemonize() }
        KeyHash.randomizeSeed()
        let server: Server
        do {
            server = try Server(config: config)
        } catch {
            fputs("Failed creating the event loop: \(error)\n", stderr)
            return 1
        }
        server.executable = argv.first.map { absolute($0) } ?? ""
        server.configFileAbsolute = configFile ?? ""
        server.log(.notice, "oO0OoO0OoO0Oo Apus is starting oO0OoO0OoO0Oo")
        server.log(.notice, "Apus version=\(ServerInfo.apusVersion) (Redis \(ServerInfo.redisVersion) compatible), bits=64, pid=\(getpid()), just started")
        if configFile == nil {
            server.log(.warning, "Warning: no config file specified, using the default config. In order to specify a config file use \(argv.first ?? "apus-server") /path/to/apus.conf")
        } else {
            server.log(.notice, "Configuration loaded")
        }
        if !config.pidfile.isEmpty, let f = fopen(config.pidfile, "w") {
            fputs("\(getpid())\n", f)
            fclose(f)
        }
        do {
            try server.listen()
        } catch {
            server.log(.warning, "\(error)")
            if !config.pidfile.isEmpty { unlink(config.pidfile) }
            return 1
        }
        _ = apus_install_term_handlers()
        server.log(.notice, "Server initialized")
        if !server.loadDataFromDisk() {
            if !config.pidfile.isEmpty { unlink(config.pidfile) }
            return 1
        }
        server.log(.notice, "Ready to accept connections tcp")
        server.run()
        return 0
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") || !path.contains("/") { return path }
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, 4096) != nil else { return path }
        return String(cString: buf) + "/" + path
    }
}
