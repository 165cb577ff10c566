/// One SMTP reply: a three-digit code and one or more lines of text.
///
/// Every reply text the server sends is defined here, so they can be read
/// (and compared with CPython's `smtpd`) in one place. A delivery handler
/// answers with a reply of its own:
///
/// ```swift
/// let handler = ClosureHandler { message in
///     message.recipients.contains("blackhole@example.com")
///         ? SMTPReply(550, "Error: no such mailbox")
///         : .ok
/// }
/// ```
///
/// On the wire a multi-line reply uses `code-` on every line but the last,
/// which uses `code ` (RFC 5321 section 4.2.1):
/// ```
/// 250-mx.example.com
/// 250-SIZE 33554432
/// 250 HELP
/// ```
public struct SMTPReply: Hashable, Sendable, CustomStringConvertible {
    /// The reply code, 200 to 599.
    public let code: Int
    /// The text of each line, without the code. Never empty.
    public let lines: [String]
    /// The reply as sent: every line with its code and CRLF.
    public let encoded: [UInt8]

    /// A one-line reply. A code outside 200...599 becomes 451 (the reply
    /// would otherwise confuse the client); CR and LF in `text` become spaces,
    /// so a reply can never inject a line of its own.
    public init(_ code: Int, _ text: String) {
        self.init(code: code, lines: [text])
    }

    /// A reply of several lines (an empty list sends one empty line).
    public init(code: Int, lines: [String]) {
        let valid = (200...599).contains(code)
        self.code = valid ? code : 451
        var cleaned = valid ? lines.map(SMTPReply.singleLine) : ["Error: invalid reply code \(code)"]
        if cleaned.isEmpty { cleaned = [""] }
        self.lines = cleaned
        var bytes: [UInt8] = []
        for (index, line) in cleaned.enumerated() {
            bytes.append(contentsOf: String(self.code).utf8)
            bytes.append(index == cleaned.count - 1 ? 32 : 45)
            bytes.append(contentsOf: line.utf8)
            bytes.append(contentsOf: [13, 10])
        }
        encoded = bytes
    }

    /// True for 2xx and 3xx replies.
    public var isPositive: Bool { code < 400 }

    /// The reply as text, lines joined by CRLF, without the final CRLF.
    public var description: String {
        String(decoding: encoded.dropLast(2), as: UTF8.self)
    }

    public static func == (lhs: SMTPReply, rhs: SMTPReply) -> Bool { lhs.encoded == rhs.encoded }
    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }

    private static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { return text }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }
}

// The texts of CPython 3.11's smtpd where its tests pin them; the rest follow
// its style.
extension SMTPReply {
    /// `250 OK`: the default answer to an accepted message.
    public static let ok = SMTPReply(250, "OK")
    /// `221 Bye`, the answer to QUIT.
    public static let bye = SMTPReply(221, "Bye")
    /// `354 End data with <CR><LF>.<CR><LF>`.
    public static let startData = SMTPReply(354, "End data with <CR><LF>.<CR><LF>")
    /// `451 Error: could not store the message`: a handler could not deliver.
    public static let localError = SMTPReply(451, "Error: could not store the message")

    static let badSyntax = SMTPReply(500, "Error: bad syntax")
    static let lineTooLong = SMTPReply(500, "Error: line too long")
    static let bareLineEnd = SMTPReply(500, "Error: bare <CR> or <LF> in command line")
    static let invalidUTF8 = SMTPReply(500, "Error: command line is not valid UTF-8")
    static let heloSyntax = SMTPReply(501, "Syntax: HELO hostname")
    static let ehloSyntax = SMTPReply(501, "Syntax: EHLO hostname")
    static let duplicateGreeting = SMTPReply(503, "Duplicate HELO/EHLO")
    static let noopSyntax = SMTPReply(501, "Syntax: NOOP")
    static let rsetSyntax = SMTPReply(501, "Syntax: RSET")
    static let dataSyntax = SMTPReply(501, "Syntax: DATA")
    static let vrfySyntax = SMTPReply(501, "Syntax: VRFY <address>")
    static let cannotVerify = SMTPReply(252, "Cannot VRFY user, but will accept message and attempt delivery")
    static let expnNotImplemented = SMTPReply(502, "EXPN not implemented")
    static let needHELO = SMTPReply(503, "Error: send HELO first")
    static let needMAIL = SMTPReply(503, "Error: need MAIL command")
    static let needRCPT = SMTPReply(503, "Error: need RCPT command")
    static let nestedMAIL = SMTPReply(503, "Error: nested MAIL command")
    static let mailSyntax = SMTPReply(501, "Syntax: MAIL FROM: <address>")
    static let mailSyntaxExtended = SMTPReply(501, "Syntax: MAIL FROM: <address> [SP <mail-parameters>]")
    static let rcptSyntax = SMTPReply(501, "Syntax: RCPT TO: <address>")
    static let rcptSyntaxExtended = SMTPReply(501, "Syntax: RCPT TO: <address> [SP <mail-parameters>]")
    static let badBody = SMTPReply(501, "Error: BODY can only be one of 7BIT, 8BITMIME")
    static let smtputf8TakesNoArguments = SMTPReply(501, "Error: SMTPUTF8 takes no arguments")
    static let sizeExceedsMaximum = SMTPReply(552, "Error: message size exceeds fixed maximum message size")
    static let unknownMailParameters = SMTPReply(555, "MAIL FROM parameters not recognized or not implemented")
    static let unknownRcptParameters = SMTPReply(555, "RCPT TO parameters not recognized or not implemented")
    static let tooManyRecipients = SMTPReply(452, "Error: too many recipients")
    static let tooMuchMailData = SMTPReply(552, "Error: Too much mail data")
    static let dataNotUTF8 = SMTPReply(554, "Error: message data is not valid UTF-8")

    static let helpCommands = "Supported commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY"
    static let help = SMTPReply(250, helpCommands)
    static let helpUnknown = SMTPReply(501, helpCommands)

    static func helpSyntax(_ text: String) -> SMTPReply { SMTPReply(250, "Syntax: " + text) }
    static func unknownCommand(_ command: String) -> SMTPReply { SMTPReply(500, "Error: command \"\(command)\" not recognized") }
    static func cannotVerify(_ argument: String) -> SMTPReply { SMTPReply(502, "Could not VRFY \(argument)") }
    static func greeting(_ hostname: String, _ banner: String) -> SMTPReply { SMTPReply(220, "\(hostname) \(banner)") }
    static func hello(_ hostname: String) -> SMTPReply { SMTPReply(250, hostname) }
    static func timeout(_ hostname: String) -> SMTPReply { SMTPReply(421, "\(hostname) Error: timeout exceeded") }
    static func tooManyErrors(_ hostname: String) -> SMTPReply { SMTPReply(421, "\(hostname) Error: too many bad commands") }
    static func shuttingDown(_ hostname: String) -> SMTPReply { SMTPReply(421, "\(hostname) Service shutting down") }
}
