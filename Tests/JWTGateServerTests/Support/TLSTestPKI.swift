import Foundation
import JWTGateCore

/// A throwaway PKI made with the `openssl` command for the TLS listener tests (once per test process):
/// a CA; ECDSA P-256 and RSA-2048 leaves for `localhost`/127.0.0.1; a leaf for `other.test` (SNI); a
/// renewed `localhost` leaf (reload); a leaf under an intermediate CA, its file holding the chain; a client certificate from the CA and one from an unrelated CA.
struct TLSTestPKI: Sendable {
    let directory: String

    var caFile: String { directory + "/ca.pem" }
    func file(_ name: String) -> String { directory + "/" + name }

    static let shared: TLSTestPKI = {
        let directory = "/tmp/jwtgate-tls-pki-\(getpid())"
        let script = """
            set -e
            # Earlier test processes' folders (keys included) go once their process has.
            for old in /tmp/jwtgate-tls-pki-*; do [ -d "$old" ] && ! kill -0 "${old##*-}" 2>/dev/null && rm -rf "$old"; done
            mkdir -p '\(directory)' && cd '\(directory)'
            ec() { openssl ecparam -name prime256v1 -genkey -noout -out "$1"; }
            leaf() { # name key ca caKey subject ext
              openssl req -new -key "$2" -subj "$5" -out "$1.csr"
              printf '%b' "$6" > "$1.ext"
              openssl x509 -req -in "$1.csr" -CA "$3" -CAkey "$4" -CAcreateserial -days 30 -extfile "$1.ext" -out "$1.pem" 2>/dev/null
            }
            ec ca.key; openssl req -x509 -new -key ca.key -subj "/CN=jwtgate test CA" -days 30 -out ca.pem
            ec ca2.key; openssl req -x509 -new -key ca2.key -subj "/CN=unrelated CA" -days 30 -out ca2.pem
            server='subjectAltName=DNS:localhost,IP:127.0.0.1\\nextendedKeyUsage=serverAuth\\nkeyUsage=digitalSignature,keyEncipherment\\n'
            ec ec.key; leaf ec ec.key ca.pem ca.key "/CN=localhost" "$server"
            openssl genrsa -out rsa.key 2048 2>/dev/null; leaf rsa rsa.key ca.pem ca.key "/CN=localhost" "$server"
            ec renewed.key; leaf renewed renewed.key ca.pem ca.key "/CN=localhost renewed" "$server"
            ec int.key; leaf int int.key ca.pem ca.key "/CN=jwtgate test intermediate" 'basicConstraints=critical,CA:true,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n'
            ec chained.key; leaf chained chained.key int.pem int.key "/CN=localhost chained" "$server"
            cat int.pem >> chained.pem
            ec other.key; leaf other other.key ca.pem ca.key "/CN=other.test" 'subjectAltName=DNS:other.test\\nextendedKeyUsage=serverAuth\\n'
            client='extendedKeyUsage=clientAuth\\n'
            ec client.key; leaf client client.key ca.pem ca.key "/O=jwtgate-test/CN=billing-service" "$client"
            ec intruder.key; leaf intruder intruder.key ca2.pem ca2.key "/CN=intruder" "$client"
            chmod 600 *.key
            """
        let result = TestCommand.run(["sh", "-c", script])
        precondition(result.status == 0, "cannot make the test PKI: \(result.output)")
        return TLSTestPKI(directory: directory)
    }()

    /// A listener's `tls:` for this PKI: by default the ECDSA and RSA `localhost` pairs plus `other.test`.
    func listenerTLS(pairs: [String] = ["ec", "rsa", "other"],
                     configure: (inout ListenerTLSConfig) -> Void = { _ in }) -> ListenerTLSConfig {
        var tls = ListenerTLSConfig(certificates: pairs.map {
            .init(certFile: file("\($0).pem"), keyFile: file("\($0).key"), key: "server.listen[1].tls")
        })
        configure(&tls)
        return tls
    }
}
