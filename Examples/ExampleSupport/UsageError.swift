/// A mistake on the command line. ``CommandLineProgram`` prints it with a
/// hint to `--help` and exits with status 2.
///
/// ```swift
/// guard let port = UInt16(text) else { throw UsageError("--port needs a number from 0 to 65535, not '\(text)'") }
/// ```
public struct UsageError: Error, Hashable, CustomStringConvertible {
    public let message: String

    public init(_ message: String) {
        self.message = message
    }

    public var description: String { message }
}
