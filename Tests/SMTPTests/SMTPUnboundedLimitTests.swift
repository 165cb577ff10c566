@testable import SMTP
import Testing

/// Limits set to `Int.max` (no limit in effect) and sizes a client declares
/// near it: the arithmetic on them must saturate, not trap. Found by the SMTP
/// fuzzer (Tests/Fuzz/smtp/corpus/crash-*).
@Suite struct SMTPUnboundedLimitTests {
    func session(_ change: (inout SMTPConfiguration) -> Void) -> SMTPSession {
        SMTPSession(configuration: .testing(change), peer: .ipv4(host: "192.0.2.1", port: 2525))
    }

    func reply(_ session: inout SMTPSession, _ text: String) -> String? {
        session.receive(Array(text.utf8)[...])
        switch SMTPSession.acceptingStages(session.endOfLine(), of: &session) {
        case .reply(let reply), .replyAndClose(let reply), .replyAndStartTLS(let reply): return reply.description
        case .replies(let replies): return replies.map(\.description).joined(separator: "\r\n")
        case .ask: return "delivered"
        case .none: return nil
        }
    }

    /// The extended MAIL allowance was added to `maxCommandLength`.
    @Test func commandLengthOfIntMax() {
        var session = session { $0.maxCommandLength = .max }
        #expect(reply(&session, "EHLO client") == "250-mx.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP")
        #expect(reply(&session, "MAIL FROM:<a@b> SIZE=10") == "250 OK")
    }

    /// DATA reserved room for the limit plus the last CRLF.
    @Test func messageSizeOfIntMax() {
        var session = session { $0.maxMessageSize = .max }
        #expect(reply(&session, "EHLO client") == "250-mx.test\r\n250-SIZE 9223372036854775807\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP")
        #expect(reply(&session, "MAIL FROM:<a@b> SIZE=11") == "250 OK")
        #expect(reply(&session, "RCPT TO:<c@d>") == "250 OK")
        #expect(reply(&session, "DATA") == "354 End data with <CR><LF>.<CR><LF>")
        #expect(reply(&session, "0123456789") == nil)
        #expect(reply(&session, ".") == "delivered")
    }

    /// Without a limit, DATA reserved room for the declared size plus the
    /// last CRLF; the reservation is now capped at 64 MiB in any case.
    @Test func declaredSizeOfIntMaxWithoutALimit() {
        var session = session { $0.maxMessageSize = nil }
        #expect(reply(&session, "EHLO client") == "250-mx.test\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP")
        #expect(reply(&session, "MAIL FROM:<a@b> SIZE=9223372036854775807") == "250 OK")
        #expect(reply(&session, "RCPT TO:<c@d>") == "250 OK")
        #expect(reply(&session, "DATA") == "354 End data with <CR><LF>.<CR><LF>")
        #expect(reply(&session, ".") == "delivered")
    }

    /// A declared SIZE was compared with the limit digit by digit, and the
    /// running value overflowed before passing a limit of Int.max.
    @Test func declaredSizeBeyondALimitOfIntMax() {
        var session = session { $0.maxMessageSize = .max }
        #expect(reply(&session, "EHLO client")?.hasPrefix("250-mx.test") == true)
        #expect(reply(&session, "MAIL FROM:<a@b> SIZE=99999999999999999999")
            == "552 Error: message size exceeds fixed maximum message size")
        #expect(reply(&session, "MAIL FROM:<a@b> SIZE=9223372036854775807") == "250 OK")
    }

    /// The digit-by-digit comparison at small limits, on both sides of them.
    @Test(arguments: [(0, "0", false), (0, "1", true), (3, "3", false), (3, "5", true), (3, "003", false), (10, "10", false), (10, "11", true), (99, "100", true)])
    func declaredSizeAgainstSmallLimits(limit: Int, size: String, exceeds: Bool) {
        var session = session { $0.maxMessageSize = limit }
        #expect(reply(&session, "EHLO client")?.hasPrefix("250-mx.test") == true)
        let expected = exceeds ? "552 Error: message size exceeds fixed maximum message size" : "250 OK"
        #expect(reply(&session, "MAIL FROM:<a@b> SIZE=\(size)") == expected)
    }
}
