import AsyncCore
import Glibc
import TestSupport
import Testing

/// The built `smtp-server` binary, run as a user would run it, with Python's
/// smtplib as the client.
@Suite(.serialized) struct SMTPServerProgramTests {
    /// Starts the server on a free port; returns it and the port it announced.
    /// SIGTERM and SIGINT start blocked, as a child of a libdispatch thread
    /// (this test runner's, say) inherits them.
    func startServer(_ arguments: [String]) throws -> (ChildProcess, UInt16) {
        let server = try ChildProcess(product: "smtp-server", arguments: ["--port", "0"] + arguments, blockedSignals: [SIGTERM, SIGINT])
        let line = try #require(try server.readLine(), "no first line; standard error: \(server.errorText)")
        #expect(line.hasPrefix("listening on 127.0.0.1:"))
        let port = try #require(UInt16(line.dropFirst("listening on 127.0.0.1:".count)))
        #expect(port != 0)
        return (server, port)
    }

    /// Two messages, the second from and to SMTPUTF8 addresses with an 8-bit
    /// body. smtplib sends bytes as given, with CRLF line ends.
    static let smtplibScript = #"""
        import smtplib, sys
        with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30) as s:
            s.ehlo('client.test')
            print(s.sendmail('alice@example.com', ['bob@example.com'],
                             b'Subject: one\r\n\r\nhello\r\n.leading dot\r\n'))
            print(s.sendmail('al\u00efce@example.com', ['b\u00f8b@example.com'],
                             'Subject: two\r\n\r\nh\u00e9llo\r\n'.encode(), mail_options=['SMTPUTF8', 'BODY=8BITMIME']))
        print('sent')
        """#

    @Test func storesWhatSmtplibSendsInTheMaildirAndExits0OnSIGTERM() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let (server, port) = try startServer(["--maildir", maildir.path, "--smtputf8", "--size", "33554432"])

        let client = try ChildProcess(
            path: "/usr/bin/env", arguments: ["python3", "-c", Self.smtplibScript, String(port)],
            environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
        #expect(try client.waitForExit() == .exited(0), "smtplib failed: \(client.errorText)")
        #expect(String(decoding: client.output, as: UTF8.self) == "{}\n{}\nsent\n")

        // The envelope, the trace header (the server's queue ID and date), then the content.
        let stored = try maildir.files(in: "new").map { String(decoding: $0.content, as: UTF8.self) }
        let received = /Received: from client\.test \(unknown \[127\.0\.0\.1\]\)\n\tby [^ ]+ \(SwiftAsyncore\) with (ESMTP|UTF8SMTP) id [0-9A-F]{12}\n\tfor <[^>]+>; [^\n]+ \+0000\n/
        #expect(stored.map { $0.replacing(received, with: "") }.sorted() == [
            "Return-Path: <alice@example.com>\nDelivered-To: bob@example.com\nSubject: one\n\nhello\n.leading dot\n",
            "Return-Path: <al\u{EF}ce@example.com>\nDelivered-To: b\u{F8}b@example.com\nSubject: two\n\nh\u{e9}llo\n",
        ])
        #expect(try maildir.files(in: "tmp").isEmpty)

        server.send(signal: SIGTERM)
        #expect(try server.waitForExit(within: .seconds(10)) == .exited(0))
        #expect(server.errorText.contains("SIGTERM"))
    }

    /// One message over a raw connection, pipelined; returns the reply to its final dot.
    private func sendOneMessage(to port: UInt16) throws -> (String?, SocketAddress) {
        let session = LineClient(try #require(try LocalPeer.connect(port: port)))
        #expect(try session.readLine()?.hasPrefix("220 ") == true)
        try session.send("HELO client.test\r\nMAIL FROM:<alice@example.com>\r\nRCPT TO:<bob@example.com>\r\nRCPT TO:<carol@example.com>\r\nDATA")
        for _ in 0..<5 { _ = try session.readLine() }
        try session.send("Subject: hi\r\n\r\nhello\r\n.\r\nQUIT")
        let reply = try session.readLine()
        _ = try session.readToEnd()
        return (reply, try session.peer.address)
    }

    /// Postfix's smtpd lines: the session, each message with its envelope
    /// and size, each recipient's fate with the reply; never the content.
    @Test func eachSessionAndMessageIsLoggedAsPostfixDoes() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let (server, port) = try startServer(["--maildir", maildir.path])
        let (delivered, firstPeer) = try sendOneMessage(to: port)
        #expect(delivered == "250 OK")
        // The Maildir is gone: the next message cannot be stored.
        maildir.remove()
        let (rejected, secondPeer) = try sendOneMessage(to: port)
        #expect(rejected?.hasPrefix("451 ") == true)
        server.send(signal: SIGTERM)
        #expect(try server.waitForExit(within: .seconds(10)) == .exited(0))
        let lines = server.errorText.split(separator: "\n").map { String($0.replacing(/[0-9A-F]{12}/, with: "ID")) }
        #expect(firstPeer.host == "127.0.0.1" && secondPeer.host == "127.0.0.1")
        let session = [
            "smtp-server: connect from unknown[127.0.0.1]",
            "smtp-server: ID: client=unknown[127.0.0.1]",
            "smtp-server: ID: from=<alice@example.com>, size=22, nrcpt=2",
        ]
        let end = "smtp-server: disconnect from unknown[127.0.0.1] helo=1 mail=1 rcpt=2 data=1 quit=1 commands=6"
        let stored = session + [
            "smtp-server: ID: to=<bob@example.com>, status=sent (250 OK)",
            "smtp-server: ID: to=<carol@example.com>, status=sent (250 OK)", end,
        ]
        let failed = session + [
            "smtp-server: ID: to=<bob@example.com>, status=deferred (\(rejected ?? ""))",
            "smtp-server: ID: to=<carol@example.com>, status=deferred (\(rejected ?? ""))", end,
        ]
        let sessions = lines.filter { !$0.hasPrefix("smtp-server: open-file") && !$0.contains("SIGTERM") }
        #expect(sessions == stored + failed)
        #expect(!server.errorText.contains("hello"))
    }

    @Test func quietLogsNothing() throws {
        let (server, port) = try startServer(["--discard", "--quiet"])
        #expect(try sendOneMessage(to: port).0 == "250 OK")
        server.send(signal: SIGTERM)
        #expect(try server.waitForExit(within: .seconds(10)) == .exited(0))
        #expect(server.errorText == "")
    }

    @Test func aTakenPortIsOneLineNamingTheAddressAndStatus1() throws {
        let (first, port) = try startServer(["--discard"])
        let second = try ChildProcess(product: "smtp-server", arguments: ["--port", String(port)])
        #expect(try second.waitForExit() == .exited(1))
        #expect(second.errorText == "smtp-server: cannot listen on 127.0.0.1:\(port): bind failed: Address already in use (EADDRINUSE)\n")
        first.send(signal: SIGTERM)
        #expect(try first.waitForExit(within: .seconds(10)) == .exited(0))
    }

    @Test func sigtermAnswersAnOpenSession421AndExits0() throws {
        let (server, port) = try startServer(["--discard", "--hostname", "mx.test"])
        let session = try #require(try LocalPeer.connect(port: port))
        let greeting = Array("220 mx.test ESMTP SwiftAsyncore\r\n".utf8)
        #expect(try session.receive { $0.count >= greeting.count } == greeting)

        server.send(signal: SIGTERM)
        let goodbye = try session.receive { _ in false }
        #expect(String(decoding: goodbye, as: UTF8.self) == "421 mx.test Service shutting down\r\n")
        #expect(try server.waitForExit(within: .seconds(10)) == .exited(0))
    }

    @Test func helpExits0() throws {
        let server = try ChildProcess(product: "smtp-server", arguments: ["--help"])
        #expect(try server.waitForExit() == .exited(0))
        #expect(String(decoding: server.output, as: UTF8.self).hasPrefix("usage: smtp-server"))
    }

    @Test(arguments: [["--bogus"], ["--port", "65536"], ["--maildir", "/tmp", "--discard"], ["--size"], ["--timeout", "0"], ["--timeout", "300"]])
    func aBadCommandLineExits2(arguments: [String]) throws {
        let server = try ChildProcess(product: "smtp-server", arguments: arguments)
        #expect(try server.waitForExit() == .exited(2))
        #expect(server.output.isEmpty)
        #expect(server.errorText.hasPrefix("smtp-server: "))
    }

    /// A disk that fails: the server runs with a file size limit of 4 KiB
    /// (RLIMIT_FSIZE, set in its own shell, with SIGXFSZ ignored so a write
    /// past it fails with EFBIG). The large message is answered 451 and
    /// leaves nothing behind; the server goes on and stores the next one.
    @Test(.disabled(if: ThreadSanitizer.isRunning, "ThreadSanitizer's runtime faults (SIGBUS) under a 4 KiB file size limit"))
    func aFailingDiskIsA451AndTheServerGoesOn() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let command = "trap '' XFSZ; ulimit -f 4; exec \"$0\" --port 0 --quiet --maildir \"$1\""
        let server = try ChildProcess(
            path: "/bin/bash", arguments: ["-c", command, try BuiltProduct.path("smtp-server"), maildir.path],
            blockedSignals: [SIGTERM, SIGINT])
        let line = try #require(try server.readLine(), "no first line; standard error: \(server.errorText)")
        let port = try #require(UInt16(line.dropFirst("listening on 127.0.0.1:".count)))
        let script = #"""
            import smtplib, sys
            with smtplib.SMTP('127.0.0.1', int(sys.argv[1]), timeout=30) as s:
                try:
                    s.sendmail('a@example.com', ['b@example.com'], 'Subject: big\r\n\r\n' + 'x' * 20000 + '\r\n')
                except smtplib.SMTPDataError as error:
                    print(error.smtp_code, error.smtp_error.decode())
                print(s.sendmail('a@example.com', ['b@example.com'], 'Subject: small\r\n\r\nhi\r\n'))
            """#
        let client = try ChildProcess(
            path: "/usr/bin/env", arguments: ["python3", "-c", script, String(port)],
            environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
        #expect(try client.waitForExit() == .exited(0), "smtplib failed: \(client.errorText)")
        #expect(client.outputText == "451 Error: could not store the message\n{}\n")
        let stored = try maildir.files(in: "new").map { String(decoding: $0.content, as: UTF8.self) }
        #expect(stored.count == 1 && stored[0].hasSuffix("Subject: small\n\nhi\n"))
        #expect(try maildir.files(in: "tmp").isEmpty)
        server.send(signal: SIGTERM)
        #expect(try server.waitForExit(within: .seconds(10)) == .exited(0))
    }
}
