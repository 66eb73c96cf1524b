import JWTGateCore
import Prometheus
import Synchronization

/// Every metric jwtgate exports, with bounded label sets (the gateway's own paths, at most a hundred
/// routes by path, everything else as one label), rendered in Prometheus text format. Survives a
/// configuration reload: a route keeps its series as long as its path stays the same.
public final class GatewayMetrics: Sendable {
    /// Requests answered and their latency for one label; for a proxied route (a configured path, or
    /// `other-routes`) also the upstream's time to its answer's head.
    public final class Series: Sendable {
        private let counters: [Counter]  // index: status / 100 - 1
        private let duration: DurationHistogram
        /// nil for the gateway's own paths (token views, probes, metrics, unmatched): they never go upstream.
        private let upstreamResponse: DurationHistogram?

        fileprivate init(registry: PrometheusCollectorRegistry, label: String, proxied: Bool = false) {
            counters = (1...5).map { cls in
                registry.makeCounter(descriptor: Names.requests, labels: [("route", label), ("code", "\(cls)xx")])
            }
            duration = registry.makeDurationHistogram(descriptor: Names.duration, labels: [("route", label)],
                                                      buckets: GatewayMetrics.buckets)
            upstreamResponse = proxied
                ? registry.makeDurationHistogram(descriptor: Names.upstreamResponse, labels: [("route", label)],
                                                 buckets: GatewayMetrics.buckets)
                : nil
        }

        func record(status: Int, nanoseconds: UInt64) {
            counters[min(max(status / 100, 1), 5) - 1].increment()
            duration.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
        }

        /// From the request handed to libcurl to the upstream answer's head (time to first byte).
        func recordUpstreamResponse(nanoseconds: UInt64) {
            upstreamResponse?.recordNanoseconds(Int64(truncatingIfNeeded: nanoseconds))
        }
    }

    public enum AuthFailure: String, Sendable, CaseIterable {
        case notProvided = "not_provided", badHeader = "bad_header", expired, decode, incorrect
        case invalidPayload = "invalid_payload", unknownUser = "unknown_user", disabled
        /// A route's `require_client_certificate` / `allowed_client_subjects` refused the caller (403).
        case clientCertificate = "client_certificate"
    }

    /// Why an obtain request was answered 429 (`jwtgate_throttled_total{reason}`): the per-address or the
    /// per-username throttle (in memory or in the shared store, named as `throttle.*`), or the password-check
    /// queue full (`server.max_pending_password_checks`). Nothing else answers 429.
    enum ThrottleReason: String, Sendable, CaseIterable {
        case obtainPerIP = "obtain_per_ip", obtainPerUsername = "obtain_per_username"
        case pendingPasswordChecks = "max_pending_password_checks"
    }

    /// The statuses the gateway answers itself when it cannot serve a request (`jwtgate_gateway_errors_total{code}`).
    static let gatewayErrorCodes = [502, 503, 504]

