// Tests for LatencyHistogram (Sources/ApusBench/Histogram.swift): precision bounds on known distributions, the
// statistics (count/min/max/mean), merge and reset, and a golden comparison against Redis 7.0.15's vendored
// HdrHistogram_c. The golden data at the end of this file was produced by compiling deps/hdr_histogram/hdr_histogram.c
// with a small C driver that records the same LCG-generated streams as `GoldenStream` below and prints the values
// of hdr_value_at_percentile/hdr_min/hdr_max/hdr_mean plus both listings exactly as showLatencyReport walks and
// filters them; the Swift histogram must reproduce every number (and every formatted line) bit for bit.

import XCTest
@testable import ApusBench

final class HistogramTests: XCTestCase {
    // MARK: - Helpers

    /// redis-benchmark's histogram: 10 µs ... 3 s, --precision figures.
    private func benchmarkHistogram(figures: Int = 3) -> LatencyHistogram {
        LatencyHistogram(lowest: 10, highest: 3_000_000, significantFigures: figures)
    }

    /// The value exactly at `percentile` of a sorted sample, using the same rank rule as hdr
    /// (round(p% of n), at least 1).
    private func exactPercentile(_ sorted: [Int64], _ percentile: Double) -> Int64 {
        var rank = Int((percentile / 100) * Double(sorted.count) + 0.5)
        if rank < 1 { rank = 1 }
        return sorted[Swift.min(rank, sorted.count) - 1]
    }

    /// Asserts the histogram's answer is the true value to within the promised precision: hdr reports the top
    /// of the value's equivalence range, which is at most value * 10^-figures (and one unit) above it.
    private func assertWithinPrecision(_ h: LatencyHistogram, _ sorted: [Int64], _ percentile: Double,
                                       file: StaticString = #filePath, line: UInt = #line) {
        let exact = exactPercentile(sorted, percentile)
        let got = h.value(atPercentile: percentile)
        var bound = Double(exact) / pow(10.0, Double(h.significantFigures))
        bound = Swift.max(bound, Double(h.lowestDiscernibleValue))
        XCTAssertGreaterThanOrEqual(got, exact, "p\(percentile)", file: file, line: line)
        XCTAssertLessThanOrEqual(Double(got - exact), bound, "p\(percentile): \(got) vs \(exact)", file: file, line: line)
    }

    private func assertSamePoints(_ a: [LatencyHistogram.DistributionPoint], _ b: [LatencyHistogram.DistributionPoint],
                                  _ what: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.count, b.count, "\(what): number of points", file: file, line: line)
        for (i, (x, y)) in zip(a, b).enumerated() {
            XCTAssertEqual(x.percentile.bitPattern, y.percentile.bitPattern, "\(what)[\(i)] percentile \(x.percentile) vs \(y.percentile)", file: file, line: line)
            XCTAssertEqual(x.value, y.value, "\(what)[\(i)] value", file: file, line: line)
            XCTAssertEqual(x.cumulativeCount, y.cumulativeCount, "\(what)[\(i)] cumulative count", file: file, line: line)
        }
    }

    private func assertSameObservations(_ a: LatencyHistogram, _ b: LatencyHistogram,
                                        file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(a.totalCount, b.totalCount, file: file, line: line)
        XCTAssertEqual(a.min, b.min, file: file, line: line)
        XCTAssertEqual(a.max, b.max, file: file, line: line)
        XCTAssertEqual(a.mean.bitPattern, b.mean.bitPattern, file: file, line: line)
        for p in [0.0, 1, 50, 90, 99, 99.9, 100] {
            XCTAssertEqual(a.value(atPercentile: p), b.value(atPercentile: p), "p\(p)", file: file, line: line)
        }
        assertSamePoints(a.percentileDistribution(), b.percentileDistribution(), "percentile listing", file: file, line: line)
        assertSamePoints(a.cumulativeDistribution(), b.cumulativeDistribution(), "cumulative listing", file: file, line: line)
    }

    // MARK: - Layout

    func testBenchmarkLayoutMatchesHdrBucketConfig() {
        let h = benchmarkHistogram()
        // unit magnitude 3 (lowest 10 rounds down to 8), 2048 sub-buckets, 9 buckets: (9 + 1) * 1024 slots.
        XCTAssertEqual(h.countsLength, 10_240)
        XCTAssertEqual(h.lowestEquivalentValue(100), 96)
        XCTAssertEqual(h.highestEquivalentValue(100), 103)
        XCTAssertEqual(h.highestEquivalentValue(7), 7)
        XCTAssertEqual(h.highestEquivalentValue(16_383), 16_383)
        XCTAssertEqual(h.highestEquivalentValue(16_384), 16_399)
        XCTAssertEqual(h.highestEquivalentValue(3_000_000), 3_000_319)
        XCTAssertEqual(h.medianEquivalentValue(0), 4)
        XCTAssertEqual(h.valueAtIndex(0), 0)
        XCTAssertEqual(h.valueAtIndex(2048), 16_384)
        XCTAssertEqual(LatencyHistogram(lowest: 1, highest: 1_000_000, significantFigures: 2).countsLength, 1_792)
    }

    func testEveryValueLandsInASlotWhoseRangeContainsIt() {
        let h = LatencyHistogram(lowest: 1, highest: 3_000_000, significantFigures: 2)
        var v: Int64 = 0
        while v <= 3_000_000 {
            let lo = h.lowestEquivalentValue(v), hi = h.highestEquivalentValue(v)
            XCTAssertTrue(lo <= v && v <= hi, "\(v) not in [\(lo), \(hi)]")
            XCTAssertLessThanOrEqual(Double(hi - lo), Swift.max(1.0, Double(v) / 100), "range too wide at \(v)")
            v += v < 5000 ? 1 : 997
        }
    }

    // MARK: - Known distributions

    func testUniformDistributionPercentilesWithinPrecision() {
        for figures in 1...5 {
            let h = LatencyHistogram(lowest: 1, highest: 3_000_000, significantFigures: figures)
            let n: Int64 = 100_000
            for v in 1...n { h.record(v) }
            let sorted = Array(1...n)
            XCTAssertEqual(h.totalCount, n)
            XCTAssertEqual(h.min, 1)
            XCTAssertEqual(h.max, h.highestEquivalentValue(n))
            XCTAssertEqual(h.mean, Double(n + 1) / 2, accuracy: Double(n) / pow(10.0, Double(figures)))
            for p in [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100] {
                assertWithinPrecision(h, sorted, p)
            }
            XCTAssertEqual(h.value(atPercentile: 0), 1)
        }
    }

    func testConstantValueCollapsesToItsEquivalenceRange() {
        let h = benchmarkHistogram()
        for _ in 0..<1000 { h.record(1234) }
        XCTAssertEqual(h.totalCount, 1000)
        XCTAssertEqual(h.min, 1232)
        XCTAssertEqual(h.max, 1239)
        XCTAssertEqual(h.mean, 1236)
        for p in [0.1, 50, 99.999, 100] { XCTAssertEqual(h.value(atPercentile: p), 1239) }
        XCTAssertEqual(h.value(atPercentile: 0), 1232)
        let listing = h.percentileDistribution()
        XCTAssertEqual(listing.map(\.percentile), [0, 100])
        XCTAssertEqual(listing.map(\.value), [1239, 1239])
        XCTAssertEqual(listing.map(\.cumulativeCount), [1000, 1000])
        let cumulative = h.cumulativeDistribution()
        XCTAssertEqual(cumulative.map(\.percentile), [0, 100])
        XCTAssertEqual(cumulative.map(\.value), [103, 1303])
        XCTAssertEqual(cumulative.map(\.cumulativeCount), [0, 1000])
    }

    func testExponentialLongTailPercentilesWithinPrecision() {
        let h = benchmarkHistogram()
        var rng = GoldenStream(seed: 99)
        var values: [Int64] = []
        for _ in 0..<200_000 {
            let u = (Double(rng.next()) + 0.5) / 2_147_483_648.0
            values.append(Int64(-log(u) * 400) + 20)
        }
        for v in values { h.record(v) }
        values.sort()
        XCTAssertEqual(h.totalCount, 200_000)
        XCTAssertEqual(h.min, h.lowestEquivalentValue(values[0]))
        XCTAssertEqual(h.max, h.highestEquivalentValue(values.last!))
        let trueMean = Double(values.reduce(0, +)) / Double(values.count)
        XCTAssertEqual(h.mean, trueMean, accuracy: trueMean / 1000 + 4)
        for p in [1.0, 10, 50, 90, 99, 99.9, 99.99, 100] {
            assertWithinPrecision(h, values, p)
        }
    }

    func testValuesAboveHighestClampAndNegativeValuesCountAsZero() {
        let h = benchmarkHistogram()
        h.record(5_000_000)
        h.record(Int64.max)
        XCTAssertEqual(h.totalCount, 2)
        XCTAssertEqual(h.max, 3_000_319)
        XCTAssertEqual(h.min, 2_998_272)
        XCTAssertEqual(h.count(at: 3_000_000), 2)
        XCTAssertEqual(h.value(atPercentile: 50), 3_000_319)
        h.record(-5)
        XCTAssertEqual(h.totalCount, 3)
        XCTAssertEqual(h.min, 0)
        XCTAssertEqual(h.count(at: 0), 1)
    }

    func testValuesBelowTheFirstUnitReportMinZero() {
        let h = benchmarkHistogram()
        h.record(5)
        h.record(50)
        // 5 shares slot 0 with 0 (unit magnitude 3), and hdr_min reports slot 0 as 0.
        XCTAssertEqual(h.min, 0)
        XCTAssertEqual(h.max, 55)
        XCTAssertEqual(h.value(atPercentile: 50), 7)
    }

    func testRecordWithCountEqualsRepeatedRecording() {
        let a = benchmarkHistogram(), b = benchmarkHistogram()
        for (v, n) in [(Int64(120), Int64(7)), (450, 3), (12_000, 2), (0, 4), (4_000_000, 1)] {
            a.record(v, count: n)
            for _ in 0..<n { b.record(v) }
        }
        assertSameObservations(a, b)
    }

    func testEmptyHistogramReportsZerosAndTheSingleRedisBenchmarkLine() {
        let h = benchmarkHistogram()
        XCTAssertEqual(h.totalCount, 0)
        XCTAssertEqual(h.min, 0)
        XCTAssertEqual(h.max, 0)
        XCTAssertEqual(h.mean, 0)
        let listing = h.percentileDistribution()
        XCTAssertEqual(listing.count, 1)
        XCTAssertEqual(listing.first?.percentile, 100)
        XCTAssertEqual(listing.first?.value, 0)
        XCTAssertEqual(listing.first?.cumulativeCount, 0)
        XCTAssertTrue(h.cumulativeDistribution().isEmpty)
    }

    // MARK: - Merge and reset

    func testMergeEqualsRecordingIntoOneHistogram() {
        let a = benchmarkHistogram(), b = benchmarkHistogram(), merged = benchmarkHistogram(), single = benchmarkHistogram()
        var rng = GoldenStream(seed: 5)
        for i in 0..<50_000 {
            let v = GoldenStream.sample(kind: i % 3 == 0 ? 1 : 0, index: Int64(i), &rng)
            (i % 2 == 0 ? a : b).record(v)
            single.record(v)
        }
        merged.add(a)
        merged.add(b)
        assertSameObservations(merged, single)
        // Merging into a non-empty histogram keeps its own min.
        let c = benchmarkHistogram()
        c.record(3)
        c.add(single)
        XCTAssertEqual(c.min, 0)
        XCTAssertEqual(c.totalCount, single.totalCount + 1)
    }

    func testResetEmptiesAndAllowsReuse() {
        let h = benchmarkHistogram(), fresh = benchmarkHistogram()
        var rng = GoldenStream(seed: 1)
        for i in 0..<10_000 { h.record(GoldenStream.sample(kind: 0, index: Int64(i), &rng)) }
        h.reset()
        XCTAssertEqual(h.totalCount, 0)
        XCTAssertEqual(h.min, 0)
        XCTAssertEqual(h.max, 0)
        XCTAssertEqual(h.mean, 0)
        XCTAssertEqual(h.count(at: 263), 0)
        assertSameObservations(h, fresh)
        for v: Int64 in [100, 200, 300, 40_000] { h.record(v); fresh.record(v) }
        assertSameObservations(h, fresh)
    }

    // MARK: - Formatting

    func testReportLineUsesRedisBenchmarkFormatAndSinglePrecisionMilliseconds() {
        XCTAssertEqual(LatencyHistogram.reportLine((percentile: 50, value: 263, cumulativeCount: 100_585)),
                       "50.000% <= 0.263 milliseconds (cumulative count 100585)")
        XCTAssertEqual(LatencyHistogram.reportLine((percentile: 99.951171875, value: 2_260_991, cumulativeCount: 7)),
                       "99.951% <= 2260.991 milliseconds (cumulative count 7)")
        XCTAssertEqual(LatencyHistogram.milliseconds(103), Double(Float(0.103)))
        XCTAssertEqual(LatencyHistogram.averageMilliseconds(263.5), Double(Float(0.2635)))
    }

    // MARK: - Golden comparison with HdrHistogram_c (Redis 7.0.15)

    func testMatchesRedisHdrHistogramGoldenData() {
        XCTAssertEqual(goldenCases.count, 12)
        for g in goldenCases {
            let h = LatencyHistogram(lowest: g.lowest, highest: g.highest, significantFigures: g.figures)
            var rng = GoldenStream(seed: g.seed)
            for i in 0..<g.count {
                let v = GoldenStream.sample(kind: g.kind, index: i, &rng)
                h.record(v)   // clamps to highest, as the driver (and redis-benchmark) does before recording
            }
            XCTAssertEqual(h.countsLength, g.countsLength, "\(g.name): bucket layout")
            XCTAssertEqual(h.totalCount, g.totalCount, g.name)
            if g.totalCount == 0 {
                // Documented deviations on an empty histogram: C gives INT64_MAX and NaN.
                XCTAssertEqual(g.min, Int64.max, g.name)
                XCTAssertTrue(Double(bitPattern: g.meanBits).isNaN, g.name)
                XCTAssertEqual(h.min, 0, g.name)
                XCTAssertEqual(h.mean, 0, g.name)
            } else {
                XCTAssertEqual(h.min, g.min, g.name)
                XCTAssertEqual(h.mean.bitPattern, g.meanBits, "\(g.name): mean \(h.mean) vs \(Double(bitPattern: g.meanBits))")
            }
            XCTAssertEqual(h.max, g.max, g.name)
            for (p, expected) in g.atPercentile {
                XCTAssertEqual(h.value(atPercentile: p), expected, "\(g.name) p\(p)")
            }
            let percentileLines = h.percentileDistribution()
            let cumulativeLines = h.cumulativeDistribution()
            assertSamePoints(percentileLines, g.percentileLines.map { (percentile: $0.0, value: $0.1, cumulativeCount: $0.2) },
                             "\(g.name) percentile listing")
            assertSamePoints(cumulativeLines, g.cumulativeLines.map { (percentile: $0.0, value: $0.1, cumulativeCount: $0.2) },
                             "\(g.name) cumulative listing")
            if let text = g.text {
                let ours = (percentileLines.map(LatencyHistogram.reportLine) + ["--"]
                            + cumulativeLines.map(LatencyHistogram.reportLine)).joined(separator: "\n")
                XCTAssertEqual(ours, text, g.name)
            }
        }
    }
}

