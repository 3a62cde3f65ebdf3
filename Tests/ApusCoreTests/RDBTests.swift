// Tests for the RDB encoder and loader (Persistence/RDBEncoder.swift, RDBLoader.swift):
// exact encodings, encode -> load round trips from memory, files and pipes, corruption
// and truncation reporting, and compatibility with real Redis 7.0.15 both ways
// (fixtures written by redis-server; our files checked by redis-check-rdb and loaded
// by redis-server, when those binaries are installed).
import Foundation
import XCTest
@testable import ApusCore

// MARK: - Helpers

/// A loaded value in owned form.
private enum RDBTestValue: Equatable, CustomStringConvertible {
    case string([UInt8])
    case int(Int64)
    /// A hash as its fields and values, flattened in storage order.
    case hash([[UInt8]])
    /// A set's members, sorted.
    case set([[UInt8]])
    /// A list's elements, head first.
    case list([[UInt8]])
    /// A sorted set's members and scores, lowest first.
    case zset([[UInt8]], [Double])
    /// A stream's entries as "id field value ...", oldest first.
    case stream([[UInt8]])

    static func text(_ s: String) -> RDBTestValue { .string(Array(s.utf8)) }

    /// The bytes a client would read back (GET): integers as decimal text.
    var bytes: [UInt8] {
        switch self {
        case .string(let b): return b
        case .int(let v): return Array(String(v).utf8)
        case .hash(let items), .set(let items), .list(let items), .zset(let items, _), .stream(let items):
            return Array(items.joined(separator: [32]))
        }
    }

    var description: String {
        switch self {
        case .string(let b): return "string(\(b.count > 60 ? "\(b.count) bytes" : String(decoding: b, as: UTF8.self)))"
        case .int(let v): return "int(\(v))"
        case .hash(let items): return "hash(\(items.count / 2) fields)"
        case .set(let items): return "set(\(items.count) members)"
        case .list(let items): return "list(\(items.count) elements)"
        case .zset(let items, _): return "zset(\(items.count) members)"
        case .stream(let items): return "stream(\(items.count) entries)"
        }
    }
}

private struct RDBTestKey: Equatable {
    var db: Int
    var key: [UInt8]
    var value: RDBTestValue
    var expireMs: Int64 = -1
    var lruIdle: Int64 = -1
    var lfuFreq: Int = -1
}

/// Records everything the loader reports, in order.
private struct RDBTestCollector: RDBLoadHandler {
    enum Event: Equatable {
        case aux(String, RDBTestValue)
        case resize(db: Int, keys: UInt64, expires: UInt64)
        case function([UInt8])
        case key(RDBTestKey)
    }
    var events: [Event] = []

    var keys: [RDBTestKey] {
        events.compactMap { if case .key(let k) = $0 { return k } else { return nil } }
    }
    var aux: [String: String] {
        var d: [String: String] = [:]
        for case .aux(let k, let v) in events { d[k] = String(decoding: v.bytes, as: UTF8.self) }
        return d
    }
    func key(_ name: String, db: Int = 0) -> RDBTestKey? {
        keys.first { $0.key == Array(name.utf8) && $0.db == db }
    }

    mutating func onAux(key: UnsafeRawBufferPointer, value: UnsafeRawBufferPointer) throws {
        events.append(.aux(String(decoding: key, as: UTF8.self), .string(Array(value))))
    }
    mutating func onResizeDB(db: Int, keys: UInt64, expires: UInt64) throws {
        events.append(.resize(db: db, keys: keys, expires: expires))
    }
    mutating func onFunction(code: UnsafeRawBufferPointer) throws {
        events.append(.function(Array(code)))
    }
    mutating func onKey(db: Int, key: UnsafeRawBufferPointer, value: RDBValue, expireMs: Int64,
                        lruIdleSeconds: Int64, lfuFrequency: Int) throws {
        let v: RDBTestValue
        switch value {
        case .string(let p): v = .string(Array(p))
        case .int(let i): v = .int(i)
        case .hash(let h):
            var items: [[UInt8]] = []
            h.forEach { f, v in items.append(Array(f)); items.append(Array(v)) }
            v = .hash(items)
        case .set(let s):
            v = .set(s.members().sorted { $0.lexicographicallyPrecedes($1) })
        case .list(let l):
            v = .list(l.elements())
        case .zset(let z):
            var members: [[UInt8]] = [], scores: [Double] = []
            z.forEach { m, s in members.append(Array(m)); scores.append(s); return true }
            v = .zset(members, scores)
        case .stream(let st):
            var entries: [[UInt8]] = []
            st.forEachEntry { e, inf in
                var line = e.id.text
                st.forEachField(e, inf) { f, v in line += [32] + Array(f) + [32] + Array(v) }
                entries.append(line)
                return true
            }
            v = .stream(entries)
        }
        events.append(.key(RDBTestKey(db: db, key: Array(key), value: v, expireMs: expireMs,
                                     lruIdle: lruIdleSeconds, lfuFreq: lfuFrequency)))
    }
}

/// A handler that leaves function libraries to the protocol's default (refusal).
private struct RDBTestKeysOnly: RDBLoadHandler {
    var count = 0
    mutating func onKey(db: Int, key: UnsafeRawBufferPointer, value: RDBValue, expireMs: Int64,
                        lruIdleSeconds: Int64, lfuFrequency: Int) throws { count += 1 }
}

private func rdbFixture(_ name: String, file: StaticString = #filePath) throws -> [UInt8] {
    let dir = URL(fileURLWithPath: "\(file)").deletingLastPathComponent().appendingPathComponent("Fixtures")
    return [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
}

private func rdbLoad(_ bytes: [UInt8], verifyChecksum: Bool = true, databases: Int = 16) throws -> (RDBTestCollector, RDBLoadSummary) {
    var c = RDBTestCollector()
    let summary = try RDBLoader(databases: databases, verifyChecksum: verifyChecksum).load(bytes: bytes, into: &c)
    return (c, summary)
}

/// The error a load throws, or nil if it succeeded.
private func rdbLoadError(_ bytes: [UInt8]) -> RDBError? {
    do { _ = try rdbLoad(bytes); return nil } catch let e as RDBError { return e } catch { return nil }
}

private func rdbTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("apus-rdb-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

private func installedExecutable(_ name: String) -> String? {
    for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin").split(separator: ":") {
        let path = "\(dir)/\(name)"
        if FileManager.default.isExecutableFile(atPath: path) { return path }
    }
    return nil
}

/// Runs a program to completion; returns its exit status and standard output.
@discardableResult
private func rdbRunProgram(_ path: String, _ args: [String]) throws -> (status: Int32, output: String) {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: path)
    p.arguments = args
    let pipe = Pipe()
    p.standardOutput = pipe
    p.standardError = pipe
    try p.run()
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return (p.terminationStatus, String(decoding: data, as: UTF8.self))
}

