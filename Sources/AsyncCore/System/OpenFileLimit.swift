import CSystem
import Glibc

/// The process's limit on open descriptors (`RLIMIT_NOFILE`).
///
/// A server that holds one descriptor per connection runs out at the soft
/// limit, often 1024; the hard limit is the most an unprivileged process may
/// raise it to. Raise it once, at start-up:
/// ```swift
/// let limit = try OpenFileLimit.raiseToHardLimit()
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

    private static let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

    private static func read() throws(SystemError) -> rlimit {
        var limit = rlimit()
        _ = try Syscall.retrying(.getrlimit) { getrlimit(resource, &limit) }
        return limit
    }
}
