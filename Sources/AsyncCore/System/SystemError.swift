/// A failed system call: which call, the ``Errno`` it left, and the path it
/// was about when there was one.
///
/// The one error type for system failures. Its description reads well in a log line:
/// ```swift
/// do { _ = try FileDescriptor.open("/var/mail/new", .readOnly, options: .directory) }
/// catch let error as SystemError {
///     print(error)   // "open /var/mail/new failed: No such file or directory (ENOENT)"
///     if error.errno == .permissionDenied { print("check the folder's owner") }
/// }
/// ```
public struct SystemError: Error, Hashable, CustomStringConvertible {
    /// The call that failed.
    public let call: SystemCall
    /// The `errno` the call left.
    public let errno: Errno
    /// The file or Unix-domain socket path the call was about, if any.
    public let path: String?

    public init(_ call: SystemCall, errno: Errno, path: String? = nil) {
        self.call = call
        self.errno = errno
        self.path = path
    }

    /// The same failure, naming the path it concerns: for calls on a
    /// descriptor that was opened from a path (a write or `fsync` of a file).
    public func naming(_ path: String) -> SystemError {
        SystemError(call, errno: errno, path: path)
    }

    /// True for the errors that mean the peer is gone, which end in `handleClose`
    /// rather than `handleError`: `ECONNRESET`, `ENOTCONN`, `ESHUTDOWN`,
    /// `ECONNABORTED`, `EPIPE` and `EBADF`.
    public var isDisconnect: Bool {
        switch errno {
        case .connectionReset, .socketNotConnected, .socketShutdown, .connectionAbort, .brokenPipe, .badFileDescriptor:
            return true
        default:
            return false
        }
    }

    /// True for the errors `accept` reports about the connection it was
    /// taking rather than about the listener (`ECONNABORTED`, `EPROTO`,
    /// `EPERM`, `ENETDOWN`, `ENOPROTOOPT`, `EHOSTDOWN`, `ENONET`,
    /// `EHOSTUNREACH`, `ENETUNREACH`): that connection is lost, the next one
    /// can be accepted.
    public var isAbortedConnection: Bool {
        switch errno {
        case .connectionAbort, .protocolError, .notPermitted, .networkDown, .protocolNotAvailable,
             .hostIsDown, .notOnNetwork, .noRouteToHost, .networkUnreachable:
            return true
        default:
            return false
        }
    }

    /// True when descriptors or kernel memory ran out (`EMFILE`, `ENFILE`,
    /// `ENOBUFS`, `ENOMEM`): the call may succeed once something is released.
    public var isOutOfResources: Bool {
        switch errno {
        case .tooManyOpenFiles, .tooManyOpenFilesInSystem, .noBufferSpace, .noMemory: return true
        default: return false
        }
    }

    /// True for `EEXIST`: the path to create is already taken.
    public var isExistingFile: Bool {
        errno == .fileExists
    }

    /// What went wrong, without the call: `Permission denied (EACCES)`.
    public var reason: String {
        "\(errno.message) (\(errno))"
    }

    /// `open /tmp/x failed: Permission denied (EACCES)`; without a path,
    /// `connect failed: Connection refused (ECONNREFUSED)`.
    public var description: String {
        let subject = path.map { "\(call.rawValue) \($0)" } ?? call.rawValue
        return "\(subject) failed: \(reason)"
    }
}
