import Foundation
import Testing
@testable import JWTGateCore

/// routes.yaml's `client_cert_file`, `client_key_file` and `min_tls_version`: what loads, and the one
/// precise issue each mistake gives (problems compared whole; `{tls/x.pem}` stands for that file of the
/// fixture as messages quote it).
@Suite("routes.yaml: client certificate and minimum TLS version toward https upstreams")
struct RouteUpstreamTLSConfigTests {
    static let certificate = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
    static let key = "-----BEGIN PRIVATE KEY-----\nMIGH\n-----END PRIVATE KEY-----\n"
    static let ecKey = "-----BEGIN EC PRIVATE KEY-----\nMHcC\n-----END EC PRIVATE KEY-----\n"
    static let encryptedKey = "-----BEGIN ENCRYPTED PRIVATE KEY-----\nMIHs\n-----END ENCRYPTED PRIVATE KEY-----\n"
    static let legacyEncryptedKey = "-----BEGIN EC PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-256-CBC,00\n\nMHcC\n-----END EC PRIVATE KEY-----\n"

    static func fixture() throws -> ConfigFixture {
        let fixture = try ConfigFixture()
        try fixture.write("tls/client.pem", certificate)
        try fixture.write("tls/client.key", key)
        try fixture.write("tls/client-ec.key", ecKey)
        try fixture.write("tls/encrypted.key", encryptedKey)
        try fixture.write("tls/legacy-encrypted.key", legacyEncryptedKey)
        return fixture
    }

