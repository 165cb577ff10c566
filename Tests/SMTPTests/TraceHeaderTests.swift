import ProtocolTesting
import SMTP
import Synchronization
import TestSupport
import Testing

/// What `--maildir` stores: each message once, with `Return-Path`, one
/// `Delivered-To` per recipient (Bcc ones too) and `Received`, byte for byte.
@Suite struct TraceHeaderTests {
    /// 2023-11-14 22:13:20 UTC.
    static let configuration = SMTPConfiguration.testing { $0.wallClock = { 1_700_000_000 } }

    @Test func maildirFilesCarryTheEnvelopeAndTheTraceHeader() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let path = maildir.path
        let server = ServerUnderTest.inProcess(setUp: { loop in
            let handler = try MaildirHandler(directory: path, hostname: "mx.test")
            return { socket in
                try SMTPChannel(socket: socket, peer: .testPeer, configuration: Self.configuration, handler: handler, loop: loop)
            }
        })
        let client = Client()
        try Dialogue("two messages") {
            client.expectGreeting()
            client.ehlo("client.test", extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "HELP"])
            // To: to@x, Bcc: secret@x.
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<to@x>", "250 OK")
            client.command("RCPT TO:<secret@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("To: to@x")
            client.send("")
            client.send("..hi")
            client.command(".", "250 OK")
            client.command("MAIL FROM:<>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.command(".", "250 OK")
        }.run(against: server, chunking: .only(.whole, .bytes))
        let files = try maildir.files(in: "new").map { String(decoding: $0.content, as: UTF8.self) }
        #expect(files.count == 4)
        #expect(try maildir.files(in: "tmp").isEmpty)
        for file in files {
            let id = try #require(file.firstMatch(of: /\ id ([0-9A-F]{12})/)?.1, "\(file)")
            let bcc = "Return-Path: <a@x>\nDelivered-To: to@x\nDelivered-To: secret@x\n"
                + "Received: from client.test (unknown [peer-address])\n"
                + "\tby mx.test (SwiftAsyncore) with ESMTP id \(id); Tue, 14 Nov 2023 22:13:20 +0000\n"
                + "To: to@x\n\n.hi\n"
            let nullSender = "Return-Path: <>\nDelivered-To: b@x\n"
                + "Received: from client.test (unknown [peer-address])\n"
                + "\tby mx.test (SwiftAsyncore) with ESMTP id \(id)\n\tfor <b@x>; Tue, 14 Nov 2023 22:13:20 +0000\n"
            #expect(file == bcc || file == nullSender, "\(file.debugDescription)")
        }
        #expect(files.filter { $0.hasPrefix("Return-Path: <>") }.count == 2)
    }

    @Test func handlersGetTheTraceHeaderBesideTheContent() throws {
        let client = Client()
        let seen = try SMTPTestServer(configuration: Self.configuration).recordings(
            of: [Dialogue("one message") {
                client.expectGreeting()
                client.command("HELO client.test", "250 mx.test")
                client.command("MAIL FROM:<a@x>", "250 OK")
                client.command("RCPT TO:<b@x>", "250 OK")
                client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
                client.send("hi")
                client.command(".", "250 OK")
            }], chunking: .only(.whole)
        ) { log in
            ClosureHandler { message in
                log.record(message.receivedHeader.replacing(message.queueID, with: "ID") + String(decoding: message.data, as: UTF8.self))
                return .ok
            }
        }
        #expect(seen == [
            "Received: from client.test (unknown [peer-address])\r\n\tby mx.test (SwiftAsyncore) with SMTP id ID\r\n"
                + "\tfor <b@x>; Tue, 14 Nov 2023 22:13:20 +0000\r\nhi\r\n",
        ])
    }

    @Test func logLinesTellEachSessionAndTransaction() throws {
        let lines = Mutex<[String]>([])
        let configuration = SMTPConfiguration.testing { configuration in
            configuration.sessionLog = { line in lines.withLock { $0.append(line) } }
        }
        let client = Client()
        let server = ServerUnderTest.smtp(configuration) {
            ClosureHandler { $0.recipients.contains("full@x") ? SMTPReply(452, "Mailbox full") : .ok }
        }
        try Dialogue("logged") {
            client.expectGreeting()
            client.command("HELO client.test", "250 mx.test")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<b@x>", "250 OK")
            client.command("RCPT TO:<c@x>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("secret content")
            client.command(".", "250 OK")
            client.command("MAIL FROM:<a@x>", "250 OK")
            client.command("RCPT TO:<full@x>", "250 OK")
            client.command("BOGUS", "500 Error: command \"BOGUS\" not recognized")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.command(".", "452 Mailbox full")
            client.command("QUIT", "221 Bye")
            client.expectClose()
        }.run(against: server, chunking: .only(.whole))
        let logged = lines.withLock { $0 }.map { $0.replacing(/[0-9A-F]{12}/, with: "ID") }
        #expect(logged == [
            "connect from unknown[peer-address]",
            "ID: client=unknown[peer-address]",
            "ID: from=<a@x>, size=16, nrcpt=2",
            "ID: to=<b@x>, status=sent (250 OK)",
            "ID: to=<c@x>, status=sent (250 OK)",
            "ID: client=unknown[peer-address]",
            "ID: from=<a@x>, size=0, nrcpt=1",
            "ID: to=<full@x>, status=deferred (452 Mailbox full)",
            "disconnect from unknown[peer-address] helo=1 mail=2 rcpt=3 data=2 unknown=0/1 quit=1 commands=9/10",
        ])
        #expect(!lines.withLock { $0 }.contains { $0.contains("secret") })
    }
}
