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
    /// The enhanced status code (RFC 3463, `5.1.1`) sent before the text
    /// when the session offers ENHANCEDSTATUSCODES; nil lets the server pick
    /// one from the stage and the code's class.
    public let enhancedCode: String?
    /// The reply as sent without enhanced status codes: every line with its
    /// code and CRLF.
    public let encoded: [UInt8]

    /// A one-line reply. A code outside 200...599 becomes 451 (the reply
    /// would otherwise confuse the client); CR and LF in `text` become spaces,
    /// so a reply can never inject a line of its own. An `enhancedCode` that
    /// is not `class.subject.detail` of this code's class is ignored.
    public init(_ code: Int, _ text: String, enhancedCode: String? = nil) {
        self.init(code: code, lines: [text], enhancedCode: enhancedCode)
    }

    /// A reply of several lines (an empty list sends one empty line).
    public init(code: Int, lines: [String], enhancedCode: String? = nil) {
        let valid = (200...599).contains(code)
        self.code = valid ? code : 451
        var cleaned = valid ? lines.map(SMTPReply.singleLine) : ["Error: invalid reply code \(code)"]
        if cleaned.isEmpty { cleaned = [""] }
        self.lines = cleaned
        self.enhancedCode = valid ? enhancedCode.flatMap { SMTPReply.isEnhancedCode($0, of: code) ? $0 : nil } : "4.3.0"
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

    /// This reply with its enhanced status code (or `stageDefault`, for a
    /// reply without one) before the text of every line. 3xx replies have
    /// none (RFC 3463 classes are 2, 4 and 5).
    func withEnhancedCode(default stageDefault: String) -> SMTPReply {
        guard code / 100 != 3 else { return self }
        let classDefault = code / 100 == 2 ? stageDefault : "\(code / 100).0.0"
        let enhanced = enhancedCode ?? classDefault
        return SMTPReply(code: code, lines: lines.map { "\(enhanced) \($0)" }, enhancedCode: enhanced)
    }

    public static func == (lhs: SMTPReply, rhs: SMTPReply) -> Bool {
        lhs.encoded == rhs.encoded && lhs.enhancedCode == rhs.enhancedCode
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(encoded) }

    private static func singleLine(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 == 13 || $0 == 10 }) else { return text }
        return String(text.map { $0 == "\r" || $0 == "\n" || $0 == "\r\n" ? " " : $0 })
    }

    /// `class.subject.detail`: the class is the reply code's first digit,
    /// subject and detail 1 to 3 digits (RFC 3463 section 2).
    private static func isEnhancedCode(_ text: String, of code: Int) -> Bool {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "\(code / 100)", code / 100 != 3 else { return false }
        return parts.dropFirst().allSatisfy { part in
            (1...3).contains(part.utf8.count) && part.utf8.allSatisfy { $0 >= 48 && $0 <= 57 }
        }
    }
}

// The texts of CPython 3.11's smtpd where its tests pin them; the rest follow
// its style.
extension SMTPReply {
    /// `250 OK`: the default answer to an accepted message.
    public static let ok = SMTPReply(250, "OK")
    /// `221 Bye`, the answer to QUIT.
    public static let bye = SMTPReply(221, "Bye", enhancedCode: "2.0.0")
    /// `354 End data with <CR><LF>.<CR><LF>`.
    public static let startData = SMTPReply(354, "End data with <CR><LF>.<CR><LF>")
    /// `451 Error: could not store the message`: a handler could not deliver.
    public static let localError = SMTPReply(451, "Error: could not store the message", enhancedCode: "4.3.0")

