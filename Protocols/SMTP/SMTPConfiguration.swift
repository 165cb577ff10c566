import AsyncTLS
import Glibc

/// What an ``SMTPServer`` and its sessions advertise and enforce.
///
/// ```swift
/// var configuration = SMTPConfiguration(hostname: "mx.example.com")
/// configuration.maxMessageSize = 10 << 20        // advertised as SIZE 10485760
/// configuration.enableSMTPUTF8 = true
/// configuration.commandTimeout = .seconds(60)
/// ```
/// The defaults follow CPython's smtpd where it has one, and RFC 5321's
/// minimums elsewhere.
public struct SMTPConfiguration: Sendable {
    /// The name in the 220 greeting and the HELO/EHLO replies. Default: the
    /// host name (`gethostname`).
    public var hostname: String
    /// The text after the host name in the 220 greeting.
    public var banner = "ESMTP SwiftAsyncore"
    /// The largest message accepted, in bytes, advertised as `SIZE`; nil for
    /// no limit (and no `SIZE`). Default: 32 MiB, as smtpd. A MAIL command
    /// declaring more is answered 552 at once; a longer message is answered
    /// 552 at the end of its DATA, having kept no more than this in memory.
    public var maxMessageSize: Int? = 33_554_432
    /// The most recipients of one message; one more is answered 452. nil for
    /// no limit. Default: 1000 (RFC 5321 asks for at least 100).
    public var maxRecipients: Int? = 1000
    /// The longest command line, without its CRLF. Default: 512, as smtpd.
    /// After EHLO a MAIL command may be 26 bytes longer when `SIZE` is
    /// advertised, and 10 more with `SMTPUTF8` (smtpd's allowances).
    public var maxCommandLength = 512
    /// How long a session may send nothing before it is answered 421 and
    /// closed; nil never times out. Default: 300 s (RFC 5321 section 4.5.3.2).
    public var commandTimeout: Duration? = .seconds(300)
    /// How many erroneous commands (replies 500–504 and 555) a session may
    /// send; the next one is answered 421 and the session closed. nil for no
    /// limit. Default: 20.
    public var maxErrors: Int? = 20
    /// Accept the `SMTPUTF8` parameter and advertise it (RFC 6531).
    /// Cannot be combined with ``decodeData``.
    public var enableSMTPUTF8 = false
    /// Hand messages over as text: bodies must be UTF-8 (else 554), and
    /// `8BITMIME` is not advertised nor `BODY=` accepted (smtpd's
    /// `decode_data=True`). Cannot be combined with ``enableSMTPUTF8``.
    public var decodeData = false
    /// SMTP, or LMTP (RFC 2033) for local delivery behind an MTA. Default: SMTP.
    public var dialect = SMTPDialect.smtp
    /// Offer `CHUNKING` (BDAT, RFC 3030) and, unless ``decodeData``,
    /// `BINARYMIME`. Off by default, so the EHLO reply stays smtpd's.
    public var enableChunking = false
    /// Offer `ENHANCEDSTATUSCODES` (RFC 2034) and put an RFC 3463 code
    /// before the text of every reply after EHLO (`250 2.1.5 OK`). Off by
    /// default, so replies stay identical to smtpd's.
    public var enhancedStatusCodes = false
    /// Receives a line for each session and transaction event, as Postfix's
    /// smtpd logs them (`connect from`, `from=<...>`, `to=<...>`, rejections,
    /// `disconnect from ... commands=5`), never message content; nil, the
    /// default, logs nothing. Called on the event loop's thread.
    public var sessionLog: (@Sendable (String) -> Void)?
    /// The server's certificate and key: with it, the server offers
    /// `STARTTLS` (RFC 3207) after EHLO, or speaks TLS from the first byte
    /// with ``implicitTLS``. nil, the default: no TLS.
    public var tls: TLSContext?
    /// Speak TLS from the first byte, before the greeting (submissions on
    /// port 465, RFC 8314); needs ``tls``. Default: false.
    public var implicitTLS = false
    /// Until TLS is up, answer every command but EHLO, HELO, NOOP, STARTTLS
    /// and QUIT with `530 5.7.0 Must issue a STARTTLS command first`; needs
    /// ``tls``. Default: false.
    public var requireTLS = false
    /// Checks the credentials of `AUTH PLAIN` and `AUTH LOGIN` (RFC 4954);
    /// with it, EHLO offers `AUTH PLAIN LOGIN` once TLS is up. nil, the
    /// default: no AUTH.
    public var authenticator: (any SMTPAuthenticator)?
    /// Offer and accept AUTH without TLS, where passwords cross the network
    /// readable by anyone on the way. Default: false: AUTH in plaintext is
    /// answered `538 5.7.11`.
    public var allowsAuthenticationWithoutTLS = false
    /// Answer MAIL with `530 5.7.0 Authentication required` until the client
    /// has authenticated (a submission server); needs ``authenticator``.
    /// Default: false.
    public var requireAuthentication = false
    /// Seconds since the epoch, for the date of `Received:` headers. Default: `time()`.
    public var wallClock: @Sendable () -> Int = { Int(time(nil)) }

