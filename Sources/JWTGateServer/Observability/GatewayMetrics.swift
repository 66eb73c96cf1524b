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
        // One label per route keeps dashboards useful; past a hundred routes the series would swamp
        // Prometheus (and registering them costs quadratic time), so the rest share one label.
        for (index, path) in routePaths.prefix(Self.labelledRoutes).enumerated() { targets.append((.route(index), path)) }
        if routePaths.count > Self.labelledRoutes { targets.append((.route(Self.labelledRoutes), "other-routes")) }
        var requests: [Target: [Counter]] = [:]
        var durations: [Target: DurationHistogram] = [:]
        let buckets: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                                   .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                   .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                   .seconds(5), .seconds(10), .seconds(30)]
        for (target, label) in targets {
            requests[target] = (1...5).map { cls in
                registry.makeCounter(descriptor: Names.requests, labels: [("route", label), ("code", "\(cls)xx")])
            }
            durations[target] = registry.makeDurationHistogram(descriptor: Names.duration, labels: [("route", label)],
                                                               buckets: buckets)
        }
        self.requests = requests
        self.durations = durations
        var failures: [AuthFailure: Counter] = [:]
        for reason in AuthFailure.allCases {
            failures[reason] = registry.makeCounter(descriptor: Names.authFailures, labels: [("reason", reason.rawValue)])
        }
        authFailures = failures
        upstreamConnectErrors = registry.makeCounter(descriptor: Names.upstreamErrors, labels: [("kind", "connect")])
        upstreamTimeouts = registry.makeCounter(descriptor: Names.upstreamErrors, labels: [("kind", "timeout")])
        upstreamResets = registry.makeCounter(descriptor: Names.upstreamErrors, labels: [("kind", "reset")])
        passwordChecks = registry.makeCounter(descriptor: Names.passwordChecks)
        passwordChecksRejected = registry.makeCounter(descriptor: Names.passwordChecksRejected)
        openConnections = registry.makeGauge(descriptor: Names.openConnections)
        draining = registry.makeGauge(descriptor: Names.draining)
    }

    /// Every exported name, in one place (computed: the descriptor type is not Sendable).
    enum Names {
        static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "http_requests", unitName: "total",
                                                   helpText: "Requests answered, by route and status class") }
        static var duration: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "http_request_duration", unitName: "seconds",
                                                   helpText: "Time from the request head to the end of the answer") }
        static var authFailures: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "auth_failures", unitName: "total",
                                                       helpText: "Proxied requests refused with 401, by reason") }
        static var upstreamErrors: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "upstream_errors", unitName: "total",
                                                         helpText: "Upstream transfers that failed, by kind") }
        static var passwordChecks: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "password_checks", unitName: "total",
                                                         helpText: "Password hashes computed by obtain") }
        static var passwordChecksRejected: MetricNameDescriptor { MetricNameDescriptor(
            namespace: "jwtgate", metricName: "password_checks_rejected", unitName: "total",
            helpText: "Obtain requests refused with 429 because too many checks were pending") }
        static var openConnections: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "open_connections", unitName: "",
                                                          helpText: "Client connections open now") }
        static var draining: MetricNameDescriptor { MetricNameDescriptor(namespace: "jwtgate", metricName: "draining", unitName: "",
                                                   helpText: "1 while the process drains after SIGTERM") }
    }

    static let labelledRoutes = 100

    func recordRequest(_ target: Target, status: Int, nanoseconds: UInt64) {
        var target = target
        if case .route(let index) = target, index > Self.labelledRoutes { target = .route(Self.labelledRoutes) }
        let index = min(max(status / 100, 1), 5) - 1
        requests[target]?[index].increment()
        durations[target]?.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
    }

    func recordAuthFailure(_ reason: AuthFailure) { authFailures[reason]?.increment() }

    public func render() -> [UInt8] { registry.emitToBuffer() }
}
