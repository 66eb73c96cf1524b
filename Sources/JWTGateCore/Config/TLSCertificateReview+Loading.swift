import Foundation
import Yams

extension ConfigLoader {
    /// After `server:` is parsed: notes where each TLS file key was written (for messages, also at reload) and
    /// adds the certificate review's errors to the load's issues, so a broken pair fails check-config, start-up
    /// and reload alike. Warnings are left to `TLSCertificateReview.warnings` (check-config prints them, serve logs them).
    static func reviewTLSCertificates(_ server: inout ServerConfig, _ field: Field?, _ reader: YAMLNodeReader,
                                      now: Date = Date()) {
        for index in server.listen.indices {
            guard var tls = server.listen[index].tls else { continue }
            if let field {
                let tlsKey = TLSCertificateReview.tlsKey(tls, listenerKey: "server.listen[\(index)]")
                var keys = ["\(tlsKey).client_ca_file"]
                for (position, pair) in tls.certificates.enumerated() {
                    let pairKey = TLSCertificateReview.pairKey(pair, index: position, tlsKey: tlsKey)
                    keys += ["\(pairKey).cert_file", "\(pairKey).key_file"]
                }
                for key in keys { if let line = line(of: key, under: field) { tls.lines[key] = line } }
            }
            server.listen[index].tls = tls
        }
        for issue in TLSCertificateReview.review(server, file: reader.file, now: now).errors {
            reader.log.add(issue)
        }
    }

    /// The line of the value at dotted `key` (`server.listen[1].tls.cert_file`) inside `field`, found in the
    /// YAML as written: a scalar's own line, else its key's.
    static func line(of key: String, under field: Field) -> Int? {
        guard key.hasPrefix(field.path) else { return nil }
        var rest = key.dropFirst(field.path.count)
        if rest.hasPrefix(".") { rest = rest.dropFirst() }
        var node = field.node
        var keyLine = field.keyLine
        for component in rest.split(separator: ".") {
            var parts = component.split(separator: "[", omittingEmptySubsequences: false)
            let name = String(parts.removeFirst())
            if !name.isEmpty {
                guard case .mapping(let mapping) = node,
                      let entry = mapping.first(where: { $0.key.scalar?.string == name }) else { return nil }
                node = entry.value
                keyLine = entry.key.mark?.line
            }
            for part in parts {
                guard part.hasSuffix("]"), let position = Int(part.dropLast()), case .sequence(let sequence) = node,
                      position >= 0, position < sequence.count else { return nil }
                node = Array(sequence)[position]
                keyLine = node.mark?.line
            }
        }
        return Field(path: key, node: node, keyLine: keyLine).line
    }
}
