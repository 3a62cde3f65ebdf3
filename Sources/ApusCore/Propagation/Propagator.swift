// The one propagation point (Redis's alsoPropagate / propagatePendingCommands). What
// changed the dataset reaches every consumer of the command stream — the AOF and the
// replicas when they arrive — through here and nowhere else:
//
// - `call()` hands over each command that made the keyspace dirty (or was forced to
//   propagate, as FLUSHALL on an empty server is), or the replacement its handler set
//   (SET ... EX becomes SET ... PXAT, so a replay later gives the same expiry);
// - the keyspace hands over the deletion of every expired key (DEL, or UNLINK with
//   lazyfree-lazy-expire), in order with the commands around it;
// - `flush()` at the end of each execution unit passes the pending commands, in order,
//   to the consumers and forgets them. A unit of more than one command is wrapped in
//   MULTI ... EXEC, as 7.0's propagatePendingCommands does (the active expire cycle
//   asks for no wrapping, each of its deletions being atomic alone).
//
// Each command carries its targets (Redis's PROPAGATE_AOF / PROPAGATE_REPL): PUBLISH
// goes to replicas only. A command is recorded only when some consumer reads one of
// its targets (shouldPropagate), which decides, as in 7.0, whether a transaction
// holding a PUBLISH is wrapped when no replica listens. A consumer receives only the
// commands addressed to it; choosing the database (SELECT) is its business, since
// each stream remembers its own.
//
// With no consumer attached nothing is recorded or encoded, and call() tests one flag
// and goes on. Commands are stored RESP-encoded, as both consumers write them.

/// Where a propagated command goes.
public struct PropagationTargets: OptionSet, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }
    public static let aof = PropagationTargets(rawValue: 1 << 0)
    public static let replicas = PropagationTargets(rawValue: 1 << 1)
    public static let all: PropagationTargets = [.aof, .replicas]
}

/// A command as it enters the stream: its database, its targets and its RESP encoding
/// (valid only during the `feed` call).
public struct PropagatedCommand {
    public let db: Int
    public let targets: PropagationTargets
    public let resp: UnsafeRawBufferPointer
}

/// A reader of the command stream (the AOF, the replication backlog).
public protocol PropagationConsumer: AnyObject {
    /// The stream this consumer is: it is fed the commands addressed to it.
    var target: PropagationTargets { get }
    /// The commands of one execution unit addressed to this consumer, in order,
    /// MULTI/EXEC included when the unit was wrapped. Emitting SELECT when the
    /// database changes is the consumer's business.
    func feed(_ commands: [PropagatedCommand])
}

public final class Propagator {
    public private(set) var consumers: [any PropagationConsumer] = []
    /// Encoded pending commands and where each starts.
    private var pending = ByteBuffer(capacity: 0)
    private var records: [(db: Int, targets: PropagationTargets, start: Int, end: Int)] = []
    /// The arguments that replace the running command in the stream, if its handler set any.
    private var replacement: [[UInt8]]?
    /// Where the running command must be propagated even if it changed nothing.
    private var forced: PropagationTargets = []
    /// The running command itself is not propagated; what it added is (SPOP's SREMs).
    private var prevented = false
    /// The targets some attached consumer reads.
    private var listened: PropagationTargets = []
    /// The unit being recorded must not be wrapped in MULTI/EXEC (active expiry).
    public var noMulti = false
    /// Commands handed to consumers since start (tests and INFO-style accounting).
    public private(set) var propagatedCount = 0

    public init() {}

    deinit { pending.free() }

    /// True when some consumer reads the stream.
    public private(set) var isActive = false

    public func attach(_ consumer: any PropagationConsumer) {
        consumers.append(consumer)
        refreshListened()
    }

    public func detach(_ consumer: any PropagationConsumer) {
        consumers.removeAll { $0 === consumer }
        refreshListened()
    }

    private func refreshListened() {
        listened = consumers.reduce([]) { $0.union($1.target) }
        isActive = !consumers.isEmpty
    }

    /// Whether a command for `targets` is read by anyone (Redis's shouldPropagate).
    @inline(__always) func wanted(_ targets: PropagationTargets) -> Bool { !listened.isDisjoint(with: targets) }

    // MARK: - During a command

    /// The running command is propagated as `args` instead of as sent (Redis's
    /// rewriteClientCommandVector). Not evaluated without consumers.
    public func replaceCurrentCommand(_ args: @autoclosure () -> [[UInt8]]) {
        if isActive { replacement = args() }
    }

