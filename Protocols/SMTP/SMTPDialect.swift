/// Which protocol a server speaks on its connections.
///
/// ```swift
/// var configuration = SMTPConfiguration(hostname: "mx.example.com")
/// configuration.dialect = .lmtp         // LHLO, one reply per recipient after the data
/// ```
public enum SMTPDialect: Sendable, Hashable {
    /// SMTP (RFC 5321): HELO or EHLO, one reply per message.
    case smtp
    /// LMTP (RFC 2033), for local delivery behind an MTA such as Postfix:
    /// LHLO instead of HELO and EHLO, and after the message's final dot (or
    /// `BDAT ... LAST`) one reply for each accepted recipient, in RCPT order.
    case lmtp
}