    static let noAnswer = SMTPReply(451, "Error: the server's handler gave no answer", enhancedCode: "4.3.0")
    static let badSyntax = SMTPReply(500, "Error: bad syntax", enhancedCode: "5.5.2")
    static let lineTooLong = SMTPReply(500, "Error: line too long", enhancedCode: "5.5.2")
    static let bareLineEnd = SMTPReply(500, "Error: bare <CR> or <LF> in command line", enhancedCode: "5.5.2")
    static let invalidUTF8 = SMTPReply(500, "Error: command line is not valid UTF-8", enhancedCode: "5.5.2")
    static let heloSyntax = SMTPReply(501, "Syntax: HELO hostname", enhancedCode: "5.5.4")
    static let ehloSyntax = SMTPReply(501, "Syntax: EHLO hostname", enhancedCode: "5.5.4")
    static let lhloSyntax = SMTPReply(501, "Syntax: LHLO hostname", enhancedCode: "5.5.4")
    static let duplicateGreeting = SMTPReply(503, "Duplicate HELO/EHLO", enhancedCode: "5.5.1")
    static let noopSyntax = SMTPReply(501, "Syntax: NOOP", enhancedCode: "5.5.4")
    static let rsetSyntax = SMTPReply(501, "Syntax: RSET", enhancedCode: "5.5.4")
    static let dataSyntax = SMTPReply(501, "Syntax: DATA", enhancedCode: "5.5.4")
    static let bdatSyntax = SMTPReply(501, "Syntax: BDAT count [LAST]", enhancedCode: "5.5.4")
    static let vrfySyntax = SMTPReply(501, "Syntax: VRFY <address>", enhancedCode: "5.5.4")
    static let cannotVerify = SMTPReply(
        252, "Cannot VRFY user, but will accept message and attempt delivery", enhancedCode: "2.0.0")
    static let expnNotImplemented = SMTPReply(502, "EXPN not implemented", enhancedCode: "5.5.1")
    static let needHELO = SMTPReply(503, "Error: send HELO first", enhancedCode: "5.5.1")
    static let needLHLO = SMTPReply(503, "Error: send LHLO first", enhancedCode: "5.5.1")
    static let needMAIL = SMTPReply(503, "Error: need MAIL command", enhancedCode: "5.5.1")
    static let needRCPT = SMTPReply(503, "Error: need RCPT command", enhancedCode: "5.5.1")
    static let nestedMAIL = SMTPReply(503, "Error: nested MAIL command", enhancedCode: "5.5.1")
    static let noService = SMTPReply(503, "Error: no service here, send QUIT", enhancedCode: "5.5.1")
    static let dataAfterBDAT = SMTPReply(503, "Error: DATA after BDAT, send RSET", enhancedCode: "5.5.1")
    static let binaryNeedsBDAT = SMTPReply(503, "Error: BODY=BINARYMIME needs BDAT", enhancedCode: "5.5.1")
    static let mailSyntax = SMTPReply(501, "Syntax: MAIL FROM: <address>", enhancedCode: "5.5.4")
    static let mailSyntaxExtended = SMTPReply(501, "Syntax: MAIL FROM: <address> [SP <mail-parameters>]", enhancedCode: "5.5.4")
    static let rcptSyntax = SMTPReply(501, "Syntax: RCPT TO: <address>", enhancedCode: "5.5.4")
    static let rcptSyntaxExtended = SMTPReply(501, "Syntax: RCPT TO: <address> [SP <mail-parameters>]", enhancedCode: "5.5.4")
    static let badBody = SMTPReply(501, "Error: BODY can only be one of 7BIT, 8BITMIME", enhancedCode: "5.5.4")
    static let badBodyWithBinary = SMTPReply(
        501, "Error: BODY can only be one of 7BIT, 8BITMIME, BINARYMIME", enhancedCode: "5.5.4")
    static let smtputf8TakesNoArguments = SMTPReply(501, "Error: SMTPUTF8 takes no arguments", enhancedCode: "5.5.4")
    static let sizeExceedsMaximum = SMTPReply(
        552, "Error: message size exceeds fixed maximum message size", enhancedCode: "5.3.4")
    static let unknownMailParameters = SMTPReply(
        555, "MAIL FROM parameters not recognized or not implemented", enhancedCode: "5.5.4")
    static let unknownRcptParameters = SMTPReply(
        555, "RCPT TO parameters not recognized or not implemented", enhancedCode: "5.5.4")
    static let tooManyRecipients = SMTPReply(452, "Error: too many recipients", enhancedCode: "4.5.3")
    static let tooMuchMailData = SMTPReply(552, "Error: Too much mail data", enhancedCode: "5.3.4")
    static let dataNotUTF8 = SMTPReply(554, "Error: message data is not valid UTF-8", enhancedCode: "5.6.0")

