#!/usr/bin/env bash
# The production build of jwtgate: optimised, and with Swift's dynamic exclusivity checks off in
# every module — our targets already turn them off in Package.swift, but SwiftPM cannot set flags
# for dependencies, and SwiftNIO's HTTP decoder pays for them on every request (~10% of the
# proxied request's CPU in an A/B run; see bench/README.md). Debug builds, which run the tests,
# keep the checks. The binary lands in .build/release/jwtgate.
set -euo pipefail
cd "$(dirname "$0")/.."
exec swift build -c release --product jwtgate -Xswiftc -enforce-exclusivity=unchecked "$@"
