import AsyncCore

/// The server a dialogue talks to: dispatchers of your own, run in-process
/// on a loop the kit drives, or a server listening on a TCP port.
///
/// In-process, every run gets a fresh `EventLoop` with a `ManualClock`
/// (the server lives in virtual time: its timers fire only when a step
/// advances the clock) and each client connection is one end of a
/// socketpair handed to your factory:
/// ```swift
/// // One dispatcher per connection.
/// let echo = ServerUnderTest.inProcess { socket, loop in
///     try LineEcho(socket: socket, loop: loop)
/// }
///
/// // State shared by the connections of one run (made again for each run).
/// let chat = ServerUnderTest.inProcess(setUp: { loop in
///     let room = ChatRoom(loop: loop)
///     return { socket in try room.admit(socket) }
/// })
///
/// // A server in another process, or on another thread.
/// let remote = ServerUnderTest.tcp(host: "127.0.0.1", port: 7008)
/// ```
public struct ServerUnderTest: Sendable {
    /// Adopts the server's end of one connection.
    public typealias ConnectionFactory = (Socket) throws -> Dispatcher

    enum Kind: Sendable {
        case inProcess(setUp: @Sendable (EventLoop) throws -> ConnectionFactory, socketBufferSize: Int?)
        case tcp(host: String, port: UInt16)
    }

    let kind: Kind

    /// In-process: `accept` adopts the server's end of each connection,
    /// typically by making your dispatcher with it.
    ///
    /// - Parameters:
    ///   - socketBufferSize: when set, the send and receive buffer size of
    ///     both ends of each socketpair (`SO_SNDBUF`, `SO_RCVBUF`); small
    ///     buffers make a slow reader's backlog reach the server quickly.
    ///   - accept: makes the server's dispatcher for one connection, on the
    ///     run's loop.
    public static func inProcess(
        socketBufferSize: Int? = nil,
        _ accept: @escaping @Sendable (Socket, EventLoop) throws -> Dispatcher
    ) -> ServerUnderTest {
        ServerUnderTest(kind: .inProcess(setUp: { loop in { socket in try accept(socket, loop) } }, socketBufferSize: socketBufferSize))
    }

    /// In-process with state shared by one run's connections: `setUp` runs
    /// once at the start of each run and returns the factory for its
    /// connections.
    public static func inProcess(
        socketBufferSize: Int? = nil,
        setUp: @escaping @Sendable (EventLoop) throws -> ConnectionFactory
    ) -> ServerUnderTest {
        ServerUnderTest(kind: .inProcess(setUp: setUp, socketBufferSize: socketBufferSize))
    }

    /// A server listening at `host:port`. Each client opens its own TCP
    /// connection; virtual time is not available, and chunk boundaries are
    /// kept as well as `TCP_NODELAY` keeps them.
    public static func tcp(host: String, port: UInt16) -> ServerUnderTest {
        ServerUnderTest(kind: .tcp(host: host, port: port))
    }

    var isInProcess: Bool {
        if case .inProcess = kind { return true }
        return false
    }
}
