/// The service extensions an EHLO or LHLO reply offered, as the session
/// honours them: a handler that leaves one out of its reply turns it off.
struct SMTPExtensions: OptionSet, Sendable {
    let rawValue: UInt8

    static let eightBitMIME = SMTPExtensions(rawValue: 1 << 0)
    static let smtputf8 = SMTPExtensions(rawValue: 1 << 1)
    static let chunking = SMTPExtensions(rawValue: 1 << 2)
    static let binaryMIME = SMTPExtensions(rawValue: 1 << 3)
    static let enhancedStatusCodes = SMTPExtensions(rawValue: 1 << 4)
    static let startTLS = SMTPExtensions(rawValue: 1 << 5)
    static let auth = SMTPExtensions(rawValue: 1 << 6)

    /// The extensions named by the lines of an EHLO reply after the first
    /// (each line's first word, in any case).
    init(replyLines lines: some Sequence<String>) {
        var offered = SMTPExtensions()
        for line in lines {
            switch line.split(separator: " ", maxSplits: 1).first?.uppercased() {
            case "8BITMIME": offered.insert(.eightBitMIME)
            case "SMTPUTF8": offered.insert(.smtputf8)
            case "CHUNKING": offered.insert(.chunking)
            case "BINARYMIME": offered.insert(.binaryMIME)
            case "ENHANCEDSTATUSCODES": offered.insert(.enhancedStatusCodes)
            case "STARTTLS": offered.insert(.startTLS)
            case "AUTH": offered.insert(.auth)
            default: break
            }
        }
        self = offered
    }

    init(rawValue: UInt8) {
        self.rawValue = rawValue
    }
}
