import FuzzSupport

/// See `FuzzDriver`: SwiftPM calls this instead of `main`.
@_cdecl("http_parser_main")
public func entryPoint(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
    FuzzDriver.run(argc, argv, fuzzOneInput)
}
