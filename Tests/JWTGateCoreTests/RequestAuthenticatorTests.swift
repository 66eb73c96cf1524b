import JWTGateCore
import Testing

@Suite("Authentication of proxied requests (spec §6.2)")
struct RequestAuthenticatorTests {
    static func authenticator(userSecretField: String? = nil) throws -> (RequestAuthenticator, JWTCodec) {
        var config = TestSupport.hsConfig("auth-secret")
        config.userSecretField = userSecretField
        let codec = try JWTCodec(config: config)
        let directory = UserDirectory(store: FileUserStore(users: [TestSupport.alice, TestSupport.bob, TestSupport.carol]),
                                      ttl: .seconds(5))
        return (RequestAuthenticator(codec: codec, directory: directory, userSecretField: userSecretField,
                                     cache: VerifiedTokenCache()), codec)
    }

    func outcome(_ authenticator: RequestAuthenticator, _ token: String, now: Int64) -> String {
        switch authenticator.authenticate(token: Array(token.utf8), now: now, monotonicNow: 0, mayBlock: false) {
        case .authenticated(let user): return "ok:\(user.username)"
        case .rejected(let message): return message
        case .wouldBlock: return "would block"
        case .storeFailed: return "store failed"
        }
    }

    @Test("the library's messages for each failure")
    func messages() throws {
        let (auth, codec) = try Self.authenticator()
        func token(_ json: String) -> String { codec.encode(TestSupport.object(json))! }
        #expect(outcome(auth, token(#"{"username":"alice","exp":2000}"#), now: 1000) == "ok:alice")
        #expect(outcome(auth, token(#"{"username":"alice","exp":999}"#), now: 1000) == "Signature has expired.")
        #expect(outcome(auth, token(#"{"username":"bob"}"#), now: 1000) == "User account is disabled.")
        #expect(outcome(auth, token(#"{"username":"ghost"}"#), now: 1000) == "Invalid signature.")
        #expect(outcome(auth, token(#"{"user_id":1}"#), now: 1000) == "Invalid payload.")
        #expect(outcome(auth, token(#"{"username":"alice","aud":"x"}"#), now: 1000) == "Incorrect authentication credentials.")
        #expect(outcome(auth, token(#"{"username":"alice","exp":null}"#), now: 1000) == "Error decoding signature.")
        #expect(outcome(auth, "abc", now: 1000) == "Error decoding signature.")
    }

    @Test("a cached token is still checked for expiry on every use")
    func cacheKeepsClaimChecks() throws {
        let (auth, codec) = try Self.authenticator()
        let token = codec.encode(TestSupport.object(#"{"username":"alice","exp":1000,"nbf":900}"#))!
        #expect(outcome(auth, token, now: 950) == "ok:alice")
        #expect(outcome(auth, token, now: 950) == "ok:alice", "second use comes from the cache")
        #expect(outcome(auth, token, now: 1001) == "Signature has expired.")
        #expect(outcome(auth, token, now: 800) == "Incorrect authentication credentials.", "nbf in the future")
    }

    @Test("a tampered copy of a cached token is not accepted")
    func cacheIsKeyedByTheWholeToken() throws {
        let (auth, codec) = try Self.authenticator()
        let token = codec.encode(TestSupport.object(#"{"username":"alice"}"#))!
        #expect(outcome(auth, token, now: 0) == "ok:alice")
        let forgedPayload = Base64URL.encodeToString(Array(#"{"username":"carol"}"#.utf8))
        let parts = token.split(separator: ".")
        #expect(outcome(auth, "\(parts[0]).\(forgedPayload).\(parts[2])", now: 0) == "Error decoding signature.")
    }

    @Test("with per-user secrets the user's current secret decides")
    func perUserSecret() throws {
        let (auth, codec) = try Self.authenticator(userSecretField: "jwt_secret")
        let carolKey = codec.userKey("carol-own-secret")
        let good = codec.encode(TestSupport.object(#"{"username":"carol"}"#), userKey: carolKey)!
        #expect(outcome(auth, good, now: 0) == "ok:carol")
        let global = codec.encode(TestSupport.object(#"{"username":"carol"}"#))!
        #expect(outcome(auth, global, now: 0) == "Error decoding signature.")
        #expect(outcome(auth, codec.encode(TestSupport.object(#"{"username":"ghost"}"#))!, now: 0) == "Invalid signature.")
    }
}