private extension RDBEncoder {
    func stringKey(_ k: String, _ v: [UInt8], expireMs: Int64? = nil, compress: Bool = true,
                   lru: UInt64? = nil, lfu: UInt8? = nil) {
        Array(k.utf8).withUnsafeBytes { kb in
            v.withUnsafeBytes { vb in
                writeStringKey(key: kb, value: vb, expireMs: expireMs, compress: compress,
                               lruIdleSeconds: lru, lfuFrequency: lfu)
            }
        }
    }
    func stringKey(_ k: String, _ v: String, expireMs: Int64? = nil, compress: Bool = true) {
        stringKey(k, Array(v.utf8), expireMs: expireMs, compress: compress)
    }
    func intKey(_ k: String, _ v: Int64, expireMs: Int64? = nil) {
        Array(k.utf8).withUnsafeBytes { writeIntKey(key: $0, value: v, expireMs: expireMs) }
    }
    func bytes(of body: (RDBEncoder) -> Void) -> [UInt8] {
        _ = takeChunk()
        body(self)
        return takeChunk()
    }
}

// MARK: - Sample data

/// A file exercising every string encoding, TTLs, LRU/LFU prefixes and several databases,
/// plus the expected loader output.
private func sampleFile(checksum: Bool = true) -> (bytes: [UInt8], expected: [RDBTestKey]) {
    let e = RDBEncoder(initialCapacity: 64)
    e.writeHeader(aux: RDBEncoder.standardAux(ctime: 1_700_000_000, usedMemory: 123_456))
    var expected: [RDBTestKey] = []
    var rng = SystemRandomNumberGenerator()
    let random = (0..<5000).map { _ in UInt8.random(in: 0...255, using: &rng) }
    let compressible = Array(String(repeating: "apus-redis-", count: 300).utf8)

    e.selectDB(0)
    e.resizeDB(keys: 40, expires: 3)
    let strings: [(String, [UInt8])] = [
        ("plain", Array("hello".utf8)), ("empty", []), ("binary", [0, 255, 13, 10, 0xC3]),
        ("twenty", Array("aaaaaaaaaaaaaaaaaaaa".utf8)), ("twentyone", Array("aaaaaaaaaaaaaaaaaaaaa".utf8)),
        ("random", random), ("compressible", compressible), ("len63", [UInt8](repeating: 1, count: 63)),
        ("len64", [UInt8](repeating: 2, count: 64)), ("len16384", (0..<16384).map { UInt8(truncatingIfNeeded: $0 * 7) }),
    ]
    for (k, v) in strings {
        e.stringKey(k, v)
        expected.append(RDBTestKey(db: 0, key: Array(k.utf8), value: .string(v)))
    }
    // Integer-looking strings: canonical int32-range ones come back as integers.
    let numericStrings: [(String, RDBTestValue)] = [
        ("0", .int(0)), ("-1", .int(-1)), ("127", .int(127)), ("128", .int(128)), ("-129", .int(-129)),
        ("32767", .int(32767)), ("32768", .int(32768)), ("2147483647", .int(2_147_483_647)),
        ("-2147483648", .int(-2_147_483_648)), ("2147483648", .text("2147483648")),
        ("-2147483649", .text("-2147483649")), ("007", .text("007")), ("+5", .text("+5")), ("-0", .text("-0")),
        (" 1", .text(" 1")), ("12345678901", .text("12345678901")),
    ]
    for (i, (s, v)) in numericStrings.enumerated() {
        e.stringKey("num:\(i)", s)
        expected.append(RDBTestKey(db: 0, key: Array("num:\(i)".utf8), value: v))
    }
    let ints: [Int64] = [0, 1, -1, 127, -128, 128, -129, 32767, -32768, 32768, -32769,
                         2_147_483_647, -2_147_483_648, 2_147_483_648, -2_147_483_649, .max, .min]
    for v in ints {
        e.intKey("int:\(v)", v)
        let fits32 = v >= Int64(Int32.min) && v <= Int64(Int32.max)
        expected.append(RDBTestKey(db: 0, key: Array("int:\(v)".utf8), value: fits32 ? .int(v) : .text(String(v))))
    }
    // Integer keys are stored with integer encodings too and come back as their text.
    e.stringKey("42", "forty-two")
    expected.append(RDBTestKey(db: 0, key: Array("42".utf8), value: .text("forty-two")))
    e.stringKey("ttl", "v", expireMs: 4_102_444_800_123)
    expected.append(RDBTestKey(db: 0, key: Array("ttl".utf8), value: .text("v"), expireMs: 4_102_444_800_123))
    e.intKey("ttlint", -5, expireMs: 1)
    expected.append(RDBTestKey(db: 0, key: Array("ttlint".utf8), value: .int(-5), expireMs: 1))
    e.stringKey("lru", Array("idle".utf8), lru: 100_000)
    expected.append(RDBTestKey(db: 0, key: Array("lru".utf8), value: .text("idle"), lruIdle: 100_000))
    e.stringKey("lfu", Array("hot".utf8), expireMs: 5_000_000_000_000, lfu: 255)
    expected.append(RDBTestKey(db: 0, key: Array("lfu".utf8), value: .text("hot"), expireMs: 5_000_000_000_000, lfuFreq: 255))

    e.selectDB(3)
    e.resizeDB(keys: 2, expires: 1)
    e.stringKey("k", compressible, expireMs: 4_102_444_800_000)
    expected.append(RDBTestKey(db: 3, key: Array("k".utf8), value: .string(compressible), expireMs: 4_102_444_800_000))
    e.stringKey("uncompressed", compressible, compress: false)
    expected.append(RDBTestKey(db: 3, key: Array("uncompressed".utf8), value: .string(compressible)))

    e.selectDB(15)
    e.resizeDB(keys: 1, expires: 0)
    e.stringKey("last", "db15")
    expected.append(RDBTestKey(db: 15, key: Array("last".utf8), value: .text("db15")))
    e.finish(checksum: checksum)
    return (e.takeChunk(), expected)
}

// MARK: - Encodings

final class RDBEncodingTests: XCTestCase {
    func testLengthsUseTheShortestOfTheFourForms() {
        let e = RDBEncoder()
        XCTAssertEqual(e.bytes { $0.writeLength(63) }, [0x3f])
        XCTAssertEqual(e.bytes { $0.writeLength(64) }, [0x40, 0x40])
        XCTAssertEqual(e.bytes { $0.writeLength(16383) }, [0x7f, 0xff])
        XCTAssertEqual(e.bytes { $0.writeLength(16384) }, [0x80, 0x00, 0x00, 0x40, 0x00])
        XCTAssertEqual(e.bytes { $0.writeLength(UInt64(UInt32.max)) }, [0x80, 0xff, 0xff, 0xff, 0xff])
        XCTAssertEqual(e.bytes { $0.writeLength(UInt64(1) << 32) }, [0x81, 0, 0, 0, 1, 0, 0, 0, 0])
    }

