import AsyncChat
import AsyncCore

/// A listening SMTP server: accepts connections and runs an ``SMTPChannel``
/// for each, handing every accepted message to its delivery handler.
///
/// ```swift
/// let loop = try EventLoop()
/// var configuration = SMTPConfiguration()
/// configuration.enableSMTPUTF8 = true
/// let server = try SMTPServer(
///     configuration: configuration, handler: try MaildirHandler(directory: "/var/mail/sink"), loop: loop)
/// try server.listen(on: .ipv4("127.0.0.1", port: 8025))
/// try loop.run()
/// ```
/// The server keeps no list of its own: its sessions live in the loop's map
/// until they close, and ``shutDown()`` finds them there.
public final class SMTPServer: Dispatcher {
    /// What the sessions advertise and enforce.
    public let configuration: SMTPConfiguration
    /// Decides each stage of every session, and receives every accepted message.
    public let handler: any SMTPHandler

    /// A server not yet listening.
    /// - Throws: ``SMTPConfigurationError`` when the configuration cannot be used.
    public init(
        configuration: SMTPConfiguration = SMTPConfiguration(), handler: any SMTPHandler, loop: EventLoop
    ) throws(SMTPConfigurationError) {
        if let problem = configuration.problem { throw problem }
        self.configuration = configuration
        self.handler = handler
        super.init(loop: loop)
    }

    /// The sessions of this server that are still open.
    public var sessions: [SMTPChannel] {
        loop.dispatchers.compactMap { ($0 as? SMTPChannel).flatMap { $0.server === self ? $0 : nil } }
    }

    /// Stops accepting, and tells each open session 421 before closing it.
    public func shutDown() {
        let open = sessions
        close()
        for session in open { session.shutDown() }
    }

    public override func writable() -> Bool { false }

    public override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        // Replies are small and often follow one another: never hold one back
        // waiting for an acknowledgement.
        if address.family != .unix { try? socket.setOption(.noDelay, to: 1) }
        let channel = try SMTPChannel(socket: socket, peer: address, configuration: configuration, handler: handler, loop: loop)
        channel.server = self
    }

    /// The listening socket is closed only when told: a failure to accept one
    /// connection is logged and serving goes on.
    public override func handleError(_ error: any Error) {
        logInfo("\(self): \(error)", type: "error")
    }

    public override func handleClose() {
        close()
    }
}
