/// Python's `repr(float)` / `str(float)` (`float_repr_style == "short"`).
///
/// Swift's `description` already produces the shortest round-trip digits; only the layout
/// differs. Python writes fixed notation while the decimal exponent is in [-4, 16) — `0.0001`,
/// `1e-05`, `1000000000000000.0`, `1e+16` — appends `.0` to integral values, and writes the
/// exponent with a sign and at least two digits.
enum PythonFloatRepr {
    static func repr(_ value: Double) -> String {
        var bytes: [UInt8] = []
        append(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends `repr(value)`; non-finite values as Python's `str()` writes them (`inf`, `nan`).
    static func append(_ value: Double, to output: inout [UInt8]) {
        if value.isNaN {
            output.append(contentsOf: "nan".utf8)
            return
        }
        if value.isInfinite {
            output.append(contentsOf: value < 0 ? "-inf".utf8 : "inf".utf8)
            return
        }
        if value.sign == .minus { output.append(UInt8(ascii: "-")) }
        if value == 0 {
            output.append(contentsOf: "0.0".utf8)
            return
        }
        let (digits, decimalPoint) = shortestDigits(value.magnitude)
        // Python: value = 0.d1d2d3… × 10^decimalPoint
        if decimalPoint > 16 || decimalPoint <= -4 {
            output.append(digits[0])
            if digits.count > 1 {
                output.append(UInt8(ascii: "."))
                output.append(contentsOf: digits[1...])
            }
            let exponent = decimalPoint - 1
            output.append(UInt8(ascii: "e"))
            output.append(exponent < 0 ? UInt8(ascii: "-") : UInt8(ascii: "+"))
            let magnitude = exponent.magnitude
            if magnitude < 10 { output.append(UInt8(ascii: "0")) }
            output.append(contentsOf: String(magnitude).utf8)
        } else if decimalPoint <= 0 {
            output.append(contentsOf: "0.".utf8)
            for _ in 0..<(-decimalPoint) { output.append(UInt8(ascii: "0")) }
            output.append(contentsOf: digits)
        } else if decimalPoint >= digits.count {
            output.append(contentsOf: digits)
            for _ in 0..<(decimalPoint - digits.count) { output.append(UInt8(ascii: "0")) }
            output.append(contentsOf: ".0".utf8)
        } else {
            output.append(contentsOf: digits[0..<decimalPoint])
            output.append(UInt8(ascii: "."))
            output.append(contentsOf: digits[decimalPoint...])
        }
    }

    /// Significant digits (no leading/trailing zeros) and the decimal-point position of a
    /// positive finite value, read off Swift's shortest round-trip `description`.
    static func shortestDigits(_ value: Double) -> (digits: [UInt8], decimalPoint: Int) {
        var digits: [UInt8] = []
        var pointIndex: Int?
        var exponent = 0
        var exponentNegative = false
        var inExponent = false
        for byte in value.description.utf8 {
            if inExponent {
                switch byte {
                case UInt8(ascii: "-"): exponentNegative = true
                case UInt8(ascii: "+"): break
                default: exponent = exponent * 10 + Int(byte - UInt8(ascii: "0"))
                }
            } else if byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E") {
                inExponent = true
            } else if byte == UInt8(ascii: ".") {
                pointIndex = digits.count
            } else {
                digits.append(byte)
            }
        }
        if exponentNegative { exponent = -exponent }
        var decimalPoint = (pointIndex ?? digits.count) + exponent
        // Drop leading zeros (e.g. "0.001" → digits "0001").
        var leading = 0
        while leading < digits.count - 1, digits[leading] == UInt8(ascii: "0") { leading += 1 }
        if leading > 0 {
            digits.removeFirst(leading)
            decimalPoint -= leading
        }
        while digits.count > 1, digits.last == UInt8(ascii: "0") { digits.removeLast() }
        return (digits, decimalPoint)
    }
}
