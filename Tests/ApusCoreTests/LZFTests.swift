// Tests for LZF (Persistence/LZF.swift): round trips, the "does not fit" contract,
// rejection of malformed streams, and decoding/encoding blobs exactly as Redis 7.0.15
// (liblzf 3.6) wrote them into an RDB file.
import XCTest
@testable import ApusCore

final class LZFTests: XCTestCase {
    /// Compresses with an output buffer of `limit` bytes (default: generous); nil when it does not fit.
    private func compress(_ input: [UInt8], limit: Int? = nil, using c: LZFCompressor = LZFCompressor()) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: limit ?? input.count + input.count / 16 + 64)
        let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { c.compress(i, into: $0) } }
        return n == 0 ? nil : Array(out[0..<n])
    }

    private func decompress(_ input: [UInt8], capacity: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: capacity)
        let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { LZF.decompress(i, into: $0) } }
        return n.map { Array(out[0..<$0]) }
    }

    func testRandomDataRoundTripsWhenGivenRoom() {
        var rng = SystemRandomNumberGenerator()
        let c = LZFCompressor()
        for size in [1, 2, 3, 4, 31, 32, 33, 100, 4096, 70_000] {
            let data = (0..<size).map { _ in UInt8.random(in: 0...255, using: &rng) }
            guard let packed = compress(data, using: c) else { return XCTFail("size \(size) did not fit") }
            XCTAssertEqual(decompress(packed, capacity: size), data, "size \(size)")
        }
    }

    func testRandomDataDoesNotFitInLessThanItsOwnSize() {
        var rng = SystemRandomNumberGenerator()
        let data = (0..<1000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        XCTAssertNil(compress(data, limit: data.count - 4))
    }

    func testCompressibleDataShrinksAndRoundTrips() {
        let c = LZFCompressor()
        var rng = SystemRandomNumberGenerator()
        var inputs: [[UInt8]] = [
            [UInt8](repeating: 0x61, count: 21),
            [UInt8](repeating: 0, count: 100_000),
            Array(String(repeating: "abcdefgh", count: 100).utf8),
            Array(String(repeating: "The quick brown fox jumps over the lazy dog. ", count: 500).utf8),
        ]
        // Text built from a small vocabulary: matches at many offsets, including ones beyond 8 KiB.
        let words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", " ", "\n"]
        var text: [UInt8] = []
        while text.count < 200_000 { text += Array(words[Int.random(in: 0..<words.count, using: &rng)].utf8) }
        inputs.append(text)
        for input in inputs {
            guard let packed = compress(input, limit: input.count - 4, using: c) else {
                XCTFail("\(input.count) bytes did not compress"); continue
            }
            XCTAssertLessThan(packed.count, input.count / 2)
            XCTAssertEqual(decompress(packed, capacity: input.count), input)
        }
    }

    func testMixedRandomAndRepeatedSegmentsRoundTripAtEverySize() {
        var rng = SystemRandomNumberGenerator()
        let c = LZFCompressor()
        for size in 0..<600 {
            var data: [UInt8] = []
            while data.count < size {
                if Bool.random(using: &rng), data.count > 4 {
                    let start = Int.random(in: 0..<data.count - 3, using: &rng)
                    data += data[start..<min(data.count, start + Int.random(in: 3...300, using: &rng))]
                } else {
                    data += (0..<Int.random(in: 1...40, using: &rng)).map { _ in UInt8.random(in: 0...3, using: &rng) }
                }
            }
            data = Array(data.prefix(size))
            if let packed = compress(data, using: c) {
                XCTAssertEqual(decompress(packed, capacity: size), data, "size \(size)")
            } else {
                XCTAssertEqual(size, 0)
            }
        }
    }

    func testOutputTooSmallForDecompressionIsRejected() {
        let input = [UInt8](repeating: 7, count: 1000)
        let packed = compress(input)!
        XCTAssertNil(decompress(packed, capacity: 999))
        XCTAssertEqual(decompress(packed, capacity: 1000), input)
    }

    func testMalformedStreamsAreRejected() {
        XCTAssertNil(decompress([0x05, 1, 2], capacity: 100), "literal run longer than the input")
        XCTAssertNil(decompress([0x00, 0x41, 0x20, 0x05], capacity: 100), "back-reference before the output start")
        XCTAssertNil(decompress([0x00, 0x41, 0xe0], capacity: 100), "long back-reference missing its bytes")
        XCTAssertNil(decompress([0x00, 0x41, 0x20], capacity: 100), "back-reference missing its offset byte")
    }

    /// "abcdefgh" * 100 as Redis 7.0.15 stored it (key `compressible` of the strings fixture).
    private let redisBlobABC: [UInt8] = [
        0x08, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x61, 0xe0, 0xff, 0x07, 0xe1, 0xff, 0x07,
        0xe1, 0xfc, 0x07, 0x01, 0x67, 0x68,
    ]
    /// "x" * 500 as Redis 7.0.15 stored it (key `db3long`).
    private let redisBlobX: [UInt8] = [0x01, 0x78, 0x78, 0xe0, 0xff, 0x00, 0xe0, 0xdf, 0x00, 0x01, 0x78, 0x78]

    func testDecompressesBlobsWrittenByRedis() {
        XCTAssertEqual(decompress(redisBlobABC, capacity: 800), Array(String(repeating: "abcdefgh", count: 100).utf8))
        XCTAssertEqual(decompress(redisBlobX, capacity: 500), [UInt8](repeating: 0x78, count: 500))
    }

    func testCompressesToTheSameBytesAsRedis() {
        let abc = Array(String(repeating: "abcdefgh", count: 100).utf8)
        XCTAssertEqual(compress(abc, limit: abc.count - 4), redisBlobABC)
        let x = [UInt8](repeating: 0x78, count: 500)
        XCTAssertEqual(compress(x, limit: x.count - 4), redisBlobX)
    }

    func testOneShotCompressMatchesReusableCompressor() {
        let c = LZFCompressor()
        let input = Array(String(repeating: "hello world ", count: 50).utf8)
        _ = compress(Array(String(repeating: "unrelated ", count: 99).utf8), using: c)  // leaves stale table entries
        var out = [UInt8](repeating: 0, count: input.count)
        let n = input.withUnsafeBytes { i in out.withUnsafeMutableBytes { LZF.compress(i, into: $0) } }
        XCTAssertGreaterThan(n, 0)
        XCTAssertEqual(Array(out[0..<n]), compress(input, limit: input.count, using: c))
    }
}
