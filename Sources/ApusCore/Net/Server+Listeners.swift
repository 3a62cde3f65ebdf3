// Listening sockets (Redis's listenToPort, changeBindAddr and the unix-socket part of
// initServer): one TCP listener per `bind` address on `port`, none when `port` is 0, and
// the optional `unixsocket`. A server with nothing to listen on refuses to start, as
// 7.0 does. CONFIG SET port/bind reopen the TCP listeners and keep the unix socket.

import Glibc
import CApusSys

/// A start-up or rebind failure; its text is what gets logged.
struct ListenError: Error, CustomStringConvertible {
    let description: String
}

/// sizeof(sockaddr_un.sun_path) on Linux: a unix socket path must be shorter.
let unixSocketPathCapacity = 108

extension Server {
    /// Opens every listener at start-up. Throws (with the line to log) when a mandatory
    /// address cannot be bound or nothing at all is configured to listen.
    public func listen() throws {
        do {
            try openTCPListeners()
        } catch {
            closeListeners()
            throw ListenError(description: "Failed listening on port \(config.port) (tcp), aborting.")
        }
        if !config.unixSocket.isEmpty {
            let path = config.unixSocket
            let length = path.utf8.count
            if length >= unixSocketPathCapacity {
                // Never truncate: a shortened path would be bound, left behind, and
                // make the next start fail with "Address already in use".
                closeListeners()
                throw ListenError(description: "Failed opening Unix socket: unix socket path too long (\(length)), must be under \(unixSocketPathCapacity)")
            }
            var err: Int32 = 0
            let fd = apus_unix_listen(path, UInt32(config.unixSocketPerm), Int32(config.tcpBacklog), &err)
            if fd < 0 {
                closeListeners()
                throw ListenError(description: "Failed opening Unix socket: \(String(cString: strerror(err)))")
            }
            try registerListener(fd, unix: true, address: path)
        }
        if listeners.isEmpty {
            throw ListenError(description: "Configured to not listen anywhere, exiting.")
        }
    }

    /// Opens a TCP listener for each `bind` address on `port` (nothing when the port is
    /// 0). As in Redis, an address whose family or protocol the system lacks is
    /// skipped, and one marked optional with a leading "-" may also be missing from the
    /// host; any other failure is logged and thrown after closing what was opened.
    func openTCPListeners() throws {
        tcpPortBound = 0
        if config.port == 0 { return }
        var opened: [Int32] = []
        for bind in config.bindAddresses {
            let addr = bind.address
            var err: Int32 = 0
            let fd = apus_tcp_listen(addr, Int32(config.port), Int32(config.tcpBacklog), &err)
            if fd >= 0 {
                opened.append(fd)
                try registerListener(fd, unix: false, address: addr)
                continue
            }
            // Negative codes come from getaddrinfo, positive ones are errno values.
            let reason = err < 0 ? String(cString: gai_strerror(err)) : String(cString: strerror(err))
            log(.warning, "Warning: Could not create server TCP listening socket \(addr):\(config.port): \(reason)")
            if err == EADDRNOTAVAIL && bind.optional { continue }
            if [ENOPROTOOPT, EPROTONOSUPPORT, ESOCKTNOSUPPORT, EPFNOSUPPORT, EAFNOSUPPORT].contains(err) { continue }
            for o in opened { closeListener(fd: o) }
            throw ListenError(description: "Could not create server TCP listening socket \(addr):\(config.port)")
        }
        if !opened.isEmpty { tcpPortBound = config.port }
    }

    private func registerListener(_ fd: Int32, unix: Bool, address: String) throws {
        listeners.append((fd, unix, address))
        try loop.add(fd: fd, mask: .readable, token: Token.make(kind: .listener, registration: 0, fd: fd))
    }

    private func closeListener(fd: Int32) {
        guard let i = listeners.firstIndex(where: { $0.fd == fd }) else { return }
        loop.remove(fd: fd)
        close(fd)
        listeners.remove(at: i)
    }

    public func closeListeners() {
        for l in listeners {
            loop.remove(fd: l.fd)
            close(l.fd)
            if l.unix { unlink(l.address) }
        }
        listeners.removeAll()
    }

    /// CONFIG SET port / bind: closes the TCP listeners and opens them again from the
    /// current config, keeping the unix socket. On failure the caller's rollback calls
    /// this again with the old values; `failure` is the error 7.0 gives for the directive.
    func rebindListeners(failure: String) throws {
        for l in listeners where !l.unix { closeListener(fd: l.fd) }
        do {
            try openTCPListeners()
        } catch {
            log(.warning, "Failed to bind")
            throw ConfigError(failure)
        }
    }

    /// CONFIG SET maxclients: a larger value needs the open-files limit to fit it; when
    /// the system cannot raise it that far the change is refused (Redis's updateMaxclients).
    func updateMaxclients() throws {
        let wanted = config.maxclients
        if let fitted = raiseOpenFilesLimit(forClients: wanted) {
            throw ConfigError("The operating system is not able to handle the specified number of clients, try with \(fitted)")
        }
    }

    /// Raises RLIMIT_NOFILE to fit `clients` plus the server's own descriptors. Returns
    /// nil when it fits, else the number of clients the reachable limit allows, after
    /// logging why (Redis's adjustOpenFilesLimit).
    func raiseOpenFilesLimit(forClients clients: Int) -> Int? {
        let reserved = 32
        let wanted = rlim_t(clients + reserved)
        var lim = rlimit()
        guard getrlimit(RLIMIT_NOFILE_VALUE, &lim) == 0 else { return nil }
        if lim.rlim_cur >= wanted { return nil }
        var best = wanted
        var failure: Int32 = 0
        let nrOpen = Server.systemOpenFilesCeiling()
        while best > lim.rlim_cur {
            var attempt = lim
            attempt.rlim_cur = best
            if attempt.rlim_max < best { attempt.rlim_max = best }
            if setrlimit(RLIMIT_NOFILE_VALUE, &attempt) == 0 { break }
            failure = errno
            // No process may go past fs.nr_open: jump down to it rather than step 16
            // descriptors at a time from an absurd request (for maxclients 2^32-1 Redis
            // makes hundreds of millions of calls). Below it, step as Redis does, so the
            // limit found is the same.
            if best > nrOpen {
                best = max(nrOpen, lim.rlim_cur)
                continue
            }
            best = best > lim.rlim_cur + 16 ? best - 16 : lim.rlim_cur
        }
        if best >= wanted {
            log(.notice, "Increased maximum number of open files to \(wanted) (it was originally set to \(lim.rlim_cur)).")
            return nil
        }
        let limit = Int(max(best, lim.rlim_cur))
        let fitted = max(limit - reserved, 1)
        log(.warning, "You requested maxclients of \(clients) requiring at least \(wanted) max file descriptors.")
        log(.warning, "Server can't set maximum open files to \(wanted) because of OS error: \(String(cString: strerror(failure))).")
        log(.warning, "Current maximum open files is \(limit). maxclients has been reduced to \(fitted) to compensate for low ulimit. If you need higher maxclients increase 'ulimit -n'.")
        return fitted
    }

    /// fs.nr_open, the most descriptors any process may have (1048576 if unreadable).
    static func systemOpenFilesCeiling() -> rlim_t {
        rlim_t(SmallFiles.readInteger("/proc/sys/fs/nr_open") ?? 1_048_576)
    }
}
