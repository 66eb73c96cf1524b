import CJWTGateTLSShims
import JWTGateCore

#if canImport(Glibc)
import Glibc
#endif

/// A listener's TLS settings made into OpenSSL contexts: one per set of names its certificates serve (an
/// ECDSA and an RSA chain for the same names share one; other names are picked by SNI, the first set is
/// the default). Built at start and at every reload; connections keep the context they started with, so a
/// reload never disturbs a connection already open.
///
/// Thread-safe: OpenSSL contexts are read-only once built; the ticket keys are behind a lock in C.
final class TLSServerContext: @unchecked Sendable {
    /// The certificates this context serves, for the expiry gauge and the log.
    struct Certificate: Sendable {
        var file: String
        var names: String
        /// Unix seconds.
        var notAfter: Int64
    }

    let config: ListenerTLSConfig
    let certificates: [Certificate]
    private let server: OpaquePointer

    init(_ config: ListenerTLSConfig) throws(TLSSetupError) {
        // OpenSSL writes with write(2): a client that reset its connection must cost an EPIPE, not the process.
        _ = signal(SIGPIPE, SIG_IGN)
        self.config = config
        let alpnWire = Self.alpnWire(config.alpn)
        var failure = [CChar](repeating: 0, count: 512)
        let made: OpaquePointer? = alpnWire.withUnsafeBufferPointer { alpn in
            config.ciphers.withCString { ciphers in
                config.cipherSuites.withCString { suites in
                    Self.withOptionalCString(config.clientCAFile) { caFile in
                        var options = jwtgate_tls_options(
                            min_version: config.minVersion == .tls13 ? 13 : 12,
                            ciphers: ciphers, ciphersuites: suites,
                            alpn: alpn.baseAddress, alpn_length: alpn.count,
                            session_tickets: config.sessionTickets ? 1 : 0,
                            session_timeout: Int(config.ticketKeyRotation.components.seconds * 2),
                            client_ca_file: caFile,
                            verify_client: config.verifyClient == .required ? 2 : (config.verifyClient == .optional ? 1 : 0))
                        return jwtgate_tls_server_new(&options, &failure, failure.count)
                    }
                }
            }
        }
        guard let made else { throw TLSSetupError(key: "tls", reason: String(nulTerminated: failure)) }
        self.server = made
        var certificates: [Certificate] = []
        var groups: [String: Int32] = [:]
        do throws(TLSSetupError) {
            for pair in config.certificates {
                let facts = try? TLSCertificateReview.facts(certFile: pair.certFile)
                let names = facts.map { ($0.dnsNames + $0.ipAddresses).joined(separator: ",") } ?? pair.certFile
                let group: Int32
                if let existing = groups[names] {
                    group = existing
                } else {
                    group = jwtgate_tls_server_add_group(made, &failure, failure.count)
                    guard group >= 0 else { throw TLSSetupError(key: pair.key, reason: String(nulTerminated: failure)) }
                    groups[names] = group
                }
                guard jwtgate_tls_server_add_pair(made, group, pair.certFile, pair.keyFile, &failure, failure.count) == 0 else {
                    throw TLSSetupError(key: pair.key, reason: "\(pair.certFile) / \(pair.keyFile): \(String(nulTerminated: failure))")
                }
                certificates.append(Certificate(file: pair.certFile, names: names.isEmpty ? facts?.subject ?? "" : names,
                                                notAfter: facts?.notAfter ?? 0))
            }
        } catch {
            jwtgate_tls_server_free(made)
            throw error
        }
        self.certificates = certificates
    }

    deinit { jwtgate_tls_server_free(server) }

    /// A server-side TLS connection on `fd` (the caller keeps owning the descriptor); nil when OpenSSL cannot allocate one.
    func accept(fd: Int32) -> OpaquePointer? { jwtgate_tls_accept(server, fd) }

    /// A fresh ticket key; tickets sealed with the two before it still resume.
    func rotateTicketKeys() { jwtgate_tls_server_rotate_tickets(server) }

    /// ALPN's wire form: each name prefixed by its length.
    static func alpnWire(_ names: [String]) -> [UInt8] {
        var wire: [UInt8] = []
        for name in names where !name.isEmpty && name.utf8.count < 256 {
            wire.append(UInt8(name.utf8.count))
            wire.append(contentsOf: name.utf8)
        }
        return wire
    }

    private static func withOptionalCString<R>(_ text: String?, _ body: (UnsafePointer<CChar>?) -> R) -> R {
        guard let text else { return body(nil) }
        return text.withCString { body($0) }
    }
}

/// Why a listener's TLS could not be set up: the config key and OpenSSL's reason (never key material).
struct TLSSetupError: Error, CustomStringConvertible {
    var key: String
    var reason: String
    var description: String { key.isEmpty ? reason : "\(key): \(reason)" }
}

extension String {
    /// The text before the first NUL of a C buffer OpenSSL filled.
    init(nulTerminated buffer: [CChar]) {
        self = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
