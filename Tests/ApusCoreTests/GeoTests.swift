// Geohash arithmetic (Support/GeoHash.swift) and the geo commands through the
// dispatcher, against values read from Redis 7.0.15.

import XCTest
@testable import ApusCore

final class GeoTests: XCTestCase {
    var h: InProcessServer!
    var c: Client!

    override func setUp() {
        h = InProcessServer()
        c = h.makeClient()
    }

    func run(_ cmd: String) -> String { h.feed(c, cmd + "\r\n") }

    func testScoresAreRedisGeohashes() {
        // GEOADD Sicily 13.361389 38.115556 Palermo stores this score on Redis.
        XCTAssertEqual(GeoHash.score(lon: 13.361389, lat: 38.115556), 3479099956230698)
        XCTAssertEqual(GeoHash.score(lon: 15.087269, lat: 37.502669), 3479447370796909)
        XCTAssertNil(GeoHash.score(lon: 181, lat: 0))
        XCTAssertNil(GeoHash.score(lon: 0, lat: 85.1))
    }

    func testInterleavingRoundTrips() {
        for v: (UInt32, UInt32) in [(0, 0), (1, 2), (0x3FFFFFF, 0x2AAAAAA), (12345, 67890)] {
            let i = GeoHash.interleave(v.0, v.1)
            let d = GeoHash.deinterleave(i)
            XCTAssertEqual(UInt32(truncatingIfNeeded: d), v.0)
            XCTAssertEqual(UInt32(truncatingIfNeeded: d >> 32), v.1)
        }
    }

    func testDistancesAndPositionsPrintAsRedisPrintsThem() {
        XCTAssertEqual(run("GEOADD Sicily 13.361389 38.115556 Palermo 15.087269 37.502669 Catania"), ":2\r\n")
        XCTAssertEqual(run("GEODIST Sicily Palermo Catania"), "$11\r\n166274.1516\r\n")
        XCTAssertEqual(run("GEODIST Sicily Palermo Catania km"), "$8\r\n166.2742\r\n")
        XCTAssertEqual(run("GEOHASH Sicily Palermo"), "*1\r\n$11\r\nsqc8b49rny0\r\n")
        XCTAssertEqual(run("GEOPOS Sicily Palermo"),
                       "*1\r\n*2\r\n$20\r\n13.36138933897018433\r\n$20\r\n38.11555639549629859\r\n")
        XCTAssertEqual(run("GEOSEARCH Sicily FROMLONLAT 15 37 BYRADIUS 200 km ASC"),
                       "*2\r\n$7\r\nCatania\r\n$7\r\nPalermo\r\n")
        XCTAssertEqual(run("GEOSEARCH Sicily FROMLONLAT 15 37 BYBOX 400 400 km DESC COUNT 1 WITHDIST"),
                       "*1\r\n*2\r\n$7\r\nPalermo\r\n$8\r\n190.4424\r\n")
    }

    func testSearchOptionsAreCheckedAsRedisChecksThem() {
        XCTAssertEqual(run("GEOADD g 1 1 a"), ":1\r\n")
        XCTAssertEqual(run("GEOADD g 200 1 b"), "-ERR invalid longitude,latitude pair 200.000000,1.000000\r\n")
        XCTAssertEqual(run("GEOSEARCH g BYRADIUS 1 km ASC WITHDIST"),
                       "-ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for GEOSEARCH\r\n")
        XCTAssertEqual(run("GEOSEARCH g FROMLONLAT 1 1 BYRADIUS 1 km ANY"),
                       "-ERR the ANY argument requires COUNT argument\r\n")
        XCTAssertEqual(run("GEORADIUS g 1 1 1 km STORE d WITHDIST"),
                       "-ERR STORE option in GEORADIUS is not compatible with WITHDIST, WITHHASH and WITHCOORD options\r\n")
        XCTAssertEqual(run("GEORADIUS_RO g 1 1 1 km STORE d"), "-ERR syntax error\r\n")
        XCTAssertEqual(run("GEOSEARCHSTORE d g FROMLONLAT 1 1 BYRADIUS 1 km STOREDIST"), ":1\r\n")
        XCTAssertEqual(run("ZSCORE d a"), "$22\r\n6.0521617125866494e-05\r\n")
    }
}
