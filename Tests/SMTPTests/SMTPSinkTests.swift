import AsyncCore
import ProtocolTesting
import SMTP
import TestSupport
import Testing

/// `SMTPSink`: an SMTP server for tests that keeps what it accepts for the
/// test to await, and stops when the test is done with it, failed or not.
@Suite struct SMTPSinkTests {
    /// A mail sent by the kit's scripted client, as a test of an
    /// application's mailer would have the application send it.
    static func sendMail(to port: UInt16, from sender: String, to recipient: String, body: [String]) async throws {
        let app = Client("app")
        let dialogue = Dialogue {
            app.expect(matching: "220 .*")
            app.send("HELO app.example")
            app.expect(matching: "250 .*")
            app.send("MAIL FROM:<\(sender)>")
            app.expect("250 OK")
            app.send("RCPT TO:<\(recipient)>")
            app.expect("250 OK")
            app.send("DATA")
            app.expect(matching: "354 .*")
            for line in body { app.send(line) }
            app.send(".")
            app.expect(matching: "250 .*")
            app.send("QUIT")
            app.expect(matching: "221 .*")
            app.expectClose()
        }
        try await dialogue.run(against: .tcp(host: "127.0.0.1", port: port))
    }

    @Test func aMailFromSmtplibArrivesWithItsEnvelopeAndBytes() async throws {
        try await withSMTPSink { sink in
            let port = sink.address.port ?? 0
            try await onOwnThread {
                _ = try RealClientTests.python(#"""
                    import smtplib, sys
                    with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30) as s:
                        s.sendmail('shop@example.com', ['bob@example.com', 'carol@example.com'], 'Subject: receipt\n\nthanks\n')
                    """#, port: port)
            }
            let mail = try await sink.nextMessage(within: .seconds(20))
            #expect(mail.mailFrom == "shop@example.com")
            #expect(mail.recipients == ["bob@example.com", "carol@example.com"])
            #expect(mail.data == Array("Subject: receipt\r\n\r\nthanks\r\n".utf8))
        }
    }

    @Test func messagesAreTakenOnceInTheOrderAccepted() async throws {
        try await withSMTPSink { sink in
            let port = sink.address.port ?? 0
            try await Self.sendMail(to: port, from: "a@example.com", to: "one@example.com", body: ["first"])
            try await Self.sendMail(to: port, from: "a@example.com", to: "two@example.com", body: ["second"])
            #expect(try await sink.nextMessage().recipients == ["one@example.com"])
            #expect(try await sink.nextMessage().recipients == ["two@example.com"])
            #expect(sink.messages.map(\.data) == [Array("first\r\n".utf8), Array("second\r\n".utf8)])
            await #expect(throws: SMTPSinkError.noMessage(within: .milliseconds(50))) {
                try await sink.nextMessage(within: .milliseconds(50))
            }
        }
    }

    @Test func aTaskWaitingForAMessageGetsItAsItArrives() async throws {
        try await withSMTPSink { sink in
            async let mail = sink.nextMessage(within: .seconds(20))
            try await Self.sendMail(to: sink.address.port ?? 0, from: "a@example.com", to: "b@example.com", body: ["hi"])
            #expect(try await mail.data == Array("hi\r\n".utf8))
        }
    }

    @Test func aThreadThatIsNotAsyncWaitsForTheMessage() throws {
        let sink = try SMTPSink.start()
        defer { sink.stop() }
        #expect(throws: SMTPSinkError.noMessage(within: .milliseconds(20))) { try sink.waitForMessage(within: .milliseconds(20)) }
        #expect("\(SMTPSinkError.noMessage(within: .milliseconds(20)))" == "no message arrived within 20ms")
        // smtplib sends from another process while this thread waits.
        let python = try ChildProcess(
            path: "/usr/bin/env",
            arguments: ["python3", "-c", "import smtplib, sys; smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30).sendmail('a@example.com', ['b@example.com'], 'sync\\n')", String(sink.address.port ?? 0)],
            environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
        #expect(try sink.waitForMessage(within: .seconds(20)).data == Array("sync\r\n".utf8))
        #expect(try python.waitForExit(within: .seconds(30)) == .exited(0), "\(python.errorText)")
    }

    @Test func aMessageTheReplyRefusesIsNotKept() async throws {
        try await withSMTPSink(reply: { $0.recipients.contains("nobody@example.com") ? SMTPReply(550, "Error: no such mailbox") : .ok }) { sink in
            let app = Client("app")
            let dialogue = Dialogue {
                app.expect(matching: "220 .*")
                app.send("HELO app.example")
                app.expect(matching: "250 .*")
                app.send("MAIL FROM:<a@example.com>")
                app.expect("250 OK")
                app.send("RCPT TO:<nobody@example.com>")
                app.expect("250 OK")
                app.send("DATA")
                app.expect(matching: "354 .*")
                app.send("lost")
                app.send(".")
                app.expect("550 Error: no such mailbox")
            }
            try await dialogue.run(against: .tcp(host: "127.0.0.1", port: sink.address.port ?? 0))
            #expect(sink.messages.isEmpty)
        }
    }

    @Test func aCancelledWaitEndsWithCancellationError() async throws {
        try await withSMTPSink { sink in
            let waiting = Task { try await sink.nextMessage(within: .seconds(60)) }
            waiting.cancel()
            await #expect(throws: CancellationError.self) { try await waiting.value }
        }
    }

    /// The test fails inside the scope; the scope still stops the server.
    @Test func aFailingTestStillStopsTheServer() async throws {
        struct MailerBroke: Error {}
        var address: SocketAddress?
        await withKnownIssue {
            try await withSMTPSink(on: .ownLoopback()) { sink in
                address = sink.address
                throw MailerBroke()
            }
        }
        let stopped = try #require(address)
        #expect(stopped.host.hasPrefix("127.1."))
        #expect(try stopped.refusesConnections)
    }

    @Test func aSinkLetGoStopsItsServer() throws {
        let address: SocketAddress
        do {
            let sink = try SMTPSink.start(on: .ownLoopback())
            address = sink.address
            #expect(try !address.refusesConnections)
        }
        #expect(try address.refusesConnections)
    }
}