    func testIntegersUseTheNarrowestIntegerEncodingOrDecimalText() {
        let e = RDBEncoder()
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(5) }, [0xc0, 0x05])
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(-100) }, [0xc0, 0x9c])
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(300) }, [0xc1, 0x2c, 0x01])
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(-30000) }, [0xc1, 0xd0, 0x8a])
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(70000) }, [0xc2, 0x70, 0x11, 0x01, 0x00])
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(5_000_000_000) }, [0x0a] + Array("5000000000".utf8))
        XCTAssertEqual(e.bytes { $0.writeIntegerObject(.min) }, [0x14] + Array("-9223372036854775808".utf8))
    }

    func testStringsThatAreCanonicalInt32UseIntegerEncodings() {
        let e = RDBEncoder()
        XCTAssertEqual(e.bytes { $0.writeStringObject(Array("12345".utf8), compress: true) }, [0xc1, 0x39, 0x30])
        XCTAssertEqual(e.bytes { $0.writeStringObject(Array("-7".utf8), compress: true) }, [0xc0, 0xf9])
        XCTAssertEqual(e.bytes { $0.writeStringObject(Array("007".utf8), compress: true) }, [0x03] + Array("007".utf8))
        XCTAssertEqual(e.bytes { $0.writeStringObject(Array("-0".utf8), compress: true) }, [0x02] + Array("-0".utf8))
        XCTAssertEqual(e.bytes { $0.writeStringObject(Array("2147483648".utf8), compress: true) },
                       [0x0a] + Array("2147483648".utf8))
    }

    func testLongStringsAreCompressedOnlyWhenAllowedAndWorthIt() {
        let e = RDBEncoder()
        let long = Array(String(repeating: "abcdefgh", count: 100).utf8)
        let packed = e.bytes { $0.writeStringObject(long, compress: true) }
        XCTAssertEqual(Array(packed.prefix(4)), [0xc3, 0x16, 0x43, 0x20])  // as Redis writes it: clen 22, len 800
        XCTAssertEqual(e.bytes { $0.writeStringObject(long, compress: false) }, [0x43, 0x20] + long)
        let twenty = [UInt8](repeating: 0x61, count: 20)
        XCTAssertEqual(e.bytes { $0.writeStringObject(twenty, compress: true) }, [0x14] + twenty)
        var rng = SystemRandomNumberGenerator()
        let random = (0..<100).map { _ in UInt8.random(in: 0...255, using: &rng) }
        XCTAssertEqual(e.bytes { $0.writeStringObject(random, compress: true) }, [0x40, 0x64] + random)
    }

    func testKeyPrefixesComeInRedisOrder() {
        let e = RDBEncoder()
        let bytes = e.bytes { $0.stringKey("k", Array("v".utf8), expireMs: 0x0102030405, lru: 7) }
        XCTAssertEqual(bytes, [0xfc, 0x05, 0x04, 0x03, 0x02, 0x01, 0, 0, 0, 0xf8, 0x07, 0x00, 0x01, 0x6b, 0x01, 0x76])
    }

    func testHeaderAndAuxFieldsMatchRedis() throws {
        let e = RDBEncoder()
        let bytes = e.bytes {
            $0.writeHeader(aux: [("redis-ver", "7.0.15"), ("redis-bits", "64")])
        }
        let redis = try rdbFixture("redis-7.0.15-strings.rdb")
        XCTAssertEqual(bytes, Array(redis.prefix(bytes.count)))
    }
}

// MARK: - Round trips

final class RDBRoundTripTests: XCTestCase {
    func testEncodedFileLoadsBackEveryKeyFromMemory() throws {
        let (bytes, expected) = sampleFile()
        let (c, summary) = try rdbLoad(bytes)
        XCTAssertEqual(c.keys, expected)
        XCTAssertEqual(summary.keys, expected.count)
        XCTAssertEqual(summary.version, 10)
        XCTAssertTrue(summary.checksumVerified)
        XCTAssertEqual(summary.bytes, bytes.count)
        XCTAssertEqual(c.aux["redis-ver"], "7.0.15")
        XCTAssertEqual(c.aux["redis-bits"], "64")
        XCTAssertEqual(c.aux["used-mem"], "123456")
        XCTAssertEqual(c.aux["aof-base"], "0")
        XCTAssertTrue(c.events.contains(.resize(db: 3, keys: 2, expires: 1)))
    }

    func testEncodedFileLoadsFromAFileDescriptor() throws {
        let (bytes, expected) = sampleFile()
        let dir = try rdbTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("dump.rdb").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
        var c = RDBTestCollector()
        let summary = try RDBLoader().load(path: path, into: &c)
        XCTAssertEqual(c.keys, expected)
        XCTAssertTrue(summary.checksumVerified)
    }

    func testLargeFilesStreamThroughAPipeWithTheSameResult() throws {
        // Many keys and values larger than the loader's read block force window slides and growth.
        let e = RDBEncoder()
        e.writeHeader(aux: [])
        e.selectDB(0)
        var rng = SystemRandomNumberGenerator()
        let big = (0..<(1 << 20) + 3).map { _ in UInt8.random(in: 0...255, using: &rng) }
        for i in 0..<20_000 {
            if i % 5000 == 17 { e.stringKey("big:\(i)", big) }
            e.stringKey("key:\(i)", Array("value-\(i)-\(String(repeating: "z", count: i % 50))".utf8))
        }
        e.finish(checksum: true)
        let bytes = e.takeChunk()
        let (fromMemory, _) = try rdbLoad(bytes)

        var fds: [Int32] = [0, 0]
        XCTAssertEqual(pipe(&fds), 0)
        let writeEnd = fds[1]
        let writer = Thread {
            bytes.withUnsafeBytes { p in
                var done = 0
                while done < p.count {
                    let n = write(writeEnd, p.baseAddress! + done, p.count - done)
                    if n <= 0 { break }
                    done += n
                }
            }
            close(writeEnd)
        }
        writer.start()
        defer { close(fds[0]) }
        var c = RDBTestCollector()
        let summary = try RDBLoader().load(fd: fds[0], into: &c)
        XCTAssertEqual(c.keys.count, 20_004)
        XCTAssertTrue(c.keys == fromMemory.keys)
        XCTAssertTrue(summary.checksumVerified)
    }

    func testKeysOfADatabaseMayArriveInSeveralRuns() throws {
        // The forkless snapshot emits keys modified during the save out of db order.
        let e = RDBEncoder()
        e.writeHeader(aux: [])
        for (db, k) in [(0, "a"), (0, "b"), (3, "c"), (0, "d"), (3, "e")] {
            e.switchToDB(db)
            e.stringKey(k, "v-\(k)")
        }
        e.finish(checksum: true)
        let bytes = e.takeChunk()
        XCTAssertEqual(bytes.filter { $0 == RDBOpcode.selectDB }.count, 4)
        let (c, _) = try rdbLoad(bytes)
        XCTAssertEqual(c.keys.map { "\($0.db):\(String(decoding: $0.key, as: UTF8.self))" }, ["0:a", "0:b", "3:c", "0:d", "3:e"])
        if let checker = installedExecutable("redis-check-rdb") {
            let dir = try rdbTemporaryDirectory()
            defer { try? FileManager.default.removeItem(at: dir) }
            let path = dir.appendingPathComponent("runs.rdb").path
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            XCTAssertEqual(try rdbRunProgram(checker, [path]).status, 0)
        }
    }

