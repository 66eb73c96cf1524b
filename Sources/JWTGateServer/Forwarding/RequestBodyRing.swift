/// The bounded buffer between a request body's producer (the client connection) and libcurl's read
/// callback: a fixed-capacity byte ring, allocated once per transfer object and reused.
///
/// Not thread-safe: one loop's thread only.
struct RequestBodyRing: ~Copyable {
    private let storage: UnsafeMutableRawBufferPointer
    private var head = 0
    private(set) var count = 0

    init(capacity: Int) {
        self.storage = .allocate(byteCount: max(1, capacity), alignment: 1)
    }

    deinit { self.storage.deallocate() }

    var capacity: Int { self.storage.count }
    var freeSpace: Int { self.storage.count - self.count }

    mutating func reset() {
        self.head = 0
        self.count = 0
    }

    /// Copies as much of `bytes` as fits; returns how much.
    mutating func write(_ bytes: UnsafeRawBufferPointer) -> Int {
        let total = min(bytes.count, self.freeSpace)
        var written = 0
        while written < total {
            let tail = (self.head + self.count) % self.storage.count
            let run = min(total - written, self.storage.count - tail)
            UnsafeMutableRawBufferPointer(rebasing: self.storage[tail..<(tail + run)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: bytes[written..<(written + run)]))
            written += run
            self.count += run
        }
        return total
    }

    /// Moves up to `destination.count` bytes out; returns how many.
    mutating func read(into destination: UnsafeMutableRawBufferPointer) -> Int {
        let total = min(destination.count, self.count)
        var done = 0
        while done < total {
            let run = min(total - done, self.storage.count - self.head)
            UnsafeMutableRawBufferPointer(rebasing: destination[done..<(done + run)])
                .copyMemory(from: UnsafeRawBufferPointer(rebasing: self.storage[self.head..<(self.head + run)]))
            done += run
            self.head = (self.head + run) % self.storage.count
            self.count -= run
        }
        if self.count == 0 { self.head = 0 }
        return total
    }
}
