// Geohashes as Redis 7.0 computes them (geohash.c, geohash_helper.c): a longitude and
// latitude become a 52-bit integer by interleaving 26 bits of each (latitude in the
// even bits), over latitudes limited to ±85.05112878 (the Web Mercator limits). That
// integer is the member's score in the sorted set, so GEOADD's scores, the decoded
// coordinates and every distance come out exactly as on Redis: the same arithmetic in
// the same order, in doubles.
//
// A search covers the geohash cell around its centre, at a precision chosen from the
// radius, plus its eight neighbours; each cell is one contiguous score range.

import Glibc

struct GeoHashBits: Equatable {
    var bits: UInt64 = 0
    var step: Int = 0
    var isZero: Bool { bits == 0 && step == 0 }
}

struct GeoHashArea {
    var hash = GeoHashBits()
    var lonMin = 0.0, lonMax = 0.0, latMin = 0.0, latMax = 0.0
}

/// A search shape: a circle (radius) or a box (width, height), in the unit given by
/// `conversion` (metres per unit).
struct GeoShape {
    enum Kind { case radius(Double), box(width: Double, height: Double) }
    var kind: Kind = .radius(0)
    var lon = 0.0, lat = 0.0
    var conversion = 1.0
    /// min lon, min lat, max lon, max lat, once computed.
    var bounds = (0.0, 0.0, 0.0, 0.0)
}

enum GeoHash {
    static let stepMax = 26
    static let latMin = -85.05112878, latMax = 85.05112878
    static let lonMin = -180.0, lonMax = 180.0
    static let earthRadius = 6372797.560856
    static let mercatorMax = 20037726.37
    static let degToRad = Double.pi / 180.0

    // MARK: - Bit interleaving

    static func interleave(_ xlo: UInt32, _ ylo: UInt32) -> UInt64 {
        func spread(_ v: UInt32) -> UInt64 {
            var x = UInt64(v)
            x = (x | (x << 16)) & 0x0000FFFF0000FFFF
            x = (x | (x << 8)) & 0x00FF00FF00FF00FF
            x = (x | (x << 4)) & 0x0F0F0F0F0F0F0F0F
            x = (x | (x << 2)) & 0x3333333333333333
            x = (x | (x << 1)) & 0x5555555555555555
            return x
        }
        return spread(xlo) | (spread(ylo) << 1)
    }

    static func deinterleave(_ v: UInt64) -> UInt64 {
        func squash(_ w: UInt64) -> UInt64 {
            var x = w & 0x5555555555555555
            x = (x | (x >> 1)) & 0x3333333333333333
            x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0F
            x = (x | (x >> 4)) & 0x00FF00FF00FF00FF
            x = (x | (x >> 8)) & 0x0000FFFF0000FFFF
            x = (x | (x >> 16)) & 0x00000000FFFFFFFF
            return x
        }
        return squash(v) | (squash(v >> 1) << 32)
    }

    // MARK: - Encoding and decoding

    /// The geohash of a point at `step` bits per coordinate over the given ranges; nil
    /// outside the Mercator limits or the ranges.
    static func encode(lon: Double, lat: Double, step: Int,
                       lonRange: (Double, Double) = (lonMin, lonMax),
                       latRange: (Double, Double) = (latMin, latMax)) -> GeoHashBits? {
        if step > 32 || step == 0 { return nil }
        if lon > lonMax || lon < lonMin || lat > latMax || lat < latMin { return nil }
        if lat < latRange.0 || lat > latRange.1 || lon < lonRange.0 || lon > lonRange.1 { return nil }
        var latOffset = (lat - latRange.0) / (latRange.1 - latRange.0)
        var lonOffset = (lon - lonRange.0) / (lonRange.1 - lonRange.0)
        latOffset *= Double(UInt64(1) << UInt64(step))
        lonOffset *= Double(UInt64(1) << UInt64(step))
        // C converts the doubles to uint32_t by truncation.
        return GeoHashBits(bits: interleave(UInt32(truncatingIfNeeded: UInt64(latOffset)),
                                            UInt32(truncatingIfNeeded: UInt64(lonOffset))), step: step)
    }

