import JWTGateCore
import Testing

/// Compares jwtgate's parser with SwiftNIO's llhttp decoder on the same bytes: same verdict (accept or
/// refuse), and for accepted requests the same method, target, version, fields and de-chunked body.
enum Differential {
    enum Verdict: Equatable, CustomStringConvertible {
        case agree
        /// We refuse with this error; llhttp accepts every message.
        case weRefuse(HTTPParseError)
        /// llhttp refuses; we accept.
        case llhttpRefuses
        /// Both decide the same way but read different messages.
        case differentMessages(String)
        /// After a request that closes the connection, llhttp refuses the bytes that follow and we do
        /// not read them; both stop there.
        case bothStopAfterClose

        var description: String {
            switch self {
            case .agree: "agree"
            case .weRefuse(let error): "we refuse (\(error)), llhttp accepts"
            case .llhttpRefuses: "llhttp refuses, we accept"
            case .differentMessages(let detail): "different messages: \(detail)"
            case .bothStopAfterClose: "llhttp refuses the bytes after a closing request, we do not read them"
            }
        }
    }

    static func compare(_ bytes: [UInt8]) -> Verdict {
        let reference = LLHTTPReference.decode(bytes)
        let ours = LLHTTPReference.ours(bytes)
        var theirs = reference.messages.map(trimmingTrailingWhitespace)
        var mine = ours.messages
        // Divergence "upgrade hand-over": llhttp gives the connection to another protocol after CONNECT,
        // or after a request with `Upgrade` and `Connection: upgrade`, and reads nothing more (not even
        // CONNECT's body). Compare up to that message.
        if let handover = mine.firstIndex(where: isHandover), handover < theirs.count {
            mine = Array(mine[...handover])
            theirs = Array(theirs[...handover])
            if mine[handover].method == "CONNECT" { mine[handover].body = [] }
            return mine == theirs ? .agree : .differentMessages("\(mine) vs \(theirs)")
        }
        let common = min(mine.count, theirs.count)
        if Array(mine[..<common]) != Array(theirs[..<common]) {
            return .differentMessages("\(mine[..<common]) vs \(theirs[..<common])")
        }
        // What is left is which side stopped first, and how; the messages before that are equal.
        if mine.count < theirs.count {
            return ours.refusal.map { .weRefuse($0) } ?? .differentMessages("we read fewer messages")
        }
        if mine.count > theirs.count {
            return reference.refused ? .llhttpRefuses : .differentMessages("llhttp read fewer messages")
        }
        switch (ours.refusal, reference.refused) {
        case (nil, false), (.some, true): return .agree
        case (.some(let error), false): return .weRefuse(error)
        case (nil, true): return ours.closed ? .bothStopAfterClose : .llhttpRefuses
        }
    }

    /// Divergence "trailing whitespace": llhttp keeps a value's trailing SP/HTAB, RFC 9110 §5.5 and we
    /// do not. Only trailing whitespace is removed, so any other difference in a value still shows.
    private static func trimmingTrailingWhitespace(_ message: LLHTTPReference.Message) -> LLHTTPReference.Message {
        var message = message
        message.fields = message.fields.map { field in
            var value = Substring(field.value)
            while let last = value.last, last == " " || last == "\t" { value.removeLast() }
            return RequestHead.Field(name: field.name, value: String(value))
        }
        return message
    }

    static func isHandover(_ message: LLHTTPReference.Message) -> Bool {
        if message.method == "CONNECT" { return true }
        let upgrade = message.fields.contains { $0.name.lowercased() == "upgrade" }
        let connectionUpgrade = message.fields.contains { field in
            field.name.lowercased() == "connection"
                && field.value.lowercased().split(separator: ",").contains { $0.filter { $0 != " " && $0 != "\t" } == "upgrade" }
        }
        return upgrade && connectionUpgrade
    }
}

@Suite("Differential: jwtgate's parser against SwiftNIO's llhttp decoder")
struct HTTPParserDifferentialTests {
    static let corpus: [RequestCorpus.Case] = {
        var generator = RequestCorpus(seed: 0x6A77_7467_6174_6539)  // "jwtgate9"
        return generator.cases(valid: 300, mutated: 600)
    }()

    @Test("every divergence in the table happens exactly as stated", arguments: LLHTTPDivergence.allCases)
    func divergence(_ divergence: LLHTTPDivergence) {
        for example in divergence.examples {
            #expect(Differential.compare(Array(example.utf8)) == divergence.expected(for: example),
                    "\(divergence): \(example.debugDescription)")
        }
    }

    @Test("every corpus case agrees with llhttp, or diverges exactly as one table row says")
    func corpus() {
        var tally: [String: Int] = [:]
        for item in Self.corpus {
            let verdict = Differential.compare(item.bytes)
            if verdict == .agree {
                tally[LLHTTPReference.decode(item.bytes).refused ? "agree: both refuse" : "agree: both accept", default: 0] += 1
                continue
            }
            let explanations = LLHTTPDivergence.allCases.filter { $0.explains(verdict, item.bytes) }
            #expect(!explanations.isEmpty, "unexplained: \(verdict) ← \(item)")
            tally[explanations.first.map { "\($0)" } ?? "UNEXPLAINED", default: 0] += 1
        }
        print("differential corpus of \(Self.corpus.count): \(tally.sorted { $0.key < $1.key })")
        #expect(Self.corpus.count >= 900)
        let agreed = tally["agree: both refuse", default: 0] + tally["agree: both accept", default: 0]
        #expect(agreed > Self.corpus.count / 2)
    }

    @Test("the fuzz entry point holds on every corpus case: same transcript at every split, invariants kept")
    func fuzzEntryPoint() {
        for item in Self.corpus {
            item.bytes.withUnsafeBytes { HTTPParserFuzzing.run($0) }
        }
    }

    /// The first nine smuggling cases are HTTPFramingTests' requests, which the gateway must answer 400.
    @Test("HTTPFramingTests' requests are refused by both parsers, by ours with 400", arguments: RequestCorpus.smuggling.prefix(9))
    func framingTestRequests(raw: String) {
        let bytes = Array(raw.utf8)
        #expect(LLHTTPReference.decode(bytes).refused)
        let ours = LLHTTPReference.ours(bytes)
        #expect(ours.messages.isEmpty)
        #expect(ours.refusal?.status == 400)
    }

    @Test("the corpus is the same on every run")
    func deterministic() {
        var again = RequestCorpus(seed: 0x6A77_7467_6174_6539)
        #expect(again.cases(valid: 300, mutated: 600).map(\.bytes) == Self.corpus.map(\.bytes))
    }
}
