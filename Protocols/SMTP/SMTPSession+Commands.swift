// The commands of a session: parsing a line, the checks of each verb in
// smtpd's order, and the questions they put to the handler.
extension SMTPSession {
    mutating func command() -> SMTPSessionOutput {
        if authExchange != nil { return authResponse() }
        verb = "unknown"
        if lineLength == 0 { return .reply(.badSyntax) }
        let verbEnd = line.firstIndex(of: 32) ?? line.endIndex
        let isMail = verbEnd == 4 && line[0] & 0xDF == 77 && line[1] & 0xDF == 65 && line[2] & 0xDF == 73 && line[3] & 0xDF == 76
        let isAuth = verbEnd == 4 && line[0] & 0xDF == 65 && line[1] & 0xDF == 85 && line[2] & 0xDF == 84 && line[3] & 0xDF == 72
        let limit = isExtended && isMail ? configuration.extendedMailLength
            : isAuth && configuration.offersAuthentication ? configuration.authLineLength : configuration.maxCommandLength
        if lineLength > limit { return .reply(.lineTooLong) }
        if line.contains(13) || line.contains(10) { return .reply(.bareLineEnd) }
        guard let text = String(validating: line, as: UTF8.self) else { return .reply(.invalidUTF8) }

        let name: String
        let argument: Substring?
        if let space = text.firstIndex(of: " ") {
            name = text[..<space].uppercased()
            argument = SMTPCommandText.trimmed(text[text.index(after: space)...])
        } else {
            name = text.uppercased()
            argument = nil
        }
        let isLMTP = configuration.dialect == .lmtp
        verb = name
        if serviceRefused, name != "QUIT" {
            switch name {
            case "HELO" where !isLMTP, "EHLO" where !isLMTP, "LHLO" where isLMTP, "NOOP", "RSET", "MAIL", "RCPT",
                 "DATA", "VRFY", "EXPN", "HELP":
                return .reply(.noService)
            default:
                return unknownCommand(name)
            }
        }
        if configuration.requireTLS, !isSecure, !isLMTP {
            switch name {
            case "EHLO", "HELO", "NOOP", "STARTTLS", "QUIT": break
            default: return .reply(.mustStartTLS)
            }
        }
        switch name {
        case "HELO" where !isLMTP, "EHLO" where !isLMTP, "LHLO" where isLMTP: return hello(argument)
        case "STARTTLS" where configuration.tls != nil && !isLMTP: return startTLS(argument)
        case "AUTH" where configuration.offersAuthentication: return authenticate(argument)
        case "NOOP": return .reply(argument?.isEmpty == false ? .noopSyntax : .ok)
        case "QUIT":
            close()
            return .replyAndClose(.bye)
        case "RSET":
            guard argument?.isEmpty != false else { return .reply(.rsetSyntax) }
            resetTransaction()
            return .reply(.ok)
        case "MAIL": return mail(argument)
        case "RCPT": return recipient(argument)
        case "DATA": return .reply(data(argument))
        case "BDAT" where offered.contains(.chunking): return bdat(argument)
        case "VRFY": return .reply(verify(argument))
        case "EXPN": return .reply(.expnNotImplemented)
        case "HELP": return .reply(help(argument))
        default:
            return unknownCommand(name)
        }
    }

    private mutating func unknownCommand(_ name: String) -> SMTPSessionOutput {
        verb = "unknown"
        return .reply(.unknownCommand(SMTPCommandText.printable(name, unicode: transaction?.requiresSMTPUTF8 ?? false)))
    }

    /// Counts the reply to a command, and protocol errors against
    /// ``SMTPConfiguration/maxErrors``: the one past the budget is answered
    /// 421 and ends the session. Adds enhanced status codes when offered.
    mutating func finish(_ output: SMTPSessionOutput, counted: Bool = true) -> SMTPSessionOutput {
        switch output {
        case .none, .ask:
            return output
        case .replyAndClose(let reply):
            if counted, countsCommands { counts.record(verb, accepted: reply.isPositive) }
            return .replyAndClose(decorated(reply))
        case .replyAndStartTLS(let reply):
            if counted, countsCommands { counts.record(verb, accepted: true) }
            return .replyAndStartTLS(reply)
        case .replies(let replies):
            if counted, countsCommands { counts.record(verb, accepted: replies.contains { $0.isPositive }) }
            return .replies(replies.map { decorated($0) })
        case .reply(let reply):
            // An AUTH exchange counts once, with its outcome, not at each challenge.
            if counted, countsCommands, reply.code != 334 { counts.record(verb, accepted: reply.isPositive) }
            if reply.code == 421 {
                close()
                return .replyAndClose(decorated(reply))
            }
            guard (500...504).contains(reply.code) || reply.code == 555 || reply.code == 535 else { return .reply(decorated(reply)) }
            errorCount += 1
            guard let budget = configuration.maxErrors, errorCount > budget else { return .reply(decorated(reply)) }
            close()
            return .replyAndClose(decorated(.tooManyErrors(configuration.hostname)))
        }
    }

