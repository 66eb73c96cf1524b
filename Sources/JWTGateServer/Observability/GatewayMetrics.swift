import Prometheus

/// Every metric jwtgate exports, created once with bounded label sets (routes come from the
/// configuration; an unmatched path collapses to one label), rendered in Prometheus text format.
public final class GatewayMetrics: Sendable {
    public enum Target: Sendable, Hashable {
        case route(Int)
        case obtain, verify, refresh, health, ready, metrics, unmatched
    }

    public enum AuthFailure: String, Sendable, CaseIterable {
        case notProvided = "not_provided", badHeader = "bad_header", expired, decode, incorrect
        case invalidPayload = "invalid_payload", unknownUser = "unknown_user", disabled
    }

    let registry: PrometheusCollectorRegistry
    private let requests: [Target: [Counter]]  // index: status / 100 - 1
    private let durations: [Target: DurationHistogram]
    private let authFailures: [AuthFailure: Counter]
    let upstreamConnectErrors: Counter
    let upstreamTimeouts: Counter
    let upstreamResets: Counter
    let passwordChecks: Counter
    let passwordChecksRejected: Counter
    let openConnections: Gauge
    let draining: Gauge

    public init(routePaths: [String]) {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        var targets: [(Target, String)] = [(.obtain, "token:obtain"), (.verify, "token:verify"), (.refresh, "token:refresh"),
                                           (.health, "health"), (.ready, "ready"), (.metrics, "metrics"), (.unmatched, "unmatched")]
        for (index, path) in routePaths.enumerated() { targets.append((.route(index), path)) }
        var requests: [Target: [Counter]] = [:]
        var durations: [Target: DurationHistogram] = [:]
        let buckets: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                                   .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                   .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                   .seconds(5), .seconds(10), .seconds(30)]
        for (target, label) in targets {
            requests[target] = (1...5).map { cls in
                registry.makeCounter(name: "jwtgate_http_requests_total",
                                     labels: [("route", label), ("code", "\(cls)xx")],
                                     help: "Requests answered, by route and status class")
            }
            durations[target] = registry.makeDurationHistogram(name: "jwtgate_http_request_duration_seconds",
                                                               labels: [("route", label)], buckets: buckets,
                                                               help: "Time from the end of the request to the end of the answer")
        }
        self.requests = requests
        self.durations = durations
        var failures: [AuthFailure: Counter] = [:]
        for reason in AuthFailure.allCases {
            failures[reason] = registry.makeCounter(name: "jwtgate_auth_failures_total", labels: [("reason", reason.rawValue)],
                                                    help: "Proxied requests refused with 401, by reason")
        }
        authFailures = failures
        upstreamConnectErrors = registry.makeCounter(name: "jwtgate_upstream_errors_total", labels: [("kind", "connect")],
                                                     help: "Upstream transfers that failed, by kind")
        upstreamTimeouts = registry.makeCounter(name: "jwtgate_upstream_errors_total", labels: [("kind", "timeout")],
                                                help: "Upstream transfers that failed, by kind")
        upstreamResets = registry.makeCounter(name: "jwtgate_upstream_errors_total", labels: [("kind", "reset")],
                                              help: "Upstream transfers that failed, by kind")
        passwordChecks = registry.makeCounter(name: "jwtgate_password_checks_total", help: "Password hashes computed by obtain")
        passwordChecksRejected = registry.makeCounter(name: "jwtgate_password_checks_rejected_total",
                                                      help: "Obtain requests refused with 429 because too many checks were pending")
        openConnections = registry.makeGauge(name: "jwtgate_open_connections", help: "Client connections open now")
        draining = registry.makeGauge(name: "jwtgate_draining", help: "1 while the process drains after SIGTERM")
    }

    func recordRequest(_ target: Target, status: Int, nanoseconds: UInt64) {
        let index = min(max(status / 100, 1), 5) - 1
        requests[target]?[index].increment()
        durations[target]?.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
    }

    func recordAuthFailure(_ reason: AuthFailure) { authFailures[reason]?.increment() }

    public func render() -> [UInt8] { registry.emitToBuffer() }
}
