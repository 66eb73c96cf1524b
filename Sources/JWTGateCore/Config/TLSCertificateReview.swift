import Foundation

/// The review of every TLS listener's certificates and keys that `check-config`, start-up and each reload run
/// (the loader refuses a configuration with errors; warnings never stop the gateway):
///
/// - the cert file holds PEM certificates (leaf first) and the key file an unencrypted PEM private key;
/// - the key is RSA of 2048 bits or more, or ECDSA on P-256, P-384 or P-521, and belongs to the leaf;
/// - the chain is in order (each certificate issued by the next) and verifies up to its last certificate;
/// - every certificate of the chain is valid now; one that expires within 14 days is a warning;
/// - the leaf may serve TLS: keyUsage (when present) allows signing, extendedKeyUsage (when present) serverAuth;
/// - no two pairs of one listener have the same key type and the same names (one would never be served);
/// - `client_ca_file` holds at least one CA certificate.
///
/// Messages name files and subjects, never key material.
public enum TLSCertificateReview {
    /// A certificate that expires within this many seconds is warned about.
    public static let expiryWarningSeconds: Int64 = 14 * 86_400

    public struct Findings: Sendable, Equatable {
        /// The listener cannot serve this configuration: the load fails.
        public var errors: [ConfigIssue] = []
        /// Worth acting on, but served as it is.
        public var warnings: [ConfigIssue] = []
        public init() {}
    }

    /// Issues that make the configuration unusable (the loader reports these itself).
    public static func errors(for config: GatewayConfig, now: Date = Date()) -> [ConfigIssue] {
        review(config.server, file: config.sourceFile, now: now).errors
    }

    /// Certificates about to expire and similar; printed by `check-config` and logged by `serve` at start.
    public static func warnings(for config: GatewayConfig, now: Date = Date()) -> [ConfigIssue] {
        review(config.server, file: config.sourceFile, now: now).warnings
    }

    /// Every TLS listener of `server`; `file` is the gateway file the issues name.
    public static func review(_ server: ServerConfig, file: String, now: Date = Date()) -> Findings {
        var reporter = Reporter(file: file, now: Int64(now.timeIntervalSince1970.rounded(.down)))
        for (index, listener) in server.listen.enumerated() {
            guard let tls = listener.tls else { continue }
            reporter.lines = tls.lines
            reporter.review(tls, listenerKey: "server.listen[\(index)]")
        }
        return reporter.findings
    }

    /// The leaf (first certificate) of a chain file.
    public static func facts(certFile: String) throws -> CertificateFacts {
        guard let bytes = FileBytes.contents(certFile) else {
            throw CertificateFileError(file: certFile, problem: "cannot be read")
        }
        let certificates = PEMCertificates(pem: bytes)
        guard certificates.count > 0 else {
            throw CertificateFileError(file: certFile, problem: "holds no PEM certificate")
        }
        guard let facts = CertificateFacts(certificates, index: 0) else {
            throw CertificateFileError(file: certFile, problem: "the first certificate cannot be read")
        }
        return facts
    }

    /// The dotted key of a listener's `tls:` mapping, from where its pairs were written.
    static func tlsKey(_ tls: ListenerTLSConfig, listenerKey: String) -> String {
        guard let written = tls.certificates.first?.key, !written.isEmpty else { return "\(listenerKey).tls" }
        if let range = written.range(of: ".certificates[") { return String(written[..<range.lowerBound]) }
        return written
    }

    /// `server.listen[0].tls` for `cert_file`/`key_file`, `server.listen[0].tls.certificates[1]` for a list item.
    static func pairKey(_ pair: ListenerTLSConfig.CertificatePair, index: Int, tlsKey: String) -> String {
        if !pair.key.isEmpty { return pair.key }
        return index == 0 ? tlsKey : "\(tlsKey).certificates[\(index)]"
    }
}

/// Collects the findings of one review.
struct Reporter {
    let file: String
    let now: Int64
    var lines = ListenerTLSConfig.SourceLines()
    var findings = TLSCertificateReview.Findings()

    init(file: String, now: Int64) {
        self.file = file
        self.now = now
    }

    mutating func error(_ key: String, _ problem: String, fix: String) {
        findings.errors.append(ConfigIssue(file: file, key: key, line: lines[key], problem: problem, fix: fix))
    }

