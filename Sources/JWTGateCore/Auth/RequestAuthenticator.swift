/// `JSONWebTokenAuthentication.authenticate_credentials` for proxied requests (spec §6.2): decode,
/// find the user by the `username` claim, refuse inactive users.
public final class RequestAuthenticator: Sendable {
    public enum Outcome: Sendable {
        case authenticated(UserRecord)
        /// 401 with this detail.
        case rejected(String)
        /// Needs a blocking user-store read: call again with `mayBlock: true` off the event loop.
        case wouldBlock
        case storeFailed(UserStoreError)
    }

    private let codec: JWTCodec
    private let directory: UserDirectory
    private let userSecretField: String?
    private let cache: VerifiedTokenCache?

    /// `cache` must be nil with per-user secrets (their rotation must revoke at once).
    public init(codec: JWTCodec, directory: UserDirectory, userSecretField: String?, cache: VerifiedTokenCache?) {
        self.codec = codec
        self.directory = directory
        self.userSecretField = userSecretField
        self.cache = userSecretField == nil ? cache : nil
    }

    public func authenticate(token: [UInt8], now: Int64, monotonicNow: UInt64, mayBlock: Bool) -> Outcome {
        if let cache {
            let payload: JSONObject
            do {
                payload = try cache.decode(token, with: codec, now: now)
            } catch {
                return .rejected(AuthenticationMessages.forAuthentication(error))
            }
            return identify(payload, preloaded: nil, monotonicNow: monotonicNow, mayBlock: mayBlock)
        }
        let unverified: UnverifiedToken
        do {
            unverified = try UnverifiedToken.parse(token)
        } catch {
            return .rejected(AuthenticationMessages.forAuthentication(error))
        }
        var preloaded: UserRecord?
        var userKey: HMACKey?
        if let field = userSecretField {
            // Difference 4: the per-user key is found by the username claim, after it names a real user.
            guard let username = TokenService.username(in: unverified.payload) else {
                return .rejected(AuthenticationMessages.invalidPayload)
            }
            switch directory.lookup(username, now: monotonicNow, mayBlock: mayBlock) {
            case .found(let user):
                guard let secret = user.fields[field] else { return .rejected(AuthenticationMessages.decodeError) }
                preloaded = user
                userKey = codec.userKey(secret)
            case .notFound: return .rejected(AuthenticationMessages.unknownUserAuth)
            case .wouldBlock: return .wouldBlock
            case .failed(let error): return .storeFailed(error)
            }
        }
        let payload: JSONObject
        do {
            payload = try codec.verify(unverified, now: now, userKey: userKey)
        } catch {
            return .rejected(AuthenticationMessages.forAuthentication(error))
        }
        return identify(payload, preloaded: preloaded, monotonicNow: monotonicNow, mayBlock: mayBlock)
    }

    /// Steps 2–4 of spec §6.2: username claim, user lookup, active flag.
    private func identify(_ payload: JSONObject, preloaded: UserRecord?, monotonicNow: UInt64, mayBlock: Bool) -> Outcome {
        guard let username = TokenService.username(in: payload) else {
            return .rejected(AuthenticationMessages.invalidPayload)
        }
        let user: UserRecord
        if let preloaded {
            user = preloaded
        } else {
            switch directory.lookup(username, now: monotonicNow, mayBlock: mayBlock) {
            case .found(let found): user = found
            case .notFound: return .rejected(AuthenticationMessages.unknownUserAuth)
            case .wouldBlock: return .wouldBlock
            case .failed(let error): return .storeFailed(error)
            }
        }
        guard user.isActive else { return .rejected(AuthenticationMessages.disabled) }
        return .authenticated(user)
    }
}
