// The geo commands (Redis's geo.c): points are sorted-set members whose score is their
// 52-bit geohash (Support/GeoHash.swift). GEOADD is ZADD with computed scores and is
// propagated as that ZADD, as in 7.0; the searches (GEOSEARCH, GEOSEARCHSTORE, the
// GEORADIUS family) scan the nine geohash cells around the centre as score ranges,
// filter by true distance and reply in 7.0's shapes: distances with four decimals,
// coordinates as human-readable long doubles, hashes as integers.

import CApusSys
import Glibc

enum GeoCommands {
    // MARK: - Argument helpers

    /// A longitude and latitude at argv[i], i+1, within the Mercator limits.
    static func lonLatOrReply(_ c: Client, _ i: Int) -> (Double, Double)? {
        guard let lon = Numbers.parseDouble(c.arg(i)), let lat = Numbers.parseDouble(c.arg(i + 1)) else {
            c.addReplyError(ReplyErrors.notFloat)
            return nil
        }
        if lon < GeoHash.lonMin || lon > GeoHash.lonMax || lat < GeoHash.latMin || lat > GeoHash.latMax {
            c.addReplyError("ERR invalid longitude,latitude pair " + fixed6(lon) + "," + fixed6(lat))
            return nil
        }
        return (lon, lat)
    }

