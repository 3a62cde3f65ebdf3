// CLIENT subcommands (Redis 7.0's clientCommand in networking.c): connection identity
// (ID, INFO, SETNAME, GETNAME), listing and killing connections (LIST, KILL with the old
// `ip:port` form and the filter form), pausing (PAUSE, UNPAUSE), reply suppression
// (REPLY ON|OFF|SKIP), NO-EVICT, UNBLOCK, HELP and client-side caching (TRACKING,
// CACHING, GETREDIR, TRACKINGINFO; the mechanism is in Tracking.swift), with 7.0's
// reply formats and error texts. The CLIENT LIST line (`infoString`) keeps 7.0's field
// order so that parsers of Redis's output work unchanged.

import Glibc

enum ClientCommands {
    // MARK: - Types

    /// Redis's client classes as CLIENT LIST TYPE / CLIENT KILL TYPE name them.
    enum Kind { case normal, master, replica, pubsub }

    /// getClientTypeByName: "normal", "master", "replica" / "slave", "pubsub".
    static func kind(named name: String) -> Kind? {
        switch name.lowercased() {
        case "normal": return .normal
        case "master": return .master
        case "replica", "slave": return .replica
        case "pubsub": return .pubsub
        default: return nil
        }
    }

    /// getClientType. MONITOR clients count as normal clients, as in Redis. Apus has no
    /// replication links yet, so nothing is a master or replica.
    static func kind(of c: Client) -> Kind {
        if c.flags.contains(.replica) && !c.flags.contains(.monitor) { return .replica }
        if c.flags.contains(.master) { return .master }
        return c.flags.contains(.pubsub) ? .pubsub : .normal
    }

    static func lookup(_ s: Server, id: Int64) -> Client? {
        for c in s.clientList where Int64(c.id) == id && !c.flags.contains(.closeASAP) { return c }
        return nil
    }

    // MARK: - CLIENT LIST line

    /// One CLIENT LIST / CLIENT INFO line (without the trailing newline), 7.0's format:
    /// id addr laddr fd name age idle flags db sub psub ssub multi qbuf qbuf-free argv-mem
    /// multi-mem rbs rbp obl oll omem tot-mem events cmd user redir resp.
    static func infoString(_ c: Client, server s: Server) -> String {
        var flags = ""
        if c.flags.contains(.replica) { flags += c.flags.contains(.monitor) ? "O" : "S" }
        if c.flags.contains(.master) { flags += "M" }
        if c.flags.contains(.monitor) && !c.flags.contains(.replica) { flags += "O" }
        if c.flags.contains(.pubsub) { flags += "P" }
        if c.flags.contains(.multi) { flags += "x" }
        if c.flags.contains(.blocked) { flags += "b" }
        if c.flags.contains(.dirtyCAS) { flags += "d" }
        if c.flags.contains(.closeAfterReply) { flags += "c" }
        if c.flags.contains(.closeASAP) { flags += "A" }
        if c.flags.contains(.unixSocket) { flags += "U" }
        if c.flags.contains(.noEvict) { flags += "e" }
        if c.tracking.contains(.on) { flags += "t" }
        if c.tracking.contains(.brokenRedirect) { flags += "R" }
        if c.tracking.contains(.bcast) { flags += "B" }
        if flags.isEmpty { flags = "N" }
        var events = "r"
        if c.flags.contains(.writeHandlerInstalled) { events += "w" }
        var argvMem = 0
        if s.currentClient === c {
            for i in 0..<c.argc { argvMem += c.arg(i).count }
        }
        let nowSec = s.mstime / 1000
        // The query buffer keeps the commands executed from it until the whole read is
        // consumed (Redis trims it only after processing), so its used part is writeIndex.
        let qbuf = c.query.writeIndex
        let qbufFree = c.query.capacity - c.query.writeIndex
        // A reply buffer grown past twice its standard 16 KiB plays the role of Redis's
        // reply list: all of it counts as dynamic output memory.
        let omem = c.reply.allocatedBytes >= 32 * 1024 ? c.reply.allocatedBytes : 0
        let cmd = c.lastCommand?.fullName ?? "NULL"
        var line = "id=\(c.id) addr=\(c.peerAddress) laddr=\(c.localAddress) fd=\(c.fd)"
        line += " name=\(c.displayName) age=\(nowSec - c.createdAt / 1000) idle=\(nowSec - c.lastInteraction / 1000)"
        let subs = c.subscriptions
        line += " flags=\(flags) db=\(c.dbIndex) sub=\(subs?.channels.count ?? 0) psub=\(subs?.patterns.count ?? 0)"
        line += " ssub=\(subs?.shardChannels.count ?? 0) multi=\(c.multiQueue?.count ?? -1)"
        line += " qbuf=\(qbuf) qbuf-free=\(qbufFree) argv-mem=\(argvMem) multi-mem=0"
        line += " rbs=\(c.reply.capacity) rbp=\(c.reply.capacity) obl=\(c.reply.readableBytes) oll=0 omem=\(omem)"
        line += " tot-mem=\(c.bufferMemory) events=\(events) cmd=\(cmd) user=\(c.user) redir=\(c.tracking.contains(.on) ? c.trackingRedirect : -1) resp=\(c.resp)"
        return line
    }

