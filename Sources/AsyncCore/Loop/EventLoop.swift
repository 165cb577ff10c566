/// A single-threaded event loop: asyncore's socket map and `loop()` as an object.
///
/// Every pass asks each dispatcher ``Dispatcher/readable()`` and
/// ``Dispatcher/writable()``, waits for readiness (epoll by default), calls the
/// ready dispatchers' handlers, then fires due timers and closures posted from
/// other threads. The kernel is told only about interest that changed, so a
/// pass costs a cheap call per dispatcher plus a syscall per ready one.
///
/// ```swift
/// let loop = try EventLoop()
/// let server = EchoServer(loop: loop)        // a Dispatcher subclass of yours
/// try server.listen(on: .ipv4("127.0.0.1", port: 0))
/// print("listening on \(try server.localAddress)")
/// try loop.run()            // returns when no dispatcher and no timer is left
/// ```
/// The loop is not `Sendable`: create it, its dispatchers and its timers on
/// one thread. Other threads use ``handle`` only. Dispatchers hold the loop
/// `unowned`, so keep the loop alive as long as they are; it closes any still
/// open when it goes away.
public final class EventLoop {
    /// The thread-safe handle for waking, calling into and stopping this loop.
    public let handle: LoopHandle
    /// The clock that timers and time-outs use.
    public let clock: LoopClock
    /// The readiness mechanism in use.
    public let backend: PollerBackend
    /// Receives every log line of the loop and its dispatchers; the default
    /// writes it to standard error.
    public var logger: (String) -> Void = EventLoop.standardErrorLogger

