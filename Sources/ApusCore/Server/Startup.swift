// Process start-up (Redis's main()): command line and config file, daemonizing, the
// pid file, logging the banner, loading the dataset, binding listeners, then the loop.

import Glibc
import CApusSys

#if os(Linux)
let RLIMIT_NOFILE_VALUE = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#endif

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
        _ = apus_malloc_tune()
        if config.daemonize { _ = apus_daemonize() }
        KeyHash.randomizeSeed()
        let server: Server
        do {
            server = try Server(config: config)
        } catch {
            fputs("Failed creating the event loop: \(error)\n", stderr)
            return 1
        }
        if config.syslogEnabled {
            let facilities = ["user", "local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"]
            apus_syslog_open(config.syslogIdent, Int32(facilities.firstIndex(of: config.syslogFacility) ?? 1))
            server.logger.syslogEnabled = true
        }
        if let fitted = server.raiseOpenFilesLimit(forClients: config.maxclients) {
            server.config.maxclients = fitted
        }
        server.executable = argv.first.map { absolute($0) } ?? ""
        server.configFileAbsolute = configFile ?? ""
        if config.sentinelMode {
            // The configuration file is the sentinel's state: it must exist and be writable.
            guard let file = configFile else {
                server.log(.warning, "Sentinel needs config file on disk to save state. Exiting...")
                return 1
            }
            if access(file, W_OK) == -1 {
                server.log(.warning, "Sentinel config file \(file) is not writable: \(String(cString: strerror(errno))). Exiting...")
                return 1
            }
            server.logger.roleChar = "X"
        }
        server.log(.warning, "oO0OoO0OoO0Oo Apus is starting oO0OoO0OoO0Oo")
        server.log(.warning, "Apus version=\(ServerInfo.apusVersion) (Redis \(ServerInfo.redisVersion) compatible), bits=64, pid=\(getpid()), just started")
        if argv.count <= 1 {
            server.log(.warning, "Warning: no config file specified, using the default config. In order to specify a config file use \(argv.first ?? "apus-server") /path/to/apus.conf")
        } else {
            server.log(.warning, "Configuration loaded")
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
        Banner.show(server)
        if config.ioThreads > 1 {
            server.log(.notice, "io-threads \(config.ioThreads): Apus serves every client on its event loop thread; the setting has no effect.")
        }
        server.applyCrashLog()
        ProcTitle.apply(server)
        if let settings = config.sentinelSettings {
            server.startSentinel(settings)
            notifySupervisor(config)
            server.run()
            return 0
        }
        if config.clusterEnabled {
            let k = Cluster(server: server)
            do {
                try k.start()
            } catch let e as Cluster.StartupError {
                server.log(.warning, e.message)
                if !config.pidfile.isEmpty { unlink(config.pidfile) }
                return 1
            } catch {
                server.log(.warning, "Cluster start-up failed: \(error)")
                if !config.pidfile.isEmpty { unlink(config.pidfile) }
                return 1
            }
            server.cluster = k
        }
        server.log(.notice, "Server initialized")
        server.removeStaleTempFiles()
        server.serveClientsWhileLoading = true
        // With appendonly on, the AOF is the dataset and the RDB is not read (7.0).
        let loaded = server.loadAOFManifestFromDisk()
            && (config.appendonly ? server.loadAOFAtStartup() : server.loadDataFromDisk())
        server.serveClientsWhileLoading = false
        if !loaded || !server.openAOFOnServerStart() {
            if !config.pidfile.isEmpty { unlink(config.pidfile) }
            return 1
        }
        server.deleteAOFHistoryFiles()
        server.cluster?.verifyWithData()
        if !config.appendonly { server.restoreReplicationInfoAfterLoad() }
        if config.masterHost != nil {
            // replicaof in the config: connect from the first cron tick.
            server.applyRole()
            server.repl.linkState = .connect
        }
        if config.disableTHP && apus_disable_thp() == 1 {
            server.log(.notice, "Transparent huge pages were set to 'always': disabled them for this process (disable-thp yes).")
        }
        server.applyOomScoreAdj()
        server.log(.notice, "Ready to accept connections")
        notifySupervisor(config)
        server.run()
        return 0
    }

    /// supervised systemd/auto: tell systemd the server is ready (sd_notify protocol);
    /// supervised upstart: stop ourselves so upstart sees readiness, as Redis does.
    static func notifySupervisor(_ config: ServerConfig) {
        switch config.supervised {
        case "systemd", "auto":
            _ = apus_systemd_notify("STATUS=Ready to accept connections\nREADY=1")
        case "upstart":
            if getenv("UPSTART_JOB") != nil { raise(SIGSTOP) }
        default:
            break
        }
    }

    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") || !path.contains("/") { return path }
        var buf = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buf, 4096) != nil else { return path }
        return String(cString: buf) + "/" + path
    }
}
