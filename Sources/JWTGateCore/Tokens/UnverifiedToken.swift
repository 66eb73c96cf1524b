/// A token split and parsed but not yet trusted (PyJWT's `_load` plus the payload parse the library
/// does up front, spec §3.4 step 1).
public struct UnverifiedToken: Sendable {
    /// `header.payload` bytes exactly as received: what the signature covers.
    public let signingInput: [UInt8]
    public let header: JSONObject
    public let payload: JSONObject
    public let signature: [UInt8]

    /// The split rule of PyJWT: the last `.` ends the payload, the first `.` before it ends the header.
    public static func parse(_ token: some Collection<UInt8>) throws(TokenError) -> UnverifiedToken {
        let bytes = Array(token)
        guard let lastDot = bytes.lastIndex(of: UInt8(ascii: ".")),
              let firstDot = bytes[..<lastDot].firstIndex(of: UInt8(ascii: ".")) else {
            throw .decode("Not enough segments")
        }
        guard let headerBytes = Base64URL.decode(bytes[..<firstDot]) else { throw .decode("Invalid header padding") }
        guard case .object(let header)? = try? PythonJSON.parse(headerBytes) else {
            throw .decode("Invalid header string")
        }
        guard let payloadBytes = Base64URL.decode(bytes[(firstDot + 1)..<lastDot]) else {
            throw .decode("Invalid payload padding")
        }
        guard let signature = Base64URL.decode(bytes[(lastDot + 1)...]) else { throw .decode("Invalid crypto padding") }
        guard case .object(let payload)? = try? PythonJSON.parse(payloadBytes) else {
            throw .decode("Invalid payload string")
        }
        return UnverifiedToken(signingInput: Array(bytes[..<lastDot]), header: header, payload: payload,
                               signature: signature)
    }
}