    static let labelledRoutes = 100
    static let buckets: [Duration] = [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2.5),
                                      .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(50),
                                      .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(2.5),
                                      .seconds(5), .seconds(10), .seconds(30)]

    let registry: PrometheusCollectorRegistry
    let obtain: Series, verify: Series, refresh: Series, health: Series, ready: Series, metrics: Series, unmatched: Series
    private let otherRoutes: Series
    private let routes = Mutex<[String: Series]>([:])
    private let authFailures: [AuthFailure: Counter]
    let upstreamConnectErrors: Counter
    let upstreamTimeouts: Counter
    let upstreamResets: Counter
    let passwordChecks: Counter
    let passwordChecksRejected: Counter
    let transfersPerClientRefused: Counter
    private let gatewayErrors: [Counter]  // index: status - 502
    private let throttled: [ThrottleReason: Counter]
    /// 1 while /readyz would answer 200; set when /metrics is read.
    private let readiness: Gauge
    /// Password checks queued or running on the blocking pool; set when /metrics is read.
    private let passwordChecksPending: Gauge
    let openConnections: Gauge
    let draining: Gauge
    let reloads: Counter
    let reloadFailures: Counter
    /// Per obtain throttle (`obtain_per_ip`, `obtain_per_username`): keys held, and live keys evicted
    /// by a full table since the last (re)load. Set when /metrics is read.
    private let throttleKeys: [Gauge]
    private let throttleEvictions: [Gauge]
    /// Shared-store (`throttle.store: redis://…`) failures and timeouts, per obtain throttle: each
    /// one a check that `throttle.on_store_error` decided.
    let throttleStoreErrors: [String: Counter]
    private let accessLogDropped: Gauge
    private let transferClients: Gauge
    let tls: TLSMetrics

    public init() {
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        obtain = Series(registry: registry, label: "token:obtain")
        verify = Series(registry: registry, label: "token:verify")
        refresh = Series(registry: registry, label: "token:refresh")
        health = Series(registry: registry, label: "health")
        ready = Series(registry: registry, label: "ready")
        metrics = Series(registry: registry, label: "metrics")
        unmatched = Series(registry: registry, label: "unmatched")
        otherRoutes = Series(registry: registry, label: "other-routes", proxied: true)
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
        transfersPerClientRefused = registry.makeCounter(descriptor: Names.transfersPerClientRefused)
        gatewayErrors = Self.gatewayErrorCodes.map { registry.makeCounter(descriptor: Names.gatewayErrors, labels: [("code", "\($0)")]) }
        var throttled: [ThrottleReason: Counter] = [:]
        for reason in ThrottleReason.allCases {
            throttled[reason] = registry.makeCounter(descriptor: Names.throttled, labels: [("reason", reason.rawValue)])
        }
        self.throttled = throttled
        readiness = registry.makeGauge(descriptor: Names.readiness)
        passwordChecksPending = registry.makeGauge(descriptor: Names.passwordChecksPending)
        openConnections = registry.makeGauge(descriptor: Names.openConnections)
        draining = registry.makeGauge(descriptor: Names.draining)
        reloads = registry.makeCounter(descriptor: Names.reloads, labels: [("result", "ok")])
        reloadFailures = registry.makeCounter(descriptor: Names.reloads, labels: [("result", "error")])
        throttleKeys = ["obtain_per_ip", "obtain_per_username"].map {
            registry.makeGauge(descriptor: Names.throttleKeys, labels: [("throttle", $0)])
        }
        throttleEvictions = ["obtain_per_ip", "obtain_per_username"].map {
            registry.makeGauge(descriptor: Names.throttleEvictions, labels: [("throttle", $0)])
        }
        var storeErrors: [String: Counter] = [:]
        for scope in ["obtain_per_ip", "obtain_per_username"] {
            storeErrors[scope] = registry.makeCounter(descriptor: Names.throttleStoreErrors, labels: [("throttle", scope)])
        }
        throttleStoreErrors = storeErrors
        accessLogDropped = registry.makeGauge(descriptor: Names.accessLogDropped)
        transferClients = registry.makeGauge(descriptor: Names.transferClients)
        tls = TLSMetrics(registry: registry)
    }

    /// Gauges that are read from their owners when /metrics is rendered.
    func refreshSampledGauges(perIP: RateThrottle?, perUsername: RateThrottle?, transferClients: Int,
                              ready: Bool, passwordChecksPending: Int) {
        updateThrottles(perIP: perIP, perUsername: perUsername)
        accessLogDropped.set(Int64(AccessLog.droppedLines))
        self.transferClients.set(Int64(transferClients))
        readiness.set(Int64(ready ? 1 : 0))
        self.passwordChecksPending.set(Int64(passwordChecksPending))
    }

    func updateThrottles(perIP: RateThrottle?, perUsername: RateThrottle?) {
        for (i, throttle) in [perIP, perUsername].enumerated() {
            let usage = throttle?.usage ?? (keys: 0, timestamps: 0, evictions: 0)
            throttleKeys[i].set(Int64(usage.keys))
            throttleEvictions[i].set(Int64(usage.evictions))
        }
    }

    /// The series of a route, by its path: one label per path for the first hundred paths seen
    /// (more would swamp Prometheus), one shared label after that.
    func series(forRoute path: String) -> Series {
        routes.withLock { routes in
            if let series = routes[path] { return series }
            guard routes.count < Self.labelledRoutes else { return otherRoutes }
            let series = Series(registry: registry, label: path, proxied: true)
            routes[path] = series
            return series
        }
    }

    func recordAuthFailure(_ reason: AuthFailure) { authFailures[reason]?.increment() }

    func recordThrottled(_ reason: ThrottleReason) { throttled[reason]?.increment() }

    /// Every answer the gateway writes itself passes here: a 502, 503 or 504 is counted by its exact code.
    /// /readyz's 503 is a probe's "not ready", not an error (`jwtgate_ready` shows it): `target` tells it apart.
    func recordGatewayAnswer(status: Int, target: Series) {
        guard status >= 502, status <= 504, target !== ready else { return }
        gatewayErrors[status - 502].increment()
    }

    public func render() -> [UInt8] { registry.emitToBuffer() }

    /// Every exported name, in one place (computed: the descriptor type is not Sendable).
    enum Names {
        static var requests: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "http_requests", unitName: "total",
                                 helpText: "Requests answered, by route and status class")
        }
        static var duration: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "http_request_duration", unitName: "seconds",
                                 helpText: "Time from the request head to the end of the answer")
        }
        static var authFailures: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "auth_failures", unitName: "total",
                                 helpText: "Proxied requests refused with 401, by reason")
        }
        static var upstreamErrors: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "upstream_errors", unitName: "total",
                                 helpText: "Upstream transfers that failed, by kind")
        }
        static var passwordChecks: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "password_checks", unitName: "total",
                                 helpText: "Password hashes computed by obtain")
        }
        static var passwordChecksRejected: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "password_checks_rejected", unitName: "total",
                                 helpText: "Obtain requests refused with 429 because too many checks were pending")
        }
        static var transfersPerClientRefused: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "transfers_per_client_refused", unitName: "total",
                                 helpText: "Proxied requests refused with 503 because their client address had max_transfers_per_client in flight")
        }
        static var gatewayErrors: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "gateway_errors", unitName: "total",
                                 helpText: "Error answers the gateway made itself (not the upstream's), by exact status: 502 upstream failed, 503 unavailable (user store, max_transfers_per_client, shutting down), 504 upstream timeout")
        }
        static var throttled: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "throttled", unitName: "total",
                                 helpText: "Obtain requests answered 429, by cause: obtain_per_ip, obtain_per_username throttle, max_pending_password_checks")
        }
        static var readiness: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "ready", unitName: "",
                                 helpText: "1 while /readyz answers 200, 0 while it answers 503 (draining, user store unreachable)")
        }
        static var passwordChecksPending: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "password_checks_pending", unitName: "",
                                 helpText: "Password checks queued or running on the blocking pool now (at most server.max_pending_password_checks)")
        }
        static var upstreamResponse: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "upstream_response", unitName: "seconds",
                                 helpText: "Time from the request handed to the upstream client to the upstream answer's head (time to first byte), by route")
        }
        static var transferClients: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "transfer_clients", unitName: "",
                                 helpText: "Client addresses with upstream transfers in flight now (max_transfers_per_client table)")
        }
        static var openConnections: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "open_connections", unitName: "",
                                 helpText: "Client connections open now")
        }
        static var draining: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "draining", unitName: "",
                                 helpText: "1 while the process drains after SIGTERM")
        }
        static var throttleKeys: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "throttle_keys", unitName: "",
                                 helpText: "Keys an obtain throttle tracks now (at most throttle.max_keys)")
        }
        static var throttleEvictions: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "throttle_evicted_keys", unitName: "",
                                 helpText: "Live keys evicted from a full throttle table since the last (re)load")
        }
        static var throttleStoreErrors: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "throttle_store_errors", unitName: "total",
                                 helpText: "Obtain throttle checks whose shared store failed or timed out (throttle.on_store_error decided)")
        }
        static var accessLogDropped: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "access_log_dropped_lines", unitName: "",
                                 helpText: "Access-log lines dropped since start because the log buffer was full")
        }
        static var reloads: MetricNameDescriptor {
            MetricNameDescriptor(namespace: "jwtgate", metricName: "config_reloads", unitName: "total",
                                 helpText: "Configuration reloads (SIGHUP), by result")
        }
    }
}
