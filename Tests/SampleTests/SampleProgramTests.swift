import AsyncCore
import Glibc
import ProtocolTesting
import TestSupport
import Testing

/// The sample programs run as the documents say: each is started as a
/// child process on a free port, and a dialogue checks what it serves.
@Suite("Sample programs run")
struct SampleProgramTests {
    /// Starts a sample program with its standard output line-buffered, as on
    /// a terminal (to a pipe, `print` would hold the announcement back), and
    /// returns it with the port it announced.
    static func start(_ product: String, _ arguments: [String] = [], input: ChildProcess.Input = .empty) throws -> (ChildProcess, UInt16) {
        let program = try ChildProcess(
            path: "/usr/bin/stdbuf", arguments: ["-oL", try BuiltProduct.path(product)] + arguments, input: input)
        let line = try #require(try program.readLine(), "\(product) printed nothing: \(program.errorText)")
        #expect(line.hasPrefix("listening on 127.0.0.1:"), "\(product): \(line)")
        let port = try #require(line.split(separator: ":").last.flatMap { UInt16($0) }, "\(product): \(line)")
        #expect(port != 0)
        return (program, port)
    }

    @Test func theDispatcherIn20LinesEchoesEveryByte() throws {
        let (program, port) = try Self.start("sample-dispatcher-echo")
        defer { program.kill() }
        let dialogue = try Dialogue(transcript: """
            C: hello
            S: hello
            C< no line end, \\x00 and \\xff
            S< no line end, \\x00 and \\xff
            @other C: a second client
            @other S: a second client
            C-
            S=
            """, name: "dispatcher-echo.txt")
        try dialogue.run(against: .tcp(host: "127.0.0.1", port: port))
        #expect(program.isRunning, "the server ended: \(program.errorText)")
    }

    @Test func theLoopThreadServesWhileTheMainThreadWorksThenStops() throws {
        let (program, port) = try Self.start("sample-loop-thread", input: .open)
        defer { program.kill() }
        let dialogue = try Dialogue(transcript: """
            S~ ^220 .*
            C: EHLO client.example
            S* ^250 .*
            C: QUIT
            S: 221 Bye
            S=
            """, name: "loop-thread.txt")
        try dialogue.run(against: .tcp(host: "127.0.0.1", port: port))
        try program.write(Array("some work\n".utf8))
        #expect(try program.readLine() == "main thread read: some work")
        program.closeInput()
        #expect(try program.waitForExit() == .exited(0), "\(program.errorText)")
    }

    @Test func theEchoServerEchoesLinesAndPrintsItsEvents() throws {
        let (program, port) = try Self.start("sample-echo-server")
        defer { program.kill() }
        let dialogue = try Dialogue(transcript: "C: hello\nS: hello\nC-\nS=\n", name: "echo.txt")
        try dialogue.run(against: .tcp(host: "127.0.0.1", port: port))
        #expect(try program.waitForLine(containing: ": connected").hasPrefix("127.0.0.1:"))
        #expect(try program.waitForLine(containing: ": disconnected").hasPrefix("127.0.0.1:"))
    }

    @Test func theChatServerPrintsItsEventsAndStopsOnSIGTERM() throws {
        let (program, port) = try Self.start("sample-chat-server")
        defer { program.kill() }
        let dialogue = try Dialogue(transcript: """
            S: *** Welcome to the chat room
            S: *** Choose a nick with /nick NAME
            C: /nick alice
            S: *** You are now known as alice
            S: *** In the room: alice
            C: hello
            S: <alice> hello
            C: /quit
            S: *** Goodbye
            S=
            """, name: "chat.txt")
        try dialogue.run(against: .tcp(host: "127.0.0.1", port: port))
        #expect(try program.waitForLine(containing: "alice joined").hasPrefix("127.0.0.1:"))
        #expect(try program.waitForLine(containing: "message from alice delivered to 1 member").hasPrefix("127.0.0.1:"))
        program.send(signal: SIGTERM)
        #expect(try program.waitForExit() == .exited(0), "\(program.errorText)")
    }

    @Test func theSMTPServerStoresAMessageInItsMaildir() throws {
        let maildir = try TemporaryDirectory()
        defer { maildir.remove() }
        let (program, port) = try Self.start("sample-smtp-maildir", [maildir.path])
        defer { program.kill() }
        let dialogue = try Dialogue(transcript: """
            S: 220 mx.example.com ESMTP SwiftAsyncore
            C: EHLO client.example
            S* ^250 HELP$
            C: MAIL FROM:<a@example.com>
            S: 250 OK
            C: RCPT TO:<b@example.com>
            S: 250 OK
            C: DATA
            S: 354 End data with <CR><LF>.<CR><LF>
            C: Subject: hi
            C:
            C: hello
            C: .
            S: 250 OK
            C: QUIT
            S: 221 Bye
            S=
            """, name: "smtp.txt")
        try dialogue.run(against: .tcp(host: "127.0.0.1", port: port))
        let stored = try maildir.files(in: "new")
        try #require(stored.count == 1)
        let message = String(decoding: stored[0].content, as: UTF8.self)
        #expect(message.hasSuffix("Subject: hi\n\nhello\n"), "\(message)")
    }
}
