import AsyncCore

/// The server side of one SMTP session as a state machine, with no I/O:
/// bytes of CRLF-terminated lines go in, replies and messages come out.
///
/// ```swift
/// var session = SMTPSession(configuration: SMTPConfiguration(hostname: "mx.test"), peer: .ipv4(port: 0))
/// send(session.greeting.encoded)                       // 220 mx.test ESMTP SwiftAsyncore
/// session.receive(Array("EHLO client.test".utf8)[...])  // a line, in as many pieces as it came
/// switch session.endOfLine() {                         // the CRLF
/// case .reply(let reply): send(reply.encoded)
/// case .replyAndClose(let reply): send(reply.encoded); close()
/// case .deliver(let message): send(handler.deliver(message).encoded)
/// case .none: break                                    // a line of DATA
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
/// ``receiveDotCRLF()``, which ends the message when the dot starts a line:
/// ```swift
/// session.receiveContent(bytesBeforeTheDot)         // "Subject: hi\r\n\r\nhello\r\n"
/// if case .deliver(let message) = session.receiveDotCRLF() { send(handler.deliver(message).encoded) }
/// ```
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
        /// A 221 or 421 was sent; nothing more is read.
        case closed
    }

    /// The current state.
    public private(set) var state = State.command
    /// The name from the accepted HELO or EHLO, or nil before one.
    public private(set) var heloName: String?
    /// True after EHLO: ESMTP parameters are accepted.
    public private(set) var isExtended = false

    private let configuration: SMTPConfiguration
    private let peer: SocketAddress

    private var mailFrom: String?
    private var recipients: [String] = []
    private var mailOptions: [String] = []
    private var rcptOptions: [String] = []
    private var requiresSMTPUTF8 = false

    /// The command line so far, kept up to the longest a command may be.
    private var line: [UInt8] = []
    /// The command line's full length, kept or not.
    private var lineLength = 0
    private let lineCapacity: Int
    /// The message so far, in DATA.
    private var content = MessageContent(limit: nil, expectedSize: 0)
    private var errorCount = 0
    /// The size the client declared (MAIL ... SIZE=n), and the size of the
    /// session's last message: capacity to reserve for the next body.
    private var declaredSize = 0
    private var lastMessageSize = 0

    /// A session for a client at `peer`.
    public init(configuration: SMTPConfiguration, peer: SocketAddress) {
        self.configuration = configuration
        self.peer = peer
        lineCapacity = min(configuration.extendedMailLength, .max - 1) + 1
    }

    /// The 220 greeting to send first.
    public var greeting: SMTPReply {
        .greeting(configuration.hostname, configuration.banner)
    }

    // MARK: Input

    /// Takes the next bytes of the current line (never a CRLF).
    public mutating func receive(_ bytes: ArraySlice<UInt8>) {
        switch state {
        case .command:
            let room = lineCapacity - line.count
            if room > 0 { line.append(contentsOf: bytes.prefix(room)) }
            lineLength += bytes.count
        case .data:
            content.append(stuffed: bytes)
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
            return countingErrors(command())
        case .data:
            if content.isLoneDot { return endOfData() }
            content.append(stuffed: SMTPSession.crlf)
            return .none
        case .closed:
            return .none
        }
    }

    /// Takes message content in DATA state, as the client sent it (with its
    /// line ends and transparency dots), in pieces of any size that never
    /// hold a `.` CRLF. Outside DATA the bytes are ignored.
    public mutating func receiveContent(_ bytes: ArraySlice<UInt8>) {
        guard state == .data else { return }
        content.append(stuffed: bytes)
    }

    /// A `.` CRLF came in DATA state, after the bytes given to
    /// ``receiveContent(_:)``: the end of the message when the dot starts a
    /// line (right after a CRLF, or first after the DATA command), else
    /// three bytes of content. Outside DATA it does nothing.
    public mutating func receiveDotCRLF() -> SMTPSessionOutput {
        guard state == .data else { return .none }
        if content.isAtLineStart { return endOfData() }
        content.append(stuffed: SMTPSession.dotCRLF)
        return .none
    }

    /// The client sent nothing for the command timeout: the 421 to send
    /// before closing. The session is closed.
    public mutating func timedOut() -> SMTPReply {
        state = .closed
        return .timeout(configuration.hostname)
    }

    /// The server is going away: the 421 to send before closing. The session is closed.
    public mutating func shutDown() -> SMTPReply {
        state = .closed
        return .shuttingDown(configuration.hostname)
    }

    // MARK: Commands

    private mutating func command() -> SMTPSessionOutput {
        if lineLength == 0 { return .reply(.badSyntax) }
        let verbEnd = line.firstIndex(of: 32) ?? line.endIndex
        let isMail = verbEnd == 4 && line[0] & 0xDF == 77 && line[1] & 0xDF == 65 && line[2] & 0xDF == 73 && line[3] & 0xDF == 76
        let limit = isExtended && isMail ? configuration.extendedMailLength : configuration.maxCommandLength
        if lineLength > limit { return .reply(.lineTooLong) }
        if line.contains(13) || line.contains(10) { return .reply(.bareLineEnd) }
        guard let text = String(validating: line, as: UTF8.self) else { return .reply(.invalidUTF8) }

        let verb: String
        let argument: Substring?
        if let space = text.firstIndex(of: " ") {
            verb = text[..<space].uppercased()
            argument = SMTPSession.trimmed(text[text.index(after: space)...])
        } else {
            verb = text.uppercased()
            argument = nil
        }
        switch verb {
        case "HELO": return .reply(hello(argument, extended: false))
        case "EHLO": return .reply(hello(argument, extended: true))
        case "NOOP": return .reply(argument?.isEmpty == false ? .noopSyntax : .ok)
        case "QUIT":
            state = .closed
            return .replyAndClose(.bye)
        case "RSET":
            guard argument?.isEmpty != false else { return .reply(.rsetSyntax) }
            resetTransaction()
            return .reply(.ok)
        case "MAIL": return .reply(mail(argument))
        case "RCPT": return .reply(recipient(argument))
        case "DATA": return .reply(data(argument))
        case "VRFY": return .reply(verify(argument))
        case "EXPN": return .reply(.expnNotImplemented)
        case "HELP": return .reply(help(argument))
        default: return .reply(.unknownCommand(printable(verb)))
        }
    }

    /// Counts protocol errors against ``SMTPConfiguration/maxErrors``; the
    /// one past the budget is answered 421 and ends the session.
    private mutating func countingErrors(_ output: SMTPSessionOutput) -> SMTPSessionOutput {
        guard case .reply(let reply) = output, (500...504).contains(reply.code) || reply.code == 555 else { return output }
        errorCount += 1
        guard let budget = configuration.maxErrors, errorCount > budget else { return output }
        state = .closed
        return .replyAndClose(.tooManyErrors(configuration.hostname))
    }

    private mutating func hello(_ argument: Substring?, extended: Bool) -> SMTPReply {
        guard let name = argument, !name.isEmpty else { return extended ? .ehloSyntax : .heloSyntax }
        // RFC 5321 lets a server reset on a second EHLO; smtpd answers 503 and
        // CPython's tests pin that, so it stays (W-18).
        guard heloName == nil else { return .duplicateGreeting }
        resetTransaction()
        heloName = String(name)
        guard extended else { return .hello(configuration.hostname) }
        isExtended = true
        var lines = [configuration.hostname]
        if let size = configuration.maxMessageSize { lines.append("SIZE \(size)") }
        if !configuration.decodeData { lines.append("8BITMIME") }
        if configuration.enableSMTPUTF8 { lines.append("SMTPUTF8") }
        lines.append("PIPELINING")
        lines.append("HELP")
        return SMTPReply(code: 250, lines: lines)
    }

    private mutating func mail(_ argument: Substring?) -> SMTPReply {
        let syntaxError: SMTPReply = isExtended ? .mailSyntaxExtended : .mailSyntax
        guard heloName != nil else { return .needHELO }
        guard let argument, let path = SMTPSession.strip(keyword: "FROM:", from: argument),
              let parsed = SMTPPath.parse(path) else { return syntaxError }
        let parameterText = SMTPSession.trimmed(parsed.rest)
        if !isExtended, !parameterText.isEmpty { return syntaxError }
        guard mailFrom == nil else { return .nestedMAIL }
        let options = SMTPSession.words(parameterText)
        guard var parameters = SMTPParameters(options.map { $0[...] }) else { return syntaxError }
        if !configuration.decodeData, let body = parameters.take("BODY") {
            guard body == .value("7BIT") || body == .value("8BITMIME") else { return .badBody }
        }
        var smtputf8 = false
        if configuration.enableSMTPUTF8, let flag = parameters.take("SMTPUTF8") {
            guard flag == .flag else { return .smtputf8TakesNoArguments }
            smtputf8 = true
        }
        if let size = parameters.take("SIZE") {
            guard case .value(let digits) = size, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return syntaxError }
            if let limit = configuration.maxMessageSize, SMTPSession.exceeds(digits, limit) { return .sizeExceedsMaximum }
            declaredSize = Int(digits) ?? 0
        }
        guard parameters.isEmpty else { return .unknownMailParameters }
        mailFrom = parsed.address
        mailOptions = options
        requiresSMTPUTF8 = smtputf8
        return .ok
    }

    private mutating func recipient(_ argument: Substring?) -> SMTPReply {
        let syntaxError: SMTPReply = isExtended ? .rcptSyntaxExtended : .rcptSyntax
        guard heloName != nil else { return .needHELO }
        guard mailFrom != nil else { return .needMAIL }
        // The null path is a reverse path only: RCPT TO:<> is a syntax error.
        guard let argument, let path = SMTPSession.strip(keyword: "TO:", from: argument),
              let parsed = SMTPPath.parse(path), !parsed.address.isEmpty else { return syntaxError }
        let parameterText = SMTPSession.trimmed(parsed.rest)
        if !isExtended, !parameterText.isEmpty { return syntaxError }
        let options = SMTPSession.words(parameterText)
        guard let parameters = SMTPParameters(options.map { $0[...] }) else { return syntaxError }
        guard parameters.isEmpty else { return .unknownRcptParameters }
        if let limit = configuration.maxRecipients, recipients.count >= limit { return .tooManyRecipients }
        rcptOptions = options
        recipients.append(parsed.address)
        return .ok
    }

    private mutating func data(_ argument: Substring?) -> SMTPReply {
        guard heloName != nil else { return .needHELO }
        guard !recipients.isEmpty else { return .needRCPT }
        guard argument?.isEmpty != false else { return .dataSyntax }
        state = .data
        content = MessageContent(limit: configuration.maxMessageSize, expectedSize: max(declaredSize, lastMessageSize))
        return .startData
    }

    private func verify(_ argument: Substring?) -> SMTPReply {
        guard let argument, !argument.isEmpty else { return .vrfySyntax }
        return SMTPPath.parse(argument) == nil ? .vrfySyntax : .cannotVerify
    }

    private func help(_ argument: Substring?) -> SMTPReply {
        guard let argument, !argument.isEmpty else { return .help }
        let parameters = isExtended ? " [SP <mail-parameters>]" : ""
        switch argument.uppercased() {
        case "EHLO": return .helpSyntax("EHLO hostname")
        case "HELO": return .helpSyntax("HELO hostname")
        case "MAIL": return .helpSyntax("MAIL FROM: <address>" + parameters)
        case "RCPT": return .helpSyntax("RCPT TO: <address>" + parameters)
        case "DATA": return .helpSyntax("DATA")
        case "RSET": return .helpSyntax("RSET")
        case "NOOP": return .helpSyntax("NOOP")
        case "QUIT": return .helpSyntax("QUIT")
        case "VRFY": return .helpSyntax("VRFY <address>")
        default: return .helpUnknown
        }
    }

    // MARK: DATA

    private static let crlf: ArraySlice<UInt8> = [13, 10]
    private static let dotCRLF: ArraySlice<UInt8> = [46, 13, 10]

    private mutating func endOfData() -> SMTPSessionOutput {
        let finished = content.finish()
        lastMessageSize = finished?.count ?? 0
        state = .command
        defer { resetTransaction() }
        // smtpd stayed in DATA after a 552 (W-9); this session is ready for
        // the next command.
        guard let data = finished else { return .reply(.tooMuchMailData) }
        var text: String?
        if configuration.decodeData {
            guard let decoded = String(validating: data, as: UTF8.self) else { return .reply(.dataNotUTF8) }
            text = decoded
        }
        return .deliver(SMTPMessage(
            peer: peer, heloName: heloName ?? "", mailFrom: mailFrom ?? "", recipients: recipients,
            mailOptions: mailOptions, rcptOptions: rcptOptions, data: data, text: text,
            requiresSMTPUTF8: requiresSMTPUTF8))
    }

    private mutating func resetTransaction() {
        declaredSize = 0
        mailFrom = nil
        recipients = []
        mailOptions = []
        rcptOptions = []
        requiresSMTPUTF8 = false
    }

    // MARK: Text helpers

    /// Text echoed in a reply: printable ASCII (and tab) only, unless the
    /// transaction negotiated SMTPUTF8 (smtpd crashed encoding non-ASCII).
    private func printable(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            switch scalar.value {
            case 9, 0x20...0x7E: return scalar
            case 0x80...: return requiresSMTPUTF8 ? scalar : "?"
            default: return "?"
            }
        }))
    }

    /// `FROM:` / `TO:` removed case-insensitively, and the white space after
    /// it; nil when the argument does not start with the keyword.
    private static func strip(keyword: String, from argument: Substring) -> Substring? {
        guard argument.utf8.count >= keyword.utf8.count,
              zip(argument.utf8, keyword.utf8).allSatisfy({ ($0 >= 97 && $0 <= 122 ? $0 - 32 : $0) == $1 }) else { return nil }
        let rest = argument.utf8.dropFirst(keyword.utf8.count)
        return trimmed(Substring(rest))
    }

    private static func isSpace(_ character: Character) -> Bool {
        character == " " || character == "\t" || character == "\u{0B}" || character == "\u{0C}"
    }

    private static func trimmed(_ text: Substring) -> Substring {
        guard let start = text.firstIndex(where: { !isSpace($0) }),
              let end = text.lastIndex(where: { !isSpace($0) }) else { return text[text.endIndex...] }
        return text[start...end]
    }

    /// Upper-cased words, as smtpd's `params.upper().split()`.
    private static func words(_ text: Substring) -> [String] {
        guard !text.isEmpty else { return [] }
        return text.uppercased().split(whereSeparator: isSpace).map(String.init)
    }

    /// Whether a decimal number is greater than `limit`, without overflowing
    /// (the limit may be Int.max): the check comes before each step.
    private static func exceeds(_ digits: String, _ limit: Int) -> Bool {
        var value = 0
        for byte in digits.utf8 {
            let digit = Int(byte - 48)
            if digit > limit || value > (limit - digit) / 10 { return true }
            value = value * 10 + digit
        }
        return false
    }
}
