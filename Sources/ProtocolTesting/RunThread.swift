import AsyncCore

/// A detached thread for one async run. Blocking in `epoll_wait` on a
/// cooperative-pool thread would hold one of its few threads (two on a
/// 2-core machine) for the whole dialogue; a thread of its own holds none.
enum RunThread {
    /// Starts `body` on a new detached thread; false when none could be made.
    static func start(_ body: @escaping @Sendable () -> Void) -> Bool {
        (try? SystemThread.startDetached(body)) != nil
    }
}
