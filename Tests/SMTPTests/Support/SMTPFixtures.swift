import AsyncCore
import ProtocolTesting
import SMTP

extension SMTPConfiguration {
    /// The configuration of the ported tests: host name `mx.test`, so the
    /// greeting and the HELO replies are the same on every machine.
    static func testing(_ change: (inout SMTPConfiguration) -> Void = { _ in }) -> SMTPConfiguration {
        var configuration = SMTPConfiguration(hostname: "mx.test")
        change(&configuration)
        return configuration
    }
}

extension SocketAddress {
    /// The client address the in-process channels are given, as test_smtpd's
    /// `peer-address`: the DebuggingServer prints it.
    static let testPeer = SocketAddress.ipv4(host: "peer-address", port: 4000)
}

extension ServerUnderTest {
    /// An `SMTPChannel` on each connection, made as `SMTPServer` makes one
    /// for an accepted socket. `handler` is called once per run (the kit makes
    /// a fresh server for every chunking), and the handler it makes serves
    /// all of that run's connections.
    static func smtp(
        _ configuration: SMTPConfiguration, handler: @escaping @Sendable () -> any SMTPHandler
    ) -> ServerUnderTest {
        .inProcess(setUp: { loop in
            let handler = handler()
            return { socket in
                try SMTPChannel(socket: socket, peer: .testPeer, configuration: configuration, handler: handler, loop: loop)
            }
        })
    }
}

/// A transcript kept in `Transcripts/`, named in reports by that path.
/// `testFile` defaults to the calling test's file, whose folder holds `Transcripts/`.
func transcript(_ name: String, testFile: String = #filePath) throws -> Dialogue {
    try Dialogue(contentsOfFile: "Transcripts/\(name)", relativeTo: testFile)
}

extension Client {
    /// The server's greeting, with the host name of `SMTPConfiguration.testing`.
    func expectGreeting(file: String = #fileID, line: Int = #line) -> DialogueStep {
        expect("220 mx.test ESMTP SwiftAsyncore", file: file, line: line)
    }

    /// Sends `command` and expects exactly `replies`, in order.
    func command(_ command: String, _ replies: String..., file: String = #fileID, line: Int = #line) -> [DialogueStep] {
        [send(command, file: file, line: line)] + replies.map { expect($0, file: file, line: line) }
    }

    /// `EHLO name`, answered by mx.test with `extensions`, one line each.
    func ehlo(_ name: String = "example", extensions: [String], file: String = #fileID, line: Int = #line) -> [DialogueStep] {
        let lines = ["mx.test"] + extensions
        let replies = lines.indices.map { (($0 == lines.count - 1) ? "250 " : "250-") + lines[$0] }
        return [send("EHLO \(name)", file: file, line: line)] + replies.map { expect($0, file: file, line: line) }
    }
}
