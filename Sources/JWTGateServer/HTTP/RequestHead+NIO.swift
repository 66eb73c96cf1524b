import JWTGateCore
import NIOHTTP1

extension RequestHead {
    /// The NIO plane's adapter: NIO's decoded head as the pipeline's `RequestHead` (one array of fields).
    init(nio head: HTTPRequestHead) {
        var fields: [Field] = []
        fields.reserveCapacity(head.headers.count)
        var expectsContinue = false
        var hasUpgrade = false
        for (name, value) in head.headers {
            fields.append(Field(name: name, value: value))
            if RequestHead.nameEquals(name, "expect"), value.lowercased() == "100-continue" { expectsContinue = true }
            if RequestHead.nameEquals(name, "upgrade") { hasUpgrade = true }
        }
        // The first byte, as the loop plane's parser reads it: `hasPrefix` compares graphemes, and is false
        // for `/` followed by a combining mark (U+0301).
        let form: TargetForm = head.uri.utf8.first == UInt8(ascii: "/") ? .origin : head.uri == "*" ? .asterisk
            : head.method == .CONNECT ? .authority : .absolute
        self.init(method: head.method.rawValue, target: head.uri, targetForm: form,
                  version: head.version.minor == 0 ? .http1_0 : .http1_1, fields: fields,
                  keepAlive: head.isKeepAlive, expectsContinue: expectsContinue, hasUpgrade: hasUpgrade)
    }
}
