// Reading the AOF back at start-up (Redis 7.0's loadAppendOnlyFiles and
// loadSingleAppendOnlyFile): the base, then each incr file in the manifest's order.
// A file that starts with "REDIS" is an RDB (a base, or the preamble of an old
// single-file AOF, whose command tail follows); otherwise it is RESP commands, run one
// by one by a client without a connection, as 7.0's AOF client runs them (no replies,
// no blocking, MULTI queues until EXEC). `#` lines are annotations and are skipped.
//
// Damage follows 7.0: the last file may end in the middle of a command (or inside an
// unclosed MULTI); with aof-load-truncated it is cut back to the last whole command
// (or to before the MULTI) and loading succeeds, otherwise, or in any earlier file,
// start-up stops; anything malformed stops it too, with the file named.

import Glibc
import CApusSys

enum AOFLoadResult: Equatable {
    case ok, notExist, empty, openError, failed, truncated
}

/// fgets/fread over a file descriptor, counting the offset of what was consumed.
struct AOFFileReader {
    let fd: Int32
    private var buf = [UInt8](repeating: 0, count: 64 * 1024)
    private var pos = 0
    private var end = 0
    private(set) var offset: Int64 = 0
    private(set) var eof = false
    private(set) var readError: Int32 = 0

    init(fd: Int32, offset: Int64 = 0) {
        self.fd = fd
        self.offset = offset
    }

    private mutating func fill() -> Bool {
        if pos < end { return true }
        if eof { return false }
        while true {
            let n = buf.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                readError = errno
                return false
            }
            if n == 0 { eof = true; return false }
            pos = 0
            end = n
            return true
        }
    }

    /// fgets with a 1024-byte buffer: up to and including a newline, at most 1023
    /// bytes; nil when nothing could be read.
    mutating func line() -> [UInt8]? {
        var out: [UInt8] = []
        while out.count < 1023 {
            guard fill() else { break }
            let b = buf[pos]
            pos += 1
            offset += 1
            out.append(b)
            if b == 10 { break }
        }
        return out.isEmpty ? nil : out
    }

    /// fread of exactly `n` bytes; nil when fewer were there.
    mutating func bytes(_ n: Int) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(n)
        while out.count < n {
            guard fill() else { return nil }
            let take = min(n - out.count, end - pos)
            out.append(contentsOf: buf[pos..<(pos + take)])
            pos += take
            offset += Int64(take)
        }
        return out
    }
}

extension Server {
    var aofDirectory: String { config.appenddirname }

    /// Loads every file of `manifest` (loadAppendOnlyFiles). The base and incr sizes
    /// go to the AOF's accounting on success.
    func loadAppendOnlyFiles() -> AOFLoadResult {
        let m = aof.manifest
        if m.base == nil && m.incr.isEmpty { return .notExist }
        let files = (m.base.map { [$0] } ?? []) + m.incr
        var total: Int64 = 0
        for f in files {
            var st = stat()
            if stat(aofDirectory + "/" + f.name, &st) != 0 {
                if errno == ENOENT {
                    log(.warning, "The append log file \(f.name) doesn't exist: \(AOFError.reason())")
                    return .failed
                }
                log(.warning, "Fatal error: can't open the append log file \(f.name) for reading: \(AOFError.reason())")
                return .openError
            }
            total += Int64(st.st_size)
        }
        if total == 0 { return .empty }
        loading = true
        loadingStartTime = mstime / 1000
        defer { loading = false }
        var result = AOFLoadResult.ok
        var baseSize: Int64 = 0
        for (i, f) in files.enumerated() {
            let last = i == files.count - 1
            let started = apus_monotonic_us()
            if f.kind == .base {
                var st = stat()
                if stat(aofDirectory + "/" + f.name, &st) == 0 { baseSize = Int64(st.st_size) }
            }
            result = loadSingleAppendOnlyFile(f.name)
            if result == .ok || (result == .truncated && last) {
                let secs = Double(apus_monotonic_us() - started) / 1_000_000
                log(.notice, "DB loaded from \(f.kind == .base ? "base" : "incr") file \(f.name): \(String(format3: secs)) seconds")
            }
            if result == .empty { result = .ok }
            if result == .truncated && !last {
                result = .failed
                log(.warning, "Fatal error: the truncated file is not the last file")
            }
            if result == .openError || result == .failed { return result }
        }
        aof.currentSize = total
        aof.rewriteBaseSize = baseSize
        return result
    }

