#if TLS
import AsyncChat
import AsyncCore
import AsyncTLS
import TestSupport
import Testing

/// How bytes and the end of a connection travel through TLS: every record
/// split into single bytes, a backlog larger than the sockets hold,
/// decrypted input handed out without a socket event, and close_notify.
@Suite("TLS streams")
struct TLSStreamTests {
    /// A relay between client and server moves one byte per pass each way:
    /// every record, the handshake's included, arrives split at every position.
    @Test func recordsSplitIntoSingleBytesStillArrive() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let (serverSocket, serverRelay) = try Socket.pair()
        let (clientSocket, clientRelay) = try Socket.pair()
        defer { serverRelay.close(); clientRelay.close() }
        let server = try LineChannel(socket: serverSocket, loop: loop)
        server.reply = { "echo " + $0 }
        try server.upgrade(to: TLSLayer(socket: serverSocket, context: try serverContext()))
        let client = try LineChannel(socket: clientSocket, loop: loop)
        try client.upgrade(to: TLSLayer(socket: clientSocket, context: try clientContext(), serverName: "localhost"))
        client.push("one\r\ntwo\r\n")
        let deadline = Deadline(.seconds(20))
        var byte: UInt8 = 0
        func relayOne(from: Socket, to: Socket) throws {
            guard try withUnsafeMutableBytes(of: &byte, { try from.receive(into: $0) }) == 1 else { return }
            _ = try withUnsafeBytes(of: &byte) { try to.send($0) }
        }
        while client.lines.count < 2, !deadline.hasPassed {
            try loop.runPass(timeout: .zero)
            try relayOne(from: clientRelay, to: serverRelay)
            try relayOne(from: serverRelay, to: clientRelay)
        }
        #expect(server.lines == ["one", "two"])
        #expect(client.lines == ["echo one", "echo two"])
    }

    /// Small socket buffers, 2,000 lines each way: the layer holds what the
    /// socket does not take, and nothing is lost or reordered.
    @Test(arguments: PollerBackend.allCases)
    func aBacklogLargerThanTheSocketsArrivesWhole(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        for socket in [pair.server.socket, pair.client.socket].compactMap({ $0 }) {
            try socket.setOption(.sendBufferSize, to: 4096)
            try socket.setOption(.receiveBufferSize, to: 4096)
        }
        let lines = (0..<2000).map { "line \($0) " + String(repeating: "x", count: $0 % 700) }
        for line in lines { pair.client.push(line + "\r\n") }
        try loop.run(until: { pair.client.lines.count == lines.count })
        #expect(pair.server.lines == lines)
        #expect(pair.client.lines == lines.map { "echo " + $0 })
    }

    /// The reader takes 3 bytes per call; the rest of the record stays
    /// decrypted inside OpenSSL, and still arrives with no socket event.
    @Test(arguments: PollerBackend.allCases)
    func decryptedInputIsHandedOutWithoutASocketEvent(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (serverSocket, clientSocket) = try Socket.pair()
        let reader = try SmallReader(socket: serverSocket, loop: loop)
        try reader.upgrade(to: TLSLayer(socket: serverSocket, context: try serverContext()))
        let client = try LineChannel(socket: clientSocket, loop: loop)
        try client.upgrade(to: TLSLayer(socket: clientSocket, context: try clientContext(), serverName: "localhost"))
        let text = Array("alpha\r\nbeta\r\ngamma\r\ndelta\r\n".utf8)
        client.push(text)
        try loop.run(until: { reader.received.count == text.count })
        #expect(reader.received == text)
    }

    @Test func closeWhenDoneSendsCloseNotifyAfterTheLastReply() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        pair.server.reply = nil
        pair.server.onLine = { channel, line in
            channel.push("bye " + line + "\r\n")
            channel.closeWhenDone()
        }
        pair.client.push("QUIT\r\n")
        try loop.run(until: { pair.client.closed })
        #expect(pair.client.lines == ["bye QUIT"])
        #expect(pair.client.endOfInput)
        #expect(pair.clientLayer.receivedCloseNotify)
        #expect(pair.client.errors.isEmpty)
    }

    @Test func aFinWithoutCloseNotifyIsTheEndOfInputAndSaysSo() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        pair.server.reply = nil
        pair.server.onLine = { channel, line in
            channel.push("bye\r\n")
            // Under the layer: a plain FIN once the reply has left.
            channel.onLine = nil
        }
        pair.client.push("QUIT\r\n")
        try loop.run(until: { pair.client.lines == ["bye"] })
        try pair.server.socket?.shutdown(.write)
        try loop.run(until: { pair.client.closed })
        #expect(pair.client.endOfInput)
        #expect(!pair.clientLayer.receivedCloseNotify)
    }

    /// The client says everything, then half-closes with close_notify and
    /// a FIN; the server answers every line before it closes.
    @Test func aHalfCloseDeliversEveryReply() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let pair = try TLSPair(loop: loop)
        pair.client.push("a\r\nb\r\nc\r\n")
        pair.client.shutdownOutputWhenDone()
        try loop.run(until: { pair.client.closed })
        #expect(pair.server.lines == ["a", "b", "c"])
        #expect(pair.server.endOfInput)
        #expect(pair.serverLayer.receivedCloseNotify)
        #expect(pair.client.lines == ["echo a", "echo b", "echo c"])
        #expect(pair.clientLayer.receivedCloseNotify)
    }

    private func serverContext() throws -> TLSContext {
        try TLSContext(certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.server.key)
    }

    private func clientContext() throws -> TLSContext {
        try TLSContext(trust: .certificates(file: TestCertificates.authority))
    }
}

/// Reads three bytes per read event.
private final class SmallReader: Dispatcher {
    var received: [UInt8] = []
    override func writable() -> Bool { false }
    override func handleRead() throws {
        received += try recv(3)
    }
}
#endif
