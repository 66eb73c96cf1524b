/// `JSONWebTokenAuthentication.authenticate_credentials` for proxied requests (spec §6.2): decode,
/// find the user by the `username` claim, refuse inactive users — with the authentication class's texts.
public final class RequestAuthenticator: Sendable {
    public enum Outcome: Sendable {
        case authenticated(UserRecord)
        /// 401 with this detail.
        case rejected(String)
        /// Needs a blocking user-store read: call again with `mayBlock: true` off the event loop.
        case wouldBlock
        case storeFailed(UserStoreError)
    }

    private let checker: TokenChecker
    private let directory: UserDirectory

    public init(codec: JWTCodec, directory: UserDirectory, userSecretField: String?, cache: VerifiedTokenCache?) {
        checker = TokenChecker(codec: codec, userSecretField: userSecretField, cache: cache)
        self.directory = directory
    }

    public func authenticate(token: [UInt8], now: Int64, monotonicNow: UInt64, mayBlock: Bool) -> Outcome {
        let result = checker.check(token, now: now) { username in
            directory.lookup(username, now: monotonicNow, mayBlock: mayBlock)
        }
        switch result {
        case .success(let checked): return .authenticated(checked.user)
        case .failure(.token(let error)): return .rejected(AuthenticationMessages.forAuthentication(error))
        case .failure(.invalidPayload): return .rejected(AuthenticationMessages.invalidPayload)
        case .failure(.unknownUser): return .rejected(AuthenticationMessages.unknownUserAuth)
        case .failure(.disabled): return .rejected(AuthenticationMessages.disabled)
        case .failure(.userLookup(.failed(let error))): return .storeFailed(error)
        case .failure(.userLookup): return .wouldBlock
        }
    }
}
