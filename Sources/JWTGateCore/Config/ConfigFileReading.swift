import Foundation
import Yams

/// Reads one of the three YAML files and composes its node tree, turning every failure into an issue.
enum ConfigFileReading {
    enum Outcome {
        /// The file's root node; nil for an empty document.
        case document(Node?)
        /// Missing, unreadable or not YAML (the issue is already logged).
        case failed
    }

    /// `file` is the display path; `key` the gateway key that named it ("" for the gateway file itself).
    static func read(file: String, namedBy key: String, at line: Int?, in gatewayFile: String?,
                     log: IssueLog) -> Outcome {
        guard let text = readText(file: file, namedBy: key, at: line, in: gatewayFile, log: log) else {
            return .failed
        }
        do {
            return .document(try Yams.compose(yaml: text))
        } catch let error as YamlError {
            log.add(syntaxIssue(error, file: file))
            return .failed
        } catch {
            log.add(file: file, key: "", line: nil, problem: "is not valid YAML",
                    fix: "check the file with a YAML linter")
            return .failed
        }
    }

    /// The file's text, or nil after logging why not (the issue sits on the naming key when there is one).
    static func readText(file: String, namedBy key: String, at line: Int?, in gatewayFile: String?,
                         log: IssueLog) -> String? {
        let issueFile = gatewayFile ?? file
        guard isReadableFile(file, namedBy: key, at: line, in: issueFile, log: log) else { return nil }
        let data: [UInt8]
        switch FileBytes.read(file) {
        case .bytes(let bytes):
            data = bytes
        case .unreadable:
            log.add(file: issueFile, key: key, line: line, problem: "file \(file) cannot be read",
                    fix: "check its permissions for the user jwtgate runs as")
            return nil
        case .tooLarge:
            log.add(file: issueFile, key: key, line: line,
                    problem: "file \(file) is larger than \(FileBytes.limit >> 20) MiB, too large for a config file",
                    fix: "check that the path names the intended file")
            return nil
        }
        guard let text = String(data: Data(data), encoding: .utf8) else {
            log.add(file: issueFile, key: key, line: line, problem: "file \(file) is not UTF-8 text",
                    fix: "save it as UTF-8")
            return nil
        }
        return text
    }

    /// True when `file` exists and is a readable regular file; else logs why not on the naming key
    /// (`key` empty: the file itself was named on the command line).
    static func isReadableFile(_ file: String, namedBy key: String, at line: Int?, in issueFile: String,
                               log: IssueLog) -> Bool {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) else {
            log.add(file: issueFile, key: key, line: line, problem: "file \(file) does not exist",
                    fix: key.isEmpty ? "pass the path of an existing file"
                        : "create it, or give a path relative to the folder of \(issueFile)")
            return false
        }
        guard !isDirectory.boolValue else {
            log.add(file: issueFile, key: key, line: line, problem: "\(file) is a directory, not a file",
                    fix: "name the file inside it")
            return false
        }
        guard FileManager.default.isReadableFile(atPath: file) else {
            log.add(file: issueFile, key: key, line: line, problem: "file \(file) cannot be read",
                    fix: "check its permissions for the user jwtgate runs as")
            return false
        }
        return true
    }

    /// One issue with the parser's line and column. Only libyaml's own wording is used: Yams' full
    /// description quotes the offending line, which could hold a secret.
    static func syntaxIssue(_ error: YamlError, file: String) -> ConfigIssue {
        let fix = "fix the YAML syntax (indent with spaces, quote values containing `: ` or `#`)"
        switch error {
        case .scanner(let context, let problem, let mark, _),
             .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let while_ = context.map { " (\($0.text) at line \($0.mark.line))" } ?? ""
            return ConfigIssue(file: file, key: "", line: mark.line,
                               problem: "YAML syntax error at column \(mark.column): \(problem)\(while_)", fix: fix)
        case .reader(let problem, _, _, _):
            return ConfigIssue(file: file, key: "", line: nil, problem: "cannot be read as YAML: \(problem)",
                               fix: "save it as UTF-8 text")
        default:
            return ConfigIssue(file: file, key: "", line: nil, problem: "is not valid YAML", fix: fix)
        }
    }
}
