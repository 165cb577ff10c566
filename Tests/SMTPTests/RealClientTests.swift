import AsyncCore
import SMTP
import TestSupport
import Testing

/// Real clients against a real server: Python's smtplib in a child process,
/// and 20 concurrent sessions, with the server on its own loop thread.
@Suite struct RealClientTests {
    /// Starts a Maildir server on 127.0.0.1 port 0 on a loop thread.
    static func startServer(maildir: String, _ change: @escaping @Sendable (inout SMTPConfiguration) -> Void) throws -> ServerThread {
        try ServerThread { loop in
            var configuration = SMTPConfiguration(hostname: "mx.test")
            change(&configuration)
            let server = try SMTPServer(configuration: configuration, handler: try MaildirHandler(directory: maildir, hostname: "mx.test"), loop: loop)
            try server.listen(on: .ipv4(port: 0))
            return try server.localAddress.port ?? 0
        }
    }

    /// Runs `python3 -c script port`; returns its standard output.
    static func python(_ script: String, port: UInt16) throws -> String {
        try python(script, arguments: [String(port)])
    }

    /// Runs `python3 -c script arguments...`; returns its standard output.
    static func python(_ script: String, arguments: [String]) throws -> String {
        let python = try ChildProcess(
            path: "/usr/bin/env", arguments: ["python3", "-c", script] + arguments,
            environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
        let status = try python.waitForExit(within: .seconds(60))
        #expect(status == .exited(0), "python3 failed: \(python.outputText)\(python.errorText)")
        return python.outputText
    }

    static let smtplibScript = #"""
        import smtplib, sys
        port = int(sys.argv[1])
        with smtplib.SMTP('127.0.0.1', port, timeout=30) as s:
            code, features = s.ehlo('client.test')
            print(code, sorted(s.esmtp_features))
            print(s.sendmail('alice@example.com', ['bob@example.com', 'carol@example.com'],
                             'Subject: one\n\nhello\n.leading dot\n'))
            print(s.sendmail('alice@example.com', ['bob@example.com'], b'Subject: two\r\n\r\nsecond\r\n'))
            print(s.sendmail('al\u00efce@example.com', ['b\u00f8b@example.com'],
                             'Subject: \u00fc\r\n\r\nh\u00e9llo\r\n'.encode(), mail_options=['SMTPUTF8', 'BODY=8BITMIME']))
            try:
                s.sendmail('a@example.com', ['b@example.com'], 'x' * 2000)
            except smtplib.SMTPSenderRefused as e:
                print('refused', e.smtp_code)
            s.rset()
            print(s.mail('a@example.com'), s.rcpt('b@example.com'))
            print(s.data('y' * 2000))
            print(s.noop())
            print(s.sendmail('a@example.com', ['b@example.com'], ''))  # smtplib sends one empty line
        print('done')
        """#

    @Test func smtplibDeliversIntoTheMaildir() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let server = try Self.startServer(maildir: maildir.path) {
            $0.enableSMTPUTF8 = true
            $0.maxMessageSize = 1000
        }
        defer { server.stop() }
        let output = try Self.python(Self.smtplibScript, port: server.port)
        #expect(output == """
            250 ['8bitmime', 'help', 'pipelining', 'size', 'smtputf8']
            {}
            {}
            {}
            refused 552
            (250, b'OK') (250, b'OK')
            (552, b'Error: Too much mail data')
            (250, b'OK')
            {}
            done

            """)
        // Each file: the envelope, the trace header, then the content. The
        // queue ID and the date are the server's; TraceHeaderTests pins them.
        let stored = try maildir.files(in: "new").map { String(decoding: $0.content, as: UTF8.self) }
        let received = /Received: from client\.test \(unknown \[127\.0\.0\.1\]\)\n\tby mx\.test \(SwiftAsyncore\) with (ESMTP|UTF8SMTP) id [0-9A-F]{12}(\n\tfor <[^>]+>)?; [A-Z][a-z]{2}, [0-9]{1,2} [A-Z][a-z]{2} [0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} \+0000\n/
        #expect(stored.allSatisfy { $0.firstMatch(of: received) != nil }, "\(stored)")
        #expect(stored.map { $0.replacing(received, with: "") }.sorted() == [
            "Return-Path: <a@example.com>\nDelivered-To: b@example.com\n\n",
            "Return-Path: <alice@example.com>\nDelivered-To: bob@example.com\nDelivered-To: carol@example.com\nSubject: one\n\nhello\n.leading dot\n",
            "Return-Path: <alice@example.com>\nDelivered-To: bob@example.com\nSubject: two\n\nsecond\n",
            "Return-Path: <al\u{EF}ce@example.com>\nDelivered-To: b\u{F8}b@example.com\nSubject: \u{FC}\n\nh\u{E9}llo\n",
        ])
        #expect(try maildir.files(in: "tmp").isEmpty)
    }

    @Test func twentyConcurrentSessions() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let box = MessageBox()
        let server = try SMTPServer(
            configuration: .testing(), handler: ClosureHandler { box.items.append($0); return .ok }, loop: loop)
        try server.listen(on: .ipv4(port: 0))
        let address = try server.localAddress
        let messagesPerSession = 5
        var clients: [LineClient] = []
        for session in 0..<20 {
            let client = LineClient(loop: loop)
            try client.connect(to: address)
            var script = "EHLO client\(session)\r\n"
            for message in 0..<messagesPerSession {
                script += "MAIL FROM:<s\(session)@client>\r\nRCPT TO:<m\(message)@mx>\r\nDATA\r\n"
                script += "Subject: \(session)/\(message)\r\n\r\n" + String(repeating: "line \(message)\r\n", count: 50) + ".\r\n"
            }
            try client.queue(script + "QUIT\r\n")
            clients.append(client)
        }
        try loop.run(until: { clients.allSatisfy(\.closed) })
        let perMessage = "250 OK\r\n250 OK\r\n354 End data with <CR><LF>.<CR><LF>\r\n250 OK\r\n"
        let expected = "220 mx.test ESMTP SwiftAsyncore\r\n250-mx.test\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-PIPELINING\r\n250 HELP\r\n"
            + String(repeating: perMessage, count: messagesPerSession) + "221 Bye\r\n"
        for client in clients { #expect(client.text == expected) }
        #expect(box.items.count == 20 * messagesPerSession)
        for session in 0..<20 {
            let mine = box.items.filter { $0.mailFrom == "s\(session)@client" }
            #expect(mine.map(\.recipients) == (0..<messagesPerSession).map { ["m\($0)@mx"] })
            #expect(mine.map(\.data.count) == (0..<messagesPerSession).map { "Subject: \(session)/\($0)\r\n\r\n".utf8.count + 50 * "line \($0)\r\n".utf8.count })
        }
        #expect(server.sessions.isEmpty)
    }
}
