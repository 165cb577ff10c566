import AsyncChat
import AsyncCore
import AsyncTLS

/// One client connection of an SMTP or LMTP server: frames input for an
/// ``SMTPSession``, puts each stage to the handler's hooks and sends the
/// replies.
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
/// line). A `BDAT` chunk is framed by its byte count. Replies to commands
/// that arrive together (PIPELINING) are sent together, in order, in one
/// write. While a hook's answer is outstanding the channel reads nothing
/// (later commands wait, in order) and the loop serves other connections. A
/// session that sends nothing for ``SMTPConfiguration/commandTimeout`` is
/// answered 421 and closed. A client that disconnects in the middle of a
/// message delivers nothing.
///
/// `peer` is the client's address for the hooks, the log lines and
/// `Received:`: the one place the session learns it.
public final class SMTPChannel: ChatChannel {
    // Loop-confined, and no access overlaps another (a hook runs after the
    // session's call has returned): the runtime's dynamic exclusivity
    // checks on it were 2% of a 1 KiB message's instructions.
    @exclusivity(unchecked) private var session: SMTPSession
    private let handler: any SMTPHandler
    private let peer: SocketAddress
    private let log: SMTPSessionLog?
    weak var server: SMTPServer?

    /// What the outstanding answer is for; nil when none is.
    private enum Stage {
        case connect
        case session
        case content
    }

    @exclusivity(unchecked) private var waiting: Stage?
    private var answerSequence: UInt64 = 0
    /// A frame ended while a content piece's answer was outstanding: it is
    /// handled once the answer comes.
    private var deferredTerminator = false
    private var answerDelivery: LoopCallback<SMTPAnswerEvent>?
    /// The last answer, given during its hook and held by nobody else: the
    /// next hook's.
    private var spareAnswer: SMTPAnswer?

    /// Serves `socket` (a connected socket, made non-blocking here), asks the
    /// handler about the connection and sends the greeting; with
    /// ``SMTPConfiguration/implicitTLS``, over TLS from the first byte.
    /// - Throws: ``SMTPConfigurationError`` for an unusable configuration,
    ///   `SystemError` when the socket cannot be adopted, `TLSError` when
    ///   TLS cannot start.
    public init(
        socket: Socket, peer: SocketAddress, configuration: SMTPConfiguration,
        handler: any SMTPHandler, loop: EventLoop
    ) throws {
        if let problem = configuration.problem {
            socket.close()
            throw problem
        }
        let implicitTLS = configuration.implicitTLS ? configuration.tls : nil
        session = SMTPSession(
            configuration: configuration, peer: peer, keepsContent: handler.keepsContent, isSecure: implicitTLS != nil)
        self.handler = handler
        self.peer = peer
        log = configuration.sessionLog.map { SMTPSessionLog(write: $0, client: peer) }
        try super.init(socket: socket, loop: loop)
        if let implicitTLS {
            do {
                try upgrade(to: TLSLayer(socket: socket, context: implicitTLS))
            } catch {
                super.close()
                throw error
            }
        }
        terminator = .crlf
        idleTimeout = configuration.commandTimeout
        log?.connected()
        consult(.connect) { handler.connect(from: peer, answer: $0) }
    }

    /// The session's state (command, DATA, a BDAT chunk, or closed).
    public var state: SMTPSession.State { session.state }

    /// Where message content pauses for the session to look: a dot that may
    /// start a line, with the CRLF that would make that line the last.
    private static let dotCRLF = Terminator.bytes([46, 13, 10])

    public override func collectIncomingData(_ data: ArraySlice<UInt8>) {
        switch session.state {
        case .data, .chunk:
            session.receiveContent(data)
            streamContent()
        case .command, .closed:
            session.receive(data)
        }
    }

    public override func foundTerminator() {
        guard waiting == nil else {
            deferredTerminator = true
            return
        }
        let before = session.state
        switch before {
        case .data:
            let output = session.receiveDotCRLF()
            if case .none = output { streamContent() }
            handle(output)
        case .chunk:
            handle(session.endOfChunk())
        case .command, .closed:
            handle(session.endOfLine())
        }
        // The new terminator frames the very next byte, even one that came
        // in the same read (a pipelined message after its DATA command).
        let after = session.state
        guard after != before else { return }
        switch after {
        case .data: terminator = SMTPChannel.dotCRLF
        case .chunk(let size): terminator = .count(size)
        case .command, .closed: terminator = .crlf
        }
    }

    /// Answers 421 and closes.
    public override func handleIdleTimeout() throws {
        log?.lostConnection(after: session.verb, timedOut: true)
        push(session.timedOut().encoded)
        abandonTransactions()
        closeWhenDone()
    }

    /// The connection failed (a TLS handshake that failed or took too long):
    /// one log line says why, and the connection closes.
    public override func handleError(_ error: any Error) {
        log?.failed(error, after: session.verb)
        reportClose()
    }

