import CSystem
import Glibc

/// The `epoll` backend. Level-triggered, so it keeps asyncore's semantics: a
/// handler that leaves input unread is called again on the next pass.
final class EpollPoller: Poller {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    private let epollFD: Int32
    @exclusivity(unchecked) private var kernelEvents: [epoll_event]
    /// Descriptors epoll refuses (regular files, `EPERM`) are always ready, as
    /// `poll` reports them; they are kept here and reported on every wait.
    @exclusivity(unchecked) private var alwaysReady: [Int32: (token: UInt64, interest: Interest)] = [:]
    @exclusivity(unchecked) private var alwaysReadyEvents: [ReadyEvent] = []
    @exclusivity(unchecked) private var kernelReadyCount = 0

    init(capacity: Int = 1024) throws(SystemError) {
        epollFD = try Syscall.retrying(.epollCreate) { epoll_create1(Int32(EPOLL_CLOEXEC)) }
        kernelEvents = [epoll_event](repeating: epoll_event(), count: capacity)
    }

    func update(fd: Int32, token: UInt64, from old: Interest, to new: Interest) throws(SystemError) {
        if alwaysReady[fd] != nil {
            alwaysReady[fd] = new.isEmpty ? nil : (token, new)
            return
        }
        let operation: Int32
        switch (old.isEmpty, new.isEmpty) {
        case (true, true): return
        case (true, false): operation = EPOLL_CTL_ADD
        case (false, true): operation = EPOLL_CTL_DEL
        case (false, false): operation = EPOLL_CTL_MOD
        }
        var event = epoll_event()
        event.events = EpollPoller.mask(new)
        event.data.u64 = token
        if epoll_ctl(epollFD, operation, fd, &event) == 0 { return }
        let error = Glibc.errno
        if operation == EPOLL_CTL_ADD && error == EPERM {
            alwaysReady[fd] = (token, new)
            return
        }
        if operation == EPOLL_CTL_DEL && (error == EBADF || error == ENOENT) { return }
        throw SystemError(.epollCtl, errno: error)
    }

    func wait(timeoutMS: Int32) throws(SystemError) -> Int {
        let timeout = alwaysReady.isEmpty ? timeoutMS : 0
        let capacity = Int32(kernelEvents.count)
        let count = kernelEvents.withUnsafeMutableBufferPointer { buffer in
            epoll_wait(epollFD, buffer.baseAddress, capacity, timeout)
        }
        if count < 0 {
            let error = Glibc.errno
            if error == EINTR { return 0 }
            throw SystemError(.epollWait, errno: error)
        }
        kernelReadyCount = Int(count)
        guard !alwaysReady.isEmpty else { return kernelReadyCount }
        alwaysReadyEvents.removeAll(keepingCapacity: true)
        for (_, registration) in alwaysReady {
            var events: ReadyEvents = []
            if registration.interest.contains(.read) { events.insert(.read) }
            if registration.interest.contains(.write) { events.insert(.write) }
            alwaysReadyEvents.append(ReadyEvent(token: registration.token, events: events))
        }
        return kernelReadyCount + alwaysReadyEvents.count
    }

    @inline(__always)
    func readyEvent(at index: Int) -> ReadyEvent {
        guard index < kernelReadyCount else { return alwaysReadyEvents[index - kernelReadyCount] }
        let event = kernelEvents[index]
        return ReadyEvent(token: event.data.u64, events: EpollPoller.events(event.events))
    }

    func close() {
        Syscall.close(epollFD)
    }

    private static func mask(_ interest: Interest) -> UInt32 {
        var mask: UInt32 = 0
        if interest.contains(.read) { mask |= EPOLLIN.rawValue | EPOLLPRI.rawValue | EPOLLRDHUP.rawValue }
        if interest.contains(.write) { mask |= EPOLLOUT.rawValue }
        return mask
    }

    @inline(__always)
    private static func events(_ mask: UInt32) -> ReadyEvents {
        var events: ReadyEvents = []
        if mask & EPOLLIN.rawValue != 0 { events.insert(.read) }
        if mask & EPOLLOUT.rawValue != 0 { events.insert(.write) }
        if mask & EPOLLPRI.rawValue != 0 { events.insert(.priority) }
        if mask & EPOLLHUP.rawValue != 0 { events.insert(.hangup) }
        if mask & EPOLLERR.rawValue != 0 { events.insert(.error) }
        if mask & EPOLLRDHUP.rawValue != 0 { events.insert(.readHangup) }
        return events
    }
}
