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
public final class ChatRoom {
    /// The room's limits.
    public let options: ChatOptions
    /// The loop the sessions run on.
    public unowned let loop: EventLoop
    /// Every connected session in joining order, named or not.
    private var sessions: [ChatSession] = []
    /// Members by lowercased nick: nicks are unique regardless of case.
    private var byNick: [String: ChatSession] = [:]
    private var isShuttingDown = false

    /// Hears what happens in the room, with the client's address: a log's
    /// source. What members write is never passed on, only its fate.
    ///
    /// ```swift
    /// room.onEvent = { event in print(event) }   // 127.0.0.1:50312: alice joined
    /// ```
    public var onEvent: ((ChatEvent) -> Void)?

    public init(loop: EventLoop, options: ChatOptions = ChatOptions()) {
        self.loop = loop
        self.options = options
    }

    /// The nicks of the members, in joining order.
    public var members: [String] { sessions.compactMap(\.nick) }

    /// The connections in the room, with or without a nick.
    public var connectionCount: Int { sessions.count }

    /// Takes a client's connection: greets it and asks for a nick. `peer`
    /// is the client's address as accepted, which events report.
    /// - Throws: `SystemError` if the socket cannot be adopted.
    @discardableResult
    public func admit(_ socket: Socket, peer: SocketAddress? = nil) throws(SystemError) -> ChatSession {
        let session = try ChatSession(socket: socket, peer: peer, room: self, loop: loop)
        sessions.append(session)
        report(.connected, for: session)
        if isShuttingDown {
            say(goodbye: ChatText.shuttingDown, to: session)
            return session
        }
        session.reply(ChatText.welcome)
        session.reply(ChatText.nickPrompt)
        return session
    }

    /// Tells every connection, member or not, ``ChatText/shuttingDown``,
    /// and closes each once that line and what was queued before it are
    /// sent, or after ``ChatOptions/slowClientGrace``. Nobody is told of
    /// the others leaving; a connection admitted later gets the notice at once.
    public func shutDown() {
        isShuttingDown = true
        for session in sessions { say(goodbye: ChatText.shuttingDown, to: session) }
    }

    private func say(goodbye notice: String, to session: ChatSession) {
        session.hasLeft = true
        sessions.removeAll { $0 === session }
        if let nick = session.nick { byNick[nick.lowercased()] = nil }
        session.disconnect(with: notice, grace: options.slowClientGrace)
    }

    // MARK: Lines from members

    func handle(_ line: String, from session: ChatSession) {
        guard !session.hasLeft else { return }
        if line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
            return reject(ChatText.controlCharacters, from: session)
        }
        switch ChatCommand(line: line) {
        case .blank:
            return
        case .nick(nil):
            reject(ChatText.nickUsage, from: session)
        case .nick(let name?):
            setNick(name, for: session)
        case .me(nil):
            reject(ChatText.meUsage, from: session)
        case .me(let action?):
            guard let nick = session.nick else { return reject(ChatText.needNick, from: session) }
            relay(ChatText.action(by: nick, action), from: session, nick: nick)
        case .message(let text):
            guard let nick = session.nick else { return reject(ChatText.needNick, from: session) }
            relay(ChatText.message(from: nick, text), from: session, nick: nick)
        case .who:
            session.reply(ChatText.who(members))
        case .quit:
            leave(session, .quit)
            session.disconnect(with: ChatText.goodbye, grace: nil)
        case .unknown(let command):
            reject(ChatText.unknownCommand(command), from: session)
        }
    }

    /// Answers a line the room will not take with its error line.
    func reject(_ error: String, from session: ChatSession) {
        session.reply(error)
        let reason = error.hasPrefix(ChatText.errorPrefix) ? String(error.dropFirst(ChatText.errorPrefix.count)) : error
        report(.rejected(reason: reason), for: session)
    }

    private func setNick(_ name: String, for session: ChatSession) {
        guard isValidNick(name) else { return reject(ChatText.invalidNick(maxLength: options.maxNickLength), from: session) }
        if session.nick == name { return session.reply(ChatText.alreadyKnownAs(name)) }
        if let holder = byNick[name.lowercased()], holder !== session { return reject(ChatText.nickTaken(name), from: session) }
        let old = session.nick
        if let old { byNick[old.lowercased()] = nil }
        byNick[name.lowercased()] = session
        session.nick = name
        session.reply(ChatText.nickAccepted(name))
        if let old {
            report(.renamed(from: old, to: name), for: session)
            broadcast(ChatText.renamed(from: old, to: name), except: session)
        } else {
            report(.joined(nick: name), for: session)
            session.reply(ChatText.who(members))
            broadcast(ChatText.joined(name), except: session)
        }
    }

    private func isValidNick(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= options.maxNickLength else { return false }
        let isLetter = { (scalar: Unicode.Scalar) in ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    // MARK: Leaving

    func timedOut(_ session: ChatSession) {
        leave(session, .idle)
        session.disconnect(with: ChatText.idle, grace: nil)
    }

    func sessionClosed(_ session: ChatSession) {
        leave(session, .connectionClosed)
        report(.disconnected, for: session)
    }

    private func leave(_ session: ChatSession, _ reason: LeaveReason) {
        guard !session.hasLeft else { return }
        session.hasLeft = true
        sessions.removeAll { $0 === session }
        guard let nick = session.nick else { return }
        byNick[nick.lowercased()] = nil
        report(.left(nick: nick, reason: reason), for: session)
        broadcast(ChatText.left(nick, reason))
    }

    private func report(_ kind: ChatEvent.Kind, for session: ChatSession) {
        onEvent?(ChatEvent(peer: session.peer, kind: kind))
    }

    // MARK: Broadcasting

    /// Sends a member's line to everyone and reports how many got it.
    private func relay(_ line: String, from sender: ChatSession, nick: String) {
        let delivered = broadcast(line, from: sender)
        report(.delivered(nick: nick, members: delivered), for: sender)
    }

    /// Sends `line` to every member but `excluded`; returns how many got it.
    /// The sender's own copy is not held to the bound: it is a reply to what
    /// the sender just did.
    @discardableResult
    private func broadcast(_ line: String, from sender: ChatSession? = nil, except excluded: ChatSession? = nil) -> Int {
        let bytes = Array((line + "\r\n").utf8)
        var delivered = 0
        var tooSlow: [ChatSession] = []
        for member in sessions where member.nick != nil && member !== excluded {
            if member.deliver(bytes, bounded: member !== sender) {
                delivered += 1
            } else {
                tooSlow.append(member)
            }
        }
        for member in tooSlow where !member.hasLeft {
            leave(member, .tooSlow)
            member.disconnect(with: ChatText.tooSlow, grace: options.slowClientGrace)
        }
        return delivered
    }
}
