import CJWTGateCryptoShims

extension JWTAlgorithm {
    var digestName: String {
        switch self {
        case .hs256, .rs256, .ps256, .es256: return "SHA256"
        case .hs384, .rs384, .ps384, .es384: return "SHA384"
        case .hs512, .rs512, .ps512, .es512: return "SHA512"
        }
    }

    var signatureScheme: Int32? {
        switch self {
        case .hs256, .hs384, .hs512: return nil
        case .rs256, .rs384, .rs512: return Int32(JWTGATE_SIG_RSA_PKCS1.rawValue)
        case .ps256, .ps384, .ps512: return Int32(JWTGATE_SIG_RSA_PSS.rawValue)
        case .es256, .es384, .es512: return Int32(JWTGATE_SIG_ECDSA.rawValue)
        }
    }

    var requiresRSAKey: Bool { rawValue.hasPrefix("RS") || rawValue.hasPrefix("PS") }
    public var requiresECKey: Bool { rawValue.hasPrefix("ES") }

    /// base64url of `{"typ":"JWT","alg":"<alg>"}`: PyJWT 1.x's header, fixed per algorithm.
    var headerSegment: [UInt8] { Base64URL.encode(Array("{\"typ\":\"JWT\",\"alg\":\"\(rawValue)\"}".utf8)) }
}