    /// A configuration with the defaults; `hostname` nil uses the host's name.
    public init(hostname: String? = nil) {
        self.hostname = hostname ?? SMTPConfiguration.systemHostname()
    }

    /// The configuration is usable: nil, or what is wrong with it.
    public var problem: SMTPConfigurationError? {
        if enableSMTPUTF8 && decodeData { return .decodeDataWithSMTPUTF8 }
        if let size = maxMessageSize, size < 0 { return .negativeLimit("maxMessageSize") }
        if let count = maxRecipients, count < 1 { return .negativeLimit("maxRecipients") }
        if maxCommandLength < 1 { return .negativeLimit("maxCommandLength") }
        if tls == nil, implicitTLS || requireTLS { return .tlsWithoutCertificate }
        if authenticator == nil, requireAuthentication { return .authenticationWithoutAuthenticator }
        return nil
    }

    /// The longest MAIL command after EHLO (W-10: per session, from what
    /// this configuration advertises). Saturates: `maxCommandLength` may be
    /// `Int.max`, meaning no limit.
    var extendedMailLength: Int {
        let allowance = (maxMessageSize != nil ? 26 : 0) + (enableSMTPUTF8 ? 10 : 0)
        return maxCommandLength > Int.max - allowance ? .max : maxCommandLength + allowance
    }

    /// The longest AUTH command or response line: RFC 4954 section 4 asks
    /// servers to take 12288 octets.
    var authLineLength: Int { max(maxCommandLength, 12288) }

    /// AUTH is on the table at all: an authenticator, and SMTP (LMTP has no AUTH).
    var offersAuthentication: Bool { authenticator != nil && dialect == .smtp }

    /// This machine's host name, or "localhost".
    public static func systemHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "localhost" }
        let name = buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
        return name.isEmpty ? "localhost" : name
    }
}

/// Why an ``SMTPConfiguration`` cannot be used.
public enum SMTPConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// `decodeData` and `enableSMTPUTF8` were both set (as smtpd, refused).
    case decodeDataWithSMTPUTF8
    /// A limit is zero or negative where that means nothing.
    case negativeLimit(String)
    /// `implicitTLS` or `requireTLS` was set without `tls`.
    case tlsWithoutCertificate
    /// `requireAuthentication` was set without an `authenticator`.
    case authenticationWithoutAuthenticator

    public var description: String {
        switch self {
        case .decodeDataWithSMTPUTF8: return "decodeData and enableSMTPUTF8 cannot be set at the same time"
        case .negativeLimit(let name): return "\(name) must be positive"
        case .tlsWithoutCertificate: return "implicitTLS and requireTLS need a TLS context (a certificate and key)"
        case .authenticationWithoutAuthenticator: return "requireAuthentication needs an authenticator"
        }
    }
}
