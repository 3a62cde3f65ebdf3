// Every write command through the propagation point, against what Redis 7.0.15 wrote
// to its AOF for the same commands (Fixtures/redis-7.0.15-propagation.json, made by
// tools/gen-propagation-table): the commands, their rewrites, the MULTI/EXEC wrapping
// and the SELECTs, as an AOF consumer renders them. Absolute times are compared as
// "<ms>", as the table stores them.

import Foundation
import XCTest
@testable import ApusCore

/// An AOF-shaped consumer: renders what it is fed with a CommandStreamWriter.
final class StreamRenderingConsumer: PropagationConsumer {
    let target: PropagationTargets
    var writer = CommandStreamWriter()
    var out = ByteBuffer(capacity: 1024)
    init(target: PropagationTargets) { self.target = target }
    deinit { out.free() }

    func feed(_ commands: [PropagatedCommand]) { writer.append(commands, into: &out) }

    /// What was written since the last call, decoded to argument lists.
    func take() -> [[String]] {
        let decoded = RESPReplyDecoder.decodeAll(Array(out.readableView))
        out.reset(shrinkTo: 1024)
        return decoded.map { v -> [String] in
            guard case .array(let items) = v else { return ["<not an array>"] }
            return items.map { $0.text ?? "?" }
        }
    }
}

final class PropagationTableTests: XCTestCase {
    struct Case: Decodable {
        let setup: [[String]]
        let run: [[String]]
        let aof: [[String]]
    }

    private func cases() throws -> [Case] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/redis-7.0.15-propagation.json")
        return try JSONDecoder().decode([Case].self, from: Data(contentsOf: url))
    }

    private func send(_ h: InProcessServer, _ c: Client, _ args: [String]) {
        _ = h.feed(c, String(decoding: RESPCommandEncoder.encode(args.map { Array($0.utf8) }), as: UTF8.self))
    }

    private func normalized(_ args: [String]) -> [String] {
        args.map { a in a.count == 13 && a.first == "1" && a.allSatisfy(\.isNumber) ? "<ms>" : a }
    }

    func testEveryWriteCommandPropagatesAsRedisWritesItsAOF() throws {
        let table = try cases()
        XCTAssertGreaterThan(table.count, 100)
        var failures: [String] = []
        for t in table {
            let h = InProcessServer()
            let c = h.makeClient()
            let aof = StreamRenderingConsumer(target: .aof)
            h.server.keyspace.propagator.attach(aof)
            send(h, c, ["FLUSHALL"])
            for s in t.setup { send(h, c, s) }
            _ = aof.take()
            for r in t.run { send(h, c, r) }
            let got = aof.take().map(normalized)
            if got != t.aof { failures.append("\(t.setup) \(t.run):\n   apus  \(got)\n   redis \(t.aof)") }
        }
        XCTAssertTrue(failures.isEmpty, "\(failures.count) case(s) differ:\n" + failures.joined(separator: "\n"))
    }

    func testPublishReachesReplicasOnlyAndJoinsTheirTransactions() {
        let h = InProcessServer()
        let c = h.makeClient()
        let aof = StreamRenderingConsumer(target: .aof), repl = StreamRenderingConsumer(target: .replicas)
        h.server.keyspace.propagator.attach(aof)
        h.server.keyspace.propagator.attach(repl)
        for l in ["PUBLISH ch hi", "MULTI", "PUBLISH ch x", "SET a 1", "EXEC"] { send(h, c, l.split(separator: " ").map(String.init)) }
        XCTAssertEqual(repl.take(), [["SELECT", "0"], ["PUBLISH", "ch", "hi"], ["MULTI"], ["PUBLISH", "ch", "x"],
                                     ["SET", "a", "1"], ["EXEC"]])
        // With a replica listening the unit holds two commands, so the AOF sees the
        // wrapping too (as 7.0 writes it), around the one command addressed to it.
        XCTAssertEqual(aof.take(), [["SELECT", "0"], ["MULTI"], ["SET", "a", "1"], ["EXEC"]])
    }
}
