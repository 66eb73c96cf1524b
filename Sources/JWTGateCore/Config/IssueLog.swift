/// Collects issues while the three files are read; the loader throws them all at the end.
/// Used by one loader call on one thread, so it is deliberately not `Sendable`.
final class IssueLog {
    private(set) var issues: [ConfigIssue] = []

    var isEmpty: Bool { issues.isEmpty }

    func add(_ issue: ConfigIssue) {
        issues.append(issue)
    }

    func add(file: String, key: String, line: Int?, problem: String, fix: String) {
        issues.append(ConfigIssue(file: file, key: key, line: line, problem: problem, fix: fix))
    }
}

@available(*, unavailable)
extension IssueLog: Sendable {}
