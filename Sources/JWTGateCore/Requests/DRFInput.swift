/// What DRF 3.14's default parsers (JSON, form, multipart) and a serializer of required
/// CharFields make of a token view's POST body.
public enum DRFInput {
    /// Parses `body` according to `contentType` (the raw header value, nil when absent) exactly as DRF's default
    /// parsers would, then validates each named field as a required DRF CharField (trim_whitespace, allow_blank false),
    /// returning the cleaned values in the same order.
    public static func readCharFields(_ names: [String], contentType: String?, body: [UInt8]) -> Result<[String], DRFInputError> {
        let lookup: (String) -> DRFFieldInput?
        switch parseBody(contentType: contentType, body: body) {
        case .failure(let error):
            return .failure(error)
        case .success(.json(let value)):
            switch value {
            case .object(let object):
                lookup = { name in object[name].map(DRFFieldInput.json) }
            case .null:
                return .failure(.nonFieldErrors(["No data provided"]))
            default:
                return .failure(.nonFieldErrors(["Invalid data. Expected a dictionary, but got \(pythonTypeName(value))."]))
            }
        case .success(.form(let values)):
            lookup = { name in values.last(where: { $0.name.isExactly(name) })?.value }
        }

        var cleaned: [String] = []
        var errors: [(field: String, messages: [String])] = []
        for name in names {
            switch CharFieldRules.validate(lookup(name)) {
            case .valid(let value): cleaned.append(value)
            case .invalid(let messages): errors.append((name, messages))
            }
        }
        return errors.isEmpty ? .success(cleaned) : .failure(.fieldErrors(errors))
    }

    /// `request.data`: a JSON document, or a form's values (files after data fields, so for a
    /// repeated name the last upload wins over any data field, as `MultiValueDict.update` does).
    enum ParsedBody {
        case json(JSONValue)
        case form([(name: String, value: DRFFieldInput)])
    }

    static func parseBody(contentType: String?, body: [UInt8]) -> Result<ParsedBody, DRFInputError> {
        // No stream (Content-Length 0): `{}` whatever the type.
        if body.isEmpty { return .success(.form([])) }
        let raw = contentType ?? ""
        let mediaType = MediaType(parsing: raw)
        let charset = BodyCharset(contentType: mediaType)
        if mediaType.isMatched(byParser: "application", "json") {
            return parseJSON(body, charset: charset).map(ParsedBody.json)
        }
        if mediaType.isMatched(byParser: "application", "x-www-form-urlencoded") {
            let pairs = FormURLEncoded.parse(body, charset: charset)
            return .success(.form(pairs.map { ($0.name, DRFFieldInput.text($0.value)) }))
        }
        if mediaType.isMatched(byParser: "multipart", "form-data") {
            switch MultipartFormData.parse(body, rawContentType: raw, charset: charset) {
            case .failure(let failure):
                return .failure(.parseError("Multipart form parse error - \(failure.message)"))
            case .success(let parts):
                var fields: [(name: String, value: DRFFieldInput)] = []
                var files: [(name: String, value: DRFFieldInput)] = []
                for part in parts {
                    switch part {
                    case .field(let name, let value): fields.append((name, .text(value)))
                    case .file(let name, let fileName): files.append((name, .file(fileName: fileName)))
                    }
                }
                return .success(.form(fields + files))
            }
        }
        return .failure(.unsupportedMediaType(raw))
    }

    /// `json.load(codecs.getreader(encoding)(stream), parse_constant=strict_constant)`.
    static func parseJSON(_ body: [UInt8], charset: BodyCharset) -> Result<JSONValue, DRFInputError> {
        let result: Result<JSONValue, PythonJSONError>
        switch charset {
        case .utf8:
            // The stream reader decodes incrementally: a truncated sequence at the end is dropped.
            result = body.withUnsafeBufferPointer { PythonJSON.parse(buffer: $0, allowConstants: false, final: false) }
        case .latin1:
            let utf8 = Array(PythonUTF8.decodeLatin1(body).utf8)
            result = utf8.withUnsafeBufferPointer { PythonJSON.parseValidated($0, allowConstants: false) }
        case .ascii:
            if let bad = body.firstIndex(where: { $0 >= 0x80 }) {
                let message = PythonUTF8.decodeErrorMessage(codec: "ascii", byte: body[bad], start: bad, end: bad + 1,
                                                            reason: "ordinal not in range(128)")
                return .failure(.parseError("JSON parse error - \(message)"))
            }
            result = body.withUnsafeBufferPointer { PythonJSON.parseValidated($0, allowConstants: false) }
        }
        return result.mapError { .parseError("JSON parse error - \($0.message)") }
    }

    /// `type(data).__name__` for a non-dict JSON document.
    static func pythonTypeName(_ value: JSONValue) -> String {
        switch value {
        case .null: return "NoneType"
        case .bool: return "bool"
        case .integer, .bigInteger: return "int"
        case .float: return "float"
        case .string, .surrogateString: return "str"
        case .array: return "list"
        case .object: return "dict"
        }
    }
}
