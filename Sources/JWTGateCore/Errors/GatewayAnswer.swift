/// A complete answer the gateway gives itself (not one relayed from an upstream).
public struct GatewayAnswer: Sendable, Equatable {
    public var status: Int
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]
    /// Close the connection after this answer (malformed requests, oversized bodies).
    public var closeConnection: Bool

    public init(status: Int, headers: [(name: String, value: String)] = [], body: [UInt8] = [], closeConnection: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.closeConnection = closeConnection
    }

    public static func == (lhs: GatewayAnswer, rhs: GatewayAnswer) -> Bool {
        lhs.status == rhs.status && lhs.body == rhs.body && lhs.closeConnection == rhs.closeConnection
            && lhs.headers.count == rhs.headers.count
            && zip(lhs.headers, rhs.headers).allSatisfy { $0.name == $1.name && $0.value == $1.value }
    }

    public func header(_ name: String) -> String? {
        let lowered = name.lowercased()
        return headers.first { $0.name.lowercased() == lowered }?.value
    }
}