    /// The cell a geohash stands for.
    static func decode(_ h: GeoHashBits) -> GeoHashArea? {
        if h.isZero { return nil }
        let sep = deinterleave(h.bits)
        let latScale = latMax - latMin, lonScale = lonMax - lonMin
        let ilat = UInt32(truncatingIfNeeded: sep), ilon = UInt32(truncatingIfNeeded: sep >> 32)
        let div = Double(UInt64(1) << UInt64(h.step))
        var a = GeoHashArea(hash: h)
        a.latMin = latMin + (Double(ilat) * 1.0 / div) * latScale
        a.latMax = latMin + (Double(ilat &+ 1) * 1.0 / div) * latScale
        a.lonMin = lonMin + (Double(ilon) * 1.0 / div) * lonScale
        a.lonMax = lonMin + (Double(ilon &+ 1) * 1.0 / div) * lonScale
        return a
    }

    /// C's `(uint64_t)d` as x86-64 compiles it, for any double: scores that are not
    /// geohashes (ZADD can put anything in the set) still decode as they do on Redis.
    static func cUInt64(_ d: Double) -> UInt64 {
        let indefinite: UInt64 = 1 << 63
        if d.isNaN { return indefinite }
        if d < 9223372036854775808.0 {
            if d <= -9223372036854775809.0 { return indefinite }
            return UInt64(bitPattern: Int64(d))
        }
        let t = d - 9223372036854775808.0
        if t >= 9223372036854775808.0 || t.isNaN { return 0 }
        return UInt64(bitPattern: Int64(t)) ^ indefinite
    }

    /// A member's coordinates from its score (the cell's centre, clamped).
    static func decode(score: Double) -> (Double, Double)? {
        guard let a = decode(GeoHashBits(bits: cUInt64(score), step: stepMax)) else { return nil }
        var lon = (a.lonMin + a.lonMax) / 2
        lon = min(max(lon, lonMin), lonMax)
        var lat = (a.latMin + a.latMax) / 2
        lat = min(max(lat, latMin), latMax)
        return (lon, lat)
    }

    /// A point's score: its full-precision geohash aligned to 52 bits.
    static func score(lon: Double, lat: Double) -> UInt64? {
        encode(lon: lon, lat: lat, step: stepMax).map { align52($0) }
    }

    static func align52(_ h: GeoHashBits) -> UInt64 { h.bits << UInt64(52 - h.step * 2) }

    // MARK: - Neighbours

    private static func moveX(_ h: inout GeoHashBits, _ d: Int) {
        if d == 0 { return }
        var x = h.bits & 0xaaaaaaaaaaaaaaaa
        let y = h.bits & 0x5555555555555555
        let zz: UInt64 = 0x5555555555555555 >> UInt64(64 - h.step * 2)
        if d > 0 { x = x &+ (zz &+ 1) } else { x = x | zz; x = x &- (zz &+ 1) }
        x &= (0xaaaaaaaaaaaaaaaa >> UInt64(64 - h.step * 2))
        h.bits = x | y
    }

    private static func moveY(_ h: inout GeoHashBits, _ d: Int) {
        if d == 0 { return }
        let x = h.bits & 0xaaaaaaaaaaaaaaaa
        var y = h.bits & 0x5555555555555555
        let zz: UInt64 = 0xaaaaaaaaaaaaaaaa >> UInt64(64 - h.step * 2)
        if d > 0 { y = y &+ (zz &+ 1) } else { y = y | zz; y = y &- (zz &+ 1) }
        y &= (0x5555555555555555 >> UInt64(64 - h.step * 2))
        h.bits = x | y
    }

    static func neighbour(_ h: GeoHashBits, dx: Int, dy: Int) -> GeoHashBits {
        var n = h
        moveX(&n, dx)
        moveY(&n, dy)
        return n
    }

    // MARK: - Search areas

    static func stepsForRadius(_ meters: Double, lat: Double) -> Int {
        if meters == 0 { return 26 }
        var range = meters
        var step = 1
        while range < mercatorMax {
            range *= 2
            step += 1
        }
        step -= 2
        if lat > 66 || lat < -66 {
            step -= 1
            if lat > 80 || lat < -80 { step -= 1 }
        }
        return min(max(step, 1), 26)
    }

    /// The shape's bounding box (Redis's geohashBoundingBox).
    static func boundingBox(_ s: inout GeoShape) {
        let (hm, wm): (Double, Double)
        switch s.kind {
        case .radius(let r): hm = s.conversion * r; wm = s.conversion * r
        case .box(let w, let h): hm = s.conversion * (h / 2); wm = s.conversion * (w / 2)
        }
        let latDelta = (hm / earthRadius) / degToRad
        let lonDeltaTop = (wm / earthRadius / cos((s.lat + latDelta) * degToRad)) / degToRad
        let lonDeltaBottom = (wm / earthRadius / cos((s.lat - latDelta) * degToRad)) / degToRad
        let south = s.lat < 0
        s.bounds = (south ? s.lon - lonDeltaBottom : s.lon - lonDeltaTop,
                    s.lat - latDelta,
                    south ? s.lon + lonDeltaBottom : s.lon + lonDeltaTop,
                    s.lat + latDelta)
    }