    /// The reply with its enhanced status code when the session offers
    /// them (not on the positive replies to HELO, EHLO and LHLO, RFC 2034).
    func decorated(_ reply: SMTPReply) -> SMTPReply {
        guard offered.contains(.enhancedStatusCodes) else { return reply }
        switch verb {
        case "HELO" where reply.isPositive, "EHLO" where reply.isPositive, "LHLO" where reply.isPositive: return reply
        case "MAIL": return reply.withEnhancedCode(default: "2.1.0")
        case "RCPT": return reply.withEnhancedCode(default: "2.1.5")
        default: return reply.withEnhancedCode(default: "2.0.0")
        }
    }

    /// The handler's decision on `stage`, applied.
    mutating func decide(_ stage: SMTPPendingStage, _ decision: SMTPDecision) -> SMTPSessionOutput {
        let chosen: SMTPReply?
        switch decision {
        case .accept: chosen = nil
        case .reply(let reply): chosen = reply
        case .replies(let replies): chosen = replies.first ?? .noAnswer
        }
        switch stage {
        case .hello(let helloVerb, let name, let proposed):
            let reply = chosen ?? proposed
            guard reply.isPositive else { return .reply(reply) }
            resetTransaction()
            heloName = name
            isExtended = helloVerb != "HELO"
            offered = isExtended ? SMTPExtensions(replyLines: reply.lines.dropFirst()) : SMTPExtensions()
            return .reply(reply)
        case .mailFrom(let proposed):
            let reply = chosen ?? .ok
            if reply.isPositive { transaction = proposed }
            return .reply(reply)
        case .recipient(let address, let options):
            let reply = chosen ?? .ok
            if reply.isPositive {
                transaction?.recipients.append(address)
                transaction?.rcptOptions = options
            }
            return .reply(reply)
        case .endOfData(let recipients):
            return messageReplies(decision, recipients: recipients)
        }
    }

    private mutating func hello(_ argument: Substring?) -> SMTPSessionOutput {
        guard let name = argument, !name.isEmpty else {
            return .reply(verb == "HELO" ? .heloSyntax : verb == "EHLO" ? .ehloSyntax : .lhloSyntax)
        }
        // RFC 5321 lets a server reset on a second EHLO; smtpd answers 503 and
        // CPython's tests pin that, so it stays (W-18).
        guard heloName == nil else { return .reply(.duplicateGreeting) }
        let proposed = verb == "HELO" ? SMTPReply.hello(configuration.hostname)
            : SMTPReply(code: 250, lines: [configuration.hostname] + extensionLines)
        pending = .hello(verb: verb, name: String(name), proposed: proposed)
        return .ask(.hello(SMTPHello(verb: verb, name: String(name), client: peer, reply: proposed)))
    }

    /// What EHLO and LHLO offer, in smtpd's order, the extensions it lacks before HELP.
    private var extensionLines: [String] {
        var lines: [String] = []
        if let size = configuration.maxMessageSize { lines.append("SIZE \(size)") }
        if !configuration.decodeData { lines.append("8BITMIME") }
        if configuration.enableSMTPUTF8 { lines.append("SMTPUTF8") }
        lines.append("PIPELINING")
        if configuration.enableChunking {
            lines.append("CHUNKING")
            if !configuration.decodeData { lines.append("BINARYMIME") }
        }
        if configuration.tls != nil, !isSecure, configuration.dialect == .smtp { lines.append("STARTTLS") }
        if configuration.offersAuthentication, isSecure || configuration.allowsAuthenticationWithoutTLS {
            lines.append("AUTH PLAIN LOGIN")
        }
        if configuration.enhancedStatusCodes { lines.append("ENHANCEDSTATUSCODES") }
        lines.append("HELP")
        return lines
    }

    private var needHello: SMTPReply {
        configuration.dialect == .lmtp ? .needLHLO : .needHELO
    }

    private mutating func mail(_ argument: Substring?) -> SMTPSessionOutput {
        let syntaxError = SMTPSessionOutput.reply(isExtended ? .mailSyntaxExtended : .mailSyntax)
        guard let heloName else { return .reply(needHello) }
        if configuration.requireAuthentication, authenticatedUser == nil { return .reply(.authenticationRequired) }
        guard let argument, let path = SMTPCommandText.strip(keyword: "FROM:", from: argument),
              let parsed = SMTPPath.parse(path) else { return syntaxError }
        let parameterText = SMTPCommandText.trimmed(parsed.rest)
        if !isExtended, !parameterText.isEmpty { return syntaxError }
        guard transaction == nil else { return .reply(.nestedMAIL) }
        let options = SMTPCommandText.words(parameterText)
        guard var parameters = SMTPParameters(options.map { $0[...] }) else { return syntaxError }
        if offered.contains(.eightBitMIME), let body = parameters.take("BODY") {
            let binary = offered.contains(.binaryMIME)
            guard body == .value("7BIT") || body == .value("8BITMIME") || (binary && body == .value("BINARYMIME")) else {
                return .reply(binary ? .badBodyWithBinary : .badBody)
            }
        }
        var smtputf8 = false
        if offered.contains(.smtputf8), let flag = parameters.take("SMTPUTF8") {
            guard flag == .flag else { return .reply(.smtputf8TakesNoArguments) }
            smtputf8 = true
        }
        if let size = parameters.take("SIZE") {
            guard case .value(let digits) = size, SMTPCommandText.isDigits(digits) else { return syntaxError }
            if let limit = configuration.maxMessageSize, SMTPCommandText.exceeds(digits, limit) { return .reply(.sizeExceedsMaximum) }
            declaredSize = Int(digits) ?? 0
        }
        guard parameters.isEmpty else { return .reply(.unknownMailParameters) }
        let proposed = SMTPTransaction(
            client: peer, heloName: heloName, protocolName: protocolName(smtputf8: smtputf8), queueID: SMTPQueueID.next(),
            mailFrom: parsed.address, mailOptions: options, requiresSMTPUTF8: smtputf8, authenticatedUser: authenticatedUser)
        lastSender = parsed.address
        lastRecipient = nil
        pending = .mailFrom(proposed)
        return .ask(.mailFrom(proposed))
    }

