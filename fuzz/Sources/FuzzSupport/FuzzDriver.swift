/// libFuzzer's driver, entered from each target's own entry point.
///
/// SwiftPM links every executable with `--defsym main=<module>_main` (so that tests can import
/// executables), which hides the `main` that `-sanitize=fuzzer` would bring; each target therefore
/// defines `<module>_main` and hands over to `LLVMFuzzerRunDriver`, libFuzzer's documented entry for
/// programs that have their own `main`.
public enum FuzzDriver {
    public typealias TestOneInput = @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32

    public static func run(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?,
                           _ testOneInput: TestOneInput) -> Int32 {
        var argc = argc
        var argv = argv
        return LLVMFuzzerRunDriver(&argc, &argv, testOneInput)
    }
}

@_silgen_name("LLVMFuzzerRunDriver")
private func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<Int32>,
    _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: FuzzDriver.TestOneInput
) -> Int32
