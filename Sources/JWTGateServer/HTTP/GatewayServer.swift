import JWTGateCore
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// The listening sockets and the per-connection NIO pipeline: HTTP/1.1 decoding with pipelining
/// and protocol-error answers (400 + close), then `HTTPConnectionHandler` (idle keep-alive connections
/// are reaped by a once-a-second sweep, see `IdleCheckEvent`).
final class GatewayServer: Sendable {
    let pipeline: RequestPipeline
    let client: UpstreamClient
    let group: any EventLoopGroup

    init(pipeline: RequestPipeline, client: UpstreamClient, group: any EventLoopGroup) {
        self.pipeline = pipeline
        self.client = client
        self.group = group
    }

    /// Binds every configured address; the returned channels carry the real ports (for port 0).
    func bind() async throws -> [any Channel] {
        let server = pipeline.runtime.config.server
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 1024)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelOption(.maxMessagesPerRead, value: 16)
            .childChannelInitializer { [pipeline, client] channel in
                channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    // Outbound header validation is done once, in DownstreamResponseHeaders; the gateway's
                    // own answers carry only fixed or validated values.
                    try sync.configureHTTPServerPipeline(withPipeliningAssistance: true, withErrorHandling: true,
                                                         withOutboundHeaderValidation: false)
                    try sync.addHandler(HTTPConnectionHandler(pipeline: pipeline, client: client))
                }
            }
        var channels: [any Channel] = []
        do {
            for address in server.listen {
                channels.append(try await bootstrap.bind(host: address.host, port: address.port).get())
            }
        } catch {
            for channel in channels { try? await channel.close() }
            throw error
        }
        return channels
    }
}

extension Duration {
    var nanoseconds: UInt64 {
        let (seconds, attoseconds) = components
        return UInt64(max(0, seconds)) * 1_000_000_000 + UInt64(max(0, attoseconds) / 1_000_000_000)
    }
}
