/// `upstream:` URLs: `http://host[:port][/base/path]` or `https://…` (certificate and host name verified).
enum UpstreamURLParsing {
    static func parse(_ text: String) -> Result<UpstreamTarget, ConfigLoader.ValueProblem> {
        let quoted = YAMLNodeReader.quote(text)
        let example = "write http(s)://host:port[/base], e.g. http://127.0.0.1:9001"
        guard let schemeEnd = text.firstRange(of: "://") else {
            return .failure(.init(problem: "\(quoted) is not a URL (no `http://`)", fix: example))
        }
        let scheme = text[..<schemeEnd.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(.init(problem: "\(quoted) has scheme `\(scheme)`; only http and https are supported", fix: example))
        }
        let rest = text[schemeEnd.upperBound...]
        if rest.contains("?") || rest.contains("#") {
            return .failure(.init(problem: "\(quoted) has a query or fragment", fix: "remove everything from `?` or `#`"))
        }
        if rest.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7F }) {
            return .failure(.init(problem: "\(quoted) contains spaces or control characters", fix: example))
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        var basePath = String(rest[slash...])
        while basePath.hasSuffix("/") { basePath.removeLast() }
        if authority.contains("@") {
            return .failure(.init(problem: "\(quoted) has user information before `@`",
                                  fix: "remove it: jwtgate does not send credentials to upstreams"))
        }
        var host: String
        var portText: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else {
                return .failure(.init(problem: "\(quoted) has `[` without `]`", fix: example))
            }
            host = String(authority[authority.index(after: authority.startIndex)..<close])
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return .failure(.init(problem: "\(quoted) is malformed", fix: example)) }
                portText = after.dropFirst()
            }
            guard IPAddressParsing.ipv6(host) != nil else {
                return .failure(.init(problem: "\(quoted) has no IPv6 address inside the brackets", fix: example))
            }
        } else {
            if let colon = authority.firstIndex(of: ":") {
                host = String(authority[..<colon])
                portText = authority[authority.index(after: colon)...]
            } else {
                host = String(authority)
            }
            guard ConfigLoader.isHostName(host), !host.contains(":") else {
                return .failure(.init(problem: "\(quoted) has no valid host", fix: example))
            }
        }
        host = host.lowercased()
        var port = scheme == "https" ? 443 : 80
        if let portText {
            guard !portText.isEmpty, portText.count <= 5, portText.unicodeScalars.allSatisfy(ConfigCharacters.isDigit),
                  let value = Int(portText), (1...65535).contains(value) else {
                return .failure(.init(problem: "\(quoted) has a port outside 1–65535", fix: example))
            }
            port = value
        }
        return .success(UpstreamTarget(scheme: scheme, host: host, port: port, basePath: basePath))
    }
}
