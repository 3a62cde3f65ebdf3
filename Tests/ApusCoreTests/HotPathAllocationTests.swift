// Guards the performance rule that GET and SET allocate nothing per command once the
// key exists: parsing, lookup, dispatch, the overwrite in place and the reply all run
// on memory that is already there. Counts every malloc-family call in the process.

import XCTest
import CAllocCounter
@testable import ApusCore

final class HotPathAllocationTests: XCTestCase {
    func testGetAndSetOverwriteDoNotAllocatePerCommand() {
        let h = InProcessServer()
        let c = h.makeClient()
        let set = "*3\r\n$3\r\nSET\r\n$10\r\nkey:000042\r\n$16\r\nabcdefghijklmnop\r\n"
        let get = "*2\r\n$3\r\nGET\r\n$10\r\nkey:000042\r\n"
        let batch = Array((String(repeating: set + get, count: 50)).utf8)
        // Warm up: the key exists, buffers and statistics arrays have their final size.
        for _ in 0..<20 { run(h, c, batch) }
        let before = apus_test_allocations()
        for _ in 0..<20 { run(h, c, batch) }
        let perCommand = Double(apus_test_allocations() - before) / 2000
        XCTAssertEqual(perCommand, 0, "GET/SET allocated \(perCommand) times per command")
    }

    /// Feeds a batch and drops the replies, without allocating in the test itself.
    private func run(_ h: InProcessServer, _ c: Client, _ batch: [UInt8]) {
        batch.withUnsafeBytes { c.query.append($0) }
        h.server.processInputBuffer(c)
        c.reply.readIndex = 0
        c.reply.writeIndex = 0
    }
}
