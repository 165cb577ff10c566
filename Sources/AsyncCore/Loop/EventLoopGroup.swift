import Synchronization

/// Several event loops, each on a thread of its own: a server that uses
/// more than one core.
///
/// ```swift
/// let group = try EventLoopGroup(loops: 4)
/// let address = try group.serve(.ipv4(port: 7007)) { loop in
///     EchoServer(mode: .line, loop: loop)       // one per loop; each serves what it is handed
/// }
/// print("listening on \(address)")
/// // ... later:
/// group.stop()                                  // stops every loop and joins its thread
/// ```
/// Each loop is an ordinary ``EventLoop``: its dispatchers never leave its
/// thread, and other threads reach it through its ``LoopHandle``.
/// ``serve(_:backlog:proxyProtocol:handingTo:)-5irbe`` listens on one address and hands each accepted
/// connection to the loops in turn. Loops that must share state (a chat
/// room, say) keep it on one loop and reach it through that loop's handle.
///
/// A server that expects thousands of connections at once makes room for
/// their descriptors before it starts the group, while the process has one
/// thread: ``OpenFileLimit/reserveDescriptorTable(for:)`` tells why.
public final class EventLoopGroup: Sendable {
    /// The loops' threads, in the order they were started.
    public let threads: [EventLoopThread]
    private let nextLoop = Atomic<Int>(0)
    let listeners = SanitizerVisibleMutex<[LoopBound<Dispatcher>]>([])

    private init(threads: [EventLoopThread]) {
        self.threads = threads
    }

    /// Starts `loops` loops, each on a thread named `name-0`, `name-1`, ...
    ///
    /// ```swift
    /// let group = try EventLoopGroup(loops: 2, name: "chat")
    /// ```
    /// - Throws: ``EventLoopGroupError/noLoops(_:)`` when `loops` is below 1, or a
    ///   `SystemError` when a thread or loop cannot be made; no thread is left running then.
    public convenience init(loops: Int, name: String = "loop", backend: PollerBackend = .epoll) throws {
        let (threads, _) = try EventLoopGroup.startThreads(loops: loops, name: name, backend: backend) { _ in 0 }
        self.init(threads: threads)
    }

    /// Starts `loops` loops as ``init(loops:name:backend:)`` does, running
    /// `setup` on each loop's thread in turn, and returns the group with
    /// what each `setup` returned, in loop order.
    ///
    /// ```swift
    /// let (group, addresses) = try EventLoopGroup.start(loops: 2) { loop in
    ///     try EchoServer(address: .ipv4(port: 0), loop: loop).localAddress
    /// }
    /// ```
    /// - Throws: ``EventLoopGroupError/noLoops(_:)`` when `loops` is below 1;
    ///   what `setup` threw, as it was thrown; or a `SystemError` when a
    ///   thread or loop cannot be made. The loops already started are stopped then.
    public static func start<Value: Sendable>(
        loops: Int, name: String = "loop", backend: PollerBackend = .epoll,
        _ setup: @escaping @Sendable (EventLoop) throws -> Value
    ) throws -> (group: EventLoopGroup, values: [Value]) {
        let (threads, values) = try startThreads(loops: loops, name: name, backend: backend, setup)
        return (EventLoopGroup(threads: threads), values)
    }

    /// Starts the loops as the blocking `start` does, suspending the calling
    /// task (not its thread) while each `setup` runs.
    ///
    /// ```swift
    /// let (group, _) = try await EventLoopGroup.start(loops: 4) { _ in () }
    /// ```
    public static func start<Value: Sendable>(
        loops: Int, name: String = "loop", backend: PollerBackend = .epoll,
        _ setup: @escaping @Sendable (EventLoop) throws -> Value
    ) async throws -> (group: EventLoopGroup, values: [Value]) {
        guard loops >= 1 else { throw EventLoopGroupError.noLoops(loops) }
        var threads: [EventLoopThread] = []
        var values: [Value] = []
        do {
            for index in 0..<loops {
                let (thread, value) = try await EventLoopThread.start(name: "\(name)-\(index)", backend: backend, setup)
                threads.append(thread)
                values.append(value)
            }
        } catch {
            stop(threads)
            throw error
        }
        return (EventLoopGroup(threads: threads), values)
    }

    /// The loops' handles, in loop order.
    public var handles: [LoopHandle] { threads.map(\.handle) }

    /// The handle of the next loop in turn, going round the group: for
    /// spreading work over the loops.
    public func next() -> LoopHandle {
        let index = nextLoop.add(1, ordering: .relaxed).oldValue
        return threads[index % threads.count].handle
    }

    /// Stops every loop (they stop together, each after its current pass),
    /// closes their dispatchers and waits for every thread to end. Safe to
    /// call more than once; from one of the group's own loops it only asks
    /// the loops to stop.
    public func stop() {
        EventLoopGroup.stop(threads)
    }

    private static func stop(_ threads: [EventLoopThread]) {
        for thread in threads { thread.handle.stop() }
        for thread in threads { thread.stop() }
    }

    private static func startThreads<Value: Sendable>(
        loops: Int, name: String, backend: PollerBackend, _ setup: @escaping @Sendable (EventLoop) throws -> Value
    ) throws -> ([EventLoopThread], [Value]) {
        guard loops >= 1 else { throw EventLoopGroupError.noLoops(loops) }
        var threads: [EventLoopThread] = []
        var values: [Value] = []
        do {
            for index in 0..<loops {
                let (thread, value) = try EventLoopThread.start(name: "\(name)-\(index)", backend: backend, setup)
                threads.append(thread)
                values.append(value)
            }
        } catch {
            stop(threads)
            throw error
        }
        return (threads, values)
    }

    deinit {
        stop()
    }
}