    mutating func warning(_ key: String, _ problem: String, fix: String) {
        findings.warnings.append(ConfigIssue(file: file, key: key, line: lines[key], problem: problem, fix: fix))
    }

    /// What a pair serves, to find two pairs that would compete for the same handshakes.
    struct Served {
        var key: String
        var family: String
        var names: Set<String>
    }

    mutating func review(_ tls: ListenerTLSConfig, listenerKey: String) {
        let tlsKey = TLSCertificateReview.tlsKey(tls, listenerKey: listenerKey)
        var served: [Served] = []
        for (index, pair) in tls.certificates.enumerated() {
            let key = TLSCertificateReview.pairKey(pair, index: index, tlsKey: tlsKey)
            guard let pairServes = review(pair, key: key) else { continue }
            if let earlier = served.first(where: { $0.family == pairServes.family && $0.names == pairServes.names }) {
                let names = pairServes.names.sorted().joined(separator: ", ")
                error(pairServes.key,
                      "serves the same names (\(names)) with the same key type (\(pairServes.family)) as "
                          + "\(earlier.key), so it would never be chosen",
                      fix: "remove one of the two pairs; two pairs for one name need different key types (one ECDSA, one RSA)")
            } else {
                served.append(pairServes)
            }
        }
        if let caFile = tls.clientCAFile { reviewClientCA(caFile, key: "\(tlsKey).client_ca_file") }
    }

    // MARK: - One pair

    /// Reviews one pair; what it serves when its leaf could be read (for the duplicate check).
    private mutating func review(_ pair: ListenerTLSConfig.CertificatePair, key pairKey: String) -> Served? {
        let certKey = "\(pairKey).cert_file", keyKey = "\(pairKey).key_file"
        let certName = YAMLNodeReader.quote(pair.certFile), keyName = YAMLNodeReader.quote(pair.keyFile)
        let errorsBefore = findings.errors.count

        var certificates: PEMCertificates?
        if let bytes = FileBytes.contents(pair.certFile) {
            let read = PEMCertificates(pem: bytes)
            if read.malformed {
                error(certKey, "\(certName) has a certificate that does not decode (certificate \(read.count + 1))",
                      fix: "write each certificate as PEM (`openssl x509 -in cert.der -inform DER -out cert.pem`), leaf first")
            } else if read.count == 0 {
                let fix = Self.contains(bytes, "PRIVATE KEY-----")
                    ? "it holds a private key: are cert_file and key_file swapped?"
                    : "point it at the certificate chain: PEM blocks \"-----BEGIN CERTIFICATE-----\", leaf first"
                error(certKey, "\(certName) holds no PEM certificate", fix: fix)
            } else {
                certificates = read
            }
        } else {
            error(certKey, "\(certName) cannot be read", fix: "point it at the certificate chain (PEM, leaf first)")
        }

        var privateKey: TLSKey?
        if let bytes = FileBytes.contents(pair.keyFile) {
            var (key, status) = TLSKey.read(pem: bytes)
            // OpenSSL 3 reports a file of certificates only as an undecodable key, not as "no key".
            if status == .malformed && !Self.contains(bytes, "PRIVATE KEY-----") { status = .none }
            switch status {
            case .ok:
                privateKey = key
            case .encrypted:
                let name = (pair.keyFile as NSString).lastPathComponent
                error(keyKey, "\(keyName) holds a passphrase-protected private key; jwtgate does not read "
                          + "passphrase-protected keys",
                      fix: "decrypt it once (`openssl pkey -in \(name) -out \(name).plain`), make that file readable "
                          + "only by jwtgate and point key_file at it")
            case .malformed:
                let name = (pair.keyFile as NSString).lastPathComponent
                error(keyKey, "\(keyName) holds a private key that does not decode",
                      fix: "write it as unencrypted PEM (`openssl pkey -in \(name) -out key.pem`)")
            case .none:
                let fix = Self.contains(bytes, "-----BEGIN CERTIFICATE-----")
                    ? "it holds a certificate: are cert_file and key_file swapped?"
                    : "point it at the certificate's private key: a PEM block \"-----BEGIN PRIVATE KEY-----\""
                error(keyKey, "\(keyName) holds no PEM private key", fix: fix)
            }
        } else {
            error(keyKey, "\(keyName) cannot be read", fix: "point it at the certificate's private key (PEM)")
        }
        if let privateKey { reviewKeyType(privateKey.type, key: keyKey, name: keyName) }

        guard let certificates else { return nil }
        if let privateKey, !certificates.matches(0, privateKey) {
            if let owner = (1..<max(1, certificates.count)).first(where: { certificates.matches($0, privateKey) }) {
                error(certKey, "the private key's certificate is certificate \(owner + 1) in \(certName), not the "
                          + "first: the chain is not in order",
                      fix: "put the leaf first, then the certificate that issued it, and so on up "
                          + "(`cat leaf.pem intermediate.pem > chain.pem`)")
                return nil
            }
            error(keyKey, "the private key in \(keyName) does not belong to the certificate in \(certName)",
                  fix: "point key_file at the key the certificate was issued for (`openssl x509 -noout -pubkey -in "
                      + "CERT` and `openssl pkey -pubout -in KEY` print the same key)")
        }

        reviewOrder(certificates, key: certKey, name: certName)
        for index in 0..<certificates.count { reviewValidity(certificates, index, key: certKey, name: certName) }
        let leafType = certificates.publicKey(0)?.type ?? privateKey?.type  // the leaf says what it serves, even beside a wrong key
        reviewUsage(certificates, keyType: leafType, key: certKey, name: certName)
        let names = certificates.alternativeNames(0)
        if names.dns.isEmpty && names.ip.isEmpty {
            warning(certKey, "the leaf certificate (\(Self.subject(certificates, 0))) in \(certName) has no "
                        + "subjectAltName; clients match host names against subjectAltName only",
                    fix: "have it reissued with subjectAltName DNS:<host name>")
        }
        if findings.errors.count == errorsBefore, let problem = certificates.chainProblem(at: now) {
            error(certKey, "the chain in \(certName) does not verify at certificate \(problem.depth + 1): \(problem.reason)",
                  fix: "each certificate after the leaf must be a CA certificate (basicConstraints CA:TRUE) "
                      + "that issued the one before it")
        }

        var servedNames = Set(names.dns.map { $0.lowercased() } + names.ip)
        if servedNames.isEmpty, let commonName = certificates.commonName(0) { servedNames.insert(commonName.lowercased()) }
        guard let leafType else { return nil }
        return Served(key: certKey, family: leafType.family, names: servedNames)
    }

