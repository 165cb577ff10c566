/// A readiness backend: the loop tells it what each descriptor wants and asks
/// it what is ready. Tokens come back unchanged with each event, so the loop
/// can tell a live registration from a stale one.
protocol Poller: AnyObject {
    /// Moves a descriptor's registration from `old` to `new` interest; an empty
    /// interest means unregistered.
    func update(fd: Int32, token: UInt64, from old: Interest, to new: Interest) throws(SystemError)

    /// Waits up to `timeoutMS` (-1: no limit); returns how many registrations
    /// are ready. They are read with ``readyEvent(at:)`` until the next wait.
    func wait(timeoutMS: Int32) throws(SystemError) -> Int

    /// The `index`th ready registration of the last wait.
    func readyEvent(at index: Int) -> ReadyEvent

    /// Releases the kernel object; the poller is unusable afterwards.
    func close()
}

/// The readiness mechanism an ``EventLoop`` uses.
///
/// ```swift
/// let loop = try EventLoop(backend: .poll)   // for comparison; .epoll is the default
/// ```
public enum PollerBackend: String, Sendable, CaseIterable {
    /// `epoll`: cost per pass grows with ready descriptors, not registered ones.
    case epoll
    /// `poll(2)`: portable; cost per pass grows with registered descriptors.
    case poll
}
