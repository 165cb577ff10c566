import AsyncCore
import ProtocolTesting
import SMTP
import TestSupport
import Testing

/// LMTP (RFC 2033): LHLO, and after the data one reply per accepted
/// recipient, in RCPT order; with the kit, and with Python's smtplib.LMTP
/// over a Unix-domain socket.
@Suite struct LMTPTests {
    static let lmtp = SMTPConfiguration.testing { $0.dialect = .lmtp }

    @Test func oneReplyPerRecipientAndOneRefusedAtTheEndOfData() throws {
        let client = Client()
        let recorded = try HookTests.hooks(Dialogue("LMTP") {
            client.expectGreeting()
            client.command("HELO c", "500 Error: command \"HELO\" not recognized")
            client.command("EHLO c", "500 Error: command \"EHLO\" not recognized")
            client.command("MAIL FROM:<a@x>", "503 Error: send LHLO first")
            client.send("LHLO c")
            client.expect("250-mx.test")
            client.expect("250-SIZE 33554432")
            client.expect("250-8BITMIME")
            client.expect("250-PIPELINING")
            client.expect("250 HELP")
            client.send("MAIL FROM:<a@x>")
            client.send("RCPT TO:<one@x>")
            client.send("RCPT TO:<r550@x>")
            client.send("RCPT TO:<full@x>")
            client.send("RCPT TO:<two@x>")
            client.send("DATA")
            client.expect("250 OK")
            client.expect("250 OK")
            client.expect("550 Decided 550")
            client.expect("250 OK")
            client.expect("250 OK")
            client.expect("354 End data with <CR><LF>.<CR><LF>")
            client.send("Subject: per-recipient")
            client.command(".", "250 OK", "552 Mailbox full", "250 OK")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<one@x>", "250 OK")
            client.command("RCPT TO:<two@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("Subject: r451")
            client.command(".", "451 Decided 451", "451 Decided 451")
        }, configuration: Self.lmtp, chunking: .all(maxSplits: 16))
        #expect(recorded.contains("RCPT two@x after [\"one@x\", \"full@x\"]"))
    }

    @Test func bdatLastAnswersPerRecipient() throws {
        let client = Client()
        let server = SMTPTestServer(configuration: .testing { $0.dialect = .lmtp; $0.enableChunking = true })
        try server.run(Dialogue("LMTP BDAT") {
            client.expectGreeting()
            client.command(
                "LHLO c", "250-mx.test", "250-SIZE 33554432", "250-8BITMIME", "250-PIPELINING", "250-CHUNKING",
                "250-BINARYMIME", "250 HELP")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("RCPT TO:<c@x>", "250 OK")
            client.send(bytes: Array("BDAT 2 LAST\r\nhi".utf8))
            client.expect("250 OK")
            client.expect("250 OK")
        }, delivering: [Delivery(helo: "c", from: "a@x", to: ["b@x", "c@x"], data: "hi".utf8)])
    }

    /// smtplib.LMTP connects to a path. It reads one reply after the data
    /// whatever the number of recipients (CPython's LMTP client has no
    /// per-recipient replies), so each message here has one recipient.
    @Test func smtplibLMTPOverAUnixSocket() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let path = directory.path + "/lmtp.sock"
        let thread = try EventLoopThread { loop in
            final class PerRecipient: SMTPHandler {
                func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
                    answer(.replies(message.recipients.map { $0.hasPrefix("full") ? SMTPReply(452, "Mailbox full") : .ok }))
                }
            }
            let server = try SMTPServer(configuration: Self.lmtp, handler: PerRecipient(), loop: loop)
            try server.listen(on: .unix(path: path))
        }
        defer { thread.stop() }
        let script = #"""
            import smtplib, sys
            with smtplib.LMTP(sys.argv[1]) as s:
                print(s.ehlo('client.test')[0])
                print(s.sendmail('a@example.com', ['bob@example.com'], 'Subject: x\r\n\r\nhi\r\n'))
                try:
                    s.sendmail('a@example.com', ['full@example.com'], 'Subject: y\r\n\r\nhi\r\n')
                except smtplib.SMTPDataError as error:
                    print('refused', error.smtp_code, error.smtp_error)
            print('done')
            """#
        let client = try ChildProcess(
            path: "/usr/bin/env", arguments: ["python3", "-c", script, path],
            environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
        #expect(try client.waitForExit() == .exited(0), "smtplib failed: \(client.errorText)")
        #expect(client.outputText == "250\n{}\nrefused 452 b'Mailbox full'\ndone\n")
    }
}
