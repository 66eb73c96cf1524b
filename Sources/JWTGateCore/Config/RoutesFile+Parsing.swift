import Foundation

/// What routes.yaml holds.
struct RoutesFile {
    var routes: [RouteConfig]
    var pathVariants: PathVariantsConfig
}

extension ConfigLoader {
    static let routeKeys = ["path", "upstream", "auth", "methods", "strip_prefix", "timeout", "preserve_host", "ca_file",
                            "client_cert_file", "client_key_file", "min_tls_version", "skip_auth_preflight",
                            "require_client_certificate", "allowed_client_subjects"]

    /// Reads routes.yaml. `key`/`line` name the gateway key that pointed here. Nil after issues.
    static func loadRoutesFile(_ file: String, namedBy key: String, at line: Int?,
                               _ gatewayReader: YAMLNodeReader) -> RoutesFile? {
        let log = gatewayReader.log
        guard case .document(let root) = ConfigFileReading.read(file: file, namedBy: key, at: line,
                                                                 in: gatewayReader.file, log: log) else { return nil }
        let reader = YAMLNodeReader(file: file, environment: gatewayReader.environment, log: log)
        guard let root,
              let top = reader.mapping(Field(path: "", node: root, keyLine: nil), known: ["routes", "path_variants"]) else {
            if root == nil {
                reader.issue(key: "", line: nil, "is empty", fix: "list the routes under a `routes:` key")
            }
            return nil
        }
        let pathVariants = parsePathVariants(top["path_variants"], reader)
        guard let routesField = top["routes"] else {
            reader.issue(key: "routes", line: root.mark?.line, "is missing", fix: "list the routes under a `routes:` key")
            return nil
        }
        if reader.isNull(routesField) { return pathVariants.map { RoutesFile(routes: [], pathVariants: $0) } }
        guard let items = reader.sequence(routesField, itemsAre: "routes") else { return nil }

        var routes: [RouteConfig] = []
        var failed = false
        var firstByPath: [String: (index: Int, line: Int?)] = [:]
        for (index, item) in items.enumerated() {
            guard let route = parseRoute(item, reader) else { failed = true; continue }
            if let first = firstByPath[route.path] {
                reader.issue(key: "\(item.path).path", line: YAMLNodeReader.valueLine(of: "path", in: item),
                             "\(YAMLNodeReader.quote(route.path)) is already routed by routes[\(first.index)] "
                                 + "(line \(first.line ?? 0))",
                             fix: "remove one: the second could never match")
                failed = true
            } else {
                firstByPath[route.path] = (index, route.line)
            }
            routes.append(route)
        }
        guard !failed, let pathVariants else { return nil }
        return RoutesFile(routes: routes, pathVariants: pathVariants)
    }

