import AsyncCore

/// The log lines of one session, in the words of Postfix's smtpd:
///
/// ```
/// connect from unknown[192.0.2.1]
/// 5E1F3A000001: client=unknown[192.0.2.1]
/// NOQUEUE: reject: RCPT from unknown[192.0.2.1]: 550 No such user here; from=<a@example.org> to=<x@example.com> proto=ESMTP helo=<client.example>
/// 5E1F3A000001: from=<a@example.org>, size=1834, nrcpt=1
/// 5E1F3A000001: to=<bob@example.com>, status=sent (250 OK)
/// disconnect from unknown[192.0.2.1] ehlo=1 mail=1 rcpt=1/2 data=1 quit=1 commands=5/6
/// ```
/// Addresses and replies only: never content, never credentials.
final class SMTPSessionLog {
    private let write: @Sendable (String) -> Void
    /// `unknown[address]`: Postfix's `name[address]`, without the DNS lookup
    /// that would block the loop.
    private let client: String
    /// The message whose reply is awaited.
    private var message: SMTPMessage?

    init(write: @escaping @Sendable (String) -> Void, client: SocketAddress) {
        self.write = write
        switch client {
        case .ipv4(let host, _), .ipv6(let host, _): self.client = "unknown[\(host)]"
        case .unix: self.client = "local"
        }
    }

    func connected() {
        write("connect from \(client)")
    }

    /// A command's reply: a transaction's start, a refusal, or a message's fate.
    func replied(_ reply: SMTPReply, session: SMTPSession) {
        if message != nil {
            delivered([reply], session: session)
            return
        }
        switch session.verb {
        case "MAIL" where reply.isPositive:
            if let transaction = session.transaction { write("\(transaction.queueID): client=\(client)") }
        case "MAIL", "RCPT", "DATA", "BDAT":
            // Refusals by policy or for resources; syntax and sequence errors are the client's.
            guard !reply.isPositive, !(500...504).contains(reply.code) else { return }
            rejected(session.verb, reply, session: session)
        default:
            break
        }
    }

    func rejected(_ stage: String, _ reply: SMTPReply, session: SMTPSession) {
        let queueID = session.transaction?.queueID ?? "NOQUEUE"
        var line = "\(queueID): reject: \(stage) from \(client): \(reply.code) \(reply.lines[0])"
        if let from = session.lastSender { line += "; from=<\(from)>" }
        if stage == "RCPT", let to = session.lastRecipient { line += " to=<\(to)>" }
        if let transaction = session.transaction { line += " proto=\(transaction.protocolName)" }
        if let helo = session.heloName { line += " helo=<\(helo)>" }
        write(line)
    }

    /// A complete message, before the handler's answer.
    func received(_ message: SMTPMessage) {
        self.message = message
        write("\(message.queueID): from=<\(message.mailFrom)>, size=\(message.size), nrcpt=\(message.recipients.count)")
    }

    /// The replies to the message: one for all recipients (SMTP) or one each (LMTP).
    func delivered(_ replies: [SMTPReply], session: SMTPSession) {
        guard let message else { return }
        self.message = nil
        for (index, recipient) in message.recipients.enumerated() {
            let reply = replies[min(index, replies.count - 1)]
            let status = reply.isPositive ? "sent" : reply.code < 500 ? "deferred" : "bounced"
            write("\(message.queueID): to=<\(recipient)>, status=\(status) (\(reply.code) \(reply.lines[0]))")
        }
    }

    /// An AUTH that ended: the user when it succeeded (never a password).
    func authenticated(mechanism: String, user: String?) {
        if let user {
            write("\(client): sasl_method=\(mechanism), sasl_username=\(user)")
        } else {
            write("warning: \(client): SASL \(mechanism) authentication failed")
        }
    }

    /// The connection failed, a TLS handshake say.
    func failed(_ error: any Error, after verb: String) {
        write("\(error) after \(verb.isEmpty ? "CONNECT" : verb) from \(client)")
    }

    func lostConnection(after verb: String, timedOut: Bool) {
        write("\(timedOut ? "timeout" : "lost connection") after \(verb.isEmpty ? "CONNECT" : verb) from \(client)")
    }

    func disconnected(session: SMTPSession) {
        write("disconnect from \(client) \(session.counts.summary)")
    }
}
