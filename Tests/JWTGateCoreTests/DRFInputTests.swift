import Testing
@testable import JWTGateCore

struct DRFCase: Sendable, CustomTestStringConvertible {
    let label: String
    let contentType: String?
    let body: [UInt8]
    let expected: Result<[String], DRFInputError>

    init(_ label: String, contentType: String?, body: String, expected: Result<[String], DRFInputError>) {
        self.label = label
        self.contentType = contentType
        self.body = PythonJSONTests.bytes(body)
        self.expected = expected
    }

    var testDescription: String { label }
}

/// Every expected outcome below was produced by running the real DRF 3.14.0 `Request` with its
/// default parsers (Django 3.2.25, Python 3.11) and a serializer with two required CharFields,
/// `username` and `password`.
@Suite("DRF request bodies and CharField validation")
struct DRFInputTests {
    static let cases: [DRFCase] = [
        DRFCase("a JSON object with both fields", contentType: "application/json", body: "7b22757365726e616d65223a22616c696365222c2270617373776f7264223a227077227d",
                expected: .success(["alice", "pw"])),
        DRFCase("an empty JSON object", contentType: "application/json", body: "7b7d",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("a missing password", contentType: "application/json", body: "7b22757365726e616d65223a22616c696365227d",
                expected: .failure(.fieldErrors([("password", ["This field is required."])]))),
        DRFCase("empty strings", contentType: "application/json", body: "7b22757365726e616d65223a22222c2270617373776f7264223a22227d",
                expected: .failure(.fieldErrors([("username", ["This field may not be blank."]), ("password", ["This field may not be blank."])]))),
        DRFCase("whitespace-only values", contentType: "application/json", body: "7b22757365726e616d65223a222020222c2270617373776f7264223a225c74227d",
                expected: .failure(.fieldErrors([("username", ["This field may not be blank."]), ("password", ["This field may not be blank."])]))),
        DRFCase("Unicode whitespace-only values", contentType: "application/json", body: "7b22757365726e616d65223a22e38080c2a0222c2270617373776f7264223a22e280a8c285227d",
                expected: .failure(.fieldErrors([("username", ["This field may not be blank."]), ("password", ["This field may not be blank."])]))),
        DRFCase("values trimmed of Unicode whitespace", contentType: "application/json", body: "7b22757365726e616d65223a22e28083616c696365c2a0222c2270617373776f7264223a2220702077205c6e227d",
                expected: .success(["alice", "p w"])),
        DRFCase("zero-width space is not whitespace", contentType: "application/json", body: "7b22757365726e616d65223a22e2808b616c696365222c2270617373776f7264223a2278227d",
                expected: .success(["\u{200B}alice", "x"])),
        DRFCase("nulls", contentType: "application/json", body: "7b22757365726e616d65223a6e756c6c2c2270617373776f7264223a6e756c6c7d",
                expected: .failure(.fieldErrors([("username", ["This field may not be null."]), ("password", ["This field may not be null."])]))),
        DRFCase("array and object values", contentType: "application/json", body: "7b22757365726e616d65223a5b22616c696365225d2c2270617373776f7264223a7b2270223a317d7d",
                expected: .failure(.fieldErrors([("username", ["Not a valid string."]), ("password", ["Not a valid string."])]))),
        DRFCase("booleans", contentType: "application/json", body: "7b22757365726e616d65223a747275652c2270617373776f7264223a66616c73657d",
                expected: .failure(.fieldErrors([("username", ["Not a valid string."]), ("password", ["Not a valid string."])]))),
        DRFCase("integer and float values", contentType: "application/json", body: "7b22757365726e616d65223a3132332c2270617373776f7264223a312e357d",
                expected: .success(["123", "1.5"])),
        DRFCase("big and exponent numbers", contentType: "application/json", body: "7b22757365726e616d65223a3132333435363738393031323334353637383930313233343536373839302c2270617373776f7264223a316532307d",
                expected: .success(["123456789012345678901234567890", "1e+20"])),
        DRFCase("tiny and huge floats", contentType: "application/json", body: "7b22757365726e616d65223a31652d372c2270617373776f7264223a31653430307d",
                expected: .success(["1e-07", "inf"])),
        DRFCase("negative zero and integral floats", contentType: "application/json", body: "7b22757365726e616d65223a2d302e302c2270617373776f7264223a3130302e307d",
                expected: .success(["-0.0", "100.0"])),
        DRFCase("a null character", contentType: "application/json", body: "7b22757365726e616d65223a22616c5c7530303030696365222c2270617373776f7264223a2278227d",
                expected: .failure(.fieldErrors([("username", ["Null characters are not allowed."])]))),
        DRFCase("a lone surrogate", contentType: "application/json", body: "7b22757365726e616d65223a225c7564383030222c2270617373776f7264223a22615c756466666662227d",
                expected: .failure(.fieldErrors([("username", ["Surrogate characters are not allowed: U+D800."]), ("password", ["Surrogate characters are not allowed: U+DFFF."])]))),
        DRFCase("a null character and a lone surrogate", contentType: "application/json", body: "7b22757365726e616d65223a225c75303030305c7564616263222c2270617373776f7264223a2278227d",
                expected: .failure(.fieldErrors([("username", ["Null characters are not allowed.", "Surrogate characters are not allowed: U+DABC."])]))),
        DRFCase("a surrogate pair", contentType: "application/json", body: "7b22757365726e616d65223a225c75643833645c7564653030222c2270617373776f7264223a2278227d",
                expected: .success(["\u{1F600}", "x"])),
        DRFCase("duplicate keys (last wins)", contentType: "application/json", body: "7b22757365726e616d65223a22626f62222c22757365726e616d65223a22616c696365222c2270617373776f7264223a2278227d",
                expected: .success(["alice", "x"])),
        DRFCase("extra fields", contentType: "application/json", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262222c2272656d656d626572223a747275657d",
                expected: .success(["a", "b"])),
        DRFCase("a JSON array", contentType: "application/json", body: "5b5d",
                expected: .failure(.nonFieldErrors(["Invalid data. Expected a dictionary, but got list."]))),
        DRFCase("a JSON string", contentType: "application/json", body: "22616c69636522",
                expected: .failure(.nonFieldErrors(["Invalid data. Expected a dictionary, but got str."]))),
        DRFCase("a JSON integer", contentType: "application/json", body: "31",
                expected: .failure(.nonFieldErrors(["Invalid data. Expected a dictionary, but got int."]))),
        DRFCase("a JSON float", contentType: "application/json", body: "312e35",
                expected: .failure(.nonFieldErrors(["Invalid data. Expected a dictionary, but got float."]))),
        DRFCase("a JSON boolean", contentType: "application/json", body: "74727565",
                expected: .failure(.nonFieldErrors(["Invalid data. Expected a dictionary, but got bool."]))),
        DRFCase("JSON null", contentType: "application/json", body: "6e756c6c",
                expected: .failure(.nonFieldErrors(["No data provided"]))),
        DRFCase("malformed JSON", contentType: "application/json", body: "7b22757365726e616d65223a2022616c696365222c20",
                expected: .failure(.parseError("JSON parse error - Expecting property name enclosed in double quotes: line 1 column 23 (char 22)"))),
        DRFCase("an unquoted key", contentType: "application/json", body: "7b626164",
                expected: .failure(.parseError("JSON parse error - Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"))),
        DRFCase("NaN rejected by strict_constant", contentType: "application/json", body: "7b22757365726e616d65223a4e614e7d",
                expected: .failure(.parseError("JSON parse error - Out of range float values are not JSON compliant: 'NaN'"))),
        DRFCase("-Infinity rejected by strict_constant", contentType: "application/json", body: "5b312c2d496e66696e6974795d",
                expected: .failure(.parseError("JSON parse error - Out of range float values are not JSON compliant: '-Infinity'"))),
        DRFCase("invalid UTF-8", contentType: "application/json", body: "ff7b7d",
                expected: .failure(.parseError("JSON parse error - 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"))),
        DRFCase("an invalid continuation byte", contentType: "application/json", body: "7b22757365726e616d65223a22e228227d",
                expected: .failure(.parseError("JSON parse error - 'utf-8' codec can't decode byte 0xe2 in position 13: invalid continuation byte"))),
        DRFCase("a truncated sequence at the very end (dropped by the stream reader)", contentType: "application/json", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262227de282",
                expected: .success(["a", "b"])),
        DRFCase("a truncated sequence inside a string", contentType: "application/json", body: "7b22757365726e616d65223a22e282",
                expected: .failure(.parseError("JSON parse error - Unterminated string starting at: line 1 column 13 (char 12)"))),
        DRFCase("a UTF-8 BOM", contentType: "application/json", body: "efbbbf7b7d",
                expected: .failure(.parseError("JSON parse error - Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"))),
        DRFCase("JSON with a charset parameter", contentType: "application/json; charset=utf-8", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262227d",
                expected: .success(["a", "b"])),
        DRFCase("JSON with a latin-1 charset", contentType: "application/json; charset=ISO-8859-1", body: "7b22757365726e616d65223a22636166e9222c2270617373776f7264223a2262227d",
                expected: .success(["caf\u{E9}", "b"])),
        DRFCase("JSON with an ascii charset", contentType: "application/json; charset=us-ascii", body: "7b22757365726e616d65223a22636166e9222c2270617373776f7264223a2262227d",
                expected: .failure(.parseError("JSON parse error - 'ascii' codec can't decode byte 0xe9 in position 16: ordinal not in range(128)"))),
        DRFCase("JSON with an unknown charset", contentType: "application/json; charset=bogus", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262227d",
                expected: .success(["a", "b"])),
        DRFCase("mixed-case JSON media type", contentType: "Application/JSON", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262227d",
                expected: .success(["a", "b"])),
        DRFCase("wildcard media type", contentType: "*/*", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262227d",
                expected: .success(["a", "b"])),
        DRFCase("application/* media type", contentType: "application/*", body: "7b22757365726e616d65223a2261222c2270617373776f7264223a2262227d",
                expected: .success(["a", "b"])),
        DRFCase("a +json suffix type", contentType: "application/vnd.api+json", body: "7b7d",
                expected: .failure(.unsupportedMediaType("application/vnd.api+json"))),
        DRFCase("text/plain", contentType: "text/plain", body: "757365726e616d653d616c696365",
                expected: .failure(.unsupportedMediaType("text/plain"))),
        DRFCase("no Content-Type with a body", contentType: nil, body: "7b22757365726e616d65223a22616c696365222c2270617373776f7264223a2278227d",
                expected: .failure(.unsupportedMediaType(""))),
        DRFCase("an empty Content-Type with a body", contentType: "", body: "7b7d",
                expected: .failure(.unsupportedMediaType(""))),
        DRFCase("an empty body with text/plain", contentType: "text/plain", body: "",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("an empty body without a Content-Type", contentType: nil, body: "",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("an empty body with JSON", contentType: "application/json", body: "",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("a form body", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d616c6963652670617373776f72643d7025343073732b776f7264",
                expected: .success(["alice", "p@ss word"])),
        DRFCase("form repeated keys", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d626f6226757365726e616d653d616c6963652670617373776f72643d78",
                expected: .success(["alice", "x"])),
        DRFCase("form empty values", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d2670617373776f72643d",
                expected: .failure(.fieldErrors([("username", ["This field may not be blank."]), ("password", ["This field may not be blank."])]))),
        DRFCase("form keys without =", contentType: "application/x-www-form-urlencoded", body: "757365726e616d652670617373776f72643d78",
                expected: .failure(.fieldErrors([("username", ["This field may not be blank."])]))),
        DRFCase("form percent-encoded UTF-8 and bad escapes", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d636166254333254139257a7a2670617373776f72643d254532253832",
                expected: .success(["caf\u{E9}%zz", "\u{FFFD}"])),
        DRFCase("form semicolons are not separators", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d613b70617373776f72643d622670617373776f72643d63",
                expected: .success(["a;password=b", "c"])),
        DRFCase("form raw non-UTF-8 byte falls back to latin-1", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d636166e92670617373776f72643d254333254139",
                expected: .success(["caf\u{E9}", "\u{E9}"])),
        DRFCase("form raw UTF-8", contentType: "application/x-www-form-urlencoded", body: "757365726e616d653d6a6f73c3a92670617373776f72643d78",
                expected: .success(["jos\u{E9}", "x"])),
        DRFCase("form with charset parameter", contentType: "application/x-www-form-urlencoded; charset=UTF-8", body: "757365726e616d653d612670617373776f72643d62",
                expected: .success(["a", "b"])),
        DRFCase("form empty pairs", contentType: "application/x-www-form-urlencoded", body: "2626757365726e616d653d61262670617373776f72643d6226",
                expected: .success(["a", "b"])),
        DRFCase("form plus in key", contentType: "application/x-www-form-urlencoded", body: "757365722b6e616d653d6126757365726e616d653d253230622532302670617373776f72643d63",
                expected: .success(["b", "c"])),
        DRFCase("multipart fields", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a70770d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "pw"])),
        DRFCase("multipart with only other fields", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d226f74686572220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("multipart file named like a field", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65223b2066696c656e616d653d22612e747874220d0a0d0a646174610d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.fieldErrors([("username", ["Not a valid string."])]))),
        DRFCase("multipart whitespace file name", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65223b2066696c656e616d653d2220220d0a0d0a646174610d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.fieldErrors([("username", ["This field may not be blank."])]))),
        DRFCase("multipart empty file name is a field", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65223b2066696c656e616d653d22220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "x"])),
        DRFCase("multipart dot-dot file name is skipped", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65223b2066696c656e616d653d22612f2e2e220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.fieldErrors([("username", ["This field is required."])]))),
        DRFCase("multipart repeated fields", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a626f620d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "x"])),
        DRFCase("multipart LF-only line endings", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220a0a616c6963650a2d2d426f556e446152792d2d0a",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("multipart value with trailing CRLF kept in the last part", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a207077200d0a",
                expected: .success(["alice", "pw"])),
        DRFCase("multipart quoted boundary", contentType: "multipart/form-data; boundary=\"BoUnDaRy\"", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "x"])),
        DRFCase("multipart missing boundary", contentType: "multipart/form-data", body: "2d2d780d0a",
                expected: .failure(.parseError("Multipart form parse error - Invalid boundary in multipart: None"))),
        DRFCase("multipart invalid boundary", contentType: "multipart/form-data; boundary=a b ", body: "2d2d780d0a",
                expected: .failure(.fieldErrors([("username", ["This field is required."]), ("password", ["This field is required."])]))),
        DRFCase("multipart upper-case type", contentType: "Multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.parseError("Multipart form parse error - Invalid Content-Type: Multipart/form-data; boundary=BoUnDaRy"))),
        DRFCase("multipart base64 field", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a436f6e74656e742d5472616e736665722d456e636f64696e673a206261736536340d0a0d0a595778705932553d0d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "x"])),
        DRFCase("multipart header name case and mixed params", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a636f6e74656e742d646973706f736974696f6e3a20666f726d2d646174613b204e414d453d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "x"])),
        DRFCase("multipart invalid UTF-8 in value", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616cff6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["al\u{FFFD}ice", "x"])),
        DRFCase("multipart null character", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a6100620d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.fieldErrors([("username", ["Null characters are not allowed."])]))),
        DRFCase("multipart part without disposition", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d547970653a20746578742f706c61696e0d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .failure(.fieldErrors([("username", ["This field is required."])]))),
        DRFCase("multipart RFC 2231 name", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d652a3d5554462d38272775736572253645616d650d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a",
                expected: .success(["alice", "x"])),
        DRFCase("multipart preamble and epilogue", contentType: "multipart/form-data; boundary=BoUnDaRy", body: "707265616d626c650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d22757365726e616d65220d0a0d0a616c6963650d0a2d2d426f556e446152790d0a436f6e74656e742d446973706f736974696f6e3a20666f726d2d646174613b206e616d653d2270617373776f7264220d0a0d0a780d0a2d2d426f556e446152792d2d0d0a6570696c6f677565",
                expected: .success(["alice", "x"])),
    ]

    @Test("reads the body exactly as DRF does", arguments: cases)
    func readsLikeDRF(_ testCase: DRFCase) {
        let result = DRFInput.readCharFields(["username", "password"], contentType: testCase.contentType, body: testCase.body)
        #expect(result == testCase.expected)
    }

    @Test("reports field errors in the order the fields were asked for")
    func fieldOrder() {
        let result = DRFInput.readCharFields(["password", "username"], contentType: "application/json", body: Array("{}".utf8))
        #expect(result == .failure(.fieldErrors([("password", ["This field is required."]), ("username", ["This field is required."])])))
    }

    @Test("one field")
    func singleField() {
        let result = DRFInput.readCharFields(["token"], contentType: "application/json", body: Array(#"{"token":" abc\n"}"#.utf8))
        #expect(result == .success(["abc"]))
    }

    @Test("Python's str.isspace set", arguments: [
        (UInt32(0x1C), true), (0x85, true), (0xA0, true), (0x1680, true), (0x2000, true), (0x200A, true), (0x2028, true),
        (0x202F, true), (0x205F, true), (0x3000, true), (0x200B, false), (0xFEFF, false), (0x180E, false), (0x41, false),
    ])
    func whitespace(scalar: UInt32, isSpace: Bool) {
        #expect(PythonWhitespace.isSpace(Unicode.Scalar(scalar)!) == isSpace)
    }

    @Test("multipart: a header line whose name is not ASCII is skipped, as Django's decode('ascii') skips it")
    func multipartHeaderColonBeforeMark() {
        func body(_ disposition: String) -> [UInt8] {
            Array("--B\r\n\(disposition)\r\n\r\nalice\r\n--B--\r\n".utf8)
        }
        let plain = MultipartFormData.parse(body("Content-Disposition: form-data; name=\"username\""),
                                            rawContentType: "multipart/form-data; boundary=B", charset: .utf8)
        #expect(plain == .success([.field(name: "username", value: "alice")]))
        // `:` then U+0301: the main value is not ASCII, so Django skips the line and the part has no
        // Content-Disposition.
        let marked = MultipartFormData.parse(body("Content-Disposition:\u{0301} form-data; name=\"username\""),
                                             rawContentType: "multipart/form-data; boundary=B", charset: .utf8)
        #expect(marked == .success([]))
    }

    @Test("multipart: `startswith(\"multipart/\")` compares code points, a combining mark after it or not")
    func multipartPrefixBeforeMark() {
        let result = MultipartFormData.parse(Array("--B--\r\n".utf8), rawContentType: "multipart/\u{0301}form-data; boundary=B",
                                             charset: .utf8)
        #expect(result == .failure(.init(message: "Invalid non-ASCII Content-Type in multipart: multipart/\u{0301}form-data; boundary=B")))
    }

    @Test("multipart file names: html.unescape and rsplit('/') / rsplit('\\\\') by code point")
    func fileNameByCodePoint() {
        func scalars(_ s: String?) -> [Unicode.Scalar]? { s.map { Array($0.unicodeScalars) } }
        // `/` then U+0301 is one Swift Character; Python cuts before the mark.
        #expect(scalars(MultipartFormData.sanitizeFileName("a/\u{0301}b")) == Array("\u{0301}b".unicodeScalars))
        #expect(scalars(MultipartFormData.sanitizeFileName("a\\\u{0301}b")) == Array("\u{0301}b".unicodeScalars))
        // U+0600 (a prepended mark) joins the `&` or `/` after it into one Character. Python:
        // html.unescape("\u0600&#47; ") is "\u0600/ ", and what follows the last `/` is " ".
        #expect(scalars(MultipartFormData.sanitizeFileName("\u{0600}&#47; ")) == [" "])
        #expect(scalars(MultipartFormData.sanitizeFileName("\u{0600}/..")) == nil)
        #expect(MultipartFormData.sanitizeFileName("dir/a.txt") == "a.txt")
        #expect(MultipartFormData.sanitizeFileName("dir\\..") == nil)
    }
}
