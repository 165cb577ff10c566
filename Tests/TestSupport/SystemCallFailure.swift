import Glibc

/// A system call made by the test support failed: which call, on what, and
/// the C library's reason.
public struct SystemCallFailure: Error, CustomStringConvertible {
    public let call: String
    public let path: String?
    public let errno: Int32

    public init(call: String, path: String? = nil, errno: Int32) {
        self.call = call
        self.path = path
        self.errno = errno
    }

    public var description: String {
        let subject = path.map { "\(call) \($0)" } ?? call
        return "\(subject) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
