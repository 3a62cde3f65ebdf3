// The command table: every registered command, found by name without allocating
// (ASCII case-insensitive hash over the argument bytes into an open-addressing table).
// Built once at start-up from `CommandSpecs` (the data) and `CommandHandlers` (the code):
// a command whose handler does not exist yet is simply absent, so it answers
// "unknown command" exactly as Redis does for a command it lacks.

import Glibc

public final class CommandTable {
    public private(set) var all: [RedisCommand] = []
    private var slots: [Int32]          // index into `all`, -1 empty
    private var names: [[UInt8]]
    private var mask: Int

    public init(handlers: [String: CommandHandler]) {
        let built = CommandSpecs.build(handlers: handlers).sorted { $0.name < $1.name }
        all = built
        var size = 16
        while size < built.count * 4 { size <<= 1 }
        slots = [Int32](repeating: -1, count: size)
        mask = size - 1
        names = built.map { Array($0.name.utf8) }
        for (i, n) in names.enumerated() {
            var h = n.withUnsafeBytes { CommandTable.hash($0) } & mask
            while slots[h] != -1 { h = (h + 1) & mask }
            slots[h] = Int32(i)
        }
    }

    @inline(__always) static func hash(_ p: UnsafeRawBufferPointer) -> Int {
        var h: UInt64 = 0xcbf29ce484222325
        for b in p { h = (h ^ UInt64(asciiLower(b))) &* 0x100000001b3 }
        return Int(truncatingIfNeeded: h ^ (h >> 29))
    }

    /// Finds a top-level command by name (any case).
    @inline(__always) public func lookup(_ name: UnsafeRawBufferPointer) -> RedisCommand? {
        if name.count == 0 || name.count > 64 { return nil }
        var h = CommandTable.hash(name) & mask
        while true {
            let idx = Int(slots[h])
            if idx < 0 { return nil }
            if CommandTable.equalsLower(name, names[idx]) { return all[idx] }
            h = (h + 1) & mask
        }
    }

    public func lookup(_ name: String) -> RedisCommand? {
        Array(name.utf8).withUnsafeBytes { lookup($0) }
    }

    /// Looks up "get" or "config|get" (full names, as COMMAND INFO and ACL use them).
    public func lookupFullName(_ full: String) -> RedisCommand? {
        let parts = full.lowercased().split(separator: "|", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count >= 1, !parts[0].isEmpty, let top = lookup(String(parts[0])) else { return nil }
        if parts.count == 1 { return top }
        return top.subcommand(named: String(parts[1]))
    }

    @inline(__always) static func equalsLower(_ a: UnsafeRawBufferPointer, _ lower: [UInt8]) -> Bool {
        if a.count != lower.count { return false }
        return lower.withUnsafeBufferPointer { l in
            for i in 0..<a.count where asciiLower(a[i]) != l[i] { return false }
            return true
        }
    }

    /// For a container command with argc ≥ 2, the subcommand argv[1] names (or the
    /// container itself when there is none, so the caller can report the error).
    @inline(__always) func resolveSubcommand(_ cmd: RedisCommand, _ c: Client) -> RedisCommand {
        if cmd.subcommands.isEmpty || c.argc < 2 { return cmd }
        let a = c.arg(1)
        for s in cmd.subcommands where CommandTable.equalsLower(a, s.nameBytes) { return s }
        return cmd
    }
}
