import Foundation
import Testing
@testable import JWTGateCore

@Suite("Environment substitution and secrets")
struct ConfigSubstitutionAndSecretTests {
    @Test("${NAME} is replaced in all three files before values are converted")
    func substitutionEverywhere() throws {
        let fixture = try ConfigFixture()
        let config = try fixture.load(gateway: """
            server:
              listen: "${HOST}:${PORT}"
              max_body_bytes: ${BODY}
            jwt:
              secret_key: "${JWT_SECRET_KEY}"
              expiration_delta: "${TTL}"
              issuer: "literal $${NOT_A_VAR} and $5"
            routes: routes.yaml
            """, users: """
            users:
              - id: ${ALICE_ID}
                username: alice
                password: "${ALICE_HASH}"
                api_secret: "${ALICE_SECRET}"
            """, routes: """
            routes:
              - path: /api/
                upstream: "http://${UPSTREAM}"
                strip_prefix: ${STRIP}
            """, environment: [
                "HOST": "0.0.0.0", "PORT": "9090", "BODY": "2KiB", "JWT_SECRET_KEY": "from-env", "TTL": "15m",
                "ALICE_ID": "5", "ALICE_HASH": ConfigFixture.validHash, "ALICE_SECRET": "per-user",
                "UPSTREAM": "10.1.2.3:81", "STRIP": "true",
            ])
        #expect(config.server.listen == [ListenAddress(host: "0.0.0.0", port: 9090)])
        #expect(config.server.maxBodyBytes == 2048)
        #expect(config.jwt.secretKey == Secret("from-env"))
        #expect(config.jwt.expirationDelta == 900)
        #expect(config.jwt.issuer == "literal ${NOT_A_VAR} and $5")
        #expect(config.routes[0].upstreams == [UpstreamTarget(scheme: "http", host: "10.1.2.3", port: 81, basePath: "")])
        #expect(config.routes[0].stripPrefix)
        guard case .file(_, let users) = config.users.backend else {
            Issue.record("expected the file backend")
            return
        }
        #expect(users[0].id == .integer(5))
        #expect(users[0].passwordHash == ConfigFixture.validHash)
        #expect(users[0].fields["api_secret"] == "per-user")
    }

    @Test("a missing variable is an issue naming it, the key and the line, in every file")
    func missingVariables() throws {
        let fixture = try ConfigFixture()
        let issues = try fixture.issues(gateway: """
            jwt:
              secret_key: "${JWT_SECRET_KEY}"
            routes: routes.yaml
            """, users: """
            users:
              - id: 1
                username: "${ADMIN_NAME}"
                password: "!"
            """, routes: """
            routes:
              - path: /api/
                upstream: http://${UPSTREAM_HOST}:${UPSTREAM_PORT}
            """)
        #expect(issues.map(\.description) == [
            "\(fixture.path("gateway.yaml")):2: jwt.secret_key: environment variable JWT_SECRET_KEY is not set — "
                + "set JWT_SECRET_KEY in jwtgate's environment, or write the value in the file",
            "\(fixture.path("users.yaml")):3: users[0].username: environment variable ADMIN_NAME is not set — "
                + "set ADMIN_NAME in jwtgate's environment, or write the value in the file",
            "\(fixture.path("routes.yaml")):3: routes[0].upstream: environment variable UPSTREAM_HOST is not set — "
                + "set UPSTREAM_HOST in jwtgate's environment, or write the value in the file",
            "\(fixture.path("routes.yaml")):3: routes[0].upstream: environment variable UPSTREAM_PORT is not set — "
                + "set UPSTREAM_PORT in jwtgate's environment, or write the value in the file",
        ])
    }

    @Test("no secret ever appears in a message")
    func secretsNeverPrinted() throws {
        let fixture = try ConfigFixture()
        let secrets = ["TOPSECRET-HMAC", "hunter2-db-password", "PRIVATE-PEM-BODY", "plain-password-typed-in",
                       "per-user-SECRET", "pbkdf2_sha256$1$SALTSALT$HASHHASH"]
        try fixture.write("private.pem", "PRIVATE-PEM-BODY without any header\n")
        try fixture.write("public.pem", "-----BEGIN PRIVATE KEY-----\nPRIVATE-PEM-BODY\n-----END PRIVATE KEY-----\n")
        let issues = try fixture.issues(gateway: """
            jwt:
              secret_key: ["TOPSECRET-HMAC"]
              algorithm: RS256
              public_key_file: public.pem
              private_key_file: private.pem
              verify: nope
            users:
              backend: postgres
              url: "mysql://root:hunter2-db-password@db/app"
            """, users: nil, routes: nil)
        let userIssues = try fixture.issues(gateway: ConfigFixture.gateway(), users: """
            users:
              - id: 1
                username: a
                password: plain-password-typed-in
                token_secret: [per-user-SECRET]
              - id: 1
                username: a
                password: "pbkdf2_sha256$1$SALTSALT$HASHHASH"
                is_active: nope
            """)
        let syntaxIssues = try fixture.issues(gateway: "jwt:\n  secret_key: \"TOPSECRET-HMAC\n  x: [\n")
        #expect(issues.count == 5, "got: \(issues.map(\.description).joined(separator: "\n"))")
        #expect(userIssues.count == 3, "got: \(userIssues.map(\.description))")
        #expect(syntaxIssues.count == 1)
        let text = ConfigError(issues: issues + userIssues + syntaxIssues).description
        for secret in secrets {
            #expect(!text.contains(secret), "leaked \(secret) in:\n\(text)")
        }
        #expect(!text.contains("hunter2"))
    }

    @Test("Secret values print redacted")
    func secretDescription() {
        #expect("\(Secret("x"))" == "<redacted>")
        #expect(String(reflecting: Secret("x")) == "<redacted>")
    }
}
