import AsyncCore

/// The shared part of a room: who is in it, under which nick, in which
/// order, and what each line means. It lives on the loop of the room that
/// made it; the ``ChatRoom`` of every loop sends it its sessions' lines and
/// does what it answers (reply, deliver, disconnect, report).
///
/// One place deciding is what keeps nicks unique and gives every member one
/// sender's lines in the order sent, whatever loop either is on. A room on
/// the directory's own loop is called directly, so a single-loop room
/// behaves as if it had no directory at all.
final class ChatDirectory {
    let options: ChatOptions
    /// Connections admitted and not yet closed, by member number.
    private var connections: [UInt64: ChatMember] = [:]
    /// The connections in the room, named or not, in joining order.
    private var present: [ChatMember] = []
    /// Members by lowercased nick: nicks are unique regardless of case.
    private var byNick: [String: ChatMember] = [:]
    /// The rooms of every loop, this directory's own first.
    private var rooms: [LoopReference<ChatRoom>] = []

    init(options: ChatOptions) {
        self.options = options
    }

    /// The nicks of the members, in joining order.
    var members: [String] { present.compactMap(\.nick) }

    func attach(_ room: LoopReference<ChatRoom>) {
        rooms.append(room)
    }

    // MARK: What the rooms report

    func admitted(_ number: UInt64, peer: SocketAddress?, in room: LoopReference<ChatRoom>) {
        let member = ChatMember(number: number, peer: peer, room: room)
        connections[number] = member
        present.append(member)
    }

    /// The member's room is shutting down: it leaves without anyone being told.
    func removeQuietly(_ number: UInt64) {
        guard let member = connections[number], !member.hasLeft else { return }
        member.hasLeft = true
        present.removeAll { $0 === member }
        if let nick = member.nick { byNick[nick.lowercased()] = nil }
    }

    func closed(_ number: UInt64) {
        guard let member = connections.removeValue(forKey: number) else { return }
        leave(member, .connectionClosed)
        member.report(.disconnected)
    }

    func timedOut(_ number: UInt64) {
        guard let member = connections[number] else { return }
        leave(member, .idle)
        member.disconnect(with: ChatText.idle, grace: nil)
    }

    /// A room on another loop found the member too slow and disconnected it.
    func droppedAsTooSlow(_ number: UInt64) {
        guard let member = connections[number] else { return }
        leave(member, .tooSlow)
    }

    /// Answers a line the member's room would not take with its error line.
    func reject(_ error: String, from number: UInt64) {
        guard let member = connections[number], !member.hasLeft else { return }
        reject(error, from: member)
    }

    // MARK: Lines from members

    func handle(_ line: String, from number: UInt64) {
        guard let member = connections[number], !member.hasLeft else { return }
        if line.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\t" }) {
            return reject(ChatText.controlCharacters, from: member)
        }
        switch ChatCommand(line: line) {
        case .blank:
            return
        case .nick(nil):
            reject(ChatText.nickUsage, from: member)
        case .nick(let name?):
            setNick(name, for: member)
        case .me(nil):
            reject(ChatText.meUsage, from: member)
        case .me(let action?):
            guard let nick = member.nick else { return reject(ChatText.needNick, from: member) }
            relay(ChatText.action(by: nick, action), from: member, nick: nick)
        case .message(let text):
            guard let nick = member.nick else { return reject(ChatText.needNick, from: member) }
            relay(ChatText.message(from: nick, text), from: member, nick: nick)
        case .who:
            member.reply(ChatText.who(members))
        case .quit:
            leave(member, .quit)
            member.disconnect(with: ChatText.goodbye, grace: nil)
        case .unknown(let command):
            reject(ChatText.unknownCommand(command), from: member)
        }
    }

    private func reject(_ error: String, from member: ChatMember) {
        member.reply(error)
        let reason = error.hasPrefix(ChatText.errorPrefix) ? String(error.dropFirst(ChatText.errorPrefix.count)) : error
        member.report(.rejected(reason: reason))
    }

    private func setNick(_ name: String, for member: ChatMember) {
        guard isValidNick(name) else { return reject(ChatText.invalidNick(maxLength: options.maxNickLength), from: member) }
        if member.nick == name { return member.reply(ChatText.alreadyKnownAs(name)) }
        if let holder = byNick[name.lowercased()], holder !== member { return reject(ChatText.nickTaken(name), from: member) }
        let old = member.nick
        if let old { byNick[old.lowercased()] = nil }
        byNick[name.lowercased()] = member
        member.nick = name
        let number = member.number
        member.room.call { $0.name(number, name) }
        member.reply(ChatText.nickAccepted(name))
        if let old {
            member.report(.renamed(from: old, to: name))
            broadcast(ChatText.renamed(from: old, to: name), except: member)
        } else {
            member.report(.joined(nick: name))
            member.reply(ChatText.who(members))
            broadcast(ChatText.joined(name), except: member)
        }
    }

    private func isValidNick(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= options.maxNickLength else { return false }
        let isLetter = { (scalar: Unicode.Scalar) in ("a"..."z").contains(scalar) || ("A"..."Z").contains(scalar) }
        return isLetter(first) && name.unicodeScalars.allSatisfy { isLetter($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }
    }

    private func leave(_ member: ChatMember, _ reason: LeaveReason) {
        guard !member.hasLeft else { return }
        member.hasLeft = true
        present.removeAll { $0 === member }
        guard let nick = member.nick else { return }
        byNick[nick.lowercased()] = nil
        member.report(.left(nick: nick, reason: reason))
        broadcast(ChatText.left(nick, reason), except: member)
    }

    // MARK: Broadcasting

    /// Sends a member's line to everyone and reports how many got it.
    private func relay(_ line: String, from sender: ChatMember, nick: String) {
        let delivered = broadcast(line, from: sender)
        sender.report(.delivered(nick: nick, members: delivered))
    }

    /// Has every room send `line` to its members but `excluded`; returns how
    /// many got it. A room on this loop answers at once, with the members
    /// too slow to take it, who are dropped here; a room on another loop
    /// drops its own and says so later, and its members count as reached.
    @discardableResult
    private func broadcast(_ line: String, from sender: ChatMember? = nil, except excluded: ChatMember? = nil) -> Int {
        let bytes = Array((line + "\r\n").utf8)
        let (senderNumber, excludedNumber) = (sender?.number, excluded?.number)
        var delivered = 0
        var tooSlow: [ChatMember] = []
        for room in rooms {
            if let local = room.local {
                let outcome = local.deliver(bytes, sender: senderNumber, except: excludedNumber)
                delivered += outcome.delivered
                tooSlow += outcome.tooSlow.compactMap { connections[$0] }
            } else {
                delivered += present.count(where: { $0.nick != nil && $0 !== excluded && $0.room.refers(to: room) })
                room.call { $0.deliverAndDropTheSlow(bytes, sender: senderNumber, except: excludedNumber) }
            }
        }
        for member in tooSlow where !member.hasLeft {
            leave(member, .tooSlow)
            member.disconnect(with: ChatText.tooSlow, grace: options.slowClientGrace)
        }
        return delivered
    }
}
