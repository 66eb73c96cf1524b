import Testing
@testable import JWTGateCore

/// Expected values below were produced by CPython 3.11's `json` module (`json.loads` on the
/// UTF-8-decoded input, `json.dumps(..., separators=(",", ":"))`), not written by hand.
@Suite("Python json compatibility")
struct PythonJSONTests {
    static let accepted: [(input: String, canonical: String)] = [
        ("225c753132333422", "\"\\u1234\""),
        ("225c756438303022", "\"\\ufffd\""),
        ("225c75643830305c756463303022", "\"\\ud800\\udc00\""),
        ("225c75643830305c753030653922", "\"\\ufffd\\u00e9\""),
        ("225c75643830305c756438303022", "\"\\ufffd\\ufffd\""),
        ("225c75646330305c756438303022", "\"\\ufffd\\ufffd\""),
        ("225c75643833645c756465303022", "\"\\ud83d\\ude00\""),
        ("5b225c7564383030222c20225c75303065395c225c5c5c2f5c625c665c6e5c725c74225d", "[\"\\ufffd\",\"\\u00e9\\\"\\\\/\\b\\f\\n\\r\\t\"]"),
        ("2d496e66696e697479", "-Infinity"),
        ("4e614e", "NaN"),
        ("496e66696e697479", "Infinity"),
        ("5b31653430302c2d31653430305d", "[Infinity,-Infinity]"),
        ("312e35452b33", "1500.0"),
        ("2d30", "0"),
        ("2d302e30", "-0.0"),
        ("32452d32", "0.02"),
        ("302e31", "0.1"),
        ("31653136", "1e+16"),
        ("31653135", "1000000000000000.0"),
        ("313233343536373839303132333435363738", "123456789012345678"),
        ("39323233333732303336383534373735383037", "9223372036854775807"),
        ("39323233333732303336383534373735383038", "9223372036854775808"),
        ("2d39323233333732303336383534373735383038", "-9223372036854775808"),
        ("2d39323233333732303336383534373735383039", "-9223372036854775809"),
        ("3132333435363738393031323334353637383930313233", "12345678901234567890123"),
        ("5b747275652c66616c73652c6e756c6c5d", "[true,false,null]"),
        ("20090d0a7b226122203a205b2031202c2032205d207d20090d0a", "{\"a\":[1,2]}"),
        ("7b2261223a312c2262223a322c2261223a337d", "{\"a\":3,\"b\":2}"),
        ("7b22223a22227d", "{\"\":\"\"}"),
        ("227f22", "\"\\u007f\""),
        ("225c2f5c625c665c6e5c725c745c225c5c22", "\"/\\b\\f\\n\\r\\t\\\"\\\\\""),
        ("225c75303045395c753030653922", "\"\\u00e9\\u00e9\""),
        ("5b31652d372c20312e302c203130302e302c20316532322c203132332e3435362c2035652d3332342c20312e37393736393331333438363233313537653330382c20302e312c20322e35652d355d", "[1e-07,1.0,100.0,1e+22,123.456,5e-324,1.7976931348623157e+308,0.1,2.5e-05]"),
        ("22e280a8e280a922", "\"\\u2028\\u2029\""),
    ]