    // MARK: - Identity

    static func id(_ c: Client) { c.addReplyInteger(c.id) }

    static func info(_ c: Client) {
        c.addReplyVerbatim(infoString(c, server: c.server) + "\n")
    }

    /// Checks a client name (every byte printable, no spaces); replies the 7.0 error and
    /// returns false otherwise. An empty name is valid (it clears the name).
    static func validateName(_ c: Client, _ name: UnsafeRawBufferPointer) -> Bool {
        for b in name where b < 33 || b > 126 {
            c.addReplyError("ERR Client names cannot contain spaces, newlines or special characters.")
            return false
        }
        return true
    }

    static func setname(_ c: Client) {
        let n = c.arg(2)
        guard validateName(c, n) else { return }
        c.name = n.count == 0 ? nil : Array(n)
        c.addReplyOK()
    }

    static func getname(_ c: Client) {
        if let n = c.name { c.addReplyBulk(n) } else { c.addReplyNull() }
    }

    // MARK: - LIST and KILL

    static func list(_ c: Client) {
        let s = c.server
        var text = ""
        if c.argc == 4 && c.argEquals(2, "type") {
            guard let k = kind(named: c.argString(3)) else {
                c.addReplyError("ERR Unknown client type '", quoting: 3, "'")
                return
            }
            for other in s.clientList where kind(of: other) == k {
                text += infoString(other, server: s) + "\n"
            }
        } else if c.argc > 3 && c.argEquals(2, "id") {
            var ids: [Int64] = []
            for j in 3..<c.argc {
                guard let v = c.argInt64(j) else {
                    c.addReplyError("ERR Invalid client ID")
                    return
                }
                ids.append(v)
            }
            for id in ids {
                if let other = lookup(s, id: id) { text += infoString(other, server: s) + "\n" }
            }
        } else if c.argc != 2 {
            c.addReplySyntaxError()
            return
        } else {
            for other in s.clientList { text += infoString(other, server: s) + "\n" }
        }
        c.addReplyVerbatim(text)
    }

    static func kill(_ c: Client) {
        let s = c.server
        var addr: String?
        var laddr: String?
        var user: String?
        var type: Kind?
        var id: Int64 = 0
        var skipMe = true
        if c.argc == 3 {
            addr = c.argString(2)
            skipMe = false   // the old form may kill the caller itself
        } else {
            var i = 2
            while i < c.argc {
                let more = c.argc > i + 1
                if c.argEquals(i, "id") && more {
                    guard let v = c.argInt64(i + 1), v >= 1 else {
                        c.addReplyError("ERR client-id should be greater than 0")
                        return
                    }
                    id = v
                } else if c.argEquals(i, "type") && more {
                    guard let k = kind(named: c.argString(i + 1)) else {
                        c.addReplyError("ERR Unknown client type '", quoting: i + 1, "'")
                        return
                    }
                    type = k
                } else if c.argEquals(i, "addr") && more {
                    addr = c.argString(i + 1)
                } else if c.argEquals(i, "laddr") && more {
                    laddr = c.argString(i + 1)
                } else if c.argEquals(i, "user") && more {
                    // Only the default user exists until ACLs arrive.
                    let u = c.argString(i + 1)
                    guard u == "default" else {
                        c.addReplyError("ERR No such user '\(u)'")
                        return
                    }
                    user = u
                } else if c.argEquals(i, "skipme") && more {
                    if c.argEquals(i + 1, "yes") {
                        skipMe = true
                    } else if c.argEquals(i + 1, "no") {
                        skipMe = false
                    } else {
                        c.addReplySyntaxError()
                        return
                    }
                } else {
                    c.addReplySyntaxError()
                    return
                }
                i += 2
            }
        }
        var killed = 0
        var closeSelf = false
        for other in s.clientList where !other.flags.contains(.closeASAP) {
            if let a = addr, other.peerAddress != a { continue }
            if let a = laddr, other.localAddress != a { continue }
            if let t = type, kind(of: other) != t { continue }
            if id != 0 && Int64(other.id) != id { continue }
            if let u = user, other.user != u { continue }
            if other === c && skipMe { continue }
            if other === c { closeSelf = true } else { s.freeClientAsync(other) }
            killed += 1
        }
        if c.argc == 3 {
            if killed == 0 { c.addReplyError("ERR No such client") } else { c.addReplyOK() }
        } else {
            c.addReplyInteger(killed)
        }
        // Flagged only after the reply is queued, so the caller still receives it.
        if closeSelf { c.flags.insert(.closeAfterReply) }
    }

