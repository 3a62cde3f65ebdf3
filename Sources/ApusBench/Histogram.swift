// LatencyHistogram: a fixed-memory, HDR-style (high dynamic range) latency histogram, written for apus-benchmark.
// It reproduces the observable semantics of HdrHistogram_c as vendored by Redis 7.0.15 (deps/hdr_histogram) for the
// operations redis-benchmark uses: the bucket layout (unit magnitude, sub-bucket halves), lowest/highest/median
// equivalent values, hdr_min/hdr_max/hdr_mean/hdr_value_at_percentile, and the percentile and linear iterators as
// walked by showLatencyReport(). Reproducing the iterators step for step (not just "something similar") is what
// makes our "Latency by percentile distribution" and "Cumulative distribution of latencies" blocks print the same
// lines as redis-benchmark for the same recorded values; HistogramTests checks this against golden output of the C
// library. Deliberate differences from the C library are listed on the class.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Latency values (redis-benchmark records microseconds) counted in logarithmic buckets of linear sub-buckets, so
/// every value is kept to `significantFigures` decimal digits of precision with constant memory.
///
/// Differences from HdrHistogram_c, all intentional:
/// - `record` clamps instead of rejecting: values above `highest` count as `highest` (redis-benchmark clamps the
///   same way before calling hdr_record_value), negative values count as 0 (C would drop them).
/// - `min` of an empty histogram is 0 (C returns INT64_MAX) and `mean` of an empty histogram is 0 (C returns NaN),
///   so report and JSON code never has to print "nan" or a 19-digit sentinel.
/// - No atomic recording: with several benchmark threads, give each thread its own histogram and `add` them.
/// Everything else (including the value 7 that `value(atPercentile:)` yields on an empty histogram with the
/// redis-benchmark layout) matches the C library exactly.
public final class LatencyHistogram {
    // MARK: - Layout (mirrors struct hdr_histogram's derived fields)

    public let lowestDiscernibleValue: Int64
    public let highestTrackableValue: Int64
    public let significantFigures: Int

    private let unitMagnitude: Int
    private let subBucketHalfCountMagnitude: Int
    private let subBucketHalfCount: Int
    private let subBucketCount: Int
    private let subBucketMask: Int64
    /// Number of slots in `counts`; fixed at init.
    let countsLength: Int

    // MARK: - State

    private let counts: UnsafeMutablePointer<Int64>
    public private(set) var totalCount: Int64 = 0
    /// Smallest non-zero raw value recorded (Int64.max when none), as hdr's min_value.
    private var minValue: Int64 = .max
    /// Largest raw value recorded (0 when none), as hdr's max_value.
    private var maxValue: Int64 = 0

    /// Creates an empty histogram tracking `lowest...highest` with `significantFigures` digits of precision.
    /// redis-benchmark uses lowest 10, highest 3_000_000 (µs) and figures = --precision (default 3).
    /// Preconditions (as hdr_init's EINVAL cases): lowest >= 1, 1 <= figures <= 5, 2 * lowest <= highest.
    public init(lowest: Int64 = 1, highest: Int64, significantFigures: Int) {
        precondition(lowest >= 1, "LatencyHistogram: lowest must be >= 1")
        precondition((1...5).contains(significantFigures), "LatencyHistogram: significant figures must be 1...5")
        precondition(lowest <= highest / 2, "LatencyHistogram: highest must be at least twice lowest")

        lowestDiscernibleValue = lowest
        highestTrackableValue = highest
        self.significantFigures = significantFigures

        // The same floating-point formulas as hdr_calculate_bucket_config, so borderline inputs (e.g. a lowest
        // value that is a power of two) land on the same magnitudes as the C library.
        var largestSingleUnitValue: Int64 = 2
        for _ in 0..<significantFigures { largestSingleUnitValue *= 10 }
        let subBucketCountMagnitude = Int(ceil(log(Double(largestSingleUnitValue)) / log(2.0)))
        subBucketHalfCountMagnitude = Swift.max(subBucketCountMagnitude, 1) - 1
        unitMagnitude = Int(log(Double(lowest)) / log(2.0))
        precondition(unitMagnitude + subBucketHalfCountMagnitude <= 61, "LatencyHistogram: lowest too large")
        subBucketCount = 1 << (subBucketHalfCountMagnitude + 1)
        subBucketHalfCount = subBucketCount / 2
        subBucketMask = Int64(subBucketCount - 1) << Int64(unitMagnitude)

        var smallestUntrackable = Int64(subBucketCount) << Int64(unitMagnitude)
        var bucketCount = 1
        while smallestUntrackable <= highest {
            if smallestUntrackable > Int64.max / 2 { bucketCount += 1; break }
            smallestUntrackable <<= 1
            bucketCount += 1
        }
        countsLength = (bucketCount + 1) * subBucketHalfCount

        counts = UnsafeMutablePointer<Int64>.allocate(capacity: countsLength)
        counts.initialize(repeating: 0, count: countsLength)
    }

