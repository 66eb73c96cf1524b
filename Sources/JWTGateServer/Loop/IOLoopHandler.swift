import CJWTGateCurlShims

/// What a registered descriptor wants to hear about. The raw values are the shim's `JWTGATE_LOOP_*` bits.
struct IOInterest: OptionSet, Hashable, Sendable {
    let rawValue: UInt32
    static let readable = IOInterest(rawValue: UInt32(JWTGATE_LOOP_IN))
    static let writable = IOInterest(rawValue: UInt32(JWTGATE_LOOP_OUT))
    /// Also report a peer's half-close (EPOLLRDHUP) as `hangup`, before its data is read.
    static let readHangup = IOInterest(rawValue: UInt32(JWTGATE_LOOP_RDHUP))
    /// Edge-triggered (EPOLLET): the owner must read or write until EAGAIN before waiting again.
    static let edgeTriggered = IOInterest(rawValue: UInt32(JWTGATE_LOOP_EDGE))
}

/// What is ready on a descriptor, as one value per event (so an owner that needs all of it at once,
/// like libcurl's `curl_multi_socket_action`, gets it in one call).
struct IOEvents: OptionSet, Hashable, Sendable {
    let rawValue: UInt32
    static let readable = IOEvents(rawValue: UInt32(JWTGATE_LOOP_IN))
    static let writable = IOEvents(rawValue: UInt32(JWTGATE_LOOP_OUT))
    /// The peer closed or shut down its side (EPOLLHUP, EPOLLRDHUP).
    static let hangup = IOEvents(rawValue: UInt32(JWTGATE_LOOP_HUP))
    /// EPOLLERR: a pending socket error (read it with SO_ERROR, or let the next read/write report it).
    static let error = IOEvents(rawValue: UInt32(JWTGATE_LOOP_ERR))
}

/// The owner of registered descriptors. The loop keeps a strong reference to it while any of its
/// descriptors is registered, and calls it on the loop's thread only.
///
/// One method rather than readable()/writable()/hangup(): each ready descriptor costs one protocol
/// call (a class existential: witness-table dispatch, no boxing, no allocation), and the owner sees
/// every bit together. A connection typically handles `hangup`/`error` first, then `writable`, then
/// `readable`. An owner may register, deregister or close any descriptor from inside this call;
/// events already collected for a descriptor that was closed or re-registered meanwhile are dropped.
protocol IOLoopHandler: AnyObject {
    func ioReady(fd: Int32, events: IOEvents)
}

/// A long-lived object tied to one loop (a listener, a curl multi handle): told once, on the loop's
/// thread, when the loop stops, so it can close what it owns.
protocol IOLoopAttachment: AnyObject {
    func loopWillStop(_ loop: IOLoop)
}

/// A failed loop operation, with the errno value behind it.
struct IOLoopError: Error, Equatable, Sendable, CustomStringConvertible {
    let operation: String
    let errno: Int32

    var description: String { "\(self.operation) failed (errno \(self.errno))" }
}
