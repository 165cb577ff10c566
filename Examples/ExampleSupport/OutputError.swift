import Glibc

/// Writing to standard output or standard error failed.
///
/// ```swift
/// do { try Console.writeOutput(bytes) }
/// catch { print(error) }   // "cannot write output: Broken pipe"
/// ```
public struct OutputError: Error, Hashable, CustomStringConvertible {
    /// The `errno` the write left.
    public let errno: Int32

    public var description: String {
        "cannot write output: " + String(cString: strerror(errno))
    }
}
