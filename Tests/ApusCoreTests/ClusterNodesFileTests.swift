// nodes.conf and CLUSTER NODES lines against files a real Redis 7.0.15 cluster wrote:
// four nodes (one with an announced hostname, a replica, a slot being migrated and
// imported, a failed and disconnected master, a slot moved by a config epoch) parse
// field by field and render back to the same text; the old `ip:port` form and bad
// lines are handled as 7.0 handles them.

import Foundation
import XCTest
@testable import ApusCore

final class ClusterNodesFileTests: XCTestCase {
    private func fixture(_ name: String) throws -> String {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/cluster/\(name)")
        return try String(contentsOf: url, encoding: .utf8)
    }

    func testRedisFilesParseAndRenderBackUnchanged() throws {
        for name in ["redis-7.0.15-nodes-a.conf", "redis-7.0.15-nodes-b.conf"] {
            let text = try fixture(name)
            let file = try ClusterNodesFile(parsing: text)
            XCTAssertEqual(file.text, text, name)
            XCTAssertEqual(file.nodes.count, 4)
            XCTAssertEqual(file.currentEpoch, 3)
            XCTAssertEqual(file.lastVoteEpoch, 0)
        }
    }

    func testFieldsOfTheLines() throws {
        let file = try ClusterNodesFile(parsing: try fixture("redis-7.0.15-nodes-a.conf"))
        let byPort = Dictionary(uniqueKeysWithValues: file.nodes.map { ($0.port, $0) })
        let me = try XCTUnwrap(byPort[31001])
        XCTAssertEqual(me.flags, [.myself, .master])
        XCTAssertEqual(me.cport, 41001)
        XCTAssertEqual(me.slots, [0...5460, 16000...16000])
        XCTAssertEqual(me.migrating.map { $0.slot }, [100])
        XCTAssertEqual(me.migrating.first?.node, byPort[31002]?.name)
        let failed = try XCTUnwrap(byPort[31003])
        XCTAssertEqual(failed.flags, [.master, .fail])
        XCTAssertFalse(failed.connected)
        XCTAssertEqual(failed.slots, [10923...15999, 16001...16383])
        XCTAssertEqual(byPort[31002]?.hostname, "node2.example")
        XCTAssertEqual(byPort[31004]?.flags, [.replica])
        XCTAssertEqual(byPort[31004]?.master, me.name)
        let b = try ClusterNodesFile(parsing: try fixture("redis-7.0.15-nodes-b.conf"))
        let importer = try XCTUnwrap(b.nodes.first { $0.flags.contains(.myself) })
        XCTAssertEqual(importer.importing.map { $0.slot }, [100])
        XCTAssertEqual(importer.importing.first?.node, me.name)
    }

    func testOldFormsAndErrors() throws {
        let id = String(repeating: "a", count: 40)
        let old = try ClusterNodeLine(parsing: "\(id) 10.0.0.1:7000 myself,master - 0 0 5 connected 1-3 9"[...])
        XCTAssertEqual(old.cport, 17000, "no @cport: the bus port is port + 10000")
        XCTAssertEqual(old.text, "\(id) 10.0.0.1:7000@17000 myself,master - 0 0 5 connected 1-3 9")
        let none = ClusterNodeLine(name: id, ip: "", port: 0, cport: 0, flags: [], connected: false)
        XCTAssertEqual(none.text, "\(id) :0@0 noflags - 0 0 0 disconnected")
        XCTAssertEqual(try ClusterNodeLine(parsing: none.text[...]), none)
        XCTAssertThrowsError(try ClusterNodeLine(parsing: "\(id) 10.0.0.1:7000 master - 0 0"[...]))
        XCTAssertThrowsError(try ClusterNodeLine(parsing: "\(id) 10.0.0.1:7000 bogus - 0 0 1 connected"[...]))
        XCTAssertThrowsError(try ClusterNodeLine(parsing: "\(id) 10.0.0.1:7000 master - 0 0 1 connected 5-2"[...]))
        XCTAssertThrowsError(try ClusterNodeLine(parsing: "\(id) 10.0.0.1:7000 master - 0 0 1 connected 16384"[...]))
        XCTAssertEqual(Result { try ClusterNodesFile(parsing: "\(id) 1.2.3.4:1@2 master - 0 0 1 connected\n") }
            .failureCase, .noMyself)
    }
}

private extension Result where Failure == Error {
    var failureCase: ClusterNodesFile.ParseError? {
        if case .failure(let e) = self { return e as? ClusterNodesFile.ParseError }
        return nil
    }
}