    /// The `with` of `Received:` (RFC 5321 section 4.4, RFC 6531 section
    /// 3.7.3), with RFC 3848's `S` for TLS and `A` for AUTH after ESMTP.
    private func protocolName(smtputf8: Bool) -> String {
        let name: String
        switch (configuration.dialect, isExtended, smtputf8) {
        case (.lmtp, _, false): name = "LMTP"
        case (.lmtp, _, true): name = "UTF8LMTP"
        case (.smtp, false, _): return "SMTP"
        case (.smtp, true, false): name = "ESMTP"
        case (.smtp, true, true): name = "UTF8SMTP"
        }
        return name + (isSecure ? "S" : "") + (authenticatedUser != nil ? "A" : "")
    }

    private mutating func recipient(_ argument: Substring?) -> SMTPSessionOutput {
        let syntaxError = SMTPSessionOutput.reply(isExtended ? .rcptSyntaxExtended : .rcptSyntax)
        guard heloName != nil else { return .reply(needHello) }
        guard let transaction else { return .reply(.needMAIL) }
        // The null path is a reverse path only: RCPT TO:<> is a syntax error.
        guard let argument, let path = SMTPCommandText.strip(keyword: "TO:", from: argument),
              let parsed = SMTPPath.parse(path), !parsed.address.isEmpty else { return syntaxError }
        let parameterText = SMTPCommandText.trimmed(parsed.rest)
        if !isExtended, !parameterText.isEmpty { return syntaxError }
        let options = SMTPCommandText.words(parameterText)
        guard let parameters = SMTPParameters(options.map { $0[...] }) else { return syntaxError }
        guard parameters.isEmpty else { return .reply(.unknownRcptParameters) }
        if let limit = configuration.maxRecipients, transaction.recipients.count >= limit { return .reply(.tooManyRecipients) }
        lastRecipient = parsed.address
        pending = .recipient(parsed.address, options: options)
        return .ask(.recipient(parsed.address, options: options, of: transaction))
    }

    private func verify(_ argument: Substring?) -> SMTPReply {
        guard let argument, !argument.isEmpty else { return .vrfySyntax }
        return SMTPPath.parse(argument) == nil ? .vrfySyntax : .cannotVerify
    }

    private func help(_ argument: Substring?) -> SMTPReply {
        let lmtp = configuration.dialect == .lmtp
        let chunking = offered.contains(.chunking)
        guard let argument, !argument.isEmpty else { return lmtp || chunking ? SMTPReply(250, helpCommands) : .help }
        let parameters = isExtended ? " [SP <mail-parameters>]" : ""
        switch argument.uppercased() {
        case "EHLO" where !lmtp: return .helpSyntax("EHLO hostname")
        case "HELO" where !lmtp: return .helpSyntax("HELO hostname")
        case "LHLO" where lmtp: return .helpSyntax("LHLO hostname")
        case "MAIL": return .helpSyntax("MAIL FROM: <address>" + parameters)
        case "RCPT": return .helpSyntax("RCPT TO: <address>" + parameters)
        case "DATA": return .helpSyntax("DATA")
        case "BDAT" where chunking: return .helpSyntax("BDAT count [LAST]")
        case "RSET": return .helpSyntax("RSET")
        case "NOOP": return .helpSyntax("NOOP")
        case "QUIT": return .helpSyntax("QUIT")
        case "VRFY": return .helpSyntax("VRFY <address>")
        default: return lmtp || chunking ? SMTPReply(501, helpCommands, enhancedCode: "5.5.4") : .helpUnknown
        }
    }

    /// The commands HELP lists, for this dialect and what EHLO offered.
    private var helpCommands: String {
        let hello = configuration.dialect == .lmtp ? "LHLO" : "EHLO HELO"
        let data = offered.contains(.chunking) ? "DATA BDAT" : "DATA"
        return "Supported commands: \(hello) MAIL RCPT \(data) RSET NOOP QUIT VRFY"
    }
}
