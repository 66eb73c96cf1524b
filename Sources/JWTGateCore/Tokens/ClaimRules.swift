/// PyJWT 1.7.1's claim checks (spec §3.5), in its order: iat → nbf → exp → iss → aud.
/// `now` is whole Unix seconds, passed in so tests never sleep.
public struct ClaimRules: Sendable {
    public var verifyExpiration: Bool
    public var leeway: Int64
    public var audience: [String]?
    public var issuer: String?

    public init(verifyExpiration: Bool = true, leeway: Int64 = 0, audience: [String]? = nil, issuer: String? = nil) {
        self.verifyExpiration = verifyExpiration
        self.leeway = leeway
        self.audience = audience
        self.issuer = issuer
    }

    public init(_ config: JWTConfig) {
        self.init(verifyExpiration: config.verifyExpiration, leeway: config.leeway,
                  audience: config.audience?.values, issuer: config.issuer)
    }

    public func validate(_ payload: JSONObject, now: Int64) throws(TokenError) {
        if let iat = payload["iat"] {
            switch PythonInt.coerce(iat) {
            case .success: break  // a future iat is accepted by PyJWT ≥ 1.5
            case .failure(.valueError): throw .invalid("Issued At claim (iat) must be an integer.")
            case .failure: throw .malformed("iat is not a number")
            }
        }
        if let nbf = payload["nbf"] {
            switch PythonInt.coerce(nbf) {
            case .success(let value):
                if value.isGreater(than: now &+ leeway) { throw .invalid("The token is not yet valid (nbf)") }
            case .failure(.valueError): throw .decode("Not Before claim (nbf) must be an integer.")
            case .failure: throw .malformed("nbf is not a number")
            }
        }
        if verifyExpiration, let exp = payload["exp"] {
            switch PythonInt.coerce(exp) {
            case .success(let value):
                if value.isLess(than: now &- leeway) { throw .expired }
            case .failure(.valueError): throw .decode("Expiration Time claim (exp) must be an integer.")
            case .failure: throw .malformed("exp is not a number")
            }
        }
        if let issuer {
            guard let claim = payload["iss"] else { throw .invalid("Token is missing the \"iss\" claim") }
            guard case .string(let value) = claim, value.isExactly(issuer) else {
                throw .invalid("Invalid issuer")
            }
        }
        try validateAudience(payload["aud"])
    }

    private func validateAudience(_ claim: JSONValue?) throws(TokenError) {
        guard let audience else {
            if claim != nil { throw .invalid("Invalid audience") }
            return
        }
        guard let claim else { throw .invalid("Token is missing the \"aud\" claim") }
        let claimed: [String]
        switch claim {
        case .string(let s): claimed = [s]
        case .array(let items):
            var strings: [String] = []
            for item in items {
                switch item {
                case .string(let s): strings.append(s)
                case .surrogateString: continue  // a str to Python, but equal to no configured audience
                default: throw .invalid("Invalid claim format in token")
                }
            }
            claimed = strings
        case .surrogateString: claimed = []
        default: throw .invalid("Invalid claim format in token")
        }
        guard audience.contains(where: { wanted in claimed.contains { $0.isExactly(wanted) } }) else {
            throw .invalid("Invalid audience")
        }
    }
}
