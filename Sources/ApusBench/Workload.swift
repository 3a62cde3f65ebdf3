// What a test sends: request templates (a RESP-encoded command plus the byte offsets of its
// `__rand_int__` and `{tag}` placeholders, rewritten in place before every send) and the
// default suite with redis-benchmark 7.0.15's titles, commands and key names, in its order.

import ApusCore

/// One command, encoded once; placeholders are patched in the client's output buffer.
public struct RequestTemplate {
    public var bytes: [UInt8]
    /// Offsets of every `__rand_int__` (12 bytes, replaced by 12 decimal digits).
    public var randOffsets: [Int] = []
    /// Offsets of every `{tag}` (5 bytes; the 3 inner bytes become a tag hashing to the slot).
    public var tagOffsets: [Int] = []
    /// Offset and length of the first key argument, when known: cluster mode routes on it.
    public var keyRange: (offset: Int, length: Int)?

    static let randMarker = Array("__rand_int__".utf8)
    static let tagMarker = Array("{tag}".utf8)

    /// Encodes `args`; placeholders are found only when the feature using them is on, as in
    /// redis-benchmark (without -r, `__rand_int__` is sent literally).
    public init(args: [[UInt8]], randomKeys: Bool, clusterTags: Bool, keyIndex: Int? = nil) {
        bytes = RESPCommandEncoder.encode(args)
        if randomKeys { randOffsets = Self.find(Self.randMarker, in: bytes) }
        if clusterTags { tagOffsets = Self.find(Self.tagMarker, in: bytes) }
        if let k = keyIndex, k < args.count {
            keyRange = (RESPCommandEncoder.payloadOffset(of: k, in: args), args[k].count)
        }
    }

    static func find(_ marker: [UInt8], in bytes: [UInt8]) -> [Int] {
        var out: [Int] = []
        var i = 0
        while i + marker.count <= bytes.count {
            if bytes[i] == marker[0] && Array(bytes[i..<(i + marker.count)]) == marker {
                out.append(i)
                i += marker.count
            } else {
                i += 1
            }
        }
        return out
    }
}

/// A named test: one template, or several with weights (the mixed workload).
public struct BenchTest {
    public var title: String
    public var templates: [RequestTemplate]
    public var weights: [Int]
    /// Bytes reported as "payload" (the -d size, or the encoded length of a custom command).
    public var payloadSize: Int

    public init(title: String, templates: [RequestTemplate], weights: [Int]? = nil, payloadSize: Int) {
        self.title = title
        self.templates = templates
        self.weights = weights ?? Array(repeating: 1, count: templates.count)
        self.payloadSize = payloadSize
    }
}

public enum DefaultSuite {
    /// The value redis-benchmark sends: characters '0'...'o' from a fixed LCG whose state
    /// carries over between -l iterations.
    public struct DataGenerator {
        var state: UInt32 = 1234
        public init() {}
        public mutating func next(_ count: Int) -> [UInt8] {
            var out = [UInt8](repeating: 0, count: count)
            for i in 0..<count {
                state = state &* 1103515245 &+ 12345
                out[i] = UInt8(ascii: "0") + UInt8((state >> 16) & 63)
            }
            return out
        }
    }

    /// `-t` selection: a name matches exactly (case-insensitive); no -t selects everything.
    static func selected(_ name: String, _ tests: [String]?) -> Bool {
        guard let t = tests else { return true }
        return t.contains(name)
    }

    /// The tests to run, in redis-benchmark's order, for the given options and value bytes.
    public static func tests(_ o: BenchmarkOptions, data: [UInt8]) -> [BenchTest] {
        let tag = o.cluster ? ":{tag}" : ""
        let t = o.tests
        var out: [BenchTest] = []
        func add(_ title: String, _ words: [String], value: Bool = false, extra: [[UInt8]] = []) {
            var args = words.map { Array($0.utf8) }
            if value { args.append(data) }
            args += extra
            let tpl = RequestTemplate(args: args, randomKeys: o.randomKeys, clusterTags: o.cluster)
            out.append(BenchTest(title: title, templates: [tpl], payloadSize: o.dataSize))
        }
        if let ratio = o.ratio {
            var templates: [RequestTemplate] = []
            for name in ratio.names {
                var args = [Array(name.uppercased().utf8), Array("key\(tag):__rand_int__".utf8)]
                if name == "set" { args.append(data) }
                templates.append(RequestTemplate(args: args, randomKeys: o.randomKeys, clusterTags: o.cluster))
            }
            return [BenchTest(title: ratio.title, templates: templates, weights: ratio.weights, payloadSize: o.dataSize)]
        }
        if selected("ping_inline", t) || selected("ping", t) {
            out.append(BenchTest(title: "PING_INLINE", templates: [RequestTemplate(inline: Array("PING\r\n".utf8))],
                                 payloadSize: o.dataSize))
        }
        if selected("ping_mbulk", t) || selected("ping", t) { add("PING_MBULK", ["PING"]) }
        if selected("set", t) { add("SET", ["SET", "key\(tag):__rand_int__"], value: true) }
        if selected("get", t) { add("GET", ["GET", "key\(tag):__rand_int__"]) }
        if selected("incr", t) { add("INCR", ["INCR", "counter\(tag):__rand_int__"]) }
        if selected("lpush", t) { add("LPUSH", ["LPUSH", "mylist\(tag)"], value: true) }
        if selected("rpush", t) { add("RPUSH", ["RPUSH", "mylist\(tag)"], value: true) }
        if selected("lpop", t) { add("LPOP", ["LPOP", "mylist\(tag)"]) }
        if selected("rpop", t) { add("RPOP", ["RPOP", "mylist\(tag)"]) }
        if selected("sadd", t) { add("SADD", ["SADD", "myset\(tag)", "element:__rand_int__"]) }
        if selected("hset", t) { add("HSET", ["HSET", "myhash\(tag)", "element:__rand_int__"], value: true) }
        if selected("spop", t) { add("SPOP", ["SPOP", "myset\(tag)"]) }
        if selected("zadd", t) {
            add("ZADD", ["ZADD", "myzset\(tag)", o.randomKeys ? "__rand_int__" : "0", "element:__rand_int__"])
        }
        if selected("zpopmin", t) { add("ZPOPMIN", ["ZPOPMIN", "myzset\(tag)"]) }
        let lrange = selected("lrange", t)
        if lrange || selected("lrange_100", t) || selected("lrange_300", t) || selected("lrange_500", t)
            || selected("lrange_600", t) {
            add("LPUSH (needed to benchmark LRANGE)", ["LPUSH", "mylist\(tag)"], value: true)
        }
        for n in [100, 300, 500, 600] where lrange || selected("lrange_\(n)", t) {
            add("LRANGE_\(n) (first \(n) elements)", ["LRANGE", "mylist\(tag)", "0", String(n - 1)])
        }
        if selected("mset", t) {
            var words = ["MSET"]
            var extra: [[UInt8]] = []
            for _ in 0..<10 { extra.append(Array("key\(tag):__rand_int__".utf8)); extra.append(data) }
            words.reserveCapacity(1)
            add("MSET (10 keys)", words, extra: extra)
        }
        return out
    }
}

extension RequestTemplate {
    /// A request sent as written (the inline PING test).
    public init(inline: [UInt8]) { bytes = inline }
}