    static let helpCommands = "Supported commands: EHLO HELO MAIL RCPT DATA RSET NOOP QUIT VRFY"
    static let help = SMTPReply(250, helpCommands, enhancedCode: "2.0.0")
    static let helpUnknown = SMTPReply(501, helpCommands, enhancedCode: "5.5.4")

    static let readyToStartTLS = SMTPReply(220, "Ready to start TLS", enhancedCode: "2.0.0")
    static let startTLSSyntax = SMTPReply(501, "Syntax: STARTTLS", enhancedCode: "5.5.4")
    static let tlsAlreadyActive = SMTPReply(503, "Error: TLS already active", enhancedCode: "5.5.1")
    static let mustStartTLS = SMTPReply(530, "Must issue a STARTTLS command first", enhancedCode: "5.7.0")
    static let authenticationRequired = SMTPReply(530, "Authentication required", enhancedCode: "5.7.0")
    static let encryptionRequired = SMTPReply(
        538, "Encryption required for requested authentication mechanism", enhancedCode: "5.7.11")
    static let authSyntax = SMTPReply(501, "Syntax: AUTH mechanism [initial-response]", enhancedCode: "5.5.4")
    static let authNeedsEHLO = SMTPReply(503, "Error: send EHLO first", enhancedCode: "5.5.1")
    static let alreadyAuthenticated = SMTPReply(503, "Error: already authenticated", enhancedCode: "5.5.1")
    static let authInTransaction = SMTPReply(503, "Error: MAIL transaction in progress", enhancedCode: "5.5.1")
    static let unknownMechanism = SMTPReply(504, "Unrecognized authentication type", enhancedCode: "5.5.4")
    static let authCancelled = SMTPReply(501, "Authentication cancelled", enhancedCode: "5.0.0")
    static let undecodableResponse = SMTPReply(501, "Cannot decode response", enhancedCode: "5.5.2")
    static let authenticated = SMTPReply(235, "Authentication successful", enhancedCode: "2.7.0")
    static let badCredentials = SMTPReply(535, "Authentication credentials invalid", enhancedCode: "5.7.8")
    static func authChallenge(_ text: String) -> SMTPReply { SMTPReply(334, text) }
    static func helpSyntax(_ text: String) -> SMTPReply { SMTPReply(250, "Syntax: " + text, enhancedCode: "2.0.0") }
    static func unknownCommand(_ command: String) -> SMTPReply {
        SMTPReply(500, "Error: command \"\(command)\" not recognized", enhancedCode: "5.5.2")
    }
    static func chunkReceived(_ count: Int) -> SMTPReply { SMTPReply(250, "OK, \(count) octets received", enhancedCode: "2.0.0") }
    static func greeting(_ hostname: String, _ banner: String) -> SMTPReply { SMTPReply(220, "\(hostname) \(banner)") }
    static func hello(_ hostname: String) -> SMTPReply { SMTPReply(250, hostname) }
    static func timeout(_ hostname: String) -> SMTPReply {
        SMTPReply(421, "\(hostname) Error: timeout exceeded", enhancedCode: "4.4.2")
    }
    static func tooManyErrors(_ hostname: String) -> SMTPReply {
        SMTPReply(421, "\(hostname) Error: too many bad commands", enhancedCode: "4.7.0")
    }
    static func shuttingDown(_ hostname: String) -> SMTPReply {
        SMTPReply(421, "\(hostname) Service shutting down", enhancedCode: "4.3.2")
    }
}
