import JWTGateCore
import Testing

@Suite("JWT encoding and decoding, PyJWT 1.7.1 compatible")
struct JWTCodecTests {
    // The spec §3.3 vectors: HS256 with secret "test-secret-key-for-spec", produced by the real stack.
    static let vectors: [(payload: String, token: String)] = [
        (#"{"user_id":1,"username":"alice","exp":1795941857,"email":"alice@example.com"}"#,
         "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxLCJ1c2VybmFtZSI6ImFsaWNlIiwiZXhwIjoxNzk1OTQxODU3LCJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIn0.hvW8Mxzc0lnXdr0LnUCN3MY3VzuW33A8P_SORrffds0"),
        (#"{"user_id":1,"username":"alice","exp":1795941872,"email":"alice@example.com","orig_iat":1795941572}"#,
         "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoxLCJ1c2VybmFtZSI6ImFsaWNlIiwiZXhwIjoxNzk1OTQxODcyLCJlbWFpbCI6ImFsaWNlQGV4YW1wbGUuY29tIiwib3JpZ19pYXQiOjE3OTU5NDE1NzJ9.J78zRNA61DSLnOPPBVckavCh0LbfUJpYLQwCfVHZpz0"),
        (#"{"user_id":7,"username":"jos\u00e9/\u00fc","exp":1700000300,"email":"","orig_iat":1700000000,"aud":"svc","iss":"me"}"#,
         "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo3LCJ1c2VybmFtZSI6Impvc1x1MDBlOS9cdTAwZmMiLCJleHAiOjE3MDAwMDAzMDAsImVtYWlsIjoiIiwib3JpZ19pYXQiOjE3MDAwMDAwMDAsImF1ZCI6InN2YyIsImlzcyI6Im1lIn0.8Z5IiQ9k-srHNWiF30c4K0eWvk6IwjBfuxgTM5_Z8UA"),
        (#"{"user_id":"edf1b473-f099-4db4-8191-3d4249c63713","username":"a@example.com","exp":1795941936,"email":"a@example.com"}"#,
         "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjoiZWRmMWI0NzMtZjA5OS00ZGI0LTgxOTEtM2Q0MjQ5YzYzNzEzIiwidXNlcm5hbWUiOiJhQGV4YW1wbGUuY29tIiwiZXhwIjoxNzk1OTQxOTM2LCJlbWFpbCI6ImFAZXhhbXBsZS5jb20ifQ.XN-8h9lc5psm8QJOUhXn1BMb_vvNQZs1inFKrY2MzGY"),
    ]

    @Test("issues the spec's HS256 vectors byte for byte", arguments: 0..<4)
    func specVectors(index: Int) throws {
        let codec = try JWTCodec(config: TestSupport.hsConfig())
        let vector = Self.vectors[index]
        #expect(codec.encode(TestSupport.object(vector.payload)) == vector.token)
    }

    @Test("accepts the spec's vectors before they expire and returns the claims in order", arguments: 0..<4)
    func decodesVectors(index: Int) throws {
        let codec = try JWTCodec(config: TestSupport.hsConfig())
        let vector = Self.vectors[index]
        var config = TestSupport.hsConfig()
        config.audience = .single("svc")
        config.issuer = "me"
        let strict = try JWTCodec(config: config)
        let payload = index == 2 ? try strict.decode(Array(vector.token.utf8), now: 1_700_000_000)
                                 : try codec.decode(Array(vector.token.utf8), now: 1_795_941_000)
        #expect(payload == TestSupport.object(vector.payload))
    }

