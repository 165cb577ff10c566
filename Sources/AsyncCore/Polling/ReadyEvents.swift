/// What the kernel reported for one descriptor.
///
/// `.read` is `EPOLLIN`/`POLLIN`, `.write` `EPOLLOUT`/`POLLOUT`, `.priority`
/// `EPOLLPRI`/`POLLPRI`, `.hangup` `EPOLLHUP`/`POLLHUP`, `.error`
/// `EPOLLERR`/`POLLERR`/`POLLNVAL`, `.readHangup` `EPOLLRDHUP`/`POLLRDHUP`.
struct ReadyEvents: OptionSet, Hashable {
    let rawValue: UInt8
    static let read = ReadyEvents(rawValue: 1)
    static let write = ReadyEvents(rawValue: 2)
    static let priority = ReadyEvents(rawValue: 4)
    static let hangup = ReadyEvents(rawValue: 8)
    static let error = ReadyEvents(rawValue: 16)
    static let readHangup = ReadyEvents(rawValue: 32)
}

/// One ready registration: its token (generation and descriptor) and events.
struct ReadyEvent {
    let token: UInt64
    let events: ReadyEvents
}