    private mutating func reviewKeyType(_ type: CertificateKeyType, key: String, name: String) {
        let newKey = "make an ECDSA P-256 key (`openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256`) "
            + "and have the certificate issued for it"
        switch type {
        case .rsa(let bits) where bits < 2048:
            error(key, "\(name) holds a \(bits)-bit RSA key; at least 2048 bits are needed",
                  fix: "make an RSA-2048 key (`openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048`) or an "
                      + "ECDSA P-256 key and have the certificate reissued for it")
        case .rsa:
            break
        case .ec(let curve) where CertificateKeyType.nistName(curve) == nil:
            error(key, "\(name) holds an ECDSA key on curve \(curve); TLS listeners serve P-256, P-384 and P-521",
                  fix: newKey)
        case .ec:
            break
        case .other(let typeName):
            error(key, "\(name) holds a key of type \(typeName); TLS listeners serve RSA (2048 bits or more) and "
                      + "ECDSA (P-256, P-384, P-521) keys",
                  fix: newKey)
        }
    }

    /// Each certificate must be issued by the next one.
    private mutating func reviewOrder(_ certificates: PEMCertificates, key: String, name: String) {
        for index in 0..<(certificates.count - 1) where !certificates.isIssued(index, by: index + 1) {
            error(key, "the chain in \(name) is not in order: certificate \(index + 1) "
                      + "(\(Self.subject(certificates, index))) is not issued by certificate \(index + 2) "
                      + "(\(Self.subject(certificates, index + 1)))",
                  fix: "list the leaf first, then the certificate that issued it, and so on up; "
                      + "leave out certificates of other chains")
            return
        }
    }