// MARK: - Golden streams (identical to the C driver's generator)

/// 64-bit LCG (Knuth's MMIX constants), top 31 bits per draw; the C driver uses the same recurrence.
private struct GoldenStream {
    var state: UInt64
    init(seed: UInt64) { state = seed }

    mutating func next() -> Int64 {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return Int64(state >> 33)
    }

    /// The value distributions of the golden cases, in µs.
    static func sample(kind: Int, index: Int64, _ rng: inout GoldenStream) -> Int64 {
        switch kind {
        case 0: // typical: body 60...459, 1% tail to ~30 ms, 0.1% anywhere up to 5 s (clamped at 3 s)
            let r = rng.next()
            if r % 100 == 0 { return 500 + rng.next() % 30_000 }
            if r % 1000 == 7 { return rng.next() % 5_000_000 }
            return 60 + r % 400
        case 1: // long tail: 0...999 scaled by 2^0...2^6
            let a = rng.next() % 1000
            let b = rng.next() % 7
            return a << b
        case 2: return rng.next() % 25           // below and around the first unit (slot 0)
        case 3: return 1234                      // constant
        case 5: return 1 + index                 // uniform 1...N
        case 6: return rng.next() % 4_000_000    // wide, partly above highest
        default: return 0                        // kind 4: empty (count 0)
        }
    }
}

private struct GoldenCase {
    let name: String
    let kind: Int
    let count: Int64
    let seed: UInt64
    let lowest: Int64
    let highest: Int64
    let figures: Int
    let totalCount: Int64
    let min: Int64
    let max: Int64
    let countsLength: Int
    let meanBits: UInt64
    let atPercentile: [(Double, Int64)]
    let percentileLines: [(Double, Int64, Int64)]
    let cumulativeLines: [(Double, Int64, Int64)]
    let text: String?
}