    /// Loads one file (loadSingleAppendOnlyFile), `name` relative to the AOF directory
    /// (an old single-file AOF being upgraded is already there when this runs).
    func loadSingleAppendOnlyFile(_ name: String) -> AOFLoadResult {
        let path = aofDirectory + "/" + name
        let fd = open(path, O_RDWR | O_CLOEXEC)
        if fd < 0 {
            let e = errno
            var st = stat()
            if stat(path, &st) == 0 || errno != ENOENT {
                log(.warning, "Fatal error: can't open the append log file \(name) for reading: \(AOFError.reason(e))")
                return .openError
            }
            log(.warning, "The append log file \(name) doesn't exist: \(AOFError.reason())")
            return .notExist
        }
        defer { close(fd) }
        var st = stat()
        if fstat(fd, &st) == 0 && st.st_size == 0 { return .empty }

        var start: Int64 = 0
        var sig = [UInt8](repeating: 0, count: 5)
        let got = sig.withUnsafeMutableBytes { read(fd, $0.baseAddress, 5) }
        if got == 5 && sig == Array("REDIS".utf8) {
            let oldStyle = name == config.appendfilename
            log(.notice, oldStyle ? "Reading RDB preamble from AOF file..." : "Reading RDB base file on AOF loading...")
            lseek(fd, 0, SEEK_SET)
            var handler = KeyspaceLoadHandler(server: self)
            let loader = makeRDBLoader(verifyChecksum: config.rdbchecksum)
            do {
                let summary = try loader.load(fd: fd, into: &handler)
                start = Int64(summary.bytes)
            } catch {
                log(.warning, oldStyle
                    ? "Error reading the RDB preamble of the AOF file \(name), AOF loading aborted"
                    : "Error reading the RDB base file \(name), AOF loading aborted")
                return .failed
            }
            if oldStyle { log(.notice, "Reading the remaining AOF tail...") }
        }
        lseek(fd, off_t(start), SEEK_SET)
        return replayCommands(fd: fd, from: start, name: name, path: path)
    }

    /// A command replayed from the AOF answered an error: logged, loading goes on.
    private func logAOFClientErrors(_ c: Client, _ cmd: RedisCommand) {
        let text = Array(c.reply.readableView)
        c.reply.reset(shrinkTo: 16 * 1024)
        var i = 0
        while i < text.count {
            let atLineStart = i == 0 || (i >= 2 && text[i - 2] == 13 && text[i - 1] == 10)
            if atLineStart && text[i] == UInt8(ascii: "-") {
                var j = i + 1
                while j + 1 < text.count && !(text[j] == 13 && text[j + 1] == 10) { j += 1 }
                let err = String(decoding: text[(i + 1)..<min(j, text.count)], as: UTF8.self)
                log(.warning, "== CRITICAL == This server is sending an error to its AOF-loading-client: '\(err)' after processing the command '\(cmd.fullName)'")
                i = j
            }
            i += 1
        }
    }

