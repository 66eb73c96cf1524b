import Foundation

/// Durations and byte sizes as written in the configuration.
enum DurationParsing {
    /// Milliseconds in `text`: an integer (seconds) or an integer with a unit `ms`, `s`, `m`, `h`, `d`
    /// (`"250ms"`, `"30s"`, `"5m"`, `"7d"`). Nil when it is not such a value or overflows.
    static func milliseconds(from text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.unicodeScalars.prefix { ConfigCharacters.isDigit($0) }
        guard !digits.isEmpty, let number = Int64(String(String.UnicodeScalarView(digits))) else { return nil }
        let unit = String(String.UnicodeScalarView(trimmed.unicodeScalars.dropFirst(digits.count))).trimmingCharacters(in: .whitespaces)
        let factor: Int64
        switch unit {
        case "": factor = 1000
        case "ms": factor = 1
        case "s": factor = 1000
        case "m": factor = 60_000
        case "h": factor = 3_600_000
        case "d": factor = 86_400_000
        default: return nil
        }
        let (result, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : result
    }

    /// Bytes in `text`: an integer or one with a suffix `B`, `KiB`, `MiB`, `GiB` (`"16KiB"`, `"10MiB"`).
    static func bytes(from text: String) -> Int64? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let digits = trimmed.unicodeScalars.prefix { ConfigCharacters.isDigit($0) }
        guard !digits.isEmpty, let number = Int64(String(String.UnicodeScalarView(digits))) else { return nil }
        let unit = String(String.UnicodeScalarView(trimmed.unicodeScalars.dropFirst(digits.count))).trimmingCharacters(in: .whitespaces)
        let factor: Int64
        switch unit {
        case "", "B": factor = 1
        case "KiB": factor = 1 << 10
        case "MiB": factor = 1 << 20
        case "GiB": factor = 1 << 30
        default: return nil
        }
        let (result, overflow) = number.multipliedReportingOverflow(by: factor)
        return overflow ? nil : result
    }
}
