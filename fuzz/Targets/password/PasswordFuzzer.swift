import FuzzSupport
import JWTGateCore

/// A stored Django password hash (the `password` column, attacker-controlled if the user store is) through
/// `identify` and `check_password`. The first line of the input is the password, the rest the hash;
/// without a newline the password is "password". Work factors above tiny bounds only reach `identify`
/// (see `WorkFactorGate`), so one input never costs more than a millisecond or two.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    let password: String
    let encoded: String
    if let (line, rest) = FuzzInput.splitFirstLine(bytes) {
        password = FuzzInput.text(line)
        encoded = FuzzInput.text(rest)
    } else {
        password = "password"
        encoded = FuzzInput.text(bytes)
    }

    let algorithm = DjangoPassword.identify(encoded)
    guard WorkFactorGate.isCheap(encoded) else {
        Verdicts.emit(input: bytes, "identify \(algorithm.map { "\($0)" } ?? "<none>") verify skipped (work factor)")
        return 0
    }
    let matches = DjangoPassword.verify(password, against: encoded)
    if algorithm == nil || password.isEmpty {
        fuzzRequire(!matches, "an unidentifiable hash or an empty password verified")
    }
    Verdicts.emit(input: bytes, "identify \(algorithm.map { "\($0)" } ?? "<none>") verify \(matches)")
    return 0
}
