/// `base64.b64decode(data)` (non-strict `binascii.a2b_base64`, Python 3.11): characters outside
/// the alphabet are skipped, decoding stops at complete padding; nil where Python raises
/// `binascii.Error` (Django then keeps the raw bytes of a `Content-Transfer-Encoding: base64` field).
enum PythonBase64 {
    static func decode(_ input: [UInt8]) -> [UInt8]? {
        var output: [UInt8] = []
        output.reserveCapacity(input.count / 4 * 3)
        var quadPosition = 0
        var pads = 0
        var leftover: UInt8 = 0
        for byte in input {
            if byte == UInt8(ascii: "=") {
                if quadPosition >= 2 {
                    pads += 1
                    if quadPosition + pads >= 4 { return output }
                }
                continue
            }
            guard let value = sextet(byte) else { continue }
            pads = 0
            switch quadPosition {
            case 0:
                leftover = value
                quadPosition = 1
            case 1:
                output.append(leftover << 2 | value >> 4)
                leftover = value & 0x0F
                quadPosition = 2
            case 2:
                output.append(leftover << 4 | value >> 2)
                leftover = value & 0x03
                quadPosition = 3
            default:
                output.append(leftover << 6 | value)
                quadPosition = 0
            }
        }
        return quadPosition == 0 ? output : nil
    }

    private static func sextet(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): return byte - UInt8(ascii: "A")
        case UInt8(ascii: "a")...UInt8(ascii: "z"): return byte - UInt8(ascii: "a") + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0") + 52
        case UInt8(ascii: "+"): return 62
        case UInt8(ascii: "/"): return 63
        default: return nil
        }
    }
}