    static let rejected: [(input: String, kind: PythonJSONError.Kind, message: String)] = [
        ("225c753132", .decode(position: 2), "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
        ("225c75313233", .decode(position: 2), "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
        ("225c7531323334", .decode(position: 2), "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
        ("225c753132783422", .decode(position: 2), "Invalid \\uXXXX escape: line 1 column 3 (char 2)"),
        ("225c75643830305c7522", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("225c75643830305c7564633022", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("225c75643830305c756478303022", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("225c75643830305c7530306539", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("225c75643830305c7564633030", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("225c75643830305c75646330", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("225c75643830305c756463303078", .decode(position: 0), "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("225c7822", .decode(position: 1), "Invalid \\escape: line 1 column 2 (char 1)"),
        ("2261625c75", .decode(position: 4), "Invalid \\uXXXX escape: line 1 column 5 (char 4)"),
        ("2261625c7522", .decode(position: 4), "Invalid \\uXXXX escape: line 1 column 5 (char 4)"),
        ("225c75643830305c", .decode(position: 0), "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("225c75643830305c75313222", .decode(position: 8), "Invalid \\uXXXX escape: line 1 column 9 (char 8)"),
        ("5b312c5d", .decode(position: 3), "Expecting value: line 1 column 4 (char 3)"),
        ("7b2261223a312c7d", .decode(position: 7), "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
        ("7b", .decode(position: 1), "Expecting property name enclosed in double quotes: line 1 column 2 (char 1)"),
        ("5b", .decode(position: 1), "Expecting value: line 1 column 2 (char 1)"),
        ("7b22612220317d", .decode(position: 5), "Expecting ':' delimiter: line 1 column 6 (char 5)"),
        ("7b2261223a31202262227d", .decode(position: 7), "Expecting ',' delimiter: line 1 column 8 (char 7)"),
        ("5b3120325d", .decode(position: 3), "Expecting ',' delimiter: line 1 column 4 (char 3)"),
        ("312e", .decode(position: 1), "Extra data: line 1 column 2 (char 1)"),
        ("2d", .decode(position: 0), "Expecting value: line 1 column 1 (char 0)"),
        ("3031", .decode(position: 1), "Extra data: line 1 column 2 (char 1)"),
        ("5b30315d", .decode(position: 2), "Expecting ',' delimiter: line 1 column 3 (char 2)"),
        ("3165", .decode(position: 1), "Extra data: line 1 column 2 (char 1)"),
        ("316578", .decode(position: 1), "Extra data: line 1 column 2 (char 1)"),
        ("2d496e66", .decode(position: 0), "Expecting value: line 1 column 1 (char 0)"),
        ("6e756c", .decode(position: 0), "Expecting value: line 1 column 1 (char 0)"),
        ("4e614e31", .decode(position: 3), "Extra data: line 1 column 4 (char 3)"),
        ("20", .decode(position: 1), "Expecting value: line 1 column 2 (char 1)"),
        ("", .decode(position: 0), "Expecting value: line 1 column 1 (char 0)"),
        ("efbbbf7b7d", .decode(position: 0), "Unexpected UTF-8 BOM (decode using utf-8-sig): line 1 column 1 (char 0)"),
        ("0a0a202078", .decode(position: 4), "Expecting value: line 3 column 3 (char 4)"),
        ("5b22c3a9c3a9222c20785d", .decode(position: 7), "Expecting value: line 1 column 8 (char 7)"),
        ("7b22f09f9880223a312c7d", .decode(position: 7), "Expecting property name enclosed in double quotes: line 1 column 8 (char 7)"),
        ("220122", .decode(position: 1), "Invalid control character at: line 1 column 2 (char 1)"),
        ("22610a6222", .decode(position: 2), "Invalid control character at: line 1 column 3 (char 2)"),
        ("22746162096865726522", .decode(position: 4), "Invalid control character at: line 1 column 5 (char 4)"),
        ("0c31", .decode(position: 0), "Expecting value: line 1 column 1 (char 0)"),
        ("31200c", .decode(position: 2), "Extra data: line 1 column 3 (char 2)"),
        ("ff", .unicode, "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte"),
        ("22c0af22", .unicode, "'utf-8' codec can't decode byte 0xc0 in position 1: invalid start byte"),
        ("22eda08022", .unicode, "'utf-8' codec can't decode byte 0xed in position 1: invalid continuation byte"),
        ("22f490808022", .unicode, "'utf-8' codec can't decode byte 0xf4 in position 1: invalid continuation byte"),
        ("22e28222", .unicode, "'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte"),
        ("22f09f9822", .unicode, "'utf-8' codec can't decode bytes in position 1-3: invalid continuation byte"),
        ("2261f09f98", .unicode, "'utf-8' codec can't decode bytes in position 2-4: unexpected end of data"),
        ("e228a1", .unicode, "'utf-8' codec can't decode byte 0xe2 in position 0: invalid continuation byte"),
        ("22f0902822", .unicode, "'utf-8' codec can't decode bytes in position 1-2: invalid continuation byte"),
        ("5b315d78", .decode(position: 3), "Extra data: line 1 column 4 (char 3)"),
        ("7b2261223a7d", .decode(position: 5), "Expecting value: line 1 column 6 (char 5)"),
        ("7b2261223a317d7d", .decode(position: 7), "Extra data: line 1 column 8 (char 7)"),
        ("22756e7465726d696e61746564", .decode(position: 0), "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("225c", .decode(position: 0), "Unterminated string starting at: line 1 column 1 (char 0)"),
        ("5b312c0a322c0a3320345d", .decode(position: 9), "Expecting ',' delimiter: line 3 column 3 (char 9)"),
        ("22c3a9c3a9c3a9220a2078", .decode(position: 7), "Extra data: line 2 column 2 (char 7)"),
        ("7472756578", .decode(position: 4), "Extra data: line 1 column 5 (char 4)"),
        ("5b7472755d", .decode(position: 1), "Expecting value: line 1 column 2 (char 1)"),
        ("7b226122", .decode(position: 4), "Expecting ':' delimiter: line 1 column 5 (char 4)"),
        ("7b2261223a", .decode(position: 5), "Expecting value: line 1 column 6 (char 5)"),
        ("7b2261223a31", .decode(position: 6), "Expecting ',' delimiter: line 1 column 7 (char 6)"),
        ("5b31", .decode(position: 2), "Expecting ',' delimiter: line 1 column 3 (char 2)"),
        ("5b312c", .decode(position: 3), "Expecting value: line 1 column 4 (char 3)"),
    ]

    static let serialized: [(value: String, ascii: String, unicode: String)] = [
        ("{\"user_id\":7,\"username\":\"jos\\u00e9/\\u00fc\",\"exp\":1700000300,\"email\":\"\",\"orig_iat\":1700000000,\"aud\":\"svc\",\"iss\":\"me\"}", "{\"user_id\":7,\"username\":\"jos\\u00e9/\\u00fc\",\"exp\":1700000300,\"email\":\"\",\"orig_iat\":1700000000,\"aud\":\"svc\",\"iss\":\"me\"}", "{\"user_id\":7,\"username\":\"jos\u{E9}/\u{FC}\",\"exp\":1700000300,\"email\":\"\",\"orig_iat\":1700000000,\"aud\":\"svc\",\"iss\":\"me\"}"),
        ("[\"\\u0000\\u0001\\u001f\\u007f\\\"\\\\/\\b\\f\\n\\r\\t\",\"\\ud83d\\ude00\\u2028\\u2029\\uffff\\u0800\\u00ff\"]", "[\"\\u0000\\u0001\\u001f\\u007f\\\"\\\\/\\b\\f\\n\\r\\t\",\"\\ud83d\\ude00\\u2028\\u2029\\uffff\\u0800\\u00ff\"]", "[\"\\u0000\\u0001\\u001f\u{7F}\\\"\\\\/\\b\\f\\n\\r\\t\",\"\u{1F600}\\u2028\\u2029\u{FFFF}\u{800}\u{FF}\"]"),
        ("[1e+16,1000000000000000.0,1e-05,0.0001,-0.0,0.0,1.5,123456789.125,1e+300,5e-324,2.2250738585072014e-308,0.30000000000000004,0.3333333333333333,100.0,1e+22,1.2345678901234566e-07]", "[1e+16,1000000000000000.0,1e-05,0.0001,-0.0,0.0,1.5,123456789.125,1e+300,5e-324,2.2250738585072014e-308,0.30000000000000004,0.3333333333333333,100.0,1e+22,1.2345678901234566e-07]", "[1e+16,1000000000000000.0,1e-05,0.0001,-0.0,0.0,1.5,123456789.125,1e+300,5e-324,2.2250738585072014e-308,0.30000000000000004,0.3333333333333333,100.0,1e+22,1.2345678901234566e-07]"),
        ("{\"a\":[true,false,null,{},[]],\"b\":123456789012345678901234567890,\"c\":-9223372036854775808}", "{\"a\":[true,false,null,{},[]],\"b\":123456789012345678901234567890,\"c\":-9223372036854775808}", "{\"a\":[true,false,null,{},[]],\"b\":123456789012345678901234567890,\"c\":-9223372036854775808}"),
        ("[NaN,Infinity,-Infinity]", "[NaN,Infinity,-Infinity]", "[NaN,Infinity,-Infinity]"),
    ]

    static let floatStrings: [(value: Double, python: String)] = [
        (0.0, "0.0"),
        (-0.0, "-0.0"),
        (1.0, "1.0"),
        (1.5, "1.5"),
        (1e+16, "1e+16"),
        (9999999999999998.0, "9999999999999998.0"),
        (1000000000000000.0, "1000000000000000.0"),
        (0.0001, "0.0001"),
        (1e-05, "1e-05"),
        (0.1, "0.1"),
        (1e+20, "1e+20"),
        (1.7976931348623157e+308, "1.7976931348623157e+308"),
        (Double.leastNonzeroMagnitude, "5e-324"),
        (123.456, "123.456"),
        (2.5e-05, "2.5e-05"),
        (1234567890123456.8, "1234567890123456.8"),
        (1.2345678901234568e+16, "1.2345678901234568e+16"),
        (.infinity, "inf"),
        (-.infinity, "-inf"),
        (1e+100, "1e+100"),
        (3.14159e-10, "3.14159e-10"),
    ]

    static func bytes(_ hex: String) -> [UInt8] {
        var result: [UInt8] = []
        var iterator = hex.utf8.makeIterator()
        while let high = iterator.next(), let low = iterator.next() {
            result.append(UInt8(String(decoding: [high, low], as: UTF8.self), radix: 16)!)
        }
        return result
    }

    static func text(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }

    @Test("accepts what json.loads accepts and keeps its values", arguments: accepted)
    func accepts(input: String, canonical: String) throws {
        let value = try PythonJSON.parse(Self.bytes(input))
        #expect(Self.text(PythonJSON.serialize(value, ensureASCII: true)) == canonical)
    }

    @Test("rejects what json.loads rejects, with Python's exact message", arguments: rejected)
    func rejects(input: String, kind: PythonJSONError.Kind, message: String) {
        #expect(throws: PythonJSONError(kind: kind, message: message)) {
            try PythonJSON.parse(Self.bytes(input))
        }
    }

    @Test("serialises like json.dumps with and without ensure_ascii", arguments: serialized)
    func serialises(value: String, ascii: String, unicode: String) throws {
        let parsed = try PythonJSON.parse(Array(value.utf8))
        #expect(Self.text(PythonJSON.serialize(parsed, ensureASCII: true)) == ascii)
        #expect(Self.text(PythonJSON.serialize(parsed, ensureASCII: false)) == unicode)
    }

    @Test("str() of a float matches Python", arguments: floatStrings)
    func floatStr(value: Double, python: String) {
        #expect(PythonJSON.pythonStr(.float(value)) == python)
    }

    @Test("str() of integers and non-numbers")
    func integerStr() {
        #expect(PythonJSON.pythonStr(.integer(-123)) == "-123")
        #expect(PythonJSON.pythonStr(.bigInteger("123456789012345678901234567890")) == "123456789012345678901234567890")
        #expect(PythonJSON.pythonStr(.string("1")) == nil)
        #expect(PythonJSON.pythonStr(.bool(true)) == nil)
    }

    @Test("keeps the int/float/bigInteger distinction")
    func numberKinds() throws {
        #expect(try PythonJSON.parse(Array("1".utf8)) == .integer(1))
        #expect(try PythonJSON.parse(Array("1.0".utf8)) == .float(1))
        #expect(try PythonJSON.parse(Array("1e5".utf8)) == .float(100000))
        #expect(try PythonJSON.parse(Array("-9223372036854775808".utf8)) == .integer(.min))
        #expect(try PythonJSON.parse(Array("9223372036854775808".utf8)) == .bigInteger("9223372036854775808"))
        #expect(try PythonJSON.parse(Array("1e400".utf8)) == .float(.infinity))
        #expect(try PythonJSON.parse(Array("-Infinity".utf8)) == .float(-.infinity))
    }

    @Test("a lone surrogate escape becomes U+FFFD and is remembered")
    func loneSurrogate() throws {
        #expect(try PythonJSON.parse(Array(#""a\udc01b\ud800""#.utf8)) == .surrogateString("a\u{FFFD}b\u{FFFD}", firstSurrogate: 0xDC01))
        #expect(try PythonJSON.parse(Array(#""\ud83d\ude00""#.utf8)) == .string("\u{1F600}"))
    }

    @Test("duplicate keys keep the first position and the last value")
    func duplicateKeys() throws {
        let value = try PythonJSON.parse(Array(#"{"a":1,"b":2,"a":3}"#.utf8))
        #expect(value.objectValue?.keys == ["a", "b"])
        #expect(value.objectValue?["a"] == .integer(3))
    }

    @Test("DRF's strict_constant rejects NaN and the infinities", arguments: ["NaN", "Infinity", "-Infinity"])
    func strictConstants(name: String) {
        #expect(throws: PythonJSONError(kind: .value, message: "Out of range float values are not JSON compliant: '\(name)'")) {
            try PythonJSON.parse(Array("[\(name)]".utf8), allowConstants: false)
        }
    }

    @Test("integer literals over 4,300 digits hit CPython's conversion limit")
    func integerDigitLimit() throws {
        let message = "Exceeds the limit (4300 digits) for integer string conversion: value has 4301 digits; "
            + "use sys.set_int_max_str_digits() to increase the limit"
        #expect(throws: PythonJSONError(kind: .value, message: message)) {
            try PythonJSON.parse(Array(repeating: UInt8(ascii: "1"), count: 4301))
        }
        let longest = "-" + String(repeating: "1", count: 4300)
        #expect(try PythonJSON.parse(Array(longest.utf8)) == .bigInteger(longest))
    }

    @Test("nesting deeper than CPython's recursion guard is a RecursionError")
    func nestingLimit() throws {
        let arrays = String(repeating: "[", count: 996) + String(repeating: "]", count: 996)
        #expect(throws: PythonJSONError(kind: .recursion, message: "maximum recursion depth exceeded while decoding a JSON array from a unicode string")) {
            try PythonJSON.parse(Array(arrays.utf8))
        }
        let objects = String(repeating: #"{"a":"#, count: 996) + "1" + String(repeating: "}", count: 996)
        #expect(throws: PythonJSONError(kind: .recursion, message: "maximum recursion depth exceeded while decoding a JSON object from a unicode string")) {
            try PythonJSON.parse(Array(objects.utf8))
        }
        let allowed = String(repeating: "[", count: 995) + String(repeating: "]", count: 995)
        _ = try PythonJSON.parse(Array(allowed.utf8))
    }

    @Test("the spec's third payload serialises to the bytes PyJWT signed")
    func specPayload() {
        let payload = JSONValue.object(JSONObject([
            ("user_id", .integer(7)), ("username", .string("josé/ü")), ("exp", .integer(1_700_000_300)),
            ("email", .string("")), ("orig_iat", .integer(1_700_000_000)), ("aud", .string("svc")), ("iss", .string("me")),
        ]))
        #expect(Self.text(PythonJSON.serialize(payload, ensureASCII: true))
            == #"{"user_id":7,"username":"jos\u00e9/\u00fc","exp":1700000300,"email":"","orig_iat":1700000000,"aud":"svc","iss":"me"}"#)
    }

    @Test("serialize(into:) appends to what is already there")
    func appends() {
        var output = Array("x".utf8)
        PythonJSON.serialize(.array([.integer(1), .null]), ensureASCII: true, into: &output)
        #expect(Self.text(output) == "x[1,null]")
    }
}
