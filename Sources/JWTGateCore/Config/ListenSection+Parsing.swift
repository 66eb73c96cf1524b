import Foundation

extension ConfigLoader {
    static let listenerKeys = ["address", "tls"]
    static let tlsKeys = ["cert_file", "key_file", "certificates", "min_version", "ciphers", "ciphersuites", "alpn",
                          "session_tickets", "ticket_key_rotation", "handshake_timeout", "max_handshakes",
                          "client_ca_file", "verify_client"]

    /// `listen`: one listener or a list of them. A plain listener is `"host:port"` (IPv6 hosts in brackets,
    /// `"[::1]:8080"`; port 0 = any free port); a TLS listener is `{address: "host:port", tls: {...}}`.
    static func parseListen(_ field: Field?, _ reader: YAMLNodeReader) -> [ListenAddress]? {
        guard let field, !reader.isNull(field) else { return nil }
        let items: [Field]
        switch field.node {
        case .scalar, .mapping: items = [field]
        case .sequence:
            guard let sequence = reader.sequence(field, itemsAre: "listeners") else { return nil }
            items = sequence
        }
        if items.isEmpty {
            reader.issue(field, "is an empty list", fix: "give at least one \"host:port\", e.g. \"127.0.0.1:8080\"")
            return nil
        }
        var addresses: [ListenAddress] = []
        for item in items {
            if let address = parseListener(item, reader) { addresses.append(address) }
        }
        guard addresses.count == items.count else { return nil }
        for (index, address) in addresses.enumerated() where address.port != 0 {
            if addresses[..<index].contains(where: { $0.host == address.host && $0.port == address.port }) {
                reader.issue(items[index], "listens on \(address) twice",
                             fix: "give each listener its own port (a TLS and a plain listener need two)")
                return nil
            }
        }
        return addresses
    }

    private static func parseListener(_ item: Field, _ reader: YAMLNodeReader) -> ListenAddress? {
        if reader.isNull(item) {
            reader.issue(item, "is empty", fix: "remove the empty item")
            return nil
        }
        guard case .mapping = item.node else {
            guard let text = reader.string(item) else { return nil }
            switch listenAddress(text) {
            case .success(let address): return address
            case .failure(let problem):
                reader.issue(item, problem.problem, fix: problem.fix)
                return nil
            }
        }
        guard let entries = reader.mapping(item, known: listenerKeys) else { return nil }
        guard let addressField = entries["address"], !reader.isNull(addressField) else {
            reader.issue(item, "has no `address`", fix: "add `address: \"host:port\"`, e.g. \"0.0.0.0:8443\"")
            return nil
        }
        guard let text = reader.string(addressField) else { return nil }
        var address: ListenAddress
        switch listenAddress(text) {
        case .success(let parsed): address = parsed
        case .failure(let problem):
            reader.issue(addressField, problem.problem, fix: problem.fix)
            return nil
        }
        if let tlsField = entries["tls"], !reader.isNull(tlsField) {
            guard let tls = parseListenerTLS(tlsField, reader) else { return nil }
            address.tls = tls
        }
        return address
    }