    @Test("both files resolve next to routes.yaml; min_tls_version reads quoted or plain; 1.2 and none by default")
    func loads() throws {
        let fixture = try Self.fixture()
        let config = try fixture.load(gateway: ConfigFixture.gateway(), routes: """
            routes:
              - path: /plain/
                upstream: https://a.internal
              - path: /mtls/
                upstream: [http://b.internal, https://c.internal]
                client_cert_file: tls/client.pem
                client_key_file: tls/client.key
                min_tls_version: "1.3"
              - path: /ec/
                upstream: https://d.internal
                client_cert_file: tls/client.pem
                client_key_file: tls/client-ec.key
                min_tls_version: 1.2
              - path: /nulls/
                upstream: https://e.internal
                client_cert_file: null
                client_key_file: ~
                min_tls_version:
            """)
        #expect(config.routes[0].clientCertificate == nil)
        #expect(config.routes[0].minTLSVersion == .tls12)
        #expect(config.routes[1].clientCertificate == UpstreamClientCertificate(
            certFile: fixture.path("tls/client.pem"), keyFile: fixture.path("tls/client.key")))
        #expect(config.routes[1].minTLSVersion == .tls13)
        #expect(config.routes[2].clientCertificate?.keyFile == fixture.path("tls/client-ec.key"))
        #expect(config.routes[2].minTLSVersion == .tls12)
        #expect(config.routes[3].clientCertificate == nil)
        #expect(config.routes[3].minTLSVersion == .tls12)
    }

    static let http = "routes:\n  - path: /a/\n    upstream: http://x\n"
    static let https = "routes:\n  - path: /a/\n    upstream: https://x\n"
    static let notHTTPS = "is set but no upstream of this route is https"

    static let cases: [FileErrorCase] = [
        .init(name: "client_cert_file on an http route",
              yaml: http + "    client_cert_file: tls/client.pem\n",
              key: "routes[0].client_cert_file", line: 4, problem: notHTTPS,
              fix: "remove it, or write the upstream as https://host:port"),
        .init(name: "client_key_file on an http route", yaml: http + "    client_key_file: tls/client.key\n",
              key: "routes[0].client_key_file", line: 4, problem: notHTTPS, fix: "https://host:port"),
        .init(name: "min_tls_version on an http route", yaml: http + "    min_tls_version: \"1.3\"\n",
              key: "routes[0].min_tls_version", line: 4, problem: notHTTPS, fix: "https://host:port"),
        .init(name: "certificate without key", yaml: https + "    client_cert_file: tls/client.pem\n",
              key: "routes[0].client_cert_file", line: 4, problem: "is set without `client_key_file`",
              fix: "add `client_key_file:` with the client certificate's private key (PEM)"),
        .init(name: "key without certificate", yaml: https + "    client_key_file: tls/client.key\n",
              key: "routes[0].client_key_file", line: 4, problem: "is set without `client_cert_file`",
              fix: "add `client_cert_file:` with the client certificate (PEM)"),
        .init(name: "certificate that is not there",
              yaml: https + "    client_cert_file: tls/missing.pem\n    client_key_file: tls/client.key\n",
              key: "routes[0].client_cert_file", line: 4, problem: "{tls/missing.pem} cannot be read",
              fix: "point it at the client certificate the upstream expects (PEM, leaf first)"),
        .init(name: "key that is not there",
              yaml: https + "    client_cert_file: tls/client.pem\n    client_key_file: tls/missing.key\n",
              key: "routes[0].client_key_file", line: 5, problem: "{tls/missing.key} cannot be read",
              fix: "point it at the client certificate's private key, PEM and unencrypted"),
        .init(name: "certificate file holding a key",
              yaml: https + "    client_cert_file: tls/client.key\n    client_key_file: tls/client.key\n",
              key: "routes[0].client_cert_file", line: 4,
              problem: "{tls/client.key} holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
              fix: "point it at the client certificate the upstream expects"),
        .init(name: "key file holding a certificate",
              yaml: https + "    client_cert_file: tls/client.pem\n    client_key_file: tls/client.pem\n",
              key: "routes[0].client_key_file", line: 5,
              problem: "{tls/client.pem} holds no PEM private key (-----BEGIN PRIVATE KEY-----)",
              fix: "point it at the client certificate's private key"),
        .init(name: "encrypted key (PKCS#8)",
              yaml: https + "    client_cert_file: tls/client.pem\n    client_key_file: tls/encrypted.key\n",
              key: "routes[0].client_key_file", line: 5,
              problem: "{tls/encrypted.key} holds an encrypted private key, and jwtgate has no passphrase for it",
              fix: "`openssl pkey -in key.pem -out plain-key.pem` decrypts one"),
        .init(name: "encrypted key (traditional PEM)",
              yaml: https + "    client_cert_file: tls/client.pem\n    client_key_file: tls/legacy-encrypted.key\n",
              key: "routes[0].client_key_file", line: 5,
              problem: "{tls/legacy-encrypted.key} holds an encrypted private key, and jwtgate has no passphrase for it"),
        .init(name: "TLS 1.1", yaml: https + "    min_tls_version: \"1.1\"\n",
              key: "routes[0].min_tls_version", line: 4, problem: "unknown value \"1.1\"",
              fix: "write \"1.2\" or \"1.3\" (TLS 1.0 and 1.1 are never accepted)"),
        .init(name: "version written with its protocol name", yaml: https + "    min_tls_version: TLSv1.3\n",
              key: "routes[0].min_tls_version", line: 4, problem: "unknown value \"TLSv1.3\"",
              fix: "write \"1.2\" or \"1.3\""),
        .init(name: "misspelt key", yaml: https + "    client_cert: tls/client.pem\n",
              key: "routes[0].client_cert", line: 4, problem: "unknown key `client_cert`",
              fix: "known keys here: path, upstream, auth, methods, strip_prefix, timeout, preserve_host, ca_file, "
                  + "client_cert_file, client_key_file, min_tls_version, skip_auth_preflight"),
    ]

    @Test("a wrong key gives one issue naming file, key, line and fix", arguments: cases)
    func error(_ testCase: FileErrorCase) throws {
        let fixture = try Self.fixture()
        let issues = try fixture.issues(gateway: ConfigFixture.gateway(), routes: testCase.yaml)
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        let issue = issues[0]
        #expect(issue.file == fixture.path("routes.yaml"))
        #expect(issue.key == testCase.key)
        #expect(issue.line == testCase.line)
        var problem = testCase.problem
        if let open = problem.firstIndex(of: "{"), let close = problem.firstIndex(of: "}") {
            let file = String(problem[problem.index(after: open)..<close])
            problem.replaceSubrange(open...close, with: YAMLNodeReader.quote(fixture.path(file)))
        }
        #expect(issue.problem == problem, "problem: \(issue.problem)")
        #expect(testCase.fix.isEmpty || issue.fix.contains(testCase.fix), "fix: \(issue.fix)")
    }

    @Test("an http route with all three keys names each of them")
    func everyKeyOnHTTPRoute() throws {
        let fixture = try Self.fixture()
        let issues = try fixture.issues(gateway: ConfigFixture.gateway(), routes: Self.http + """
                client_cert_file: tls/client.pem
                client_key_file: tls/client.key
                min_tls_version: "1.2"

            """)
        #expect(issues.map(\.key) == ["routes[0].client_cert_file", "routes[0].client_key_file", "routes[0].min_tls_version"])
        #expect(issues.map(\.line) == [4, 5, 6])
        #expect(issues.allSatisfy { $0.problem == Self.notHTTPS })
    }
}