    static func parseRoute(_ item: Field, _ reader: YAMLNodeReader) -> RouteConfig? {
        guard let entries = reader.mapping(item, known: routeKeys) else { return nil }
        var failed = false

        var path: String?
        if let value = reader.string(entries["path"]), let entry = entries["path"] {
            if let problem = pathProblem(value) {
                reader.issue(entry, problem, fix: "write a path prefix such as /api/")
            } else {
                path = value
            }
        } else if reader.isMissing(entries["path"]) {
            reader.issue(key: "\(item.path).path", line: entries["path"]?.line ?? item.line, "is missing",
                         fix: "give the path prefix this route serves, e.g. /api/")
        }
        if path == nil { failed = true }

        var upstreams: [UpstreamTarget] = []
        if let urls = reader.strings(entries["upstream"], allowSingle: true, itemsAre: "upstream URLs") {
            if urls.isEmpty, let entry = entries["upstream"] {
                reader.issue(entry, "is an empty list", fix: "give at least one http://host:port URL")
                failed = true
            }
            for (text, entry) in urls {
                switch UpstreamURLParsing.parse(text.trimmingCharacters(in: .whitespaces)) {
                case .success(let target): upstreams.append(target)
                case .failure(let problem): reader.issue(entry, problem.problem, fix: problem.fix); failed = true
                }
            }
        } else {
            if reader.isMissing(entries["upstream"]) {
                reader.issue(key: "\(item.path).upstream", line: entries["upstream"]?.line ?? item.line,
                             "is missing", fix: "give the URL requests are forwarded to, e.g. http://127.0.0.1:9001")
            }
            failed = true
        }

        var route = RouteConfig(path: path ?? "/", upstreams: upstreams)
        route.line = item.line ?? 0
        // No `auth:` means `required`: a route someone forgot to mark must fail closed, never open.
        if let auth = reader.choice(entries["auth"], RouteAuthMode.self) {
            route.auth = auth
        } else if !reader.isMissing(entries["auth"]) {
            failed = true
        }
        if let methods = reader.strings(entries["methods"], allowSingle: true, itemsAre: "HTTP methods") {
            var set = Set<String>()
            for (method, entry) in methods {
                if !method.isEmpty, method.unicodeScalars.allSatisfy(isTokenCharacter) {
                    set.insert(method.uppercased())
                } else {
                    reader.issue(entry, "\(YAMLNodeReader.quote(method)) is not an HTTP method",
                                 fix: "write method names such as GET, POST, PUT, PATCH, DELETE")
                    failed = true
                }
            }
            if methods.isEmpty, let entry = entries["methods"] {
                reader.issue(entry, "is an empty list (every request would get 405)",
                             fix: "list the allowed methods, or remove the key to allow any method")
                failed = true
            }
            route.methods = set
        } else if !reader.isMissing(entries["methods"]) {
            failed = true
        }
        for (key, keyPath) in [("strip_prefix", \RouteConfig.stripPrefix), ("preserve_host", \.preserveHost),
                               ("skip_auth_preflight", \.skipAuthPreflight),
                               ("require_client_certificate", \.requireClientCertificate)] {
            if let value = reader.bool(entries[key]) {
                route[keyPath: keyPath] = value
            } else if !reader.isMissing(entries[key]) {
                failed = true
            }
        }
        if let timeout = reader.duration(entries["timeout"]) {
            route.timeout = timeout
        } else if !reader.isMissing(entries["timeout"]) {
            failed = true
        }
        if !parseUpstreamTLS(entries, https: upstreams.contains { $0.scheme == "https" }, into: &route, reader) {
            failed = true
        }
        if !parseClientSubjects(entries, into: &route, reader) { failed = true }
        return failed || path == nil ? nil : route
    }

    /// `allowed_client_subjects`: a non-empty list of exact RFC 2253 subjects; it implies
    /// `require_client_certificate`, so writing that `false` beside it is a contradiction.
    static func parseClientSubjects(_ entries: [String: Field], into route: inout RouteConfig,
                                    _ reader: YAMLNodeReader) -> Bool {
        guard let field = entries["allowed_client_subjects"], !reader.isNull(field) else { return true }
        guard let subjects = reader.strings(field, allowSingle: false, itemsAre: "certificate subjects") else { return false }
        var failed = false
        if subjects.isEmpty {
            reader.issue(field, "is an empty list (no caller could ever use the route)",
                         fix: "list subjects such as \"CN=billing,O=Example Corp\", or remove the key")
            failed = true
        }
        for (subject, entry) in subjects where subject.trimmingCharacters(in: .whitespaces).isEmpty {
            reader.issue(entry, "is an empty subject", fix: "write the subject as X-Auth-Client-Subject shows it, e.g. \"CN=billing,O=Example Corp\"")
            failed = true
        }
        if let explicit = entries["require_client_certificate"], reader.bool(explicit) == false {
            reader.issue(explicit, "is false, but allowed_client_subjects needs a certificate",
                         fix: "remove require_client_certificate (the subject list implies it) or the list")
            failed = true
        }
        route.allowedClientSubjects = Set(subjects.map(\.0))
        route.requireClientCertificate = true
        return !failed
    }

