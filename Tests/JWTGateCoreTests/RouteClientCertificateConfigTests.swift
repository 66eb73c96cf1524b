import Foundation
import Testing
@testable import JWTGateCore

/// routes.yaml's `require_client_certificate` and `allowed_client_subjects`: what loads, what a route
/// admits, and the issue each mistake gives.
@Suite("routes.yaml: routes that require a client certificate")
struct RouteClientCertificateConfigTests {
    /// gateway.yaml with a plain listener and, when `verifying`, a TLS listener that asks for client certificates.
    static func gateway(verifying: Bool) -> String {
        let certs = TestCertificates.shared
        guard verifying else { return ConfigFixture.gateway("server:\n  listen: [\"127.0.0.1:0\"]") }
        return ConfigFixture.gateway("""
            server:
              listen:
                - "127.0.0.1:0"
                - address: "127.0.0.1:0"
                  tls:
                    cert_file: \(certs.path("rsa-chain.pem"))
                    key_file: \(certs.path("rsa.key"))
                    client_ca_file: \(certs.path("ca.pem"))
                    verify_client: optional
            """)
    }

    @Test("the flag and the subject list load; the list implies the flag; neither: every caller is admitted")
    func loads() throws {
        let config = try ConfigFixture().load(gateway: Self.gateway(verifying: true), routes: """
            routes:
              - path: /open/
                upstream: http://a.internal
              - path: /services/
                upstream: http://b.internal
                auth: none
                require_client_certificate: true
              - path: /billing/
                upstream: http://c.internal
                auth: none
                allowed_client_subjects: ["CN=billing,O=Example Corp", "CN=audit,O=Example Corp"]
            """)
        let open = config.routes[0], services = config.routes[1], billing = config.routes[2]
        #expect(!open.requireClientCertificate && open.allowedClientSubjects == nil)
        #expect(open.admitsClient(subject: nil))
        #expect(services.requireClientCertificate && services.allowedClientSubjects == nil)
        #expect(!services.admitsClient(subject: nil))
        #expect(services.admitsClient(subject: "CN=anyone"))
        #expect(billing.requireClientCertificate)
        #expect(billing.admitsClient(subject: "CN=billing,O=Example Corp"))
        #expect(!billing.admitsClient(subject: "CN=billing,O=Example Corp,OU=x"))
        #expect(!billing.admitsClient(subject: "cn=billing,o=example corp"), "compared exactly")
        #expect(!billing.admitsClient(subject: nil))
    }

    @Test("a route requiring a certificate with no listener asking for one is an error naming the route")
    func needsAVerifyingListener() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: Self.gateway(verifying: false), routes: """
            routes:
              - path: /a/
                upstream: http://a.internal
              - path: /services/
                upstream: http://b.internal
                require_client_certificate: true
              - path: /billing/
                upstream: http://c.internal
                allowed_client_subjects: ["CN=billing"]
            """)
        #expect(issues.map(\.key) == ["routes[1].require_client_certificate", "routes[2].allowed_client_subjects"])
        #expect(issues.map(\.line) == [4, 7])
        #expect(issues.allSatisfy { $0.file == fixture.path("routes.yaml") })
        #expect(issues.first?.problem == "needs a client certificate, but no listener asks clients for one")
        #expect(issues.first?.fix.contains("verify_client: optional") == true)
    }

    @Test("an empty list, an empty subject and `require_client_certificate: false` beside a list are refused",
          arguments: [
              ("allowed_client_subjects: []", "routes[0].allowed_client_subjects", "is an empty list"),
              ("allowed_client_subjects: [\"CN=a\", \" \"]", "routes[0].allowed_client_subjects[1]", "is an empty subject"),
              ("allowed_client_subjects: [\"CN=a\"]\n    require_client_certificate: false",
               "routes[0].require_client_certificate", "is false, but allowed_client_subjects needs a certificate"),
              ("allowed_client_subjects: CN=a", "routes[0].allowed_client_subjects", "list"),
          ])
    func mistakes(yaml: String, key: String, problem: String) throws {
        let issues = try ConfigFixture().issues(gateway: Self.gateway(verifying: true),
                                                routes: "routes:\n  - path: /a/\n    upstream: http://x\n    \(yaml)\n")
        try #require(issues.count == 1, "got: \(issues.map(\.description))")
        #expect(issues[0].key == key)
        #expect(issues[0].problem.contains(problem), "problem: \(issues[0].problem)")
    }
}
