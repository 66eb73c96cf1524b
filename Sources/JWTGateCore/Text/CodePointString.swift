#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A String compared and hashed by its exact code points (its UTF-8 bytes), the way Python, Django,
/// SQLite and PostgreSQL compare text. Swift's own `==` and hashing use canonical equivalence, under
/// which "zoë" in NFC and in NFD are equal, and so are "K" and the Kelvin sign U+212A: used as a
/// username key, that logs one user in under another's spelling, and as a token cache key it lets a
/// token the library would reject hit the entry of one it accepted. Every dictionary key and every
/// comparison of attacker-supplied text against stored text goes through this type or `isExactly`.
public struct CodePointString: Hashable, Sendable, CustomStringConvertible {
    public let value: String

    public init(_ value: String) { self.value = value }

    public static func == (lhs: CodePointString, rhs: CodePointString) -> Bool {
        lhs.value.isExactly(rhs.value)
    }

    public func hash(into hasher: inout Hasher) {
        let hashed: Void? = value.utf8.withContiguousStorageIfAvailable { bytes in
            hasher.combine(bytes: UnsafeRawBufferPointer(bytes))
        }
        if hashed == nil {
            // Same bytes, same feed: a non-contiguous copy must hash as the contiguous one does.
            Array(value.utf8).withUnsafeBytes { hasher.combine(bytes: $0) }
        }
    }

    public var description: String { value }
}

extension StringProtocol {
    /// Equal code point for code point (byte-equal UTF-8): Python's `==` on `str`, not Swift's
    /// canonical equivalence.
    @inlinable
    public func isExactly(_ other: some StringProtocol) -> Bool {
        // Native strings are contiguous UTF-8: compare the bytes in place. The generic walk below
        // goes through `UTF8View`'s indices one byte at a time (it showed at ~2 % of a proxied
        // request's CPU, from the verified-token cache's key comparison).
        let contiguous: Bool?? = utf8.withContiguousStorageIfAvailable { mine in
            other.utf8.withContiguousStorageIfAvailable { theirs in
                mine.count == theirs.count
                    && (mine.isEmpty || memcmp(mine.baseAddress!, theirs.baseAddress!, mine.count) == 0)
            }
        }
        if let contiguous, let equal = contiguous { return equal }
        return utf8.count == other.utf8.count && utf8.elementsEqual(other.utf8)
    }
}
