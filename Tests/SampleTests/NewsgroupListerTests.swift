import AsyncCore
import ProtocolTesting
import TestSupport
import Testing

/// AsyncChat's story runs: the lister switches its terminator before LIST and
/// gets the whole listing as one frame, however the server's bytes are cut.
@Suite("AsyncChat: the newsgroup lister")
struct NewsgroupListerTests {
    static let serverBytes = "200 news.example.com ready\r\n215 list follows\r\ncomp.lang.swift 10 1 y\r\nalt.test 3 1 y\r\n.\r\n"

    /// The kit's client plays the news server: `C:` is what the server
    /// sends, `S:` what the lister must answer.
    @Test func answersTheServerUnderEveryChunking() throws {
        let dialogue = try Dialogue(transcript: """
            C: 200 news.example.com ready
            S: LIST
            C: 215 list follows
            C: comp.lang.swift 10 1 y
            C: alt.test 3 1 y
            C: .
            S: QUIT
            S=
            """, name: "nntp-list.txt")
        try dialogue.run(against: .inProcess { socket, loop in try NewsgroupLister(socket: socket, loop: loop) }, chunking: .all())
    }

    @Test func getsEveryGroupFromBytesThatArriveOneAtATime() throws {
        let loop = try EventLoop()
        let (ours, server) = try Socket.pair()
        defer { server.close() }
        let lister = try NewsgroupLister(socket: ours, loop: loop)
        for byte in Array(Self.serverBytes.utf8) {
            #expect(try [byte].withUnsafeBytes { try server.send($0) } == 1)
            try loop.runPass(timeout: .zero)
        }
        try loop.run(until: { !lister.isOpen })
        #expect(lister.groups == ["comp.lang.swift", "alt.test"])
        var answer = [UInt8](repeating: 0, count: 64)
        let count = try answer.withUnsafeMutableBytes { try server.receive(into: $0) } ?? 0
        #expect(String(decoding: answer[0..<count], as: UTF8.self) == "LIST\r\nQUIT\r\n")
    }
}
