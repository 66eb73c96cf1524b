import ArgumentParser
import JWTGateCore

#if canImport(Glibc)
import Glibc
#endif

struct HashPasswordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hash-password",
        abstract: "Read a password from standard input and print its Django pbkdf2_sha256 hash.",
        discussion: "On a terminal the password is not echoed. The hash goes into users.yaml (password:) or a Django database."
    )

    @Option(help: "PBKDF2 iterations (Django 6.1's default: 1500000).")
    var iterations: Int = 1_500_000

    func validate() throws {
        guard (1...100_000_000).contains(iterations) else {
            throw ValidationError("--iterations must be between 1 and 100000000")
        }
    }

    func run() throws {
        let interactive = isatty(STDIN_FILENO) == 1
        if interactive { writeToStandardError("Password: ") }
        let password = readPassword(hidden: interactive)
        if interactive { writeToStandardError("\n") }
        guard let password, !password.isEmpty else {
            printError("hash-password: no password on standard input")
            throw ExitCode(2)
        }
        print(DjangoPassword.makePBKDF2SHA256(password, iterations: iterations))
    }

    /// One line from stdin, with terminal echo switched off while it is typed.
    private func readPassword(hidden: Bool) -> String? {
        var saved = termios()
        if hidden {
            tcgetattr(STDIN_FILENO, &saved)
            var quiet = saved
            quiet.c_lflag &= ~tcflag_t(ECHO)
            tcsetattr(STDIN_FILENO, TCSANOW, &quiet)
        }
        defer { if hidden { tcsetattr(STDIN_FILENO, TCSANOW, &saved) } }
        return readLine(strippingNewline: true)
    }
}