    // MARK: - PAUSE / UNPAUSE

    static func pause(_ c: Client) {
        var writesOnly = false
        if c.argc == 4 {
            if c.argEquals(3, "write") {
                writesOnly = true
            } else if !c.argEquals(3, "all") {
                c.addReplyError("ERR CLIENT PAUSE mode must be WRITE or ALL")
                return
            }
        } else if c.argc != 3 {
            c.addReplyUnknownSubcommandOrArity()
            return
        }
        guard var until = c.argInt64(2) else {
            c.addReplyError("ERR timeout is not an integer or out of range")
            return
        }
        if until < 0 {
            c.addReplyError("ERR timeout is negative")
            return
        }
        // 7.0 adds the clock without an overflow check: a huge timeout wraps into the
        // past and the pause ends at once.
        if until > 0 { until = until &+ c.server.mstime }
        c.server.pauseClients(untilMs: until, writesOnly: writesOnly)
        c.addReplyOK()
    }

    static func unpause(_ c: Client) {
        c.server.unpauseClients()
        c.addReplyOK()
    }

    // MARK: - Per-connection switches

    static func reply(_ c: Client) {
        if c.argEquals(2, "on") {
            c.flags.subtract([.replySkip, .replyOff])
            c.addReplyOK()
        } else if c.argEquals(2, "off") {
            c.flags.insert(.replyOff)
        } else if c.argEquals(2, "skip") {
            if !c.flags.contains(.replyOff) { c.flags.insert(.replySkipNext) }
        } else {
            c.addReplySyntaxError()
        }
    }

    static func noEvict(_ c: Client) {
        if c.argEquals(2, "on") {
            c.flags.insert(.noEvict)
            c.addReplyOK()
        } else if c.argEquals(2, "off") {
            c.flags.remove(.noEvict)
            c.addReplyOK()
        } else {
            c.addReplySyntaxError()
        }
    }