    func testOutputTakenInChunksOrFlushedToAFileEqualsOneShotOutput() throws {
        let dir = try rdbTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("chunked.rdb").path
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        XCTAssertGreaterThanOrEqual(fd, 0)
        func writeChunk(_ chunk: [UInt8]) {
            chunk.withUnsafeBytes { XCTAssertEqual(write(fd, $0.baseAddress, $0.count), $0.count) }
        }
        let long = String(repeating: "x", count: 100_000)
        let chunked = RDBEncoder(initialCapacity: 16)
        chunked.writeHeader(aux: RDBEncoder.standardAux(ctime: 1_700_000_000, usedMemory: 123_456))
        try chunked.flush(to: fd)
        chunked.selectDB(0)
        writeChunk(chunked.takeChunk())
        chunked.stringKey("a", long)
        try chunked.flush(to: fd)
        chunked.intKey("b", 5)
        let checksum = chunked.finish(checksum: true)
        writeChunk(chunked.takeChunk())
        close(fd)

        let whole = RDBEncoder()
        whole.writeHeader(aux: RDBEncoder.standardAux(ctime: 1_700_000_000, usedMemory: 123_456))
        whole.selectDB(0)
        whole.stringKey("a", long)
        whole.intKey("b", 5)
        XCTAssertEqual(whole.finish(checksum: true), checksum)
        let wholeBytes = whole.takeChunk()
        let file = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        XCTAssertEqual(file, wholeBytes)
        XCTAssertEqual(chunked.emittedCount, file.count)
        var c = RDBTestCollector()
        XCTAssertTrue(try RDBLoader().load(path: path, into: &c).checksumVerified)
        XCTAssertEqual(c.key("a")?.value, .text(long))
    }
}

// MARK: - Errors

final class RDBErrorTests: XCTestCase {
    private func file(version: Int = 10, checksum: Bool = true, _ body: (RDBEncoder) -> Void) -> [UInt8] {
        let e = RDBEncoder()
        e.writeHeader(version: version)
        body(e)
        e.finish(checksum: checksum)
        return e.takeChunk()
    }

    func testEveryTruncationIsReportedWithAnOffsetInsideTheFile() {
        let (bytes, _) = sampleFile()
        for cut in 0..<bytes.count {
            let prefix = Array(bytes.prefix(cut))
            switch rdbLoadError(prefix) {
            case .truncated(let offset, _)?:
                XCTAssertLessThanOrEqual(offset, cut, "cut \(cut)")
                if cut < 9 { XCTAssertEqual(offset, 0) }
            case let other:
                XCTFail("cut \(cut): \(String(describing: other))")
            }
        }
    }

    func testTruncationInsideAValueNamesTheKey() throws {
        let bytes = file { $0.selectDB(0); $0.stringKey("first", "1"); $0.stringKey("victim", String(repeating: "q", count: 10)) }
        // Header 9 + selectdb 2 + "first" (type 1 + key 6 + int-encoded "1" 2) = 20;
        // "victim": type @20, key @21...27, length @28, data @29...38.
        let error = rdbLoadError(Array(bytes.prefix(33)))
        XCTAssertEqual(error, .truncated(offset: 29, key: Array("victim".utf8)))
        XCTAssertEqual(error?.description, "RDB file is truncated: unexpected end of data at offset 29 (key 'victim')")
    }

    func testTruncatedFileOnDiskIsReportedToo() throws {
        let (bytes, _) = sampleFile()
        let dir = try rdbTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("short.rdb").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(bytes.prefix(bytes.count - 100))))
        var c = RDBTestCollector()
        XCTAssertThrowsError(try RDBLoader().load(path: path, into: &c)) { error in
            guard case RDBError.truncated(let offset, _) = error else { return XCTFail("\(error)") }
            XCTAssertLessThanOrEqual(offset, bytes.count - 100)
        }
    }

    func testFlippedByteFailsTheChecksum() throws {
        var bytes = try rdbFixture("redis-7.0.15-strings.rdb")
        let at = bytes.firstIndex(of: UInt8(ascii: "h"))!   // "hello" of key `plain`
        bytes[at] = UInt8(ascii: "j")
        guard case .checksumMismatch(let stored, let computed, let offset)? = rdbLoadError(bytes) else {
            return XCTFail("expected a checksum mismatch")
        }
        XCTAssertNotEqual(stored, computed)
        XCTAssertEqual(offset, bytes.count - 8)
        // With rdbchecksum off the same file loads, carrying the altered value.
        let (c, summary) = try rdbLoad(bytes, verifyChecksum: false)
        XCTAssertFalse(summary.checksumVerified)
        XCTAssertEqual(c.key("plain")?.value, .text("jello"))
    }

    func testZeroStoredChecksumMeansNotChecked() throws {
        var bytes = file(checksum: false) { $0.selectDB(0); $0.stringKey("k", "value") }
        XCTAssertEqual(Array(bytes.suffix(8)), [0, 0, 0, 0, 0, 0, 0, 0])
        bytes[bytes.count - 10] = UInt8(ascii: "X")
        let (c, summary) = try rdbLoad(bytes)
        XCTAssertEqual(summary.storedChecksum, 0)
        XCTAssertFalse(summary.checksumVerified)
        XCTAssertEqual(c.key("k")?.value, .text("valuX"))
    }

    func testBadMagicAndNewerVersionsAreRejected() {
        XCTAssertEqual(rdbLoadError(Array("REDIX0010".utf8) + [0xff] + [UInt8](repeating: 0, count: 8)), .badMagic)
        XCTAssertEqual(rdbLoadError(Array("REDIS00a0".utf8)), .badMagic)
        XCTAssertEqual(rdbLoadError(Array("REDIS0011".utf8) + [0xff] + [UInt8](repeating: 0, count: 8)), .unsupportedVersion(11))
        XCTAssertEqual(rdbLoadError(Array("REDIS0000".utf8)), .unsupportedVersion(0))
    }

    func testOlderVersionsStillLoadStrings() throws {
        let v9 = file(version: 9) { $0.selectDB(0); $0.stringKey("k", "v9"); $0.intKey("n", 1000) }
        let (c, summary) = try rdbLoad(v9)
        XCTAssertEqual(summary.version, 9)
        XCTAssertTrue(summary.checksumVerified)
        XCTAssertEqual(c.keys.map(\.value), [.text("v9"), .int(1000)])
        // Before version 5 there is no checksum after the EOF opcode; expires were in seconds.
        let e = RDBEncoder()
        e.writeHeader(version: 4)
        e.selectDB(0)
        e.writeByte(RDBOpcode.expireTime)
        e.writeBytes([0x10, 0x27, 0x00, 0x00])  // 10000 s
        e.stringKey("old", "value")
        e.writeByte(RDBOpcode.eof)
        let (c4, s4) = try rdbLoad(e.takeChunk())
        XCTAssertEqual(s4.version, 4)
        XCTAssertEqual(c4.keys, [RDBTestKey(db: 0, key: Array("old".utf8), value: .text("value"), expireMs: 10_000_000)])
    }

    func testBadLengthEncodingIsCorruptionAtItsOffset() {
        let bytes = file { e in
            e.selectDB(0)
            e.writeType(.string)
            e.writeStringObject(Array("k".utf8), compress: false)
            e.writeByte(0xbf)  // 10xxxxxx other than 0x80/0x81
        }
        XCTAssertEqual(rdbLoadError(bytes), .corrupt(reason: "unknown length encoding 0xbf", offset: 14, key: Array("k".utf8)))
        XCTAssertEqual(rdbLoadError(bytes)?.description, "RDB file is corrupt at offset 14 (key 'k'): unknown length encoding 0xbf")
    }

    func testBadLZFPayloadIsCorruption() {
        let bytes = file { e in
            e.selectDB(0)
            e.writeType(.string)
            e.writeStringObject(Array("z".utf8), compress: false)
            e.writeBytes([0xc3, 0x03, 0x0a, 0x20, 0x00, 0x00])  // a back-reference before any output
        }
        XCTAssertEqual(rdbLoadError(bytes), .corrupt(reason: "invalid LZF compressed string", offset: 14, key: Array("z".utf8)))
    }

    func testUnknownTypeByteIsCorruption() {
        let bytes = file { $0.selectDB(0); $0.writeByte(8) }
        XCTAssertEqual(rdbLoadError(bytes), .corrupt(reason: "unknown value type 8", offset: 11, key: nil))
    }

    func testSelectingADatabaseBeyondTheConfiguredCountFails() {
        let bytes = file { $0.selectDB(16); $0.stringKey("k", "v") }
        XCTAssertEqual(rdbLoadError(bytes), .databaseOutOfRange(db: 16, databases: 16, offset: 9))
        XCTAssertNoThrow(try rdbLoad(bytes, databases: 32))
    }

    func testModuleAuxAndPreReleaseFunctionsAreRefused() {
        let moduleAux = file { e in
            e.writeByte(RDBOpcode.moduleAux)
            e.writeLength(UInt64(0x0123_4567_89ab_cdef))
        }
        guard case .unsupportedOpcode(0xf7, 9, let reason)? = rdbLoadError(moduleAux) else { return XCTFail() }
        XCTAssertTrue(reason.contains("module"), reason)
        let preGA = file { $0.writeByte(RDBOpcode.functionPreGA) }
        guard case .unsupportedOpcode(0xf6, 9, _)? = rdbLoadError(preGA) else { return XCTFail() }
    }

    func testEveryTypeApusLacksIsNamedInTheError() {
        for type in RDBType.allCases where ![.string, .hash, .hashListpack, .hashZiplist, .hashZipmap,
                                             .set, .setIntset, .list, .listZiplist, .listQuicklist,
                                             .listQuicklist2, .zset, .zset2, .zsetZiplist,
                                             .zsetListpack, .streamListpacks, .streamListpacks2].contains(type) {
            let bytes = file { e in
                e.selectDB(0)
                e.writeType(type)
                e.writeStringObject(Array("key:\(type.rawValue)".utf8), compress: false)
            }
            let error = rdbLoadError(bytes)
            XCTAssertEqual(error, .unsupportedType(type: type.rawValue, offset: 11, key: Array("key:\(type.rawValue)".utf8)))
            XCTAssertEqual(error?.description,
                           "RDB file contains a \(type.typeName) value at offset 11 (key 'key:\(type.rawValue)'): "
                           + "this type is not supported by this Apus version yet")
        }
    }

    func testNonPrintableKeyBytesAreEscapedInMessages() {
        let error = RDBError.unsupportedType(type: 4, offset: 1, key: [0x61, 0x00, 0x27, 0xff])
        XCTAssertEqual(error.description, "RDB file contains a hash value at offset 1 (key 'a\\x00\\x27\\xff'): "
                       + "this type is not supported by this Apus version yet")
    }
}

