import AsyncChat
import AsyncCore
import Glibc

/// One client connection of an SMTP server: frames input for an
/// ``SMTPSession``, sends its replies and hands finished messages to the
/// delivery handler.
///
/// An ``SMTPServer`` makes one per accepted connection. To serve SMTP on a
/// socket you already have (a socketpair in a test, an inherited descriptor):
/// ```swift
/// let (server, client) = try Socket.pair()
/// let channel = try SMTPChannel(
///     socket: server, peer: .unix(path: ""), configuration: SMTPConfiguration(hostname: "mx.test"),
///     handler: ClosureHandler { _ in .ok }, loop: loop)
/// // the client end reads "220 mx.test ESMTP SwiftAsyncore\r\n"
/// ```
///
/// Commands are framed by CRLF. Message content is framed by `.` CRLF
/// instead and streams into the session a read at a time, however long its
/// lines: the session drops the transparency dots, counts the size and
/// decides whether a `.` CRLF ends the message (only where the dot starts a
/// line). Replies to commands that arrive together (PIPELINING) are sent
/// together, in order, in one write. A session that sends nothing for
/// ``SMTPConfiguration/commandTimeout`` is answered 421 and closed. A client
/// that disconnects in the middle of DATA delivers nothing.
public final class SMTPChannel: ChatChannel {
    // Loop-confined, and no access overlaps another (a delivery handler
    // runs after the session's call has returned): the runtime's dynamic
    // exclusivity checks on it were 2% of a 1 KiB message's instructions.
    @exclusivity(unchecked) private var session: SMTPSession
    private let handler: any SMTPDeliveryHandler
    weak var server: SMTPServer?

    /// Serves `socket` (a connected socket, made non-blocking here) and sends
    /// the 220 greeting.
    /// - Throws: ``SMTPConfigurationError`` for an unusable configuration,
    ///   `SystemError` when the socket cannot be adopted.
    public init(
        socket: Socket, peer: SocketAddress, configuration: SMTPConfiguration,
        handler: any SMTPDeliveryHandler, loop: EventLoop
    ) throws {
        if let problem = configuration.problem {
            socket.close()
            throw problem
        }
        session = SMTPSession(configuration: configuration, peer: peer)
        self.handler = handler
        try super.init(socket: socket, loop: loop)
        terminator = .crlf
        idleTimeout = configuration.commandTimeout
        push(session.greeting.encoded)
    }

    /// The session's state (command, DATA, or closed).
    public var state: SMTPSession.State { session.state }

    /// Where message content pauses for the session to look: a dot that may
    /// start a line, with the CRLF that would make that line the last.
    private static let dotCRLF = Terminator.bytes([46, 13, 10])

    public override func collectIncomingData(_ data: ArraySlice<UInt8>) {
        if session.state == .data {
            session.receiveContent(data)
        } else {
            session.receive(data)
        }
    }

    public override func foundTerminator() throws {
        let wasData = session.state == .data
        switch wasData ? session.receiveDotCRLF() : session.endOfLine() {
        case .none:
            break
        case .reply(let reply):
            push(reply.encoded)
        case .replyAndClose(let reply):
            push(reply.encoded)
            closeWhenDone()
        case .deliver(let message):
            push(handler.deliver(message).encoded)
        }
        // The new terminator frames the very next byte, even one that came
        // in the same read (a pipelined message after its DATA command).
        let isData = session.state == .data
        if isData != wasData { terminator = isData ? SMTPChannel.dotCRLF : .crlf }
    }

    /// Answers 421 and closes.
    public override func handleIdleTimeout() throws {
        push(session.timedOut().encoded)
        closeWhenDone()
    }

    /// The client left mid-line or mid-DATA: the partial line or message is
    /// dropped without a word.
    public override func handleUnterminatedInput(_ tail: [UInt8]) {}

    /// Tells the client the server is going away (421), then closes once
    /// that is sent.
    public func shutDown() {
        guard isOpen else { return }
        push(session.shutDown().encoded)
        closeWhenDone()
    }
}
