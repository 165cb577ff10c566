import Glibc

/// Raises the soft limit on open descriptors to the hard limit: one
/// descriptor per client, and the usual soft limit of 1024 would cap the
/// room long before memory does. Private to this example until AsyncCore
/// has a shared helper. Returns the new soft limit, or the error's text.
func raiseOpenFileLimit() -> String {
    let resource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
    var limit = rlimit()
    guard getrlimit(resource, &limit) == 0 else { return "unchanged (getrlimit: \(String(cString: strerror(errno))))" }
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        guard setrlimit(resource, &limit) == 0 else { return "unchanged (setrlimit: \(String(cString: strerror(errno))))" }
    }
    return String(limit.rlim_cur)
}
