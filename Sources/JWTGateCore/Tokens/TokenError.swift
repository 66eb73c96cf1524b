/// Why a token was refused, in PyJWT 1.7.1's exception vocabulary, so each consumer (the
/// authentication of proxied requests, the verify/refresh views) can answer with the library's text.
public struct TokenError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// DecodeError / InvalidSignatureError: malformed token, bad signature, non-numeric exp/nbf.
        case decode
        /// ExpiredSignatureError.
        case expired
        /// InvalidAlgorithmError, ImmatureSignatureError, InvalidIssuedAtError, InvalidAudienceError,
        /// InvalidIssuerError, MissingRequiredClaimError: other InvalidTokenErrors.
        case invalidClaimOrAlgorithm
        /// Where the library crashes (TypeError/OverflowError on `exp: null` and the like).
        case malformedClaim
    }

    public let kind: Kind
    /// For logs only (never sent to clients): which check failed.
    public let reason: String

    public init(_ kind: Kind, _ reason: String) {
        self.kind = kind
        self.reason = reason
    }

    public static func decode(_ reason: String) -> TokenError { TokenError(.decode, reason) }
    public static let expired = TokenError(.expired, "Signature has expired")
    public static func invalid(_ reason: String) -> TokenError { TokenError(.invalidClaimOrAlgorithm, reason) }
    public static func malformed(_ reason: String) -> TokenError { TokenError(.malformedClaim, reason) }

    public var description: String { reason }

    public static func == (lhs: TokenError, rhs: TokenError) -> Bool { lhs.kind == rhs.kind && lhs.reason == rhs.reason }
}
