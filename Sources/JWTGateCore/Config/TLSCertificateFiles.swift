import CJWTGateCryptoShims
import Foundation

/// The certificates of one PEM file (leaf first, as a TLS chain is written), read through libcrypto.
/// Used by one review on one thread; the handle is freed with the value.
final class PEMCertificates {
    private let handle: UnsafeMutableRawPointer?
    /// A `-----BEGIN CERTIFICATE-----` block did not decode (the ones before it are kept).
    let malformed: Bool
    let count: Int

    init(pem: [UInt8]) {
        var status: Int32 = 0
        handle = pem.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { jwtgate_tls_certs_read($0.baseAddress, $0.count, &status) }
        }
        malformed = UInt32(status) == JWTGATE_TLS_READ_MALFORMED.rawValue
        count = Int(jwtgate_tls_certs_count(handle))
    }

    deinit { jwtgate_tls_certs_free(handle) }

    func isIssued(_ subject: Int, by issuer: Int) -> Bool {
        jwtgate_tls_cert_issued_by(handle, Int32(subject), Int32(issuer)) == 1
    }

    func isSelfSigned(_ index: Int) -> Bool { jwtgate_tls_cert_self_signed(handle, Int32(index)) == 1 }

    /// basicConstraints CA:TRUE.
    func isCA(_ index: Int) -> Bool { jwtgate_tls_cert_is_ca(handle, Int32(index)) == 1 }

    func notBefore(_ index: Int) -> Int64? {
        var seconds: Int64 = 0
        return jwtgate_tls_cert_not_before(handle, Int32(index), &seconds) == 1 ? seconds : nil
    }

    func notAfter(_ index: Int) -> Int64? {
        var seconds: Int64 = 0
        return jwtgate_tls_cert_not_after(handle, Int32(index), &seconds) == 1 ? seconds : nil
    }

    static let digitalSignature = Int(JWTGATE_TLS_KU_DIGITAL_SIGNATURE)
    static let keyEncipherment = Int(JWTGATE_TLS_KU_KEY_ENCIPHERMENT)
    static let serverAuth = Int(JWTGATE_TLS_XKU_SERVER_AUTH)

    /// keyUsage bits (`digitalSignature`, `keyEncipherment`, …), nil without the extension.
    func keyUsage(_ index: Int) -> Int? {
        let bits = jwtgate_tls_cert_key_usage(handle, Int32(index))
        return bits < 0 ? nil : Int(bits)
    }

    /// extendedKeyUsage bits (`serverAuth`, …), nil without the extension.
    func extendedKeyUsage(_ index: Int) -> Int? {
        let bits = jwtgate_tls_cert_extended_key_usage(handle, Int32(index))
        return bits < 0 ? nil : Int(bits)
    }

    func subject(_ index: Int) -> String {
        Self.text { jwtgate_tls_cert_subject(handle, Int32(index), $0, $1) } ?? ""
    }

    func commonName(_ index: Int) -> String? {
        Self.text { jwtgate_tls_cert_common_name(handle, Int32(index), $0, $1) }
    }

    /// subjectAltName DNS names and IP addresses, in certificate order.
    func alternativeNames(_ index: Int) -> (dns: [String], ip: [String]) {
        var dns: [String] = [], ip: [String] = []
        for entry in 0..<Int(jwtgate_tls_cert_san_count(handle, Int32(index))) {
            var kind: Int32 = 0
            guard let name = Self.text({ jwtgate_tls_cert_san(handle, Int32(index), Int32(entry), &kind, $0, $1) })
            else { continue }
            if UInt32(kind) == JWTGATE_TLS_SAN_DNS.rawValue { dns.append(name) } else { ip.append(name) }
        }
        return (dns, ip)
    }

    func publicKey(_ index: Int) -> TLSKey? {
        jwtgate_tls_cert_public_key(handle, Int32(index)).map(TLSKey.init(owning:))
    }

    func matches(_ index: Int, _ key: TLSKey) -> Bool { key.withHandle { jwtgate_tls_cert_matches_key(handle, Int32(index), $0) == 1 } }

    /// Certificate 0 verified up the file's chain, trusting its last certificate, at `now`, as a TLS server
    /// certificate: nil when it verifies, else OpenSSL's reason and the failing certificate's position.
    func chainProblem(at now: Int64) -> (reason: String, depth: Int)? {
        var depth: Int32 = 0
        var reason = ""
        var code: Int32 = 0
        reason = Self.text { out, cap in
            code = jwtgate_tls_chain_verify(handle, now, &depth, out, cap)
            return Int32(strlen(out))
        } ?? ""
        return code == 0 ? nil : (reason, Int(depth))
    }

    /// Runs a C call that writes NUL-terminated text into a buffer and returns its length (or -1).
    static func text(_ call: (UnsafeMutablePointer<CChar>, Int) -> Int32) -> String? {
        var buffer = [CChar](repeating: 0, count: 1024)
        let length = buffer.withUnsafeMutableBufferPointer { call($0.baseAddress!, $0.count) }
        guard length >= 0 else { return nil }
        return String(decoding: buffer.prefix(Int(length)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// A private key (from a key file) or a certificate's public key. Its material never leaves libcrypto.
final class TLSKey {
    enum Status { case ok, none, encrypted, malformed }

    private let handle: UnsafeMutableRawPointer

    init(owning handle: UnsafeMutableRawPointer) { self.handle = handle }

    /// The first private key in `pem`, or why there is none.
    static func read(pem: [UInt8]) -> (key: TLSKey?, status: Status) {
        var status: Int32 = 0
        let handle = pem.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) { jwtgate_tls_key_read($0.baseAddress, $0.count, &status) }
        }
        switch UInt32(status) {
        case JWTGATE_TLS_KEY_OK.rawValue: return (handle.map(TLSKey.init(owning:)), handle == nil ? .none : .ok)
        case JWTGATE_TLS_KEY_ENCRYPTED.rawValue: return (nil, .encrypted)
        case JWTGATE_TLS_KEY_MALFORMED.rawValue: return (nil, .malformed)
        default: return (nil, .none)
        }
    }

    deinit { jwtgate_tls_key_free(handle) }

    func withHandle<T>(_ body: (UnsafeMutableRawPointer) -> T) -> T { body(handle) }

    var type: CertificateKeyType {
        switch UInt32(jwtgate_tls_key_type(handle)) {
        case JWTGATE_TLS_KEY_TYPE_RSA.rawValue:
            return .rsa(bits: Int(jwtgate_tls_key_bits(handle)))
        case JWTGATE_TLS_KEY_TYPE_EC.rawValue:
            let curve = PEMCertificates.text { jwtgate_tls_key_curve(handle, $0, $1) } ?? "explicit parameters"
            return .ec(curve: CertificateKeyType.nistName(curve) ?? curve)
        default:
            return .other(PEMCertificates.text { jwtgate_tls_key_type_name(handle, $0, $1) } ?? "unknown")
        }
    }
}

/// What kind of key a certificate carries.
public enum CertificateKeyType: Sendable, Equatable, Hashable, CustomStringConvertible {
    case rsa(bits: Int)
    /// `P-256`, `P-384`, `P-521`, or OpenSSL's name of another curve (`secp256k1`).
    case ec(curve: String)
    /// OpenSSL's name of the key type: `ED25519`, `DSA`, …
    case other(String)

    /// `RSA-2048`, `ECDSA P-256`, `ED25519`.
    public var description: String {
        switch self {
        case .rsa(let bits): return "RSA-\(bits)"
        case .ec(let curve): return "ECDSA \(curve)"
        case .other(let name): return name
        }
    }

    /// Which of the two chains of one name a client gets (an RSA and an ECDSA chain are served side by side).
    var family: String {
        switch self {
        case .rsa: return "RSA"
        case .ec: return "ECDSA"
        case .other(let name): return name
        }
    }

    static func nistName(_ openSSLName: String) -> String? {
        switch openSSLName {
        case "prime256v1", "P-256": return "P-256"
        case "secp384r1", "P-384": return "P-384"
        case "secp521r1", "P-521": return "P-521"
        default: return nil
        }
    }
}

/// The leaf certificate of a chain file, for logs and metrics (`tls_certificate_expiry_seconds`).
public struct CertificateFacts: Sendable, Equatable {
    /// RFC 2253 form: `CN=api.example.com,O=Example`.
    public var subject: String
    public var dnsNames: [String]
    /// subjectAltName IP addresses as text (`127.0.0.1`, `::1`).
    public var ipAddresses: [String]
    public var keyType: CertificateKeyType
    /// Unix seconds.
    public var notBefore: Int64
    /// Unix seconds.
    public var notAfter: Int64

    public init(subject: String, dnsNames: [String], ipAddresses: [String], keyType: CertificateKeyType,
                notBefore: Int64, notAfter: Int64) {
        self.subject = subject
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
        self.keyType = keyType
        self.notBefore = notBefore
        self.notAfter = notAfter
    }
}

/// Why `TLSCertificateReview.facts(certFile:)` could not read a chain file.
public struct CertificateFileError: Error, Sendable, Equatable, CustomStringConvertible {
    public var file: String
    public var problem: String
    public var description: String { "\(file): \(problem)" }
}

extension CertificateFacts {
    init?(_ certificates: PEMCertificates, index: Int) {
        guard index < certificates.count, let notBefore = certificates.notBefore(index),
              let notAfter = certificates.notAfter(index), let key = certificates.publicKey(index) else { return nil }
        let names = certificates.alternativeNames(index)
        self.init(subject: certificates.subject(index), dnsNames: names.dns, ipAddresses: names.ip, keyType: key.type,
                  notBefore: notBefore, notAfter: notAfter)
    }
}
