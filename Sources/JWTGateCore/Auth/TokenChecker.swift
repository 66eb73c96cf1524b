/// The steps the authentication class and the verify/refresh serializers share (spec §5.2, §6.2):
/// decode (with the per-user secret when configured), find the user named by the `username` claim,
/// refuse inactive users. Each consumer maps the failures to its own texts.
public struct TokenChecker: Sendable {
    public enum Failure: Error, Sendable {
        case token(TokenError)
        case invalidPayload
        case unknownUser
        case disabled
        case userLookup(UserLookup)
    }

    public let codec: JWTCodec
    private let userSecretField: String?
    private let cache: VerifiedTokenCache?

    /// `cache` is ignored with per-user secrets: rotating a user's secret must revoke at once.
    public init(codec: JWTCodec, userSecretField: String?, cache: VerifiedTokenCache?) {
        self.codec = codec
        self.userSecretField = userSecretField
        self.cache = userSecretField == nil ? cache : nil
    }

    /// `lookup` finds a user by username (from a cache, the store, or "would block").
    public func check(_ token: some Collection<UInt8>, now: Int64,
                      lookup: (String) -> UserLookup) -> Result<(user: UserRecord, payload: JSONObject), Failure> {
        let payload: JSONObject
        var user: UserRecord?
        do {
            if let field = userSecretField {
                // Difference 4: the per-user key is found by the username claim, once it names a real user.
                let unverified = try UnverifiedToken.parse(token)
                guard let username = TokenService.username(in: unverified.payload) else { return .failure(.invalidPayload) }
                switch lookup(username) {
                case .found(let found): user = found
                case .notFound: return .failure(.unknownUser)
                case let other: return .failure(.userLookup(other))
                }
                guard let secret = user?.fields[field] else { return .failure(.token(.decode("no secret for this user"))) }
                payload = try codec.verify(unverified, now: now, userKey: codec.userKey(secret))
            } else if let cache {
                if let text = token as? String.UTF8View {
                    payload = try cache.decode(key: String(text), with: codec, now: now)
                } else {
                    payload = try cache.decode(token, with: codec, now: now)
                }
            } else {
                payload = try codec.decode(token, now: now)
            }
        } catch {
            return .failure(.token(error))
        }
        guard let username = TokenService.username(in: payload) else { return .failure(.invalidPayload) }
        if user == nil {
            switch lookup(username) {
            case .found(let found): user = found
            case .notFound: return .failure(.unknownUser)
            case let other: return .failure(.userLookup(other))
            }
        }
        guard let user, user.isActive else { return .failure(.disabled) }
        return .success((user, payload))
    }
}
