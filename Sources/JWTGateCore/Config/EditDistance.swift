import Foundation

/// "Did you mean …?" for misspelt keys and values.
enum EditDistance {
    /// Levenshtein distance over Unicode scalars.
    static func between(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }

    /// The closest candidate when it is close enough to be a plausible typo, else nil.
    /// `JWT_EXPIRATION_DELTA`, `Expiration-Delta` and `expiraton_delta` all find `expiration_delta`.
    static func suggestion(for word: String, among candidates: [String]) -> String? {
        let normalized = normalize(word)
        if let exact = candidates.first(where: { normalize($0) == normalized }) { return exact }
        let limit = normalized.count <= 4 ? 1 : (normalized.count <= 10 ? 2 : 3)
        var best: (candidate: String, distance: Int)?
        for candidate in candidates {
            let distance = between(normalized, normalize(candidate))
            if distance <= limit, distance < (best?.distance ?? Int.max) { best = (candidate, distance) }
        }
        return best?.candidate
    }

    private static func normalize(_ word: String) -> String {
        var text = word.lowercased().replacingOccurrences(of: "-", with: "_")
        if text.hasPrefix("jwt_") { text.removeFirst(4) }
        return text
    }
}
