import Glibc

/// A failed system call: which call, and the `errno` it left.
///
/// Its description reads well in a log line:
/// ```swift
/// do { try dispatcher.bind(to: .ipv4(port: 25)) }
/// catch let error as SystemError where error.errno == EACCES {
///     print(error)   // "bind failed: Permission denied (EACCES)"
/// }
/// ```
public struct SystemError: Error, Hashable, CustomStringConvertible {
    /// The call that failed.
    public let call: SystemCall
    /// The C `errno` value the call left.
    public let errno: Int32

    public init(_ call: SystemCall, errno: Int32) {
        self.call = call
        self.errno = errno
    }

    /// True for the errors that mean the peer is gone, which end in `handleClose`
    /// rather than `handleError`: `ECONNRESET`, `ENOTCONN`, `ESHUTDOWN`,
    /// `ECONNABORTED`, `EPIPE` and `EBADF`.
    public var isDisconnect: Bool {
        switch errno {
        case ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED, EPIPE, EBADF: return true
        default: return false
        }
    }

    public var description: String {
        "\(call.rawValue) failed: \(SystemError.message(for: errno)) (\(SystemError.name(for: errno)))"
    }

    /// The C library's message for an errno value; never empty.
    public static func message(for errno: Int32) -> String {
        guard let text = strerror(errno) else { return "Unknown error \(errno)" }
        let message = String(cString: text)
        return message.isEmpty ? "Unknown error \(errno)" : message
    }

    /// The symbolic name of an errno value (`"ECONNREFUSED"`), or `"errno N"`.
    public static func name(for errno: Int32) -> String {
        switch errno {
        case EPERM: return "EPERM"
        case ENOENT: return "ENOENT"
        case EINTR: return "EINTR"
        case EBADF: return "EBADF"
        case EAGAIN: return "EAGAIN"
        case ENOMEM: return "ENOMEM"
        case EACCES: return "EACCES"
        case EEXIST: return "EEXIST"
        case EINVAL: return "EINVAL"
        case ENFILE: return "ENFILE"
        case EMFILE: return "EMFILE"
        case ENOSPC: return "ENOSPC"
        case EPIPE: return "EPIPE"
        case ENOTSOCK: return "ENOTSOCK"
        case EADDRINUSE: return "EADDRINUSE"
        case EADDRNOTAVAIL: return "EADDRNOTAVAIL"
        case EAFNOSUPPORT: return "EAFNOSUPPORT"
        case ENETUNREACH: return "ENETUNREACH"
        case ECONNABORTED: return "ECONNABORTED"
        case ECONNRESET: return "ECONNRESET"
        case ENOBUFS: return "ENOBUFS"
        case EISCONN: return "EISCONN"
        case ENOTCONN: return "ENOTCONN"
        case ESHUTDOWN: return "ESHUTDOWN"
        case ETIMEDOUT: return "ETIMEDOUT"
        case ECONNREFUSED: return "ECONNREFUSED"
        case EHOSTUNREACH: return "EHOSTUNREACH"
        case EALREADY: return "EALREADY"
        case EINPROGRESS: return "EINPROGRESS"
        case EPROTO: return "EPROTO"
        default: return "errno \(errno)"
        }
    }
}
