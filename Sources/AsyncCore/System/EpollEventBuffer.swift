import CSystem

/// Room for the events one `epoll_wait` returns, allocated once.
struct EpollEventBuffer {
    var events: [epoll_event]

    init(capacity: Int) {
        events = [epoll_event](repeating: epoll_event(), count: capacity)
    }

    /// Event `index`: the token of its registration and what it reports.
    @inline(__always)
    func event(at index: Int) -> (token: UInt64, events: EpollEvents) {
        let event = events[index]
        return (event.data.u64, EpollEvents(rawValue: event.events))
    }
}
