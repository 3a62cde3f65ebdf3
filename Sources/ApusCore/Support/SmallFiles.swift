// Small files read and written whole: the one-number files the kernel publishes under
// /proc (oom_score_adj, fs.nr_open), and state files such as the cluster's nodes.conf,
// read as text and replaced atomically (temp file, fsync, rename, fsync of the
// directory) so a crash leaves either the old or the new version.

import Glibc

enum SmallFiles {
    /// The integer on the first line of `path`, or nil if it cannot be read or parsed.
    static func readInteger(_ path: String) -> Int? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var buf = [CChar](repeating: 0, count: 64)
        guard fgets(&buf, 64, f) != nil else { return nil }
        return Int(String(cString: buf).trimmingSpacesAndNewlines)
    }

    /// The whole file as text, nil when it cannot be opened.
    static func read(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var out: [UInt8] = []
        var buf = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buf, 1, buf.count, f)
            if n <= 0 { break }
            out += buf[0..<n]
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Replaces `path` with `data` atomically and durably; the errno text on failure.
    static func replace(_ path: String, with data: [UInt8]) -> String? {
        let tmp = path + ".tmp-\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return String(cString: strerror(errno)) }
        var off = 0
        while off < data.count {
            let w = data.withUnsafeBytes { write(fd, $0.baseAddress! + off, data.count - off) }
            if w < 0 {
                if errno == EINTR { continue }
                let e = String(cString: strerror(errno))
                close(fd)
                unlink(tmp)
                return e
            }
            off += w
        }
        if fsync(fd) != 0 {
            let e = String(cString: strerror(errno))
            close(fd)
            unlink(tmp)
            return e
        }
        close(fd)
        if rename(tmp, path) != 0 {
            let e = String(cString: strerror(errno))
            unlink(tmp)
            return e
        }
        let slash = path.lastIndex(of: "/")
        _ = AOFManifest.fsyncDirectory(slash.map { String(path[..<$0]) } ?? ".")
        return nil
    }
}
