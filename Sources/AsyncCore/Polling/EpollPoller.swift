/// The `epoll` backend. Level-triggered, so it keeps asyncore's semantics: a
/// handler that leaves input unread is called again on the next pass.
final class EpollPoller: Poller {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    private let epoll: Epoll
    @exclusivity(unchecked) private var kernelEvents: EpollEventBuffer
    /// Descriptors epoll refuses (regular files) are always ready, as `poll`
    /// reports them; they are kept here and reported on every wait.
    @exclusivity(unchecked) private var alwaysReady: [Int32: (token: UInt64, interest: Interest)] = [:]
    @exclusivity(unchecked) private var alwaysReadyEvents: [ReadyEvent] = []
    @exclusivity(unchecked) private var kernelReadyCount = 0

    init(capacity: Int = 1024) throws(SystemError) {
        epoll = try Epoll()
        kernelEvents = EpollEventBuffer(capacity: capacity)
    }

    func update(fd: Int32, token: UInt64, from old: Interest, to new: Interest) throws(SystemError) {
        if alwaysReady[fd] != nil {
            alwaysReady[fd] = new.isEmpty ? nil : (token, new)
            return
        }
        switch (old.isEmpty, new.isEmpty) {
        case (true, true):
            return
        case (true, false):
            if try !epoll.add(fd, events: EpollPoller.events(new), token: token) { alwaysReady[fd] = (token, new) }
        case (false, true):
            try epoll.remove(fd)
        case (false, false):
            try epoll.modify(fd, events: EpollPoller.events(new), token: token)
        }
    }

    func wait(timeoutMS: Int32) throws(SystemError) -> Int {
        let timeout = alwaysReady.isEmpty ? timeoutMS : 0
        kernelReadyCount = try epoll.wait(into: &kernelEvents, timeoutMS: timeout)
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
        let event = kernelEvents.event(at: index)
        return ReadyEvent(token: event.token, events: EpollPoller.readyEvents(event.events))
    }

    func close() {
        epoll.close()
    }

    private static func events(_ interest: Interest) -> EpollEvents {
        var events: EpollEvents = []
        if interest.contains(.read) { events.formUnion([.input, .priority, .readHangup]) }
        if interest.contains(.write) { events.insert(.output) }
        return events
    }

    @inline(__always)
    private static func readyEvents(_ reported: EpollEvents) -> ReadyEvents {
        var events: ReadyEvents = []
        if reported.contains(.input) { events.insert(.read) }
        if reported.contains(.output) { events.insert(.write) }
        if reported.contains(.priority) { events.insert(.priority) }
        if reported.contains(.hangup) { events.insert(.hangup) }
        if reported.contains(.error) { events.insert(.error) }
        if reported.contains(.readHangup) { events.insert(.readHangup) }
        return events
    }
}
