/// Builds a dialogue's steps from Swift statements: steps, arrays of
/// steps (from helper functions), `if`, `switch` and `for`.
///
/// ```swift
/// func login(_ who: Client) -> [DialogueStep] {
///     [who.expect("*** Welcome to the chat room"),
///      who.expect("*** Choose a nick with /nick NAME"),
///      who.send("/nick \(who.name)"),
///      who.expect("*** You are now known as \(who.name)")]
/// }
/// let dialogue = Dialogue {
///     login(alice)
///     for n in 1...3 { alice.send("line \(n)") }
/// }
/// ```
@resultBuilder
public enum DialogueBuilder {
    public static func buildExpression(_ step: DialogueStep) -> [DialogueStep] { [step] }

    public static func buildExpression(_ steps: [DialogueStep]) -> [DialogueStep] { steps }

    public static func buildBlock(_ parts: [DialogueStep]...) -> [DialogueStep] { parts.flatMap { $0 } }

    public static func buildOptional(_ part: [DialogueStep]?) -> [DialogueStep] { part ?? [] }

    public static func buildEither(first part: [DialogueStep]) -> [DialogueStep] { part }

    public static func buildEither(second part: [DialogueStep]) -> [DialogueStep] { part }

    public static func buildArray(_ parts: [[DialogueStep]]) -> [DialogueStep] { parts.flatMap { $0 } }
}
