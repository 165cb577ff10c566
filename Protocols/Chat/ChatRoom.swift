import AsyncCore

/// A line-based chat room: clients pick a nick, then every line they send
/// goes to everyone, as `<nick> text`.
///
/// ```swift
/// let loop = try EventLoop()
/// let room = ChatRoom(loop: loop)
/// // for each accepted connection:
/// try room.admit(socket)
/// ```
/// ``ChatServer`` does the accepting for a listening socket. Commands:
/// `/nick NAME`, `/me ACTION`, `/who`, `/quit`; the exact lines the room
/// sends are listed in ``ChatText``.
///
/// A slow reader never slows the others: each member's unsent output is
/// bounded by ``ChatOptions/maxQueuedOutput``, and a member a broadcast
/// would push past it is disconnected (the others are told), after a
/// grace period to read its backlog and the notice.
///
/// ``onEvent`` hears each connection, join, delivery, rejected line, leave
/// and close, for a log; ``shutDown()`` tells everyone the server is going.
///
/// ## One room across loops
///
/// A room belongs to its loop. For members on several loops of an
/// `EventLoopGroup`, make the room on one loop and, on each other loop, a
/// room that joins it through its ``link``:
///
/// ```swift
/// let first = ChatRoom(loop: loop0)                     // on loop0's thread
/// let link = first.link                                 // Sendable: hand it to the other loops
/// let second = ChatRoom(loop: loop1, joining: link)     // on loop1's thread
/// ```
/// Each room admits and serves the connections of its own loop; the first
/// one decides on nicks and lines for all of them (its loop's handle
/// carries the lines there and the deliveries back), so members on
/// different loops see each other's lines, each sender's in the order sent.
/// ``ChatServer/makeServers(on:options:)`` sets this up for a group.
public final class ChatRoom {
    /// The room's limits.
    public let options: ChatOptions
    /// The loop the sessions run on.
    public unowned let loop: EventLoop
    /// What rooms on other loops join this one with (see ``init(loop:joining:)``).
    public let link: ChatRoomLink
    /// The shared part, when this room made it.
    private let ownDirectory: ChatDirectory?
    private var directory: LoopReference<ChatDirectory> { link.directory }
    /// This room, as the directory calls it.
    private lazy var reference = LoopReference(self, loop: loop, weakly: true)
    /// The sessions of this loop still in the room, in joining order.
    private var sessions: [ChatSession] = []
    /// The open sessions of this loop, by member number.
    private var byNumber: [UInt64: ChatSession] = [:]
    private var isShuttingDown = false

    /// Hears what happens to this loop's connections, with the client's
    /// address: a log's source. What members write is never passed on, only its fate.
    ///
    /// ```swift
    /// room.onEvent = { event in print(event) }   // 127.0.0.1:50312: alice joined
    /// ```
    public var onEvent: ((ChatEvent) -> Void)?

    /// A room of its own on `loop`.
    public init(loop: EventLoop, options: ChatOptions = ChatOptions()) {
        self.loop = loop
        self.options = options
        let directory = ChatDirectory(options: options)
        ownDirectory = directory
        link = ChatRoomLink(directory: LoopReference(directory, loop: loop, weakly: true), options: options)
        directory.attach(reference)
    }

    /// A room on `loop` that shares the members of the room `link` came
    /// from, on another loop, and its options. Make it on `loop`'s thread.
    ///
    /// ```swift
    /// let room = ChatRoom(loop: loop, joining: link)
    /// ```
    public init(loop: EventLoop, joining link: ChatRoomLink) {
        self.loop = loop
        self.options = link.options
        self.link = link
        ownDirectory = nil
        let reference = reference
        link.directory.call { $0.attach(reference) }
    }

    /// The nicks of the members, in joining order: of the whole room for
    /// the room that made it, of this loop's members for a room that
    /// joined it through a ``link``.
    public var members: [String] {
        ownDirectory?.members ?? sessions.compactMap(\.nick)
    }

    /// This loop's connections in the room, with or without a nick.
    public var connectionCount: Int { sessions.count }

