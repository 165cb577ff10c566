import Glibc

extension FileDescriptor {
    /// How ``FileDescriptor/open(_:_:options:permissions:)`` opens a path.
    /// Every descriptor is opened close-on-exec (`O_CLOEXEC`).
    ///
    /// ```swift
    /// let fresh = try FileDescriptor.open(path, .writeOnly, options: [.create, .exclusiveCreate], permissions: 0o600)
    /// let folder = try FileDescriptor.open("/var/mail/new", .readOnly, options: .directory)
    /// ```
    public struct OpenOptions: OptionSet, Sendable, Hashable {
        public let rawValue: Int32

        public init(rawValue: Int32) {
            self.rawValue = rawValue
        }

        /// Makes the file if it does not exist (`O_CREAT`).
        public static let create = OpenOptions(rawValue: O_CREAT)
        /// With `.create`: fails with `EEXIST` if the file exists (`O_EXCL`).
        public static let exclusiveCreate = OpenOptions(rawValue: O_EXCL)
        /// Empties an existing file (`O_TRUNC`).
        public static let truncate = OpenOptions(rawValue: O_TRUNC)
        /// Every write goes to the end of the file (`O_APPEND`).
        public static let append = OpenOptions(rawValue: O_APPEND)
        /// Fails unless the path is a directory (`O_DIRECTORY`).
        public static let directory = OpenOptions(rawValue: O_DIRECTORY)
        /// Reads and writes answer `EAGAIN` instead of waiting (`O_NONBLOCK`).
        public static let nonBlocking = OpenOptions(rawValue: O_NONBLOCK)
    }
}
