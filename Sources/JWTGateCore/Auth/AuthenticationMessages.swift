/// The library's texts (spec §4–6), in one place so each appears exactly once.
public enum AuthenticationMessages {
    public static let notProvided = "Authentication credentials were not provided."
    public static let incorrect = "Incorrect authentication credentials."
    public static let expired = "Signature has expired."
    public static let decodeError = "Error decoding signature."
    public static let invalidPayload = "Invalid payload."
    /// The authentication class's text for an unknown user (sic: spec §6.2).
    public static let unknownUserAuth = "Invalid signature."
    public static let unknownUserSerializer = "User doesn't exist."
    public static let disabled = "User account is disabled."
    public static let unableToLogIn = "Unable to log in with provided credentials."
    public static let origIatRequired = "orig_iat field is required."
    public static let refreshExpired = "Refresh has expired."

    /// JSONWebTokenAuthentication's mapping of PyJWT exceptions (spec §3.6, left column).
    public static func forAuthentication(_ error: TokenError) -> String {
        switch error.kind {
        case .expired: return expired
        case .decode, .malformedClaim: return decodeError
        case .invalidClaimOrAlgorithm: return incorrect
        }
    }

    /// The verify/refresh serializers' mapping; where the library crashes (500) the gateway answers
    /// "Error decoding signature." (interface.md differences 1 and 2).
    public static func forSerializer(_ error: TokenError) -> String {
        error.kind == .expired ? expired : decodeError
    }
}
