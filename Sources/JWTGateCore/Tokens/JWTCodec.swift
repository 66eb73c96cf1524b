/// Signs and verifies tokens for one deployment's algorithm and keys, compiled once from the
/// configuration. The header's `alg` never selects a key: it must equal the configured algorithm
/// (which is how PyJWT's `algorithms=[JWT_ALGORITHM]` stops `none` and HS/RS confusion).
public final class JWTCodec: Sendable {
    public let algorithm: JWTAlgorithm
    public let rules: ClaimRules
    private let headerSegment: [UInt8]
    private let secret: HMACKey?
    private let privateKey: AsymmetricKey?
    private let publicKey: AsymmetricKey?

    /// True when tokens can be signed without a per-user secret.
    public var canIssue: Bool { algorithm.isHMAC ? secret != nil : privateKey != nil }

    public init(config: JWTConfig) throws(JWTKeyError) {
        algorithm = config.algorithm
        rules = ClaimRules(config)
        headerSegment = config.algorithm.headerSegment
        if config.algorithm.isHMAC {
            privateKey = nil
            publicKey = nil
            if config.privateKeyPEM != nil || config.privateKeyFile != nil {
                throw JWTKeyError(key: "jwt.private_key_file", problem: "is set with \(config.algorithm.rawValue)",
                                  fix: "remove it: with an HS* algorithm the library signs with the private key but verifies with secret_key, so no token would ever verify")
            }
            if config.publicKeyPEM != nil || config.publicKeyFile != nil {
                throw JWTKeyError(key: "jwt.public_key_file", problem: "is set with \(config.algorithm.rawValue)",
                                  fix: "remove it, or choose an RS*/PS*/ES* algorithm: a public key is never a valid HMAC secret")
            }
            if let value = config.secretKey?.value {
                for marker in ["-----BEGIN PUBLIC KEY-----", "-----BEGIN CERTIFICATE-----", "-----BEGIN RSA PUBLIC KEY-----", "ssh-rsa"]
                where value.contains(marker) {
                    throw JWTKeyError(key: "jwt.secret_key", problem: "looks like a public key",
                                      fix: "use a random secret; PyJWT refuses public keys as HMAC secrets (algorithm-confusion guard)")
                }
                secret = HMACKey(algorithm: config.algorithm, key: Array(value.utf8))
            } else if config.userSecretField != nil {
                secret = nil
            } else {
                throw JWTKeyError(key: "jwt.secret_key", problem: "is required for \(config.algorithm.rawValue)",
                                  fix: "set jwt.secret_key (e.g. \"${JWT_SECRET_KEY}\") to the Django project's JWT_SECRET_KEY")
            }
        } else {
            secret = nil
            let expected: AsymmetricKey.Kind = config.algorithm.requiresECKey ? .ec : .rsa
            let kindName = expected == .ec ? "an EC" : "an RSA"
            guard let publicPEM = config.publicKeyPEM else {
                throw JWTKeyError(key: "jwt.public_key_file", problem: "is required for \(config.algorithm.rawValue)",
                                  fix: "point it at the PEM public key the Django project has in JWT_PUBLIC_KEY")
            }
            guard let pub = AsymmetricKey(pem: publicPEM, private: false) else {
                throw JWTKeyError(key: "jwt.public_key_file", problem: "holds no readable PEM public key",
                                  fix: "use an unencrypted SPKI (BEGIN PUBLIC KEY), PKCS#1 (BEGIN RSA PUBLIC KEY) or certificate PEM")
            }
            guard pub.kind == expected else {
                throw JWTKeyError(key: "jwt.public_key_file", problem: "is not \(kindName) key",
                                  fix: "\(config.algorithm.rawValue) needs \(kindName) key pair")
            }
            publicKey = pub
            if let privatePEM = config.privateKeyPEM {
                guard let priv = AsymmetricKey(pem: privatePEM.value, private: true) else {
                    throw JWTKeyError(key: "jwt.private_key_file", problem: "holds no readable PEM private key",
                                      fix: "use an unencrypted PKCS#8 (BEGIN PRIVATE KEY) or traditional PEM private key")
                }
                guard priv.kind == expected else {
                    throw JWTKeyError(key: "jwt.private_key_file", problem: "is not \(kindName) key",
                                      fix: "\(config.algorithm.rawValue) needs \(kindName) key pair")
                }
                privateKey = priv
            } else {
                privateKey = nil
            }
        }
    }

    /// A per-user HMAC key (`user_secret_field`); nil for asymmetric algorithms.
    public func userKey(_ secret: String) -> HMACKey? {
        algorithm.isHMAC ? HMACKey(algorithm: algorithm, key: Array(secret.utf8)) : nil
    }

    /// Encodes exactly as PyJWT 1.7.1 (fixed header, compact ASCII-only JSON in member order).
    /// nil when there is no signing key.
    public func encode(_ payload: JSONObject, userKey: HMACKey? = nil) -> String? {
        var token = headerSegment
        token.append(UInt8(ascii: "."))
        Base64URL.encode(PythonJSON.serialize(.object(payload), ensureASCII: true), into: &token)
        let signature: [UInt8]?
        if algorithm.isHMAC {
            signature = (userKey ?? secret).map { key in token.withUnsafeBytes { key.mac($0) } }
        } else {
            signature = privateKey.flatMap { key in
                token.withUnsafeBytes { key.sign($0, scheme: algorithm.signatureScheme!, digest: algorithm.digestName) }
            }
        }
        guard let signature, !signature.isEmpty else { return nil }
        token.append(UInt8(ascii: "."))
        Base64URL.encode(signature, into: &token)
        return String(decoding: token, as: UTF8.self)
    }

    /// Algorithm pin, signature, then claims (spec §3.4 step 2).
    public func verify(_ token: UnverifiedToken, now: Int64, userKey: HMACKey? = nil) throws(TokenError) -> JSONObject {
        try verifySignature(token, userKey: userKey)
        try rules.validate(token.payload, now: now)
        return token.payload
    }

    /// The algorithm pin and the signature, without the time-dependent claim checks.
    public func verifySignature(_ token: UnverifiedToken, userKey: HMACKey? = nil) throws(TokenError) {
        guard case .string(let alg)? = token.header["alg"], alg == algorithm.rawValue else {
            throw .invalid("The specified alg value is not allowed")
        }
        let valid: Bool
        if algorithm.isHMAC {
            guard let key = userKey ?? secret else { throw .decode("no verification key") }
            valid = token.signingInput.withUnsafeBytes { key.isValid(signature: token.signature, for: $0) }
        } else {
            guard let key = publicKey else { throw .decode("no verification key") }
            valid = token.signingInput.withUnsafeBytes {
                key.verify($0, signature: token.signature, scheme: algorithm.signatureScheme!, digest: algorithm.digestName)
            }
        }
        guard valid else { throw .decode("Signature verification failed") }
    }

    public func decode(_ token: some Collection<UInt8>, now: Int64) throws(TokenError) -> JSONObject {
        try verify(UnverifiedToken.parse(token), now: now)
    }
}