// MARK: - Compatibility with real Redis 7.0.15

final class RDBRedisCompatibilityTests: XCTestCase {
    func testLoadsAFileWrittenByRedis() throws {
        let (c, summary) = try rdbLoad(try rdbFixture("redis-7.0.15-strings.rdb"))
        XCTAssertEqual(summary.version, 10)
        XCTAssertTrue(summary.checksumVerified)
        XCTAssertEqual(c.aux["redis-ver"], "7.0.15")
        XCTAssertEqual(c.aux["redis-bits"], "64")
        XCTAssertEqual(c.aux["aof-base"], "0")
        XCTAssertTrue(c.events.contains(.resize(db: 0, keys: 17, expires: 2)))
        XCTAssertTrue(c.events.contains(.resize(db: 3, keys: 2, expires: 1)))
        let expected: [(String, RDBTestValue)] = [
            ("plain", .text("hello")), ("empty", .text("")), ("i8", .int(5)), ("i8neg", .int(-100)),
            ("i16", .int(300)), ("i16neg", .int(-30000)), ("i32", .int(70000)), ("i32neg", .int(-2_000_000_000)),
            ("i64", .text("5000000000")), ("i64neg", .text("-9223372036854775808")), ("lead0", .text("007")),
            ("12345", .text("numeric-key")), ("-7", .text("negative-key")),
            ("compressible", .text(String(repeating: "abcdefgh", count: 100))),
            ("random40", .text("xpmrt8ubr6fey10thy91rigrmrge9ol0p8iz9sud")),
            ("withttl", .text("ttlvalue")), ("ttlint", .int(42)),
        ]
        XCTAssertEqual(c.keys.filter { $0.db == 0 }.count, expected.count)
        for (k, v) in expected { XCTAssertEqual(c.key(k)?.value, v, k) }
        XCTAssertEqual(c.key("withttl")?.expireMs, 4_102_444_800_123)
        XCTAssertEqual(c.key("ttlint")?.expireMs, 4_102_444_800_456)
        XCTAssertEqual(c.key("plain")?.expireMs, -1)
        XCTAssertEqual(c.key("db3key", db: 3)?.value, .text("db3value"))
        XCTAssertEqual(c.key("db3long", db: 3)?.value, .text(String(repeating: "x", count: 500)))
        XCTAssertEqual(c.key("db3long", db: 3)?.expireMs, 4_102_444_800_789)
    }

    /// Re-encoding what the loader saw, in the same order, must give Redis's exact bytes:
    /// same encodings, same LZF output, same checksum.
    func testReencodingARedisFileReproducesItByteForByte() throws {
        let redis = try rdbFixture("redis-7.0.15-strings.rdb")
        let (c, _) = try rdbLoad(redis)
        let e = RDBEncoder()
        e.writeHeader()
        for event in c.events {
            switch event {
            case .aux(let k, let v): e.writeAux(key: k, value: String(decoding: v.bytes, as: UTF8.self))
            case .resize(let db, let keys, let expires):
                e.selectDB(db)
                e.resizeDB(keys: Int(keys), expires: Int(expires))
            case .function(let code): code.withUnsafeBytes { e.writeFunctionLibrary(code: $0, compress: true) }
            case .key(let k):
                let expire = k.expireMs == -1 ? nil : k.expireMs
                k.key.withUnsafeBytes { key in
                    switch k.value {
                    case .int(let v): e.writeIntKey(key: key, value: v, expireMs: expire)
                    case .string(let v):
                        v.withUnsafeBytes { e.writeStringKey(key: key, value: $0, expireMs: expire, compress: true) }
                    case .hash(let items):
                        e.writeKeyPrefix(type: .hash, key: key, expireMs: expire, compress: true)
                        e.writeLength(items.count / 2)
                        for i in items { e.writeStringObject(i, compress: true) }
                    case .set(let members):
                        e.writeKeyPrefix(type: .set, key: key, expireMs: expire, compress: true)
                        e.writeLength(members.count)
                        for m in members { e.writeStringObject(m, compress: true) }
                    case .list(let elements):
                        // Re-encoded as one node, as Redis wrote these small lists.
                        e.writeKeyPrefix(type: .listQuicklist2, key: key, expireMs: expire, compress: true)
                        let l = ListValue(meter: MemoryMeter())
                        for x in elements { x.withUnsafeBytes { l.push($0, atHead: false, fill: -2) } }
                        e.writeList(l, compress: true)
                    case .zset(let members, let scores):
                        e.writeKeyPrefix(type: .zset2, key: key, expireMs: expire, compress: true)
                        e.writeLength(members.count)
                        for i in members.indices.reversed() {
                            e.writeStringObject(members[i], compress: true)
                            e.writeBinaryDouble(scores[i])
                        }
                    case .stream:
                        XCTFail("the fixture holds no stream")
                    }
                }
            }
        }
        e.finish(checksum: true)
        XCTAssertEqual(e.takeChunk(), redis)
    }