    /// `tls:` of one listener. Files must exist here; whether they hold a matching pair, a chain in order and a
    /// live certificate is checked by `TLSCertificateReview` (check-config, start-up and every reload).
    static func parseListenerTLS(_ field: Field, _ reader: YAMLNodeReader) -> ListenerTLSConfig? {
        guard let entries = reader.mapping(field, known: tlsKeys) else { return nil }
        var failed = false
        var pairs: [ListenerTLSConfig.CertificatePair] = []
        let certEntry = entries["cert_file"].flatMap { reader.isNull($0) ? nil : $0 }
        let keyEntry = entries["key_file"].flatMap { reader.isNull($0) ? nil : $0 }
        switch (certEntry, keyEntry) {
        case (nil, nil): break
        case (let cert?, nil):
            reader.issue(cert, "is set without `key_file`", fix: "add `key_file:` with the certificate's private key (PEM)")
            failed = true
        case (nil, let key?):
            reader.issue(key, "is set without `cert_file`", fix: "add `cert_file:` with the certificate chain (PEM, leaf first)")
            failed = true
        case (let cert?, let key?):
            if let pair = certificatePair(cert: cert, key: key, at: field.path, reader) { pairs.append(pair) } else { failed = true }
        }
        if let list = entries["certificates"], !reader.isNull(list) {
            if let items = reader.sequence(list, itemsAre: "certificate pairs") {
                for item in items {
                    guard let pair = reader.mapping(item, known: ["cert_file", "key_file"]) else { failed = true; continue }
                    guard let cert = pair["cert_file"], let key = pair["key_file"] else {
                        reader.issue(item, "needs both `cert_file` and `key_file`",
                                     fix: "write `{cert_file: chain.pem, key_file: key.pem}`")
                        failed = true
                        continue
                    }
                    if let parsed = certificatePair(cert: cert, key: key, at: item.path, reader) { pairs.append(parsed) } else { failed = true }
                }
            } else {
                failed = true
            }
        }
        if pairs.isEmpty && !failed {
            reader.issue(field, "has no certificate",
                         fix: "add `cert_file:` and `key_file:` (scripts/make-local-ca.sh makes a pair for trying it)")
            return nil
        }
        var tls = ListenerTLSConfig(certificates: pairs)
        if let version = reader.choice(entries["min_version"], ListenerTLSConfig.Version.self) { tls.minVersion = version }
        if let ciphers = reader.string(entries["ciphers"]) { tls.ciphers = ciphers }
        if let suites = reader.string(entries["ciphersuites"]) { tls.cipherSuites = suites }
        if let alpn = reader.strings(entries["alpn"], allowSingle: true, itemsAre: "protocol names") {
            for (name, item) in alpn where name != "http/1.1" {
                reader.issue(item, "\(YAMLNodeReader.quote(name)) is not served",
                             fix: name == "h2" ? "HTTP/2 is not served yet; list only http/1.1" : "list only http/1.1")
                failed = true
            }
            if alpn.isEmpty, let entry = entries["alpn"] {
                reader.issue(entry, "is an empty list", fix: "write `alpn: [http/1.1]` or leave it out")
                failed = true
            }
            tls.alpn = alpn.map(\.value)
        }
        if let tickets = reader.bool(entries["session_tickets"]) { tls.sessionTickets = tickets }
        if let rotation = reader.duration(entries["ticket_key_rotation"]) { tls.ticketKeyRotation = rotation }
        if let timeout = reader.duration(entries["handshake_timeout"]) { tls.handshakeTimeout = timeout }
        if let cap = reader.int(entries["max_handshakes"], in: 1...1_000_000) { tls.maxHandshakes = cap }
        if let verify = reader.choice(entries["verify_client"], ListenerTLSConfig.ClientVerification.self) {
            tls.verifyClient = verify
        }
        if let entry = entries["client_ca_file"], !reader.isNull(entry) {
            if let path = existingFile(entry, reader, what: "the PEM certificates of the CAs that sign client certificates") {
                tls.clientCAFile = path
            } else {
                failed = true
            }
        }
        if tls.verifyClient != .none && tls.clientCAFile == nil {
            reader.issue(entries["verify_client"] ?? field, "asks for client certificates but no `client_ca_file` is set",
                         fix: "add `client_ca_file:` with the CA certificates that sign your clients' certificates")
            failed = true
        } else if tls.verifyClient == .none, tls.clientCAFile != nil, let entry = entries["client_ca_file"] {
            reader.issue(entry, "is set but `verify_client` is none",
                         fix: "set `verify_client: optional` or `required`, or remove `client_ca_file`")
            failed = true
        }
        return failed ? nil : tls
    }

    private static func certificatePair(cert: Field, key: Field, at path: String,
                                        _ reader: YAMLNodeReader) -> ListenerTLSConfig.CertificatePair? {
        let certPath = existingFile(cert, reader, what: "the certificate chain (PEM, leaf first)")
        let keyPath = existingFile(key, reader, what: "the certificate's private key (PEM)")
        guard let certPath, let keyPath else { return nil }
        return .init(certFile: certPath, keyFile: keyPath, key: path)
    }

    /// The path resolved against the config file's folder, when a readable file is there.
    static func existingFile(_ field: Field, _ reader: YAMLNodeReader, what: String) -> String? {
        guard let written = reader.string(field) else { return nil }
        let resolved = ConfigPaths.resolve(written, relativeTo: ConfigPaths.directory(of: reader.file))
        guard FileManager.default.isReadableFile(atPath: resolved) else {
            reader.issue(field, "\(YAMLNodeReader.quote(resolved)) cannot be read", fix: "point it at \(what)")
            return nil
        }
        return resolved
    }

    static func listenAddress(_ text: String) -> Result<ListenAddress, ValueProblem> {
        let quoted = YAMLNodeReader.quote(text)
        let example = "write \"host:port\", e.g. \"127.0.0.1:8080\", \"0.0.0.0:8080\" or \"[::1]:8080\""
        let host: String, portText: String
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else {
                return .failure(.init(problem: "\(quoted) has `[` without `]`", fix: example))
            }
            host = String(text[text.index(after: text.startIndex)..<close])
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else {
                return .failure(.init(problem: "\(quoted) has no port", fix: example))
            }
            portText = String(rest.dropFirst())
            guard IPAddressParsing.ipv6(host) != nil else {
                return .failure(.init(problem: "\(quoted) does not hold an IPv6 address in brackets", fix: example))
            }
        } else {
            guard let colon = text.lastIndex(of: ":") else {
                return .failure(.init(problem: "\(quoted) has no port", fix: example))
            }
            host = String(text[..<colon])
            portText = String(text[text.index(after: colon)...])
            if host.contains(":") {
                return .failure(.init(problem: "\(quoted) looks like an IPv6 address without brackets",
                                      fix: "put the address in brackets: \"[::1]:8080\""))
            }
            guard isHostName(host) else {
                return .failure(.init(problem: "\(quoted) has no valid host", fix: example))
            }
        }
        guard !portText.isEmpty, portText.unicodeScalars.allSatisfy(ConfigCharacters.isDigit), let port = Int(portText),
              (0...65535).contains(port) else {
            return .failure(.init(problem: "\(quoted) has a port outside 0–65535",
                                  fix: "use a port from 1 to 65535 (0 picks any free port)"))
        }
        return .success(ListenAddress(host: host, port: port))
    }
}
