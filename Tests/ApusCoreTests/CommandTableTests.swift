// Tests for the command table data (CommandSpecs) and the COMMAND command: arity, flags
// and key positions against Redis 7.0 facts, key extraction as COMMAND GETKEYS /
// GETKEYSANDFLAGS performs it, and every COMMAND INFO / COMMAND DOCS entry against a
// snapshot of the real Redis 7.0.15 (Fixtures/redis-7.0.15-command-info-docs.json, its
// RESP3 replies with prose masked, subcommands sorted by name).

import XCTest
import Foundation
@testable import ApusCore

final class CommandTableTests: XCTestCase {
    // MARK: - Helpers

    /// A table with every command of the data registered (no-op handlers).
    private func fullTable() -> CommandTable {
        var handlers: [String: CommandHandler] = [:]
        // Redis 7.0's table: Apus's extensions beyond it are left out.
        for n in CommandSpecs.allFullNames where !CommandSpecs.beyondRedis70.contains(n) { handlers[n] = { _ in } }
        return CommandTable(handlers: handlers)
    }

    private func command(_ t: CommandTable, _ full: String) -> RedisCommand {
        guard let c = CommandCommands.lookup(t, fullName: Array(full.utf8)) else {
            XCTFail("\(full) missing")
            fatalError()
        }
        return c
    }

    private func argv(_ s: String...) -> [[UInt8]] { s.map { Array($0.utf8) } }

    private func keyNames(_ t: CommandTable, _ line: [[UInt8]]) -> [String]? {
        guard case .success(let keys) = CommandCommands.keys(table: t, argv: line) else { return nil }
        return keys.map { String(decoding: line[$0.pos], as: UTF8.self) }
    }

    private func keyFlags(_ t: CommandTable, _ line: [[UInt8]]) -> [[String]]? {
        guard case .success(let keys) = CommandCommands.keys(table: t, argv: line) else { return nil }
        return keys.map { $0.flags.nameList }
    }

    private func keyError(_ t: CommandTable, _ line: [[UInt8]]) -> String? {
        guard case .failure(let e) = CommandCommands.keys(table: t, argv: line) else { return nil }
        return e.message
    }

    private static let prose: Any = ["$", "<prose>"]

    /// The reply tree in the fixture's notation, with Apus's prose masked like Redis's.
    private func fixtureForm(_ n: CommandCommands.Node, docs: Bool = false) -> Any {
        switch n {
        case .bulk(let s): return ["$", s]
        case .status(let s): return ["+", s]
        case .int(let v): return [":", v]
        case .null: return ["_"]
        case .array(let a): return ["*", a.map { fixtureForm($0, docs: docs) }]
        case .set(let a): return ["~", a.map { fixtureForm($0, docs: docs) }]
        case .map(let pairs):
            var out: [Any] = []
            for (k, v) in pairs {
                let value: Any
                switch k {
                case "notes" where !docs, "summary" where docs, "complexity" where docs, "replaced_by" where docs:
                    value = Self.prose
                case "history" where docs:
                    guard case .set(let entries) = v else { value = fixtureForm(v, docs: docs); break }
                    value = ["~", entries.map { e -> Any in
                        guard case .array(let pair) = e else { return fixtureForm(e, docs: docs) }
                        return ["*", [fixtureForm(pair[0], docs: docs), Self.prose]]
                    }]
                default:
                    value = fixtureForm(v, docs: docs)
                }
                out.append([["$", k], value])
            }
            return ["%", out]
        }
    }

    private func canonical(_ v: Any) -> String {
        let data = try! JSONSerialization.data(withJSONObject: v, options: [.sortedKeys])
        return String(decoding: data, as: UTF8.self)
    }