    func testFunctionLibrariesAreHandedToTheHandlerOrRefused() throws {
        let bytes = try rdbFixture("redis-7.0.15-function.rdb")
        let (c, _) = try rdbLoad(bytes)
        guard case .function(let code)? = c.events.first(where: { if case .function = $0 { return true }; return false }) else {
            return XCTFail("no function event")
        }
        XCTAssertTrue(String(decoding: code, as: UTF8.self).hasPrefix("#!lua name=mylib\n"))
        XCTAssertEqual(c.key("k")?.value, .text("v"))
        var keysOnly = RDBTestKeysOnly()
        XCTAssertThrowsError(try RDBLoader().load(bytes: bytes, into: &keysOnly)) { error in
            XCTAssertEqual(error as? RDBError, .unsupportedOpcode(opcode: 0xf5, offset: 80,
                                                                  reason: "function libraries are not supported by this loader"))
        }
    }

    func testRedisListLoads() throws {
        let (c, _) = try rdbLoad(try rdbFixture("redis-7.0.15-list.rdb"))
        XCTAssertEqual(c.key("mylist")?.value, .list(["a", "b", "c"].map { Array($0.utf8) }))
        XCTAssertEqual(c.key("before")?.value, .text("value"))
    }

    func testRedisHashListpackLoads() throws {
        var h = RDBTestCollector()
        _ = try RDBLoader().load(bytes: try rdbFixture("redis-7.0.15-hash.rdb"), into: &h)
        XCTAssertEqual(h.key("myhash")?.value, .hash([Array("f".utf8), Array("v".utf8)]))
    }

    func testRedisCheckRDBAcceptsOurFiles() throws {
        guard let checker = installedExecutable("redis-check-rdb") else { throw XCTSkip("redis-check-rdb not installed") }
        let dir = try rdbTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        for checksum in [true, false] {
            let path = dir.appendingPathComponent("apus-\(checksum).rdb").path
            XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(sampleFile(checksum: checksum).bytes)))
            let (status, output) = try rdbRunProgram(checker, [path])
            XCTAssertEqual(status, 0, output)
            XCTAssertTrue(output.contains("RDB looks OK"), output)
        }
        // And it does notice damage, so the check above can fail.
        var damaged = sampleFile().bytes
        damaged[damaged.count - 20] ^= 0x40
        let path = dir.appendingPathComponent("damaged.rdb").path
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: Data(damaged)))
        XCTAssertNotEqual(try rdbRunProgram(checker, [path]).status, 0)
    }

    func testRedisServerLoadsOurFileAndServesTheSameValues() throws {
        guard let server = installedExecutable("redis-server"), let cli = installedExecutable("redis-cli") else {
            throw XCTSkip("redis-server/redis-cli not installed")
        }
        let (bytes, expected) = sampleFile()
        let dir = try rdbTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        XCTAssertTrue(FileManager.default.createFile(atPath: dir.appendingPathComponent("dump.rdb").path, contents: Data(bytes)))
        let socket = dir.appendingPathComponent("redis.sock").path
        let p = Process()
        p.executableURL = URL(fileURLWithPath: server)
        p.arguments = ["--port", "0", "--unixsocket", socket, "--dir", dir.path, "--dbfilename", "dump.rdb",
                       "--save", "", "--appendonly", "no", "--databases", "16"]
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { p.terminate(); p.waitUntilExit() }
        var ready = false
        for _ in 0..<100 {
            if (try? rdbRunProgram(cli, ["-s", socket, "PING"]))?.output.hasPrefix("PONG") == true { ready = true; break }
            if !p.isRunning { break }
            usleep(50_000)
        }
        XCTAssertTrue(ready, "redis-server did not load the file")
        guard ready else { return }
        // Compare printable values through redis-cli (binary ones are covered by the loader tests).
        // A master drops keys that are already expired when it loads them (`ttlint`).
        for k in expected where k.value.bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7f }) && k.value.bytes.count < 20_000 {
            let key = String(decoding: k.key, as: UTF8.self)
            let got = try rdbRunProgram(cli, ["-s", socket, "-n", String(k.db), "GET", key]).output
            let alive = k.expireMs == -1 || k.expireMs > Int64(Date().timeIntervalSince1970 * 1000)
            XCTAssertEqual(got, alive ? String(decoding: k.value.bytes, as: UTF8.self) + "\n" : "\n", key)
        }
        let ttl = try rdbRunProgram(cli, ["-s", socket, "PEXPIRETIME", "ttl"]).output
        XCTAssertEqual(ttl, "4102444800123\n")
        let size3 = try rdbRunProgram(cli, ["-s", socket, "-n", "3", "DBSIZE"]).output
        XCTAssertEqual(size3, "2\n")
        let compressed = try rdbRunProgram(cli, ["-s", socket, "-n", "3", "STRLEN", "k"]).output
        XCTAssertEqual(compressed, "\(11 * 300)\n")
    }
}

// MARK: - BGSAVE on the save thread

/// BGSAVE end to end in one process: the loop copies entries in slices, the save thread
/// encodes and writes them, and the file holds the dataset as it was at the cut even
/// though every key is overwritten while the save runs.
final class BackgroundSaveTests: XCTestCase {
    /// Starts a BGSAVE and plays the event loop's part until it ends, running `between`
    /// before each copy slice (the writes that overlap the save). False, after a
    /// failure is recorded, when it did not end within `seconds`.
    private func runBackgroundSave(_ s: Server, seconds: Double = 30, between: () -> Void) throws -> Bool {
        XCTAssertTrue(s.startBackgroundSave())
        let job = try XCTUnwrap(s.snapshotJob)
        let deadline = Date().addingTimeInterval(seconds)
        while s.snapshotJob != nil {
            between()
            s.snapshotBeforeSleep()
            if job.thread.state.finished || job.waitingForRoom { s.drainNotifications(fd: s.notifyFd) }
            if Date() > deadline {
                XCTFail("BGSAVE did not finish")
                return false
            }
        }
        return true
    }

