import AsyncCore
import Echo
import Glibc
import Testing

@Suite struct RawEchoServerTests {
    @Test(arguments: PollerBackend.allCases)
    func echoesExactBytesInOrder(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let server = try EchoServer(address: .ipv4(port: 0), mode: .raw, loop: loop)
        let client = try TestClient(connectingTo: try server.localAddress)

        try client.sendSome(Array("abc\n".utf8)[...])
        try drive(loop) {
            try client.receiveAvailable()
            return client.received.count >= 4
        }
        #expect(client.received == Array("abc\n".utf8))

        let payload = patternBytes(1 << 20)
        var offset = 0
        try drive(loop) {
            offset += try client.sendSome(payload[offset...])
            try client.receiveAvailable()
            return client.received.count >= 4 + payload.count
        }
        #expect(client.received.count == 4 + payload.count)
        #expect(client.received.dropFirst(4).elementsEqual(payload))
    }

    @Test func stopsReadingFromAClientThatDoesNotReadAndResumesWhenItDoes() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let bound = 64 * 1024
        let server = try EchoServer(address: .ipv4(port: 0), mode: .raw, options: try EchoOptions(maxPendingOutput: bound), loop: loop)
        let client = try TestClient(connectingTo: try server.localAddress, receiveBuffer: 4096)
        let chunk = patternBytes(16 * 1024)
        var handler: RawEchoHandler? { loop.dispatchers.lazy.compactMap { $0 as? RawEchoHandler }.first }
        try drive(loop) { handler != nil }
        try #require(handler?.socket).setOption(.sendBufferSize, to: Int(4096))

        // Push without reading until the server stops reading. Kernel buffers
        // take a few MiB at most; 256 MiB means the server never stopped.
        var largestBacklog = 0
        try drive(loop) {
            try client.sendSome(chunk[...])
            largestBacklog = max(largestBacklog, handler?.pendingOutputCount ?? 0)
            #expect(client.sent.count < 256 << 20, "the server kept reading")
            return handler?.isReadingPaused == true || client.sent.count >= 256 << 20
        }
        #expect(handler?.isReadingPaused == true)
        #expect(largestBacklog <= bound)
        #expect((handler?.pendingOutputCount ?? 0) > bound / 2)

        // While paused, more passes and more offered input change nothing.
        let sentAtPause = client.sent.count
        for _ in 0..<50 {
            try client.sendSome(chunk[...])
            try loop.runPass(timeout: .zero)
            #expect((handler?.pendingOutputCount ?? 0) <= bound)
            #expect(handler?.isReadingPaused == true)
        }
        #expect(client.sent.count - sentAtPause < 8 << 20, "the client's input went somewhere")

        // Once the client reads, the server drains its backlog, reads again
        // and echoes every byte.
        try drive(loop) {
            try client.receiveAvailable()
            #expect((handler?.pendingOutputCount ?? 0) <= bound)
            return client.received.count >= client.sent.count
        }
        #expect(client.received == client.sent)
        #expect(handler?.isReadingPaused == false)
    }

    @Test func flushesPendingEchoAfterHalfCloseThenCloses() throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let server = try EchoServer(address: .ipv4(port: 0), mode: .raw, loop: loop)
        let client = try TestClient(connectingTo: try server.localAddress, receiveBuffer: 4096)
        let payload = patternBytes(512 * 1024)
        var handler: RawEchoHandler? { loop.dispatchers.lazy.compactMap { $0 as? RawEchoHandler }.first }

        // A small kernel send buffer on the server's side keeps most of the
        // echo in the handler, where the test can see it.
        try drive(loop) { handler != nil }
        try #require(handler?.socket).setOption(.sendBufferSize, to: Int(4096))

        var offset = 0
        try drive(loop) {
            offset += try client.sendSome(payload[offset...])
            return offset == payload.count
        }
        try client.shutdownOutput()

        // The server must see the end of input while it still holds echo.
        var backlogAtEndOfInput = 0
        try drive(loop) {
            if let handler, handler.inputClosed {
                backlogAtEndOfInput = max(backlogAtEndOfInput, handler.pendingOutputCount)
            }
            return handler?.inputClosed == true
        }
        #expect(backlogAtEndOfInput > 0)

        try drive(loop) {
            try client.receiveAvailable()
            return client.receivedEndOfInput
        }
        #expect(client.received == payload)
        #expect(handler == nil, "the handler closed after flushing")
        #expect(loop.dispatchers.count == 1)
        #expect(server.isOpen)
    }

    @Test func rejectsANonPositiveBound() {
        #expect(throws: EchoOptionsError.maxPendingOutputNotPositive(0)) { try EchoOptions(maxPendingOutput: 0) }
    }
}
