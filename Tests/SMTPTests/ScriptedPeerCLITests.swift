import Foundation
import TestSupport
import Testing

/// The `scripted-peer` command with the SMTP transcripts against an SMTP
/// server listening on TCP, as a user would check `smtp-server --discard
/// --hostname mx.test`: the in-process transcripts double as black-box checks.
@Suite struct ScriptedPeerCLITests {
    private let transcripts = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Transcripts")

    private func path(_ name: String) -> String { transcripts.appendingPathComponent(name).path }

    @Test func theSMTPTranscriptsPassOverTCP() throws {
        let server = try TCPSMTPServer()
        let scripts = ["rfc/replies.txt", "rfc/data.txt", "smtpd/mode-binary.txt"].map(path)
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--port", "\(server.port)", "--chunking", "random:3"] + scripts)
        let status = try peer.waitForExit(within: .seconds(60))
        #expect(status == .exited(0), "\(peer.outputText)\(peer.errorText)")
        #expect(peer.outputText == scripts.map { "ok    \($0) (1 run)\n" }.joined() + "3 passed, 0 failed, 0 skipped\n")
        // The scripts ran one after the other, and the server saw what the in-process runs see.
        let delivered = server.delivered.map(Delivery.init)
        #expect(delivered.allSatisfy { $0.peer.family == .ipv4 })
        #expect(delivered.map { $0.from(.testPeer) } == SMTPRFCTests.contentDeliveries + SMTPDModeTests.binaryDeliveries)
    }

    @Test func aWrongTranscriptExitsWithOneAndPrintsTheDiff() throws {
        let server = try TCPSMTPServer()
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let wrong = "S: 220 mx.test ESMTP SwiftAsyncore\nC: HELO example\nS: 250 localhost\n"
        let script = try directory.write(Array(wrong.utf8), to: "wrong.txt")
        let peer = try ChildProcess(product: "scripted-peer", arguments: ["--port", "\(server.port)", path("smtpd/tcp-session.txt"), script])
        let status = try peer.waitForExit(within: .seconds(60))
        #expect(status == .exited(1), "\(peer.outputText)\(peer.errorText)")
        #expect(peer.outputText.hasSuffix("""
            FAIL  \(script)
                  dialogue "\(script)" failed at \(script):3 (chunking: whole)
                  transcript so far:
                    S: 220 mx.test ESMTP SwiftAsyncore
                    C: HELO example
                  expected: S: 250 localhost
                  received: S: 250 mx.test
                                   ^ first difference
            1 passed, 1 failed, 0 skipped

            """))
    }
}