    /// Runs `body` with the working directory (where saves land) in a fresh temporary one.
    private func inTemporaryDirectory(_ body: (URL) throws -> Void) throws {
        let dir = try rdbTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let cwd = FileManager.default.currentDirectoryPath
        XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(dir.path))
        defer { _ = FileManager.default.changeCurrentDirectoryPath(cwd) }
        try body(dir)
    }

    func testBackgroundSaveWritesThePointInTimeDatasetFromItsThread() throws {
        try inTemporaryDirectory { dir in
            let h = InProcessServer()
            let c = h.makeClient()
            let n = 20_000
            var load = ""
            for i in 0..<n {
                let v = i % 3 == 0 ? "\(i)" : String(repeating: "v\(i % 10)", count: 40 + i % 50)
                load += "*3\r\n$3\r\nSET\r\n$\("k\(i)".utf8.count)\r\nk\(i)\r\n$\(v.utf8.count)\r\n\(v)\r\n"
            }
            _ = h.feed(c, load)
            let s = h.server
            var overwritten = 0
            // Writes between slices: each goes through the write hook first.
            guard try runBackgroundSave(s, between: {
                if overwritten < n {
                    _ = h.feed(c, "*3\r\n$3\r\nSET\r\n$\("k\(overwritten)".utf8.count)\r\nk\(overwritten)\r\n$7\r\nchanged\r\n")
                    overwritten += 1
                }
            }) else { return }
            XCTAssertTrue(s.lastBgsaveOk)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("temp-\(getpid()).rdb").path))
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent("dump.rdb")))
            let (collected, _) = try rdbLoad(bytes)
            XCTAssertEqual(collected.keys.count, n)
            for i in stride(from: 0, to: n, by: 97) {
                let want: RDBTestValue = i % 3 == 0 ? .int(Int64(i)) : .text(String(repeating: "v\(i % 10)", count: 40 + i % 50))
                XCTAssertEqual(collected.key("k\(i)")?.value, want, "k\(i) must hold its value at the cut")
            }
        }
    }

    func testBackgroundSaveKeepsHashesAtTheCut() throws {
        try inTemporaryDirectory { dir in
            let h = InProcessServer()
            let c = h.makeClient()
            // 300 small hashes (listpack) and 3 big ones (table), then a save while every
            // hash is changed and some deleted: the file holds them as they were at the cut.
            var load = ""
            for i in 0..<300 { load += "HSET small\(i) a \(i) b x\(i)\r\n" }
            for b in 0..<3 {
                for f in stride(from: 0, to: 2000, by: 100) {
                    load += "HSET big\(b)" + (f..<(f + 100)).map { " f\($0) v\($0)" }.joined() + "\r\n"
                }
            }
            _ = h.feed(c, load)
            XCTAssertEqual(h.feed(c, "OBJECT ENCODING small0\r\nOBJECT ENCODING big0\r\n"), "$8\r\nlistpack\r\n$9\r\nhashtable\r\n")
            let s = h.server
            var i = 0
            guard try runBackgroundSave(s, between: {
                if i < 300 {
                    _ = h.feed(c, i % 7 == 0 ? "DEL small\(i)\r\n" : "HSET small\(i) a changed c new\r\n")
                    if i < 3 { _ = h.feed(c, "HDEL big\(i) f0 f1\r\nHSET big\(i) f2 changed\r\n") }
                    i += 1
                }
            }) else { return }
            XCTAssertTrue(s.lastBgsaveOk)
            XCTAssertGreaterThan(i, 3, "the writes must overlap the save for the test to mean anything")
            let (collected, _) = try rdbLoad([UInt8](try Data(contentsOf: dir.appendingPathComponent("dump.rdb"))))
            XCTAssertEqual(collected.keys.count, 303)
            for i in 0..<300 {
                XCTAssertEqual(collected.key("small\(i)")?.value, .hash(["a", "\(i)", "b", "x\(i)"].map { Array($0.utf8) }))
            }
            for b in 0..<3 {
                guard case .hash(let items)? = collected.key("big\(b)")?.value else { return XCTFail("big\(b)") }
                var fields: [String: String] = [:]
                for p in stride(from: 0, to: items.count, by: 2) {
                    fields[String(decoding: items[p], as: UTF8.self)] = String(decoding: items[p + 1], as: UTF8.self)
                }
                XCTAssertEqual(fields.count, 2000)
                XCTAssertEqual(fields["f0"], "v0")
                XCTAssertEqual(fields["f2"], "v2")
            }
        }
    }

    /// Lists, sets and sorted sets under a BGSAVE: whatever the command changes them —
    /// pushes, pops, moves between two keys, SPOP/SMOVE, the STORE forms, SORT STORE
    /// over an existing key, deletions — the file holds each as it was at the cut (the
    /// same bytes a SAVE made just before it).
    func testBackgroundSaveKeepsEveryCollectionAtTheCut() throws {
        try inTemporaryDirectory { dir in
            let h = InProcessServer()
            let c = h.makeClient()
            var load = ""
            for i in 0..<200 {
                load += "RPUSH list\(i) a\(i) b c\r\nSADD set\(i) \(i) x\(i) y\r\nZADD zset\(i) 1 a \(i) b\r\n"
            }
            load += "RPUSH biglist" + (0..<3000).map { " e\($0)" }.joined() + "\r\n"
            load += "ZADD bigz" + (0..<1000).map { " \($0) m\($0)" }.joined() + "\r\n"
            load += "SADD bigset" + (0..<1000).map { " s\($0)" }.joined() + "\r\n"
            _ = h.feed(c, load)
            XCTAssertEqual(h.feed(c, "SAVE\r\n"), "+OK\r\n")
            let path = dir.appendingPathComponent("dump.rdb")
            let (expected, _) = try rdbLoad([UInt8](try Data(contentsOf: path)))
            let s = h.server
            var i = 0
            guard try runBackgroundSave(s, between: {
                if i < 200 {
                    let j = (i + 1) % 200
                    let ops = [
                        "LPUSH list\(i) new", "RPOP list\(i)", "LMOVE list\(i) list\(j) LEFT RIGHT",
                        "SPOP set\(i)", "SMOVE set\(i) set\(j) y", "ZADD zset\(i) 7 c", "ZPOPMIN zset\(i)",
                        "ZUNIONSTORE zset\(j) 2 zset\(i) zset\(j)", "SORT list\(j) BY nosort STORE list\(i)",
                        "SINTERSTORE set\(j) set\(i) set\(j)", "DEL list\(j)",
                    ]
                    _ = h.feed(c, ops[i % ops.count] + "\r\n")
                    if i < 5 { _ = h.feed(c, "LPOP biglist 10\r\nZREM bigz m\(i)\r\nSREM bigset s\(i)\r\nLSET biglist 100 x\r\n") }
                    i += 1
                }
            }) else { return }
            XCTAssertTrue(s.lastBgsaveOk)
            XCTAssertGreaterThan(i, 5, "the writes must overlap the save for the test to mean anything")
            let (collected, _) = try rdbLoad([UInt8](try Data(contentsOf: path)))
            XCTAssertEqual(collected.keys.count, expected.keys.count)
            for k in expected.keys {
                let name = String(decoding: k.key, as: UTF8.self)
                guard let got = collected.key(name)?.value else { XCTFail("\(name) missing"); continue }
                if case .set(let want) = k.value, case .set(let have) = got {
                    XCTAssertEqual(Set(want), Set(have), name)   // table order may differ
                } else {
                    XCTAssertEqual(got, k.value, name)
                }
            }
        }
    }

    /// Big hashes, sets and sorted sets go to the save thread element by element (here
    /// every table-encoded one, and with a threshold only some): whatever happens to
    /// them and to other keys while their elements flow — fields and members changed,
    /// added, removed, scores moved, keys renamed, deleted, overwritten, expiring — the
    /// file holds the dataset of the cut, each record whole and in one piece.
    func testBackgroundSaveStreamsCollectionsElementByElement() throws {
        for threshold in [0, 900] {
            try inTemporaryDirectory { dir in
                let h = InProcessServer()
                let c = h.makeClient()
                var load = ""
                for b in 0..<6 {
                    // Lists 3..5 keep their inner nodes compressed.
                    if b == 3 { load += "CONFIG SET list-compress-depth 1\r\n" }
                    load += "RPUSH l\(b)" + (0..<(2_000 * (b + 1))).map { " e\($0)-\(b)" }.joined() + "\r\n"
                    let n = 600 + 200 * b
                    for f in stride(from: 0, to: n, by: 100) {
                        load += "HSET h\(b)" + (f..<(f + 100)).map { " f\($0) v\($0)" }.joined() + "\r\n"
                        load += "SADD s\(b)" + (f..<(f + 100)).map { " m\($0)" }.joined() + "\r\n"
                        load += "ZADD z\(b)" + (f..<(f + 100)).map { " \($0 % 97) m\($0)" }.joined() + "\r\n"
                    }
                    load += "PEXPIREAT h\(b) 99999999999999\r\n"
                }
                for i in 0..<300 { load += "SET k\(i) v\(i)\r\n" }
                _ = h.feed(c, load)
                XCTAssertEqual(h.feed(c, "OBJECT ENCODING h0\r\nOBJECT ENCODING z0\r\n"), "$9\r\nhashtable\r\n$8\r\nskiplist\r\n")
                XCTAssertEqual(h.feed(c, "SAVE\r\n"), "+OK\r\n")
                let path = dir.appendingPathComponent("dump.rdb")
                let (expected, _) = try rdbLoad([UInt8](try Data(contentsOf: path)))
                let s = h.server
                s.snapshotStreamThreshold = threshold
                var rng = SnapshotModelRNG(seed: UInt64(threshold) + 7)
                func pick(_ n: Int) -> Int { rng.below(n) }
                var ops = 0, mostStreams = 0
                guard try runBackgroundSave(s, seconds: 60, between: {
                    if let job = s.snapshotJob { mostStreams = max(mostStreams, job.snapshot.openStreams) }
                    if ops < 3_000 {
                        for _ in 0..<3 {
                            let b = pick(6), f = pick(1_600)
                            let cmd: String
                            switch pick(28) {
                            case 22: cmd = "LPUSH l\(b) new\(f)"
                            case 23: cmd = "RPOP l\(b) 3"
                            case 24: cmd = "LSET l\(b) \(f) set\(f)"
                            case 25: cmd = "LMOVE l\(b) l\((b + 1) % 6) LEFT RIGHT"
                            case 26: cmd = pick(4) == 0 ? "LTRIM l\(b) 5 -5" : "LINSERT l\(b) BEFORE e\(f)-\(b) ins"
                            case 27: cmd = "LREM l\(b) 0 e\(f)-\(b)"
                            case 0: cmd = "HSET h\(b) f\(f) w\(f)"
                            case 1: cmd = "HSET h\(b) f\(f) " + String(repeating: "long", count: 20)
                            case 2: cmd = "HDEL h\(b) f\(f) f\(f + 1)"
                            case 3: cmd = "HINCRBY h\(b) n\(f) 1"
                            case 4: cmd = "SADD s\(b) new\(f)"
                            case 5: cmd = "SREM s\(b) m\(f) m\(f + 2)"
                            case 6: cmd = "SPOP s\(b) 3"
                            case 7: cmd = "SMOVE s\(b) s\((b + 1) % 6) m\(f)"
                            case 8: cmd = "ZADD z\(b) \(f) m\(f)"
                            case 9: cmd = "ZINCRBY z\(b) 1000 m\(f)"
                            case 10: cmd = "ZREM z\(b) m\(f)"
                            case 11: cmd = "ZPOPMIN z\(b) 2"
                            case 12: cmd = "ZREMRANGEBYRANK z\(b) 10 12"
                            case 13: cmd = "ZADD z\(b) 5 fresh\(f)"
                            case 14: cmd = pick(20) == 0 ? "DEL h\(b)" : "HSET h\(b) f\(f) x"
                            case 15: cmd = pick(20) == 0 ? "RENAME s\(b) renamed\(f)" : "SADD s\(b) x\(f)"
                            case 16: cmd = pick(20) == 0 ? "SET z\(b) overwritten" : "ZADD z\(b) 1 y\(f)"
                            case 17: cmd = pick(10) == 0 ? "COPY h\(b) copy\(f)" : "HDEL h\(b) f\(f)"
                            case 18: cmd = "PEXPIREAT h\(b) \(1_000 + f)"
                            case 19: cmd = "SET k\(f % 300) changed"
                            case 20: cmd = "UNLINK s\(b)"
                            default: cmd = "DEL k\(f % 300)"
                            }
                            _ = h.feed(c, cmd + "\r\n")
                            ops += 1
                        }
                    }
                }) else { return }
                XCTAssertTrue(s.lastBgsaveOk)
                XCTAssertGreaterThan(ops, 30, "the writes must overlap the save for the test to mean anything")
                if threshold == 0 { XCTAssertGreaterThan(mostStreams, 1, "streams must have queued behind one another") }
                let (collected, _) = try rdbLoad([UInt8](try Data(contentsOf: path)))
                XCTAssertEqual(collected.keys.count, expected.keys.count)
                for k in expected.keys {
                    let name = String(decoding: k.key, as: UTF8.self)
                    guard let got = collected.key(name) else { XCTFail("\(name) missing"); continue }
                    XCTAssertEqual(got.expireMs, k.expireMs, name)
                    if case .hash(let want) = k.value, case .hash(let have) = got.value {
                        XCTAssertEqual(hashFields(have), hashFields(want), name)
                    } else if case .set(let want) = k.value, case .set(let have) = got.value {
                        XCTAssertEqual(Set(have), Set(want), name)
                    } else {
                        XCTAssertEqual(got.value, k.value, name)
                    }
                }
            }
        }
    }

    private func hashFields(_ items: [[UInt8]]) -> [String: String] {
        var out: [String: String] = [:]
        for p in stride(from: 0, to: items.count, by: 2) {
            out[String(decoding: items[p], as: UTF8.self)] = String(decoding: items[p + 1], as: UTF8.self)
        }
        return out
    }

    func testAbortedBackgroundSaveLeavesNoFile() throws {
        try inTemporaryDirectory { dir in
            let h = InProcessServer()
            let c = h.makeClient()
            var load = ""
            for i in 0..<5_000 { load += "*3\r\n$3\r\nSET\r\n$\("k\(i)".utf8.count)\r\nk\(i)\r\n$3\r\nabc\r\n" }
            _ = h.feed(c, load)
            XCTAssertTrue(h.server.startBackgroundSave())
            h.server.snapshotBeforeSleep()
            h.server.abortBackgroundSave()
            XCTAssertNil(h.server.snapshotJob)
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("dump.rdb").path))
            XCTAssertFalse(FileManager.default.fileExists(atPath: dir.appendingPathComponent("temp-\(getpid()).rdb").path))
        }
    }
}
