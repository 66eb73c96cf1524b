import CJWTGateCryptoShims

/// libxcrypt's `crypt_r` through `jwtgate_pw_crypt`, which gives every call its own heap-allocated
/// `struct crypt_data`, so calls from several threads never share state.
enum Libxcrypt {
    /// Longer than any bcrypt (60) or DES (13) result.
    private static let outputCapacity = 128

    /// crypt(3) of `phrase` with `setting`, or nil on failure. A phrase containing a NUL byte cannot
    /// pass through a C string, and Python's bcrypt and crypt modules reject it too, so it never hashes.
    static func crypt(_ phrase: [UInt8], setting: [UInt8]) -> [UInt8]? {
        guard !phrase.contains(0), !setting.contains(0) else {
            return nil
        }
        var output = [UInt8](repeating: 0, count: outputCapacity)
        let length = (phrase + [0]).withUnsafeBufferPointer { phraseBytes in
            phraseBytes.withMemoryRebound(to: CChar.self) { phraseChars in
                (setting + [0]).withUnsafeBufferPointer { settingBytes in
                    settingBytes.withMemoryRebound(to: CChar.self) { settingChars in
                        output.withUnsafeMutableBufferPointer { outputBytes in
                            outputBytes.withMemoryRebound(to: CChar.self) { outputChars in
                                jwtgate_pw_crypt(phraseChars.baseAddress, settingChars.baseAddress,
                                                 outputChars.baseAddress, outputChars.count)
                            }
                        }
                    }
                }
            }
        }
        return length >= 0 ? Array(output.prefix(Int(length))) : nil
    }

    /// True for characters of crypt's base64 alphabet `./0-9A-Za-z`.
    static func isCryptBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "/"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"):
            true
        default:
            false
        }
    }
}
