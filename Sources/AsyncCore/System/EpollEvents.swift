import CSystem

/// The readiness bits of one `epoll` registration or event; `.input` is
/// `EPOLLIN`, and so on.
struct EpollEvents: OptionSet, Hashable {
    let rawValue: UInt32

    static let input = EpollEvents(rawValue: EPOLLIN.rawValue)
    static let output = EpollEvents(rawValue: EPOLLOUT.rawValue)
    static let priority = EpollEvents(rawValue: EPOLLPRI.rawValue)
    static let hangup = EpollEvents(rawValue: EPOLLHUP.rawValue)
    static let error = EpollEvents(rawValue: EPOLLERR.rawValue)
    static let readHangup = EpollEvents(rawValue: EPOLLRDHUP.rawValue)
}
