import JWTGateCore
import NIOCore
import NIOEmbedded
import NIOHTTP1

/// What SwiftNIO's llhttp-based `HTTPRequestDecoder` makes of a connection's bytes, in the shape of
/// jwtgate's own transcript, so the two can be compared message by message.
enum LLHTTPReference {
    struct Message: Equatable, CustomStringConvertible {
        var method: String
        var target: String
        var version: String
        var fields: [RequestHead.Field]
        var body: [UInt8]

        var description: String {
            "\(method) \(target) \(version) \(fields.map { "\($0.name)=\($0.value)" }) body \(body.count)"
        }
    }

    struct Outcome: Equatable {
        var messages: [Message]
        var refused: Bool
    }

    static func decode(_ bytes: [UInt8]) -> Outcome {
        let channel = EmbeddedChannel(handler: ByteToMessageHandler(HTTPRequestDecoder(leftOverBytesStrategy: .dropBytes)))
        var refused = false
        do {
            try channel.writeInbound(channel.allocator.buffer(bytes: bytes))
        } catch {
            refused = true
        }
        var messages: [Message] = []
        var current: Message?
        while let part = try? channel.readInbound(as: HTTPServerRequestPart.self) {
            switch part {
            case .head(let head):
                current = Message(
                    method: head.method.rawValue, target: head.uri, version: "\(head.version.major).\(head.version.minor)",
                    fields: head.headers.map { RequestHead.Field(name: $0.name, value: $0.value) }, body: [])
            case .body(var buffer):
                current?.body += buffer.readBytes(length: buffer.readableBytes) ?? []
            case .end:
                if let message = current { messages.append(message) }
                current = nil
            }
        }
        _ = try? channel.finish(acceptAlreadyClosed: true)
        return Outcome(messages: messages, refused: refused)
    }

    /// jwtgate's transcript in the same shape (only whole input, default limits).
    static func ours(_ bytes: [UInt8], limits: HTTPParseLimits = HTTPParseLimits())
        -> (messages: [Message], refusal: HTTPParseError?, closed: Bool)
    {
        let events = bytes.withUnsafeBytes { HTTPExchangeTranscript.record($0, limits: limits) }
        var messages: [Message] = []
        var refusal: HTTPParseError?
        var closed = false
        for event in events {
            switch event {
            case .message(let head, _, let body):
                messages.append(Message(
                    method: head.method, target: head.target, version: head.version == .http1_1 ? "1.1" : "1.0",
                    fields: head.fields, body: body))
            case .refused(let error):
                refusal = error
            case .closed:
                closed = true
            case .incomplete:
                break
            }
        }
        return (messages, refusal, closed)
    }
}
