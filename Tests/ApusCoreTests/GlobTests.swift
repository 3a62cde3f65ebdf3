// Tests for Glob.match against Redis 7.0 stringmatchlen behaviour. Expected results for
// the bracket edge cases were captured from a real redis-server 7.0.15 with KEYS.

import XCTest
@testable import ApusCore

final class GlobTests: XCTestCase {
    private func m(_ p: String, _ s: String, nocase: Bool = false) -> Bool {
        Glob.match(Array(p.utf8), Array(s.utf8), nocase: nocase)
    }

    /// Keys that match `pattern` among `keys`, as KEYS would list them.
    private func matching(_ pattern: [UInt8], _ keys: [[UInt8]]) -> Set<[UInt8]> {
        Set(keys.filter { Glob.match(pattern, $0, nocase: false) })
    }

    func testLiteralStarAndQuestion() {
        XCTAssertTrue(m("hello", "hello"))
        XCTAssertFalse(m("hello", "hellO"))
        XCTAssertTrue(m("h?llo", "hallo"))
        XCTAssertFalse(m("h?llo", "hllo"))
        XCTAssertTrue(m("h*llo", "hllo"))
        XCTAssertTrue(m("h*llo", "heeeello"))
        XCTAssertTrue(m("*", "anything"))
        XCTAssertTrue(m("a*", "a"))
        XCTAssertTrue(m("a**", "a"))
        XCTAssertTrue(m("**a**b**", "xxaxxbxx"))
        XCTAssertFalse(m("*a", "b"))
        XCTAssertTrue(m("user:*:name", "user:42:name"))
        XCTAssertFalse(m("user:*:name", "user:42:age"))
        XCTAssertTrue(m("", ""))
        XCTAssertFalse(m("", "a"))
        XCTAssertFalse(m("?", ""))
    }

    func testStarAloneDoesNotMatchEmptySubjectLikeRedis() {
        // stringmatchlen("*", "") is 0: the main loop never runs on an empty subject.
        // KEYS / SCAN special-case the "*" pattern before calling the matcher.
        XCTAssertFalse(m("*", ""))
        XCTAssertFalse(m("**", ""))
        XCTAssertTrue(m("a*", "a"))
    }

    func testClassesRangesAndNegation() {
        XCTAssertTrue(m("h[ae]llo", "hello"))
        XCTAssertTrue(m("h[ae]llo", "hallo"))
        XCTAssertFalse(m("h[ae]llo", "hillo"))
        XCTAssertTrue(m("h[^e]llo", "hallo"))
        XCTAssertFalse(m("h[^e]llo", "hello"))
        XCTAssertTrue(m("h[a-b]llo", "hbllo"))
        XCTAssertTrue(m("h[b-a]llo", "hallo"), "reversed ranges are swapped")
        XCTAssertFalse(m("h[a-b]llo", "hcllo"))
        XCTAssertTrue(m("[\\]]", "]"))
        XCTAssertTrue(m("[\\-]", "-"))
    }

    func testBracketEdgeCasesMatchRealRedis() {
        let keys: [[UInt8]] = ["0", "b", "a", "B", "[", "]", "^", "-", "\\", "ab", "abc", "x]", "a-", "Z"]
            .map { Array($0.utf8) } + [[0xFF], [0x80]]
        func set(_ xs: [[UInt8]]) -> Set<[UInt8]> { Set(xs) }
        func s(_ xs: String...) -> [[UInt8]] { xs.map { Array($0.utf8) } }
        let all1 = s("-", "0", "B", "Z", "[", "\\", "]", "^", "a", "b") + [[0x80], [0xFF]]
        XCTAssertEqual(matching(Array("[a".utf8), keys), set(s("a")), "unterminated class")
        XCTAssertEqual(matching(Array("[".utf8), keys), [])
        XCTAssertEqual(matching(Array("[^".utf8), keys), set(all1))
        XCTAssertEqual(matching(Array("[^]".utf8), keys), set(all1))
        XCTAssertEqual(matching(Array("[^a".utf8), keys), set(all1.filter { $0 != [0x61] }))
        XCTAssertEqual(matching(Array("[]]".utf8), keys), [], "[] is an empty class, then a literal ]")
        XCTAssertEqual(matching(Array("[]".utf8), keys), [])
        XCTAssertEqual(matching(Array("[]a]".utf8), keys), [])
        XCTAssertEqual(matching(Array("[a-]".utf8), keys), set(s("]", "^", "a")), "a-] is a range ]..a")
        XCTAssertEqual(matching(Array("[-a]".utf8), keys), set(s("-", "a")))
        XCTAssertEqual(matching(Array("[Z-a]".utf8), keys), set(s("Z", "[", "\\", "]", "^", "a")))
        XCTAssertEqual(matching(Array("[!a]".utf8), keys), set(s("a")), "! is not negation")
        XCTAssertEqual(matching(Array("[a-c-e]".utf8), keys), set(s("-", "a", "b")))
        XCTAssertEqual(matching(Array("[\\".utf8), keys), set(s("\\")))
        XCTAssertEqual(matching(Array("\\".utf8), keys), set(s("\\")), "lone backslash is literal")
        XCTAssertEqual(matching(Array("a\\".utf8), keys), [])
        XCTAssertEqual(matching(Array("a[".utf8), keys), [])
        XCTAssertEqual(matching(Array("*]".utf8), keys), set(s("]", "x]")))
        XCTAssertEqual(matching(Array("?\\".utf8), keys), [])
    }

