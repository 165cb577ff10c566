import Glibc

/// The descriptors one `poll` call watches, as a dense array of entries
/// that is patched in place, never rebuilt per call.
package struct PollSet {
    private var entries: [pollfd] = []

    package init() {}

    package var count: Int { entries.count }

    /// Adds an entry at the end (index `count`).
    package mutating func append(_ fd: Int32, events: PollEvents) {
        entries.append(pollfd(fd: fd, events: events.rawValue, revents: 0))
    }

    /// Changes what entry `index` waits for.
    package mutating func setEvents(_ events: PollEvents, at index: Int) {
        entries[index].events = events.rawValue
    }

    /// The descriptor of entry `index`.
    package func descriptor(at index: Int) -> Int32 {
        entries[index].fd
    }

    /// Removes entry `index` by moving the last entry into its place.
    package mutating func removeMovingLast(at index: Int) {
        entries[index] = entries[entries.count - 1]
        entries.removeLast()
    }

    /// Waits up to `timeoutMS` (-1: no limit); returns the number of entries
    /// with events, 0 when a signal interrupted the wait. The corresponding C
    /// function is `poll`.
    package mutating func wait(timeoutMS: Int32) throws(SystemError) -> Int {
        let count = entries.withUnsafeMutableBufferPointer { buffer in
            poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMS)
        }
        if count >= 0 { return Int(count) }
        let error = Errno.current
        if error == .interrupted { return 0 }
        throw SystemError(.poll, errno: error)
    }

    /// What the last wait reported for entry `index`, clearing it.
    package mutating func takeReturnedEvents(at index: Int) -> PollEvents {
        let returned = PollEvents(rawValue: entries[index].revents)
        entries[index].revents = 0
        return returned
    }
}
