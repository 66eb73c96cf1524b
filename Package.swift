// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "jwtgate",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "jwtgate", targets: ["jwtgate"]),
        .library(name: "JWTGateCore", targets: ["JWTGateCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.6.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "5.0.1"),
    ],
    targets: [
        // C libraries found through pkg-config; no code of their own.
        .systemLibrary(name: "CJWTGateOpenSSL", pkgConfig: "libcrypto",
                       providers: [.apt(["libssl-dev"])]),
        // TLS termination on the loop (libssl; libcrypto comes with it).
        .systemLibrary(name: "CJWTGateSSL", pkgConfig: "libssl",
                       providers: [.apt(["libssl-dev"])]),
        .systemLibrary(name: "CJWTGateCurl", pkgConfig: "libcurl",
                       providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CJWTGateArgon2", pkgConfig: "libargon2",
                       providers: [.apt(["libargon2-dev"])]),
        .systemLibrary(name: "CJWTGateSQLite", pkgConfig: "sqlite3",
                       providers: [.apt(["libsqlite3-dev"])]),
        // libpq, not postgres-nio: user lookups are blocking calls on the thread pool (as SQLite's), and
        // libpq adds no minutes to a clean build.
        .systemLibrary(name: "CJWTGatePostgres", pkgConfig: "libpq",
                       providers: [.apt(["libpq-dev"])]),
        // Shared throttle state (`throttle.store: redis://…`): blocking calls with timeouts, on the thread pool.
        .systemLibrary(name: "CJWTGateHiredis", pkgConfig: "hiredis",
                       providers: [.apt(["libhiredis-dev"])]),
        // Typed C wrappers for what Swift cannot call directly (variadics, macros, OSSL_PARAM lifetimes).
        .target(name: "CJWTGateCryptoShims",
                dependencies: ["CJWTGateOpenSSL", "CJWTGateArgon2"],
                linkerSettings: [.linkedLibrary("crypt")]),
        .target(name: "CJWTGateCurlShims", dependencies: ["CJWTGateCurl"]),
        .target(name: "CJWTGateTLSShims", dependencies: ["CJWTGateSSL"]),

        // Pure logic: config, tokens, passwords, users, routes, header rules, errors. No NIO.
        .target(name: "JWTGateCore", dependencies: [
            "CJWTGateCryptoShims", "CJWTGateOpenSSL", "CJWTGateArgon2", "CJWTGateSQLite", "CJWTGatePostgres",
            .product(name: "Yams", package: "Yams"),
        ]),
        // The network side: NIO HTTP server, endpoints, libcurl forwarding, health, metrics.
        .target(name: "JWTGateServer", dependencies: [
            "JWTGateCore", "CJWTGateCurlShims", "CJWTGateCurl", "CJWTGateHiredis", "CJWTGateTLSShims",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        // Thin executable: argument parsing only.
        .executableTarget(name: "jwtgate", dependencies: [
            "JWTGateServer", "JWTGateCore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),

        // A measurement, not a product: the upstream leg's CPU per request on the loop vs the driver thread.
        .executableTarget(name: "jwtgate-loop-bench", dependencies: ["JWTGateServer"], path: "bench/loop-bench"),

        .testTarget(name: "JWTGateCoreTests", dependencies: ["JWTGateCore"],
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "JWTGateServerTests", dependencies: [
            "JWTGateServer", "JWTGateCore",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOHTTP1", package: "swift-nio"),
            // EmbeddedChannel, to run NIO's llhttp decoder as the reference in the parser's differential tests.
            .product(name: "NIOEmbedded", package: "swift-nio"),
            .product(name: "Logging", package: "swift-log"),
        ],
                    exclude: ["Support/postgres-test-server.sh", "Support/https-upstream.py", "Support/tls-client.py"]),
    ]
)

for target in package.targets where target.type != .system {
    var settings = target.swiftSettings ?? []
    settings.append(.enableUpcomingFeature("ExistentialAny"))
    // Dynamic exclusivity checks cost ~1.5% of the proxy's CPU (swift_beginAccess in the profile);
    // debug builds, which run the tests, keep them.
    settings.append(.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release)))
    // Our own targets build without warnings; keep it that way (dependencies are not affected).
    settings.append(.unsafeFlags(["-warnings-as-errors"], .when(configuration: .debug)))
    target.swiftSettings = settings
}
