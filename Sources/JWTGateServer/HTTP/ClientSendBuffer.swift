/// The bytes of answers not yet taken by the client's socket: one contiguous buffer per connection,
/// reused across requests. `limit` bounds what an upstream answer may queue (the transfer pauses past
/// it); the gateway's own answers are small and complete and may pass it.
struct ClientSendBuffer {
    private(set) var bytes: [UInt8] = []
    private var start = 0
    let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    var count: Int { self.bytes.count - self.start }
    var isEmpty: Bool { self.start == self.bytes.count }
    /// Bytes that may still be queued before `limit`.
    var room: Int { max(0, self.limit - self.count) }

    mutating func append(_ text: String) {
        self.bytes.append(contentsOf: text.utf8)
    }

    mutating func append(_ raw: UnsafeRawBufferPointer) {
        self.bytes.append(contentsOf: raw)
    }

    mutating func append(_ array: [UInt8]) {
        self.bytes.append(contentsOf: array)
    }

    /// `size` as a chunk-size line (hex + CRLF).
    mutating func appendChunkSize(_ size: Int) {
        self.bytes.append(contentsOf: String(size, radix: 16).utf8)
        self.bytes.append(13)
        self.bytes.append(10)
    }

    /// Writes what is queued, then `extra` (one writev), until the socket would block. Returns how much
    /// of `extra` the socket took, or nil when the connection broke.
    mutating func flush(to transport: any ClientTransport, extra: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0))
        -> (extraWritten: Int, wroteAny: Bool)?
    {
        var extraWritten = 0
        var wroteAny = false
        while !self.isEmpty || extraWritten < extra.count {
            let rest = UnsafeRawBufferPointer(rebasing: extra[extraWritten...])
            let result: TransportIO = self.bytes.withUnsafeBytes { all in
                transport.write(UnsafeRawBufferPointer(rebasing: all[self.start...]), rest)
            }
            switch result {
            case .bytes(let n):
                wroteAny = true
                let fromBuffer = min(n, self.count)
                self.start += fromBuffer
                extraWritten += n - fromBuffer
            case .wouldBlock, .endOfStream:
                self.compact()
                return (extraWritten, wroteAny)
            case .failed:
                return nil
            }
        }
        self.compact()
        return (extraWritten, wroteAny)
    }

    private mutating func compact() {
        if self.start == self.bytes.count {
            self.bytes.removeAll(keepingCapacity: self.bytes.capacity <= 4 * self.limit)
            self.start = 0
        } else if self.start > 0 && self.start >= self.bytes.count / 2 {
            self.bytes.removeSubrange(0..<self.start)
            self.start = 0
        }
    }
}
