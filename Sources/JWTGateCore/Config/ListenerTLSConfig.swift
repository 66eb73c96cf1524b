/// `tls:` on a `server.listen` entry: the listener terminates TLS itself (OpenSSL, on the loop that
/// owns the connection). Paths are resolved against the config file's folder when loaded.
public struct ListenerTLSConfig: Sendable, Equatable {
    /// One certificate chain (PEM, leaf first, then intermediates) and its private key.
    public struct CertificatePair: Sendable, Equatable {
        public var certFile: String
        public var keyFile: String
        /// Where it was written, for messages at reload: `server.listen[1].tls.certificates[0]`.
        public var key: String
        public init(certFile: String, keyFile: String, key: String = "") {
            self.certFile = certFile
            self.keyFile = keyFile
            self.key = key
        }
    }

    public enum Version: String, Sendable, CaseIterable {
        case tls12 = "1.2"
        case tls13 = "1.3"
    }

    public enum ClientVerification: String, Sendable, CaseIterable {
        /// No client certificate is asked for.
        case none
        /// Asked for; a client without one is served, one with a certificate that does not verify is refused.
        case optional
        /// A client without a verified certificate fails the handshake.
        case required
    }

    /// Mozilla's "intermediate" TLS 1.2 list (ssl-config.mozilla.org, v5.7): ECDHE and DHE with AEAD only.
    public static let intermediateCiphers = [
        "ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-ECDSA-AES256-GCM-SHA384", "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-ECDSA-CHACHA20-POLY1305", "ECDHE-RSA-CHACHA20-POLY1305",
        "DHE-RSA-AES128-GCM-SHA256", "DHE-RSA-AES256-GCM-SHA384", "DHE-RSA-CHACHA20-POLY1305",
    ].joined(separator: ":")
    /// TLS 1.3's three standard suites (OpenSSL's default).
    public static let defaultCipherSuites = "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"

    /// Every pair: `cert_file`/`key_file` first (the default certificate), then `certificates:`. Pairs whose
    /// leaves name the same hosts are served together (an ECDSA and an RSA chain); other names are chosen by SNI.
    public var certificates: [CertificatePair]
    public var minVersion: Version = .tls12
    /// TLS 1.2 cipher list (OpenSSL syntax); the server's order wins.
    public var ciphers: String = ListenerTLSConfig.intermediateCiphers
    /// TLS 1.3 cipher suites.
    public var cipherSuites: String = ListenerTLSConfig.defaultCipherSuites
    /// ALPN protocols offered, in preference order. Only `http/1.1` today (`h2` is refused until served).
    public var alpn: [String] = ["http/1.1"]
    /// Session tickets (resumption without server state); keys live in memory only.
    public var sessionTickets: Bool = true
    /// A new ticket key is made this often; tickets sealed with the previous key still resume.
    public var ticketKeyRotation: Duration = .seconds(3600)
    /// A client must finish its handshake within this, from accept.
    public var handshakeTimeout: Duration = .seconds(10)
    /// Handshakes in progress at once, process-wide, on all TLS listeners; past it new TLS connections are closed.
    public var maxHandshakes: Int = 1024
    public var clientCAFile: String?
    public var verifyClient: ClientVerification = .none
    /// Line of each file key as written in gateway.yaml (`server.listen[1].tls.cert_file` → 12), for the
    /// certificate review's messages; empty when built in code.
    public var lines = SourceLines()

    /// Where keys were written. Always equal to another: moving a key to another line does not change the
    /// listener (a reload compares `server.listen` to tell what needs a restart).
    public struct SourceLines: Sendable, Equatable {
        public var byKey: [String: Int] = [:]
        public init() {}
        public subscript(key: String) -> Int? {
            get { byKey[key] }
            set { byKey[key] = newValue }
        }
        public static func == (lhs: SourceLines, rhs: SourceLines) -> Bool { true }
    }

    public init(certificates: [CertificatePair]) { self.certificates = certificates }
}
