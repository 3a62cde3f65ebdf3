// Tests for SplitArgs.split (Redis sdssplitargs). Expected token lists were captured by
// sending the same text as an inline command (`RPUSH key x <text>`) to redis-server
// 7.0.15 and reading the list back; "unbalanced" cases got
// "-ERR Protocol error: unbalanced quotes in request".

import XCTest
@testable import ApusCore

final class SplitArgsTests: XCTestCase {
    private func split(_ s: String) -> [String]? {
        SplitArgs.split(Array(s.utf8)).map { $0.map { String(decoding: $0, as: UTF8.self) } }
    }

    func testPlainWordsAndBlanks() {
        XCTAssertEqual(split("SET k v"), ["SET", "k", "v"])
        XCTAssertEqual(split("  GET \t  k  \r\n"), ["GET", "k"])
        XCTAssertEqual(split(""), [])
        XCTAssertEqual(split("   \t "), [])
    }

    func testDoubleQuotesAndEscapes() {
        XCTAssertEqual(split("SET k \"a b\""), ["SET", "k", "a b"])
        XCTAssertEqual(split("\"\\x41\""), ["A"])
        XCTAssertEqual(SplitArgs.split(Array("\"\\xfF\"".utf8)), [[0xFF]])
        XCTAssertEqual(SplitArgs.split(Array("\"a\\nb\\r\\t\\b\\a\\\\\\\"z\"".utf8)),
                       [Array("a\nb\r\t".utf8) + [0x08, 0x07] + Array("\\\"z".utf8)])
        XCTAssertEqual(split("\"\\x4\""), ["x4"], "incomplete \\x is an unknown escape: the char itself")
        XCTAssertEqual(split("\"\\xZZ\""), ["xZZ"])
        XCTAssertEqual(split("\"\\q\""), ["q"])
        XCTAssertEqual(split("\"\""), [""])
        XCTAssertEqual(SplitArgs.split(Array("\"a\\x00b\"".utf8)), [[0x61, 0x00, 0x62]])
    }

    func testSingleQuotesOnlyEscapeTheQuote() {
        XCTAssertEqual(split("'it\\'s'"), ["it's"])
        XCTAssertEqual(split("'a\\nb'"), ["a\\nb"])
        XCTAssertEqual(split("'a\\\\b'"), ["a\\\\b"])
        XCTAssertEqual(split("''"), [""])
    }

    func testUnbalancedOrGluedQuotesAreRejected() {
        XCTAssertNil(split("\"foo"))
        XCTAssertNil(split("'foo"))
        XCTAssertNil(split("\"foo\"bar"))
        XCTAssertNil(split("'foo'bar"))
        XCTAssertNil(split("a\"b c\"d"))
        XCTAssertNil(split("x\\\"y"), "backslash outside quotes is literal, so the quote opens")
        XCTAssertNil(split("\"abc\\"), "a trailing backslash cannot escape the end")
    }

    func testQuoteMayOpenInsideABareToken() {
        XCTAssertEqual(split("a\"b c\""), ["ab c"])
        XCTAssertEqual(split("a'b c' d"), ["ab c", "d"])
    }

    func testVerticalTabAndFormFeedAreSkippedButDoNotEndBareTokens() {
        XCTAssertEqual(split("a\u{0B}b"), ["a\u{0B}b"])
        XCTAssertEqual(split("a\u{0C}b"), ["a\u{0C}b"])
        XCTAssertEqual(split("\"a\"\u{0B}b"), ["a", "b"], "after a closing quote any isspace() is fine")
        XCTAssertEqual(split("\u{0B}\u{0C}x"), ["x"])
    }

    func testInputEndsAtFirstNulByteLikeACString() {
        XCTAssertEqual(SplitArgs.split([0x61, 0x20, 0x62, 0x00, 0x63, 0x20, 0x64]), [[0x61], [0x62]])
        XCTAssertNil(SplitArgs.split([0x22, 0x61, 0x00, 0x22]), "NUL inside quotes = unterminated")
    }

    func testConfigFileStyleLines() {
        XCTAssertEqual(split("save 900 1"), ["save", "900", "1"])
        XCTAssertEqual(split("save \"\""), ["save", ""])
        XCTAssertEqual(split("requirepass \"p@ss word\""), ["requirepass", "p@ss word"])
    }

    func testRawBufferOverload() {
        let line = Array("PING  hello".utf8)
        let r = line.withUnsafeBytes { SplitArgs.split($0) }
        XCTAssertEqual(r, [Array("PING".utf8), Array("hello".utf8)])
    }
}
