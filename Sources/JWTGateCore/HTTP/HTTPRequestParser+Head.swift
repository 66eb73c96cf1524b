extension HTTPRequestParser {
    /// Judges a syntactically complete head as a whole — target form, framing, Host — and builds its
    /// Strings. Refusals are ordered so the status is stable: every 400 first, then 501, then 413.
    func finishHead(_ p: UnsafeRawBufferPointer, headEnd: Int) -> HTTPParseResult {
        let c = cursor
        let method = UnsafeRawBufferPointer(rebasing: p[c.requestLineStart..<c.methodEnd])
        let target = UnsafeRawBufferPointer(rebasing: p[c.targetStart..<c.targetEnd])
        let version: RequestHead.Version = p[c.versionStart + 7] == UInt8(ascii: "1") ? .http1_1 : .http1_0

        let form: RequestHead.TargetForm
        switch Self.targetForm(method: method, target: target) {
        case .success(let found): form = found
        case .failure(let error): return .refuse(error)
        }

        var framing = FramingFields()
        var fields: [RequestHead.Field] = []
        fields.reserveCapacity(spans.count)
        for span in spans {
            let name = UnsafeRawBufferPointer(rebasing: p[span.nameStart..<span.nameEnd])
            let value = UnsafeRawBufferPointer(rebasing: p[span.valueStart..<span.valueEnd])
            if let error = framing.note(name: name, value: value, valueStart: span.valueStart) {
                return .refuse(error)
            }
            fields.append(RequestHead.Field(name: String(decoding: name, as: UTF8.self),
                                            value: String(decoding: value, as: UTF8.self)))
        }

        let bodyFraming: BodyFraming
        switch Self.framing(framing, version: version) {
        case .success(let found): bodyFraming = found
        case .failure(let error): return .refuse(error)
        }
        if let error = Self.hostError(framing, version: version, in: p) { return .refuse(error) }
        if let error = framing.transferEncodingError, framing.sawTransferEncoding { return .refuse(error) }
        if case .contentLength(let length) = bodyFraming, length > limits.maxBodyBytes {
            return .refuse(.contentTooLarge)
        }

        let keepAlive = switch version {
        case .http1_1: !framing.connectionClose
        case .http1_0: framing.connectionKeepAlive && !framing.connectionClose
        }
        let head = RequestHead(
            method: String(decoding: method, as: UTF8.self), target: String(decoding: target, as: UTF8.self),
            targetForm: form, version: version, fields: fields, keepAlive: keepAlive,
            expectsContinue: framing.expectsContinue, hasUpgrade: framing.hasUpgrade)
        return .head(head, framing: bodyFraming, consumed: headEnd)
    }

    /// RFC 9112 §6.3, minus every case that would make two parsers read different lengths.
    private static func framing(_ fields: FramingFields, version: RequestHead.Version)
        -> Result<BodyFraming, HTTPParseError>
    {
        if fields.sawTransferEncoding {
            if fields.contentLength != nil { return .failure(.contentLengthWithTransferEncoding) }
            // An HTTP/1.0 recipient may not know chunked; RFC 9112 §6.1 says to treat the framing as
            // faulty, and an intermediary must not guess.
            if version == .http1_0 { return .failure(.transferEncodingInHTTP10) }
            return .success(.chunked)  // the codings themselves are judged after Host (501 after 400s)
        }
        if let length = fields.contentLength { return .success(length == 0 ? .none : .contentLength(length)) }
        return .success(.none)
    }

    private static func hostError(_ fields: FramingFields, version: RequestHead.Version,
                                  in p: UnsafeRawBufferPointer) -> HTTPParseError?
    {
        guard let host = fields.host else { return version == .http1_1 ? .missingHost : nil }
        let value = UnsafeRawBufferPointer(rebasing: p[host])
        return HTTPHostSyntax.isValid(value, portRequired: false) ? nil : .invalidHost
    }

    /// RFC 9112 §3.2: origin-form for everything, absolute-form as a proxy would receive it, `*` only
    /// for OPTIONS, authority-form only (and always) for CONNECT.
    static func targetForm(method: UnsafeRawBufferPointer, target: UnsafeRawBufferPointer)
        -> Result<RequestHead.TargetForm, HTTPParseError>
    {
        let isConnect = method.elementsEqual("CONNECT".utf8)
        if target[0] == UInt8(ascii: "/") && !isConnect { return .success(.origin) }  // almost every request
        let isAuthority = HTTPHostSyntax.isValid(target, portRequired: true)
        if isConnect { return isAuthority ? .success(.authority) : .failure(.targetFormNotAllowed) }
        if target.count == 1 && target[0] == UInt8(ascii: "*") {
            return method.elementsEqual("OPTIONS".utf8) ? .success(.asterisk) : .failure(.targetFormNotAllowed)
        }
        if hasAuthorityScheme(target) { return .success(.absolute) }
        return .failure(isAuthority ? .targetFormNotAllowed : .invalidTarget)
    }

    /// `scheme "://"` with scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ). The authority and path are
    /// left to `RequestTarget.canonicalize`, which already refuses a bad one with 400.
    private static func hasAuthorityScheme(_ b: UnsafeRawBufferPointer) -> Bool {
        guard let first = b.first, (first | 0x20) &- UInt8(ascii: "a") < 26 else { return false }
        var i = 1
        while i < b.count {
            let byte = b[i]
            if byte == UInt8(ascii: ":") { break }
            let isSchemeByte = (byte | 0x20) &- UInt8(ascii: "a") < 26 || HTTPBytes.isDigit(byte)
                || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: ".")
            guard isSchemeByte else { return false }
            i += 1
        }
        return i + 3 <= b.count && b[i] == UInt8(ascii: ":") && b[i + 1] == UInt8(ascii: "/")
            && b[i + 2] == UInt8(ascii: "/")
    }
}
