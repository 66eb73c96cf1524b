import CJWTGateCurl
import CJWTGateCurlShims
import JWTGateCore

/// The per-route TLS options most routes leave alone — the client certificate (`client_cert_file`,
/// `client_key_file`) and the minimum version (`min_tls_version`) — as one easy handle carries them.
/// Both planes' handles keep one each (`LoopEasyHandle`, `CurlEasyHandle`).
///
/// A pooled handle serves any route in turn. Unlike CAINFO (set on every https request), these are set
/// only when the route's value differs from what the handle already carries: a route without them
/// costs nothing per request, and a handle that presented a certificate for one route has it cleared
/// before it serves a route without one. libcurl matches the client certificate and the TLS version
/// when it picks a cached connection, so a connection opened with a certificate is not reused without it.
///
/// Not thread-safe: lives in its handle, on the handle's thread.
struct CurlUpstreamTLS {
    private enum Carried: Equatable {
        case none
        case certificate(UpstreamClientCertificate)
        /// A set failed half-way (libcurl frees a string option before copying the new one): set it again.
        case unknown
    }

    private var certificate: Carried = .none
    /// What `setFixedOptions` sets on every new handle.
    private var minVersion: ListenerTLSConfig.Version = .tls12

    /// The fixed option of every new handle: TLS 1.2 at least. libcurl 7.88's own default still lets
    /// OpenSSL offer TLS 1.0 and 1.1 where OpenSSL allows them.
    static func setFixedOptions(_ raw: UnsafeMutableRawPointer) {
        _ = jwtgate_curl_easy_setopt_long(raw, CURLOPT_SSLVERSION, CURL_SSLVERSION_TLSv1_2)
    }

    /// Brings the handle to `clientCertificate` and `minVersion` for an https request; the first failing
    /// libcurl code, or CURLE_OK.
    mutating func apply(to h: UnsafeMutableRawPointer, clientCertificate: UpstreamClientCertificate?,
                        minVersion: ListenerTLSConfig.Version) -> CURLcode {
        var code = CURLE_OK
        func set(_ option: CURLoption, _ value: String?) {
            let result = value.map { $0.withCString { jwtgate_curl_easy_setopt_pointer(h, option, $0) } }
                ?? jwtgate_curl_easy_setopt_pointer(h, option, nil)
            if result != CURLE_OK, code == CURLE_OK { code = result }
        }
        if let clientCertificate {
            if self.certificate != .certificate(clientCertificate) {
                set(CURLOPT_SSLCERT, clientCertificate.certFile)
                set(CURLOPT_SSLCERTTYPE, "PEM")
                set(CURLOPT_SSLKEY, clientCertificate.keyFile)
                set(CURLOPT_SSLKEYTYPE, "PEM")
                self.certificate = code == CURLE_OK ? .certificate(clientCertificate) : .unknown
            }
        } else if self.certificate != .none {
            // Back to no certificate at all (NULL restores libcurl's defaults).
            set(CURLOPT_SSLCERT, nil)
            set(CURLOPT_SSLCERTTYPE, nil)
            set(CURLOPT_SSLKEY, nil)
            set(CURLOPT_SSLKEYTYPE, nil)
            self.certificate = code == CURLE_OK ? .none : .unknown
        }
        if minVersion != self.minVersion {
            let value = minVersion == .tls13 ? CURL_SSLVERSION_TLSv1_3 : CURL_SSLVERSION_TLSv1_2
            let result = jwtgate_curl_easy_setopt_long(h, CURLOPT_SSLVERSION, value)
            // A refused long option leaves the handle's value as it was.
            if result == CURLE_OK { self.minVersion = minVersion } else if code == CURLE_OK { code = result }
        }
        return code
    }
}