    /// CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when a client blocked in a blocking command
    /// was released (answered as timed out, or with an UNBLOCKED error), else 0.
    static func unblock(_ c: Client) {
        if c.argc > 4 {
            c.addReplyUnknownSubcommandOrArity()
            return
        }
        if c.argc == 4 && !c.argEquals(3, "timeout") && !c.argEquals(3, "error") {
            c.addReplyError("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
            return
        }
        guard let id = c.argInt64(2) else {
            c.addReplyError("ERR value is not an integer or out of range")
            return
        }
        let s = c.server
        guard let target = s.clientList.first(where: { $0.id == Int(id) }), target.flags.contains(.blocked) else {
            c.addReplyInteger(0)
            return
        }
        if c.argc == 4 && c.argEquals(3, "error") {
            target.addReplyError("UNBLOCKED client unblocked via CLIENT UNBLOCK")
        } else {
            s.replyBlockedTimedOut(target)
        }
        s.unblockClient(target)
        c.addReplyInteger(1)
    }

    // MARK: - HELP

    static let helpLines = [
        "CACHING (YES|NO)",
        "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
        "GETREDIR",
        "    Return the client ID we are redirecting to when tracking is enabled.",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * LADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made to specified local address",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Kill connections by type.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST [options ...]",
        "    Return information about client connections. Options:",
        "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
        "      Return clients of specified type.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "REPLY (ON|OFF|SKIP)",
        "    Control the replies sent to the current connection.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "UNBLOCK <clientid> [TIMEOUT|ERROR]",
        "    Unblock the specified blocked client.",
        "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
        "         [OPTIN] [OPTOUT] [NOLOOP]",
        "    Control server assisted client side caching.",
        "TRACKINGINFO",
        "    Report tracking status for the current connection.",
        "NO-EVICT (ON|OFF)",
        "    Protect current client connection from eviction.",
    ]

    static func help(_ c: Client) { c.addReplyHelp(helpLines) }

    // MARK: - Client-side caching

    /// CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP]
    static func tracking(_ c: Client) {
        let s = c.server
        var redirect = 0
        var options: TrackingOptions = []
        var prefixes: [[UInt8]] = []
        var j = 3
        while j < c.argc {
            let more = c.argc - 1 - j
            switch c.argLowercased(j) {
            case "redirect" where more > 0:
                j += 1
                if redirect != 0 {
                    c.addReplyError("ERR A client can only redirect to a single other client")
                    return
                }
                guard let id = c.argIntOrReply(j) else { return }
                if s.clientsById[Int(id)] == nil {
                    c.addReplyError("ERR The client ID you want redirect to does not exist")
                    return
                }
                redirect = Int(id)
            case "bcast": options.insert(.bcast)
            case "optin": options.insert(.optin)
            case "optout": options.insert(.optout)
            case "noloop": options.insert(.noloop)
            case "prefix" where more > 0:
                j += 1
                prefixes.append(c.argBytes(j))
            default:
                c.addReplySyntaxError()
                return
            }
            j += 1
        }
        switch c.argLowercased(2) {
        case "on":
            if !options.contains(.bcast) && !prefixes.isEmpty {
                c.addReplyError("ERR PREFIX option requires BCAST mode to be enabled")
                return
            }
            if c.tracking.contains(.on) && c.tracking.contains(.bcast) != options.contains(.bcast) {
                c.addReplyError("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.")
                return
            }
            if options.contains(.bcast) && !options.isDisjoint(with: [.optin, .optout]) {
                c.addReplyError("ERR OPTIN and OPTOUT are not compatible with BCAST")
                return
            }
            if options.contains(.optin) && options.contains(.optout) {
                c.addReplyError("ERR You can't specify both OPTIN mode and OPTOUT mode")
                return
            }
            if (options.contains(.optin) && c.tracking.contains(.optout))
                || (options.contains(.optout) && c.tracking.contains(.optin)) {
                c.addReplyError("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.")
                return
            }
            if options.contains(.bcast), let e = prefixCollision(c, prefixes) {
                c.addReplyError(bytes: e)
                return
            }
            s.enableTracking(c, redirect: redirect, options: options, prefixes: prefixes)
        case "off":
            s.disableTracking(c)
        default:
            c.addReplySyntaxError()
            return
        }
        c.addReplyOK()
    }

    /// 7.0's check that a BCAST client's prefixes do not overlap (one is not a
    /// beginning of another), against its current ones and among the new ones.
    private static func prefixCollision(_ c: Client, _ prefixes: [[UInt8]]) -> [UInt8]? {
        func overlap(_ a: [UInt8], _ b: [UInt8]) -> Bool { a.count <= b.count ? b.starts(with: a) : a.starts(with: b) }
        for (i, p) in prefixes.enumerated() {
            for old in c.trackingPrefixes where overlap(old, p) {
                return Array("ERR Prefix '".utf8) + p + Array("' overlaps with an existing prefix '".utf8) + old
                    + Array("'. Prefixes for a single client must not overlap.".utf8)
            }
            for q in prefixes[(i + 1)...] where overlap(p, q) {
                return Array("ERR Prefix '".utf8) + p + Array("' overlaps with another provided prefix '".utf8) + q
                    + Array("'. Prefixes for a single client must not overlap.".utf8)
            }
        }
        return nil
    }

    static func caching(_ c: Client) {
        guard c.tracking.contains(.on) else {
            c.addReplyError("ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled")
            return
        }
        switch c.argLowercased(2) {
        case "yes":
            guard c.tracking.contains(.optin) else {
                c.addReplyError("ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.")
                return
            }
        case "no":
            guard c.tracking.contains(.optout) else {
                c.addReplyError("ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.")
                return
            }
        default:
            c.addReplySyntaxError()
            return
        }
        c.tracking.insert(.caching)
        c.addReplyOK()
    }

    static func getredir(_ c: Client) {
        c.addReplyInteger(c.tracking.contains(.on) ? c.trackingRedirect : -1)
    }

    static func trackinginfo(_ c: Client) {
        let t = c.tracking
        var flags = [t.contains(.on) ? "on" : "off"]
        if t.contains(.bcast) { flags.append("bcast") }
        if t.contains(.optin) {
            flags.append("optin")
            if t.contains(.caching) { flags.append("caching-yes") }
        }
        if t.contains(.optout) {
            flags.append("optout")
            if t.contains(.caching) { flags.append("caching-no") }
        }
        if t.contains(.noloop) { flags.append("noloop") }
        if t.contains(.brokenRedirect) { flags.append("broken_redirect") }
        c.addReplyMapLen(3)
        c.addReplyBulkString("flags")
        c.addReplySetLen(flags.count)
        for f in flags { c.addReplyBulkString(f) }
        c.addReplyBulkString("redirect")
        c.addReplyInteger(t.contains(.on) ? c.trackingRedirect : -1)
        c.addReplyBulkString("prefixes")
        c.addReplyArrayLen(c.trackingPrefixes.count)
        for p in c.trackingPrefixes { c.addReplyBulk(p) }
    }
}
