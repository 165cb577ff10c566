/// The limits of a ``ChatRoom``.
///
/// ```swift
/// var options = ChatOptions()
/// options.idleTimeout = .seconds(600)
/// let server = try ChatServer(address: .ipv4(port: 7008), options: options, loop: loop)
/// ```
public struct ChatOptions: Sendable, Hashable {
    /// The longest line a client may send, in bytes without its ending;
    /// longer lines get ``ChatText/lineTooLong(limit:)`` and are dropped. Default: 512.
    public var maxLineLength = 512
    /// How much unsent output one member may hold. A broadcast that would go
    /// past it disconnects the member as too slow, so one stuck reader costs
    /// the server this much memory and never slows the others. A member's
    /// own replies do not count against it; above it the server stops
    /// reading from that member instead. Default: 64 KiB.
    public var maxQueuedOutput = 64 << 10
    /// How long a member disconnected as too slow gets to read its backlog
    /// and the notice before the connection is cut. Default: 10 s.
    public var slowClientGrace = Duration.seconds(10)
    /// Disconnects a client that sends nothing for this long; nil, the default, never does.
    public var idleTimeout: Duration?
    /// The longest nick, in characters. Default: 16.
    public var maxNickLength = 16
    /// How many lines of one client are handled before the loop's other
    /// work gets a turn. A client pipelining thousands of short lines would
    /// otherwise fill every member's queue in one go, and healthy readers
    /// would look slow. Default: 16.
    public var maxLinesPerTurn = 16

    public init() {}
}
