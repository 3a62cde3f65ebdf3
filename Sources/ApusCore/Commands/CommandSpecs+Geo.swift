// The command table's data for the geospatial commands (see CommandSpecs for the model):
// arity, flags, key specifications, arguments and documentation, as Redis 7.0.15
// reports them in COMMAND INFO and COMMAND DOCS, with summaries in our own words.
// Generated with tools/gen-command-spec, prose written by hand.

extension CommandSpecs {
    static func geo() -> [Spec] {
        var t: [Spec] = []
        t.append(cmd("geoadd", -5, [.write, .denyOOM], 1, 1, 1, acl: "@write @geo @slow",
            group: "geo", since: "3.2.0", complexity: "O(log(N)) per item added, N being the size of the sorted set.",
            summary: "Add members with their longitude and latitude to a geospatial index (a sorted set), creating it if needed.",
            keys: [KeySpec([.RW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .oneof("condition", since: "6.2.0", .optional, args: [
                    .pureToken("nx", "NX"),
                    .pureToken("xx", "XX"),
                ]),
                .pureToken("change", "CH", since: "6.2.0", .optional),
                .block("longitude_latitude_member", .multiple, args: [
                    .double("longitude"),
                    .double("latitude"),
                    .string("member"),
                ]),
            ],
            history: [
                ("6.2.0", "Gained the `NX`, `XX` and `CH` options."),
            ]))
        t.append(cmd("geodist", -4, [.readonly], 1, 1, 1, acl: "@read @geo @slow",
            group: "geo", since: "3.2.0", complexity: "O(log(N)), N being the size of the sorted set.",
            summary: "Distance between two members of a geospatial index, in the unit asked for.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member1"),
                .string("member2"),
                .oneof("unit", .optional, args: [
                    .pureToken("m", "M"),
                    .pureToken("km", "KM"),
                    .pureToken("ft", "FT"),
                    .pureToken("mi", "MI"),
                ]),
            ]))
        t.append(cmd("geohash", -2, [.readonly], 1, 1, 1, acl: "@read @geo @slow",
            group: "geo", since: "3.2.0", complexity: "O(log(N)) per member asked for, N being the size of the sorted set.",
            summary: "Positions of members of a geospatial index as geohash strings.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ]))
        t.append(cmd("geopos", -2, [.readonly], 1, 1, 1, acl: "@read @geo @slow",
            group: "geo", since: "3.2.0", complexity: "O(N), N being the number of members asked for.",
            summary: "Longitude and latitude of members of a geospatial index.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member", .multiple),
            ]))
        t.append(cmd("geosearch", -7, [.readonly], 1, 1, 1, acl: "@read @geo @slow",
            group: "geo", since: "6.2.0", complexity: "O(N+log(M)), N being the number of elements in the grid-aligned box around the search shape and M the number inside the shape.",
            summary: "Find the members of a geospatial index inside a circle or a box around a point or a member.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .oneof("from", args: [
                    .string("member", token: "FROMMEMBER"),
                    .block("longitude_latitude", token: "FROMLONLAT", args: [
                        .double("longitude"),
                        .double("latitude"),
                    ]),
                ]),
                .oneof("by", args: [
                    .block("circle", args: [
                        .double("radius", token: "BYRADIUS"),
                        .oneof("unit", args: [
                            .pureToken("m", "M"),
                            .pureToken("km", "KM"),
                            .pureToken("ft", "FT"),
                            .pureToken("mi", "MI"),
                        ]),
                    ]),
                    .block("box", args: [
                        .double("width", token: "BYBOX"),
                        .double("height"),
                        .oneof("unit", args: [
                            .pureToken("m", "M"),
                            .pureToken("km", "KM"),
                            .pureToken("ft", "FT"),
                            .pureToken("mi", "MI"),
                        ]),
                    ]),
                ]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
                .block("count", .optional, args: [
                    .integer("count", token: "COUNT"),
                    .pureToken("any", "ANY", .optional),
                ]),
                .pureToken("withcoord", "WITHCOORD", .optional),
                .pureToken("withdist", "WITHDIST", .optional),
                .pureToken("withhash", "WITHHASH", .optional),
            ],
            history: [
                ("7.0.0", "Unit names are accepted in upper case too."),
            ]))
        t.append(cmd("geosearchstore", -8, [.write, .denyOOM], 1, 2, 1, acl: "@write @geo @slow",
            group: "geo", since: "6.2.0", complexity: "O(N+log(M)), N being the number of elements in the grid-aligned box around the search shape and M the number inside the shape.",
            summary: "Like GEOSEARCH, but store the members found (or their distances) at a key.",
            keys: [KeySpec([.OW, .update], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.RO, .access], .index(2), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("destination", ks: 0),
                .key("source", ks: 1),
                .oneof("from", args: [
                    .string("member", token: "FROMMEMBER"),
                    .block("longitude_latitude", token: "FROMLONLAT", args: [
                        .double("longitude"),
                        .double("latitude"),
                    ]),
                ]),
                .oneof("by", args: [
                    .block("circle", args: [
                        .double("radius", token: "BYRADIUS"),
                        .oneof("unit", args: [
                            .pureToken("m", "M"),
                            .pureToken("km", "KM"),
                            .pureToken("ft", "FT"),
                            .pureToken("mi", "MI"),
                        ]),
                    ]),
                    .block("box", args: [
                        .double("width", token: "BYBOX"),
                        .double("height"),
                        .oneof("unit", args: [
                            .pureToken("m", "M"),
                            .pureToken("km", "KM"),
                            .pureToken("ft", "FT"),
                            .pureToken("mi", "MI"),
                        ]),
                    ]),
                ]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
                .block("count", .optional, args: [
                    .integer("count", token: "COUNT"),
                    .pureToken("any", "ANY", .optional),
                ]),
                .pureToken("storedist", "STOREDIST", .optional),
            ],
            history: [
                ("7.0.0", "Unit names are accepted in upper case too."),
            ]))
        t.append(cmd("georadius", -6, [.write, .denyOOM, .movableKeys], 1, 1, 1, acl: "@write @geo @slow",
            group: "geo", since: "3.2.0", complexity: "O(N+log(M)), N being the number of elements in the box around the circle and M the number of elements in the index.",
            summary: "Find the members of a geospatial index within a radius of a point, optionally storing them.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.OW, .update], .keyword("STORE", startFrom: 6), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.OW, .update], .keyword("STOREDIST", startFrom: 6), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("longitude"),
                .double("latitude"),
                .double("radius"),
                .oneof("unit", args: [
                    .pureToken("m", "M"),
                    .pureToken("km", "KM"),
                    .pureToken("ft", "FT"),
                    .pureToken("mi", "MI"),
                ]),
                .pureToken("withcoord", "WITHCOORD", .optional),
                .pureToken("withdist", "WITHDIST", .optional),
                .pureToken("withhash", "WITHHASH", .optional),
                .block("count", .optional, args: [
                    .integer("count", token: "COUNT"),
                    .pureToken("any", "ANY", since: "6.2.0", .optional),
                ]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
                .key("key", ks: 1, token: "STORE", .optional),
                .key("key", ks: 2, token: "STOREDIST", .optional),
            ],
            history: [
                ("6.2.0", "`COUNT` takes the `ANY` option."),
                ("7.0.0", "Unit names are accepted in upper case too."),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` with `BYRADIUS`, or `GEOSEARCHSTORE` to store the result"))
        t.append(cmd("georadius_ro", -6, [.readonly], 1, 1, 1, acl: "@read @geo @slow",
            group: "geo", since: "3.2.10", complexity: "O(N+log(M)), N being the number of elements in the box around the circle and M the number of elements in the index.",
            summary: "Read-only GEORADIUS: find the members within a radius of a point.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .double("longitude"),
                .double("latitude"),
                .double("radius"),
                .oneof("unit", args: [
                    .pureToken("m", "M"),
                    .pureToken("km", "KM"),
                    .pureToken("ft", "FT"),
                    .pureToken("mi", "MI"),
                ]),
                .pureToken("withcoord", "WITHCOORD", .optional),
                .pureToken("withdist", "WITHDIST", .optional),
                .pureToken("withhash", "WITHHASH", .optional),
                .block("count", .optional, args: [
                    .integer("count", token: "COUNT"),
                    .pureToken("any", "ANY", since: "6.2.0", .optional),
                ]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
            ],
            history: [
                ("6.2.0", "`COUNT` takes the `ANY` option."),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` with `BYRADIUS`"))
        t.append(cmd("georadiusbymember", -5, [.write, .denyOOM, .movableKeys], 1, 1, 1, acl: "@write @geo @slow",
            group: "geo", since: "3.2.0", complexity: "O(N+log(M)), N being the number of elements in the box around the circle and M the number of elements in the index.",
            summary: "Find the members of a geospatial index within a radius of one of its members, optionally storing them.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.OW, .update], .keyword("STORE", startFrom: 5), .range(lastKey: 0, step: 1, limit: 0)),
                   KeySpec([.OW, .update], .keyword("STOREDIST", startFrom: 5), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member"),
                .double("radius"),
                .oneof("unit", args: [
                    .pureToken("m", "M"),
                    .pureToken("km", "KM"),
                    .pureToken("ft", "FT"),
                    .pureToken("mi", "MI"),
                ]),
                .pureToken("withcoord", "WITHCOORD", .optional),
                .pureToken("withdist", "WITHDIST", .optional),
                .pureToken("withhash", "WITHHASH", .optional),
                .block("count", .optional, args: [
                    .integer("count", token: "COUNT"),
                    .pureToken("any", "ANY", .optional),
                ]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
                .key("key", ks: 1, token: "STORE", .optional),
                .key("key", ks: 2, token: "STOREDIST", .optional),
            ],
            history: [
                ("7.0.0", "Unit names are accepted in upper case too."),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` with `FROMMEMBER` and `BYRADIUS`, or `GEOSEARCHSTORE` to store the result"))
        t.append(cmd("georadiusbymember_ro", -5, [.readonly], 1, 1, 1, acl: "@read @geo @slow",
            group: "geo", since: "3.2.10", complexity: "O(N+log(M)), N being the number of elements in the box around the circle and M the number of elements in the index.",
            summary: "Read-only GEORADIUSBYMEMBER: find the members within a radius of a member.",
            keys: [KeySpec([.RO, .access], .index(1), .range(lastKey: 0, step: 1, limit: 0))],
            args: [
                .key("key", ks: 0),
                .string("member"),
                .double("radius"),
                .oneof("unit", args: [
                    .pureToken("m", "M"),
                    .pureToken("km", "KM"),
                    .pureToken("ft", "FT"),
                    .pureToken("mi", "MI"),
                ]),
                .pureToken("withcoord", "WITHCOORD", .optional),
                .pureToken("withdist", "WITHDIST", .optional),
                .pureToken("withhash", "WITHHASH", .optional),
                .block("count", .optional, args: [
                    .integer("count", token: "COUNT"),
                    .pureToken("any", "ANY", .optional),
                ]),
                .oneof("order", .optional, args: [
                    .pureToken("asc", "ASC"),
                    .pureToken("desc", "DESC"),
                ]),
            ],
            docFlags: .deprecated,
            deprecatedSince: "6.2.0",
            replacedBy: "`GEOSEARCH` with `FROMMEMBER` and `BYRADIUS`"))
        return t
    }
}
