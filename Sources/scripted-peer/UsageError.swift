/// A mistake on the command line: printed with a hint to `--help`, exit status 2.
struct UsageError: Error, CustomStringConvertible {
    let description: String

    init(_ message: String) {
        description = message
    }
}
