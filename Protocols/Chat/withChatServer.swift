import AsyncCore

/// Runs `body` with a chat server listening on a free loopback port, on a
/// loop thread of its own, and stops the server when `body` ends, whether
/// it returns or throws: a room for a test (of a chat client or bot, say)
/// that leaves nothing running even when the test fails.
///
/// ```swift
/// @Test func theBotGreetsNewcomers() async throws {
///     try await withChatServer { address in
///         let bot = try await GreeterBot.connect(to: address)   // the code under test
///         let newcomer = Client("newcomer")
///         try await Dialogue {
///             newcomer.expect("*** Welcome to the chat room")
///             newcomer.expect("*** Choose a nick with /nick NAME")
///             newcomer.send("/nick carol")
///             newcomer.skipLines(until: "<bot> hello carol")
///         }.run(against: .tcp(host: "127.0.0.1", port: address.port ?? 0))
///     }
/// }
/// ```
/// The room listens on `address` (a free port on 127.0.0.1 by default); `body`
/// gets the address it listens on. `onEvent` hears the room's events
/// (``ChatEvent``) on the server's thread.
/// - Throws: a `SystemError` when the server cannot listen, and what
///   `body` threw, as thrown.
public func withChatServer<Result>(
    on address: SocketAddress = .ipv4(host: "127.0.0.1", port: 0),
    options: ChatOptions = ChatOptions(),
    onEvent: (@Sendable (ChatEvent) -> Void)? = nil,
    isolation: isolated (any Actor)? = #isolation,
    _ body: (SocketAddress) async throws -> Result
) async throws -> Result {
    let (thread, bound) = try await EventLoopThread.start(name: "chat-server") { loop in
        let server = try ChatServer(address: address, options: options, loop: loop)
        server.room.onEvent = onEvent
        return try server.localAddress
    }
    defer { thread.stop() }
    return try await body(bound)
}
