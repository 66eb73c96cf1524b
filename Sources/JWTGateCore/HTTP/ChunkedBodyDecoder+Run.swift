enum ChunkedRunOutcome {
    case consumedAll
    case ended(Int)
    case refused(HTTPParseError)
}

extension ChunkedBodyDecoder {
    mutating func run(_ p: UnsafeRawBufferPointer, onData: (UnsafeRawBufferPointer) -> Void) -> ChunkedRunOutcome {
        var i = 0
        while i < p.count {
            switch state {
            case .data:
                let take = min(chunkRemaining, p.count - i)
                onData(UnsafeRawBufferPointer(rebasing: p[i..<(i + take)]))
                bodyBytes += take
                chunkRemaining -= take
                i += take
                if chunkRemaining == 0 { state = .dataCR }
                continue
            case .dataCR, .dataLF:
                let expected = state == .dataCR ? HTTPBytes.cr : HTTPBytes.lf
                guard p[i] == expected else { return .refused(.chunkDataNotTerminated) }
                state = state == .dataCR ? .dataLF : .sizeStart
            case .sizeLF:
                guard p[i] == HTTPBytes.lf else { return .refused(.invalidChunkSize) }
                lineBytes = 0
                if chunkRemaining == 0 {
                    state = .trailerLineStart
                } else {
                    guard chunkRemaining <= maxBodyBytes - bodyBytes else { return .refused(.contentTooLarge) }
                    state = .data
                }
            case .trailerLineStart, .trailerName, .trailerValue, .trailerLF, .finalLF:
                trailerBytes += 1
                if trailerBytes > limits.maxTrailerBytes { return .refused(.trailersTooLarge) }
                if let error = stepTrailer(p[i]) { return .refused(error) }
                if state == .done { return .ended(i + 1) }
            case .done:
                return .ended(i)
            default:
                // still on the size line: digits, extensions, or its CR
                if p[i] != HTTPBytes.cr {
                    lineBytes += 1
                    if lineBytes > limits.maxChunkLineBytes { return .refused(.chunkLineTooLong) }
                }
                if let error = stepSizeLine(p[i]) { return .refused(error) }
            }
            i += 1
        }
        return .consumedAll
    }

    /// chunk-size [ chunk-ext ] CR, with chunk-ext = *( ";" token [ "=" ( token / quoted-string ) ] ) and
    /// no whitespace anywhere (RFC 9112's BWS there is where parsers start to disagree on where the line
    /// ends; llhttp refuses it too unless made lenient).
    private mutating func stepSizeLine(_ byte: UInt8) -> HTTPParseError? {
        typealias B = HTTPBytes
        switch state {
        case .sizeStart, .size:
            if let digit = B.hexValue(byte) {
                // 1*HEXDIG that fits in an Int (llhttp refuses the same overflow).
                guard chunkRemaining <= (Int.max - digit) >> 4 else { return .invalidChunkSize }
                chunkRemaining = chunkRemaining << 4 | digit
                state = .size
            } else if state == .size && byte == UInt8(ascii: ";") {
                state = .extensionName
            } else if state == .size && byte == B.cr {
                state = .sizeLF
            } else {
                return .invalidChunkSize
            }
        case .extensionName:
            guard B.isToken(byte) else { return .invalidChunkExtension }
            state = .extensionNameRest
        case .extensionNameRest, .extensionValueToken:
            if B.isToken(byte) { return nil }
            if byte == UInt8(ascii: "=") && state == .extensionNameRest {
                state = .extensionValueStart
            } else {
                return endOfExtension(byte)
            }
        case .extensionValueStart:
            if byte == UInt8(ascii: "\"") {
                state = .extensionQuoted
            } else if B.isToken(byte) {
                state = .extensionValueToken
            } else {
                return .invalidChunkExtension
            }
        case .extensionQuoted:
            if byte == UInt8(ascii: "\"") {
                state = .extensionAfterQuoted
            } else if byte == UInt8(ascii: "\\") {
                state = .extensionQuotedEscape
            } else if !B.isFieldValueByte(byte) {
                return .invalidChunkExtension
            }
        case .extensionQuotedEscape:
            guard B.isFieldValueByte(byte) else { return .invalidChunkExtension }
            state = .extensionQuoted
        case .extensionAfterQuoted:
            return endOfExtension(byte)
        default:
            preconditionFailure("not on a chunk-size line")
        }
        return nil
    }

    /// After an extension: another one, or the end of the size line.
    private mutating func endOfExtension(_ byte: UInt8) -> HTTPParseError? {
        if byte == UInt8(ascii: ";") {
            state = .extensionName
        } else if byte == HTTPBytes.cr {
            state = .sizeLF
        } else {
            return .invalidChunkExtension
        }
        return nil
    }

    /// Trailer section: field lines under the header rules (token name, colon, no CTLs, CRLF, no
    /// obs-fold), then an empty line, which ends the body (`state` becomes `.done`).
    private mutating func stepTrailer(_ byte: UInt8) -> HTTPParseError? {
        typealias B = HTTPBytes
        switch state {
        case .trailerLineStart:
            if byte == B.cr {
                state = .finalLF
            } else if B.isToken(byte) {
                state = .trailerName
            } else {
                return .invalidTrailer
            }
        case .trailerName:
            if byte == B.colon {
                state = .trailerValue
            } else if !B.isToken(byte) {
                return .invalidTrailer
            }
        case .trailerValue:
            if byte == B.cr {
                state = .trailerLF
            } else if !B.isFieldValueByte(byte) {
                return .invalidTrailer
            }
        case .trailerLF, .finalLF:
            guard byte == B.lf else { return .invalidTrailer }
            state = state == .trailerLF ? .trailerLineStart : .done
        default:
            preconditionFailure("not in the trailer section")
        }
        return nil
    }
}
