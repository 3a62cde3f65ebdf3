// swift-tools-version:5.9
// Apus: a Redis-compatible server. No package dependencies: the toolchain and our own C shim only.
import PackageDescription

let optimize: [SwiftSetting] = [
    .unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "Apus",
    products: [
        .executable(name: "apus-server", targets: ["ApusServer"]),
        .executable(name: "apus-sentinel", targets: ["ApusSentinel"]),
        .executable(name: "apus-benchmark", targets: ["ApusBenchmark"]),
        .library(name: "ApusCore", targets: ["ApusCore"]),
    ],
    targets: [
        .target(name: "CApusSys"),
        .target(name: "ApusCore", dependencies: ["CApusSys"], swiftSettings: optimize),
        .executableTarget(name: "ApusServer", dependencies: ["ApusCore"], swiftSettings: optimize),
        .executableTarget(name: "ApusSentinel", dependencies: ["ApusCore"], swiftSettings: optimize),
        // The load tool: a drop-in for redis-benchmark built on the same event loop.
        .target(name: "ApusBench", dependencies: ["ApusCore", "CApusSys"], swiftSettings: optimize),
        .executableTarget(name: "ApusBenchmark", dependencies: ["ApusBench"], swiftSettings: optimize),
        // Test-only: counts allocations so the hot path can be held to zero per command.
        .target(name: "CAllocCounter", path: "Tests/CAllocCounter"),
        .testTarget(name: "ApusCoreTests", dependencies: ["ApusCore", "CAllocCounter"], exclude: ["Fixtures"]),
        .testTarget(name: "ApusBenchTests", dependencies: ["ApusBench"]),
    ]
)