    /// Takes a client's connection: greets it and asks for a nick. `peer`
    /// is the client's address as accepted, which events report.
    /// - Throws: `SystemError` if the socket cannot be adopted.
    @discardableResult
    public func admit(_ socket: Socket, peer: SocketAddress? = nil) throws(SystemError) -> ChatSession {
        let session = try ChatSession(socket: socket, peer: peer, room: self, loop: loop)
        sessions.append(session)
        byNumber[session.memberNumber] = session
        report(ChatEvent(peer: peer, kind: .connected))
        let (number, reference) = (session.memberNumber, reference)
        directory.call { $0.admitted(number, peer: peer, in: reference) }
        if isShuttingDown {
            sayGoodbye(to: session)
            return session
        }
        session.reply(ChatText.welcome)
        session.reply(ChatText.nickPrompt)
        return session
    }

    /// Tells every connection of this loop, member or not,
    /// ``ChatText/shuttingDown``, and closes each once that line and what
    /// was queued before it are sent, or after ``ChatOptions/slowClientGrace``.
    /// Nobody is told of the others leaving; a connection admitted later
    /// gets the notice at once. Call it on every loop's room to close them all.
    public func shutDown() {
        isShuttingDown = true
        for session in sessions { sayGoodbye(to: session) }
    }

    private func sayGoodbye(to session: ChatSession) {
        leaveLocally(session)
        let number = session.memberNumber
        directory.call { $0.removeQuietly(number) }
        session.disconnect(with: ChatText.shuttingDown, grace: options.slowClientGrace)
    }

    /// The session gets no more broadcasts and its lines go nowhere.
    private func leaveLocally(_ session: ChatSession) {
        guard !session.hasLeft else { return }
        session.hasLeft = true
        sessions.removeAll { $0 === session }
    }

    // MARK: From the sessions, on to the directory

    func handle(_ line: String, from session: ChatSession) {
        guard !session.hasLeft else { return }
        let number = session.memberNumber
        directory.call { $0.handle(line, from: number) }
    }

    /// Has the directory answer a line this loop would not take with its
    /// error line, in order with the answers to the session's earlier lines.
    func reject(_ error: String, from session: ChatSession) {
        guard !session.hasLeft else { return }
        let number = session.memberNumber
        directory.call { $0.reject(error, from: number) }
    }

    func timedOut(_ session: ChatSession) {
        let number = session.memberNumber
        directory.call { $0.timedOut(number) }
    }

    func sessionClosed(_ session: ChatSession) {
        leaveLocally(session)
        byNumber[session.memberNumber] = nil
        let number = session.memberNumber
        directory.call { $0.closed(number) }
    }

    // MARK: From the directory, to the sessions

    func reply(_ line: String, to number: UInt64) {
        byNumber[number]?.reply(line)
    }

    func name(_ number: UInt64, _ nick: String) {
        byNumber[number]?.nick = nick
    }

    func report(_ event: ChatEvent) {
        onEvent?(event)
    }

    func disconnect(_ number: UInt64, with notice: String, grace: Duration?) {
        guard let session = byNumber[number] else { return }
        leaveLocally(session)
        session.disconnect(with: notice, grace: grace)
    }

    /// Queues `bytes` for every member of this loop but `excluded`; the
    /// sender's own copy is not held to the bound, being a reply to what the
    /// sender just did. Returns how many took it, and the members too slow
    /// to, who leave at once (the directory drops them).
    func deliver(_ bytes: [UInt8], sender: UInt64?, except excluded: UInt64?) -> (delivered: Int, tooSlow: [UInt64]) {
        var delivered = 0
        var tooSlow: [UInt64] = []
        for member in sessions where member.nick != nil && member.memberNumber != excluded {
            if member.deliver(bytes, bounded: member.memberNumber != sender) {
                delivered += 1
            } else {
                tooSlow.append(member.memberNumber)
            }
        }
        for number in tooSlow {
            if let session = byNumber[number] { leaveLocally(session) }
        }
        return (delivered, tooSlow)
    }

    /// ``deliver(_:sender:except:)`` for a directory on another loop: this
    /// room disconnects the members too slow to take the line itself, and
    /// tells the directory.
    func deliverAndDropTheSlow(_ bytes: [UInt8], sender: UInt64?, except excluded: UInt64?) {
        for number in deliver(bytes, sender: sender, except: excluded).tooSlow {
            byNumber[number]?.disconnect(with: ChatText.tooSlow, grace: options.slowClientGrace)
            directory.call { $0.droppedAsTooSlow(number) }
        }
    }
}
