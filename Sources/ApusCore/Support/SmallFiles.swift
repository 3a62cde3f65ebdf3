// Reading the one-number files the kernel publishes under /proc (oom_score_adj,
// fs.nr_open): the first line of a small file as an integer.

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
}
