// Message content: DATA and BDAT, the end of a message and its replies, and
// the end of a transaction.
extension SMTPSession {
    mutating func data(_ argument: Substring?) -> SMTPReply {
        guard heloName != nil else { return configuration.dialect == .lmtp ? .needLHLO : .needHELO }
        guard let transaction, !transaction.recipients.isEmpty else { return .needRCPT }
        guard argument?.isEmpty != false else { return .dataSyntax }
        // RFC 3030 section 3: DATA after BDAT is a sequence error, the state
        // indeterminate until RSET; a binary body can only come by BDAT.
        if usedBDAT { return .dataAfterBDAT }
        if transaction.mailOptions.contains("BODY=BINARYMIME") { return .binaryNeedsBDAT }
        state = .data
        startContent(allowance: 2)
        return .startData
    }

    /// `BDAT size [LAST]` (RFC 3030). Whatever the reply, the `size` bytes
    /// that follow are read, so the next command is found where the client
    /// put it; the reply comes once they are in.
    mutating func bdat(_ argument: Substring?) -> SMTPSessionOutput {
        let words = argument.map { $0.split(whereSeparator: SMTPCommandText.isSpace) } ?? []
        guard (1...2).contains(words.count), SMTPCommandText.isDigits(words[0]),
              words.count == 1 || words[1].uppercased() == "LAST" else { return .reply(.bdatSyntax) }
        // A size past Int cannot be read past: the stream is lost.
        guard words[0].utf8.count <= 18, let size = Int(words[0]) else {
            resetTransaction()
            close()
            return .replyAndClose(.sizeExceedsMaximum)
        }
        chunkIsLast = words.count == 2
        chunkSize = size
        chunkError = nil
        if heloName == nil {
            chunkError = configuration.dialect == .lmtp ? .needLHLO : .needHELO
        } else if transaction == nil {
            chunkError = .needMAIL
        } else if transaction?.recipients.isEmpty != false {
            chunkError = .needRCPT
        } else if !usedBDAT {
            usedBDAT = true
            startContent(allowance: 0)
        }
        guard size > 0 else { return endOfChunk() }
        state = .chunk(size)
        return .none
    }

    /// The bytes of a `BDAT` chunk are all in: its reply, or the message's
    /// after `LAST`.
    public mutating func endOfChunk() -> SMTPSessionOutput {
        guard state != .closed else { return .none }
        state = .command
        if let error = chunkError { return finish(.reply(error)) }
        if content.hasOverflowed {
            // RFC 3030 section 4: 552 for the chunk that passed the limit;
            // the transaction is over, so the chunks after it get 503.
            resetTransaction()
            return finish(.reply(.tooMuchMailData))
        }
        guard chunkIsLast else { return finish(.reply(.chunkReceived(chunkSize))) }
        return finish(endOfMessage())
    }

    /// The content begins: `allowance` bytes over the size limit for DATA's
    /// last CRLF, none for BDAT; the trace header is fixed now.
    private mutating func startContent(allowance: Int) {
        contentStarted = true
        contentRefusal = nil
        content = MessageContent(
            limit: configuration.maxMessageSize, allowance: allowance, expectedSize: max(declaredSize, lastMessageSize),
            keeps: keepsContent)
        let hostname = configuration.hostname
        let now = configuration.wallClock()
        transaction?.serverName = hostname
        transaction?.receivedAt = now
    }

    /// The message ended (its final dot, or `BDAT ... LAST`): the
    /// handler's question, or the refusal when it cannot be taken.
    mutating func endOfMessage() -> SMTPSessionOutput {
        let finished = content.finish()
        lastMessageSize = finished?.count ?? 0
        state = .command
        let recipients = transaction?.recipients.count ?? 0
        if let refusal = contentRefusal {
            resetTransaction()
            return replicated(refusal, recipients: recipients)
        }
        // smtpd stayed in DATA after a 552 (W-9); this session is ready for
        // the next command.
        guard let data = finished, let current = transaction else {
            resetTransaction()
            return replicated(.tooMuchMailData, recipients: recipients)
        }
        var text: String?
        if configuration.decodeData {
            guard let decoded = String(validating: data, as: UTF8.self) else {
                resetTransaction()
                return replicated(.dataNotUTF8, recipients: recipients)
            }
            text = decoded
        }
        let size = content.count
        // Delivered, not abandoned: whatever the handler answers.
        contentStarted = false
        resetTransaction()
        var message = SMTPMessage(
            peer: peer, heloName: current.heloName, mailFrom: current.mailFrom, recipients: current.recipients,
            mailOptions: current.mailOptions, rcptOptions: current.rcptOptions, data: data, text: text,
            requiresSMTPUTF8: current.requiresSMTPUTF8)
        message.queueID = current.queueID
        message.protocolName = current.protocolName
        message.serverName = current.serverName
        message.receivedAt = current.receivedAt
        message.size = size
        pending = .endOfData(recipients: recipients)
        return .ask(.endOfData(message))
    }

    /// The replies to a message: one in SMTP, one per recipient in LMTP.
    func messageReplies(_ decision: SMTPDecision, recipients: Int) -> SMTPSessionOutput {
        switch decision {
        case .accept:
            return replicated(.ok, recipients: recipients)
        case .reply(let reply):
            return replicated(reply, recipients: recipients)
        case .replies(let replies):
            guard configuration.dialect == .lmtp else {
                return .reply(replies.first { !$0.isPositive } ?? replies.first ?? .noAnswer)
            }
            let filler = replies.last ?? .noAnswer
            return .replies((0..<max(recipients, 1)).map { $0 < replies.count ? replies[$0] : filler })
        }
    }

    private func replicated(_ reply: SMTPReply, recipients: Int) -> SMTPSessionOutput {
        guard configuration.dialect == .lmtp, recipients > 1 else { return .reply(reply) }
        return .replies(Array(repeating: reply, count: recipients))
    }

    /// Ends the transaction; one whose content had started is abandoned.
    mutating func resetTransaction() {
        if contentStarted, let transaction { abandoned.append(transaction) }
        contentStarted = false
        usedBDAT = false
        contentRefusal = nil
        declaredSize = 0
        transaction = nil
        if content.count > 0 { content = MessageContent(limit: nil, expectedSize: 0) }
    }
}