    deinit {
        counts.deallocate()
    }

    // MARK: - Index math (hdr's get_bucket_index / counts_index / hdr_value_at_index)

    @inline(__always)
    private func bucketIndex(_ value: Int64) -> Int {
        // OR-ing the mask makes every value below the first bucket's top share bucket 0.
        let pow2Ceiling = 64 - (value | subBucketMask).leadingZeroBitCount
        return pow2Ceiling - unitMagnitude - (subBucketHalfCountMagnitude + 1)
    }

    @inline(__always)
    private func subBucketIndex(_ value: Int64, bucket: Int) -> Int {
        Int(truncatingIfNeeded: value &>> Int64(bucket + unitMagnitude))
    }

    @inline(__always)
    private func countsIndex(_ value: Int64) -> Int {
        let bucket = bucketIndex(value)
        let sub = subBucketIndex(value, bucket: bucket)
        // Buckets after the first only use their upper half of sub-buckets (the lower half overlaps the previous
        // bucket), hence the half-count arithmetic.
        return ((bucket + 1) << subBucketHalfCountMagnitude) + (sub - subBucketHalfCount)
    }

    /// Lowest value that lands in slot `index` (hdr_value_at_index; also valid for index == countsLength).
    @inline(__always)
    func valueAtIndex(_ index: Int) -> Int64 {
        var bucket = (index >> subBucketHalfCountMagnitude) - 1
        var sub = (index & (subBucketHalfCount - 1)) + subBucketHalfCount
        if bucket < 0 {
            sub -= subBucketHalfCount
            bucket = 0
        }
        return Int64(sub) << Int64(bucket + unitMagnitude)
    }

    @inline(__always)
    private func sizeOfEquivalentRange(bucket: Int, sub: Int) -> Int64 {
        let adjusted = sub >= subBucketCount ? bucket + 1 : bucket
        return Int64(1) << Int64(unitMagnitude + adjusted)
    }

    /// Smallest value counted together with `value` (hdr_lowest_equivalent_value).
    public func lowestEquivalentValue(_ value: Int64) -> Int64 {
        let bucket = bucketIndex(value)
        let sub = subBucketIndex(value, bucket: bucket)
        return Int64(sub) << Int64(bucket + unitMagnitude)
    }

    /// Largest value counted together with `value`: what redis-benchmark prints for a bucket.
    public func highestEquivalentValue(_ value: Int64) -> Int64 {
        let bucket = bucketIndex(value)
        let sub = subBucketIndex(value, bucket: bucket)
        return (Int64(sub) << Int64(bucket + unitMagnitude)) + sizeOfEquivalentRange(bucket: bucket, sub: sub) - 1
    }

    /// Middle of the equivalence range of `value`; hdr_mean weights each slot by it.
    func medianEquivalentValue(_ value: Int64) -> Int64 {
        let bucket = bucketIndex(value)
        let sub = subBucketIndex(value, bucket: bucket)
        return (Int64(sub) << Int64(bucket + unitMagnitude)) + (sizeOfEquivalentRange(bucket: bucket, sub: sub) >> 1)
    }

    // MARK: - Recording

    /// Counts one occurrence of `value`, clamped to 0...highest. No allocation, no locking.
    @inline(__always)
    public func record(_ value: Int64) {
        record(value, count: 1)
    }

    /// Counts `count` occurrences of `value`, clamped to 0...highest (hdr_record_values after the clamp).
    @inline(__always)
    public func record(_ value: Int64, count: Int64) {
        let v = value > highestTrackableValue ? highestTrackableValue : (value < 0 ? 0 : value)
        let slot = countsIndex(v)
        counts[slot] &+= count
        totalCount &+= count
        // hdr keeps min_value over non-zero values only; a zero is reported through slot 0 instead.
        if v != 0 && v < minValue { minValue = v }
        if v > maxValue { maxValue = v }
    }

    /// Adds every count of `other` into this histogram (hdr_add). Both must have the same layout, which is the
    /// case for all of apus-benchmark's per-thread histograms; the observable min/max/percentiles then equal
    /// those of one histogram that recorded both streams.
    public func add(_ other: LatencyHistogram) {
        precondition(other.lowestDiscernibleValue == lowestDiscernibleValue
                        && other.highestTrackableValue == highestTrackableValue
                        && other.significantFigures == significantFigures,
                     "LatencyHistogram.add: layouts differ")
        for i in 0..<countsLength {
            counts[i] &+= other.counts[i]
        }
        totalCount &+= other.totalCount
        if other.minValue < minValue { minValue = other.minValue }
        if other.maxValue > maxValue { maxValue = other.maxValue }
    }

