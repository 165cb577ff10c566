/// A compiled regular expression with the text reports show for it.
///
/// `Regex` is not `Sendable`, yet a dialogue must cross to the thread an
/// async run uses. It is sound here: a `Regex` is an immutable value whose
/// lazily compiled program is published with an atomic compare-and-swap in
/// the standard library, so sharing it for matching cannot race.
struct LinePattern: @unchecked Sendable {
    let regex: Regex<AnyRegexOutput>?
    let display: String
    /// Why the pattern's source did not compile, if it did not.
    let compileError: String?

    init<Output>(_ regex: Regex<Output>, display: String) {
        self.regex = Regex<AnyRegexOutput>(regex)
        self.display = display
        compileError = nil
    }

    init(source: String) {
        display = source
        do {
            regex = try Regex<AnyRegexOutput>(source)
            compileError = nil
        } catch {
            regex = nil
            compileError = "\(error)"
        }
    }

    func wholeMatches(_ line: String) -> Bool {
        guard let regex else { return false }
        return (try? regex.wholeMatch(in: line)) != nil
    }
}
