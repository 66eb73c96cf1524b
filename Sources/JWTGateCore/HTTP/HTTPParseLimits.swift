/// The bounds the request parser and the chunked-body decoder enforce. They come from configuration,
/// never from the input: nothing a client sends can raise them.
public struct HTTPParseLimits: Sendable, Hashable {
    /// Bytes of one head: skipped empty lines, the request line, every field line and the final CRLF.
    /// A head of exactly this many bytes is accepted; one more byte is a 431.
    public var maxHeadBytes: Int
    /// Field lines in one head; one more is a 431.
    public var maxHeaderCount: Int
    /// Bytes of the request-target; one more is a 414.
    public var maxTargetBytes: Int
    /// The largest body a request may announce with Content-Length, or send chunked (413 above it).
    /// Routes may cap lower; that is the connection's decision once it knows the route.
    public var maxBodyBytes: Int
    /// Bytes of one chunk-size line (size digits and extensions, without the CRLF).
    public var maxChunkLineBytes: Int
    /// Bytes of the whole trailer section of a chunked body, final CRLF included (431 above it).
    public var maxTrailerBytes: Int

    public init(
        maxHeadBytes: Int = 16_384,
        maxHeaderCount: Int = 100,
        maxTargetBytes: Int = 8_192,
        maxBodyBytes: Int = .max,
        maxChunkLineBytes: Int = 1_024,
        maxTrailerBytes: Int = 8_192
    ) {
        precondition(maxHeadBytes > 0 && maxHeaderCount >= 0 && maxTargetBytes > 0, "limits must be positive")
        precondition(maxBodyBytes >= 0 && maxChunkLineBytes > 0 && maxTrailerBytes > 1, "limits must be positive")
        self.maxHeadBytes = maxHeadBytes
        self.maxHeaderCount = maxHeaderCount
        self.maxTargetBytes = maxTargetBytes
        self.maxBodyBytes = maxBodyBytes
        self.maxChunkLineBytes = maxChunkLineBytes
        self.maxTrailerBytes = maxTrailerBytes
    }
}