    /// The client left mid-line or mid-DATA: the partial line or message is
    /// dropped without a word.
    public override func handleUnterminatedInput(_ tail: [UInt8]) {}

    /// Tells the client the server is going away (421), then closes once
    /// that is sent.
    public func shutDown() {
        guard isOpen else { return }
        push(session.shutDown().encoded)
        abandonTransactions()
        closeWhenDone()
    }

    public override func close() {
        if isOpen { endSession() }
        super.close()
    }

    // MARK: Hooks

    /// Calls a hook with a fresh answer; applies an answer given during the
    /// call at once, else stops reading until it comes.
    private func consult(_ stage: Stage, _ call: (SMTPAnswer) -> Void) {
        answerSequence += 1
        let answer: SMTPAnswer
        if var spare = spareAnswer.take(), isKnownUniquelyReferenced(&spare) {
            spare.reuse(sequence: answerSequence)
            answer = spare
        } else {
            let delivery = answerDelivery ?? LoopCallback(loop: loop) { [weak self] event in self?.lateAnswer(event) }
            answerDelivery = delivery
            answer = SMTPAnswer(sequence: answerSequence, delivery: delivery)
        }
        waiting = stage
        call(answer)
        if let decision = answer.takeEarlyDecision() {
            spareAnswer = answer
            resolve(decision)
        } else if waiting != nil {
            pauseReading()
        }
    }

    private func lateAnswer(_ event: SMTPAnswerEvent) {
        guard isOpen, waiting != nil, event.sequence == answerSequence else { return }
        resolve(event.decision)
        if waiting == nil { resumeReading() }
    }

    private func resolve(_ decision: SMTPDecision) {
        guard let stage = waiting else { return }
        waiting = nil
        switch stage {
        case .connect:
            switch decision {
            case .reply(let reply) where !reply.isPositive:
                log?.rejected("CONNECT", reply, session: session)
                handle(session.refuseService(with: reply))
            case .reply(let reply):
                push(reply.encoded)
            case .accept, .replies:
                push(session.greeting.encoded)
            }
        case .session:
            handle(session.answer(decision))
        case .content:
            if case .reply(let reply) = decision, !reply.isPositive { session.refuseContent(with: reply) }
            if deferredTerminator {
                deferredTerminator = false
                foundTerminator()
            } else {
                streamContent()
            }
        }
    }

    /// Hands the content that came since the last piece to the handler.
    private func streamContent() {
        guard waiting == nil else { return }
        let piece = session.takeNewContent()
        guard !piece.isEmpty, let transaction = session.transaction else { return }
        let handler = self.handler
        consult(.content) { handler.content(piece, of: transaction, answer: $0) }
    }

    private func handle(_ output: SMTPSessionOutput) {
        switch output {
        case .none:
            break
        case .reply(let reply):
            log?.replied(reply, session: session)
            push(reply.encoded)
        case .replies(let replies):
            log?.delivered(replies, session: session)
            for reply in replies { push(reply.encoded) }
        case .replyAndClose(let reply):
            log?.replied(reply, session: session)
            push(reply.encoded)
            closeWhenDone()
        case .replyAndStartTLS(let reply):
            log?.replied(reply, session: session)
            push(reply.encoded)
            startTLS()
        case .ask(let question):
            let handler = self.handler
            consult(.session) { answer in
                switch question {
                case .hello(let hello): handler.hello(hello, answer: answer)
                case .mailFrom(let transaction): handler.mailFrom(transaction, answer: answer)
                case .recipient(let address, let options, let transaction):
                    handler.recipient(address, options: options, of: transaction, answer: answer)
                case .endOfData(let message):
                    log?.received(message)
                    handler.endOfData(message, answer: answer)
                }
            }
        }
        abandonTransactions()
        if let authentication = session.lastAuthentication {
            session.lastAuthentication = nil
            log?.authenticated(mechanism: authentication.mechanism, user: authentication.user)
        }
    }

    /// TLS starts once the 220 is sent; what the client sent after STARTTLS
    /// in the clear is dropped, never read as if it came over TLS.
    private func startTLS() {
        guard let socket, let context = session.configuration.tls else { return }
        do {
            upgradeWhenDone(to: try TLSLayer(socket: socket, context: context))
        } catch {
            handleError(error)
        }
    }

    private func abandonTransactions() {
        for transaction in session.takeAbandonedTransactions() { handler.abandon(transaction) }
    }

    /// The connection is ending, however: the handler and the log learn it once.
    private func endSession() {
        let quit = session.state == .closed
        session.close()
        waiting = nil
        abandonTransactions()
        if !quit { log?.lostConnection(after: session.verb, timedOut: false) }
        log?.disconnected(session: session)
        handler.disconnect(from: peer)
    }
}
