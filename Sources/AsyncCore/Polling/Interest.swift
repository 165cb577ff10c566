/// The readiness a registration asks to hear about.
///
/// `.read` is `EPOLLIN | EPOLLPRI` (`POLLIN | POLLPRI`): input and urgent data, as
/// asyncore asks for a readable channel. `.write` is `EPOLLOUT` (`POLLOUT`).
/// An empty interest means the descriptor is not registered with the kernel at
/// all, so a hung-up socket nobody reads from cannot spin the loop.
struct Interest: OptionSet, Hashable {
    let rawValue: UInt8
    static let read = Interest(rawValue: 1)
    static let write = Interest(rawValue: 2)
}
