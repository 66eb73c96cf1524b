import JWTGateCore
import Testing

/// Django, SQL and Python compare text by code points; Swift's String `==` by canonical equivalence.
/// Every place where client text meets stored text must take the first view.
@Suite("Text from clients is matched by exact code points, as the library matches it")
struct ExactCodePointTests {
    static let nfc = "zo\u{EB}"        // zoë, one code point for ë
    static let nfd = "zoe\u{308}"      // zoë, e + combining diaeresis
    static let kelvin = "\u{212A}"     // KELVIN SIGN, canonically equivalent to "K"

    @Test("the spellings Swift calls equal are different keys and different texts")
    func codePointString() {
        #expect(Self.nfc == Self.nfd, "the premise: Swift's String equality is canonical equivalence")
        #expect(!Self.nfc.isExactly(Self.nfd))
        #expect(!"K".isExactly(Self.kelvin))
        #expect(Self.nfc.isExactly("zo\u{EB}"))
        #expect(Set([CodePointString(Self.nfc), CodePointString(Self.nfd), CodePointString("K"), CodePointString(Self.kelvin)]).count == 4)
    }

    @Test("byte comparison holds for every string shape: empty, prefixes, substrings, long and small strings")
    func comparisonShapes() {
        let long = String(repeating: "eyJhbGciOiJIUzI1NiJ9.", count: 20)
        #expect("".isExactly(""))
        #expect(!"".isExactly("a") && !"a".isExactly(""))
        #expect(!long.isExactly(long + "x"), "a prefix is not equal")
        #expect(!long.isExactly(String(long.dropLast()) + "X"), "the last byte counts")
        #expect(long.isExactly(String(decoding: Array(long.utf8), as: UTF8.self)), "equal bytes in another buffer")
        let text = "abc" + Self.nfc + "def"
        let middle = text.dropFirst(3).prefix(3)             // a Substring sharing text's storage
        #expect(middle.isExactly(Self.nfc) && Self.nfc.isExactly(middle))
        #expect(!text.dropFirst(3).prefix(4).isExactly(Self.nfc + "d".dropLast()))
        #expect(CodePointString(long) == CodePointString(String(long)))
        #expect(CodePointString(long) != CodePointString(String(long.map { $0 == "9" ? "8" : $0 })))
    }

    @Test("the file store finds the user only under the spelling it was stored with")
    func fileStore() {
        let zoe = UserRecord(id: .integer(7), username: Self.nfc, email: "", passwordHash: "!", isActive: true)
        let store = FileUserStore(users: [zoe])
        #expect(store.user(named: Self.nfc)?.id == .integer(7))
        #expect(store.user(named: Self.nfd) == nil)
        let both = FileUserStore(users: [zoe, UserRecord(id: .integer(8), username: Self.nfd, email: "", passwordHash: "!", isActive: true)])
        #expect(both.user(named: Self.nfc)?.id == .integer(7))
        #expect(both.user(named: Self.nfd)?.id == .integer(8), "two users, as in Django's table")
    }

    @Test("obtain with the other spelling does not log the stored user in")
    func obtain() throws {
        let hash = TestSupport.alice.passwordHash  // password "secret123"
        let zoe = UserRecord(id: .integer(7), username: Self.nfc, email: "", passwordHash: hash, isActive: true)
        let directory = UserDirectory(store: FileUserStore(users: [zoe]), ttl: .zero)
        let config = TestSupport.hsConfig()
        let service = TokenService(config: config, codec: try JWTCodec(config: config), directory: directory, usernameField: "username")
        #expect((try? service.obtain(username: Self.nfc, password: "secret123", now: 1_700_000_000).get()) != nil)
        #expect(service.obtain(username: Self.nfd, password: "secret123", now: 1_700_000_000).map(\.token)
                == .failure(.nonField(AuthenticationMessages.unableToLogIn)))
        let nfdToken = try #require(try JWTCodec(config: config).encode(
            TestSupport.object(#"{"username":"zoe\u0308","exp":1700000300}"#)))
        #expect(service.verify(token: nfdToken, now: 1_700_000_000).map(\.token)
                == .failure(.nonField(AuthenticationMessages.unknownUserSerializer)))
    }

    @Test("JSON objects keep keys apart that differ in code points, below and above the indexed size", arguments: [1, 40])
    func jsonKeys(padding: Int) {
        var members: [(String, JSONValue)] = (0..<padding).map { ("pad\($0)", .integer(Int64($0))) }
        members.append(("K", .integer(1)))
        members.append((Self.kelvin, .integer(2)))
        let object = JSONObject(members)
        #expect(object.count == padding + 2, "Python's dict has both keys")
        #expect(object["K"] == .integer(1))
        #expect(object[Self.kelvin] == .integer(2))
        #expect(object != JSONObject(members.map { ($0.0 == Self.kelvin ? "K" : $0.0, $0.1) }))
    }

    @Test("audience and issuer are compared as PyJWT compares them")
    func claims() {
        let rules = ClaimRules(audience: ["Kiosk"], issuer: "Kiosk")
        #expect(throws: Never.self) { try rules.validate(TestSupport.object(#"{"aud":"Kiosk","iss":"Kiosk"}"#), now: 0) }
        #expect(throws: TokenError.invalid("Invalid audience")) {
            try rules.validate(TestSupport.object(#"{"aud":"\u212Aiosk","iss":"Kiosk"}"#), now: 0)
        }
        #expect(throws: TokenError.invalid("Invalid issuer")) {
            try rules.validate(TestSupport.object(#"{"aud":"Kiosk","iss":"\u212Aiosk"}"#), now: 0)
        }
    }

    @Test("a cookie is found by its exact name")
    func cookies() {
        #expect(DjangoCookies.value(named: "JWT_K", in: "JWT_K=abc") == "abc")
        #expect(DjangoCookies.value(named: "JWT_K", in: "JWT_\(Self.kelvin)=abc") == nil)
    }

    @Test("a form field is found by its exact name")
    func formFields() {
        let body = Array("K=\(Self.kelvin)value".utf8)
        let kelvinForm = Array("\(Self.kelvin)=x".utf8)
        #expect(DRFInput.readCharFields(["K"], contentType: "application/x-www-form-urlencoded", body: body)
                == .success(["\(Self.kelvin)value"]))
        #expect(DRFInput.readCharFields(["K"], contentType: "application/x-www-form-urlencoded", body: kelvinForm)
                == .failure(.fieldErrors([("K", ["This field is required."])])))
    }

    @Test("a cached token does not answer for a canonically equivalent spelling of it")
    func tokenCache() throws {
        let config = TestSupport.hsConfig()
        let codec = try JWTCodec(config: config)
        let cache = VerifiedTokenCache()
        // A token with a `K` in it (the payload varies with exp until one has).
        let token = try #require((0..<500).lazy.compactMap { i in
            codec.encode(TestSupport.object("{\"username\":\"alice\",\"exp\":\(1_700_000_300 + i)}"))
        }.first { $0.contains("K") })
        #expect(throws: Never.self) { _ = try cache.decode(key: token, with: codec, now: 1_700_000_000) }
        let variant = token.replacingFirst("K", with: Self.kelvin)
        #expect(variant == token, "Swift calls them equal")
        #expect(cache.payload(for: variant) == nil)
        #expect(throws: TokenError.self) { _ = try cache.decode(key: variant, with: codec, now: 1_700_000_000) }
    }
}

private extension String {
    func replacingFirst(_ target: Character, with replacement: String) -> String {
        guard let at = firstIndex(of: target) else { return self }
        return String(self[..<at]) + replacement + String(self[index(after: at)...])
    }
}