    /// The nine cells to scan, in Redis's order (centre, N, S, E, W, NE, NW, SE, SW),
    /// with the cells that cannot hold a match zeroed (Redis's
    /// geohashCalculateAreasByShapeWGS84).
    static func searchCells(_ s: inout GeoShape) -> [GeoHashBits] {
        boundingBox(&s)
        let (minLon, minLat, maxLon, maxLat) = s.bounds
        var radius: Double
        switch s.kind {
        case .radius(let r): radius = r
        case .box(let w, let h): radius = ((w / 2) * (w / 2) + (h / 2) * (h / 2)).squareRoot()
        }
        radius *= s.conversion
        var steps = stepsForRadius(radius, lat: s.lat)
        var hash = encode(lon: s.lon, lat: s.lat, step: steps) ?? GeoHashBits(bits: 0, step: steps)
        func cells(_ h: GeoHashBits) -> [GeoHashBits] {
            [h, neighbour(h, dx: 0, dy: 1), neighbour(h, dx: 0, dy: -1), neighbour(h, dx: 1, dy: 0),
             neighbour(h, dx: -1, dy: 0), neighbour(h, dx: 1, dy: 1), neighbour(h, dx: -1, dy: 1),
             neighbour(h, dx: 1, dy: -1), neighbour(h, dx: -1, dy: -1)]
        }
        var n = cells(hash)
        var area = decode(hash) ?? GeoHashArea()
        // A centre near a cell's edge may need bigger cells for the neighbours to cover
        // the whole shape.
        var decrease = false
        if let north = decode(n[1]), north.latMax < maxLat { decrease = true }
        if let south = decode(n[2]), south.latMin > minLat { decrease = true }
        if let east = decode(n[3]), east.lonMax < maxLon { decrease = true }
        if let west = decode(n[4]), west.lonMin > minLon { decrease = true }
        if steps > 1 && decrease {
            steps -= 1
            hash = encode(lon: s.lon, lat: s.lat, step: steps) ?? GeoHashBits(bits: 0, step: steps)
            n = cells(hash)
            area = decode(hash) ?? GeoHashArea()
        }
        if steps >= 2 {
            let zero = GeoHashBits()
            if area.latMin < minLat { n[2] = zero; n[8] = zero; n[7] = zero }
            if area.latMax > maxLat { n[1] = zero; n[5] = zero; n[6] = zero }
            if area.lonMin < minLon { n[4] = zero; n[8] = zero; n[6] = zero }
            if area.lonMax > maxLon { n[3] = zero; n[7] = zero; n[5] = zero }
        }
        return n
    }

    // MARK: - Distances

    static func latDistance(_ lat1: Double, _ lat2: Double) -> Double {
        earthRadius * abs(lat2 * degToRad - lat1 * degToRad)
    }

    /// Haversine distance in metres.
    static func distance(lon1: Double, lat1: Double, lon2: Double, lat2: Double) -> Double {
        let lon1r = lon1 * degToRad, lon2r = lon2 * degToRad
        let v = sin((lon2r - lon1r) / 2)
        if v == 0.0 { return latDistance(lat1, lat2) }
        let lat1r = lat1 * degToRad, lat2r = lat2 * degToRad
        let u = sin((lat2r - lat1r) / 2)
        let a = u * u + cos(lat1r) * cos(lat2r) * v * v
        return 2.0 * earthRadius * asin(a.squareRoot())
    }

    /// The distance from the shape's centre to a point when the point is inside the
    /// shape, else nil.
    static func distanceIfInside(_ s: GeoShape, lon: Double, lat: Double) -> Double? {
        switch s.kind {
        case .radius(let r):
            let d = distance(lon1: s.lon, lat1: s.lat, lon2: lon, lat2: lat)
            return d > r * s.conversion ? nil : d
        case .box(let w, let h):
            let wm = w * s.conversion, hm = h * s.conversion
            if latDistance(s.lat, lat) > hm / 2 { return nil }
            if distance(lon1: lon, lat1: lat, lon2: s.lon, lat2: lat) > wm / 2 { return nil }
            return distance(lon1: s.lon, lat1: s.lat, lon2: lon, lat2: lat)
        }
    }
}
