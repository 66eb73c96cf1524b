import Testing

@testable import JWTGateCore

@Suite("HTTP byte classes")
struct HTTPBytesTests {
    @Test("the token masks hold exactly RFC 9110's tchar")
    func tokenMasks() {
        let tchar = Set("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ".utf8)
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPBytes.isToken(byte) == tchar.contains(byte), "byte \(byte)")
        }
    }

    @Test("targets are visible ASCII; values also allow SP, HTAB and obs-text")
    func targetAndValueBytes() {
        for byte in UInt8.min...UInt8.max {
            #expect(HTTPBytes.isTargetByte(byte) == (0x21...0x7E).contains(byte), "byte \(byte)")
            let value = byte == 0x09 || byte == 0x20 || (0x21...0x7E).contains(byte) || byte >= 0x80
            #expect(HTTPBytes.isFieldValueByte(byte) == value, "byte \(byte)")
        }
    }
}
