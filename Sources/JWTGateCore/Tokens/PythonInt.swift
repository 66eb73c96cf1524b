/// Python's `int(x)` applied to a JSON claim, the way PyJWT 1.7.1 coerces `exp`, `nbf` and `iat`:
/// numbers truncate, numeric strings parse (with surrounding whitespace and `_` separators),
/// `true` is 1, and the failures keep Python's exception class because the library maps them differently.
public enum PythonInt {
    public enum Value: Sendable, Equatable {
        case exact(Int64)
        /// Beyond Int64 in either direction: compares greater (or smaller) than any timestamp.
        case hugePositive
        case hugeNegative

        /// `self < other` with Python's arbitrary-precision semantics.
        public func isLess(than other: Int64) -> Bool {
            switch self {
            case .exact(let v): return v < other
            case .hugePositive: return false
            case .hugeNegative: return true
            }
        }

        public func isGreater(than other: Int64) -> Bool {
            switch self {
            case .exact(let v): return v > other
            case .hugePositive: return true
            case .hugeNegative: return false
            }
        }
    }

    public enum Failure: Error, Sendable, Equatable {
        case valueError      // int("abc"), int(nan)
        case typeError       // int(None), int([]), int({})
        case overflowError   // int(inf)
    }

    public static func coerce(_ value: JSONValue) -> Result<Value, Failure> {
        switch value {
        case .integer(let i): return .success(.exact(i))
        case .bigInteger(let text): return .success(text.hasPrefix("-") ? .hugeNegative : .hugePositive)
        case .bool(let b): return .success(.exact(b ? 1 : 0))
        case .float(let d):
            if d.isNaN { return .failure(.valueError) }
            if d.isInfinite { return .failure(.overflowError) }
            let truncated = d.rounded(.towardZero)
            if truncated >= 9.2e18 { return .success(.hugePositive) }
            if truncated <= -9.2e18 { return .success(.hugeNegative) }
            return .success(.exact(Int64(truncated)))
        case .string(let s), .surrogateString(let s, _):
            return parse(s)
        case .null, .array, .object:
            return .failure(.typeError)
        }
    }

    /// `int(str)`: optional whitespace, sign, decimal digits (any Unicode decimal digit, as Python),
    /// single underscores only between digits.
    static func parse(_ text: String) -> Result<Value, Failure> {
        var scalars = Array(text.unicodeScalars)
        while let first = scalars.first, isPythonWhitespace(first) { scalars.removeFirst() }
        while let last = scalars.last, isPythonWhitespace(last) { scalars.removeLast() }
        var negative = false
        if let sign = scalars.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            scalars.removeFirst()
        }
        guard !scalars.isEmpty else { return .failure(.valueError) }
        var magnitude: Int64 = 0
        var overflow = false
        var previousWasDigit = false
        for scalar in scalars {
            if scalar == "_" {
                guard previousWasDigit else { return .failure(.valueError) }
                previousWasDigit = false
                continue
            }
            guard let digit = decimalDigitValue(scalar) else { return .failure(.valueError) }
            previousWasDigit = true
            if !overflow {
                let (m, o1) = magnitude.multipliedReportingOverflow(by: 10)
                let (s, o2) = m.addingReportingOverflow(Int64(digit))
                if o1 || o2 { overflow = true } else { magnitude = s }
            }
        }
        guard previousWasDigit else { return .failure(.valueError) }
        if overflow { return .success(negative ? .hugeNegative : .hugePositive) }
        return .success(.exact(negative ? -magnitude : magnitude))
    }

    private static func decimalDigitValue(_ scalar: Unicode.Scalar) -> Int? {
        if scalar.value >= 0x30 && scalar.value <= 0x39 { return Int(scalar.value - 0x30) }
        guard scalar.value > 0x7F, scalar.properties.numericType == .decimal,
              let value = scalar.properties.numericValue else { return nil }
        return Int(value)
    }

    /// `str.isspace()`: the characters Python strips.
    static func isPythonWhitespace(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09...0x0D, 0x1C...0x20, 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000:
            return true
        default:
            return false
        }
    }
}
