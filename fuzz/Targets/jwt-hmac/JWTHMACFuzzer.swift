import FuzzSupport

/// A token (the raw bytes of an Authorization credential) through parse, the algorithm pin, the
/// HMAC signature check and the claim rules (see `JWTHarness`).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    JWTHarness.run(.hmac, FuzzInput.bytes(data, size))
    return 0
}