    private func loadFixture() throws -> [[Any]] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .appendingPathComponent("Fixtures/redis-7.0.15-command-info-docs.json")
        return try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [[Any]]
    }

    // MARK: - Facts

    func testArityFlagsAndKeyPositionsMatchRedis70() {
        let t = fullTable()
        func check(_ name: String, _ arity: Int, _ flags: CommandFlags, _ first: Int, _ last: Int, _ step: Int,
                   file: StaticString = #filePath, line: UInt = #line) {
            let c = command(t, name)
            XCTAssertEqual(c.arity, arity, name, file: file, line: line)
            XCTAssertEqual(c.flags, flags, name, file: file, line: line)
            XCTAssertEqual([c.firstKey, c.lastKey, c.keyStep], [first, last, step], name, file: file, line: line)
        }
        check("get", 2, [.readonly, .fast], 1, 1, 1)
        check("set", -3, [.write, .denyOOM], 1, 1, 1)
        check("mset", -3, [.write, .denyOOM], 1, -1, 2)
        check("mget", -2, [.readonly, .fast], 1, -1, 1)
        check("del", -2, [.write], 1, -1, 1)
        check("copy", -3, [.write, .denyOOM], 1, 2, 1)
        check("lcs", -3, [.readonly], 1, 2, 1)
        check("rename", 3, [.write], 1, 2, 1)
        check("ping", -1, [.fast], 0, 0, 0)
        check("hello", -1, [.noScript, .loading, .stale, .fast, .noAuth, .allowBusy], 0, 0, 0)
        check("save", 1, [.admin, .noScript, .noAsyncLoading, .noMulti], 0, 0, 0)
        check("debug", -2, [.admin, .noScript, .loading, .stale, .protected], 0, 0, 0)
        check("client", -2, [], 0, 0, 0)
        check("client|kill", -3, [.admin, .noScript, .loading, .stale], 0, 0, 0)
        check("config|get", -3, [.admin, .noScript, .loading, .stale], 0, 0, 0)
        check("object|encoding", 3, [.readonly], 2, 2, 1)
        check("memory|usage", -3, [.readonly], 2, 2, 1)
        check("command", -1, [.loading, .stale], 0, 0, 0)
        check("command|getkeys", -4, [.loading, .stale], 0, 0, 0)
        XCTAssertEqual(command(t, "get").doc.aclCategories, ["@read", "@string", "@fast"])
        XCTAssertEqual(command(t, "client|kill").doc.aclCategories, ["@admin", "@slow", "@dangerous", "@connection"])
        XCTAssertEqual(command(t, "getset").doc.docFlags, .deprecated)
        XCTAssertEqual(command(t, "getset").doc.deprecatedSince, "6.2.0")
    }

    func testContainersKeepOnlySubcommandsWithHandlers() {
        let noop: CommandHandler = { _ in }
        let t = CommandTable(handlers: ["get": noop, "client|list": noop, "client|id": noop, "command": noop])
        XCTAssertEqual(t.all.map { $0.name }, ["client", "command", "get"])
        let client = command(t, "client")
        XCTAssertNil(client.handler, "a container has no handler of its own; the dispatcher resolves argv[1]")
        XCTAssertEqual(client.subcommands.map { $0.fullName }, ["client|id", "client|list"])
        XCTAssertNotNil(command(t, "command").handler)
        XCTAssertTrue(command(t, "command").subcommands.isEmpty)
        XCTAssertNil(CommandCommands.lookup(t, fullName: Array("set".utf8)))
        XCTAssertNil(CommandCommands.lookup(t, fullName: Array("client|kill".utf8)))
        XCTAssertNil(CommandCommands.lookup(t, fullName: Array("config".utf8)))
    }

    func testUnknownHandlerNamesAreReported() {
        let noop: CommandHandler = { _ in }
        XCTAssertEqual(CommandSpecs.unknownHandlerNames(["get": noop, "gett": noop, "client|lst": noop]),
                       ["client|lst", "gett"])
        XCTAssertTrue(CommandSpecs.unknownHandlerNames(CommandCommands.handlers).isEmpty)
    }

    func testLookupByFullNameFollowsRedisRules() {
        let t = fullTable()
        XCTAssertEqual(CommandCommands.lookup(t, fullName: Array("CLIENT|List".utf8))?.fullName, "client|list")
        XCTAssertEqual(CommandCommands.lookup(t, fullName: Array("GeT".utf8))?.fullName, "get")
        for bad in ["get|x", "client|list|x", "", "|get", "client|", "nosuch"] {
            XCTAssertNil(CommandCommands.lookup(t, fullName: Array(bad.utf8)), bad)
        }
    }

    // MARK: - GETKEYS

    func testGetKeysForSetDependsOnGetOption() {
        let t = fullTable()
        XCTAssertEqual(keyNames(t, argv("set", "k", "v")), ["k"])
        XCTAssertEqual(keyFlags(t, argv("set", "k", "v")), [["OW", "update"]])
        XCTAssertEqual(keyFlags(t, argv("SET", "k", "v", "ex", "5", "GeT")), [["RW", "access", "update"]])
        XCTAssertEqual(keyError(t, argv("set", "k")), "ERR Invalid number of arguments specified for command")
    }

    func testGetKeysForMsetTakesEveryOtherArgument() {
        let t = fullTable()
        XCTAssertEqual(keyNames(t, argv("mset", "a", "1", "b", "2")), ["a", "b"])
        XCTAssertEqual(keyFlags(t, argv("mset", "a", "1", "b", "2")), [["OW", "update"], ["OW", "update"]])
        // Like Redis, an odd count still passes the -3 arity and the range ends at argc-1.
        XCTAssertEqual(keyNames(t, argv("mset", "a", "1", "b")), ["a", "b"])
        XCTAssertEqual(keyError(t, argv("mset", "a")), "ERR Invalid number of arguments specified for command")
        XCTAssertEqual(keyFlags(t, argv("msetnx", "a", "1")), [["OW", "insert"]])
    }

    func testGetKeysForCopyLcsAndRename() {
        let t = fullTable()
        XCTAssertEqual(keyNames(t, argv("copy", "src", "dst", "DB", "1", "REPLACE")), ["src", "dst"])
        XCTAssertEqual(keyFlags(t, argv("copy", "src", "dst")), [["RO", "access"], ["OW", "update"]])
        XCTAssertEqual(keyNames(t, argv("lcs", "k1", "k2", "LEN")), ["k1", "k2"])
        XCTAssertEqual(keyFlags(t, argv("lcs", "k1", "k2")), [["RO", "access"], ["RO", "access"]])
        XCTAssertEqual(keyNames(t, argv("rename", "old", "new")), ["old", "new"])
        XCTAssertEqual(keyFlags(t, argv("rename", "old", "new")), [["RW", "access", "delete"], ["OW", "update"]])
        XCTAssertEqual(keyFlags(t, argv("renamenx", "old", "new")), [["RW", "access", "delete"], ["OW", "insert"]])
        XCTAssertEqual(keyError(t, argv("rename", "old")), "ERR Invalid number of arguments specified for command")
    }

    func testGetKeysResolvesSubcommandsAndReportsRedisErrors() {
        let t = fullTable()
        XCTAssertEqual(keyNames(t, argv("OBJECT", "ENCODING", "k")), ["k"])
        XCTAssertEqual(keyFlags(t, argv("memory", "usage", "k", "SAMPLES", "5")), [["RO"]])
        XCTAssertEqual(keyFlags(t, argv("del", "a", "b")), [["RM", "delete"], ["RM", "delete"]])
        XCTAssertEqual(keyError(t, argv("nosuch", "a")), "ERR Invalid command specified")
        XCTAssertEqual(keyError(t, argv("object", "nosuch", "k")), "ERR Invalid command specified")
        XCTAssertEqual(keyError(t, argv("client", "list")), "ERR The command has no key arguments")
        XCTAssertEqual(keyError(t, argv("keys", "*")), "ERR The command has no key arguments")
        XCTAssertEqual(keyError(t, argv("debug", "object", "k")), "ERR The command has no key arguments")
        XCTAssertEqual(keyError(t, argv("get", "a", "b")), "ERR Invalid number of arguments specified for command")
    }

    func testKeySpecsWithKeywordAndKeynumFindKeys() {
        // Shapes no command of the current table uses (ZUNIONSTORE/GEORADIUS-like), built ad hoc.
        let doc = CommandDoc(group: "generic", since: "1.0.0", complexity: nil, summary: "test",
                             keySpecs: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                                        KeySpec([.RO, .access], .index(2), .keynum(keyNumIndex: 0, firstKey: 1, step: 1)),
                                        KeySpec([.OW, .update], .keyword("STORE", startFrom: 4), .range(lastKey: 0, step: 1, limit: 0))])
        let cmd = RedisCommand(name: "x", arity: -4, flags: [.write], firstKey: 1, lastKey: 1, keyStep: 1, doc: doc, handler: nil)
        let line = argv("x", "dest", "2", "a", "b", "store", "s")
        XCTAssertEqual(CommandCommands.keys(of: cmd, argv: line).map { String(decoding: line[$0.pos], as: UTF8.self) },
                       ["dest", "a", "b", "s"])
        // A key count past the end invalidates the specs, and nothing is returned.
        XCTAssertTrue(CommandCommands.keys(of: cmd, argv: argv("x", "dest", "5", "a")).isEmpty)
        XCTAssertTrue(CommandCommands.keys(of: cmd, argv: argv("x", "dest", "-1", "a")).isEmpty)
    }

    // MARK: - COMMAND LIST

    func testListFiltersByCategoryPatternAndModule() {
        let t = fullTable()
        let all = CommandCommands.listNames(t, filter: .none)
        XCTAssertEqual(all.count, t.all.count + t.all.reduce(0) { $0 + $1.subcommands.count })
        XCTAssertEqual(all.firstIndex(of: "client")! + 1, all.firstIndex(where: { $0.hasPrefix("client|") }))
        let strings = CommandCommands.listNames(t, filter: .aclCategory("STRING"))
        XCTAssertTrue(strings.contains("get") && strings.contains("lcs") && !strings.contains("del"))
        XCTAssertEqual(strings.count, 22)
        XCTAssertEqual(CommandCommands.listNames(t, filter: .aclCategory("nosuch")), [])
        XCTAssertEqual(CommandCommands.listNames(t, filter: .module("x")), [])
        XCTAssertEqual(CommandCommands.listNames(t, filter: .pattern(Array("CONFIG|*".utf8))).sorted(),
                       ["config|get", "config|help", "config|resetstat", "config|rewrite", "config|set"])
    }

    // MARK: - Snapshot of Redis 7.0.15

    func testTableCoversExactlyTheSnapshotCommands() throws {
        let names = try loadFixture().map { $0[0] as! String }
        XCTAssertEqual(Set(fullTable().all.map { $0.name }), Set(names))
        XCTAssertEqual(names.count, fullTable().all.count)
    }

    func testCommandInfoOfEveryCommandMatchesRedis() throws {
        let t = fullTable()
        for entry in try loadFixture() {
            let name = entry[0] as! String
            guard let cmd = t.lookup(name) else { XCTFail("\(name) missing"); continue }
            XCTAssertEqual(canonical(fixtureForm(CommandCommands.infoNode(cmd))), canonical(entry[1]), "COMMAND INFO \(name)")
        }
    }

    func testCommandDocsOfEveryCommandMatchesRedis() throws {
        let t = fullTable()
        for entry in try loadFixture() {
            let name = entry[0] as! String
            guard let cmd = t.lookup(name) else { XCTFail("\(name) missing"); continue }
            XCTAssertEqual(canonical(fixtureForm(CommandCommands.docsNode(cmd), docs: true)), canonical(entry[2]),
                           "COMMAND DOCS \(name)")
        }
    }

    func testDocumentationIsComplete() {
        let t = fullTable()
        for top in t.all {
            for cmd in [top] + top.subcommands {
                XCTAssertFalse(cmd.doc.summary.isEmpty, cmd.fullName)
                XCTAssertFalse(cmd.doc.aclCategories.isEmpty, cmd.fullName)
                func walk(_ args: [CommandArg]) {
                    for a in args {
                        if a.type == .key {
                            XCTAssertTrue(cmd.doc.keySpecs.indices.contains(a.keySpecIndex), "\(cmd.fullName) \(a.name)")
                        }
                        if a.type == .oneof || a.type == .block { XCTAssertFalse(a.arguments.isEmpty, a.name) }
                        walk(a.arguments)
                    }
                }
                walk(cmd.doc.arguments)
            }
        }
    }
}
