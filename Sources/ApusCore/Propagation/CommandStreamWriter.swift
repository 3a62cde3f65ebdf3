// Writing the command stream as a consumer stores it (Redis's feedAppendOnlyFile and
// replicationFeedSlaves share this shape): each command in RESP, preceded by
// `SELECT <db>` whenever its database differs from the one the stream last selected.
// Each stream remembers its own selection: the AOF's survives across units and is
// forgotten when a new file starts; a replica's starts unknown.

public struct CommandStreamWriter {
    /// The database the stream last selected; -1 when unknown (a SELECT comes first).
    public var selectedDB: Int

    public init(selectedDB: Int = -1) { self.selectedDB = selectedDB }

    /// Appends `commands` to `out`, choosing databases as needed.
    public mutating func append(_ commands: [PropagatedCommand], into out: inout ByteBuffer) {
        for c in commands {
            if c.db != selectedDB {
                RESPCommandEncoder.append([Array("SELECT".utf8), Numbers.ll2string(Int64(c.db))], into: &out)
                selectedDB = c.db
            }
            out.append(c.resp)
        }
    }
}
