#if canImport(Glibc)
import Glibc
#endif

/// A client's address as the pipeline wants it: the 4 or 16 address bytes (for CIDR checks) and its
/// text (X-Forwarded-For, throttles), worked out once per connection from what `accept4` returned.
enum PeerAddress {
    typealias Value = (bytes: [UInt8], text: String)

    static let unknown: Value = ([], "")

    /// `address` holds 4 bytes for `AF_INET`, 16 for `AF_INET6`; any other family is unknown.
    static func from(family: Int32, address: UnsafeRawPointer) -> Value {
        let count: Int
        switch family {
        case AF_INET: count = 4
        case AF_INET6: count = 16
        default: return unknown
        }
        let bytes = Array(UnsafeRawBufferPointer(start: address, count: count))
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = buffer.withUnsafeMutableBufferPointer { inet_ntop(family, address, $0.baseAddress, socklen_t($0.count)) != nil }
        guard ok else { return (bytes, "") }
        return (bytes, String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
    }
}
