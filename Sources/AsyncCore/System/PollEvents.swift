import CSystem
import Glibc

/// The readiness bits of one `poll` entry; `.input` is `POLLIN`, and so on.
struct PollEvents: OptionSet, Hashable {
    let rawValue: Int16

    static let input = PollEvents(rawValue: Int16(POLLIN))
    static let output = PollEvents(rawValue: Int16(POLLOUT))
    static let priority = PollEvents(rawValue: Int16(POLLPRI))
    static let hangup = PollEvents(rawValue: Int16(POLLHUP))
    static let error = PollEvents(rawValue: Int16(POLLERR))
    static let invalid = PollEvents(rawValue: Int16(POLLNVAL))
    static let readHangup = PollEvents(rawValue: CSYSTEM_POLLRDHUP)
}