    /// Empties the histogram, keeping its memory (hdr_reset).
    public func reset() {
        counts.update(repeating: 0, count: countsLength)
        totalCount = 0
        minValue = .max
        maxValue = 0
    }

    // MARK: - Statistics

    /// hdr_min: 0 if anything landed in slot 0 (values below the first unit), else the lowest equivalent of the
    /// smallest recorded value. 0 when empty (C: INT64_MAX).
    public var min: Int64 {
        if counts[0] > 0 || minValue == .max { return 0 }
        return lowestEquivalentValue(minValue)
    }

    /// hdr_max: highest equivalent of the largest recorded value; 0 when empty.
    public var max: Int64 {
        maxValue == 0 ? 0 : highestEquivalentValue(maxValue)
    }

    /// hdr_mean: slots weighted by their median equivalent value, summed in Int64 like C. 0 when empty (C: NaN).
    public var mean: Double {
        if totalCount == 0 { return 0 }
        var total: Int64 = 0
        for i in 0..<countsLength {
            let c = counts[i]
            if c != 0 { total &+= c &* medianEquivalentValue(valueAtIndex(i)) }
        }
        return Double(total) / Double(totalCount)
    }

    /// hdr_value_at_percentile: the highest equivalent value of the first slot whose running count reaches
    /// round(percentile% of total) (at least 1); percentile 0 gives the lowest equivalent value instead.
    /// Percentiles above 100 act as 100.
    public func value(atPercentile percentile: Double) -> Int64 {
        let requested = percentile < 100.0 ? percentile : 100.0
        var target = Self.cTruncate((requested / 100) * Double(totalCount) + 0.5)
        if target < 1 { target = 1 }
        var running: Int64 = 0
        var found: Int64 = 0
        for i in 0..<countsLength {
            running &+= counts[i]
            if running >= target {
                found = valueAtIndex(i)
                break
            }
        }
        return percentile == 0.0 ? lowestEquivalentValue(found) : highestEquivalentValue(found)
    }

    /// Count recorded in the slot that `value` (clamped like `record`) falls into (hdr_count_at_value).
    public func count(at value: Int64) -> Int64 {
        let v = value > highestTrackableValue ? highestTrackableValue : (value < 0 ? 0 : value)
        return counts[countsIndex(v)]
    }

    // MARK: - Report listings (showLatencyReport)

    /// One line of a latency listing: `percentile` in 0...100, `value` in recorded units (µs for the benchmark),
    /// `cumulativeCount` = values recorded at or below this point.
    public typealias DistributionPoint = (percentile: Double, value: Int64, cumulativeCount: Int64)

    /// The iterator position shared by hdr's basic, percentile and linear iterators.
    private struct Cursor {
        var index = -1
        var count: Int64 = 0
        var cumulative: Int64 = 0
        var value: Int64 = 0
        var highestEquivalent: Int64 = 0
    }

    /// hdr's move_next: step to the next slot. Returns false (leaving the position stale but the index advanced)
    /// once past the last slot, exactly like C, because the linear iterator relies on that.
    @inline(__always)
    private func moveNext(_ c: inout Cursor) -> Bool {
        c.index += 1
        if c.index >= countsLength { return false }
        c.count = counts[c.index]
        c.cumulative &+= c.count
        c.value = valueAtIndex(c.index)
        c.highestEquivalent = highestEquivalentValue(c.value)
        return true
    }

    /// hdr's basic_iter_next: only advances while unvisited counts remain.
    @inline(__always)
    private func basicNext(_ c: inout Cursor, total: Int64) -> Bool {
        if !(c.cumulative < total) || c.index >= countsLength { return false }
        _ = moveNext(&c)
        return true
    }

    /// The lines of redis-benchmark's "Latency by percentile distribution" block, already filtered the way
    /// showLatencyReport filters them (a step is printed only when its cumulative count differs from the previous
    /// step's, or equals the total). Walks hdr_iter_percentile_init(h, ticksPerHalfDistance) step for step,
    /// including the closing 100% point; `value` is the step's highest equivalent value. An empty histogram
    /// yields the single point (100, 0, 0), as redis-benchmark prints.
    public func percentileDistribution(ticksPerHalfDistance: Int = 1) -> [DistributionPoint] {
        var out: [DistributionPoint] = []
        let total = totalCount
        var c = Cursor()
        var seenLastValue = false
        var percentileToIterateTo = 0.0
        var percentile = 0.0
        var previousCumulative: Int64 = -1

        stepping: while true {
            // One call of percentile_iter_next; `break stepping` is its `return false`.
            if !(c.cumulative < total) {
                if seenLastValue { break stepping }
                seenLastValue = true
                percentile = 100.0
            } else {
                if c.index == -1 && !basicNext(&c, total: total) { break stepping }
                repeat {
                    let current = (100.0 * Double(c.cumulative)) / Double(total)
                    if c.count != 0 && percentileToIterateTo <= current {
                        percentile = percentileToIterateTo
                        // Halve the remaining distance to 100% every ticksPerHalfDistance steps, with C's
                        // log/pow/truncation so the step sizes are bit-identical.
                        let exponent = Self.cTruncate(log(100 / (100.0 - percentileToIterateTo)) / log(2.0)) &+ 1
                        let halfDistance = Self.cTruncate(pow(2.0, Double(exponent)))
                        let reportingTicks = Int64(ticksPerHalfDistance) &* halfDistance
                        percentileToIterateTo += 100.0 / Double(reportingTicks)
                        break
                    }
                } while basicNext(&c, total: total)
            }
            if previousCumulative != c.cumulative || c.cumulative == total {
                out.append((percentile: percentile, value: c.highestEquivalent, cumulativeCount: c.cumulative))
            }
            previousCumulative = c.cumulative
        }
        return out
    }

