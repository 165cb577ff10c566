import AsyncCore

/// An SMTP server for tests, as aiosmtpd's `Controller` is for Python: one
/// call starts it on a free loopback port on a loop thread of its own; it
/// keeps every message it accepts, envelope and bytes, for the test to
/// await; stopping it (or letting it go) ends the thread.
///
/// ```swift
/// @Test func theSignUpMailGoesOut() async throws {
///     try await withSMTPSink { sink in
///         try await signUp("bob@example.com", mailServer: sink.address)   // the code under test
///         let mail = try await sink.nextMessage(within: .seconds(5))
///         #expect(mail.recipients == ["bob@example.com"])
///     }
/// }
/// ```
/// ``withSMTPSink(configuration:on:reply:isolation:_:)`` stops the server when
/// its body ends, returning or throwing, so a failing test leaves nothing
/// running; a sink made with ``start(configuration:on:reply:)-73kna`` stops when
/// ``stop()`` is called or its last reference goes.
///
/// The server is the library's ``SMTPServer``: it speaks the protocol as
/// `smtp-server` does, under `configuration`. `reply` answers each message
/// (`250 OK` by default); only messages answered with a 2xx or 3xx reply
/// are kept.
public final class SMTPSink: Sendable {
    /// Where the server listens: 127.0.0.1 and the port it was given.
    public let address: SocketAddress
    private let thread: EventLoopThread
    private let inbox: SMTPSinkInbox

    private init(address: SocketAddress, thread: EventLoopThread, inbox: SMTPSinkInbox) {
        self.address = address
        self.thread = thread
        self.inbox = inbox
    }

    /// Starts a server on `address` (a free loopback port by default) on a
    /// thread of its own, blocking until it listens.
    ///
    /// ```swift
    /// let sink = try SMTPSink.start()
    /// defer { sink.stop() }
    /// ```
    /// - Throws: ``SMTPConfigurationError`` when `configuration` cannot be
    ///   used, a `SystemError` when the address cannot be bound.
    public static func start(
        configuration: SMTPConfiguration = SMTPConfiguration(), on address: SocketAddress = .ipv4(host: "127.0.0.1", port: 0),
        reply: @escaping @Sendable (SMTPMessage) -> SMTPReply = { _ in .ok }
    ) throws -> SMTPSink {
        let inbox = SMTPSinkInbox()
        let (thread, bound) = try EventLoopThread.start(name: "smtp-sink") { loop in
            try listen(on: address, configuration: configuration, reply: reply, into: inbox, loop: loop)
        }
        return SMTPSink(address: bound, thread: thread, inbox: inbox)
    }

    /// Starts a server as the blocking `start` does, suspending the calling
    /// task (not its thread) until it listens.
    ///
    /// ```swift
    /// let sink = try await SMTPSink.start()
    /// ```
    public static func start(
        configuration: SMTPConfiguration = SMTPConfiguration(), on address: SocketAddress = .ipv4(host: "127.0.0.1", port: 0),
        reply: @escaping @Sendable (SMTPMessage) -> SMTPReply = { _ in .ok }
    ) async throws -> SMTPSink {
        let inbox = SMTPSinkInbox()
        let (thread, bound) = try await EventLoopThread.start(name: "smtp-sink") { loop in
            try listen(on: address, configuration: configuration, reply: reply, into: inbox, loop: loop)
        }
        return SMTPSink(address: bound, thread: thread, inbox: inbox)
    }

    private static func listen(
        on address: SocketAddress, configuration: SMTPConfiguration,
        reply: @escaping @Sendable (SMTPMessage) -> SMTPReply, into inbox: SMTPSinkInbox, loop: EventLoop
    ) throws -> SocketAddress {
        let handler = ClosureHandler { message in
            let answer = reply(message)
            if answer.isPositive { inbox.keep(message) }
            return answer
        }
        let server = try SMTPServer(configuration: configuration, handler: handler, loop: loop)
        try server.listen(on: address)
        return try server.localAddress
    }

    /// The next message accepted and not yet taken, waiting for it if none
    /// is there; each message is taken once, in the order accepted.
    ///
    /// ```swift
    /// let mail = try await sink.nextMessage(within: .seconds(5))
    /// ```
    /// - Throws: ``SMTPSinkError/noMessage(within:)`` when `limit` passes
    ///   first, `CancellationError` when the task is cancelled.
    public func nextMessage(within limit: Duration = .seconds(10)) async throws -> SMTPMessage {
        try await inbox.next(within: limit)
    }

    /// ``nextMessage(within:)`` for code that is not async: blocks the
    /// calling thread until a message is there or `limit` passes.
    ///
    /// ```swift
    /// let mail = try sink.waitForMessage(within: .seconds(5))
    /// ```
    /// - Throws: ``SMTPSinkError/noMessage(within:)`` when `limit` passes first.
    public func waitForMessage(within limit: Duration = .seconds(10)) throws(SMTPSinkError) -> SMTPMessage {
        try inbox.waitForNext(within: limit)
    }

    /// Every message accepted so far, in order, taken or not.
    public var messages: [SMTPMessage] { inbox.all }

    /// Stops the server: open sessions are closed, the thread ends. Safe to
    /// call more than once; later messages are refused (nothing listens).
    public func stop() {
        thread.stop()
    }

    deinit {
        thread.stop()
    }
}