    // The hot stored properties are marked @exclusivity(unchecked): they live on
    // the loop's thread and no access overlaps another, and the runtime's
    // dynamic exclusivity checks were about half the instructions of an echoed line.
    private let poller: Poller
    /// `handle.executor`, which the handle keeps alive as long as this loop:
    /// held unretained so a pass does not retain and release it.
    private let taskExecutor: Unmanaged<LoopExecutor>
    /// The socket map: every open dispatcher, in registration order until one closes.
    @exclusivity(unchecked) private(set) var channels: [Dispatcher] = []
    /// Open dispatchers by descriptor, for mapping events back to them.
    @exclusivity(unchecked) private var byDescriptor: [Dispatcher?] = []
    private var nextGeneration: UInt32 = 1
    @exclusivity(unchecked) var timers = TimerHeap()
    private var timerSequence: UInt64 = 0
    /// Work the loop owes itself (connect failures found synchronously):
    /// run at the start of the next pass.
    @exclusivity(unchecked) private var deferred: [() -> Void] = []
    /// Dispatchers whose close or end-of-input must be reported once the
    /// current handler returns; hooks are never re-entered from `send`.
    @exclusivity(unchecked) private var attention: [Dispatcher] = []
    /// Dispatchers closed during the running pass, kept alive until it ends:
    /// the pass calls into dispatchers without retaining each one, and a
    /// hook may close, and drop the last reference to, the very dispatcher
    /// it runs on.
    @exclusivity(unchecked) private var retired: [Dispatcher] = []
    @exclusivity(unchecked) private var passDepth = 0
    /// Listeners that stopped accepting because descriptors ran out.
    private var pausedListeners: [(listener: Dispatcher, backoff: LoopTimer)] = []
    private var signalHandlers: [Int32: (Int32) -> Void] = [:]
    /// One receive buffer for every dispatcher of this loop, so an idle
    /// connection holds no buffer of its own. A slice of it that a handler
    /// keeps past its call is copied on the next read (copy-on-write).
    @exclusivity(unchecked) package var readBuffer = [UInt8](repeating: 0, count: 65536)
    /// Memory any one handler may use while it runs (the chat layer gathers
    /// its replies to a read here, for one send); nothing in it outlives the
    /// handler, so no connection keeps a buffer of its own for this.
    @usableFromInline package let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 65536, alignment: 16)

    static let wakeToken: UInt64 = UInt64(UInt32.max) << 32

    /// Makes a loop with its own poller and wake-up descriptor.
    /// - Throws: ``SystemError`` when the kernel refuses the epoll or eventfd descriptor.
    public init(backend: PollerBackend = .epoll, clock: LoopClock = MonotonicClock()) throws(SystemError) {
        self.backend = backend
        self.clock = clock
        switch backend {
        case .epoll: poller = try EpollPoller()
        case .poll: poller = PollPoller()
        }
        do {
            handle = try LoopHandle()
            taskExecutor = Unmanaged.passUnretained(handle.executor)
            try poller.update(fd: handle.wakeDescriptor, token: EventLoop.wakeToken, from: [], to: .read)
        } catch {
            poller.close()
            throw error
        }
        handle.executor.attach(to: self)
    }

    deinit {
        // Nothing that waits on this loop is left waiting: posted work is
        // abandoned, tasks' jobs run elsewhere, and the dispatchers still
        // open release their waiters as they are abandoned.
        handle.retire()
        handle.executor.loopDidEnd()
        for channel in channels { channel.abandon() }
        scratch.deallocate()
        SignalRelay.uninstall(wakeDescriptor: handle.wakeDescriptor)
        poller.close()
    }

    /// The open dispatchers (asyncore's socket map), in no promised order.
    public var dispatchers: [Dispatcher] { channels }

    // The shared buffers are reached from other modules through these calls
    // rather than directly: a direct access from another module would bring
    // back the exclusivity check on every line.

    /// The first `count` bytes of the read buffer.
    package func readBytes(_ count: Int) -> ArraySlice<UInt8> {
        readBuffer[0..<count]
    }

    /// The number of pending timers.
    public var pendingTimerCount: Int { timers.count }

    // MARK: Running

    /// Runs passes until no dispatcher and no timer is left, `count` passes
    /// have run, or ``LoopHandle/stop()`` was called.
    ///
    /// - Parameters:
    ///   - timeout: the longest one pass waits for readiness; nil waits until
    ///     something happens (an event, a timer, a wake-up).
    ///   - count: how many passes to run at most; nil for no limit.
    /// - Throws: ``SystemError`` only if the poller itself fails.
    public func run(timeout: Duration? = nil, count: Int? = nil) throws(SystemError) {
        var remaining = count ?? Int.max
        while remaining > 0, !channels.isEmpty || !timers.isEmpty || handle.executor.hasLocalJobs {
            try runPass(timeout: timeout)
            remaining -= 1
            if handle.consumeStop() { return }
        }
    }

    /// Runs passes until ``LoopHandle/stop()`` is called, even while the map is
    /// empty: the loop of an embedded server waiting for work from other threads.
    public func runUntilStopped() throws(SystemError) {
        while !handle.consumeStop() {
            try runPass(timeout: nil)
        }
    }

    /// One pass: update interest, wait, dispatch, fire timers, run posted
    /// closures, then the jobs of tasks on the loop's ``executor``.
    public func runPass(timeout: Duration?) throws(SystemError) {
        passDepth += 1
        defer {
            passDepth -= 1
            if passDepth == 0, !retired.isEmpty { retired.removeAll(keepingCapacity: true) }
        }
        if !deferred.isEmpty || !attention.isEmpty { runDeferred() }
        try updateInterest()
        // The common case, nothing owed and no timer, needs no arithmetic.
        let wait = timeout == nil && timers.isEmpty && deferred.isEmpty && attention.isEmpty
            && !taskExecutor._withUnsafeGuaranteedRef { $0.hasLocalJobs } ? -1 : waitMilliseconds(limit: timeout)
        let readyCount = try poller.wait(timeoutMS: wait)
        var index = 0
        while index < readyCount {
            dispatch(poller.readyEvent(at: index))
            index += 1
        }
        if !timers.isEmpty { fireDueTimers() }
        taskExecutor._withUnsafeGuaranteedRef { executor in
            if executor.hasJobs { executor.runJobs(settling: self) }
        }
    }

    private func waitMilliseconds(limit: Duration?) -> Int32 {
        if !deferred.isEmpty || !attention.isEmpty || handle.executor.hasLocalJobs { return 0 }
        var wait: Int64 = limit.map { max(0, $0.nanoseconds) } ?? -1
        if let earliest = timers.earliest {
            let untilDue = max(0, earliest.deadline.duration(since: clock.now).nanoseconds)
            // Virtual time passes only when the test advances it: never sleep for it.
            if untilDue == 0 || !clock.isVirtual {
                wait = wait < 0 ? untilDue : min(wait, untilDue)
            }
        }
        if wait < 0 { return -1 }
        // Round up, so a timer due in 0.3 ms is not polled for in a busy loop.
        return Int32(clamping: wait / 1_000_000 + (wait % 1_000_000 == 0 ? 0 : 1))
    }

    private func updateInterest() throws(SystemError) {
        var index = 0
        while index < channels.count {
            // Unretained: a dispatcher closed meanwhile stays alive in `retired`.
            let unretained = Unmanaged.passUnretained(channels[index])
            let failure = unretained._withUnsafeGuaranteedRef { channel -> SystemError? in
                let wanted = channel.currentInterest()
                guard channel.isOpen, wanted != channel.registeredInterest else { return nil }
                do throws(SystemError) {
                    try poller.update(fd: channel.descriptor, token: channel.token, from: channel.registeredInterest, to: wanted)
                } catch {
                    return error
                }
                channel.registeredInterest = wanted
                return nil
            }
            if let failure { throw failure }
            if index < channels.count, channels[index] === unretained.takeUnretainedValue() { index += 1 }
        }
    }

    private func dispatch(_ event: ReadyEvent) {
        if event.token == EventLoop.wakeToken {
            runPostedJobs()
            return
        }
        let descriptor = Int(UInt32(truncatingIfNeeded: event.token))
        guard descriptor < byDescriptor.count, let registered = byDescriptor[descriptor] else { return }
        // Unretained: a dispatcher closed meanwhile stays alive in `retired`.
        Unmanaged.passUnretained(registered)._withUnsafeGuaranteedRef { channel in
            guard channel.token == event.token else { return }
            channel.dispatch(event.events, loop: self)
        }
    }

    private func runPostedJobs() {
        let posted = handle.drain()
        // Tasks' jobs from other threads wake the loop as posted closures do;
        // asked after the drain, so a wake-up it coalesced is not lost.
        taskExecutor._withUnsafeGuaranteedRef { $0.noteRemoteJobsAfterWake() }
        for job in posted {
            job.run(on: self)
            settle()
        }
        for signal in SignalRelay.takePending(for: handle.wakeDescriptor) {
            signalHandlers[signal]?(signal)
            settle()
        }
    }

    private func runDeferred() {
        while !deferred.isEmpty {
            let work = deferred
            deferred.removeAll()
            for item in work {
                item()
                settle()
            }
        }
        settle()
    }

    private func fireDueTimers() {
        let now = clock.now
        // Timers scheduled by the actions below wait for the next pass even if
        // already due, or a zero-delay timer that schedules another would keep
        // this pass, and with it all I/O, from ever ending.
        let lastScheduled = timerSequence
        while let earliest = timers.earliest, earliest.deadline <= now, earliest.sequence <= lastScheduled {
            _ = timers.popEarliest()
            let action = earliest.action
            earliest.action = nil
            action?()
            settle()
        }
    }

    // MARK: Timers and work

    /// Runs `action` on this loop once `delay` has passed on its clock.
    /// - Returns: a timer to cancel it with.
    @discardableResult
    public func schedule(after delay: Duration, _ action: @escaping () -> Void) -> LoopTimer {
        schedule(at: clock.now.advanced(by: delay), action)
    }

    /// Runs `action` on this loop once its clock reaches `deadline`.
    @discardableResult
    public func schedule(at deadline: LoopInstant, _ action: @escaping () -> Void) -> LoopTimer {
        timerSequence += 1
        let timer = LoopTimer(deadline: deadline, sequence: timerSequence, loop: self, action: action)
        timers.insert(timer)
        return timer
    }

    /// Moves a pending timer to a new deadline without allocating a new one.
    public func reschedule(_ timer: LoopTimer, at deadline: LoopInstant) {
        guard timer.action != nil else { return }
        timers.remove(timer)
        timer.deadline = deadline
        timers.insert(timer)
    }

    /// Runs `work` at the start of the next pass, on this thread.
    package func deferUntilNextPass(_ work: @escaping () -> Void) {
        deferred.append(work)
    }

    /// Calls `body` on this loop's thread when one of `signals` arrives
    /// (`SIGINT`, `SIGTERM`, ...). Installs process-wide signal handlers: the
    /// last loop to call this receives the signals. The signals are unblocked
    /// in the calling thread, since a process inherits its parent's signal
    /// mask, and a parent that spawns from a libdispatch or test-runner
    /// thread passes them on blocked.
    ///
    /// ```swift
    /// try loop.onSignals([SIGINT, SIGTERM]) { _ in loop.handle.stop() }
    /// ```
    public func onSignals(_ signals: [Int32], _ body: @escaping (Int32) -> Void) throws(SystemError) {
        for signal in signals { signalHandlers[signal] = body }
        try SignalRelay.install(signals, wakeDescriptor: handle.wakeDescriptor)
    }

    /// Closes every dispatcher (asyncore's `close_all`); handlers are not called.
    public func closeAll() {
        for channel in channels { channel.close() }
        channels.removeAll()
    }

    // MARK: Registration (called by Dispatcher)

    /// Adds `channel` to the map; returns the generation of its registration.
    func register(_ channel: Dispatcher) -> UInt32 {
        let descriptor = Int(channel.descriptor)
        if descriptor >= byDescriptor.count {
            byDescriptor.append(contentsOf: repeatElement(nil, count: max(descriptor + 1, byDescriptor.count * 2) - byDescriptor.count))
        }
        byDescriptor[descriptor] = channel
        channel.mapIndex = Int32(channels.count)
        channels.append(channel)
        nextGeneration = nextGeneration == UInt32.max - 1 ? 1 : nextGeneration + 1
        return nextGeneration
    }

    func unregister(_ channel: Dispatcher) {
        if !channel.registeredInterest.isEmpty {
            try? poller.update(fd: channel.descriptor, token: channel.token, from: channel.registeredInterest, to: [])
            channel.registeredInterest = []
        }
        let descriptor = Int(channel.descriptor)
        if descriptor < byDescriptor.count, byDescriptor[descriptor] === channel { byDescriptor[descriptor] = nil }
        let index = Int(channel.mapIndex)
        if index >= 0, index < channels.count, channels[index] === channel {
            let last = channels.count - 1
            if index != last {
                channels[index] = channels[last]
                channels[index].mapIndex = Int32(index)
            }
            channels.removeLast()
        }
        channel.mapIndex = -1
        if passDepth > 0 { retired.append(channel) }
        resumePausedListeners()
    }

    /// Asks for `channel`'s close or end of input to be reported after the
    /// running handler returns.
    func needsAttention(_ channel: Dispatcher) {
        attention.append(channel)
    }

    /// Reports closes and ends of input that handlers caused.
    func settle() {
        while let channel = attention.popLast() {
            channel.settle()
        }
    }

    /// Keeps `listener` from accepting until a dispatcher closes or `backoff` fires.
    func pauseAccepting(_ listener: Dispatcher, until backoff: LoopTimer) {
        guard !pausedListeners.contains(where: { $0.listener === listener }) else {
            backoff.cancel()
            return
        }
        pausedListeners.append((listener, backoff))
    }

    func resumeAccepting(_ listener: Dispatcher) {
        pausedListeners.removeAll { paused in
            guard paused.listener === listener else { return false }
            paused.backoff.cancel()
            return true
        }
    }

    private func resumePausedListeners() {
        guard !pausedListeners.isEmpty else { return }
        let listeners = pausedListeners
        pausedListeners.removeAll()
        for paused in listeners {
            paused.backoff.cancel()
            paused.listener.resumeAccepting()
        }
    }

    func log(_ line: String) {
        logger(line)
    }

    private static func standardErrorLogger(_ line: String) {
        var text = line
        text.append("\n")
        text.withUTF8 { bytes in _ = try? FileDescriptor.standardError.writeAll(UnsafeRawBufferPointer(bytes)) }
    }
}