    /// The lines of redis-benchmark's "Cumulative distribution of latencies" block, already filtered like
    /// showLatencyReport (see percentileDistribution). Walks hdr_iter_linear_init(h, 100) and switches the step to
    /// 1000 once a step's highest equivalent value exceeds 2000, as redis-benchmark does (the switch takes effect
    /// one step later, because the next reporting level was already advanced). `percentile` is
    /// cumulative / total * 100; `value` is the highest equivalent value of the slot the iterator stopped on,
    /// which is what redis-benchmark prints (hence "0.103 milliseconds" rather than 0.100). Empty histogram: [].
    public func cumulativeDistribution() -> [DistributionPoint] {
        var out: [DistributionPoint] = []
        let total = totalCount
        var c = Cursor()
        var unitsPerBucket: Int64 = 100
        var nextReportingLevel: Int64 = 100
        var nextReportingLowest = lowestEquivalentValue(nextReportingLevel)
        var previousCumulative: Int64 = -1

        while true {
            // One call of iter_linear_next.
            let peekBeyondLevel = c.index < countsLength && valueAtIndex(c.index + 1) > nextReportingLowest
            guard c.cumulative < total || peekBeyondLevel else { break }
            while true {
                if c.value >= nextReportingLowest {
                    nextReportingLevel &+= unitsPerBucket
                    nextReportingLowest = lowestEquivalentValue(nextReportingLevel)
                    break
                }
                if !moveNext(&c) { break }
            }
            // The caller's side of the loop in showLatencyReport.
            if previousCumulative != c.cumulative || c.cumulative == total {
                let percentile = (Double(c.cumulative) / Double(total)) * 100.0
                out.append((percentile: percentile, value: c.highestEquivalent, cumulativeCount: c.cumulative))
            }
            if c.highestEquivalent > 2000 { unitsPerBucket = 1000 }
            previousCumulative = c.cumulative
        }
        return out
    }

    // MARK: - Report formatting helpers

    /// Milliseconds as redis-benchmark computes them from a µs histogram value: `value / 1000.0f`, i.e. in
    /// single precision (int64 -> float, float division). Use it for the listing lines and for min/p50/p95/p99/max
    /// in the summary, -q and --csv lines so the printed digits agree.
    public static func milliseconds(_ microseconds: Int64) -> Double {
        Double(Float(microseconds) / Float(1000))
    }

    /// The summary "avg" as redis-benchmark computes it: `(float)(hdr_mean / 1000.0f)` (double division, then
    /// stored in a float).
    public static func averageMilliseconds(_ mean: Double) -> Double {
        Double(Float(mean / 1000.0))
    }

    /// A listing line exactly as showLatencyReport prints it, without the trailing newline:
    /// "50.000% <= 0.263 milliseconds (cumulative count 100585)".
    public static func reportLine(_ point: DistributionPoint) -> String {
        let ms = milliseconds(point.value)
        var buffer = [CChar](repeating: 0, count: 128)
        let written = withVaList([point.percentile, ms, point.cumulativeCount]) { args in
            buffer.withUnsafeMutableBufferPointer { buf in
                vsnprintf(buf.baseAddress, buf.count, "%3.3f%% <= %.3f milliseconds (cumulative count %lld)", args)
            }
        }
        precondition(written >= 0 && Int(written) < buffer.count)
        return String(decoding: buffer[0..<Int(written)].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: - Helpers

    /// C's double -> int64_t conversion as it behaves on x86-64 (cvttsd2si): truncation toward zero, and the
    /// "integer indefinite" INT64_MIN for NaN or out-of-range input instead of Swift's trap.
    @inline(__always)
    static func cTruncate(_ d: Double) -> Int64 {
        if d.isNaN || d >= 9_223_372_036_854_775_808.0 || d < -9_223_372_036_854_775_808.0 { return .min }
        return Int64(d)
    }
}
