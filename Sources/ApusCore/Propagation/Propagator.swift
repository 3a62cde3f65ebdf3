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
//   to the consumers and forgets them.
//
// With no consumer attached nothing is recorded or encoded, and call() tests one flag
// and goes on. Commands are stored RESP-encoded, as both consumers write them.

/// A command as it enters the stream: its database and its RESP encoding (valid only
/// during the `feed` call).
public struct PropagatedCommand {
    public let db: Int
    public let resp: UnsafeRawBufferPointer
}

/// A reader of the command stream (the AOF, the replication backlog).
public protocol PropagationConsumer: AnyObject {
    /// The commands of one execution unit, in order. Whether to wrap several in
    /// MULTI/EXEC and when to emit SELECT is the consumer's business.
    func feed(_ commands: [PropagatedCommand])
}

public final class Propagator {
    public private(set) var consumers: [any PropagationConsumer] = []
    /// Encoded pending commands and where each starts.
    private var pending = ByteBuffer(capacity: 0)
    private var records: [(db: Int, start: Int, end: Int)] = []
    /// The arguments that replace the running command in the stream, if its handler set any.
    private var replacement: [[UInt8]]?
    /// The running command must be propagated even if it changed nothing.
    private var forced = false
    /// Commands handed to consumers since start (tests and INFO-style accounting).
    public private(set) var propagatedCount = 0

    public init() {}

    deinit { pending.free() }

    /// True when some consumer reads the stream.
    public private(set) var isActive = false

    public func attach(_ consumer: any PropagationConsumer) {
        consumers.append(consumer)
        isActive = true
    }

    public func detach(_ consumer: any PropagationConsumer) {
        consumers.removeAll { $0 === consumer }
        isActive = !consumers.isEmpty
    }

    // MARK: - During a command

    /// The running command is propagated as `args` instead of as sent (Redis's
    /// rewriteClientCommandVector). Not evaluated without consumers.
    public func replaceCurrentCommand(_ args: @autoclosure () -> [[UInt8]]) {
        if isActive { replacement = args() }
    }

    /// The running command is propagated even if the dataset did not change
    /// (forceCommandPropagation).
    public func forceCurrentCommand() { if isActive { forced = true } }

    /// After a command ran: records it (or its replacement) when it changed the
    /// dataset or was forced, and forgets the replacement and the force flag.
    /// `arg(i)` gives argument i of `argc`.
    func commandExecuted(db: Int, dirtied: Bool, argc: Int, arg: (Int) -> UnsafeRawBufferPointer) {
        let replaced = replacement
        let wanted = dirtied || forced
        replacement = nil
        forced = false
        guard isActive, wanted else { return }
        if let r = replaced {
            add(db: db, args: r)
            return
        }
        let start = pending.writeIndex
        RESPCommandEncoder.appendHeader(argc: argc, into: &pending)
        for i in 0..<argc { RESPCommandEncoder.appendArgument(arg(i), into: &pending) }
        records.append((db, start, pending.writeIndex))
    }

    /// Adds a command to the pending list (alsoPropagate).
    public func add(db: Int, args: [[UInt8]]) {
        guard isActive else { return }
        let start = pending.writeIndex
        RESPCommandEncoder.append(args, into: &pending)
        records.append((db, start, pending.writeIndex))
    }

    /// The deletion of an expired (or, later, evicted) key: DEL, or UNLINK when the
    /// key is freed lazily.
    public func addDeletion(db: Int, key: UnsafeRawBufferPointer, lazy: Bool) {
        guard isActive else { return }
        let start = pending.writeIndex
        RESPCommandEncoder.appendHeader(argc: 2, into: &pending)
        let name: StaticString = lazy ? "UNLINK" : "DEL"
        RESPCommandEncoder.appendArgument(UnsafeRawBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount),
                                          into: &pending)
        RESPCommandEncoder.appendArgument(key, into: &pending)
        records.append((db, start, pending.writeIndex))
    }

    // MARK: - End of an execution unit

    /// Hands the pending commands to every consumer and clears them.
    @inline(__always) public func flush() {
        if records.isEmpty { return }
        flushPending()
    }

    private func flushPending() {
        let base = pending.base
        let unit = records.map {
            PropagatedCommand(db: $0.db, resp: UnsafeRawBufferPointer(start: base + $0.start, count: $0.end - $0.start))
        }
        for c in consumers { c.feed(unit) }
        propagatedCount += unit.count
        records.removeAll(keepingCapacity: true)
        pending.reset(shrinkTo: 64 * 1024)
    }
}
