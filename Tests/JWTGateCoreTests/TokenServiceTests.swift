import JWTGateCore
import Testing

@Suite("The token views' logic (spec §5), at fixed times")
struct TokenServiceTests {
    static let now: Int64 = 1_800_000_000

    static func service(_ configure: (inout JWTConfig) -> Void = { _ in }) throws -> TokenService {
        var config = TestSupport.hsConfig("service-secret")
        config.allowRefresh = true
        configure(&config)
        let codec = try JWTCodec(config: config)
        let directory = UserDirectory(store: FileUserStore(users: [TestSupport.alice, TestSupport.bob, TestSupport.carol]),
                                      ttl: .seconds(5))
        return TokenService(config: config, codec: codec, directory: directory, usernameField: "username",
                            cache: VerifiedTokenCache())
    }

    @Test("obtain issues the library's payload for the right password only")
    func obtain() throws {
        let tokens = try Self.service()
        let issued = try tokens.obtain(username: "alice", password: "secret123", now: Self.now).get()
        #expect(issued.payload == TestSupport.object(
            #"{"user_id":1,"username":"alice","exp":1800000300,"email":"alice@example.com","orig_iat":1800000000}"#))
        #expect(try tokens.codec.decode(Array(issued.token.utf8), now: Self.now) == issued.payload)
        let unable = TokenViewFailure.nonField(AuthenticationMessages.unableToLogIn)
        #expect(tokens.obtain(username: "alice", password: "secret124", now: Self.now).failure == unable)
        #expect(tokens.obtain(username: "mallory", password: "secret123", now: Self.now).failure == unable)
        #expect(tokens.obtain(username: "ALICE", password: "secret123", now: Self.now).failure == unable)
        #expect(tokens.obtain(username: "bob", password: "secret123", now: Self.now).failure == unable, "inactive")
    }

    @Test("verify echoes the token and reports the library's messages")
    func verify() throws {
        let tokens = try Self.service()
        let alice = try tokens.obtain(username: "alice", password: "secret123", now: Self.now).get().token
        #expect(try tokens.verify(token: alice, now: Self.now + 300).get().token == alice)
        #expect(tokens.verify(token: alice, now: Self.now + 301).failure == .nonField("Signature has expired."))
        #expect(tokens.verify(token: "abc", now: Self.now).failure == .nonField("Error decoding signature."))
        let codec = tokens.codec
        let ghost = codec.encode(TestSupport.object(#"{"username":"ghost"}"#))!
        #expect(tokens.verify(token: ghost, now: Self.now).failure == .nonField("User doesn't exist."))
        let bob = codec.encode(TestSupport.object(#"{"username":"bob"}"#))!
        #expect(tokens.verify(token: bob, now: Self.now).failure == .nonField("User account is disabled."))
        let nameless = codec.encode(TestSupport.object(#"{"username":""}"#))!
        #expect(tokens.verify(token: nameless, now: Self.now).failure == .nonField("Invalid payload."))
        let wrongAudience = codec.encode(TestSupport.object(#"{"username":"alice","aud":"x"}"#))!
        #expect(tokens.verify(token: wrongAudience, now: Self.now).failure == .nonField("Error decoding signature."),
                "the library answers 500 here; jwtgate a clean 400")
    }

    @Test("refresh keeps orig_iat, renews exp from the user store, and enforces the window")
    func refresh() throws {
        let tokens = try Self.service()
        let codec = tokens.codec
        let old = codec.encode(TestSupport.object(
            #"{"user_id":999,"username":"carol","exp":1800000100,"email":"old@example.com","orig_iat":1799999000,"role":"x"}"#))!
        let refreshed = try tokens.refresh(token: old, now: Self.now).get()
        #expect(refreshed.payload == TestSupport.object(
            #"{"user_id":42,"username":"carol","exp":1800000300,"email":"","orig_iat":1799999000}"#))
        let window: Int64 = 7 * 86_400
        let atLimit = codec.encode(TestSupport.object("{\"username\":\"alice\",\"orig_iat\":\(Self.now - window)}"))!
        #expect((try? tokens.refresh(token: atLimit, now: Self.now).get()) != nil, "now == limit is still accepted")
        let past = codec.encode(TestSupport.object("{\"username\":\"alice\",\"orig_iat\":\(Self.now - window - 1)}"))!
        #expect(tokens.refresh(token: past, now: Self.now).failure == .nonField("Refresh has expired."))
        for missing in [#"{"username":"alice"}"#, #"{"username":"alice","orig_iat":0}"#, #"{"username":"alice","orig_iat":null}"#] {
            let token = codec.encode(TestSupport.object(missing))!
            #expect(tokens.refresh(token: token, now: Self.now).failure == .nonField("orig_iat field is required."))
        }
    }

    @Test("without allow_refresh the refreshed token gets orig_iat appended last")
    func refreshAppendsOrigIat() throws {
        let tokens = try Self.service { $0.allowRefresh = false; $0.audience = .single("svc") }
        let old = tokens.codec.encode(TestSupport.object(#"{"username":"alice","aud":"svc","orig_iat":1799999999}"#))!
        let refreshed = try tokens.refresh(token: old, now: Self.now).get()
        #expect(refreshed.payload.keys == ["user_id", "username", "exp", "email", "aud", "orig_iat"])
    }

    @Test("a per-user secret signs and verifies that user's tokens only")
    func perUserSecret() throws {
        let tokens = try Self.service { $0.userSecretField = "jwt_secret" }
        let issued = try tokens.obtain(username: "carol", password: "secret123", now: Self.now).get()
        #expect(try tokens.verify(token: issued.token, now: Self.now).get().user.username == "carol")
        let forged = tokens.codec.encode(TestSupport.object(#"{"username":"carol"}"#))!  // signed with the global secret
        #expect(tokens.verify(token: forged, now: Self.now).failure == .nonField("Error decoding signature."))
        #expect(tokens.obtain(username: "alice", password: "secret123", now: Self.now).failure == .cannotSign,
                "alice has no jwt_secret field")
    }
}

extension Result {
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
