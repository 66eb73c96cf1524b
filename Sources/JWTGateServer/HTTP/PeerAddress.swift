#if canImport(Glibc)
import Glibc
#endif

/// A client's address as the pipeline wants it: the 4 or 16 address bytes (for CIDR checks) and its
/// text (X-Forwarded-For, throttles), worked out once per connection.
enum PeerAddress {
    static func of(fd: Int32) -> (bytes: [UInt8], text: String) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let status = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) }
        }
        guard status == 0 else { return ([], "") }
        switch Int32(storage.ss_family) {
        case AF_INET:
            var address = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee.sin_addr } }
            return (withUnsafeBytes(of: &address) { Array($0) }, Self.text(family: AF_INET, &address))
        case AF_INET6:
            var address = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee.sin6_addr } }
            return (withUnsafeBytes(of: &address) { Array($0) }, Self.text(family: AF_INET6, &address))
        default:
            return ([], "")
        }
    }

    private static func text<A>(family: Int32, _ address: inout A) -> String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let ok = withUnsafePointer(to: &address) { pointer in
            buffer.withUnsafeMutableBufferPointer { inet_ntop(family, pointer, $0.baseAddress, socklen_t($0.count)) != nil }
        }
        guard ok else { return "" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }
}
