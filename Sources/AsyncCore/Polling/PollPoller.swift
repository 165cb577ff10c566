/// The `poll(2)` backend: one entry per registered descriptor, kept in a
/// dense set that is patched on interest changes, never rebuilt per pass.
final class PollPoller: Poller {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    @exclusivity(unchecked) private var entries = PollSet()
    @exclusivity(unchecked) private var tokens: [UInt64] = []
    @exclusivity(unchecked) private var indexByFD: [Int32: Int] = [:]
    /// What the last wait found, copied out: a handler may change `descriptors`.
    @exclusivity(unchecked) private var ready: [ReadyEvent] = []

    func update(fd: Int32, token: UInt64, from old: Interest, to new: Interest) throws(SystemError) {
        if new.isEmpty {
            guard let index = indexByFD.removeValue(forKey: fd) else { return }
            let last = entries.count - 1
            entries.removeMovingLast(at: index)
            if index != last {
                tokens[index] = tokens[last]
                indexByFD[entries.descriptor(at: index)] = index
            }
            tokens.removeLast()
            return
        }
        let events = PollPoller.events(new)
        if let index = indexByFD[fd] {
            entries.setEvents(events, at: index)
            tokens[index] = token
        } else {
            indexByFD[fd] = entries.count
            entries.append(fd, events: events)
            tokens.append(token)
        }
    }

    func wait(timeoutMS: Int32) throws(SystemError) -> Int {
        ready.removeAll(keepingCapacity: true)
        guard try entries.wait(timeoutMS: timeoutMS) > 0 else { return 0 }
        for index in 0..<entries.count {
            let returned = entries.takeReturnedEvents(at: index)
            if !returned.isEmpty {
                ready.append(ReadyEvent(token: tokens[index], events: PollPoller.readyEvents(returned)))
            }
        }
        return ready.count
    }

    func readyEvent(at index: Int) -> ReadyEvent {
        ready[index]
    }

    func close() {}

    private static func events(_ interest: Interest) -> PollEvents {
        var events: PollEvents = []
        if interest.contains(.read) { events.formUnion([.input, .priority, .readHangup]) }
        if interest.contains(.write) { events.insert(.output) }
        return events
    }

    private static func readyEvents(_ reported: PollEvents) -> ReadyEvents {
        var events: ReadyEvents = []
        if reported.contains(.input) { events.insert(.read) }
        if reported.contains(.output) { events.insert(.write) }
        if reported.contains(.priority) { events.insert(.priority) }
        if reported.contains(.hangup) { events.insert(.hangup) }
        if !reported.isDisjoint(with: [.error, .invalid]) { events.insert(.error) }
        if reported.contains(.readHangup) { events.insert(.readHangup) }
        return events
    }
}
