/// A token the views hand back: the body and cookie carry `token`; `user` and `payload` feed the
/// optional response fields.
public struct IssuedToken: Sendable {
    public let token: String
    public let user: UserRecord
    public let payload: JSONObject

    public init(token: String, user: UserRecord, payload: JSONObject) {
        self.token = token
        self.user = user
        self.payload = payload
    }
}

/// The serializers of the three token views (spec §5): obtain, verify, refresh. Synchronous; obtain
/// hashes a password and every call may read the user store, so the server runs them off the event
/// loop unless the store is in memory and no password is involved.
public final class TokenService: Sendable {
    public let codec: JWTCodec
    public let usernameField: String
    private let builder: PayloadBuilder
    private let directory: UserDirectory
    private let userSecretField: String?
    private let refreshWindow: Int64
    private let timingEqualiserHash: String
    private let checker: TokenChecker
    /// Longest username or password (UTF-8 bytes) that may reach a user lookup or a hasher.
    public let maxCredentialBytes: Int

    /// Costs about what one real check costs when no user hash can be sampled (Django 6.1's default).
    static let defaultEqualiserHash =
        "pbkdf2_sha256$1500000$jwtgateTimingEqualiser$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="

    public init(config: JWTConfig, codec: JWTCodec, directory: UserDirectory, usernameField: String,
                cache: VerifiedTokenCache? = nil, maxCredentialBytes: Int = 4096) {
        self.maxCredentialBytes = maxCredentialBytes
        checker = TokenChecker(codec: codec, userSecretField: config.userSecretField, cache: cache)
        self.codec = codec
        self.usernameField = usernameField
        builder = PayloadBuilder(config: config, usernameField: usernameField)
        self.directory = directory
        userSecretField = config.userSecretField
        refreshWindow = config.refreshExpirationDelta
        let sample = (try? directory.store.samplePasswordHash()) ?? nil
        timingEqualiserHash = sample ?? Self.defaultEqualiserHash
    }

    /// `JWT_PAYLOAD_GET_USERNAME_HANDLER`: the `username` claim if truthy; numbers are looked up as
    /// their text, as the ORM would coerce them.
    static func username(in payload: JSONObject) -> String? {
        guard let claim = payload["username"], claim.isTruthy else { return nil }
        switch claim {
        case .string(let s), .surrogateString(let s, _): return s
        case .bool: return "True"
        case .integer, .bigInteger, .float: return PythonJSON.pythonStr(claim)
        default: return nil
        }
    }

    // MARK: obtain

    /// True when the username or the password is longer than `server.max_credential_bytes`: no such
    /// credentials can log in (Django's username column holds 150 characters; Django 1.6 capped
    /// passwords at 4096), so they are refused before a throttle table, a user lookup or a hasher
    /// sees megabytes of them (deliberate difference: the library would hash a 2 MB password).
    public func credentialsTooLong(username: String, password: String) -> Bool {
        username.utf8.count > maxCredentialBytes || password.utf8.count > maxCredentialBytes
    }

    /// Django's ModelBackend: unknown users still cost one hash; inactive users and wrong passwords
    /// get the same answer. Never writes to the store (difference 6).
    public func obtain(username: String, password: String, now: Int64) -> Result<IssuedToken, TokenViewFailure> {
        if credentialsTooLong(username: username, password: password) {
            return .failure(.nonField(AuthenticationMessages.unableToLogIn))
        }
        let user: UserRecord
        switch directory.read(username) {
        case .found(let found):
            let usable = !found.passwordHash.isEmpty && !found.passwordHash.hasPrefix("!")
            let matches = DjangoPassword.verify(password, against: usable ? found.passwordHash : timingEqualiserHash)
            guard usable, matches, found.isActive else { return .failure(.nonField(AuthenticationMessages.unableToLogIn)) }
            user = found
        case .notFound, .wouldBlock:
            _ = DjangoPassword.verify(password, against: timingEqualiserHash)
            return .failure(.nonField(AuthenticationMessages.unableToLogIn))
        case .failed(let error):
            return .failure(.storeUnavailable(error))
        }
        return issue(for: user, now: now, origIat: nil)
    }

