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
public final class ChatRoom {
    /// The room's limits.
    public let options: ChatOptions
    /// The loop the sessions run on.
    public unowned let loop: EventLoop
    /// Every connected session in joining order, named or not.
    private var sessions: [ChatSession] = []
    /// Members by lowercased nick: nicks are unique regardless of case.
    private var byNick: [String: ChatSession] = [:]

    public init(loop: EventLoop, options: ChatOptions = ChatOptions()) {
        self.loop = loop
        self.options = options
    }

    /// The nicks of the members, in joining order.
    public var members: [String] { sessions.compactMap(\.nick) }

    /// The connections in the room, with or without a nick.
    public var connectionCount: Int { sessions.count }

    /// Takes a client's connection: greets it and asks for a nick.
    /// - Throws: `SystemError` if the socket cannot be adopted.
    @discardableResult
    public func admit(_ socket: Socket) throws(SystemError) -> ChatSession {
        let session = try ChatSession(socket: socket, room: self, loop: loop)
        sessions.append(session)
        session.reply(ChatText.welcome)
        session.reply(ChatText.nickPrompt)
        return session
    }

    // MARK: Lines from members

    func handle(_ line: String, from session: ChatSession) {
        guard !session.hasLeft else { return }
        if line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
            session.reply(ChatText.controlCharacters)
            return
        }
        switch ChatCommand(line: line) {
        case .blank:
            return
        case .nick(nil):
            session.reply(ChatText.nickUsage)
        case .nick(let name?):
            setNick(name, for: session)
        case .me(nil):
            session.reply(ChatText.meUsage)
        case .me(let action?):
            guard let nick = session.nick else { return session.reply(ChatText.needNick) }
            broadcast(ChatText.action(by: nick, action), from: session)
        case .message(let text):
            guard let nick = session.nick else { return session.reply(ChatText.needNick) }
            broadcast(ChatText.message(from: nick, text), from: session)
        case .who:
            session.reply(ChatText.who(members))
        case .quit:
            leave(session, .quit)
            session.disconnect(with: ChatText.goodbye, grace: nil)
        case .unknown(let command):
            session.reply(ChatText.unknownCommand(command))
        }
    }

    private func setNick(_ name: String, for session: ChatSession) {
        guard isValidNick(name) else { return session.reply(ChatText.invalidNick(maxLength: options.maxNickLength)) }
        if session.nick == name { return session.reply(ChatText.alreadyKnownAs(name)) }
        if let holder = byNick[name.lowercased()], holder !== session { return session.reply(ChatText.nickTaken(name)) }
        let old = session.nick
        if let old { byNick[old.lowercased()] = nil }
        byNick[name.lowercased()] = session
        session.nick = name
        session.reply(ChatText.nickAccepted(name))
        if let old {
            broadcast(ChatText.renamed(from: old, to: name), except: session)
        } else {
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
    }

    private func leave(_ session: ChatSession, _ reason: LeaveReason) {
        guard !session.hasLeft else { return }
        session.hasLeft = true
        sessions.removeAll { $0 === session }
        guard let nick = session.nick else { return }
        byNick[nick.lowercased()] = nil
        broadcast(ChatText.left(nick, reason))
    }

    // MARK: Broadcasting

    /// Sends `line` to every member but `excluded`. The sender's own copy is
    /// not held to the bound: it is a reply to what the sender just did.
    private func broadcast(_ line: String, from sender: ChatSession? = nil, except excluded: ChatSession? = nil) {
        let bytes = Array((line + "\r\n").utf8)
        var tooSlow: [ChatSession] = []
        for member in sessions where member.nick != nil && member !== excluded {
            if !member.deliver(bytes, bounded: member !== sender) { tooSlow.append(member) }
        }
        for member in tooSlow where !member.hasLeft {
            leave(member, .tooSlow)
            member.disconnect(with: ChatText.tooSlow, grace: options.slowClientGrace)
        }
    }
}
