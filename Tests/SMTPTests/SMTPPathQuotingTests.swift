@testable import SMTP
import Testing

/// A quoted local part is re-quoted for the envelope; the result must read
/// back as the same address. A backslash or quote followed by a combining
/// mark is one Character in Swift, and was left unescaped: the address
/// handed to the delivery handler then parsed as a different one. Found by
/// the SMTP fuzzer (Tests/Fuzz/smtp/corpus/crash-combining-mark-after-backslash).
@Suite struct SMTPPathQuotingTests {
    static let quotedLocalParts: [(String, String)] = [
        ("<\"a\\\\\u{301}b\"@c>", "\"a\\\\\u{301}b\"@c"),
        ("<\"a\\\"\u{301}b\"@c>", "\"a\\\"\u{301}b\"@c"),
        ("<\"x\\\"\u{301}@evil.example\"@c>", "\"x\\\"\u{301}@evil.example\"@c"),
    ]

    @Test(arguments: quotedLocalParts)
    func requotedAddressReadsBackAsItself(text: String, address: String) {
        let parsed = SMTPPath.parse(text[...])
        #expect(parsed?.address == address)
        #expect(SMTPPath.parse(address[...])?.address == address)
    }
}