    /// printf's %f.
    static func fixed6(_ v: Double) -> String {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 400) { b in
            let n = apus_format_double(b.baseAddress!, 400, "%f", v)
            return String(decoding: UnsafeRawBufferPointer(start: b.baseAddress!, count: Int(n)), as: UTF8.self)
        }
    }

    /// Metres per unit for M, KM, FT, MI.
    static func unitOrReply(_ c: Client, _ i: Int) -> Double? {
        if c.argEquals(i, "m") { return 1 }
        if c.argEquals(i, "km") { return 1000 }
        if c.argEquals(i, "ft") { return 0.3048 }
        if c.argEquals(i, "mi") { return 1609.34 }
        c.addReplyError("ERR unsupported unit provided. please use M, KM, FT, MI")
        return nil
    }

    static func radiusOrReply(_ c: Client, _ i: Int, into s: inout GeoShape) -> Bool {
        guard let r = Numbers.parseDouble(c.arg(i)) else { c.addReplyError("ERR need numeric radius"); return false }
        if r < 0 { c.addReplyError("ERR radius cannot be negative"); return false }
        guard let unit = unitOrReply(c, i + 1) else { return false }
        s.kind = .radius(r)
        s.conversion = unit
        return true
    }

    static func boxOrReply(_ c: Client, _ i: Int, into s: inout GeoShape) -> Bool {
        guard let w = Numbers.parseDouble(c.arg(i)) else { c.addReplyError("ERR need numeric width"); return false }
        guard let h = Numbers.parseDouble(c.arg(i + 1)) else { c.addReplyError("ERR need numeric height"); return false }
        if h < 0 || w < 0 { c.addReplyError("ERR height or width cannot be negative"); return false }
        guard let unit = unitOrReply(c, i + 2) else { return false }
        s.kind = .box(width: w, height: h)
        s.conversion = unit
        return true
    }

    /// A distance with four decimals, rounded half to even (Redis's fixedpoint_d2string).
    static func addReplyDistance(_ c: Client, _ d: Double) {
        if d == 0 { c.addReplyBulkString("0.0000"); return }
        let scaled = Int64((d * 10000).rounded(.toNearestOrEven))
        let negative = scaled < 0
        var digits = Array(String(scaled.magnitude).utf8)
        while digits.count < 5 { digits.insert(UInt8(ascii: "0"), at: 0) }
        digits.insert(UInt8(ascii: "."), at: digits.count - 4)
        if negative { digits.insert(UInt8(ascii: "-"), at: 0) }
        c.addReplyBulk(digits)
    }

    /// A coordinate as Redis's addReplyHumanLongDouble: a bulk string in RESP2, a
    /// double in RESP3, both printed as the shortest fixed form of the long double.
    static func addReplyCoordinate(_ c: Client, _ v: Double) {
        let text = Numbers.formatLongDouble(v, humanFriendly: true)
        if c.resp == 2 {
            c.addReplyBulk(text)
        } else {
            c.addReplyRaw(",")
            text.withUnsafeBytes { c.addReplyRaw($0) }
            c.addReplyRaw("\r\n")
        }
    }

    static func zsetOrNil(_ c: Client, _ i: Int) -> (ZSetValue?, Bool) {
        guard let e = c.lookupRead(i) else { return (nil, true) }
        guard c.checkType(e, .zset) else { return (nil, false) }
        return (e.object(as: ZSetValue.self), true)
    }

    // MARK: - GEOADD

    static func geoadd(_ c: Client) {
        var flags: ZSetValue.AddFlags = []
        var j = 2
        while j < c.argc {
            if c.argEquals(j, "nx") { flags.insert(.nx) }
            else if c.argEquals(j, "xx") { flags.insert(.xx) }
            else if c.argEquals(j, "ch") { flags.insert(.ch) }
            else { break }
            j += 1
        }
        let first = j
        if (c.argc - first) % 3 != 0 || (flags.contains(.nx) && flags.contains(.xx)) {
            c.addReplySyntaxError()
            return
        }
        let n = (c.argc - first) / 3
        if n == 0 { c.addReplySyntaxError(); return }
        var scores: [Double] = []
        scores.reserveCapacity(n)
        for k in 0..<n {
            guard let (lon, lat) = lonLatOrReply(c, first + 3 * k) else { return }
            scores.append(Double(GeoHash.score(lon: lon, lat: lat) ?? 0))
        }
        // Replicas and the AOF get the ZADD this is.
        c.propagateAs {
            var argv: [[UInt8]] = [Array("zadd".utf8)]
            for i in 1..<first { argv.append(c.argBytes(i)) }
            for k in 0..<n {
                argv.append(Array(String(UInt64(scores[k])).utf8))
                argv.append(c.argBytes(first + 3 * k + 2))
            }
            return argv
        }
        SortedSetCommands.addScored(c, flags: flags, scores: scores, member: { first + 3 * $0 + 2 })
    }

    // MARK: - GEOHASH / GEOPOS / GEODIST

    static func geohash(_ c: Client) {
        let (z, ok) = zsetOrNil(c, 1)
        if !ok { return }
        let alphabet = Array("0123456789bcdefghjkmnpqrstuvwxyz".utf8)
        c.addReplyArrayLen(c.argc - 2)
        for j in 2..<c.argc {
            guard let score = z?.score(of: c.arg(j)), let (lon, lat) = GeoHash.decode(score: score) else {
                c.addReplyNull()
                continue
            }
            // The standard geohash uses latitudes ±90: re-encode over that range.
            let h = GeoHash.encode(lon: lon, lat: lat, step: 26, lonRange: (-180, 180), latRange: (-90, 90))
            let bits = h?.bits ?? 0
            var out = [UInt8](repeating: 0, count: 11)
            for i in 0..<11 {
                let idx = i == 10 ? 0 : Int((bits >> UInt64(52 - (i + 1) * 5)) & 0x1f)
                out[i] = alphabet[idx]
            }
            c.addReplyBulk(out)
        }
    }

    static func geopos(_ c: Client) {
        let (z, ok) = zsetOrNil(c, 1)
        if !ok { return }
        c.addReplyArrayLen(c.argc - 2)
        for j in 2..<c.argc {
            guard let score = z?.score(of: c.arg(j)), let (lon, lat) = GeoHash.decode(score: score) else {
                c.addReplyNullArray()
                continue
            }
            c.addReplyArrayLen(2)
            addReplyCoordinate(c, lon)
            addReplyCoordinate(c, lat)
        }
    }

    static func geodist(_ c: Client) {
        var toMeter = 1.0
        if c.argc == 5 {
            guard let u = unitOrReply(c, 4) else { return }
            toMeter = u
        } else if c.argc > 5 {
            c.addReplySyntaxError()
            return
        }
        guard let e = c.lookupRead(1) else { c.addReplyNull(); return }
        guard c.checkType(e, .zset) else { return }
        let z = e.object(as: ZSetValue.self)
        guard let s1 = z.score(of: c.arg(2)), let s2 = z.score(of: c.arg(3)),
              let a = GeoHash.decode(score: s1), let b = GeoHash.decode(score: s2) else {
            c.addReplyNull()
            return
        }
        addReplyDistance(c, GeoHash.distance(lon1: a.0, lat1: a.1, lon2: b.0, lat2: b.1) / toMeter)
    }

    // MARK: - Searches

    struct Flags: OptionSet {
        let rawValue: Int
        static let coords = Flags(rawValue: 1 << 0)
        static let member = Flags(rawValue: 1 << 1)
        static let noStore = Flags(rawValue: 1 << 2)
        static let search = Flags(rawValue: 1 << 3)
        static let searchStore = Flags(rawValue: 1 << 4)
    }

    struct Point {
        var lon: Double, lat: Double, dist: Double, score: Double
        var member: [UInt8]
    }

    static func georadius(_ c: Client) { search(c, source: 1, [.coords]) }
    static func georadiusRO(_ c: Client) { search(c, source: 1, [.coords, .noStore]) }
    static func georadiusbymember(_ c: Client) { search(c, source: 1, [.member]) }
    static func georadiusbymemberRO(_ c: Client) { search(c, source: 1, [.member, .noStore]) }
    static func geosearch(_ c: Client) { search(c, source: 1, [.search]) }
    static func geosearchstore(_ c: Client) { search(c, source: 2, [.search, .searchStore]) }

    /// Every search command (Redis's georadiusGeneric): options are checked in 7.0's
    /// order, so the same bad command gets the same error.
    static func search(_ c: Client, source: Int, _ flags: Flags) {
        let (zset, ok) = zsetOrNil(c, source)
        if !ok { return }
        var shape = GeoShape()
        var base: Int
        var storeKey: Int? = nil
        var storeDist = false
        if flags.contains(.coords) {
            base = 6
            guard let (lon, lat) = lonLatOrReply(c, 2) else { return }
            shape.lon = lon; shape.lat = lat
            guard radiusOrReply(c, base - 2, into: &shape) else { return }
        } else if flags.contains(.member) {
            base = 5
            if let z = zset {
                guard let score = z.score(of: c.arg(2)), let (lon, lat) = GeoHash.decode(score: score) else {
                    c.addReplyError("ERR could not decode requested zset member")
                    return
                }
                shape.lon = lon; shape.lat = lat
                guard radiusOrReply(c, base - 2, into: &shape) else { return }
            }
        } else {
            base = flags.contains(.searchStore) ? 3 : 2
            if flags.contains(.searchStore) { storeKey = 1 }
        }

        var withDist = false, withHash = false, withCoords = false
        var fromMember = false, fromLonLat = false, byRadius = false, byBox = false
        enum Sort { case none, asc, desc }
        var sort = Sort.none
        var any = false
        var count: Int64 = 0
        let search = flags.contains(.search)
        let storeAllowed = !flags.contains(.noStore) && !search
        var i = base
        while i < c.argc {
            let rem = c.argc - i - 1
            if c.argEquals(i, "withdist") { withDist = true }
            else if c.argEquals(i, "withhash") { withHash = true }
            else if c.argEquals(i, "withcoord") { withCoords = true }
            else if c.argEquals(i, "any") { any = true }
            else if c.argEquals(i, "asc") { sort = .asc }
            else if c.argEquals(i, "desc") { sort = .desc }
            else if c.argEquals(i, "count") && rem >= 1 {
                guard let n = c.argIntOrReply(i + 1) else { return }
                if n <= 0 { c.addReplyError("ERR COUNT must be > 0"); return }
                count = n
                i += 1
            } else if c.argEquals(i, "store") && rem >= 1 && storeAllowed {
                storeKey = i + 1; storeDist = false; i += 1
            } else if c.argEquals(i, "storedist") && rem >= 1 && storeAllowed {
                storeKey = i + 1; storeDist = true; i += 1
            } else if c.argEquals(i, "storedist") && search && flags.contains(.searchStore) {
                storeDist = true
            } else if c.argEquals(i, "frommember") && rem >= 1 && search && !fromLonLat {
                if let z = zset {
                    guard let score = z.score(of: c.arg(i + 1)), let (lon, lat) = GeoHash.decode(score: score) else {
                        c.addReplyError("ERR could not decode requested zset member")
                        return
                    }
                    shape.lon = lon; shape.lat = lat
                }
                fromMember = true
                i += 1
            } else if c.argEquals(i, "fromlonlat") && rem >= 2 && search && !fromMember {
                guard let (lon, lat) = lonLatOrReply(c, i + 1) else { return }
                shape.lon = lon; shape.lat = lat
                fromLonLat = true
                i += 2
            } else if c.argEquals(i, "byradius") && rem >= 2 && search && !byBox {
                guard radiusOrReply(c, i + 1, into: &shape) else { return }
                byRadius = true
                i += 2
            } else if c.argEquals(i, "bybox") && rem >= 3 && search && !byRadius {
                guard boxOrReply(c, i + 1, into: &shape) else { return }
                byBox = true
                i += 3
            } else {
                c.addReplySyntaxError()
                return
            }
            i += 1
        }

        if storeKey != nil && (withDist || withHash || withCoords) {
            c.addReplyError("ERR " + (flags.contains(.searchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS")
                            + " is not compatible with WITHDIST, WITHHASH and WITHCOORD options")
            return
        }
        let name = String(decoding: c.arg(0), as: UTF8.self)
        if search && !(fromMember || fromLonLat) {
            c.addReplyError("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for \(name)")
            return
        }
        if search && !(byRadius || byBox) {
            c.addReplyError("ERR exactly one of BYRADIUS and BYBOX can be specified for \(name)")
            return
        }
        if any && count == 0 {
            c.addReplyError("ERR the ANY argument requires COUNT argument")
            return
        }
        guard let z = zset else {
            if let k = storeKey {
                c.db.delete(c.arg(k), event: .del)
                c.addReplyInteger(0)
            } else {
                c.addReplyArrayLen(0)
            }
            return
        }
        if count != 0 && sort == .none && !any { sort = .asc }

        let limit = any ? Int(count) : 0
        var points = collect(z, &shape, limit: limit)
        if points.isEmpty && storeKey == nil {
            c.addReplyArrayLen(0)
            return
        }
        let returned = count == 0 || points.count < count ? points.count : Int(count)
        // A stable sort: points at the same distance keep their scan order.
        switch sort {
        case .asc: points.sort { $0.dist < $1.dist }
        case .desc: points.sort { $0.dist > $1.dist }
        case .none: break
        }

        guard let k = storeKey else {
            let options = (withDist ? 1 : 0) + (withCoords ? 1 : 0) + (withHash ? 1 : 0)
            c.addReplyArrayLen(returned)
            for p in points.prefix(returned) {
                if options > 0 { c.addReplyArrayLen(options + 1) }
                c.addReplyBulk(p.member)
                if withDist { addReplyDistance(c, p.dist / shape.conversion) }
                if withHash { c.addReplyInteger(Int64(p.score)) }
                if withCoords {
                    c.addReplyArrayLen(2)
                    addReplyCoordinate(c, p.lon)
                    addReplyCoordinate(c, p.lat)
                }
            }
            return
        }
        if returned == 0 {
            c.db.delete(c.arg(k), event: .del)
            c.addReplyInteger(0)
            return
        }
        let lim = SortedSetCommands.limits(c)
        let longest = points.prefix(returned).reduce(0) { max($0, $1.member.count) }
        let out = ZSetValue.forSize(returned, longestMember: longest, limits: lim, meter: c.server.keyspace.meter)
        for p in points.prefix(returned) {
            let score = storeDist ? p.dist / shape.conversion : p.score
            p.member.withUnsafeBytes { _ = out.set($0, score: score, limits: lim) }
        }
        let e = c.db.setObject(c.arg(k), out, now: c.server.mstime,
                               event: search ? .geosearchstore : .georadiusstore)
        if returned > 1 { c.db.signalModified(e, changes: returned - 1, event: .none) }
        c.addReplyInteger(returned)
    }

    /// The members inside the shape, cell by cell in Redis's order; stops once `limit`
    /// (COUNT ANY) points are found.
    static func collect(_ z: ZSetValue, _ shape: inout GeoShape, limit: Int) -> [Point] {
        let cells = GeoHash.searchCells(&shape)
        var points: [Point] = []
        // Index of the last cell scanned; like Redis, 0 (the centre) never counts.
        var last = 0
        for (index, cell) in cells.enumerated() {
            if cell.isZero { continue }
            // Huge radii make neighbouring cells coincide: scan each once.
            if last != 0 && cells[last] == cell { continue }
            if limit > 0 && points.count >= limit { break }
            let min = Double(GeoHash.align52(cell))
            var next = cell
            next.bits += 1
            let max = Double(GeoHash.align52(next))
            let range = ScoreRange(min: min, max: max, minExclusive: false, maxExclusive: true)
            if let start = z.firstRank(in: range, reverse: false) {
                z.forEach(fromRank: start) { member, score in
                    if !range.belowMax(score) { return false }
                    if let (lon, lat) = GeoHash.decode(score: score),
                       let d = GeoHash.distanceIfInside(shape, lon: lon, lat: lat) {
                        points.append(Point(lon: lon, lat: lat, dist: d, score: score, member: Array(member)))
                    }
                    return !(limit > 0 && points.count >= limit)
                }
            }
            last = index
        }
        return points
    }
}