    /// The running command is propagated to `targets` even if the dataset did not
    /// change (forceCommandPropagation: FLUSHALL everywhere, PUBLISH to replicas).
    public func forceCurrentCommand(_ targets: PropagationTargets = .all) {
        if isActive { forced.formUnion(targets) }
    }

    /// The running command is replaced by what it adds with `add` (7.0's
    /// preventCommandPropagation): SPOP with a count becomes one SREM per member.
    public func preventCurrentCommand() { if isActive { prevented = true } }

    /// After a command ran: records it (or its replacement) when it changed the
    /// dataset (for every target) or was forced (for the forced targets), and forgets
    /// the replacement and the force and prevent flags. `arg(i)` gives argument i of
    /// `argc`.
    func commandExecuted(db: Int, dirtied: Bool, argc: Int, arg: (Int) -> UnsafeRawBufferPointer) {
        let replaced = replacement
        let targets: PropagationTargets = dirtied ? .all : forced
        let skip = prevented
        replacement = nil
        forced = []
        prevented = false
        guard isActive, !skip, wanted(targets) else { return }
        if let r = replaced {
            add(db: db, args: r, targets: targets)
            return
        }
        let start = pending.writeIndex
        RESPCommandEncoder.appendHeader(argc: argc, into: &pending)
        for i in 0..<argc { RESPCommandEncoder.appendArgument(arg(i), into: &pending) }
        records.append((db, targets, start, pending.writeIndex))
    }

    /// Adds a command to the pending list (alsoPropagate).
    public func add(db: Int, args: [[UInt8]], targets: PropagationTargets = .all) {
        guard wanted(targets) else { return }
        let start = pending.writeIndex
        RESPCommandEncoder.append(args, into: &pending)
        records.append((db, targets, start, pending.writeIndex))
    }

    /// The deletion of an expired (or, later, evicted) key: DEL, or UNLINK when the
    /// key is freed lazily.
    public func addDeletion(db: Int, key: UnsafeRawBufferPointer, lazy: Bool) {
        guard wanted(.all) else { return }
        let start = pending.writeIndex
        RESPCommandEncoder.appendHeader(argc: 2, into: &pending)
        let name: StaticString = lazy ? "UNLINK" : "DEL"
        RESPCommandEncoder.appendArgument(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
                                          into: &pending)
        RESPCommandEncoder.appendArgument(key, into: &pending)
        records.append((db, .all, start, pending.writeIndex))
    }

    // MARK: - End of an execution unit

    /// Hands the pending commands to every consumer and clears them.
    @inline(__always) public func flush() {
        if records.isEmpty { return }
        flushPending()
    }

    private static let multi: StaticString = "*1\r\n$5\r\nMULTI\r\n"
    private static let exec: StaticString = "*1\r\n$4\r\nEXEC\r\n"

    /// The unit being handed over and one consumer's share of it, kept between units
    /// so that a flush allocates nothing once warm.
    private var unit: [PropagatedCommand] = []
    private var share: [PropagatedCommand] = []

    private func flushPending() {
        let base = pending.base
        unit.removeAll(keepingCapacity: true)
        let wrap = records.count > 1 && !noMulti
        // MULTI in the first command's database, so a SELECT goes before it; EXEC in
        // the last one's, so none goes between.
        if wrap { unit.append(PropagatedCommand(db: records[0].db, targets: .all, resp: Propagator.bytes(Propagator.multi))) }
        var targets: PropagationTargets = []
        for r in records {
            unit.append(PropagatedCommand(db: r.db, targets: r.targets,
                                          resp: UnsafeRawBufferPointer(start: base + r.start, count: r.end - r.start)))
            targets.formUnion(r.targets)
        }
        if wrap { unit.append(PropagatedCommand(db: records[records.count - 1].db, targets: .all, resp: Propagator.bytes(Propagator.exec))) }
        propagatedCount += records.count
        for c in consumers {
            if unit.allSatisfy({ !$0.targets.isDisjoint(with: c.target) }) {
                c.feed(unit)
                continue
            }
            share.removeAll(keepingCapacity: true)
            for u in unit where !u.targets.isDisjoint(with: c.target) { share.append(u) }
            if !share.isEmpty { c.feed(share) }
        }
        records.removeAll(keepingCapacity: true)
        pending.reset(shrinkTo: 64 * 1024)
    }

    private static func bytes(_ s: StaticString) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)
    }
}
