import ProtocolTesting
import SMTP
import Testing

@Test func aMailSentToTheSinkArrivesWithItsEnvelope() async throws {
    try await withSMTPSink { sink in
        // The code under test sends its mail to sink.address; here the kit's scripted client does.
        let mailer = Client("mailer")
        try await Dialogue {
            mailer.expect(matching: "220 .*")
            mailer.send("HELO app.example")
            mailer.expect(matching: "250 .*")
            mailer.send("MAIL FROM:<app@example.com>")
            mailer.expect("250 OK")
            mailer.send("RCPT TO:<bob@example.com>")
            mailer.expect("250 OK")
            mailer.send("DATA")
            mailer.expect(matching: "354 .*")
            mailer.send("Subject: welcome")
            mailer.send("")
            mailer.send("Hello Bob")
            mailer.send(".")
            mailer.expect(matching: "250 .*")
        }.run(against: .tcp(host: "127.0.0.1", port: sink.address.port ?? 0))

        let mail = try await sink.nextMessage(within: .seconds(5))
        #expect(mail.mailFrom == "app@example.com")
        #expect(mail.recipients == ["bob@example.com"])
        #expect(mail.data == Array("Subject: welcome\r\n\r\nHello Bob\r\n".utf8))
    }                                              // the server stops here, also when the test fails
}