    /// `ca_file`, `client_cert_file`/`client_key_file` and `min_tls_version`: how the route speaks TLS to its
    /// upstreams. Each is refused on a route without an https upstream, where it would silently do nothing.
    /// False after issues.
    static func parseUpstreamTLS(_ entries: [String: Field], https: Bool, into route: inout RouteConfig,
                                 _ reader: YAMLNodeReader) -> Bool {
        var failed = false
        func entry(_ key: String) -> Field? {
            guard let entry = entries[key], !reader.isNull(entry) else { return nil }
            guard https else {
                reader.issue(entry, "is set but no upstream of this route is https",
                             fix: "remove it, or write the upstream as https://host:port")
                failed = true
                return nil
            }
            return entry
        }
        /// The path written at `entry`, resolved, when `problem` finds nothing wrong with the file there.
        func file(_ entry: Field, _ problem: (String) -> String?, fix: String) -> String? {
            guard let written = reader.string(entry) else { failed = true; return nil }
            let resolved = ConfigPaths.resolve(written, relativeTo: ConfigPaths.directory(of: reader.file))
            if let problem = problem(resolved) {
                reader.issue(entry, problem, fix: fix)
                failed = true
                return nil
            }
            return resolved
        }

        if let caEntry = entry("ca_file") {
            route.caFile = file(caEntry, caFileProblem,
                                fix: "point it at a PEM file of the CA certificates that sign the upstream's certificate")
        }

        let certFix = "point it at the client certificate the upstream expects (PEM, leaf first)"
        let keyFix = "point it at the client certificate's private key, PEM and unencrypted "
            + "(`openssl pkey -in key.pem -out plain-key.pem` decrypts one)"
        switch (entry("client_cert_file"), entry("client_key_file")) {
        case (nil, nil):
            break
        case (let certEntry?, nil):
            reader.issue(certEntry, "is set without `client_key_file`",
                         fix: "add `client_key_file:` with the client certificate's private key (PEM)")
            failed = true
        case (nil, let keyEntry?):
            reader.issue(keyEntry, "is set without `client_cert_file`",
                         fix: "add `client_cert_file:` with the client certificate (PEM)")
            failed = true
        case (let certEntry?, let keyEntry?):
            let certFile = file(certEntry, caFileProblem, fix: certFix)
            let keyFile = file(keyEntry, keyFileProblem, fix: keyFix)
            if let certFile, let keyFile {
                route.clientCertificate = UpstreamClientCertificate(certFile: certFile, keyFile: keyFile)
            }
        }

        if let versionEntry = entry("min_tls_version") {
            if let text = reader.string(versionEntry) {
                if let version = ListenerTLSConfig.Version(rawValue: text) {
                    route.minTLSVersion = version
                } else {
                    reader.issue(versionEntry, "unknown value \(YAMLNodeReader.quote(text))",
                                 fix: "write \"1.2\" or \"1.3\" (TLS 1.0 and 1.1 are never accepted)")
                    failed = true
                }
            } else {
                failed = true
            }
        }
        return !failed
    }

    /// Why `path` cannot serve as a CA bundle or a client certificate, or nil (readable, with at least one
    /// PEM certificate).
    static func caFileProblem(_ path: String) -> String? {
        guard let data = FileBytes.contents(path) else {
            return "\(YAMLNodeReader.quote(path)) cannot be read"
        }
        guard String(decoding: data, as: UTF8.self).contains("-----BEGIN CERTIFICATE-----") else {
            return "\(YAMLNodeReader.quote(path)) holds no PEM certificate (-----BEGIN CERTIFICATE-----)"
        }
        return nil
    }

    /// Why `path` cannot serve as a client certificate's key, or nil (readable, with a PEM private key that
    /// needs no passphrase: jwtgate has none to give).
    static func keyFileProblem(_ path: String) -> String? {
        guard let data = FileBytes.contents(path) else {
            return "\(YAMLNodeReader.quote(path)) cannot be read"
        }
        let text = String(decoding: data, as: UTF8.self)
        guard text.contains("PRIVATE KEY-----") else {
            return "\(YAMLNodeReader.quote(path)) holds no PEM private key (-----BEGIN PRIVATE KEY-----)"
        }
        if text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED") {
            return "\(YAMLNodeReader.quote(path)) holds an encrypted private key, and jwtgate has no passphrase for it"
        }
        return nil
    }
}