// Generated from Redis 7.0.15 deps/hdr_histogram/hdr_histogram.c (see the file header); do not edit by hand.
private let goldenCases: [GoldenCase] = [
    GoldenCase(name: "typical-p3", kind: 0, count: 200000, seed: 42, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 200000, min: 56, max: 3000319,
        countsLength: 10240, meanBits: 0x40a2147691a75cd1,
        atPercentile: [(0, 56), (0.10000000000000001, 63), (1, 71), (10, 103), (25, 167), (50, 263), (75, 367), (90, 423), (95, 447), (99, 2711), (99.900000000000006, 30127), (99.989999999999995, 3000319), (99.998999999999995, 3000319), (100, 3000319), (150, 3000319)],
        percentileLines: [
            (0, 63, 1468),
            (50, 263, 100585),
            (75, 367, 151988),
            (87.5, 415, 175922),
            (93.75, 439, 187943),
            (96.875, 455, 195879),
            (98.4375, 463, 197857),
            (99.21875, 9231, 198438),
            (99.609375, 21695, 199219),
            (99.8046875, 27327, 199611),
            (99.90234375, 30223, 199805),
            (99.951171875, 2260991, 199903),
            (99.9755859375, 3000319, 200000),
            (100, 3000319, 200000),
        ],
        cumulativeLines: [
            (10.704499999999999, 103, 21409),
            (36.576000000000001, 207, 73152),
            (60.277000000000001, 303, 120554),
            (86.007500000000007, 407, 172015),
            (98.9285, 503, 197857),
            (98.932000000000002, 607, 197864),
            (98.9345, 703, 197869),
            (98.93950000000001, 807, 197879),
            (98.945499999999996, 903, 197891),
            (98.950999999999993, 1007, 197902),
            (98.952500000000001, 1103, 197905),
            (98.956999999999994, 1207, 197914),
            (98.960000000000008, 1303, 197920),
            (98.963999999999999, 1407, 197928),
            (98.966499999999996, 1503, 197933),
            (98.970500000000001, 1607, 197941),
            (98.975000000000009, 1703, 197950),
            (98.975999999999999, 1807, 197952),
            (98.977999999999994, 1903, 197956),
            (98.979500000000002, 2007, 197959),
            (98.980500000000006, 2103, 197961),
            (99.015000000000001, 3103, 198030),
            (99.054000000000002, 4103, 198108),
            (99.090500000000006, 5103, 198181),
            (99.119, 6103, 198238),
            (99.142499999999998, 7103, 198285),
            (99.177000000000007, 8103, 198354),
            (99.212500000000006, 9103, 198425),
            (99.247, 10103, 198494),
            (99.275999999999996, 11103, 198552),
            (99.301500000000004, 12103, 198603),
            (99.335999999999999, 13103, 198672),
            (99.362499999999997, 14103, 198725),
            (99.390000000000001, 15103, 198780),
            (99.428000000000011, 16103, 198856),
            (99.459000000000003, 17103, 198918),
            (99.499000000000009, 18111, 198998),
            (99.523499999999999, 19103, 199047),
            (99.554000000000002, 20111, 199108),
            (99.588499999999996, 21103, 199177),
            (99.618499999999997, 22111, 199237),
            (99.655000000000001, 23103, 199310),
            (99.6905, 24111, 199381),
            (99.728999999999999, 25103, 199458),
            (99.760999999999996, 26111, 199522),
            (99.798500000000004, 27103, 199597),
            (99.831999999999994, 28111, 199664),
            (99.867499999999993, 29103, 199735),
            (99.899500000000003, 30111, 199799),
            (99.909000000000006, 31103, 199818),
            (99.909499999999994, 100159, 199819),
            (99.909999999999997, 106111, 199820),
            (99.910499999999999, 130111, 199821),
            (99.911000000000001, 196223, 199822),
            (99.911500000000004, 197119, 199823),
            (99.912000000000006, 231167, 199824),
            (99.912500000000009, 246143, 199825),
            (99.912999999999997, 283135, 199826),
            (99.913499999999999, 300287, 199827),
            (99.914000000000001, 343295, 199828),
            (99.91449999999999, 347135, 199829),
            (99.914999999999992, 379135, 199830),
            (99.915500000000009, 382207, 199831),
            (99.916000000000011, 429311, 199832),
            (99.916499999999999, 444159, 199833),
            (99.917000000000002, 448255, 199834),
            (99.917500000000004, 484351, 199835),
            (99.917999999999992, 551423, 199836),
            (99.918499999999995, 586239, 199837),
            (99.918999999999997, 591359, 199838),
            (99.919499999999999, 661503, 199839),
            (99.920000000000002, 667135, 199840),
            (99.920500000000004, 701439, 199841),
            (99.921000000000006, 729599, 199842),
            (99.921499999999995, 755199, 199843),
            (99.922499999999999, 772607, 199845),
            (99.923000000000002, 802303, 199846),
            (99.923500000000004, 811519, 199847),
            (99.924000000000007, 863231, 199848),
            (99.924500000000009, 921599, 199849),
            (99.924999999999997, 923135, 199850),
            (99.9255, 960511, 199851),
            (99.926000000000002, 989183, 199852),
            (99.926999999999992, 996351, 199854),
            (99.927500000000009, 1011199, 199855),
            (99.927999999999997, 1037311, 199856),
            (99.9285, 1038335, 199857),
            (99.929000000000002, 1063935, 199858),
            (99.929500000000004, 1102847, 199859),
            (99.929999999999993, 1128447, 199860),
            (99.930499999999995, 1130495, 199861),
            (99.930999999999997, 1148927, 199862),
            (99.9315, 1275903, 199863),
            (99.932000000000002, 1278975, 199864),
            (99.932500000000005, 1290239, 199865),
            (99.933000000000007, 1293311, 199866),
            (99.933499999999995, 1314815, 199867),
            (99.933999999999997, 1317887, 199868),
            (99.9345, 1332223, 199869),
            (99.935000000000002, 1364991, 199870),
            (99.935500000000005, 1428479, 199871),
            (99.936000000000007, 1430527, 199872),
            (99.936499999999995, 1498111, 199873),
            (99.936999999999998, 1504255, 199874),
            (99.9375, 1575935, 199875),
            (99.938000000000002, 1583103, 199876),
            (99.938499999999991, 1594367, 199877),
            (99.938999999999993, 1618943, 199878),
            (99.93950000000001, 1655807, 199879),
            (99.939999999999998, 1690623, 199880),
            (99.9405, 1746943, 199881),
            (99.941000000000003, 1754111, 199882),
            (99.941500000000005, 1757183, 199883),
            (99.941999999999993, 1761279, 199884),
            (99.942499999999995, 1773567, 199885),
            (99.942999999999998, 1799167, 199886),
            (99.9435, 1827839, 199887),
            (99.944000000000003, 1841151, 199888),
            (99.944500000000005, 1880063, 199889),
            (99.944999999999993, 1892351, 199890),
            (99.945499999999996, 1979391, 199891),
            (99.945999999999998, 1992703, 199892),
            (99.9465, 2003967, 199893),
            (99.947000000000003, 2023423, 199894),
            (99.947500000000005, 2111487, 199895),
            (99.948000000000008, 2121727, 199896),
            (99.948499999999996, 2123775, 199897),
            (99.9495, 2142207, 199899),
            (99.950000000000003, 2181119, 199900),
            (99.950499999999991, 2197503, 199901),
            (99.951000000000008, 2199551, 199902),
            (99.95150000000001, 2260991, 199903),
            (99.951999999999998, 2273279, 199904),
            (99.952500000000001, 2279423, 199905),
            (99.953000000000003, 2283519, 199906),
            (99.953499999999991, 2287615, 199907),
            (99.953999999999994, 2289663, 199908),
            (99.954499999999996, 2371583, 199909),
            (99.954999999999998, 2381823, 199910),
            (99.955500000000001, 2420735, 199911),
            (99.956000000000003, 2451455, 199912),
            (99.956500000000005, 2496511, 199913),
            (99.956999999999994, 2523135, 199914),
            (99.957499999999996, 2539519, 199915),
            (99.957999999999998, 2584575, 199916),
            (99.958500000000001, 2619391, 199917),
            (99.959500000000006, 2633727, 199919),
            (99.960000000000008, 2639871, 199920),
            (99.960499999999996, 2711551, 199921),
            (99.960999999999999, 2750463, 199922),
            (99.961500000000001, 2760703, 199923),
            (99.961999999999989, 2815999, 199924),
            (99.962500000000006, 2830335, 199925),
            (99.963000000000008, 2930687, 199926),
            (99.96350000000001, 2992127, 199927),
            (100, 3000319, 200000),
            (100, 3000319, 200000),
        ],
        text: """
0.000% <= 0.063 milliseconds (cumulative count 1468)
50.000% <= 0.263 milliseconds (cumulative count 100585)
75.000% <= 0.367 milliseconds (cumulative count 151988)
87.500% <= 0.415 milliseconds (cumulative count 175922)
93.750% <= 0.439 milliseconds (cumulative count 187943)
96.875% <= 0.455 milliseconds (cumulative count 195879)
98.438% <= 0.463 milliseconds (cumulative count 197857)
99.219% <= 9.231 milliseconds (cumulative count 198438)
99.609% <= 21.695 milliseconds (cumulative count 199219)
99.805% <= 27.327 milliseconds (cumulative count 199611)
99.902% <= 30.223 milliseconds (cumulative count 199805)
99.951% <= 2260.991 milliseconds (cumulative count 199903)
99.976% <= 3000.319 milliseconds (cumulative count 200000)
100.000% <= 3000.319 milliseconds (cumulative count 200000)
--
10.704% <= 0.103 milliseconds (cumulative count 21409)
36.576% <= 0.207 milliseconds (cumulative count 73152)
60.277% <= 0.303 milliseconds (cumulative count 120554)
86.008% <= 0.407 milliseconds (cumulative count 172015)
98.928% <= 0.503 milliseconds (cumulative count 197857)
98.932% <= 0.607 milliseconds (cumulative count 197864)
98.934% <= 0.703 milliseconds (cumulative count 197869)
98.940% <= 0.807 milliseconds (cumulative count 197879)
98.945% <= 0.903 milliseconds (cumulative count 197891)
98.951% <= 1.007 milliseconds (cumulative count 197902)
98.953% <= 1.103 milliseconds (cumulative count 197905)
98.957% <= 1.207 milliseconds (cumulative count 197914)
98.960% <= 1.303 milliseconds (cumulative count 197920)
98.964% <= 1.407 milliseconds (cumulative count 197928)
98.966% <= 1.503 milliseconds (cumulative count 197933)
98.971% <= 1.607 milliseconds (cumulative count 197941)
98.975% <= 1.703 milliseconds (cumulative count 197950)
98.976% <= 1.807 milliseconds (cumulative count 197952)
98.978% <= 1.903 milliseconds (cumulative count 197956)
98.980% <= 2.007 milliseconds (cumulative count 197959)
98.981% <= 2.103 milliseconds (cumulative count 197961)
99.015% <= 3.103 milliseconds (cumulative count 198030)
99.054% <= 4.103 milliseconds (cumulative count 198108)
99.091% <= 5.103 milliseconds (cumulative count 198181)
99.119% <= 6.103 milliseconds (cumulative count 198238)
99.142% <= 7.103 milliseconds (cumulative count 198285)
99.177% <= 8.103 milliseconds (cumulative count 198354)
99.213% <= 9.103 milliseconds (cumulative count 198425)
99.247% <= 10.103 milliseconds (cumulative count 198494)
99.276% <= 11.103 milliseconds (cumulative count 198552)
99.302% <= 12.103 milliseconds (cumulative count 198603)
99.336% <= 13.103 milliseconds (cumulative count 198672)
99.362% <= 14.103 milliseconds (cumulative count 198725)
99.390% <= 15.103 milliseconds (cumulative count 198780)
99.428% <= 16.103 milliseconds (cumulative count 198856)
99.459% <= 17.103 milliseconds (cumulative count 198918)
99.499% <= 18.111 milliseconds (cumulative count 198998)
99.523% <= 19.103 milliseconds (cumulative count 199047)
99.554% <= 20.111 milliseconds (cumulative count 199108)
99.588% <= 21.103 milliseconds (cumulative count 199177)
99.618% <= 22.111 milliseconds (cumulative count 199237)
99.655% <= 23.103 milliseconds (cumulative count 199310)
99.691% <= 24.111 milliseconds (cumulative count 199381)
99.729% <= 25.103 milliseconds (cumulative count 199458)
99.761% <= 26.111 milliseconds (cumulative count 199522)
99.799% <= 27.103 milliseconds (cumulative count 199597)
99.832% <= 28.111 milliseconds (cumulative count 199664)
99.867% <= 29.103 milliseconds (cumulative count 199735)
99.900% <= 30.111 milliseconds (cumulative count 199799)
99.909% <= 31.103 milliseconds (cumulative count 199818)
99.909% <= 100.159 milliseconds (cumulative count 199819)
99.910% <= 106.111 milliseconds (cumulative count 199820)
99.910% <= 130.111 milliseconds (cumulative count 199821)
99.911% <= 196.223 milliseconds (cumulative count 199822)
99.912% <= 197.119 milliseconds (cumulative count 199823)
99.912% <= 231.167 milliseconds (cumulative count 199824)
99.913% <= 246.143 milliseconds (cumulative count 199825)
99.913% <= 283.135 milliseconds (cumulative count 199826)
99.913% <= 300.287 milliseconds (cumulative count 199827)
99.914% <= 343.295 milliseconds (cumulative count 199828)
99.914% <= 347.135 milliseconds (cumulative count 199829)
99.915% <= 379.135 milliseconds (cumulative count 199830)
99.916% <= 382.207 milliseconds (cumulative count 199831)
99.916% <= 429.311 milliseconds (cumulative count 199832)
99.916% <= 444.159 milliseconds (cumulative count 199833)
99.917% <= 448.255 milliseconds (cumulative count 199834)
99.918% <= 484.351 milliseconds (cumulative count 199835)
99.918% <= 551.423 milliseconds (cumulative count 199836)
99.918% <= 586.239 milliseconds (cumulative count 199837)
99.919% <= 591.359 milliseconds (cumulative count 199838)
99.919% <= 661.503 milliseconds (cumulative count 199839)
99.920% <= 667.135 milliseconds (cumulative count 199840)
99.921% <= 701.439 milliseconds (cumulative count 199841)
99.921% <= 729.599 milliseconds (cumulative count 199842)
99.921% <= 755.199 milliseconds (cumulative count 199843)
99.922% <= 772.607 milliseconds (cumulative count 199845)
99.923% <= 802.303 milliseconds (cumulative count 199846)
99.924% <= 811.519 milliseconds (cumulative count 199847)
99.924% <= 863.231 milliseconds (cumulative count 199848)
99.925% <= 921.599 milliseconds (cumulative count 199849)
99.925% <= 923.135 milliseconds (cumulative count 199850)
99.925% <= 960.511 milliseconds (cumulative count 199851)
99.926% <= 989.183 milliseconds (cumulative count 199852)
99.927% <= 996.351 milliseconds (cumulative count 199854)
99.928% <= 1011.199 milliseconds (cumulative count 199855)
99.928% <= 1037.311 milliseconds (cumulative count 199856)
99.928% <= 1038.335 milliseconds (cumulative count 199857)
99.929% <= 1063.935 milliseconds (cumulative count 199858)
99.930% <= 1102.847 milliseconds (cumulative count 199859)
99.930% <= 1128.447 milliseconds (cumulative count 199860)
99.930% <= 1130.495 milliseconds (cumulative count 199861)
99.931% <= 1148.927 milliseconds (cumulative count 199862)
99.931% <= 1275.903 milliseconds (cumulative count 199863)
99.932% <= 1278.975 milliseconds (cumulative count 199864)
99.933% <= 1290.239 milliseconds (cumulative count 199865)
99.933% <= 1293.311 milliseconds (cumulative count 199866)
99.933% <= 1314.815 milliseconds (cumulative count 199867)
99.934% <= 1317.887 milliseconds (cumulative count 199868)
99.934% <= 1332.223 milliseconds (cumulative count 199869)
99.935% <= 1364.991 milliseconds (cumulative count 199870)
99.936% <= 1428.479 milliseconds (cumulative count 199871)
99.936% <= 1430.527 milliseconds (cumulative count 199872)
99.936% <= 1498.111 milliseconds (cumulative count 199873)
99.937% <= 1504.255 milliseconds (cumulative count 199874)
99.938% <= 1575.935 milliseconds (cumulative count 199875)
99.938% <= 1583.103 milliseconds (cumulative count 199876)
99.938% <= 1594.367 milliseconds (cumulative count 199877)
99.939% <= 1618.943 milliseconds (cumulative count 199878)
99.940% <= 1655.807 milliseconds (cumulative count 199879)
99.940% <= 1690.623 milliseconds (cumulative count 199880)
99.941% <= 1746.943 milliseconds (cumulative count 199881)
99.941% <= 1754.111 milliseconds (cumulative count 199882)
99.942% <= 1757.183 milliseconds (cumulative count 199883)
99.942% <= 1761.279 milliseconds (cumulative count 199884)
99.942% <= 1773.567 milliseconds (cumulative count 199885)
99.943% <= 1799.167 milliseconds (cumulative count 199886)
99.944% <= 1827.839 milliseconds (cumulative count 199887)
99.944% <= 1841.151 milliseconds (cumulative count 199888)
99.945% <= 1880.063 milliseconds (cumulative count 199889)
99.945% <= 1892.351 milliseconds (cumulative count 199890)
99.945% <= 1979.391 milliseconds (cumulative count 199891)
99.946% <= 1992.703 milliseconds (cumulative count 199892)
99.947% <= 2003.967 milliseconds (cumulative count 199893)
99.947% <= 2023.423 milliseconds (cumulative count 199894)
99.948% <= 2111.487 milliseconds (cumulative count 199895)
99.948% <= 2121.727 milliseconds (cumulative count 199896)
99.948% <= 2123.775 milliseconds (cumulative count 199897)
99.950% <= 2142.207 milliseconds (cumulative count 199899)
99.950% <= 2181.119 milliseconds (cumulative count 199900)
99.950% <= 2197.503 milliseconds (cumulative count 199901)
99.951% <= 2199.551 milliseconds (cumulative count 199902)
99.952% <= 2260.991 milliseconds (cumulative count 199903)
99.952% <= 2273.279 milliseconds (cumulative count 199904)
99.953% <= 2279.423 milliseconds (cumulative count 199905)
99.953% <= 2283.519 milliseconds (cumulative count 199906)
99.953% <= 2287.615 milliseconds (cumulative count 199907)
99.954% <= 2289.663 milliseconds (cumulative count 199908)
99.954% <= 2371.583 milliseconds (cumulative count 199909)
99.955% <= 2381.823 milliseconds (cumulative count 199910)
99.956% <= 2420.735 milliseconds (cumulative count 199911)
99.956% <= 2451.455 milliseconds (cumulative count 199912)
99.957% <= 2496.511 milliseconds (cumulative count 199913)
99.957% <= 2523.135 milliseconds (cumulative count 199914)
99.957% <= 2539.519 milliseconds (cumulative count 199915)
99.958% <= 2584.575 milliseconds (cumulative count 199916)
99.959% <= 2619.391 milliseconds (cumulative count 199917)
99.960% <= 2633.727 milliseconds (cumulative count 199919)
99.960% <= 2639.871 milliseconds (cumulative count 199920)
99.960% <= 2711.551 milliseconds (cumulative count 199921)
99.961% <= 2750.463 milliseconds (cumulative count 199922)
99.962% <= 2760.703 milliseconds (cumulative count 199923)
99.962% <= 2815.999 milliseconds (cumulative count 199924)
99.963% <= 2830.335 milliseconds (cumulative count 199925)
99.963% <= 2930.687 milliseconds (cumulative count 199926)
99.964% <= 2992.127 milliseconds (cumulative count 199927)
100.000% <= 3000.319 milliseconds (cumulative count 200000)
100.000% <= 3000.319 milliseconds (cumulative count 200000)
"""),
    GoldenCase(name: "typical-p1", kind: 0, count: 50000, seed: 7, lowest: 10, highest: 3000000, figures: 1,
        totalCount: 50000, min: 56, max: 3014655,
        countsLength: 256, meanBits: 0x40a6f35714b9cb68,
        atPercentile: [(0, 56), (0.10000000000000001, 63), (1, 71), (10, 103), (25, 167), (50, 271), (75, 367), (90, 431), (95, 447), (99, 2943), (99.900000000000006, 688127), (99.989999999999995, 3014655), (99.998999999999995, 3014655), (100, 3014655), (150, 3014655)],
        percentileLines: [
            (0, 63, 382),
            (50, 271, 26040),
            (75, 367, 37994),
            (87.5, 415, 43908),
            (93.75, 447, 47992),
            (96.875, 463, 49459),
            (99.21875, 9215, 49610),
            (99.609375, 22527, 49817),
            (99.8046875, 28671, 49917),
            (99.90234375, 753663, 49952),
            (99.951171875, 2883583, 49976),
            (99.9755859375, 3014655, 50000),
            (100, 3014655, 50000),
        ],
        cumulativeLines: [
            (10.970000000000001, 103, 5485),
            (36.213999999999999, 207, 18107),
            (60.077999999999996, 303, 30039),
            (87.816000000000003, 415, 43908),
            (98.917999999999992, 511, 49459),
            (98.920000000000002, 607, 49460),
            (98.921999999999997, 831, 49461),
            (98.924000000000007, 927, 49462),
            (98.928000000000011, 1023, 49464),
            (98.929999999999993, 1151, 49465),
            (98.936000000000007, 1343, 49468),
            (98.941999999999993, 1407, 49471),
            (98.945999999999998, 1535, 49473),
            (98.951999999999998, 1663, 49476),
            (98.953999999999994, 1727, 49477),
            (98.962000000000003, 1855, 49481),
            (98.965999999999994, 1919, 49483),
            (98.97399999999999, 2047, 49487),
            (99.012, 3199, 49506),
            (99.061999999999998, 4351, 49531),
            (99.087999999999994, 5119, 49544),
            (99.117999999999995, 6143, 49559),
            (99.161999999999992, 7167, 49581),
            (99.192000000000007, 8191, 49596),
            (99.219999999999999, 9215, 49610),
            (99.260000000000005, 10239, 49630),
            (99.292000000000002, 11263, 49646),
            (99.331999999999994, 12287, 49666),
            (99.355999999999995, 13311, 49678),
            (99.385999999999996, 14335, 49693),
            (99.424000000000007, 15359, 49712),
            (99.453999999999994, 16383, 49727),
            (99.475999999999999, 17407, 49738),
            (99.507999999999996, 18431, 49754),
            (99.538000000000011, 19455, 49769),
            (99.567999999999998, 20479, 49784),
            (99.595999999999989, 21503, 49798),
            (99.634, 22527, 49817),
            (99.673999999999992, 23551, 49837),
            (99.716000000000008, 24575, 49858),
            (99.756, 25599, 49878),
            (99.783999999999992, 26623, 49892),
            (99.804000000000002, 27647, 49902),
            (99.834000000000003, 28671, 49917),
            (99.866, 29695, 49933),
            (99.884, 30719, 49942),
            (99.885999999999996, 188415, 49943),
            (99.888000000000005, 221183, 49944),
            (99.890000000000001, 253951, 49945),
            (99.891999999999996, 344063, 49946),
            (99.894000000000005, 376831, 49947),
            (99.896000000000001, 425983, 49948),
            (99.902000000000001, 688127, 49951),
            (99.904000000000011, 753663, 49952),
            (99.905999999999992, 851967, 49953),
            (99.908000000000001, 884735, 49954),
            (99.912000000000006, 1376255, 49956),
            (99.914000000000001, 1572863, 49957),
            (99.920000000000002, 1900543, 49960),
            (99.921999999999997, 1966079, 49961),
            (99.924000000000007, 2097151, 49962),
            (99.926000000000002, 2228223, 49963),
            (99.929999999999993, 2359295, 49965),
            (99.933999999999997, 2490367, 49967),
            (99.938000000000002, 2621439, 49969),
            (99.945999999999998, 2752511, 49973),
            (99.951999999999998, 2883583, 49976),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
        ],
        text: nil),
    GoldenCase(name: "typical-p2", kind: 0, count: 50000, seed: 8, lowest: 10, highest: 3000000, figures: 2,
        totalCount: 50000, min: 56, max: 3014655,
        countsLength: 1664, meanBits: 0x40a8141e060fe47a,
        atPercentile: [(0, 56), (0.10000000000000001, 63), (1, 71), (10, 103), (25, 159), (50, 263), (75, 367), (90, 423), (95, 447), (99, 2799), (99.900000000000006, 917503), (99.989999999999995, 3014655), (99.998999999999995, 3014655), (100, 3014655), (150, 3014655)],
        percentileLines: [
            (0, 63, 372),
            (50, 263, 25176),
            (75, 367, 37996),
            (87.5, 415, 44001),
            (93.75, 439, 46955),
            (96.875, 455, 48958),
            (98.4375, 463, 49469),
            (99.21875, 9151, 49610),
            (99.609375, 22015, 49807),
            (99.8046875, 28287, 49903),
            (99.90234375, 1114111, 49952),
            (99.951171875, 2883583, 49977),
            (99.9755859375, 3014655, 50000),
            (100, 3014655, 50000),
        ],
        cumulativeLines: [
            (10.93, 103, 5465),
            (36.486000000000004, 207, 18243),
            (60.397999999999996, 303, 30199),
            (86.072000000000003, 407, 43036),
            (98.938000000000002, 503, 49469),
            (98.941999999999993, 607, 49471),
            (98.944000000000003, 703, 49472),
            (98.950000000000003, 807, 49475),
            (98.951999999999998, 903, 49476),
            (98.953999999999994, 1007, 49477),
            (98.960000000000008, 1207, 49480),
            (98.962000000000003, 1303, 49481),
            (98.963999999999999, 1503, 49482),
            (98.968000000000004, 1703, 49484),
            (98.972000000000008, 1903, 49486),
            (98.980000000000004, 2111, 49490),
            (99.013999999999996, 3103, 49507),
            (99.043999999999997, 4127, 49522),
            (99.084000000000003, 5119, 49542),
            (99.132000000000005, 6111, 49566),
            (99.159999999999997, 7103, 49580),
            (99.189999999999998, 8127, 49595),
            (99.219999999999999, 9151, 49610),
            (99.248000000000005, 10111, 49624),
            (99.275999999999996, 11135, 49638),
            (99.314000000000007, 12159, 49657),
            (99.355999999999995, 13119, 49678),
            (99.385999999999996, 14143, 49693),
            (99.426000000000002, 15103, 49713),
            (99.444000000000003, 16127, 49722),
            (99.468000000000004, 17151, 49734),
            (99.510000000000005, 18175, 49755),
            (99.534000000000006, 19199, 49767),
            (99.550000000000011, 20223, 49775),
            (99.582000000000008, 21119, 49791),
            (99.616, 22143, 49808),
            (99.646000000000001, 23167, 49823),
            (99.689999999999998, 24191, 49845),
            (99.709999999999994, 25215, 49855),
            (99.738, 26111, 49869),
            (99.772000000000006, 27135, 49886),
            (99.804000000000002, 28159, 49902),
            (99.835999999999999, 29183, 49918),
            (99.864000000000004, 30207, 49932),
            (99.876000000000005, 31103, 49938),
            (99.878, 135167, 49939),
            (99.879999999999995, 280575, 49940),
            (99.882000000000005, 301055, 49941),
            (99.884, 471039, 49942),
            (99.885999999999996, 511999, 49943),
            (99.888000000000005, 577535, 49944),
            (99.890000000000001, 593919, 49945),
            (99.891999999999996, 602111, 49946),
            (99.894000000000005, 618495, 49947),
            (99.896000000000001, 823295, 49948),
            (99.897999999999996, 843775, 49949),
            (99.902000000000001, 917503, 49951),
            (99.904000000000011, 1114111, 49952),
            (99.905999999999992, 1351679, 49953),
            (99.908000000000001, 1490943, 49954),
            (99.909999999999997, 1507327, 49955),
            (99.912000000000006, 1572863, 49956),
            (99.914000000000001, 1671167, 49957),
            (99.916000000000011, 1974271, 49958),
            (99.917999999999992, 1990655, 49959),
            (99.921999999999997, 2047999, 49961),
            (99.924000000000007, 2129919, 49962),
            (99.926000000000002, 2179071, 49963),
            (99.927999999999997, 2326527, 49964),
            (99.929999999999993, 2342911, 49965),
            (99.932000000000002, 2424831, 49966),
            (99.936000000000007, 2490367, 49968),
            (99.938000000000002, 2555903, 49969),
            (99.939999999999998, 2572287, 49970),
            (99.944000000000003, 2637823, 49972),
            (99.945999999999998, 2686975, 49973),
            (99.948000000000008, 2768895, 49974),
            (99.950000000000003, 2834431, 49975),
            (99.953999999999994, 2883583, 49977),
            (99.956000000000003, 2949119, 49978),
            (99.957999999999998, 2981887, 49979),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
            (100, 3014655, 50000),
        ],
        text: nil),
    GoldenCase(name: "typical-p4", kind: 0, count: 50000, seed: 9, lowest: 10, highest: 3000000, figures: 4,
        totalCount: 50000, min: 56, max: 3000063,
        countsLength: 98304, meanBits: 0x40a1ed315b573eab,
        atPercentile: [(0, 56), (0.10000000000000001, 63), (1, 71), (10, 103), (25, 167), (50, 263), (75, 367), (90, 431), (95, 447), (99, 5079), (99.900000000000006, 30167), (99.989999999999995, 3000063), (99.998999999999995, 3000063), (100, 3000063), (150, 3000063)],
        percentileLines: [
            (0, 63, 342),
            (50, 263, 25007),
            (75, 367, 37832),
            (87.5, 415, 43890),
            (93.75, 439, 46922),
            (96.875, 455, 48894),
            (98.4375, 463, 49411),
            (99.21875, 11799, 49610),
            (99.609375, 23039, 49805),
            (99.8046875, 27879, 49903),
            (99.90234375, 30271, 49952),
            (99.951171875, 2234239, 49976),
            (99.9755859375, 3000063, 50000),
            (100, 3000063, 50000),
        ],
        cumulativeLines: [
            (10.564, 103, 5282),
            (36.321999999999996, 207, 18161),
            (59.738, 303, 29869),
            (85.822000000000003, 407, 42911),
            (98.822000000000003, 503, 49411),
            (98.828000000000003, 607, 49414),
            (98.829999999999998, 703, 49415),
            (98.834000000000003, 807, 49417),
            (98.839999999999989, 903, 49420),
            (98.841999999999999, 1007, 49421),
            (98.846000000000004, 1103, 49423),
            (98.850000000000009, 1207, 49425),
            (98.858000000000004, 1303, 49429),
            (98.86399999999999, 1407, 49432),
            (98.872, 1503, 49436),
            (98.875999999999991, 1607, 49438),
            (98.879999999999995, 1807, 49440),
            (98.882000000000005, 1903, 49441),
            (98.885999999999996, 2007, 49443),
            (98.915999999999997, 3103, 49458),
            (98.965999999999994, 4103, 49483),
            (99, 5103, 49500),
            (99.025999999999996, 6103, 49513),
            (99.054000000000002, 7103, 49527),
            (99.085999999999999, 8103, 49543),
            (99.109999999999999, 9103, 49555),
            (99.152000000000001, 10103, 49576),
            (99.195999999999998, 11103, 49598),
            (99.22999999999999, 12103, 49615),
            (99.278000000000006, 13103, 49639),
            (99.304000000000002, 14103, 49652),
            (99.334000000000003, 15103, 49667),
            (99.385999999999996, 16103, 49693),
            (99.412000000000006, 17103, 49706),
            (99.438000000000002, 18103, 49719),
            (99.468000000000004, 19103, 49734),
            (99.504000000000005, 20103, 49752),
            (99.539999999999992, 21103, 49770),
            (99.579999999999998, 22103, 49790),
            (99.609999999999999, 23103, 49805),
            (99.640000000000001, 24103, 49820),
            (99.683999999999997, 25103, 49842),
            (99.724000000000004, 26103, 49862),
            (99.77000000000001, 27103, 49885),
            (99.814000000000007, 28103, 49907),
            (99.853999999999999, 29103, 49927),
            (99.894000000000005, 30103, 49947),
            (99.912000000000006, 31103, 49956),
            (99.914000000000001, 122103, 49957),
            (99.916000000000011, 358111, 49958),
            (99.917999999999992, 443103, 49959),
            (99.920000000000002, 513103, 49960),
            (99.921999999999997, 572127, 49961),
            (99.924000000000007, 706111, 49962),
            (99.926000000000002, 914111, 49963),
            (99.927999999999997, 966111, 49964),
            (99.929999999999993, 1153151, 49965),
            (99.932000000000002, 1355135, 49966),
            (99.933999999999997, 1399103, 49967),
            (99.936000000000007, 1446143, 49968),
            (99.938000000000002, 1485119, 49969),
            (99.939999999999998, 1486143, 49970),
            (99.941999999999993, 1496127, 49971),
            (99.944000000000003, 1568127, 49972),
            (99.945999999999998, 1731135, 49973),
            (99.948000000000008, 1816127, 49974),
            (99.950000000000003, 2215167, 49975),
            (99.951999999999998, 2235135, 49976),
            (99.953999999999994, 2296191, 49977),
            (99.956000000000003, 2302207, 49978),
            (99.957999999999998, 2372223, 49979),
            (99.960000000000008, 2601215, 49980),
            (99.961999999999989, 2636159, 49981),
            (100, 3000191, 50000),
        ],
        text: """
0.000% <= 0.063 milliseconds (cumulative count 342)
50.000% <= 0.263 milliseconds (cumulative count 25007)
75.000% <= 0.367 milliseconds (cumulative count 37832)
87.500% <= 0.415 milliseconds (cumulative count 43890)
93.750% <= 0.439 milliseconds (cumulative count 46922)
96.875% <= 0.455 milliseconds (cumulative count 48894)
98.438% <= 0.463 milliseconds (cumulative count 49411)
99.219% <= 11.799 milliseconds (cumulative count 49610)
99.609% <= 23.039 milliseconds (cumulative count 49805)
99.805% <= 27.879 milliseconds (cumulative count 49903)
99.902% <= 30.271 milliseconds (cumulative count 49952)
99.951% <= 2234.239 milliseconds (cumulative count 49976)
99.976% <= 3000.063 milliseconds (cumulative count 50000)
100.000% <= 3000.063 milliseconds (cumulative count 50000)
--
10.564% <= 0.103 milliseconds (cumulative count 5282)
36.322% <= 0.207 milliseconds (cumulative count 18161)
59.738% <= 0.303 milliseconds (cumulative count 29869)
85.822% <= 0.407 milliseconds (cumulative count 42911)
98.822% <= 0.503 milliseconds (cumulative count 49411)
98.828% <= 0.607 milliseconds (cumulative count 49414)
98.830% <= 0.703 milliseconds (cumulative count 49415)
98.834% <= 0.807 milliseconds (cumulative count 49417)
98.840% <= 0.903 milliseconds (cumulative count 49420)
98.842% <= 1.007 milliseconds (cumulative count 49421)
98.846% <= 1.103 milliseconds (cumulative count 49423)
98.850% <= 1.207 milliseconds (cumulative count 49425)
98.858% <= 1.303 milliseconds (cumulative count 49429)
98.864% <= 1.407 milliseconds (cumulative count 49432)
98.872% <= 1.503 milliseconds (cumulative count 49436)
98.876% <= 1.607 milliseconds (cumulative count 49438)
98.880% <= 1.807 milliseconds (cumulative count 49440)
98.882% <= 1.903 milliseconds (cumulative count 49441)
98.886% <= 2.007 milliseconds (cumulative count 49443)
98.916% <= 3.103 milliseconds (cumulative count 49458)
98.966% <= 4.103 milliseconds (cumulative count 49483)
99.000% <= 5.103 milliseconds (cumulative count 49500)
99.026% <= 6.103 milliseconds (cumulative count 49513)
99.054% <= 7.103 milliseconds (cumulative count 49527)
99.086% <= 8.103 milliseconds (cumulative count 49543)
99.110% <= 9.103 milliseconds (cumulative count 49555)
99.152% <= 10.103 milliseconds (cumulative count 49576)
99.196% <= 11.103 milliseconds (cumulative count 49598)
99.230% <= 12.103 milliseconds (cumulative count 49615)
99.278% <= 13.103 milliseconds (cumulative count 49639)
99.304% <= 14.103 milliseconds (cumulative count 49652)
99.334% <= 15.103 milliseconds (cumulative count 49667)
99.386% <= 16.103 milliseconds (cumulative count 49693)
99.412% <= 17.103 milliseconds (cumulative count 49706)
99.438% <= 18.103 milliseconds (cumulative count 49719)
99.468% <= 19.103 milliseconds (cumulative count 49734)
99.504% <= 20.103 milliseconds (cumulative count 49752)
99.540% <= 21.103 milliseconds (cumulative count 49770)
99.580% <= 22.103 milliseconds (cumulative count 49790)
99.610% <= 23.103 milliseconds (cumulative count 49805)
99.640% <= 24.103 milliseconds (cumulative count 49820)
99.684% <= 25.103 milliseconds (cumulative count 49842)
99.724% <= 26.103 milliseconds (cumulative count 49862)
99.770% <= 27.103 milliseconds (cumulative count 49885)
99.814% <= 28.103 milliseconds (cumulative count 49907)
99.854% <= 29.103 milliseconds (cumulative count 49927)
99.894% <= 30.103 milliseconds (cumulative count 49947)
99.912% <= 31.103 milliseconds (cumulative count 49956)
99.914% <= 122.103 milliseconds (cumulative count 49957)
99.916% <= 358.111 milliseconds (cumulative count 49958)
99.918% <= 443.103 milliseconds (cumulative count 49959)
99.920% <= 513.103 milliseconds (cumulative count 49960)
99.922% <= 572.127 milliseconds (cumulative count 49961)
99.924% <= 706.111 milliseconds (cumulative count 49962)
99.926% <= 914.111 milliseconds (cumulative count 49963)
99.928% <= 966.111 milliseconds (cumulative count 49964)
99.930% <= 1153.151 milliseconds (cumulative count 49965)
99.932% <= 1355.135 milliseconds (cumulative count 49966)
99.934% <= 1399.103 milliseconds (cumulative count 49967)
99.936% <= 1446.143 milliseconds (cumulative count 49968)
99.938% <= 1485.119 milliseconds (cumulative count 49969)
99.940% <= 1486.143 milliseconds (cumulative count 49970)
99.942% <= 1496.127 milliseconds (cumulative count 49971)
99.944% <= 1568.127 milliseconds (cumulative count 49972)
99.946% <= 1731.135 milliseconds (cumulative count 49973)
99.948% <= 1816.127 milliseconds (cumulative count 49974)
99.950% <= 2215.167 milliseconds (cumulative count 49975)
99.952% <= 2235.135 milliseconds (cumulative count 49976)
99.954% <= 2296.191 milliseconds (cumulative count 49977)
99.956% <= 2302.207 milliseconds (cumulative count 49978)
99.958% <= 2372.223 milliseconds (cumulative count 49979)
99.960% <= 2601.215 milliseconds (cumulative count 49980)
99.962% <= 2636.159 milliseconds (cumulative count 49981)
100.000% <= 3000.191 milliseconds (cumulative count 50000)
"""),
    GoldenCase(name: "typical-p5", kind: 0, count: 20000, seed: 10, lowest: 10, highest: 3000000, figures: 5,
        totalCount: 20000, min: 56, max: 3000015,
        countsLength: 393216, meanBits: 0x409d9a14af4f0d84,
        atPercentile: [(0, 56), (0.10000000000000001, 63), (1, 71), (10, 103), (25, 167), (50, 263), (75, 367), (90, 423), (95, 447), (99, 943), (99.900000000000006, 29527), (99.989999999999995, 3000015), (99.998999999999995, 3000015), (100, 3000015), (150, 3000015)],
        percentileLines: [
            (0, 63, 142),
            (50, 263, 10103),
            (75, 367, 15204),
            (87.5, 415, 17636),
            (93.75, 439, 18800),
            (96.875, 455, 19588),
            (98.4375, 463, 19796),
            (99.21875, 7711, 19844),
            (99.609375, 19159, 19922),
            (99.8046875, 25871, 19961),
            (99.90234375, 29791, 19981),
            (99.951171875, 1556535, 19991),
            (99.9755859375, 2717967, 19996),
            (99.98779296875, 3000015, 20000),
            (100, 3000015, 20000),
        ],
        cumulativeLines: [
            (10.91, 103, 2182),
            (36.57, 207, 7314),
            (60.490000000000002, 303, 12098),
            (86.194999999999993, 407, 17239),
            (98.980000000000004, 503, 19796),
            (98.984999999999999, 607, 19797),
            (98.995000000000005, 903, 19799),
            (99, 1007, 19800),
            (99.004999999999995, 1103, 19801),
            (99.015000000000001, 1207, 19803),
            (99.019999999999996, 1503, 19804),
            (99.030000000000001, 1703, 19806),
            (99.034999999999997, 1807, 19807),
            (99.039999999999992, 1903, 19808),
            (99.064999999999998, 3103, 19813),
            (99.105000000000004, 4103, 19821),
            (99.125, 5103, 19825),
            (99.14500000000001, 6103, 19829),
            (99.185000000000002, 7103, 19837),
            (99.224999999999994, 8103, 19845),
            (99.239999999999995, 9103, 19848),
            (99.284999999999997, 10103, 19857),
            (99.359999999999999, 11103, 19872),
            (99.405000000000001, 12103, 19881),
            (99.429999999999993, 13103, 19886),
            (99.469999999999999, 14103, 19894),
            (99.495000000000005, 15103, 19899),
            (99.510000000000005, 16103, 19902),
            (99.544999999999987, 17103, 19909),
            (99.579999999999998, 18103, 19916),
            (99.605000000000004, 19103, 19921),
            (99.640000000000001, 20103, 19928),
            (99.689999999999998, 21103, 19938),
            (99.715000000000003, 22103, 19943),
            (99.734999999999999, 23103, 19947),
            (99.75500000000001, 24103, 19951),
            (99.784999999999997, 25103, 19957),
            (99.804999999999993, 26103, 19961),
            (99.829999999999998, 27103, 19966),
            (99.855000000000004, 28103, 19971),
            (99.890000000000001, 29103, 19978),
            (99.914999999999992, 30103, 19983),
            (99.924999999999997, 31103, 19985),
            (99.929999999999993, 822103, 19986),
            (99.935000000000002, 953103, 19987),
            (99.939999999999998, 975103, 19988),
            (99.944999999999993, 1071103, 19989),
            (99.950000000000003, 1159103, 19990),
            (99.954999999999998, 1557103, 19991),
            (99.960000000000008, 1681103, 19992),
            (99.965000000000003, 1928103, 19993),
            (99.969999999999999, 2551103, 19994),
            (99.975000000000009, 2558111, 19995),
            (99.980000000000004, 2718111, 19996),
            (100, 3000111, 20000),
        ],
        text: nil),
    GoldenCase(name: "longtail-p3", kind: 1, count: 100000, seed: 11, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 100000, min: 0, max: 63967,
        countsLength: 10240, meanBits: 0x40c1da80a3d70a3d,
        atPercentile: [(0, 0), (0.10000000000000001, 7), (1, 39), (10, 359), (25, 887), (50, 3095), (75, 11575), (90, 27951), (95, 42143), (99, 59679), (99.900000000000006, 63583), (99.989999999999995, 63967), (99.998999999999995, 63967), (100, 63967), (150, 63967)],
        percentileLines: [
            (0, 7, 261),
            (50, 3095, 50021),
            (75, 11575, 75007),
            (87.5, 24207, 87521),
            (93.75, 36575, 93757),
            (96.875, 50399, 96886),
            (98.4375, 57183, 98442),
            (99.21875, 60575, 99234),
            (99.609375, 62303, 99615),
            (99.8046875, 63135, 99807),
            (99.90234375, 63583, 99912),
            (99.951171875, 63775, 99959),
            (99.9755859375, 63903, 99986),
            (99.98779296875, 63967, 100000),
            (100, 63967, 100000),
        ],
        cumulativeLines: [
            (2.903, 103, 2903),
            (5.8559999999999999, 207, 5856),
            (8.4949999999999992, 303, 8495),
            (11.491, 407, 11491),
            (14.118, 503, 14118),
            (17.082000000000001, 607, 17082),
            (19.779, 703, 19779),
            (22.776, 807, 22776),
            (25.491999999999997, 903, 25492),
            (28.294999999999998, 1007, 28295),
            (29.701000000000001, 1103, 29701),
            (31.155000000000001, 1207, 31155),
            (32.554000000000002, 1303, 32554),
            (33.997, 1407, 33997),
            (35.319000000000003, 1503, 35319),
            (36.785000000000004, 1607, 36785),
            (38.153999999999996, 1703, 38154),
            (39.627000000000002, 1807, 39627),
            (40.979999999999997, 1903, 40980),
            (42.435000000000002, 2007, 42435),
            (43.097999999999999, 2103, 43098),
            (50.061999999999998, 3103, 50062),
            (56.683999999999997, 4103, 56684),
            (59.940000000000005, 5103, 59940),
            (63.209000000000003, 6103, 63209),
            (66.497, 7103, 66497),
            (69.64200000000001, 8103, 69642),
            (71.131999999999991, 9103, 71132),
            (72.677000000000007, 10103, 72677),
            (74.302000000000007, 11103, 74302),
            (75.900000000000006, 12103, 75900),
            (77.400999999999996, 13103, 77401),
            (79.001999999999995, 14103, 79002),
            (80.534999999999997, 15103, 80535),
            (82.030999999999992, 16103, 82031),
            (82.721000000000004, 17103, 82721),
            (83.38600000000001, 18111, 83386),
            (84.092999999999989, 19103, 84093),
            (84.763000000000005, 20111, 84763),
            (85.405000000000001, 21103, 85405),
            (86.088999999999999, 22111, 86089),
            (86.756, 23103, 86756),
            (87.447000000000003, 24111, 87447),
            (88.106999999999999, 25103, 88107),
            (88.751999999999995, 26111, 88752),
            (89.393999999999991, 27103, 89394),
            (90.137, 28111, 90137),
            (90.778999999999996, 29103, 90779),
            (91.459000000000003, 30111, 91459),
            (92.111000000000004, 31103, 92111),
            (92.733000000000004, 32111, 92733),
            (92.948999999999998, 33119, 92949),
            (93.185000000000002, 34111, 93185),
            (93.435999999999993, 35103, 93436),
            (93.666000000000011, 36127, 93666),
            (93.852000000000004, 37119, 93852),
            (94.082999999999998, 38111, 94083),
            (94.311999999999998, 39103, 94312),
            (94.549000000000007, 40127, 94549),
            (94.774999999999991, 41119, 94775),
            (94.996000000000009, 42111, 94996),
            (95.230999999999995, 43103, 95231),
            (95.474000000000004, 44127, 95474),
            (95.671999999999997, 45119, 95672),
            (95.905000000000001, 46111, 95905),
            (96.120000000000005, 47103, 96120),
            (96.347999999999999, 48127, 96348),
            (96.609999999999999, 49119, 96610),
            (96.816999999999993, 50111, 96817),
            (97.058999999999997, 51103, 97059),
            (97.275000000000006, 52127, 97275),
            (97.548000000000002, 53119, 97548),
            (97.768000000000001, 54111, 97768),
            (98.001999999999995, 55103, 98002),
            (98.221000000000004, 56127, 98221),
            (98.430999999999997, 57119, 98431),
            (98.640000000000001, 58111, 98640),
            (98.885000000000005, 59103, 98885),
            (99.141999999999996, 60127, 99142),
            (99.365000000000009, 61119, 99365),
            (99.581000000000003, 62111, 99581),
            (99.787999999999997, 63103, 99788),
            (100, 64127, 100000),
        ],
        text: """
0.000% <= 0.007 milliseconds (cumulative count 261)
50.000% <= 3.095 milliseconds (cumulative count 50021)
75.000% <= 11.575 milliseconds (cumulative count 75007)
87.500% <= 24.207 milliseconds (cumulative count 87521)
93.750% <= 36.575 milliseconds (cumulative count 93757)
96.875% <= 50.399 milliseconds (cumulative count 96886)
98.438% <= 57.183 milliseconds (cumulative count 98442)
99.219% <= 60.575 milliseconds (cumulative count 99234)
99.609% <= 62.303 milliseconds (cumulative count 99615)
99.805% <= 63.135 milliseconds (cumulative count 99807)
99.902% <= 63.583 milliseconds (cumulative count 99912)
99.951% <= 63.775 milliseconds (cumulative count 99959)
99.976% <= 63.903 milliseconds (cumulative count 99986)
99.988% <= 63.967 milliseconds (cumulative count 100000)
100.000% <= 63.967 milliseconds (cumulative count 100000)
--
2.903% <= 0.103 milliseconds (cumulative count 2903)
5.856% <= 0.207 milliseconds (cumulative count 5856)
8.495% <= 0.303 milliseconds (cumulative count 8495)
11.491% <= 0.407 milliseconds (cumulative count 11491)
14.118% <= 0.503 milliseconds (cumulative count 14118)
17.082% <= 0.607 milliseconds (cumulative count 17082)
19.779% <= 0.703 milliseconds (cumulative count 19779)
22.776% <= 0.807 milliseconds (cumulative count 22776)
25.492% <= 0.903 milliseconds (cumulative count 25492)
28.295% <= 1.007 milliseconds (cumulative count 28295)
29.701% <= 1.103 milliseconds (cumulative count 29701)
31.155% <= 1.207 milliseconds (cumulative count 31155)
32.554% <= 1.303 milliseconds (cumulative count 32554)
33.997% <= 1.407 milliseconds (cumulative count 33997)
35.319% <= 1.503 milliseconds (cumulative count 35319)
36.785% <= 1.607 milliseconds (cumulative count 36785)
38.154% <= 1.703 milliseconds (cumulative count 38154)
39.627% <= 1.807 milliseconds (cumulative count 39627)
40.980% <= 1.903 milliseconds (cumulative count 40980)
42.435% <= 2.007 milliseconds (cumulative count 42435)
43.098% <= 2.103 milliseconds (cumulative count 43098)
50.062% <= 3.103 milliseconds (cumulative count 50062)
56.684% <= 4.103 milliseconds (cumulative count 56684)
59.940% <= 5.103 milliseconds (cumulative count 59940)
63.209% <= 6.103 milliseconds (cumulative count 63209)
66.497% <= 7.103 milliseconds (cumulative count 66497)
69.642% <= 8.103 milliseconds (cumulative count 69642)
71.132% <= 9.103 milliseconds (cumulative count 71132)
72.677% <= 10.103 milliseconds (cumulative count 72677)
74.302% <= 11.103 milliseconds (cumulative count 74302)
75.900% <= 12.103 milliseconds (cumulative count 75900)
77.401% <= 13.103 milliseconds (cumulative count 77401)
79.002% <= 14.103 milliseconds (cumulative count 79002)
80.535% <= 15.103 milliseconds (cumulative count 80535)
82.031% <= 16.103 milliseconds (cumulative count 82031)
82.721% <= 17.103 milliseconds (cumulative count 82721)
83.386% <= 18.111 milliseconds (cumulative count 83386)
84.093% <= 19.103 milliseconds (cumulative count 84093)
84.763% <= 20.111 milliseconds (cumulative count 84763)
85.405% <= 21.103 milliseconds (cumulative count 85405)
86.089% <= 22.111 milliseconds (cumulative count 86089)
86.756% <= 23.103 milliseconds (cumulative count 86756)
87.447% <= 24.111 milliseconds (cumulative count 87447)
88.107% <= 25.103 milliseconds (cumulative count 88107)
88.752% <= 26.111 milliseconds (cumulative count 88752)
89.394% <= 27.103 milliseconds (cumulative count 89394)
90.137% <= 28.111 milliseconds (cumulative count 90137)
90.779% <= 29.103 milliseconds (cumulative count 90779)
91.459% <= 30.111 milliseconds (cumulative count 91459)
92.111% <= 31.103 milliseconds (cumulative count 92111)
92.733% <= 32.111 milliseconds (cumulative count 92733)
92.949% <= 33.119 milliseconds (cumulative count 92949)
93.185% <= 34.111 milliseconds (cumulative count 93185)
93.436% <= 35.103 milliseconds (cumulative count 93436)
93.666% <= 36.127 milliseconds (cumulative count 93666)
93.852% <= 37.119 milliseconds (cumulative count 93852)
94.083% <= 38.111 milliseconds (cumulative count 94083)
94.312% <= 39.103 milliseconds (cumulative count 94312)
94.549% <= 40.127 milliseconds (cumulative count 94549)
94.775% <= 41.119 milliseconds (cumulative count 94775)
94.996% <= 42.111 milliseconds (cumulative count 94996)
95.231% <= 43.103 milliseconds (cumulative count 95231)
95.474% <= 44.127 milliseconds (cumulative count 95474)
95.672% <= 45.119 milliseconds (cumulative count 95672)
95.905% <= 46.111 milliseconds (cumulative count 95905)
96.120% <= 47.103 milliseconds (cumulative count 96120)
96.348% <= 48.127 milliseconds (cumulative count 96348)
96.610% <= 49.119 milliseconds (cumulative count 96610)
96.817% <= 50.111 milliseconds (cumulative count 96817)
97.059% <= 51.103 milliseconds (cumulative count 97059)
97.275% <= 52.127 milliseconds (cumulative count 97275)
97.548% <= 53.119 milliseconds (cumulative count 97548)
97.768% <= 54.111 milliseconds (cumulative count 97768)
98.002% <= 55.103 milliseconds (cumulative count 98002)
98.221% <= 56.127 milliseconds (cumulative count 98221)
98.431% <= 57.119 milliseconds (cumulative count 98431)
98.640% <= 58.111 milliseconds (cumulative count 98640)
98.885% <= 59.103 milliseconds (cumulative count 98885)
99.142% <= 60.127 milliseconds (cumulative count 99142)
99.365% <= 61.119 milliseconds (cumulative count 99365)
99.581% <= 62.111 milliseconds (cumulative count 99581)
99.788% <= 63.103 milliseconds (cumulative count 99788)
100.000% <= 64.127 milliseconds (cumulative count 100000)
"""),
    GoldenCase(name: "small-p3", kind: 2, count: 5000, seed: 12, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 5000, min: 0, max: 31,
        countsLength: 10240, meanBits: 0x402922d0e5604189,
        atPercentile: [(0, 0), (0.10000000000000001, 7), (1, 7), (10, 7), (25, 7), (50, 15), (75, 23), (90, 23), (95, 23), (99, 31), (99.900000000000006, 31), (99.989999999999995, 31), (99.998999999999995, 31), (100, 31), (150, 31)],
        percentileLines: [
            (0, 7, 1609),
            (50, 15, 3214),
            (75, 23, 4822),
            (96.875, 31, 5000),
            (100, 31, 5000),
        ],
        cumulativeLines: [
            (100, 103, 5000),
        ],
        text: """
0.000% <= 0.007 milliseconds (cumulative count 1609)
50.000% <= 0.015 milliseconds (cumulative count 3214)
75.000% <= 0.023 milliseconds (cumulative count 4822)
96.875% <= 0.031 milliseconds (cumulative count 5000)
100.000% <= 0.031 milliseconds (cumulative count 5000)
--
100.000% <= 0.103 milliseconds (cumulative count 5000)
"""),
    GoldenCase(name: "constant-p3", kind: 3, count: 1000, seed: 13, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 1000, min: 1232, max: 1239,
        countsLength: 10240, meanBits: 0x4093500000000000,
        atPercentile: [(0, 1232), (0.10000000000000001, 1239), (1, 1239), (10, 1239), (25, 1239), (50, 1239), (75, 1239), (90, 1239), (95, 1239), (99, 1239), (99.900000000000006, 1239), (99.989999999999995, 1239), (99.998999999999995, 1239), (100, 1239), (150, 1239)],
        percentileLines: [
            (0, 1239, 1000),
            (100, 1239, 1000),
        ],
        cumulativeLines: [
            (0, 103, 0),
            (100, 1303, 1000),
        ],
        text: """
0.000% <= 1.239 milliseconds (cumulative count 1000)
100.000% <= 1.239 milliseconds (cumulative count 1000)
--
0.000% <= 0.103 milliseconds (cumulative count 0)
100.000% <= 1.303 milliseconds (cumulative count 1000)
"""),
    GoldenCase(name: "empty-p3", kind: 4, count: 0, seed: 14, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 0, min: 9223372036854775807, max: 0,
        countsLength: 10240, meanBits: 0xfff8000000000000,
        atPercentile: [(0, 0), (0.10000000000000001, 7), (1, 7), (10, 7), (25, 7), (50, 7), (75, 7), (90, 7), (95, 7), (99, 7), (99.900000000000006, 7), (99.989999999999995, 7), (99.998999999999995, 7), (100, 7), (150, 7)],
        percentileLines: [
            (100, 0, 0),
        ],
        cumulativeLines: [
        ],
        text: """
100.000% <= 0.000 milliseconds (cumulative count 0)
--
"""),
    GoldenCase(name: "uniform-p3", kind: 5, count: 100000, seed: 15, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 100000, min: 0, max: 100031,
        countsLength: 10240, meanBits: 0x40e86a20299d883c,
        atPercentile: [(0, 0), (0.10000000000000001, 103), (1, 1007), (10, 10007), (25, 25007), (50, 50015), (75, 75007), (90, 90047), (95, 95039), (99, 99007), (99.900000000000006, 99903), (99.989999999999995, 100031), (99.998999999999995, 100031), (100, 100031), (150, 100031)],
        percentileLines: [
            (0, 7, 7),
            (50, 50015, 50015),
            (75, 75007, 75007),
            (87.5, 87551, 87551),
            (93.75, 93759, 93759),
            (96.875, 96895, 96895),
            (98.4375, 98495, 98495),
            (99.21875, 99263, 99263),
            (99.609375, 99647, 99647),
            (99.8046875, 99839, 99839),
            (99.90234375, 99903, 99903),
            (99.951171875, 99967, 99967),
            (99.9755859375, 100031, 100000),
            (100, 100031, 100000),
        ],
        cumulativeLines: [
            (0.10300000000000001, 103, 103),
            (0.20699999999999999, 207, 207),
            (0.30299999999999999, 303, 303),
            (0.40699999999999997, 407, 407),
            (0.503, 503, 503),
            (0.60699999999999998, 607, 607),
            (0.70299999999999996, 703, 703),
            (0.80700000000000005, 807, 807),
            (0.90300000000000002, 903, 903),
            (1.0070000000000001, 1007, 1007),
            (1.103, 1103, 1103),
            (1.2070000000000001, 1207, 1207),
            (1.3029999999999999, 1303, 1303),
            (1.407, 1407, 1407),
            (1.5029999999999999, 1503, 1503),
            (1.6070000000000002, 1607, 1607),
            (1.7030000000000001, 1703, 1703),
            (1.8069999999999999, 1807, 1807),
            (1.9029999999999998, 1903, 1903),
            (2.0070000000000001, 2007, 2007),
            (2.1030000000000002, 2103, 2103),
            (3.1029999999999998, 3103, 3103),
            (4.1029999999999998, 4103, 4103),
            (5.1029999999999998, 5103, 5103),
            (6.1029999999999998, 6103, 6103),
            (7.1029999999999998, 7103, 7103),
            (8.1029999999999998, 8103, 8103),
            (9.1029999999999998, 9103, 9103),
            (10.103, 10103, 10103),
            (11.103, 11103, 11103),
            (12.103, 12103, 12103),
            (13.103000000000002, 13103, 13103),
            (14.102999999999998, 14103, 14103),
            (15.103, 15103, 15103),
            (16.103000000000002, 16103, 16103),
            (17.102999999999998, 17103, 17103),
            (18.111000000000001, 18111, 18111),
            (19.103000000000002, 19103, 19103),
            (20.111000000000001, 20111, 20111),
            (21.102999999999998, 21103, 21103),
            (22.111000000000001, 22111, 22111),
            (23.103000000000002, 23103, 23103),
            (24.111000000000001, 24111, 24111),
            (25.102999999999998, 25103, 25103),
            (26.111000000000001, 26111, 26111),
            (27.102999999999998, 27103, 27103),
            (28.111000000000004, 28111, 28111),
            (29.103000000000002, 29103, 29103),
            (30.110999999999997, 30111, 30111),
            (31.102999999999998, 31103, 31103),
            (32.111000000000004, 32111, 32111),
            (33.119, 33119, 33119),
            (34.111000000000004, 34111, 34111),
            (35.103000000000002, 35103, 35103),
            (36.126999999999995, 36127, 36127),
            (37.119, 37119, 37119),
            (38.110999999999997, 38111, 38111),
            (39.103000000000002, 39103, 39103),
            (40.127000000000002, 40127, 40127),
            (41.119, 41119, 41119),
            (42.110999999999997, 42111, 42111),
            (43.103000000000002, 43103, 43103),
            (44.127000000000002, 44127, 44127),
            (45.119, 45119, 45119),
            (46.111000000000004, 46111, 46111),
            (47.103000000000002, 47103, 47103),
            (48.126999999999995, 48127, 48127),
            (49.119, 49119, 49119),
            (50.111000000000004, 50111, 50111),
            (51.103000000000002, 51103, 51103),
            (52.127000000000002, 52127, 52127),
            (53.119000000000007, 53119, 53119),
            (54.110999999999997, 54111, 54111),
            (55.103000000000002, 55103, 55103),
            (56.127000000000002, 56127, 56127),
            (57.119, 57119, 57119),
            (58.111000000000004, 58111, 58111),
            (59.103000000000009, 59103, 59103),
            (60.126999999999995, 60127, 60127),
            (61.119, 61119, 61119),
            (62.111000000000004, 62111, 62111),
            (63.102999999999994, 63103, 63103),
            (64.126999999999995, 64127, 64127),
            (65.119, 65119, 65119),
            (66.111000000000004, 66111, 66111),
            (67.135000000000005, 67135, 67135),
            (68.159000000000006, 68159, 68159),
            (69.119, 69119, 69119),
            (70.143000000000001, 70143, 70143),
            (71.103000000000009, 71103, 71103),
            (72.126999999999995, 72127, 72127),
            (73.150999999999996, 73151, 73151),
            (74.111000000000004, 74111, 74111),
            (75.134999999999991, 75135, 75135),
            (76.158999999999992, 76159, 76159),
            (77.119, 77119, 77119),
            (78.143000000000001, 78143, 78143),
            (79.102999999999994, 79103, 79103),
            (80.12700000000001, 80127, 80127),
            (81.150999999999996, 81151, 81151),
            (82.111000000000004, 82111, 82111),
            (83.135000000000005, 83135, 83135),
            (84.158999999999992, 84159, 84159),
            (85.119, 85119, 85119),
            (86.143000000000001, 86143, 86143),
            (87.102999999999994, 87103, 87103),
            (88.126999999999995, 88127, 88127),
            (89.150999999999996, 89151, 89151),
            (90.11099999999999, 90111, 90111),
            (91.135000000000005, 91135, 91135),
            (92.159000000000006, 92159, 92159),
            (93.119, 93119, 93119),
            (94.143000000000001, 94143, 94143),
            (95.103000000000009, 95103, 95103),
            (96.126999999999995, 96127, 96127),
            (97.150999999999996, 97151, 97151),
            (98.111000000000004, 98111, 98111),
            (99.134999999999991, 99135, 99135),
            (100, 100159, 100000),
        ],
        text: nil),
    GoldenCase(name: "wide-p3", kind: 6, count: 300, seed: 16, lowest: 10, highest: 3000000, figures: 3,
        totalCount: 300, min: 2456, max: 3000319,
        countsLength: 10240, meanBits: 0x413cd40162fc9630,
        atPercentile: [(0, 2456), (0.10000000000000001, 2463), (1, 62399), (10, 430079), (25, 1022975), (50, 2023423), (75, 3000319), (90, 3000319), (95, 3000319), (99, 3000319), (99.900000000000006, 3000319), (99.989999999999995, 3000319), (99.998999999999995, 3000319), (100, 3000319), (150, 3000319)],
        percentileLines: [
            (0, 2463, 1),
            (50, 2023423, 150),
            (75, 3000319, 300),
            (100, 3000319, 300),
        ],
        cumulativeLines: [
            (0, 103, 0),
            (0.33333333333333337, 3103, 1),
            (0.66666666666666674, 10103, 2),
            (1, 63103, 3),
            (1.3333333333333335, 74111, 4),
            (1.6666666666666667, 87103, 5),
            (2, 91135, 6),
            (2.3333333333333335, 118143, 7),
            (2.666666666666667, 127103, 8),
            (3, 188159, 9),
            (3.3333333333333335, 190207, 10),
            (3.6666666666666665, 213119, 11),
            (4, 216191, 12),
            (4.3333333333333339, 256127, 13),
            (5, 259199, 15),
            (5.3333333333333339, 283135, 16),
            (5.6666666666666661, 285183, 17),
            (6, 286207, 18),
            (6.3333333333333339, 293119, 19),
            (6.666666666666667, 323327, 20),
            (7.0000000000000009, 328191, 21),
            (7.333333333333333, 337151, 22),
            (7.6666666666666661, 366335, 23),
            (8, 383231, 24),
            (8.3333333333333321, 387327, 25),
            (8.6666666666666679, 397311, 26),
            (9, 408319, 27),
            (9.3333333333333339, 412159, 28),
            (9.6666666666666661, 422143, 29),
            (10, 430335, 30),
            (10.333333333333334, 447231, 31),
            (10.666666666666668, 451327, 32),
            (11, 458239, 33),
            (11.333333333333332, 460287, 34),
            (11.666666666666666, 496127, 35),
            (12, 513279, 36),
            (12.333333333333334, 537599, 37),
            (12.666666666666668, 569343, 38),
            (13, 608255, 39),
            (13.333333333333334, 609279, 40),
            (13.666666666666666, 617471, 41),
            (14.000000000000002, 642559, 42),
            (14.333333333333334, 647167, 43),
            (14.666666666666666, 655359, 44),
            (15, 661503, 45),
            (15.333333333333332, 664575, 46),
            (15.666666666666668, 665599, 47),
            (16, 671231, 48),
            (16.333333333333332, 679423, 49),
            (16.666666666666664, 691199, 50),
            (17, 712191, 51),
            (17.333333333333336, 721407, 52),
            (17.666666666666668, 740351, 53),
            (18, 742399, 54),
            (18.333333333333332, 767487, 55),
            (18.666666666666668, 771583, 56),
            (19, 783359, 57),
            (19.333333333333332, 787455, 58),
            (19.666666666666664, 796159, 59),
            (20, 801279, 60),
            (20.333333333333332, 814591, 61),
            (20.666666666666668, 829439, 62),
            (21, 852479, 63),
            (21.333333333333336, 862207, 64),
            (21.666666666666668, 876543, 65),
            (22, 914431, 66),
            (22.333333333333332, 916479, 67),
            (22.666666666666664, 920575, 68),
            (23, 924159, 69),
            (23.333333333333332, 950271, 70),
            (23.666666666666668, 955391, 71),
            (24, 1008127, 72),
            (24.333333333333336, 1014271, 73),
            (24.666666666666668, 1015295, 74),
            (25, 1023487, 75),
            (25.333333333333336, 1026559, 76),
            (25.666666666666664, 1045503, 77),
            (26, 1059839, 78),
            (26.333333333333332, 1068031, 79),
            (26.666666666666668, 1083391, 80),
            (27, 1111039, 81),
            (27.333333333333332, 1117183, 82),
            (27.666666666666668, 1145855, 83),
            (28.000000000000004, 1164287, 84),
            (28.333333333333332, 1191935, 85),
            (28.666666666666668, 1201151, 86),
            (28.999999999999996, 1213439, 87),
            (29.333333333333332, 1234943, 88),
            (30, 1243135, 90),
            (30.666666666666664, 1266687, 92),
            (31, 1285119, 93),
            (31.333333333333336, 1288191, 94),
            (31.666666666666664, 1296383, 95),
            (32, 1329151, 96),
            (32.333333333333329, 1354751, 97),
            (32.666666666666664, 1355775, 98),
            (33, 1368063, 99),
            (33.333333333333329, 1377279, 100),
            (33.666666666666664, 1379327, 101),
            (34, 1403903, 102),
            (34.333333333333336, 1429503, 103),
            (34.666666666666671, 1441791, 104),
            (35, 1442815, 105),
            (35.333333333333336, 1446911, 106),
            (36, 1454079, 108),
            (36.333333333333336, 1469439, 109),
            (36.666666666666664, 1471487, 110),
            (37, 1488895, 111),
            (37.333333333333336, 1499135, 112),
            (37.666666666666664, 1504255, 113),
            (38, 1509375, 114),
            (38.333333333333336, 1521663, 115),
            (38.666666666666664, 1551359, 116),
            (39, 1553407, 117),
            (39.333333333333329, 1582079, 118),
            (39.666666666666664, 1617919, 119),
            (40, 1632255, 120),
            (40.333333333333329, 1637375, 121),
            (40.666666666666664, 1645567, 122),
            (41, 1646591, 123),
            (41.333333333333336, 1654783, 124),
            (41.666666666666671, 1656831, 125),
            (42, 1671167, 126),
            (42.333333333333336, 1678335, 127),
            (42.666666666666671, 1688575, 128),
            (43, 1720319, 129),
            (43.333333333333336, 1740799, 130),
            (43.666666666666664, 1745919, 131),
            (44, 1752063, 132),
            (44.333333333333336, 1768447, 133),
            (44.666666666666664, 1786879, 134),
            (45, 1810431, 135),
            (45.333333333333329, 1813503, 136),
            (45.666666666666664, 1830911, 137),
            (46, 1873919, 138),
            (46.666666666666664, 1874943, 140),
            (47, 1891327, 141),
            (47.333333333333336, 1903615, 142),
            (47.666666666666671, 1911807, 143),
            (48, 1933311, 144),
            (48.333333333333336, 2000895, 145),
            (48.666666666666671, 2008063, 146),
            (49, 2012159, 147),
            (49.333333333333336, 2013183, 148),
            (49.666666666666664, 2020351, 149),
            (50, 2023423, 150),
            (50.333333333333329, 2033663, 151),
            (50.666666666666671, 2038783, 152),
            (51, 2049023, 153),
            (51.333333333333329, 2068479, 154),
            (51.666666666666671, 2075647, 155),
            (52, 2083839, 156),
            (52.333333333333329, 2123775, 157),
            (52.666666666666664, 2129919, 158),
            (53, 2150399, 159),
            (53.333333333333336, 2152447, 160),
            (53.666666666666664, 2168831, 161),
            (54, 2189311, 162),
            (54.333333333333336, 2203647, 163),
            (54.666666666666664, 2213887, 164),
            (55.000000000000007, 2215935, 165),
            (55.333333333333336, 2234367, 166),
            (55.666666666666664, 2236415, 167),
            (56.000000000000007, 2250751, 168),
            (56.333333333333336, 2258943, 169),
            (56.666666666666664, 2275327, 170),
            (56.999999999999993, 2279423, 171),
            (57.333333333333336, 2285567, 172),
            (57.666666666666664, 2289663, 173),
            (57.999999999999993, 2310143, 174),
            (58.333333333333336, 2332671, 175),
            (58.666666666666664, 2344959, 176),
            (59, 2349055, 177),
            (59.333333333333336, 2357247, 178),
            (59.666666666666671, 2367487, 179),
            (60, 2381823, 180),
            (60.333333333333336, 2385919, 181),
            (60.666666666666671, 2400255, 182),
            (61, 2416639, 183),
            (61.333333333333329, 2422783, 184),
            (61.666666666666671, 2433023, 185),
            (62, 2435071, 186),
            (62.333333333333329, 2447359, 187),
            (63, 2451455, 189),
            (63.666666666666671, 2476031, 191),
            (64, 2492415, 192),
            (64.666666666666657, 2500607, 194),
            (65, 2514943, 195),
            (65.333333333333329, 2519039, 196),
            (65.666666666666657, 2543615, 197),
            (66, 2582527, 198),
            (66.333333333333329, 2596863, 199),
            (66.666666666666657, 2603007, 200),
            (67, 2623487, 201),
            (67.333333333333329, 2641919, 202),
            (68, 2654207, 204),
            (68.333333333333329, 2678783, 205),
            (68.666666666666671, 2711551, 206),
            (69, 2713599, 207),
            (69.333333333333343, 2748415, 208),
            (69.666666666666671, 2770943, 209),
            (70, 2787327, 210),
            (70.333333333333343, 2803711, 211),
            (70.666666666666671, 2809855, 212),
            (71, 2842623, 213),
            (71.333333333333343, 2848767, 214),
            (71.666666666666671, 2856959, 215),
            (72, 2861055, 216),
            (72.333333333333343, 2867199, 217),
            (72.666666666666671, 2877439, 218),
            (73, 2883583, 219),
            (73.333333333333329, 2891775, 220),
            (73.666666666666671, 2906111, 221),
            (74, 2920447, 222),
            (100, 3000319, 300),
            (100, 3000319, 300),
        ],
        text: nil),
    GoldenCase(name: "longtail-unit1-p2", kind: 1, count: 30000, seed: 17, lowest: 1, highest: 1000000, figures: 2,
        totalCount: 30000, min: 0, max: 63999,
        countsLength: 1792, meanBits: 0x40c1c70961e4f766,
        atPercentile: [(0, 0), (0.10000000000000001, 0), (1, 34), (10, 351), (25, 887), (50, 3135), (75, 11583), (90, 27903), (95, 41471), (99, 59647), (99.900000000000006, 63487), (99.989999999999995, 63999), (99.998999999999995, 63999), (100, 63999), (150, 63999)],
        percentileLines: [
            (0, 0, 34),
            (50, 3135, 15002),
            (75, 11583, 22522),
            (87.5, 24063, 26267),
            (93.75, 36095, 28141),
            (96.875, 49919, 29069),
            (98.4375, 57087, 29542),
            (99.21875, 60671, 29774),
            (99.609375, 62207, 29891),
            (99.8046875, 63231, 29956),
            (99.90234375, 63487, 29975),
            (99.951171875, 63743, 29989),
            (99.9755859375, 63999, 30000),
            (100, 63999, 30000),
        ],
        cumulativeLines: [
            (2.8700000000000001, 100, 861),
            (5.6966666666666663, 200, 1709),
            (8.6400000000000006, 301, 2592),
            (11.390000000000001, 401, 3417),
            (14.23, 501, 4269),
            (17.09, 603, 5127),
            (19.783333333333335, 703, 5935),
            (22.593333333333334, 803, 6778),
            (25.496666666666666, 903, 7649),
            (28.313333333333336, 1003, 8494),
            (29.709999999999997, 1103, 8913),
            (31.133333333333336, 1207, 9340),
            (32.566666666666663, 1303, 9770),
            (33.913333333333334, 1407, 10174),
            (35.266666666666666, 1503, 10580),
            (36.726666666666667, 1607, 11018),
            (38.030000000000001, 1703, 11409),
            (39.49666666666667, 1807, 11849),
            (40.776666666666664, 1903, 12233),
            (42.156666666666666, 2007, 12647),
            (42.823333333333338, 2111, 12847),
            (49.780000000000001, 3103, 14934),
            (56.29666666666666, 4127, 16889),
            (59.523333333333326, 5119, 17857),
            (63.00333333333333, 6111, 18901),
            (66.273333333333326, 7103, 19882),
            (69.586666666666659, 8127, 20876),
            (71.196666666666658, 9151, 21359),
            (72.743333333333339, 10111, 21823),
            (74.329999999999998, 11135, 22299),
            (76.033333333333331, 12159, 22810),
            (77.519999999999996, 13119, 23256),
            (79.086666666666673, 14143, 23726),
            (80.536666666666662, 15103, 24161),
            (81.966666666666669, 16127, 24590),
            (82.776666666666671, 17151, 24833),
            (83.516666666666666, 18175, 25055),
            (84.280000000000001, 19199, 25284),
            (85.016666666666666, 20223, 25505),
            (85.596666666666664, 21119, 25679),
            (86.306666666666672, 22143, 25892),
            (86.976666666666674, 23167, 26093),
            (87.623333333333335, 24191, 26287),
            (88.306666666666672, 25215, 26492),
            (88.896666666666675, 26111, 26669),
            (89.596666666666664, 27135, 26879),
            (90.223333333333329, 28159, 27067),
            (90.973333333333329, 29183, 27292),
            (91.643333333333331, 30207, 27493),
            (92.256666666666661, 31103, 27677),
            (92.879999999999995, 32127, 27864),
            (93.140000000000001, 33279, 27942),
            (93.379999999999995, 34303, 28014),
            (93.603333333333339, 35327, 28081),
            (93.86333333333333, 36351, 28159),
            (94.049999999999997, 37119, 28215),
            (94.263333333333335, 38143, 28279),
            (94.496666666666655, 39167, 28349),
            (94.703333333333333, 40191, 28411),
            (94.980000000000004, 41215, 28494),
            (95.203333333333333, 42239, 28561),
            (95.456666666666663, 43263, 28637),
            (95.670000000000002, 44287, 28701),
            (95.903333333333336, 45311, 28771),
            (96.106666666666669, 46335, 28832),
            (96.276666666666671, 47103, 28883),
            (96.489999999999995, 48127, 28947),
            (96.703333333333333, 49151, 29011),
            (96.963333333333338, 50175, 29089),
            (97.200000000000003, 51199, 29160),
            (97.439999999999998, 52223, 29232),
            (97.646666666666675, 53247, 29294),
            (97.876666666666665, 54271, 29363),
            (98.079999999999998, 55295, 29424),
            (98.286666666666662, 56319, 29486),
            (98.533333333333331, 57343, 29560),
            (98.703333333333333, 58111, 29611),
            (98.913333333333327, 59135, 29674),
            (99.136666666666656, 60159, 29741),
            (99.376666666666665, 61183, 29813),
            (99.636666666666656, 62207, 29891),
            (99.853333333333339, 63231, 29956),
            (100, 64255, 30000),
        ],
        text: nil),
]
