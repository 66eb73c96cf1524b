// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for every parser in JWTGateCore that reads attacker input (see README.md).
// Build through ./run, which passes `-sanitize=fuzzer,address`; each target is an executable whose
// `main` comes from libFuzzer.
let fuzzTargets = [
    "jwt-hmac", "jwt-rsa", "jwt-ec", "json", "drf-body", "request-target", "password", "cookies", "config",
    "http-parser",
]

let package = Package(
    name: "jwtgate-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "jwtgate", path: ".."),
    ],
    targets: [
        .target(name: "FuzzSupport", dependencies: [.product(name: "JWTGateCore", package: "jwtgate")]),
    ] + fuzzTargets.map { name in
        .executableTarget(name: name, dependencies: [
            "FuzzSupport", .product(name: "JWTGateCore", package: "jwtgate"),
        ], path: "Targets/\(name)")
    }
)
