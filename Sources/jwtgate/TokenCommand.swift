import ArgumentParser
import JWTGateCore
import JWTGateServer

#if canImport(Glibc)
import Glibc
#endif

struct TokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "token",
        abstract: "Operator tools: issue a token for a user, or decode and check one.",
        subcommands: [Issue.self, Decode.self]
    )

    struct Issue: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token for a user, exactly as the obtain endpoint would issue it (no password needed).")

        @OptionGroup var options: ConfigOption
        @Option(help: "The user's username.") var user: String

        func run() throws {
            let runtime = try loadRuntime(options.config)
            switch runtime.directory.read(user) {
            case .found(let record):
                guard record.isActive else {
                    printError("token issue: user \"\(user)\" is inactive; the gateway would refuse its tokens")
                    throw ExitCode(1)
                }
                var builder = PayloadBuilder(config: runtime.config.jwt, usernameField: runtime.tokens.usernameField)
                builder.allowRefresh = runtime.config.jwt.allowRefresh
                let payload = builder.payload(for: record, now: Int64(time(nil)))
                let userKey = runtime.config.jwt.userSecretField.flatMap { record.fields[$0] }.flatMap(runtime.codec.userKey)
                guard let token = runtime.codec.encode(payload, userKey: userKey) else {
                    printError("token issue: no signing key (jwt.private_key_file, or the user's \(runtime.config.jwt.userSecretField ?? "secret") field)")
                    throw ExitCode(1)
                }
                print(token)
            case .notFound, .wouldBlock:
                printError("token issue: no user \"\(user)\" in the user store")
                throw ExitCode(1)
            case .failed(let error):
                printError("token issue: user store: \(error)")
                throw ExitCode(1)
            }
        }
    }

    struct Decode: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print a token's header and claims and whether the gateway would accept it (exit 0) or not (exit 1).")

        @Argument(help: "The token (header.payload.signature).") var token: String
        @OptionGroup var options: ConfigOption

        func run() throws {
            let runtime = try loadRuntime(options.config)
            let bytes = Array(token.trimmingWhitespace.utf8)
            let unverified: UnverifiedToken
            do {
                unverified = try UnverifiedToken.parse(bytes)
            } catch {
                print("verdict: rejected — \(AuthenticationMessages.forAuthentication(error)) (\(error.reason))")
                throw ExitCode(1)
            }
            print("header:  " + String(decoding: PythonJSON.serialize(.object(unverified.header), ensureASCII: false), as: UTF8.self))
            print("payload: " + String(decoding: PythonJSON.serialize(.object(unverified.payload), ensureASCII: false), as: UTF8.self))
            let outcome = runtime.authenticator.authenticate(token: bytes, now: Int64(time(nil)), monotonicNow: 0, mayBlock: true)
            switch outcome {
            case .authenticated(let user):
                print("verdict: accepted — user \(user.username) (id \(user.id))")
            case .rejected(let message):
                print("verdict: rejected — \(message)")
                throw ExitCode(1)
            case .wouldBlock, .storeFailed:
                print("verdict: unknown — the user store could not be read")
                throw ExitCode(1)
            }
        }
    }
}

private extension String {
    var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars = scalars.dropFirst() }
        while let last = scalars.last, last.isWhitespace { scalars = scalars.dropLast() }
        return String(scalars)
    }
}
