import Foundation

extension ConfigLoader {
    /// `server:`: listeners, size limits, timeouts, trusted proxies, threads and shutdown timing.
    static func parseServer(_ field: Field?, _ reader: YAMLNodeReader) -> ServerConfig {
        var config = ServerConfig()
        guard let field, !reader.isNull(field),
              let entries = reader.mapping(field, known: GatewayKeys.server,
                                           elsewhere: GatewayKeys.elsewhere(except: "server")) else { return config }
        if let listen = parseListen(entries["listen"], reader) { config.listen = listen }
        if let bytes = reader.byteCount(entries["max_body_bytes"]) { config.maxBodyBytes = bytes }
        if let bytes = reader.byteCount(entries["max_token_body_bytes"]) { config.maxTokenBodyBytes = bytes }
        if let bytes = reader.byteCount(entries["max_credential_bytes"]) { config.maxCredentialBytes = bytes }
        if let bytes = reader.byteCount(entries["max_header_bytes"]) { config.maxHeaderBytes = bytes }
        if let timeout = reader.duration(entries["request_timeout"]) { config.requestTimeout = timeout }
        if let timeout = reader.duration(entries["idle_timeout"]) { config.idleTimeout = timeout }
        if let grace = reader.duration(entries["drain_grace"], allowZero: true) { config.drainGrace = grace }
        if let timeout = reader.duration(entries["shutdown_timeout"]) { config.shutdownTimeout = timeout }
        if let threads = reader.int(entries["event_loop_threads"], in: 0...1024, meaning: " (0 = one per core)") {
            config.eventLoopThreads = threads
        }
        if let threads = reader.int(entries["blocking_threads"], in: 0...1024, meaning: " (0 = one per core)") {
            config.blockingThreads = threads
        }
        if let pending = reader.int(entries["max_pending_password_checks"], in: 1...1_000_000) {
            config.maxPendingPasswordChecks = pending
        }
        if let total = reader.int(entries["upstream_max_connections"], in: 1...100_000) {
            config.upstreamMaxConnections = total
        }
        if let perHost = reader.int(entries["upstream_max_connections_per_host"], in: 1...100_000) {
            config.upstreamMaxConnectionsPerHost = perHost
        }
        if config.upstreamMaxConnectionsPerHost > config.upstreamMaxConnections,
           let entry = entries["upstream_max_connections_per_host"] ?? entries["upstream_max_connections"] {
            reader.issue(entry, "allows \(config.upstreamMaxConnectionsPerHost) connections per upstream host but "
                             + "\(config.upstreamMaxConnections) in all",
                         fix: "make server.upstream_max_connections_per_host at most server.upstream_max_connections")
        }
        if let maximum = reader.int(entries["max_connections"], in: 1...10_000_000) { config.maxConnections = maximum }
        if let cap = reader.int(entries["max_transfers_per_client"], in: 0...10_000_000, meaning: " (0 = no cap)") {
            config.maxTransfersPerClient = cap
        }
        if let timeout = reader.duration(entries["header_timeout"]) { config.headerTimeout = timeout }
        if let timeout = reader.duration(entries["body_timeout"]) { config.bodyTimeout = timeout }
        if let timeout = reader.duration(entries["send_timeout"]) { config.sendTimeout = timeout }
        if let plane = reader.choice(entries["data_plane"], DataPlane.self) { config.dataPlane = plane }
        if let interval = reader.duration(entries["certificate_watch_interval"], allowZero: true) {
            config.certificateWatchInterval = interval
        }
        if let proxies = parseTrustedProxies(entries["trusted_proxies"], reader) { config.trustedProxies = proxies }
        if config.dataPlane == .nio, config.listen.contains(where: { $0.tls != nil }), let entry = entries["data_plane"] {
            reader.issue(entry, "is nio, which does not serve TLS listeners",
                         fix: "use `data_plane: loop` (the default) for listeners with `tls:`")
        }
        return config
    }

    struct ValueProblem: Error {
        var problem: String
        var fix: String
    }

    /// A DNS name or an IPv4 address: letters, digits, `-` and `.`.
    static func isHostName(_ host: String) -> Bool {
        guard !host.isEmpty, host.count <= 253 else { return false }
        return host.unicodeScalars.allSatisfy { ConfigCharacters.isLetter($0) || ConfigCharacters.isDigit($0) || $0 == "-" || $0 == "." }
            && !host.hasPrefix(".") && !host.hasPrefix("-")
    }

    /// `trusted_proxies`: CIDRs (`10.0.0.0/8`, `fd00::/8`); a bare address is one host.
    static func parseTrustedProxies(_ field: Field?, _ reader: YAMLNodeReader) -> [CIDRBlock]? {
        guard let items = reader.strings(field, allowSingle: false, itemsAre: "CIDR blocks") else { return nil }
        var blocks: [CIDRBlock] = []
        for (text, item) in items {
            if let block = IPAddressParsing.cidr(text.trimmingCharacters(in: .whitespaces)) {
                blocks.append(block)
            } else {
                reader.issue(item, "\(YAMLNodeReader.quote(text)) is not an IPv4 or IPv6 address or CIDR block",
                             fix: "write e.g. \"10.0.0.0/8\", \"192.0.2.7\" or \"fd00::/8\"")
            }
        }
        return blocks.count == items.count ? blocks : nil
    }
}