    func testRangesCompareBytesAsSignedCharLikeRedisOnX86() {
        // In C the range bounds are (signed) chars, so 0xFF is -1 and [a-\xff] covers
        // -1...97: it matches '0', 'B', ']' and 0xFF but not 'b' or 0x80.
        let keys: [[UInt8]] = ["0", "b", "a", "B", "[", "]", "^", "-", "\\", "Z"].map { Array($0.utf8) }
            + [[0xFF], [0x80]]
        let expected: Set<[UInt8]> = Set(["-", "0", "B", "Z", "[", "\\", "]", "^", "a"].map { Array($0.utf8) } + [[0xFF]])
        XCTAssertEqual(matching([0x5B, 0x61, 0x2D, 0xFF, 0x5D], keys), expected)
        XCTAssertEqual(matching([0x5B, 0xFF, 0x2D, 0x61, 0x5D], keys), expected)
    }

    func testEscapes() {
        XCTAssertTrue(m("a\\*b", "a*b"))
        XCTAssertFalse(m("a\\*b", "axb"))
        XCTAssertTrue(m("a\\?b", "a?b"))
        XCTAssertFalse(m("a\\?b", "acb"))
        XCTAssertTrue(m("\\[x\\]", "[x]"))
    }

    func testNocaseFoldsAsciiOnly() {
        XCTAssertTrue(m("HeLLo*", "hello world", nocase: true))
        XCTAssertFalse(m("HeLLo*", "hello world", nocase: false))
        XCTAssertTrue(m("[A-C]x", "bX", nocase: true))
        XCTAssertTrue(m("[abc]", "B", nocase: true))
        XCTAssertFalse(m("[abc]", "B", nocase: false))
        XCTAssertTrue(m("maxmemory*", "MAXMEMORY-POLICY", nocase: true))
        XCTAssertFalse(Glob.match([0xC3, 0xA9], [0xC3, 0x89], nocase: true), "no UTF-8 folding")
        // An escaped char inside a class is compared case-sensitively even with nocase.
        XCTAssertFalse(m("[\\A]", "a", nocase: true))
    }

    func testBinarySafeWithNulBytes() {
        XCTAssertTrue(Glob.match([0x61, 0x00, 0x2A], [0x61, 0x00, 0x62, 0x63], nocase: false))
        XCTAssertFalse(Glob.match([0x61, 0x00], [0x61], nocase: false))
        XCTAssertTrue(Glob.match([0x3F], [0x00], nocase: false))
    }

    func testPathologicalPatternTerminatesQuickly() {
        // Without the skip-longer-matches short-circuit this is exponential in the stars.
        let pattern = Array(String(repeating: "a*", count: 30).utf8) + Array("b".utf8)
        let subject = [UInt8](repeating: UInt8(ascii: "a"), count: 20_000)
        let start = DispatchTime.now().uptimeNanoseconds
        XCTAssertFalse(Glob.match(pattern, subject, nocase: false))
        let elapsed = DispatchTime.now().uptimeNanoseconds - start
        XCTAssertLessThan(elapsed, 5_000_000_000)
        XCTAssertTrue(Glob.match(pattern, subject + [UInt8(ascii: "b")], nocase: false))
    }

    func testRawBufferAndStringOverloadsAgree() {
        let p = Array("k?y*".utf8), s = Array("key:1".utf8)
        let raw = p.withUnsafeBytes { pb in s.withUnsafeBytes { sb in Glob.match(pb, sb, nocase: false) } }
        XCTAssertTrue(raw)
        XCTAssertTrue(Glob.match(p, "key:1"))
    }
}
