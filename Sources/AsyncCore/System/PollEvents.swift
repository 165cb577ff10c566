import CSystem
import Glibc

/// The readiness bits of one `poll` entry; `.input` is `POLLIN`, and so on.
package struct PollEvents: OptionSet, Hashable {
    package let rawValue: Int16

    package init(rawValue: Int16) {
        self.rawValue = rawValue
    }

    package static let input = PollEvents(rawValue: Int16(POLLIN))
    package static let output = PollEvents(rawValue: Int16(POLLOUT))
    package static let priority = PollEvents(rawValue: Int16(POLLPRI))
    package static let hangup = PollEvents(rawValue: Int16(POLLHUP))
    package static let error = PollEvents(rawValue: Int16(POLLERR))
    package static let invalid = PollEvents(rawValue: Int16(POLLNVAL))
    package static let readHangup = PollEvents(rawValue: CSYSTEM_POLLRDHUP)
}
