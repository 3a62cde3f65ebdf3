// The multi-part AOF's manifest (Redis 7.0's aofManifest): which files make up the
// append-only log, in `<appenddirname>/<appendfilename>.manifest`. One line per file,
// `file <name> seq <n> type <b|h|i>`: the base (a snapshot, RDB or commands) first,
// then history files (replaced, waiting for deletion), then the incr files the
// commands since the base are appended to, in increasing sequence. Parsed with 7.0's
// checks and fatal messages; written atomically (temp file, fsync, rename, directory
// fsync) so a crash leaves the old manifest or the new one, never a mix.

import Glibc
import CApusSys

public struct AOFFileInfo: Equatable {
    public enum Kind: UInt8 { case base = 98, history = 104, incr = 105 }    // 'b', 'h', 'i'
    public var name: String
    public var seq: Int64
    public var kind: Kind
}

public struct AOFManifest: Equatable {
    public var base: AOFFileInfo?
    public var history: [AOFFileInfo] = []
    public var incr: [AOFFileInfo] = []
    /// The sequence numbers last given to a base and to an incr file.
    public var baseSeq: Int64 = 0
    public var incrSeq: Int64 = 0

    public init() {}

    public var isEmpty: Bool { base == nil && incr.isEmpty }

    // MARK: - Text

    /// The manifest's text: base, history, incr; names that need it quoted as
    /// sdscatrepr quotes them.
    public var text: String {
        var out = ""
        for f in (base.map { [$0] } ?? []) + history + incr {
            let bytes = Array(f.name.utf8)
            let name = AOFManifest.needsQuoting(bytes) ? ConfigFile.repr(bytes) : f.name
            out += "file \(name) seq \(f.seq) type \(Character(Unicode.Scalar(f.kind.rawValue)))\n"
        }
        return out
    }

    /// sdsneedsrepr: anything but plain printable characters without spaces or quotes.
    static func needsQuoting(_ s: [UInt8]) -> Bool {
        s.contains { b in b == 92 || b == 34 || b == 39 || b <= 32 || b >= 127 }
    }

    public struct ParseError: Error, Equatable {
        public let message: String
        /// The offending line (trimmed) and its number, when a line is to blame.
        public let line: String?
        public let lineNumber: Int
    }

    /// Parses a manifest as 7.0's aofLoadManifestFromFile does (comments skipped, six
    /// or more words in pairs, unknown pairs ignored, one base at most, incr sequence
    /// numbers strictly increasing, names without a directory).
    public static func parse(_ data: [UInt8]) throws -> AOFManifest {
        var m = AOFManifest()
        var maxSeq: Int64 = 0
        var lineNumber = 0
        if data.isEmpty { throw ParseError(message: "Found an empty AOF manifest", line: nil, lineNumber: 0) }
        var start = 0
        while start < data.count {
            let nl = data[start...].firstIndex(of: 10)
            let end = nl ?? data.count
            let raw = Array(data[start..<end])
            start = end + 1
            lineNumber += 1
            if raw.first == UInt8(ascii: "#") { continue }
            let text = String(decoding: AOFManifest.trimmed(raw), as: UTF8.self)
            func fail(_ msg: String) -> ParseError { ParseError(message: msg, line: text, lineNumber: lineNumber) }
            // 7.0 reads lines of at most 1024 bytes, each ending in a newline.
            if nl == nil || raw.count > 1024 { throw fail("The AOF manifest file contains too long line") }
            if text.isEmpty { throw fail("Invalid AOF manifest file format") }
            guard let args = Array(text.utf8).withUnsafeBytes({ SplitArgs.split($0) }), args.count >= 6,
                  args.count % 2 == 0 else { throw fail("Invalid AOF manifest file format") }
            var name: String?, seq: Int64 = 0, type: UInt8 = 0
            var j = 0
            while j < args.count {
                let key = String(decoding: args[j], as: UTF8.self).lowercased()
                let value = args[j + 1]
                switch key {
                case "file":
                    let n = String(decoding: value, as: UTF8.self)
                    if n.contains("/") { throw fail("File can't be a path, just a filename") }
                    name = n
                case "seq":
                    seq = AOFManifest.atoll(value)
                case "type":
                    type = value.first ?? 0
                default:
                    break
                }
                j += 2
            }
            guard let n = name, seq != 0, type != 0 else { throw fail("Invalid AOF manifest file format") }
            guard let kind = AOFFileInfo.Kind(rawValue: type) else { throw fail("Unknown AOF file type") }
            let info = AOFFileInfo(name: n, seq: seq, kind: kind)
            switch kind {
            case .base:
                if m.base != nil { throw fail("Found duplicate base file information") }
                m.base = info
                m.baseSeq = seq
            case .history:
                m.history.append(info)
            case .incr:
                if seq <= maxSeq { throw fail("Found a non-monotonic sequence number") }
                m.incr.append(info)
                m.incrSeq = seq
                maxSeq = seq
            }
        }
        return m
    }

