import CSystem
import Glibc

/// The `poll(2)` backend: one `pollfd` per registered descriptor, kept in a
/// dense array that is patched on interest changes, never rebuilt per pass.
final class PollPoller: Poller {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    @exclusivity(unchecked) private var descriptors: [pollfd] = []
    @exclusivity(unchecked) private var tokens: [UInt64] = []
    @exclusivity(unchecked) private var indexByFD: [Int32: Int] = [:]
    /// What the last wait found, copied out: a handler may change `descriptors`.
    @exclusivity(unchecked) private var ready: [ReadyEvent] = []

    func update(fd: Int32, token: UInt64, from old: Interest, to new: Interest) throws(SystemError) {
        if new.isEmpty {
            guard let index = indexByFD.removeValue(forKey: fd) else { return }
            let last = descriptors.count - 1
            if index != last {
                descriptors[index] = descriptors[last]
                tokens[index] = tokens[last]
                indexByFD[descriptors[index].fd] = index
            }
            descriptors.removeLast()
            tokens.removeLast()
            return
        }
        let mask = PollPoller.mask(new)
        if let index = indexByFD[fd] {
            descriptors[index].events = mask
            tokens[index] = token
        } else {
            indexByFD[fd] = descriptors.count
            descriptors.append(pollfd(fd: fd, events: mask, revents: 0))
            tokens.append(token)
        }
    }

    func wait(timeoutMS: Int32) throws(SystemError) -> Int {
        ready.removeAll(keepingCapacity: true)
        let count = descriptors.withUnsafeMutableBufferPointer { buffer in
            Glibc.poll(buffer.baseAddress, nfds_t(buffer.count), timeoutMS)
        }
        if count < 0 {
            let error = Glibc.errno
            if error == EINTR { return 0 }
            throw SystemError(.poll, errno: error)
        }
        guard count > 0 else { return 0 }
        for index in descriptors.indices where descriptors[index].revents != 0 {
            ready.append(ReadyEvent(token: tokens[index], events: PollPoller.events(descriptors[index].revents)))
            descriptors[index].revents = 0
        }
        return ready.count
    }

    func readyEvent(at index: Int) -> ReadyEvent {
        ready[index]
    }

    func close() {}

    private static func mask(_ interest: Interest) -> Int16 {
        var mask: Int16 = 0
        if interest.contains(.read) { mask |= Int16(POLLIN) | Int16(POLLPRI) | CSYSTEM_POLLRDHUP }
        if interest.contains(.write) { mask |= Int16(POLLOUT) }
        return mask
    }

    private static func events(_ mask: Int16) -> ReadyEvents {
        var events: ReadyEvents = []
        if mask & Int16(POLLIN) != 0 { events.insert(.read) }
        if mask & Int16(POLLOUT) != 0 { events.insert(.write) }
        if mask & Int16(POLLPRI) != 0 { events.insert(.priority) }
        if mask & Int16(POLLHUP) != 0 { events.insert(.hangup) }
        if mask & (Int16(POLLERR) | Int16(POLLNVAL)) != 0 { events.insert(.error) }
        if mask & CSYSTEM_POLLRDHUP != 0 { events.insert(.readHangup) }
        return events
    }
}
