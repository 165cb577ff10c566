import Glibc

/// No executable product where ``BuiltProduct`` looked for it.
public struct BuiltProductNotFound: Error, CustomStringConvertible {
    /// The product looked for; nil when the test bundle itself could not be found.
    public let name: String?
    /// Where it looked.
    public let path: String
    public let errno: Int32

    public var description: String {
        let reason = "\(String(cString: strerror(errno))) (errno \(errno))"
        guard let name else { return "cannot find the test bundle at \(path): \(reason)" }
        return "no executable product '\(name)' at \(path): \(reason); SwiftPM builds it next to the test bundle only when the test target depends on it"
    }
}