    /// Runs the commands of an AOF from `offset` on, as 7.0's AOF client does.
    private func replayCommands(fd: Int32, from offset: Int64, name: String, path: String) -> AOFLoadResult {
        var r = AOFFileReader(fd: fd, offset: offset)
        let client = Client(server: self, id: Int.max, fd: -1, registration: 0, peer: "", local: "",
                            unix: false, db: keyspace.dbs[0], now: mstime, authenticated: true)
        client.flags.insert([.fake, .denyBlocking])
        // Its replies stay in its buffer (it is never queued for a socket write) so that
        // errors can be logged, as 7.0 logs them, and are then dropped.
        client.queuedForWrite = true
        var validUpTo = offset
        var validBeforeMulti = offset
        var loops = 0
        enum Stop { case eof, truncated, format, unknownCommand(String) }
        var stop = Stop.eof
        reading: while true {
            loops += 1
            if loops % 1024 == 0 && serveClientsWhileLoading { processEventsWhileLoading() }
            guard let header = r.line() else {
                if r.readError != 0 { break reading }
                stop = .eof
                break
            }
            if header[0] == UInt8(ascii: "#") { continue }
            if header[0] != UInt8(ascii: "*") { stop = .format; break }
            if header.count == 1 { stop = .truncated; break }
            let argc = AOFManifest.atoll(Array(header.dropFirst()))
            if argc < 1 || argc > Int64(Int32.max) { stop = .format; break }
            var args: [[UInt8]] = []
            args.reserveCapacity(Int(argc))
            for _ in 0..<Int(argc) {
                guard let l = r.line() else { stop = .truncated; break reading }
                if l[0] != UInt8(ascii: "$") { stop = .format; break reading }
                let len = Int(max(0, AOFManifest.atoll(Array(l.dropFirst()))))
                guard let a = (len == 0 ? [] : r.bytes(len)) else { stop = .truncated; break reading }
                args.append(a)
                guard r.bytes(2) != nil else { stop = .truncated; break reading }
            }
            client.request.load(args)
            guard var cmd = commands.lookup(client.arg(0)) else {
                stop = .unknownCommand(String(decoding: args[0], as: UTF8.self))
                break
            }
            if !cmd.subcommands.isEmpty && client.argc >= 2 { cmd = commands.resolveSubcommand(cmd, client) }
            if cmd.name == "multi" && cmd.parent == nil { validBeforeMulti = validUpTo }
            client.currentCommand = cmd
            client.lastCommand = cmd
            if (cmd.arity > 0 && cmd.arity != client.argc) || client.argc < -cmd.arity {
                // 7.0 runs such a command unchecked (and may crash); it is refused here.
                client.addReplyErrorArity()
            } else if client.flags.contains(.multi) && !(cmd.name == "exec" && cmd.parent == nil) {
                TransactionCommands.queue(client, cmd)
            } else {
                currentClient = client
                cmd.handler!(client)
                currentClient = nil
            }
            if client.reply.readableBytes > 0 { logAOFClientErrors(client, cmd) }
            if !keyspace.materialized.isEmpty { keyspace.compactMaterialized() }
            keyspace.propagator.flush()
            if config.aofLoadTruncated { validUpTo = r.offset }
        }
        if r.readError != 0 {
            log(.warning, "Unrecoverable error reading the append only file \(name): \(AOFError.reason(r.readError))")
            return .failed
        }
        switch stop {
        case .unknownCommand(let cmd):
            log(.warning, "Unknown command '\(cmd)' reading the append only file \(name)")
            return .failed
        case .format:
            log(.warning, "Bad file format reading the append only file \(name): make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>")
            return .failed
        case .eof:
            if !client.flags.contains(.multi) { return .ok }
            log(.warning, "Revert incomplete MULTI/EXEC transaction in AOF file \(name)")
            validUpTo = validBeforeMulti
        case .truncated:
            break
        }
        // Unexpected end of file.
        if config.aofLoadTruncated {
            log(.warning, "!!! Warning: short read while loading the AOF file \(name)!!!")
            log(.warning, "!!! Truncating the AOF \(name) at offset \(validUpTo) !!!")
            if truncate(path, off_t(validUpTo)) == -1 {
                log(.warning, "Error truncating the AOF file \(name): \(AOFError.reason())")
            } else {
                log(.warning, "AOF \(name) loaded anyway because aof-load-truncated is enabled")
                return .truncated
            }
        }
        log(.warning, "Unexpected end of file reading the append only file \(name). You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.")
        return .failed
    }
}
