import AsyncCore

/// The server side of one SMTP or LMTP session as a state machine, with no
/// I/O: bytes of CRLF-terminated lines go in, replies, questions for the
/// handler and messages come out.
///
/// ```swift
/// var session = SMTPSession(configuration: SMTPConfiguration(hostname: "mx.test"), peer: .ipv4(port: 0))
/// send(session.greeting.encoded)                       // 220 mx.test ESMTP SwiftAsyncore
/// session.receive(Array("EHLO client.test".utf8)[...])  // a line, in as many pieces as it came
/// var output = session.endOfLine()                     // the CRLF
/// while case .ask(let question) = output {             // a stage for the handler
///     output = session.answer(decide(question))        // SMTPDecision: .accept, .reply(...)
/// }
/// switch output {
/// case .reply(let reply): send(reply.encoded)
/// case .replies(let replies): replies.forEach { send($0.encoded) }
/// case .replyAndClose(let reply): send(reply.encoded); close()
/// case .none, .ask: break                              // a line of DATA
/// }
/// ```
///
/// The framing is the caller's: it finds CRLF and passes everything between
/// two CRLFs to ``receive(_:)``. A bare CR or LF is never a line end, so in
/// DATA only a line that is exactly `.` ends the message (`\n.\n`,
/// `\r.\r`, `\n.\r\n` and `\r\n.\n` stay in the body: no SMTP
/// smuggling), and a `.` right after the DATA command ends an empty message
/// (smtpd missed that case). In command state a line that holds a bare CR
/// or LF is answered 500.
///
/// In DATA a caller may take the content in bulk instead of by line, a call
/// per read rather than per line: frame it by `.` CRLF, pass what comes
/// before each to ``receiveContent(_:)`` and report each `.` CRLF to
/// ``receiveDotCRLF()``, which ends the message when the dot starts a line.
/// After `BDAT n` (``State/chunk(_:)``) the next `n` bytes go to
/// ``receiveContent(_:)`` as they are, then ``endOfChunk()``.
/// ``takeNewContent()`` hands out the content as it arrives, for a handler
/// that streams it.
///
/// The order of checks and the reply texts are those of CPython 3.11's
/// smtpd, with its crashes and protocol bugs fixed: every malformed input
/// gets a reply, a message over the size limit is answered 552 and the
/// session is back in command state, and command length limits belong to
/// the session.
public struct SMTPSession: Sendable {
    /// Where the session is.
    public enum State: Hashable, Sendable {
        /// Reading commands.
        case command
        /// Reading message content after a 354.
        case data
        /// Reading the given number of bytes of a `BDAT` chunk.
        case chunk(Int)
        /// A 221 or 421 was sent; nothing more is read.
        case closed
    }

    /// The current state.
    public internal(set) var state = State.command
    /// The name from the accepted HELO, EHLO or LHLO, or nil before one.
    public internal(set) var heloName: String?
    /// True after EHLO or LHLO: ESMTP parameters are accepted.
    public internal(set) var isExtended = false
    /// The transaction in progress: from an accepted MAIL to the end of its
    /// message or a reset.
    public internal(set) var transaction: SMTPTransaction?
    /// True while the connection is encrypted: from the first byte with
    /// implicit TLS, or once STARTTLS was answered 220.
    public internal(set) var isSecure: Bool
    /// The user an accepted AUTH named, or nil.
    public internal(set) var authenticatedUser: String?

    let configuration: SMTPConfiguration
    let peer: SocketAddress
    /// Whether the content is kept for the message at the end of data, or
    /// only handed out by ``takeNewContent()``.
    let keepsContent: Bool
    /// The extensions the accepted EHLO or LHLO reply offered.
    var offered = SMTPExtensions()
    /// The connection was refused (554): only QUIT is served.
    var serviceRefused = false
    /// The stage waiting for the handler's decision.
    var pending: SMTPPendingStage?
    /// The verb of the command being answered, for log lines and the
    /// default enhanced status code.
    var verb = ""
    /// An AUTH exchange waiting for the client's next response line.
    var authExchange: SMTPAuthExchange?
    /// The mechanism of the last AUTH that ended, and the user when it
    /// succeeded, for the log.
    var lastAuthentication: (mechanism: String, user: String?)?
    /// Accepted and total commands by verb, for the disconnect log line;
    /// kept only when there is a log.
    var counts = SMTPCommandCounts()
    let countsCommands: Bool
    /// The addresses of the last MAIL and RCPT commands, for log lines.
    var lastSender: String?
    var lastRecipient: String?

    /// The command line so far, kept up to the longest a command may be.
    var line: [UInt8] = []
    /// The command line's full length, kept or not.
    var lineLength = 0
    let lineCapacity: Int
    /// The message so far, in DATA or BDAT.
    var content = MessageContent(limit: nil, expectedSize: 0)
    /// The content of the current transaction started (DATA, or a BDAT
    /// chunk): a transaction that ends otherwise than by its message is
    /// abandoned.
    var contentStarted = false
    /// The transaction used BDAT, so DATA may not follow.
    var usedBDAT = false
    /// The chunk being read: LAST or not, and the reply owed instead of
    /// taking it (the bytes of a refused BDAT are read and dropped).
    var chunkIsLast = false
    var chunkError: SMTPReply?
    var chunkSize = 0
    /// A refusal of the content by the handler: the message's reply.
    var contentRefusal: SMTPReply?
    /// Transactions abandoned since the caller last looked.
    var abandoned: [SMTPTransaction] = []
    var errorCount = 0
    /// The size the client declared (MAIL ... SIZE=n), and the size of the
    /// session's last message: capacity to reserve for the next body.
    var declaredSize = 0
    var lastMessageSize = 0