    // MARK: verify

    public func verify(token: String, now: Int64) -> Result<IssuedToken, TokenViewFailure> {
        checkToken(token, now: now).map { IssuedToken(token: token, user: $0.user, payload: $0.payload) }
    }

    // MARK: refresh

    public func refresh(token: String, now: Int64) -> Result<IssuedToken, TokenViewFailure> {
        let checked: (user: UserRecord, payload: JSONObject)
        switch checkToken(token, now: now) {
        case .success(let value): checked = value
        case .failure(let failure): return .failure(failure)
        }
        guard let origIat = checked.payload["orig_iat"], origIat.isTruthy else {
            return .failure(.nonField(AuthenticationMessages.origIatRequired))
        }
        switch refreshWindowExpired(origIat: origIat, now: now) {
        case true?: return .failure(.nonField(AuthenticationMessages.refreshExpired))
        case nil: return .failure(.nonField(AuthenticationMessages.origIatRequired))  // library: 500
        case false?: break
        }
        return issue(for: checked.user, now: now, origIat: origIat)
    }

    /// `now > orig_iat + window` with Python's number semantics; nil when orig_iat is not a number.
    private func refreshWindowExpired(origIat: JSONValue, now: Int64) -> Bool? {
        switch origIat {
        case .integer(let value): return now > value &+ refreshWindow
        case .bool(let value): return now > (value ? 1 : 0) + refreshWindow
        case .float(let value): return value.isNaN ? false : Double(now) > value + Double(refreshWindow)
        case .bigInteger(let text): return text.hasPrefix("-")
        default: return nil
        }
    }

    // MARK: shared steps

    /// VerificationBaseSerializer._check_payload + _check_user, with the serializers' texts.
    private func checkToken(_ token: String, now: Int64) -> Result<(user: UserRecord, payload: JSONObject), TokenViewFailure> {
        switch checker.check(token.utf8, now: now, lookup: directory.read) {
        case .success(let checked): return .success(checked)
        case .failure(.token(let error)): return .failure(.nonField(AuthenticationMessages.forSerializer(error)))
        case .failure(.invalidPayload): return .failure(.nonField(AuthenticationMessages.invalidPayload))
        case .failure(.unknownUser): return .failure(.nonField(AuthenticationMessages.unknownUserSerializer))
        case .failure(.disabled): return .failure(.nonField(AuthenticationMessages.disabled))
        case .failure(.userLookup(.failed(let error))): return .failure(.storeUnavailable(error))
        case .failure(.userLookup): return .failure(.nonField(AuthenticationMessages.unknownUserSerializer))
        }
    }

    private func issue(for user: UserRecord, now: Int64, origIat: JSONValue?) -> Result<IssuedToken, TokenViewFailure> {
        var payload = builder.payload(for: user, now: now)
        if let origIat { payload["orig_iat"] = origIat }
        var userKey: HMACKey?
        if let field = userSecretField {
            guard let secret = user.fields[field] else { return .failure(.cannotSign) }
            userKey = codec.userKey(secret)
        }
        guard let token = codec.encode(payload, userKey: userKey) else { return .failure(.cannotSign) }
        return .success(IssuedToken(token: token, user: user, payload: payload))
    }
}

/// Why a token view did not return a token.
public enum TokenViewFailure: Error, Sendable, Equatable {
    /// 400 `{"non_field_errors":[message]}`.
    case nonField(String)
    /// The request body itself (415, 400 parse error, field errors).
    case input(DRFInputError)
    /// The user store could not be read: 503.
    case storeUnavailable(UserStoreError)
    /// No key to sign with (a verify-only deployment, or a user without a per-user secret): 503.
    case cannotSign
    /// Too many password checks queued: 429.
    case busy
}
