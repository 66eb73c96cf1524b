import JWTGateCore
import Testing

@Suite("Claim checks at fixed times (PyJWT 1.7.1, spec §3.5)")
struct ClaimRulesTests {
    let now: Int64 = 1_800_000_000

    func check(_ json: String, _ rules: ClaimRules = ClaimRules()) -> TokenError.Kind? {
        do {
            try rules.validate(TestSupport.object(json), now: now)
            return nil
        } catch {
            return error.kind
        }
    }

    @Test("exp: valid through the whole second of exp, then expired; leeway extends it")
    func expiry() {
        #expect(check(#"{"exp":1800000000}"#) == nil)
        #expect(check(#"{"exp":1799999999}"#) == .expired)
        #expect(check(#"{"exp":1799999990}"#, ClaimRules(leeway: 10)) == nil)
        #expect(check(#"{"exp":1799999989}"#, ClaimRules(leeway: 10)) == .expired)
        #expect(check(#"{"exp":1}"#, ClaimRules(verifyExpiration: false)) == nil)
        #expect(check(#"{}"#) == nil, "no exp never expires")
    }

    @Test("exp coercions follow Python int()", arguments: [
        (#"{"exp":"1800000100"}"#, nil), (#"{"exp":" 1800000100 "}"#, nil), (#"{"exp":"1_800_000_100"}"#, nil),
        (#"{"exp":1800000100.9}"#, nil), (#"{"exp":true}"#, TokenError.Kind.expired),
        (#"{"exp":"tomorrow"}"#, .decode), (#"{"exp":"1.5"}"#, .decode), (#"{"exp":NaN}"#, .decode),
        (#"{"exp":null}"#, .malformedClaim), (#"{"exp":[1]}"#, .malformedClaim), (#"{"exp":Infinity}"#, .malformedClaim),
        (#"{"exp":99999999999999999999999}"#, nil), (#"{"exp":-99999999999999999999999}"#, .expired),
    ] as [(String, TokenError.Kind?)])
    func expCoercion(json: String, expected: TokenError.Kind?) {
        #expect(check(json) == expected)
    }

    @Test("nbf in the future is refused unless within leeway; iat is only type-checked")
    func notBeforeAndIssuedAt() {
        #expect(check(#"{"nbf":1800000001}"#) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"nbf":1800000001}"#, ClaimRules(leeway: 1)) == nil)
        #expect(check(#"{"nbf":"soon"}"#) == .decode)
        #expect(check(#"{"iat":1900000000}"#) == nil)
        #expect(check(#"{"iat":"yesterday"}"#) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"iat":null}"#) == .malformedClaim)
    }

    @Test("checks run in PyJWT's order: iat, nbf, exp, iss, aud")
    func order() {
        #expect(check(#"{"iat":"x","exp":1}"#) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"nbf":"x","exp":1}"#) == .decode)
        #expect(check(#"{"exp":1,"aud":"x"}"#) == .expired)
    }

    @Test("the aud matrix", arguments: [
        (nil, #"{}"#, nil), (nil, #"{"aud":"x"}"#, TokenError.Kind.invalidClaimOrAlgorithm),
        (["svc"], #"{}"#, .invalidClaimOrAlgorithm), (["svc"], #"{"aud":"svc"}"#, nil),
        (["svc"], #"{"aud":["a","svc"]}"#, nil), (["svc"], #"{"aud":"other"}"#, .invalidClaimOrAlgorithm),
        (["svc"], #"{"aud":5}"#, .invalidClaimOrAlgorithm), (["svc"], #"{"aud":["svc",5]}"#, .invalidClaimOrAlgorithm),
        (["a", "b"], #"{"aud":["b"]}"#, nil),
    ] as [([String]?, String, TokenError.Kind?)])
    func audience(configured: [String]?, json: String, expected: TokenError.Kind?) {
        #expect(check(json, ClaimRules(audience: configured)) == expected)
    }

    @Test("iss must equal the configured issuer; ignored when none is configured")
    func issuer() {
        #expect(check(#"{"iss":"anyone"}"#) == nil)
        #expect(check(#"{"iss":"me"}"#, ClaimRules(issuer: "me")) == nil)
        #expect(check(#"{"iss":"you"}"#, ClaimRules(issuer: "me")) == .invalidClaimOrAlgorithm)
        #expect(check(#"{}"#, ClaimRules(issuer: "me")) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"iss":5}"#, ClaimRules(issuer: "5")) == .invalidClaimOrAlgorithm)
    }

    /// Found by `fuzz/differential jwt-hmac`: Swift's `==` is canonical equivalence, PyJWT's is code points.
    @Test("aud and iss match by code points, as Python compares str, not by canonical equivalence")
    func codePointComparison() {
        let cafe = ClaimRules(audience: ["caf\u{E9}"])
        #expect(check(#"{"aud":"caf\u00e9"}"#, cafe) == nil)
        #expect(check(#"{"aud":"cafe\u0301"}"#, cafe) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"aud":["cafe\u0301"]}"#, cafe) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"iss":"\u212aey"}"#, ClaimRules(issuer: "Key")) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"iss":"Key"}"#, ClaimRules(issuer: "Key")) == nil)
    }

    @Test("a lone surrogate in aud is a string that matches no audience, not even U+FFFD")
    func surrogateAudience() {
        let replacement = ClaimRules(audience: ["\u{FFFD}"])
        #expect(check(#"{"aud":["\ud800"]}"#, replacement) == .invalidClaimOrAlgorithm)
        #expect(check(#"{"aud":["\ud800","\ufffd"]}"#, replacement) == nil)
    }
}
