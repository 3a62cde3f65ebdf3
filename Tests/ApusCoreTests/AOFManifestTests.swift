// The AOF manifest: 7.0's text form both ways, its validation messages, and the
// changes a rewrite makes (new base, incr files to history, the file being written
// kept), with sequence numbers as 7.0 assigns them.

import XCTest
@testable import ApusCore

final class AOFManifestTests: XCTestCase {
    private func parse(_ s: String) throws -> AOFManifest { try AOFManifest.parse(Array(s.utf8)) }

    private func error(_ s: String) -> String? {
        do { _ = try parse(s); return nil } catch let e as AOFManifest.ParseError { return e.message } catch { return "\(error)" }
    }

    func testTheTextRoundTripsAndKeepsSevenOhsOrder() throws {
        let text = "file appendonly.aof.2.base.rdb seq 2 type b\nfile appendonly.aof.1.incr.aof seq 1 type h\n"
            + "file appendonly.aof.2.incr.aof seq 2 type i\nfile appendonly.aof.3.incr.aof seq 3 type i\n"
        let m = try parse(text)
        XCTAssertEqual(m.base?.name, "appendonly.aof.2.base.rdb")
        XCTAssertEqual(m.history.map(\.seq), [1])
        XCTAssertEqual(m.incr.map(\.seq), [2, 3])
        XCTAssertEqual(m.text, text)
        XCTAssertEqual(m.incrSeq, 3)
        // Comments are skipped, keys are case-insensitive, unknown pairs ignored.
        let m2 = try parse("# a comment\nFILE x.rdb SEQ 7 TYPE b extra 1\n")
        XCTAssertEqual(m2.base, AOFFileInfo(name: "x.rdb", seq: 7, kind: .base))
        // Names that need it are quoted as sdscatrepr quotes them, and read back.
        var q = AOFManifest()
        q.base = AOFFileInfo(name: "with space.rdb", seq: 1, kind: .base)
        q.baseSeq = 1
        XCTAssertEqual(q.text, "file \"with space.rdb\" seq 1 type b\n")
        XCTAssertEqual(try parse(q.text), q)
    }

    func testMalformedManifestsAreRefusedWithSevenOhsMessages() {
        XCTAssertEqual(error(""), "Found an empty AOF manifest")
        XCTAssertEqual(error("file a seq 1 type b"), "The AOF manifest file contains too long line")
        XCTAssertEqual(error("\n"), "Invalid AOF manifest file format")
        XCTAssertEqual(error("file a seq 1\n"), "Invalid AOF manifest file format")
        XCTAssertEqual(error("file a seq 0 type b\n"), "Invalid AOF manifest file format")
        XCTAssertEqual(error("file dir/a seq 1 type b\n"), "File can't be a path, just a filename")
        XCTAssertEqual(error("file a seq 1 type x\n"), "Unknown AOF file type")
        XCTAssertEqual(error("file a seq 1 type b\nfile b seq 2 type b\n"), "Found duplicate base file information")
        XCTAssertEqual(error("file a seq 2 type i\nfile b seq 2 type i\n"), "Found a non-monotonic sequence number")
        XCTAssertEqual(error("file " + String(repeating: "a", count: 1100) + " seq 1 type b\n"),
                       "The AOF manifest file contains too long line")
    }

    func testARewriteTurnsTheOldFilesIntoHistory() {
        var m = AOFManifest()
        XCTAssertEqual(m.newBase(prefix: "appendonly.aof", rdb: true), "appendonly.aof.1.base.rdb")
        XCTAssertEqual(m.lastIncr(prefix: "appendonly.aof"), "appendonly.aof.1.incr.aof")
        // At the cut a new incr file takes the writes ...
        XCTAssertEqual(m.addIncr(prefix: "appendonly.aof"), "appendonly.aof.2.incr.aof")
        // ... and when the snapshot is on disk it is the new base.
        XCTAssertEqual(m.newBase(prefix: "appendonly.aof", rdb: true), "appendonly.aof.2.base.rdb")
        m.markRewrittenIncrAsHistory(keepLast: true)
        XCTAssertEqual(m.text, "file appendonly.aof.2.base.rdb seq 2 type b\n"
            + "file appendonly.aof.1.incr.aof seq 1 type h\nfile appendonly.aof.1.base.rdb seq 1 type h\n"
            + "file appendonly.aof.2.incr.aof seq 2 type i\n")
        // With the AOF off no incr file is being written: all of them go.
        m.markRewrittenIncrAsHistory(keepLast: false)
        XCTAssertTrue(m.incr.isEmpty)
    }

    func testTheStreamWriterSelectsDatabasesOnlyWhenTheyChange() {
        var w = CommandStreamWriter()
        var out = ByteBuffer(capacity: 64)
        defer { out.free() }
        let set = Array("*1\r\n$4\r\nPING\r\n".utf8)
        set.withUnsafeBytes { p in
            w.append([PropagatedCommand(db: 0, targets: .all, resp: p), PropagatedCommand(db: 0, targets: .all, resp: p),
                      PropagatedCommand(db: 3, targets: .all, resp: p)], into: &out)
        }
        XCTAssertEqual(String(decoding: out.readableView, as: UTF8.self),
                       "*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*1\r\n$4\r\nPING\r\n*1\r\n$4\r\nPING\r\n"
                       + "*2\r\n$6\r\nSELECT\r\n$1\r\n3\r\n*1\r\n$4\r\nPING\r\n")
        XCTAssertEqual(w.selectedDB, 3)
    }
}
