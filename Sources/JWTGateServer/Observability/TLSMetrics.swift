import Prometheus
import Synchronization

/// The TLS listeners' metrics: handshakes by outcome and protocol version, handshakes in progress, and
/// each served certificate's expiry time (for an alert well before it lapses).
final class TLSMetrics: Sendable {
    private let registry: PrometheusCollectorRegistry
    /// Index: outcome × version ("1.2", "1.3", "none" before a version was agreed).
    private let handshakes: [String: Counter]
    let handshakesInProgress: Gauge
    private let expiry = Mutex<[String: Gauge]>([:])

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
        var handshakes: [String: Counter] = [:]
        for outcome in TLSHandshake.Outcome.allCases {
            for version in ["1.2", "1.3", "none"] {
                handshakes["\(outcome.rawValue)/\(version)"] = registry.makeCounter(
                    descriptor: Self.handshakesName, labels: [("outcome", outcome.rawValue), ("version", version)])
            }
        }
        self.handshakes = handshakes
        handshakesInProgress = registry.makeGauge(descriptor: MetricNameDescriptor(
            namespace: "jwtgate", metricName: "tls_handshakes_in_progress", unitName: "",
            helpText: "TLS handshakes started and not yet finished (bounded by tls.max_handshakes)"))
    }

    func handshakeFinished(_ outcome: TLSHandshake.Outcome, version: Int) {
        let label = version == 13 ? "1.3" : (version == 12 ? "1.2" : "none")
        handshakes["\(outcome.rawValue)/\(label)"]?.increment()
    }

    /// Sets the expiry gauge of every certificate the listeners serve now; series of certificates no longer
    /// served (a reload replaced them) are removed.
    func setCertificates(_ served: [(listener: String, file: String, notAfter: Int64)]) {
        expiry.withLock { gauges in
            var kept: [String: Gauge] = [:]
            for certificate in served {
                let key = "\(certificate.listener)|\(certificate.file)"
                let gauge = gauges.removeValue(forKey: key) ?? kept[key] ?? registry.makeGauge(
                    descriptor: Self.expiryName, labels: [("listener", certificate.listener), ("certificate", certificate.file)])
                gauge.set(certificate.notAfter)
                kept[key] = gauge
            }
            for (_, stale) in gauges { registry.unregisterGauge(stale) }
            gauges = kept
        }
    }

    private static var handshakesName: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "jwtgate", metricName: "tls_handshakes", unitName: "total",
                             helpText: "TLS handshakes on the listeners, by outcome (ok, resumed, failed, timeout, refused) and protocol version (none: no handshake finished)")
    }

    private static var expiryName: MetricNameDescriptor {
        MetricNameDescriptor(namespace: "jwtgate", metricName: "tls_certificate_expiry", unitName: "timestamp_seconds",
                             helpText: "When a served certificate expires (Unix time), by listener and certificate file")
    }
}