    /// A session for a client at `peer`. `keepsContent` false hands the
    /// content out by ``takeNewContent()`` only (``SMTPHandler/keepsContent``);
    /// a session that decodes data keeps it in any case. `isSecure` is true
    /// for a connection encrypted from the first byte (implicit TLS).
    public init(configuration: SMTPConfiguration, peer: SocketAddress, keepsContent: Bool = true, isSecure: Bool = false) {
        self.configuration = configuration
        self.peer = peer
        self.keepsContent = keepsContent || configuration.decodeData
        self.isSecure = isSecure
        countsCommands = configuration.sessionLog != nil
        let longest = configuration.offersAuthentication
            ? max(configuration.extendedMailLength, configuration.authLineLength) : configuration.extendedMailLength
        lineCapacity = min(longest, .max - 1) + 1
    }

    /// The 220 greeting to send first.
    public var greeting: SMTPReply {
        .greeting(configuration.hostname, configuration.banner)
    }

    /// The connection is refused with `reply` instead of the greeting
    /// (RFC 5321 section 3.1): after a `554` every command but QUIT is
    /// answered 503; a `421` closes the session.
    public mutating func refuseService(with reply: SMTPReply) -> SMTPSessionOutput {
        guard reply.code != 421 else {
            state = .closed
            return .replyAndClose(reply)
        }
        serviceRefused = true
        return .reply(reply)
    }

    // MARK: Input

    /// Takes the next bytes of the current line (never a CRLF), or content.
    public mutating func receive(_ bytes: ArraySlice<UInt8>) {
        switch state {
        case .command:
            let room = lineCapacity - line.count
            if room > 0 { line.append(contentsOf: bytes.prefix(room)) }
            lineLength += bytes.count
        case .data, .chunk:
            receiveContent(bytes)
        case .closed:
            break
        }
    }

    /// The current line ended (its CRLF arrived): what to do now.
    public mutating func endOfLine() -> SMTPSessionOutput {
        switch state {
        case .command:
            defer {
                line.removeAll(keepingCapacity: line.capacity <= 1024)
                lineLength = 0
            }
            return finish(command())
        case .data:
            if content.isLoneDot { return finish(endOfMessage(), counted: false) }
            content.append(stuffed: SMTPSession.crlf)
            return .none
        case .chunk:
            receiveContent(SMTPSession.crlf)
            return .none
        case .closed:
            return .none
        }
    }

    /// Takes message content, as the client sent it: in DATA state with its
    /// line ends and transparency dots, in pieces of any size that never
    /// hold a `.` CRLF; in a BDAT chunk exactly as sent. Otherwise the bytes
    /// are ignored.
    public mutating func receiveContent(_ bytes: ArraySlice<UInt8>) {
        switch state {
        case .data:
            guard contentRefusal == nil else { return }
            content.append(stuffed: bytes)
        case .chunk:
            guard chunkError == nil, contentRefusal == nil else { return }
            content.append(raw: bytes)
        case .command, .closed:
            break
        }
    }

    /// A `.` CRLF came in DATA state, after the bytes given to
    /// ``receiveContent(_:)``: the end of the message when the dot starts a
    /// line (right after a CRLF, or first after the DATA command), else
    /// three bytes of content. Outside DATA it does nothing.
    public mutating func receiveDotCRLF() -> SMTPSessionOutput {
        guard state == .data else { return .none }
        if content.isAtLineStart { return finish(endOfMessage(), counted: false) }
        if contentRefusal == nil { content.append(stuffed: SMTPSession.dotCRLF) }
        return .none
    }

    /// The content that arrived since the last call, unstuffed: for a
    /// handler that streams it (``SMTPHandler/content(_:of:answer:)``).
    /// Valid until the next input.
    public mutating func takeNewContent() -> ArraySlice<UInt8> {
        content.takeNew()
    }

    /// The handler refused the content: the rest is dropped and `reply` is
    /// the answer to the message.
    public mutating func refuseContent(with reply: SMTPReply) {
        guard contentRefusal == nil else { return }
        contentRefusal = reply
        content = MessageContent(limit: nil, expectedSize: 0, keeps: false)
    }

    /// The handler's decision on the question last asked: what to send.
    public mutating func answer(_ decision: SMTPDecision) -> SMTPSessionOutput {
        guard let stage = pending else { return .none }
        pending = nil
        // The message's reply after DATA is not a command's: DATA was counted at its 354.
        let counted: Bool
        if case .endOfData = stage { counted = verb != "DATA" } else { counted = true }
        return finish(decide(stage, decision), counted: counted)
    }

    /// The client sent nothing for the command timeout: the 421 to send
    /// before closing. The session is closed.
    public mutating func timedOut() -> SMTPReply {
        close()
        return decorated(.timeout(configuration.hostname))
    }

    /// The server is going away: the 421 to send before closing. The session is closed.
    public mutating func shutDown() -> SMTPReply {
        close()
        return decorated(.shuttingDown(configuration.hostname))
    }

    /// The connection ended: a transaction in progress is abandoned.
    public mutating func close() {
        state = .closed
        pending = nil
        resetTransaction()
    }

    /// The transactions abandoned since the last call (see
    /// ``SMTPHandler/abandon(_:)``), oldest first.
    public mutating func takeAbandonedTransactions() -> [SMTPTransaction] {
        guard !abandoned.isEmpty else { return [] }
        defer { abandoned = [] }
        return abandoned
    }

    static let crlf: ArraySlice<UInt8> = [13, 10]
    static let dotCRLF: ArraySlice<UInt8> = [46, 13, 10]
}
