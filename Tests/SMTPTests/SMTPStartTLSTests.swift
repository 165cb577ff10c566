#if TLS
import AsyncCore
import AsyncTLS
import ProtocolTesting
import SMTP
import TestSupport
import Testing

/// STARTTLS (RFC 3207), TLS from the first byte, and AUTH over TLS, with
/// the kit's `C^` step under every chunking, and with Python's smtplib.
@Suite struct SMTPStartTLSTests {
    static let context: TLSContext? = try? TLSContext(
        certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.server.key)

    private func server(_ change: @escaping @Sendable (inout SMTPConfiguration) -> Void = { _ in }) -> SMTPTestServer {
        SMTPTestServer(configuration: .testing {
            $0.tls = SMTPStartTLSTests.context
            $0.authenticator = SMTPAuthTests.table
            change(&$0)
        })
    }

    /// The whole way: STARTTLS, a greeting again, AUTH over TLS, a message;
    /// the client's bytes split at every position before and after the switch.
    @Test func startTLSThenAuthThenAMessageUnderEveryChunking() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.ehlo(extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "STARTTLS", "HELP"])
            client.command("STARTTLS", "220 Ready to start TLS")
            client.startTLS()
            // The session forgot the greeting: EHLO again, and STARTTLS is no longer offered.
            client.command("MAIL FROM:<alice@example.com>", "503 Error: send HELO first")
            client.ehlo("secure", extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "AUTH PLAIN LOGIN", "HELP"])
            client.command("STARTTLS", "503 Error: TLS already active")
            client.command("AUTH PLAIN \(SMTPAuthTests.plainAlice)", "235 Authentication successful")
            client.command("MAIL FROM:<alice@example.com>", "250 OK")
            client.command("RCPT TO:<bob@example.com>", "250 OK")
            client.command("DATA", "354 End data with <CR><LF>.<CR><LF>")
            client.send("secret")
            client.command(".", "250 OK")
            client.command("QUIT", "221 Bye")
            client.expectClose()
        }
        try server().run(dialogue, delivering: [
            Delivery(helo: "secure", from: "alice@example.com", to: ["bob@example.com"], data: Array("secret\r\n".utf8)),
        ])
    }

    /// CVE-2011-0411: a command sent with STARTTLS in one segment is
    /// dropped, never answered, in the clear or over TLS.
    @Test func aCommandInjectedWithStartTLSIsNeverAnswered() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.send(bytes: Array("STARTTLS\r\nMAIL FROM:<mallory@example.com>\r\nRSET\r\n".utf8))
            client.expect("220 Ready to start TLS")
            client.startTLS()
            client.command("NOOP", "250 OK")
            client.ehlo(extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "AUTH PLAIN LOGIN", "HELP"])
            client.command("RCPT TO:<bob@example.com>", "503 Error: need MAIL command")
        }
        // In one segment. Split, the commands after STARTTLS arrive once TLS
        // has started and fail its handshake instead (see the next test).
        try server().run(dialogue, chunking: .only(.whole), delivering: [])
    }

    @Test func requireTLSRefusesAllButTheCommandsThatLeadToIt() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.command("NOOP", "250 OK")
            client.command("MAIL FROM:<a@example.com>", "530 Must issue a STARTTLS command first")
            client.command("VRFY <a@example.com>", "530 Must issue a STARTTLS command first")
            client.command("FOO", "530 Must issue a STARTTLS command first")
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("AUTH PLAIN \(SMTPAuthTests.plainAlice)", "530 Must issue a STARTTLS command first")
            client.command("STARTTLS", "220 Ready to start TLS")
            client.startTLS()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("MAIL FROM:<a@example.com>", "250 OK")
        }
        try server { $0.requireTLS = true }.run(dialogue, delivering: [])
    }

    @Test func implicitTLSServesFromTheFirstByte() throws {
        let client = Client()
        let dialogue = Dialogue {
            client.startTLS()
            client.expectGreeting()
            client.ehlo(extensions: ["SIZE 33554432", "8BITMIME", "PIPELINING", "AUTH PLAIN LOGIN", "HELP"])
            client.command("STARTTLS", "503 Error: TLS already active")
            client.command("AUTH LOGIN", "334 VXNlcm5hbWU6")
            client.command("YWxpY2U=", "334 UGFzc3dvcmQ6")
            client.command("d29uZGVybGFuZA==", "235 Authentication successful")
        }
        try server { $0.implicitTLS = true }.run(dialogue, delivering: [])
    }

    /// The trace header says how the message came: ESMTPSA (RFC 3848).
    @Test func theReceivedHeaderNamesTLSAndAuth() throws {
        let protocols = LogLines()
        let client = Client()
        let dialogue = Dialogue {
            client.startTLS()
            client.expectGreeting()
            client.send("EHLO example")
            client.skipLines(until: .exactly("250 HELP"))
            client.command("MAIL FROM:<a@example.com>", "250 OK")
            client.command("RSET", "250 OK")
            client.command("AUTH PLAIN \(SMTPAuthTests.plainAlice)", "235 Authentication successful")
            client.command("MAIL FROM:<a@example.com>", "250 OK")
        }
        let configuration = SMTPConfiguration.testing {
            $0.tls = SMTPStartTLSTests.context
            $0.implicitTLS = true
            $0.authenticator = SMTPAuthTests.table
        }
        let recorder = ServerUnderTest.smtp(configuration) {
            ProtocolRecorder(protocols: protocols)
        }
        try dialogue.run(against: recorder, chunking: .only(.whole))
        #expect(protocols.all == ["ESMTPS -", "ESMTPSA alice"])
    }

    /// Plaintext after the go-ahead reaches TLS, which refuses it: it is
    /// never read as a command.
    @Test func aHandshakeThatFailsIsLoggedAndTheSessionEnds() throws {
        let lines = LogLines()
        let client = Client()
        let dialogue = Dialogue {
            client.expectGreeting()
            client.command("STARTTLS", "220 Ready to start TLS")
            client.send("this is not TLS")
            client.skipToClose()
        }
        try server { $0.sessionLog = { lines.append($0) } }.run(dialogue, chunking: .only(.whole), delivering: [])
        #expect(lines.all.contains("TLS handshake failed: wrong version number after STARTTLS from unknown[peer-address]"))
    }

    /// The transcript of STARTTLS and AUTH, in-process (whole and a byte
    /// at a time: every split is the first test's), and through the
    /// scripted-peer command against smtp-server.
    @Test func theTLSTranscriptPassesInProcessAndOverTCP() throws {
        let dialogue = try transcript("tls/starttls-auth.txt")
        try server().run(dialogue, chunking: .only(.whole, .bytes), delivering: [
            Delivery(helo: "client.test", from: "alice@example.com", to: ["bob@example.com"],
                     data: Array("Subject: over TLS\r\n\r\nhello\r\n".utf8)),
        ])
        let folder = try TemporaryDirectory()
        defer { folder.remove() }
        let users = try folder.write(Array("alice:wonderland\n".utf8), to: "users")
        let smtp = try ChildProcess(product: "smtp-server", arguments: [
            "--port", "0", "--hostname", "mx.test", "--discard", "--quiet", "--auth-file", users,
            "--tls-cert", TestCertificates.server.chain, "--tls-key", TestCertificates.server.key,
        ])
        defer { smtp.kill() }
        let line = try #require(try smtp.readLine())
        let port = try #require(line.split(separator: ":").last.map(String.init))
        let script = TranscriptFolder.transcripts + "/tls/starttls-auth.txt"
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--port", port, "--chunking", "random:3", script])
        #expect(try peer.waitForExit(within: .seconds(60)) == .exited(0), "\(peer.outputText)\(peer.errorText)")
        #expect(peer.outputText == "ok    \(script) (1 run)\n1 passed, 0 failed, 0 skipped\n")
    }

    /// Python's smtplib: starttls(), login() (AUTH PLAIN, then LOGIN), and
    /// SMTP_SSL against implicit TLS, into a Maildir.
    @Test func smtplibStartsTLSAndLogsIn() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let starttls = try RealClientTests.startServer(maildir: maildir.path) {
            $0.tls = SMTPStartTLSTests.context
            $0.requireTLS = true
            $0.authenticator = SMTPAuthTests.table
            $0.requireAuthentication = true
        }
        defer { starttls.stop() }
        let implicit = try RealClientTests.startServer(maildir: maildir.path) {
            $0.tls = SMTPStartTLSTests.context
            $0.implicitTLS = true
            $0.authenticator = SMTPAuthTests.table
        }
        defer { implicit.stop() }
        let output = try RealClientTests.python(#"""
            import smtplib, ssl, sys
            context = ssl.create_default_context(cafile=sys.argv[2])
            with smtplib.SMTP('localhost', int(sys.argv[1]), timeout=30) as s:
                s.ehlo('client.test')
                print('plain', sorted(s.esmtp_features))
                try:
                    s.login('alice', 'wonderland')
                except smtplib.SMTPNotSupportedError as e:
                    print('no auth before tls')
                print(s.starttls(context=context))
                s.ehlo('client.test')
                print('tls', sorted(s.esmtp_features))
                try:
                    s.login('alice', 'wrong')
                except smtplib.SMTPAuthenticationError as e:
                    print('refused', e.smtp_code)
                print(s.login('alice', 'wonderland'))
                print(s.sendmail('alice@example.com', ['bob@example.com'], 'Subject: one\n\nover starttls\n'))
            with smtplib.SMTP_SSL('localhost', int(sys.argv[3]), context=context, timeout=30) as s:
                s.ehlo('client.test')
                s.user, s.password = 'alice', 'wonderland'
                print(s.auth('LOGIN', s.auth_login))
                print(s.sendmail('alice@example.com', ['bob@example.com'], 'Subject: two\n\nover implicit tls\n'))
            print('done')
            """#, arguments: [String(starttls.port), TestCertificates.authority, String(implicit.port)])
        #expect(output == """
            plain ['8bitmime', 'help', 'pipelining', 'size', 'starttls']
            no auth before tls
            (220, b'Ready to start TLS')
            tls ['8bitmime', 'auth', 'help', 'pipelining', 'size']
            refused 535
            (235, b'Authentication successful')
            {}
            (235, b'Authentication successful')
            {}
            done

            """)
        let stored = try maildir.files(in: "new").map { String(decoding: $0.content, as: UTF8.self) }.sorted()
        #expect(stored.count == 2)
        #expect(stored.allSatisfy { $0.contains("with ESMTPSA id ") }, "\(stored)")
        #expect(stored.contains { $0.hasSuffix("Subject: one\n\nover starttls\n") })
        #expect(stored.contains { $0.hasSuffix("Subject: two\n\nover implicit tls\n") })
    }
}

/// This file's folder's transcripts.
private enum TranscriptFolder {
    static let transcripts: String = {
        let parts = #filePath.split(separator: "/", omittingEmptySubsequences: false).dropLast()
        return parts.joined(separator: "/") + "/Transcripts"
    }()
}

/// Records the protocol name and user of each MAIL it accepts.
private final class ProtocolRecorder: SMTPHandler {
    let protocols: LogLines

    init(protocols: LogLines) {
        self.protocols = protocols
    }

    func mailFrom(_ transaction: SMTPTransaction, answer: SMTPAnswer) {
        protocols.append("\(transaction.protocolName) \(transaction.authenticatedUser ?? "-")")
        answer(.accept)
    }

    func endOfData(_ message: SMTPMessage, answer: SMTPAnswer) {
        answer(.accept)
    }
}
#endif
