/// What every accepted request satisfies, whatever bytes produced it; the fuzz target traps on a
/// violation. Checked on the Strings the gateway will use, not on the parser's internals.
enum HTTPParserInvariants {
    static func check(_ head: RequestHead, framing: BodyFraming, body: [UInt8], limits: HTTPParseLimits) {
        let method = Array(head.method.utf8), target = Array(head.target.utf8)
        require(!method.isEmpty && method.allSatisfy(HTTPBytes.isToken), "method is a token")
        require(!target.isEmpty && target.count <= limits.maxTargetBytes, "target within its limit")
        require(target.allSatisfy(HTTPBytes.isTargetByte), "target is visible ASCII")
        require(head.fields.count <= limits.maxHeaderCount, "field count within its limit")
        for field in head.fields {
            let name = Array(field.name.utf8), value = Array(field.value.utf8)
            require(!name.isEmpty && name.allSatisfy(HTTPBytes.isToken), "field name is a token")
            require(value.allSatisfy(HTTPBytes.isFieldValueByte), "field value has no control character")
            require(value.first.map { !HTTPBytes.isOWS($0) } ?? true, "field value trimmed at the start")
            require(value.last.map { !HTTPBytes.isOWS($0) } ?? true, "field value trimmed at the end")
        }
        let hosts = head.values(named: "host").count
        require(hosts <= 1 && (head.version == .http1_0 || hosts == 1), "exactly one Host in HTTP/1.1")
        let lengths = head.values(named: "content-length"), codings = head.values(named: "transfer-encoding")
        require(lengths.count <= 1 && (lengths.isEmpty || codings.isEmpty), "one framing at most")
        switch framing {
        case .none:
            require(codings.isEmpty && body.isEmpty && lengths.allSatisfy { Int($0) == 0 }, "no body")
        case .contentLength(let length):
            require(length > 0 && length <= limits.maxBodyBytes && body.count == length, "body of its length")
            require(lengths.count == 1 && Int(lengths[0]) == length, "length as announced")
        case .chunked:
            require(head.version == .http1_1 && !codings.isEmpty && body.count <= limits.maxBodyBytes, "chunked")
        }
    }

    private static func require(_ condition: Bool, _ rule: StaticString) {
        if !condition { preconditionFailure("accepted request breaks: \(rule)") }
    }
}