    /// sdstrim with " \t\r\n".
    static func trimmed(_ s: [UInt8]) -> [UInt8] {
        let ws: (UInt8) -> Bool = { $0 == 32 || $0 == 9 || $0 == 13 || $0 == 10 }
        guard let a = s.firstIndex(where: { !ws($0) }), let b = s.lastIndex(where: { !ws($0) }) else { return [] }
        return Array(s[a...b])
    }

    /// C's atoll: optional spaces and sign, then digits up to the first other byte.
    static func atoll(_ s: [UInt8]) -> Int64 {
        var i = 0
        while i < s.count && (s[i] == 32 || (s[i] >= 9 && s[i] <= 13)) { i += 1 }
        var neg = false
        if i < s.count && (s[i] == 45 || s[i] == 43) { neg = s[i] == 45; i += 1 }
        var v: Int64 = 0
        while i < s.count, s[i] >= 48, s[i] <= 57 {
            v = v &* 10 &+ Int64(s[i] - 48)
            i += 1
        }
        return neg ? -v : v
    }

    // MARK: - Changes

    /// A new incr file at the end (getNewIncrAofName); returns its name.
    public mutating func addIncr(prefix: String) -> String {
        incrSeq += 1
        let name = "\(prefix).\(incrSeq).incr.aof"
        incr.append(AOFFileInfo(name: name, seq: incrSeq, kind: .incr))
        return name
    }

    /// The last incr file, created when there is none (getLastIncrAofName).
    public mutating func lastIncr(prefix: String) -> String {
        if let l = incr.last { return l.name }
        return addIncr(prefix: prefix)
    }

    /// A new base named for `rdb` or command content; the old base becomes history
    /// (getNewBaseFileNameAndMarkPreAsHistory). Returns the new name.
    public mutating func newBase(prefix: String, rdb: Bool) -> String {
        if var old = base {
            old.kind = .history
            history.insert(old, at: 0)
        }
        baseSeq += 1
        let name = "\(prefix).\(baseSeq).base.\(rdb ? "rdb" : "aof")"
        base = AOFFileInfo(name: name, seq: baseSeq, kind: .base)
        return name
    }

    /// After a rewrite: every incr file but the one being written (the last, when the
    /// AOF is on) becomes history (markRewrittenIncrAofAsHistory).
    public mutating func markRewrittenIncrAsHistory(keepLast: Bool) {
        if incr.isEmpty { return }
        let kept = keepLast ? [incr.removeLast()] : []
        for var f in incr.reversed() {
            f.kind = .history
            history.insert(f, at: 0)
        }
        incr = kept
    }

    // MARK: - Disk

    /// Writes `text` as `<dir>/<name>` atomically: `temp-<name>`, fsync, rename, then
    /// the directory fsynced (writeAofManifestFile). Throws the log line on failure.
    public func persist(dir: String, name: String) throws {
        let tempName = "temp-" + name
        let temp = dir + "/" + tempName
        let final = dir + "/" + name
        let fd = open(temp, O_WRONLY | O_TRUNC | O_CREAT | O_CLOEXEC, 0o644)
        if fd < 0 { throw AOFError("Can't open the AOF manifest file \(tempName): \(AOFError.reason())") }
        defer { close(fd) }
        let bytes = Array(text.utf8)
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AOFError("Error trying to write the temporary AOF manifest file \(tempName): \(AOFError.reason())")
            }
            off += n
        }
        if apus_fsync(fd) != 0 { throw AOFError("Fail to fsync the temp AOF file \(tempName): \(AOFError.reason()).") }
        if rename(temp, final) != 0 {
            throw AOFError("Error trying to rename the temporary AOF manifest file \(tempName) into \(name): \(AOFError.reason())")
        }
        if AOFManifest.fsyncDirectory(dir) != 0 {
            throw AOFError("Fail to fsync AOF directory \(final): \(AOFError.reason()).")
        }
    }

    /// fsyncFileDir: makes a rename or a new file in `dir` durable.
    static func fsyncDirectory(_ dir: String) -> Int32 {
        let fd = open(dir, O_RDONLY | O_CLOEXEC)
        if fd < 0 { return -1 }
        defer { close(fd) }
        return apus_fsync(fd) == 0 || errno == EINVAL || errno == EBADF ? 0 : -1
    }
}

/// An AOF failure, carrying the line to log.
public struct AOFError: Error, CustomStringConvertible {
    public let description: String
    init(_ d: String) { description = d }
    static func reason(_ e: Int32 = errno) -> String { String(cString: strerror(e)) }
}
