import Foundation
import Testing

@testable import JWTGateCore

/// Certificates made once per test run with the openssl CLI (OpenSSL 3.0's `x509 -req` cannot date a
/// certificate in the past, so the expired and not-yet-valid ones come from `openssl ca -startdate/-enddate`).
final class TestCertificates: Sendable {
    static let shared = TestCertificates()

    let directory: String

    static let script = #"""
        set -e
        ec() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>/dev/null; }
        rsa() { openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:"$2" -out "$1" 2>/dev/null; }
        # leaf <name> <key> <ext> <days>: a certificate for <key> issued by the intermediate; <name>-chain.pem adds it
        leaf() { openssl req -new -key "$2" -subj "/CN=api.example.test" -out "$1.csr"
                 openssl x509 -req -in "$1.csr" -CA int.pem -CAkey int.key -CAcreateserial -days "$4" -extfile "$3" \
                   -out "$1.pem" 2>/dev/null
                 cat "$1.pem" int.pem > "$1-chain.pem"; }
        # dated <name> <key> <start> <end>: like leaf, with dates in the past or the future
        dated() { openssl req -new -key "$2" -subj "/CN=api.example.test" -out "$1.csr"
                  openssl ca -batch -config ca.cnf -cert int.pem -keyfile int.key -in "$1.csr" -out "$1.pem" \
                    -startdate "$3" -enddate "$4" -extfile server.ext -notext 2>/dev/null
                  cat "$1.pem" int.pem > "$1-chain.pem"; }
        ec ca.key; ec int.key
        openssl req -x509 -new -key ca.key -subj "/CN=Test Root" -days 3650 -out ca.pem \
          -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign"
        openssl req -new -key int.key -subj "/CN=Test Intermediate" -out int.csr
        printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > int.ext
        openssl x509 -req -in int.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 3650 -extfile int.ext \
          -out int.pem 2>/dev/null
        names='subjectAltName=DNS:api.example.test,DNS:*.example.test,IP:127.0.0.1,IP:::1'
        printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n%s\n' "$names" > server.ext
        printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n%s\n' "$names" > rsa.ext
        printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n%s\n' "$names" > client.ext
        printf 'basicConstraints=CA:FALSE\nkeyUsage=critical,keyAgreement\nextendedKeyUsage=serverAuth\n%s\n' "$names" > agree.ext
        printf 'basicConstraints=CA:FALSE\n' > nosan.ext
        mkdir cadb; touch cadb/index.txt; echo 1000 > cadb/serial
        printf '[ca]\ndefault_ca = test\n[test]\ndatabase = cadb/index.txt\nnew_certs_dir = cadb\nserial = cadb/serial\ndefault_md = sha256\npolicy = anything\nunique_subject = no\n[anything]\ncommonName = supplied\n' > ca.cnf
        ec ec.key; leaf ec ec.key server.ext 365
        rsa rsa.key 2048; leaf rsa rsa.key rsa.ext 365
        ec other.key; leaf other other.key server.ext 365
        ec soon.key; leaf soon soon.key server.ext 5
        ec client.key; leaf client client.key client.ext 365
        ec agree.key; leaf agree agree.key agree.ext 365
        ec nosan.key; leaf nosan nosan.key nosan.ext 365
        rsa weak.key 1024; leaf weak weak.key rsa.ext 365
        openssl genpkey -algorithm ED25519 -out ed.key; leaf ed ed.key server.ext 365
        ec old.key; dated old old.key 20200101000000Z 20200201000000Z
        ec future.key; dated future future.key 20400101000000Z 20410101000000Z
        cat int.pem ec.pem > reversed.pem
        cat ec.pem ca.pem int.pem > misordered.pem
        openssl pkey -in ec.key -aes256 -passout pass:secret -out encrypted.key
        openssl rsa -in rsa.key -aes256 -traditional -passout pass:secret -out encrypted-rsa.key 2>/dev/null
        echo made
        """#

    private init() {
        var template = Array("/tmp/jwtgate-tls-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        directory = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", Self.script]
        process.currentDirectoryURL = URL(fileURLWithPath: directory)
        do { try process.run() } catch { fatalError("cannot run /bin/sh: \(error)") }
        process.waitUntilExit()
        precondition(process.terminationStatus == 0, "the openssl script failed in \(directory)")
        atexit { try? FileManager.default.removeItem(atPath: TestCertificates.shared.directory) }
    }

    func path(_ name: String) -> String { "\(directory)/\(name)" }
    func quoted(_ name: String) -> String { YAMLNodeReader.quote(path(name)) }
}

private let certs = TestCertificates.shared

/// One TLS listener with `pairs` (the first as `cert_file`/`key_file`, the rest under `certificates:`).
private func listener(_ pairs: [(cert: String, key: String)], clientCA: String? = nil) -> ServerConfig {
    let written = pairs.enumerated().map { index, pair in
        ListenerTLSConfig.CertificatePair(
            certFile: certs.path(pair.cert), keyFile: certs.path(pair.key),
            key: index == 0 ? "server.listen[0].tls" : "server.listen[0].tls.certificates[\(index - 1)]")
    }
    var tls = ListenerTLSConfig(certificates: written)
    if let clientCA {
        tls.clientCAFile = certs.path(clientCA)
        tls.verifyClient = .required
    }
    var server = ServerConfig()
    server.listen = [ListenAddress(host: "127.0.0.1", port: 8443, tls: tls)]
    return server
}

/// `now` is read after the certificates exist (the first call makes them, valid from that second on).
private func review(_ pairs: [(cert: String, key: String)], clientCA: String? = nil,
                    now: Date? = nil) -> TLSCertificateReview.Findings {
    let server = listener(pairs, clientCA: clientCA)
    return TLSCertificateReview.review(server, file: "/etc/jwtgate/gateway.yaml", now: now ?? Date())
}

/// The single error of a review (fails the test when there is not exactly one).
private func onlyError(_ findings: TLSCertificateReview.Findings) -> ConfigIssue? {
    #expect(findings.errors.count == 1, "\(findings.errors)")
    return findings.errors.count == 1 ? findings.errors[0] : nil
}

@Suite("TLS certificate review")
struct TLSCertificateReviewTests {
    @Test("an ECDSA and an RSA chain for the same names, with a client CA, pass without any issue")
    func goodPairs() {
        let findings = review([("ec-chain.pem", "ec.key"), ("rsa-chain.pem", "rsa.key")], clientCA: "ca.pem")
        #expect(findings.errors == [])
        #expect(findings.warnings == [])
    }

    @Test("a leaf alone (no intermediate in the file) passes: the chain is not required to reach a root")
    func leafOnly() {
        #expect(review([("ec.pem", "ec.key")]).errors == [])
    }

    @Test("a key that belongs to another certificate is refused on key_file")
    func mismatchedKey() throws {
        let issue = try #require(onlyError(review([("ec-chain.pem", "other.key")])))
        #expect(issue.file == "/etc/jwtgate/gateway.yaml")
        #expect(issue.key == "server.listen[0].tls.key_file")
        #expect(issue.problem == "the private key in \(certs.quoted("other.key")) does not belong to the certificate "
                    + "in \(certs.quoted("ec-chain.pem"))")
        #expect(issue.fix.hasPrefix("point key_file at the key the certificate was issued for"))
        let keyBody = TestSupport.read(certs.path("other.key")).split(separator: "\n")[1]
        #expect(!issue.description.contains(keyBody), "no key material in messages")
    }

    @Test("a chain written intermediate first is refused: the key's certificate is not the first")
    func reversedChain() throws {
        let issue = try #require(onlyError(review([("reversed.pem", "ec.key")])))
        #expect(issue.key == "server.listen[0].tls.cert_file")
        #expect(issue.problem == "the private key's certificate is certificate 2 in \(certs.quoted("reversed.pem")), "
                    + "not the first: the chain is not in order")
        #expect(issue.fix.hasPrefix("put the leaf first"))
    }

    @Test("a chain with the leaf first but the root before the intermediate is refused at the first wrong link")
    func misorderedChain() throws {
        let issue = try #require(onlyError(review([("misordered.pem", "ec.key")])))
        #expect(issue.key == "server.listen[0].tls.cert_file")
        #expect(issue.problem == "the chain in \(certs.quoted("misordered.pem")) is not in order: certificate 1 "
                    + "(CN=api.example.test) is not issued by certificate 2 (CN=Test Root)")
    }

    @Test("an expired leaf is an error")
    func expired() throws {
        let issue = try #require(onlyError(review([("old-chain.pem", "old.key")])))
        #expect(issue.key == "server.listen[0].tls.cert_file")
        #expect(issue.problem == "the leaf certificate (CN=api.example.test) in \(certs.quoted("old-chain.pem")) "
                    + "expired on 2020-02-01 00:00 UTC")
        #expect(issue.fix == "renew it and point cert_file at the new chain")
    }

    @Test("a leaf that is not valid yet is an error")
    func notYetValid() throws {
        let issue = try #require(onlyError(review([("future-chain.pem", "future.key")])))
        #expect(issue.problem == "the leaf certificate (CN=api.example.test) in \(certs.quoted("future-chain.pem")) "
                    + "is not valid before 2040-01-01 00:00 UTC")
        #expect(issue.fix.contains("clock"))
    }

    @Test("a leaf that expires in 5 days is a warning, not an error")
    func expiresSoon() throws {
        let notAfter = try TLSCertificateReview.facts(certFile: certs.path("soon-chain.pem")).notAfter
        let findings = review([("soon-chain.pem", "soon.key")])
        #expect(findings.errors == [])
        #expect(findings.warnings.count == 1)
        let warning = try #require(findings.warnings.first)
        #expect(warning.key == "server.listen[0].tls.cert_file")
        #expect(warning.problem == "the leaf certificate (CN=api.example.test) in \(certs.quoted("soon-chain.pem")) "
                    + "expires on \(Reporter.utc(notAfter)), in 5 days")
        #expect(warning.fix == "renew it before then; a reload (SIGHUP) picks up the new files")
        // 15 days before the end there is nothing to say; after the end it is an error.
        let early = Date(timeIntervalSince1970: TimeInterval(notAfter - 15 * 86_400))
        #expect(review([("soon-chain.pem", "soon.key")], now: early).warnings == [])
        let late = Date(timeIntervalSince1970: TimeInterval(notAfter + 60))
        #expect(review([("soon-chain.pem", "soon.key")], now: late).errors.count == 1)
    }

    @Test("a leaf whose extendedKeyUsage is clientAuth only may not serve TLS")
    func clientAuthOnly() throws {
        let issue = try #require(onlyError(review([("client-chain.pem", "client.key")])))
        #expect(issue.key == "server.listen[0].tls.cert_file")
        #expect(issue.problem == "the leaf certificate (CN=api.example.test) in \(certs.quoted("client-chain.pem")) "
                    + "has extendedKeyUsage without serverAuth, so clients refuse it as a server certificate")
        #expect(issue.fix == "have it reissued with extendedKeyUsage serverAuth")
    }

    @Test("an ECDSA leaf whose keyUsage lacks digitalSignature is refused")
    func keyAgreementOnly() throws {
        let issue = try #require(onlyError(review([("agree-chain.pem", "agree.key")])))
        #expect(issue.problem == "the leaf certificate (CN=api.example.test) in \(certs.quoted("agree-chain.pem")) "
                    + "has keyUsage without digitalSignature, so it may not sign TLS handshakes")
    }

    @Test("an RSA-1024 key is refused on key_file")
    func weakRSA() throws {
        let issue = try #require(onlyError(review([("weak-chain.pem", "weak.key")])))
        #expect(issue.key == "server.listen[0].tls.key_file")
        #expect(issue.problem == "\(certs.quoted("weak.key")) holds a 1024-bit RSA key; at least 2048 bits are needed")
    }

    @Test("an Ed25519 key is refused: only RSA and ECDSA are served")
    func ed25519() throws {
        let issue = try #require(onlyError(review([("ed-chain.pem", "ed.key")])))
        #expect(issue.key == "server.listen[0].tls.key_file")
        #expect(issue.problem == "\(certs.quoted("ed.key")) holds a key of type ED25519; TLS listeners serve RSA "
                    + "(2048 bits or more) and ECDSA (P-256, P-384, P-521) keys")
    }

    @Test("passphrase-protected keys (PKCS#8 and traditional PEM) are refused with the openssl pkey fix",
          arguments: [("ec-chain.pem", "encrypted.key"), ("rsa-chain.pem", "encrypted-rsa.key")])
    func encryptedKey(cert: String, key: String) throws {
        let issue = try #require(onlyError(review([(cert, key)])))
        #expect(issue.key == "server.listen[0].tls.key_file")
        #expect(issue.problem == "\(certs.quoted(key)) holds a passphrase-protected private key; jwtgate does not "
                    + "read passphrase-protected keys")
        #expect(issue.fix == "decrypt it once (`openssl pkey -in \(key) -out \(key).plain`), make that file readable "
                    + "only by jwtgate and point key_file at it")
    }

    @Test("cert_file and key_file swapped: both are named, with the hint")
    func swappedFiles() {
        let findings = review([("ec.key", "ec-chain.pem")])
        #expect(findings.errors.map(\.key) == ["server.listen[0].tls.cert_file", "server.listen[0].tls.key_file"])
        #expect(findings.errors.map(\.problem) == ["\(certs.quoted("ec.key")) holds no PEM certificate",
                                                   "\(certs.quoted("ec-chain.pem")) holds no PEM private key"])
        #expect(findings.errors.allSatisfy { $0.fix.contains("swapped") })
    }

    @Test("two ECDSA pairs for the same names: the second would never be served")
    func sameNamesSameKeyType() throws {
        let issue = try #require(onlyError(review([("ec-chain.pem", "ec.key"), ("other-chain.pem", "other.key")])))
        #expect(issue.key == "server.listen[0].tls.certificates[0].cert_file")
        #expect(issue.problem == "serves the same names (*.example.test, 127.0.0.1, ::1, api.example.test) with the "
                    + "same key type (ECDSA) as server.listen[0].tls.cert_file, so it would never be chosen")
    }

    @Test("client_ca_file must hold a CA certificate, not a leaf")
    func clientCAIsLeaf() throws {
        let issue = try #require(onlyError(review([("ec-chain.pem", "ec.key")], clientCA: "ec.pem")))
        #expect(issue.key == "server.listen[0].tls.client_ca_file")
        #expect(issue.problem == "\(certs.quoted("ec.pem")) holds no CA certificate: none has basicConstraints "
                    + "CA:TRUE or is self-signed")
        #expect(review([("ec-chain.pem", "ec.key")], clientCA: "int.pem").errors == [])
    }

    @Test("a leaf without subjectAltName is served but warned about")
    func noSubjectAltName() throws {
        let findings = review([("nosan-chain.pem", "nosan.key")])
        #expect(findings.errors == [])
        #expect(findings.warnings.map(\.problem) == [
            "the leaf certificate (CN=api.example.test) in \(certs.quoted("nosan-chain.pem")) has no subjectAltName; "
                + "clients match host names against subjectAltName only",
        ])
    }

    @Test("facts: subject, names, key type and dates of the leaf")
    func facts() throws {
        let facts = try TLSCertificateReview.facts(certFile: certs.path("ec-chain.pem"))
        #expect(facts.subject == "CN=api.example.test")
        #expect(facts.dnsNames == ["api.example.test", "*.example.test"])
        #expect(facts.ipAddresses == ["127.0.0.1", "::1"])
        #expect(facts.keyType == .ec(curve: "P-256"))
        #expect(facts.notAfter - facts.notBefore == 365 * 86_400)
        #expect(try TLSCertificateReview.facts(certFile: certs.path("rsa.pem")).keyType == .rsa(bits: 2048))
        #expect(throws: CertificateFileError.self) { try TLSCertificateReview.facts(certFile: certs.path("ec.key")) }
    }
}

@Suite("TLS certificate review through the config loader")
struct TLSCertificateReviewLoaderTests {
    private func gateway(_ tls: String) -> String {
        ConfigFixture.gateway("""
            server:
              listen:
                - "127.0.0.1:0"
                - address: "127.0.0.1:0"
                  tls:
            \(tls)
            """)
    }

    @Test("a mismatched pair fails the load, naming gateway.yaml, the key and its line")
    func mismatchFailsLoad() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: gateway("""
                    cert_file: \(certs.path("ec-chain.pem"))
                    key_file: \(certs.path("other.key"))
            """))
        #expect(issues.count == 1, "\(issues)")
        let issue = try #require(issues.first)
        #expect(issue.file == fixture.path("gateway.yaml"))
        #expect(issue.key == "server.listen[1].tls.key_file")
        #expect(issue.line == 12)
        #expect(issue.problem.hasPrefix("the private key in"))
    }

    @Test("the same listener written a few lines lower is the same listener (a reload compares server.listen)")
    func linesDoNotChangeTheListener() throws {
        let tls = """
                    cert_file: \(certs.path("ec-chain.pem"))
                    key_file: \(certs.path("ec.key"))
            """
        let fixture = try ConfigFixture()
        let first = try fixture.load(gateway: gateway(tls))
        let moved = try fixture.load(gateway: "# a comment\n# and another\n" + gateway(tls))
        #expect(first.server.listen[1].tls?.lines["server.listen[1].tls.cert_file"] == 11)
        #expect(moved.server.listen[1].tls?.lines["server.listen[1].tls.cert_file"] == 13)
        #expect(first.server.listen == moved.server.listen)
    }

    @Test("an expired pair under certificates: is named by its list item")
    func expiredListItem() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: gateway("""
                    cert_file: \(certs.path("rsa-chain.pem"))
                    key_file: \(certs.path("rsa.key"))
                    certificates:
                      - cert_file: \(certs.path("old-chain.pem"))
                        key_file: \(certs.path("old.key"))
            """))
        #expect(issues.map(\.key) == ["server.listen[1].tls.certificates[0].cert_file"])
        #expect(issues.map(\.line) == [14])
        #expect(issues.first?.problem.contains("expired on 2020-02-01 00:00 UTC") == true)
    }

    @Test("a good ECDSA + RSA set loads; a certificate expiring soon is only a warning")
    func goodSetLoads() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.load(gateway: gateway("""
                    cert_file: \(certs.path("soon-chain.pem"))
                    key_file: \(certs.path("soon.key"))
                    certificates:
                      - {cert_file: \(certs.path("rsa-chain.pem")), key_file: \(certs.path("rsa.key"))}
                    client_ca_file: \(certs.path("ca.pem"))
                    verify_client: optional
            """))
        #expect(TLSCertificateReview.errors(for: config) == [])
        let warnings = TLSCertificateReview.warnings(for: config)
        #expect(warnings.map(\.key) == ["server.listen[1].tls.cert_file"])
        #expect(warnings.map(\.line) == [11])
        #expect(warnings.first?.problem.hasSuffix("in 5 days") == true)
    }
}
