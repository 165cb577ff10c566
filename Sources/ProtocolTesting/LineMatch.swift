/// What one expected line must be: exactly some text, or a whole-line match
/// of a regular expression.
///
/// A string literal is an exact line:
/// ```swift
/// client.expectLines(inAnyOrder: [
///     "250-PIPELINING",
///     .matching(/250-SIZE \d+/),
/// ])
/// ```
public struct LineMatch: Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    enum Rule: Sendable {
        case exactly(String)
        case pattern(LinePattern)
    }

    let rule: Rule

    init(rule: Rule) {
        self.rule = rule
    }

    /// The line must be exactly `text` (without its line ending).
    public static func exactly(_ text: String) -> LineMatch {
        LineMatch(rule: .exactly(text))
    }

    /// The whole line must match `regex`. `shownAs` is how reports show the
    /// pattern (a regex literal's source text is not available at run time).
    public static func matching<Output>(
        _ regex: Regex<Output>, shownAs display: String? = nil,
        file: String = #fileID, line: Int = #line
    ) -> LineMatch {
        LineMatch(rule: .pattern(LinePattern(regex, display: display ?? "<regex at \(file):\(line)>")))
    }

    /// The whole line must match the regular expression `pattern`, as written
    /// in a transcript's `S~` step. An invalid pattern makes the dialogue
    /// fail as invalid when it runs.
    public static func matching(_ pattern: String) -> LineMatch {
        LineMatch(rule: .pattern(LinePattern(source: pattern)))
    }

    public init(stringLiteral text: String) {
        self = .exactly(text)
    }

    /// The step as a transcript writes it: `S: text` or `S~ pattern`.
    public var description: String {
        switch rule {
        case .exactly(let text): return "S: " + text
        case .pattern(let pattern): return "S~ " + pattern.display
        }
    }

    var isExact: Bool {
        if case .exactly = rule { return true }
        return false
    }

    /// Whether `line` (the decoded text of a received line) satisfies this rule.
    func accepts(_ line: String) -> Bool {
        switch rule {
        case .exactly(let text): return line == text
        case .pattern(let pattern): return pattern.wholeMatches(line)
        }
    }
}