    @Test("refuses alg none, another HMAC algorithm, and an HS256 token signed with the RSA public key")
    func algorithmPinning() throws {
        let hs = try JWTCodec(config: TestSupport.hsConfig())
        let payload = #"{"username":"alice","exp":9999999999}"#
        let noneToken = Base64URL.encodeToString(Array(#"{"typ":"JWT","alg":"none"}"#.utf8)) + "."
            + Base64URL.encodeToString(Array(payload.utf8)) + "."
        #expect(throws: TokenError.invalid("The specified alg value is not allowed")) { try hs.decode(Array(noneToken.utf8), now: 0) }

        let hs512 = try JWTCodec(config: TestSupport.hsConfig("test-secret-key-for-spec", .hs512))
        let other = hs512.encode(TestSupport.object(payload))!
        #expect(throws: TokenError.invalid("The specified alg value is not allowed")) { try hs.decode(Array(other.utf8), now: 0) }

        let rs = try JWTCodec(config: TestSupport.keyConfig(.rs256, privateKey: "keys/rsa-private.pem", publicKey: "keys/rsa-public.pem"))
        let publicPEM = TestSupport.read(TestSupport.fixture("keys/rsa-public.pem"))
        let forgedKey = HMACKey(algorithm: .hs256, key: Array(publicPEM.utf8))!
        var forged = Array(#"{"typ":"JWT","alg":"HS256"}"#.utf8)
        forged = Base64URL.encode(forged) + [UInt8(ascii: ".")] + Base64URL.encode(Array(payload.utf8))
        let signature = forged.withUnsafeBytes { forgedKey.mac($0) }
        let forgedToken = forged + [UInt8(ascii: ".")] + Base64URL.encode(signature)
        #expect(throws: TokenError.invalid("The specified alg value is not allowed")) { try rs.decode(forgedToken, now: 0) }
    }

    @Test("a secret that is a public key is refused at start-up")
    func publicKeyAsSecret() {
        let pem = TestSupport.read(TestSupport.fixture("keys/rsa-public.pem"))
        #expect(throws: JWTKeyError.self) { try JWTCodec(config: TestSupport.hsConfig(pem)) }
    }

    @Test("wrong key, tampered payload, stripped signature and padding are decode errors")
    func decodeErrors() throws {
        let codec = try JWTCodec(config: TestSupport.hsConfig())
        let token = Self.vectors[0].token
        let other = try JWTCodec(config: TestSupport.hsConfig("another-secret"))
        for bad in [other.encode(TestSupport.object(Self.vectors[0].payload))!,
                    token + "==", token.dropLast(1) + "A", String(token[..<token.lastIndex(of: ".")!]) + ".",
                    "abc", "a.b", "a.b.c", "a.b.c.d",
                    Base64URL.encodeToString(Array("not json".utf8)) + ".e30.abc"] {
            #expect(throws: TokenError.self) { try codec.decode(Array(bad.utf8), now: 1_795_941_000) }
            do {
                _ = try codec.decode(Array(bad.utf8), now: 1_795_941_000)
            } catch {
                #expect(error.kind == .decode, "\(bad)")
            }
        }
    }

    @Test("RS256, PS256, ES256 and ES512 sign and verify; the signature is checked", arguments: [
        (JWTAlgorithm.rs256, "keys/rsa-private.pem", "keys/rsa-public.pem"),
        (.rs512, "keys/rsa-private.pem", "keys/rsa-public-pkcs1.pem"),
        (.ps256, "keys/rsa-private.pem", "keys/rsa-public.pem"),
        (.es256, "keys/ec256-private.pem", "keys/ec256-public.pem"),
        (.es512, "keys/ec521-private.pem", "keys/ec521-public.pem"),
    ])
    func asymmetric(algorithm: JWTAlgorithm, privateKey: String, publicKey: String) throws {
        let codec = try JWTCodec(config: TestSupport.keyConfig(algorithm, privateKey: privateKey, publicKey: publicKey))
        let payload = TestSupport.object(#"{"user_id":1,"username":"alice","exp":2000000000}"#)
        let token = try #require(codec.encode(payload))
        #expect(try codec.decode(Array(token.utf8), now: 1_900_000_000) == payload)
        let header = String(token.split(separator: ".")[0])
        #expect(Base64URL.decode(Array(header.utf8)).map { String(decoding: $0, as: UTF8.self) }
            == "{\"typ\":\"JWT\",\"alg\":\"\(algorithm.rawValue)\"}")
        if algorithm.rawValue.hasPrefix("ES") {
            let signature = Base64URL.decode(Array(token.split(separator: ".")[2].utf8))!
            #expect(signature.count == (algorithm == .es256 ? 64 : 132), "raw r||s, not DER")
        }
        var tampered = Array(token.utf8)
        tampered[tampered.count - 3] = tampered[tampered.count - 3] == UInt8(ascii: "A") ? UInt8(ascii: "B") : UInt8(ascii: "A")
        #expect(throws: TokenError.self) { try codec.decode(tampered, now: 1_900_000_000) }
    }

    @Test("a key of the wrong type for the algorithm is a start-up error")
    func wrongKeyType() {
        #expect(throws: JWTKeyError.self) {
            try JWTCodec(config: TestSupport.keyConfig(.es256, privateKey: nil, publicKey: "keys/rsa-public.pem"))
        }
        #expect(throws: JWTKeyError.self) {
            try JWTCodec(config: TestSupport.keyConfig(.rs256, privateKey: "keys/ec256-private.pem", publicKey: "keys/rsa-public.pem"))
        }
    }

    @Test("a token signed with another RSA key fails")
    func otherRSAKey() throws {
        let mine = try JWTCodec(config: TestSupport.keyConfig(.rs256, privateKey: "keys/rsa-private.pem", publicKey: "keys/rsa-public.pem"))
        let theirs = try JWTCodec(config: TestSupport.keyConfig(.rs256, privateKey: "keys/other-rsa-private.pem", publicKey: "keys/other-rsa-public.pem"))
        let token = theirs.encode(TestSupport.object(#"{"username":"alice"}"#))!
        #expect(throws: TokenError.decode("Signature verification failed")) { try mine.decode(Array(token.utf8), now: 0) }
    }
}

@Suite("Base64url is strict")
struct Base64URLTests {
    @Test("round trips every length")
    func roundTrip() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
        }
    }

    @Test("refuses padding, foreign characters, impossible lengths and non-zero trailing bits",
          arguments: ["YQ==", "YQ=", "Y+Q", "Y/Q", "Y Q", "YWJjZ", "YR", "YWK"])
    func refuses(text: String) {
        #expect(Base64URL.decode(Array(text.utf8)) == nil)
    }
}
