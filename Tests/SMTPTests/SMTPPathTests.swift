@testable import SMTP
import Testing

/// The path parser on its own: what smtpd accepted (SM-22, X-3), what it
/// crashed on (W-11, X-6), and RFC 5321's forms.
@Suite struct SMTPPathTests {
    static let accepted: [(String, String, String)] = [
        ("eggs@example", "eggs@example", ""),
        ("<eggs@example>", "eggs@example", ""),
        ("   <foo@example.com>", "foo@example.com", ""),
        ("<>", "", ""),
        ("<> SIZE=10", "", " SIZE=10"),
        ("<\"Fred Blogs\"@example.com>", "\"Fred Blogs\"@example.com", ""),
        ("\"Fred Blogs\"@example.com SIZE=1000", "\"Fred Blogs\"@example.com", " SIZE=1000"),
        ("\"fred\"@example.com", "fred@example.com", ""),
        ("\"a\\\"b\"@c", "\"a\\\"b\"@c", ""),
        ("naïve@examplé", "naïve@examplé", ""),
        ("<a@b>SIZE=1", "a@b", "SIZE=1"),
        ("<a@b>,c", "a@b", ",c"),
        ("<  a@b  >", "a@b", ""),
        ("<@route:a@b>", "a@b", ""),
        ("<@one.example,@two.example:a@b>", "a@b", ""),
        ("a@[1.2.3.4]", "a@[1.2.3.4]", ""),
        ("a@[IPv6:::1]", "a@[IPv6:::1]", ""),
        ("eggs", "eggs", ""),
        ("postmaster", "postmaster", ""),
        ("a.b+tag@sub.example.com", "a.b+tag@sub.example.com", ""),
        ("eggs@example>", "eggs@example", ">"),
    ]

    @Test(arguments: accepted)
    func parses(text: String, address: String, rest: String) {
        let parsed = SMTPPath.parse(text[...])
        #expect(parsed?.address == address)
        #expect(parsed.map { String($0.rest) } == rest)
    }

    static let refused = [
        "", "<", "\"", "@", "@@", ">", ",", ";", "[x]", "()", "(x)", "<<a@b>>", "a@", "<a@b", "<eggs@example",
        "<a@>", "<@route a@b>", "<@:a@b>", ".a@b", "a.@b", "a..b@c", "a@b.", "a@.b", "a@b..c", "\"unterminated@b",
        "a@[]", "a@[1.2.3.4", "(comment) a@b", "\"a\u{1}\"@b",
    ]

    @Test(arguments: refused)
    func refuses(text: String) {
        #expect(SMTPPath.parse(text[...]) == nil, "\(text.debugDescription)")
    }

    @Test func parameters() {
        #expect(SMTPParameters(["SIZE=1", "BODY=8BITMIME", "SMTPUTF8"])?.isEmpty == false)
        #expect(SMTPParameters(["A-B=1"]) != nil)
        #expect(SMTPParameters(["-A=1"]) == nil)
        #expect(SMTPParameters(["SIZE="]) == nil)
        #expect(SMTPParameters(["=X"]) == nil)
        #expect(SMTPParameters(["<A@B>"]) == nil)
        var parameters = SMTPParameters(["SIZE=1", "SIZE=2", "X=A=B"])
        #expect(parameters?.take("SIZE") == .value("2"))
        #expect(parameters?.take("X") == .value("A=B"))
        #expect(parameters?.isEmpty == true)
    }
}

/// The session without any socket: lines in, replies out.
@Suite struct SMTPSessionTests {
    func session(_ change: (inout SMTPConfiguration) -> Void = { _ in }) -> SMTPSession {
        SMTPSession(configuration: .testing(change), peer: .ipv4(host: "192.0.2.1", port: 2525))
    }

    func line(_ session: inout SMTPSession, _ text: String) -> SMTPSessionOutput {
        for byte in text.utf8 { session.receive([byte][...]) }
        return SMTPSession.acceptingStages(session.endOfLine(), of: &session)
    }

    func reply(_ output: SMTPSessionOutput) -> String? {
        switch output {
        case .reply(let reply), .replyAndClose(let reply), .replyAndStartTLS(let reply): return reply.description
        case .replies(let replies): return replies.map(\.description).joined(separator: "\r\n")
        case .none, .ask: return nil
        }
    }

    @Test func transactionDeliversOnceAndResets() {
        var session = session()
        #expect(session.greeting.description == "220 mx.test ESMTP SwiftAsyncore")
        #expect(reply(line(&session, "EHLO client")) == "250-mx.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP")
        #expect(reply(line(&session, "MAIL FROM:<a@b> BODY=8BITMIME")) == "250 OK")
        #expect(reply(line(&session, "RCPT TO:<c@d>")) == "250 OK")
        #expect(reply(line(&session, "RCPT TO:<c@d>")) == "250 OK")
        #expect(reply(line(&session, "DATA")) == "354 End data with <CR><LF>.<CR><LF>")
        #expect(session.state == .data)
        #expect(reply(line(&session, "..hi")) == nil)
        guard case .ask(.endOfData(let message)) = line(&session, ".") else {
            Issue.record("no delivery")
            return
        }
        #expect(message.data == Array(".hi\r\n".utf8))
        #expect(message.recipients == ["c@d", "c@d"])
        #expect(message.mailOptions == ["BODY=8BITMIME"])
        #expect(message.heloName == "client")
        #expect(message.peer == .ipv4(host: "192.0.2.1", port: 2525))
        #expect(session.state == .command)
        #expect(reply(line(&session, "RCPT TO:<c@d>")) == "503 Error: need MAIL command")
    }

    @Test func overlongLinesKeepBoundedMemoryAndAnswer500() {
        var session = session()
        let output = line(&session, "NOOP " + String(repeating: "x", count: 1 << 20))
        #expect(reply(output) == "500 Error: line too long")
        #expect(reply(line(&session, "NOOP")) == "250 OK")
    }

    @Test func timeoutAndShutdownClose() {
        var first = session()
        #expect(first.timedOut().description == "421 mx.test Error: timeout exceeded")
        #expect(first.state == .closed)
        var second = session()
        #expect(second.shutDown().description == "421 mx.test Service shutting down")
        #expect(reply(line(&second, "NOOP")) == nil)
    }

    @Test func repliesCannotInjectLinesOrBadCodes() {
        #expect(SMTPReply(250, "a\r\nb\nc").description == "250 a b c")
        #expect(SMTPReply(99, "x").code == 451)
        #expect(SMTPReply(code: 250, lines: []).description == "250 ")
    }

    @Test func configurationProblems() {
        #expect(SMTPConfiguration.testing { $0.decodeData = true; $0.enableSMTPUTF8 = true }.problem == .decodeDataWithSMTPUTF8)
        #expect(SMTPConfiguration.testing { $0.maxRecipients = 0 }.problem == .negativeLimit("maxRecipients"))
        #expect(SMTPConfiguration.testing().problem == nil)
    }
}
