import Glibc

extension FileDescriptor {
    /// Whether ``FileDescriptor/open(_:_:options:permissions:)`` opens for
    /// reading, writing or both.
    ///
    /// ```swift
    /// let file = try FileDescriptor.open("/etc/hostname", .readOnly)
    /// ```
    public enum AccessMode: Sendable, Hashable {
        /// `O_RDONLY`.
        case readOnly
        /// `O_WRONLY`.
        case writeOnly
        /// `O_RDWR`.
        case readWrite

        var rawValue: Int32 {
            switch self {
            case .readOnly: return O_RDONLY
            case .writeOnly: return O_WRONLY
            case .readWrite: return O_RDWR
            }
        }
    }
}
