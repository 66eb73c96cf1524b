import JWTGateCore

/// Decode + verify for one algorithm family, shared by the `jwt-hmac`, `jwt-rsa` and `jwt-ec` targets.
///
/// The input is the raw token. Which codec checks it is read from the token itself, so that seeds are
/// plain tokens and `fuzz/oracle/verdicts.py` can make the same choice for PyJWT: the header's `alg`
/// when it names an algorithm of the family (else the family's first), and the claim rules of the
/// conformance "strict" profile when the header's `kid` is `"strict"` (else the defaults).
public enum JWTHarness {
    public enum Family: Sendable {
        case hmac, rsa, ec

        var algorithms: [JWTAlgorithm] {
            switch self {
            case .hmac: return [.hs256, .hs384, .hs512]
            case .rsa: return [.rs256, .rs384, .rs512, .ps256, .ps384, .ps512]
            case .ec: return [.es256, .es384, .es512]
            }
        }
    }

    /// Fixed "now" for the claim checks, so a verdict never depends on the wall clock (the oracle uses it too).
    public static let now: Int64 = 1_800_000_000

    /// Codecs compiled once, keyed by algorithm name plus "/strict" for the strict rules.
    private static let codecs: [String: JWTCodec] = {
        var codecs: [String: JWTCodec] = [:]
        for algorithm in JWTAlgorithm.allCases {
            for strict in [false, true] {
                codecs[key(algorithm, strict: strict)] = try! JWTCodec(config: config(algorithm, strict: strict))
            }
        }
        return codecs
    }()

    private static func key(_ algorithm: JWTAlgorithm, strict: Bool) -> String {
        algorithm.rawValue + (strict ? "/strict" : "")
    }

    private static func config(_ algorithm: JWTAlgorithm, strict: Bool) -> JWTConfig {
        var config = JWTConfig()
        config.algorithm = algorithm
        switch algorithm {
        case .hs256, .hs384, .hs512: config.secretKey = Secret(FuzzKeys.hmacSecret)
        case .rs256, .rs384, .rs512, .ps256, .ps384, .ps512: config.publicKeyPEM = FuzzKeys.rsaPublicPEM
        case .es256: config.publicKeyPEM = FuzzKeys.es256PublicPEM
        case .es384: config.publicKeyPEM = FuzzKeys.es384PublicPEM
        case .es512: config.publicKeyPEM = FuzzKeys.es512PublicPEM
        }
        if strict {
            // The conformance strict profile, plus a non-ASCII audience so that string comparison is
            // exercised beyond ASCII.
            config.leeway = 10
            config.audience = .list(["jwtgate-conformance", "caf\u{E9}"])
            config.issuer = "https://issuer.example.test"
        }
        return config
    }

    public static func run(_ family: Family, _ token: [UInt8]) {
        let unverified: UnverifiedToken
        do {
            unverified = try UnverifiedToken.parse(token)
        } catch {
            Verdicts.emit(input: token, "error \(name(error.kind))")
            return
        }
        var algorithm = family.algorithms[0]
        if case .string(let alg)? = unverified.header["alg"],
           let named = family.algorithms.first(where: { $0.rawValue == alg }) {
            algorithm = named
        }
        let strict = unverified.header["kid"] == .string("strict")
        let codec = codecs[key(algorithm, strict: strict)]!

        let verdict: String
        do {
            let payload = try codec.verify(unverified, now: now)
            verdict = "ok " + FuzzInput.text(PythonJSON.serialize(.object(payload), ensureASCII: true))
        } catch {
            verdict = "error \(name(error.kind))"
        }
        Verdicts.emit(input: token, verdict)

        // The fuzzer cannot forge signatures, so the claim checks would only ever see the seeds'
        // payloads; run them on every payload that parses, signed or not.
        _ = try? codec.rules.validate(unverified.payload, now: now)

        if family == .hmac { checkRoundTrip(unverified.payload, codec: codec) }
    }

    /// Re-signing a parsed payload must give a token that parses back to the same payload and whose
    /// signature verifies: PyJWT-compatible encoding and decoding agree on every payload.
    private static func checkRoundTrip(_ payload: JSONObject, codec: JWTCodec) {
        guard let token = codec.encode(payload) else {
            fuzzRequire(false, "an HMAC codec with a secret could not sign")
            return
        }
        do {
            let again = try UnverifiedToken.parse(Array(token.utf8))
            try codec.verifySignature(again)
            let before = PythonJSON.serialize(.object(payload), ensureASCII: true)
            let after = PythonJSON.serialize(.object(again.payload), ensureASCII: true)
            fuzzRequire(before == after, "payload changed in an encode/decode round trip")
        } catch {
            fuzzRequire(false, "a freshly signed token was refused: \(error)")
        }
    }

    static func name(_ kind: TokenError.Kind) -> String {
        switch kind {
        case .decode: return "decode"
        case .expired: return "expired"
        case .invalidClaimOrAlgorithm: return "invalid"
        case .malformedClaim: return "malformed"
        }
    }
}
