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
    static func start(_ product: String, input: ChildProcess.Input = .empty) throws -> (ChildProcess, UInt16) {
        let program = try ChildProcess(
            path: "/usr/bin/stdbuf", arguments: ["-oL", try BuiltProduct.path(product)], input: input)
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
}
