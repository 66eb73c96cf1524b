import Foundation

/// Reads `gateway.yaml` and the routes and users files it names into one validated `GatewayConfig`.
///
/// Every problem in all three files is collected and thrown at once as a `ConfigError`, each naming file,
/// dotted key, line and a fix. `${NAME}` in any value is replaced from `environment` before conversion;
/// relative paths are relative to the folder of the file that holds them.
public enum ConfigLoader {
    public static func load(
        path: String,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) throws(ConfigError) -> GatewayConfig {
        let log = IssueLog()
        let config = load(path: path, environment: environment, log: log)
        guard let config, log.isEmpty else { throw ConfigError(issues: inReadingOrder(log.issues)) }
        return config
    }

    /// Files in the order they were read (gateway, users, routes), each top to bottom.
    static func inReadingOrder(_ issues: [ConfigIssue]) -> [ConfigIssue] {
        var fileOrder: [String: Int] = [:]
        for issue in issues where fileOrder[issue.file] == nil { fileOrder[issue.file] = fileOrder.count }
        return issues.enumerated().sorted { a, b in
            let keyA = (fileOrder[a.element.file] ?? 0, a.element.line ?? 0, a.offset)
            let keyB = (fileOrder[b.element.file] ?? 0, b.element.line ?? 0, b.offset)
            return keyA < keyB
        }.map(\.element)
    }

    static func load(path: String, environment: [String: String], log: IssueLog) -> GatewayConfig? {
        guard case .document(let root) = ConfigFileReading.read(file: path, namedBy: "", at: nil, in: nil,
                                                                 log: log) else { return nil }
        let reader = YAMLNodeReader(file: path, environment: environment, log: log)
        let baseDirectory = ConfigPaths.directory(of: path)
        var top: [String: Field] = [:]
        if let root {
            guard let entries = reader.mapping(Field(path: "", node: root, keyLine: nil),
                                               known: GatewayKeys.topLevel,
                                               elsewhere: GatewayKeys.elsewhere(except: "")) else { return nil }
            top = entries
        }

        var server = parseServer(top["server"], reader)
        reviewTLSCertificates(&server, top["server"], reader)
        let endpoints = parseEndpoints(top["endpoints"], reader)
        let jwt = parseJWT(top["jwt"], reader, baseDirectory: baseDirectory,
                           issuesTokens: endpoints.obtain != nil || endpoints.refresh != nil)
        let logging = parseLogging(top["logging"], reader, baseDirectory: baseDirectory)
        let throttle = parseThrottle(top["throttle"], reader)
        let users = parseUsers(top["users"], reader, baseDirectory: baseDirectory)
        if let users { checkUserSecretField(jwt, users, top["jwt"], reader) }

        var routesFile: String?
        var routes = RoutesFile(routes: [], pathVariants: PathVariantsConfig())
        if let field = top["routes"], !reader.isNull(field), let written = reader.string(field) {
            let display = ConfigPaths.resolve(written, relativeTo: baseDirectory)
            routesFile = ConfigPaths.absolute(display)
            routes = loadRoutesFile(display, namedBy: field.path, at: field.line, reader) ?? routes
            checkClientCertificateRoutes(routes.routes, server: server, routesFile: display, reader.log)
        }

        guard let users else { return nil }
        var config = GatewayConfig(sourceFile: ConfigPaths.absolute(path), server: server, jwt: jwt, endpoints: endpoints,
                                   users: users, logging: logging, routesFile: routesFile, routes: routes.routes)
        config.pathVariants = routes.pathVariants
        config.throttle = throttle
        return config
    }

    /// A route that requires a client certificate can only be reached through a TLS listener that asks for
    /// one: without such a listener it would answer 403 to everyone, which is a configuration mistake.
    static func checkClientCertificateRoutes(_ routes: [RouteConfig], server: ServerConfig, routesFile: String,
                                             _ log: IssueLog) {
        guard !server.listen.contains(where: { ($0.tls?.verifyClient ?? .none) != .none }) else { return }
        for (index, route) in routes.enumerated() where route.requireClientCertificate {
            let key = route.allowedClientSubjects != nil ? "allowed_client_subjects" : "require_client_certificate"
            log.add(file: routesFile, key: "routes[\(index)].\(key)", line: route.line,
                    problem: "needs a client certificate, but no listener asks clients for one",
                    fix: "give a TLS listener in server.listen `client_ca_file` and `verify_client: optional` "
                        + "(or `required`), or remove the requirement")
        }
    }

    /// With the file backend, every user must carry the `user_secret_field` (the library would crash with
    /// an AttributeError when signing for a user without it).
    static func checkUserSecretField(_ jwt: JWTConfig, _ users: UsersConfig, _ jwtField: Field?,
                                     _ reader: YAMLNodeReader) {
        guard let name = jwt.userSecretField, case .file(let path, let records) = users.backend,
              !userKeys.contains(name) else { return }
        let missing = records.filter { $0.fields[name] == nil }.map(\.username)
        guard !missing.isEmpty else { return }
        let line = jwtField.flatMap { YAMLNodeReader.valueLine(of: "user_secret_field", in: $0) }
        let names = missing.prefix(5).map { YAMLNodeReader.quote($0) }.joined(separator: ", ")
            + (missing.count > 5 ? " and \(missing.count - 5) more" : "")
        reader.issue(key: "jwt.user_secret_field", line: line,
                     "names field `\(name)`, which users \(names) in \(path) do not have",
                     fix: "add `\(name):` to every user in the users file, or set user_secret_field to null")
    }
}