    private mutating func reviewValidity(_ certificates: PEMCertificates, _ index: Int, key: String, name: String) {
        let who = (index == 0 ? "the leaf certificate" : "certificate \(index + 1)")
            + " (\(Self.subject(certificates, index))) in \(name)"
        guard let notBefore = certificates.notBefore(index), let notAfter = certificates.notAfter(index) else {
            error(key, "\(who) has dates that cannot be read", fix: "have it reissued")
            return
        }
        if notBefore > now {
            error(key, "\(who) is not valid before \(Self.utc(notBefore))",
                  fix: "check this host's clock, or use a certificate that is valid now")
        } else if notAfter <= now {
            error(key, "\(who) expired on \(Self.utc(notAfter))",
                  fix: "renew it and point cert_file at the new chain")
        } else if notAfter - now < TLSCertificateReview.expiryWarningSeconds {
            // Whole days, rounded: a certificate made with `-days 5` a moment ago expires "in 5 days".
            let days = (notAfter - now + 43_200) / 86_400
            let left = notAfter - now < 86_400 ? "in less than a day" : days == 1 ? "in 1 day" : "in \(days) days"
            warning(key, "\(who) expires on \(Self.utc(notAfter)), \(left)",
                    fix: "renew it before then; a reload (SIGHUP) picks up the new files")
        }
    }

    /// keyUsage and extendedKeyUsage of the leaf, when present, must allow a TLS server.
    private mutating func reviewUsage(_ certificates: PEMCertificates, keyType: CertificateKeyType?, key: String,
                                      name: String) {
        let who = "the leaf certificate (\(Self.subject(certificates, 0))) in \(name)"
        if let usage = certificates.keyUsage(0) {
            let signs = usage & PEMCertificates.digitalSignature != 0
            let enciphers = usage & PEMCertificates.keyEncipherment != 0
            if case .rsa = keyType {
                if !signs && !enciphers {
                    error(key, "\(who) has keyUsage without digitalSignature or keyEncipherment, so it may not be used for TLS",
                          fix: "have it reissued with keyUsage digitalSignature, keyEncipherment")
                } else if !signs {
                    warning(key, "\(who) has keyUsage keyEncipherment without digitalSignature; TLS 1.3 and the ECDHE "
                                + "ciphers sign with the key, so only TLS 1.2 RSA key exchange can use it",
                            fix: "have it reissued with keyUsage digitalSignature, keyEncipherment")
                }
            } else if !signs {
                error(key, "\(who) has keyUsage without digitalSignature, so it may not sign TLS handshakes",
                      fix: "have it reissued with keyUsage digitalSignature")
            }
        }
        if let extended = certificates.extendedKeyUsage(0), extended & PEMCertificates.serverAuth == 0 {
            error(key, "\(who) has extendedKeyUsage without serverAuth, so clients refuse it as a server certificate",
                  fix: "have it reissued with extendedKeyUsage serverAuth")
        }
    }

    // MARK: - Client CAs

    private mutating func reviewClientCA(_ path: String, key: String) {
        let name = YAMLNodeReader.quote(path)
        guard let bytes = FileBytes.contents(path) else {
            error(key, "\(name) cannot be read", fix: "point it at the CA certificates (PEM) that sign client certificates")
            return
        }
        let certificates = PEMCertificates(pem: bytes)
        if certificates.malformed {
            error(key, "\(name) has a certificate that does not decode (certificate \(certificates.count + 1))",
                  fix: "write each CA certificate as PEM (`openssl x509 -in ca.der -inform DER -out ca.pem`)")
        } else if certificates.count == 0 {
            error(key, "\(name) holds no PEM certificate",
                  fix: "point it at the certificates (PEM) of the CAs that sign your clients' certificates")
        } else if !(0..<certificates.count).contains(where: { certificates.isCA($0) || certificates.isSelfSigned($0) }) {
            error(key, "\(name) holds no CA certificate: none has basicConstraints CA:TRUE or is self-signed",
                  fix: "put the certificate of the CA that issues client certificates here, not a client certificate")
        }
    }

    // MARK: - Wording

    static func subject(_ certificates: PEMCertificates, _ index: Int) -> String {
        let subject = certificates.subject(index)
        return subject.isEmpty ? "no subject" : subject
    }

    /// `2026-12-11 14:05 UTC`
    static func utc(_ seconds: Int64) -> String {
        var time = time_t(seconds)
        var parts = tm()
        gmtime_r(&time, &parts)
        return String(format: "%04d-%02d-%02d %02d:%02d UTC", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1,
                      Int(parts.tm_mday), Int(parts.tm_hour), Int(parts.tm_min))
    }

    static func contains(_ bytes: [UInt8], _ text: String) -> Bool {
        let needle = Array(text.utf8)
        guard bytes.count >= needle.count else { return false }
        for start in 0...(bytes.count - needle.count) where bytes[start] == needle[0] {
            if bytes[start..<(start + needle.count)].elementsEqual(needle) { return true }
        }
        return false
    }
}
