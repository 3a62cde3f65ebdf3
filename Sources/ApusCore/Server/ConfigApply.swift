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
            case "port", "bind":
                try self.rebindListeners()
            case "hz":
                self.currentHz = self.config.hz
            default:
                break
            }
        }
    }

    /// Closes the TCP listeners and opens them again from the current config; on
    /// failure the caller's rollback calls us again with the old values.
    func rebindListeners() throws {
        let unix = listeners.filter { $0.unix }
        for l in listeners where !l.unix {
            loop.remove(fd: l.fd)
            close(l.fd)
        }
        listeners = unix
        let savedSocket = config.unixSocket
        config.unixSocket = ""   // keep the unix socket as is
        defer { config.unixSocket = savedSocket }
        do {
            try listenTCPOnly()
        } catch {
            log(.warning, "\(error)")
            throw ConfigError("Unable to listen on this port. Check server logs.")
        }
    }

    func listenTCPOnly() throws {
        if config.port == 0 { return }
        for raw in config.bind {
            let optional = raw.hasPrefix("-")
            let addr = optional ? String(raw.dropFirst()) : raw
            var err: Int32 = 0
            let fd = apus_tcp_listen(addr, Int32(config.port), Int32(config.tcpBacklog), &err)
            if fd < 0 {
                if optional { continue }
                throw SystemError(call: "Could not create server TCP listening socket \(addr):\(config.port): bind", errno: err)
            }
            listeners.append((fd, false, addr))
            try loop.add(fd: fd, mask: .readable, token: Token.make(kind: .listener, registration: 0, fd: fd))
        }
        tcpPortBound = config.port
    }
}
