import CSystem
import Glibc

/// The process's limit on open descriptors (`RLIMIT_NOFILE`).
///
/// A server that holds one descriptor per connection runs out at the soft
/// limit, often 1024; the hard limit is the most an unprivileged process may
/// raise it to. Raise it once, at start-up:
/// ```swift
/// let limit = try OpenFileLimit.raiseToHardLimit()
/// try OpenFileLimit.reserveDescriptorTable(for: min(limit, 65_536))
/// print("up to \(limit) open descriptors")
/// ```
public enum OpenFileLimit {
    /// The current soft and hard limits. The corresponding C function is `getrlimit`.
    /// - Throws: ``SystemError`` with call `.getrlimit`.
    public static func current() throws(SystemError) -> (soft: Int, hard: Int) {
        let limit = try read()
        return (Int(clamping: limit.rlim_cur), Int(clamping: limit.rlim_max))
    }

    /// Raises the soft limit to the hard limit and returns the new soft limit.
    /// A soft limit already at the hard limit is left alone.
    ///
    /// Linux never lets the hard limit of `RLIMIT_NOFILE` exceed
    /// `fs.nr_open`, so the hard limit is always a number this call can use.
    /// - Throws: ``SystemError`` with call `.getrlimit` or `.setrlimit`.
    @discardableResult
    public static func raiseToHardLimit() throws(SystemError) -> Int {
        var limit = try read()
        if limit.rlim_cur < limit.rlim_max {
            limit.rlim_cur = limit.rlim_max
            _ = try Syscall.retrying(.setrlimit) { setrlimit(resource, &limit) }
        }
        return Int(clamping: limit.rlim_cur)
    }

    /// Grows the process's descriptor table now, to hold `count` descriptors
    /// (at most the soft limit), and returns the count it made room for.
    ///
    /// Linux grows the table by doubling as descriptors are opened, and in a
    /// process with more than one thread each growth waits for an RCU grace
    /// period, milliseconds in which no descriptor can be made. A server with
    /// loop threads that accepts thousands of connections at once would stall
    /// on every doubling while its listen queue overflows and clients wait
    /// out SYN retransmits (1 s, then 3 s). Made room for at start-up, before
    /// any thread exists, the table never grows again. It costs about 8 bytes
    /// a descriptor, and the table never shrinks.
    ///
    /// ```swift
    /// let limit = try OpenFileLimit.raiseToHardLimit()
    /// try OpenFileLimit.reserveDescriptorTable(for: min(limit, 65_536))
    /// let group = try EventLoopGroup(loops: 4)
    /// ```
    /// - Throws: ``SystemError`` with call `.open` (`/dev/null`), `.fcntl` or `.getrlimit`.
    @discardableResult
    public static func reserveDescriptorTable(for count: Int) throws(SystemError) -> Int {
        let reserved = min(max(count, 1), try current().soft)
        let placeholder = try FileDescriptor.open("/dev/null", .readOnly)
        defer { try? placeholder.close() }
        // The lowest free descriptor at or above the last slot: opening it
        // grows the table; closing it leaves the table grown. EMFILE means
        // every slot from there up is taken: the table is that big already.
        do {
            let highest = try Syscall.retrying(.fcntl) { fcntl(placeholder.rawValue, F_DUPFD_CLOEXEC, Int32(clamping: reserved - 1)) }
            try FileDescriptor(rawValue: highest).close()
        } catch where error.errno == .tooManyOpenFiles {}
        return reserved
    }

    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    private static func read() throws(SystemError) -> rlimit {
        var limit = rlimit()
        _ = try Syscall.retrying(.getrlimit) { getrlimit(resource, &limit) }
        return limit
    }
}
