import Glibc

/// A C `errno` value, with named constants as swift-system spells them.
///
/// ```swift
/// do { try dispatcher.bind(to: .ipv4(port: 25)) }
/// catch let error as SystemError where error.errno == .permissionDenied {
///     print(error.errno)           // EACCES
///     print(error.errno.message)   // Permission denied
/// }
/// ```
/// Only the System layer reads the C `errno`; everything above it sees this
/// type inside a ``SystemError``.
public struct Errno: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The C value.
    public let rawValue: Int32

    public init(rawValue: Int32) {
        self.rawValue = rawValue
    }

    /// The value the calling thread's last failed C call left. The only place
    /// the C `errno` is read or written.
    static var current: Errno {
        get { Errno(rawValue: Glibc.errno) }
        set { Glibc.errno = newValue.rawValue }
    }

    /// The symbolic name (`"ECONNREFUSED"`), or `"errno N"` for a value without one.
    public var description: String {
        let names = Errno.names
        guard rawValue > 0, Int(rawValue) < names.count, !names[Int(rawValue)].isEmpty else { return "errno \(rawValue)" }
        return names[Int(rawValue)]
    }

    /// The C library's message (`"Connection refused"`); never empty. The
    /// corresponding C function is `strerror`.
    public var message: String {
        guard let text = strerror(rawValue) else { return "Unknown error \(rawValue)" }
        let message = String(cString: text)
        return message.isEmpty ? "Unknown error \(rawValue)" : message
    }

    /// Operation not permitted (`EPERM`).
    public static let notPermitted = Errno(rawValue: EPERM)
    /// No such file or directory (`ENOENT`).
    public static let noSuchFileOrDirectory = Errno(rawValue: ENOENT)
    /// Interrupted system call (`EINTR`).
    public static let interrupted = Errno(rawValue: EINTR)
    /// Input/output error (`EIO`).
    public static let ioError = Errno(rawValue: EIO)
    /// Bad file descriptor (`EBADF`).
    public static let badFileDescriptor = Errno(rawValue: EBADF)
    /// Resource temporarily unavailable (`EAGAIN`, the same as `EWOULDBLOCK`).
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    /// Cannot allocate memory (`ENOMEM`).
    public static let noMemory = Errno(rawValue: ENOMEM)
    /// Permission denied (`EACCES`).
    public static let permissionDenied = Errno(rawValue: EACCES)
    /// File exists (`EEXIST`).
    public static let fileExists = Errno(rawValue: EEXIST)
    /// Not a directory (`ENOTDIR`).
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    /// Is a directory (`EISDIR`).
    public static let isDirectory = Errno(rawValue: EISDIR)
    /// Invalid argument (`EINVAL`).
    public static let invalidArgument = Errno(rawValue: EINVAL)
    /// Too many open files in the system (`ENFILE`).
    public static let tooManyOpenFilesInSystem = Errno(rawValue: ENFILE)
    /// Too many open files in the process (`EMFILE`).
    public static let tooManyOpenFiles = Errno(rawValue: EMFILE)
    /// No space left on device (`ENOSPC`).
    public static let noSpace = Errno(rawValue: ENOSPC)
    /// Read-only file system (`EROFS`).
    public static let readOnlyFileSystem = Errno(rawValue: EROFS)
    /// Broken pipe (`EPIPE`).
    public static let brokenPipe = Errno(rawValue: EPIPE)
    /// File name too long (`ENAMETOOLONG`).
    public static let fileNameTooLong = Errno(rawValue: ENAMETOOLONG)
    /// Machine is not on the network (`ENONET`).
    public static let notOnNetwork = Errno(rawValue: ENONET)
    /// Protocol error (`EPROTO`).
    public static let protocolError = Errno(rawValue: EPROTO)
    /// Socket operation on non-socket (`ENOTSOCK`).
    public static let notSocket = Errno(rawValue: ENOTSOCK)
    /// Protocol not available (`ENOPROTOOPT`).
    public static let protocolNotAvailable = Errno(rawValue: ENOPROTOOPT)
    /// Socket type not supported (`ESOCKTNOSUPPORT`).
    public static let socketTypeNotSupported = Errno(rawValue: ESOCKTNOSUPPORT)
    /// Operation not supported (`EOPNOTSUPP`, the same as `ENOTSUP`).
    public static let notSupported = Errno(rawValue: EOPNOTSUPP)
    /// Address family not supported by protocol (`EAFNOSUPPORT`).
    public static let addressFamilyNotSupported = Errno(rawValue: EAFNOSUPPORT)
    /// Address already in use (`EADDRINUSE`).
    public static let addressInUse = Errno(rawValue: EADDRINUSE)
    /// Cannot assign requested address (`EADDRNOTAVAIL`).
    public static let addressNotAvailable = Errno(rawValue: EADDRNOTAVAIL)
    /// Network is down (`ENETDOWN`).
    public static let networkDown = Errno(rawValue: ENETDOWN)
    /// Network is unreachable (`ENETUNREACH`).
    public static let networkUnreachable = Errno(rawValue: ENETUNREACH)
    /// Software caused connection abort (`ECONNABORTED`).
    public static let connectionAbort = Errno(rawValue: ECONNABORTED)
    /// Connection reset by peer (`ECONNRESET`).
    public static let connectionReset = Errno(rawValue: ECONNRESET)
    /// No buffer space available (`ENOBUFS`).
    public static let noBufferSpace = Errno(rawValue: ENOBUFS)
    /// Transport endpoint is already connected (`EISCONN`).
    public static let socketIsConnected = Errno(rawValue: EISCONN)
    /// Transport endpoint is not connected (`ENOTCONN`).
    public static let socketNotConnected = Errno(rawValue: ENOTCONN)
    /// Cannot send after transport endpoint shutdown (`ESHUTDOWN`).
    public static let socketShutdown = Errno(rawValue: ESHUTDOWN)
    /// Connection timed out (`ETIMEDOUT`).
    public static let timedOut = Errno(rawValue: ETIMEDOUT)
    /// Connection refused (`ECONNREFUSED`).
    public static let connectionRefused = Errno(rawValue: ECONNREFUSED)
    /// Host is down (`EHOSTDOWN`).
    public static let hostIsDown = Errno(rawValue: EHOSTDOWN)
    /// No route to host (`EHOSTUNREACH`).
    public static let noRouteToHost = Errno(rawValue: EHOSTUNREACH)
    /// Operation already in progress (`EALREADY`).
    public static let alreadyInProcess = Errno(rawValue: EALREADY)
    /// Operation now in progress (`EINPROGRESS`).
    public static let nowInProgress = Errno(rawValue: EINPROGRESS)
    /// Disk quota exceeded (`EDQUOT`).
    public static let diskQuotaExceeded = Errno(rawValue: EDQUOT)

    /// Linux's symbolic names, indexed by value; "" where Linux has none.
    private static let names: [String] = [
        "", "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO", "ENXIO", "E2BIG", "ENOEXEC", "EBADF",
        "ECHILD", "EAGAIN", "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST", "EXDEV", "ENODEV",
        "ENOTDIR", "EISDIR", "EINVAL", "ENFILE", "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",
        "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK", "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY",
        "ELOOP", "", "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST", "ELNRNG", "EUNATCH",
        "ENOCSI", "EL2HLT", "EBADE", "EBADR", "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", "", "EBFONT",
        "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG", "EREMOTE", "ENOLINK", "EADV", "ESRMNT",
        "ECOMM", "EPROTO", "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD", "EREMCHG", "ELIBACC",
        "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC", "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ",
        "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP", "EPFNOSUPPORT",
        "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL",
        "ENETDOWN", "ENETUNREACH", "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN", "ESHUTDOWN",
        "ETOOMANYREFS",
        "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH", "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM",
        "ENAVAIL",
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED", "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED",
        "EKEYREJECTED",
        "EOWNERDEAD", "ENOTRECOVERABLE", "ERFKILL", "EHWPOISON",
    ]
}
