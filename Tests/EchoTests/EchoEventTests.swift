import AsyncCore
import Echo
import Glibc
import ProtocolTesting
import Synchronization
import Testing

/// What the echo server reports through `onEvent`, exactly and once.
@Suite struct EchoEventTests {
    /// The events of every client of one run, in order; filled on the
    /// run's thread, read after it.
    private final class EventRecord: Sendable {
        let kinds = Mutex<[EchoEvent.Kind]>([])
    }

    @Test(arguments: EchoMode.allCases)
    func theServerReportsEachClientWithItsAddress(mode: EchoMode) throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let server = try EchoServer(address: .ipv4(port: 0), mode: mode, loop: loop)
        var events: [EchoEvent] = []
        server.onEvent = { events.append($0) }
        var client: TestClient? = try TestClient(connectingTo: try server.localAddress)
        let peer = try #require(try client?.socket.localAddress())
        try client?.sendSome(Array("hi\n".utf8)[...])
        try drive(loop) {
            try client?.receiveAvailable()
            return client?.received == Array("hi\n".utf8)
        }
        #expect(events == [EchoEvent(peer: peer, kind: .connected)])
        client = nil
        try drive(loop) { events.count == 2 }
        #expect(events.map(\.description) == ["\(peer): connected", "\(peer): disconnected"])
        #expect(events.last == EchoEvent(peer: peer, kind: .disconnected))
    }

    @Test func anOverlongLineIsReportedOnceAndTheCloseOnce() throws {
        let record = EventRecord()
        let server = ServerUnderTest.inProcess(setUp: { loop in
            { socket in
                let channel = try LineEchoChannel(socket: socket, options: try EchoOptions(maxLineLength: 8), loop: loop)
                channel.onEvent = { kind in record.kinds.withLock { $0.append(kind) } }
                return channel
            }
        })
        try Dialogue(transcript: "C: 123456789\nS: error: line too long\nC: short\nS: short\nC=\n", name: "overlong.txt").run(against: server)
        #expect(record.kinds.withLock { $0 } == [.lineRejected(limit: 8), .disconnected])
    }

    @Test(arguments: EchoMode.allCases)
    func aClientThatStopsReadingIsReportedPausedThenResumed(mode: EchoMode) throws {
        let loop = try EventLoop()
        defer { loop.closeAll() }
        let bound = 64 * 1024
        let server = try EchoServer(address: .ipv4(port: 0), mode: mode, options: try EchoOptions(maxPendingOutput: bound), loop: loop)
        var events: [EchoEvent.Kind] = []
        server.onEvent = { events.append($0.kind) }
        let client = try TestClient(connectingTo: try server.localAddress, receiveBuffer: 4096)
        let chunk = Array(repeating: Array(String(repeating: "x", count: 99).utf8) + [10], count: 160).flatMap { $0 }
        try drive(loop) {
            try client.sendSome(chunk[...])
            return events.count >= 2
        }
        guard case .readingPaused(let pending) = events[1] else {
            Issue.record("expected a pause after the connection: \(events)")
            return
        }
        #expect(pending >= bound)
        try drive(loop) {
            try client.receiveAvailable()
            return events.count >= 3
        }
        guard case .readingResumed(let left) = events[2] else {
            Issue.record("expected the pause to end: \(events)")
            return
        }
        #expect(left <= bound / 2)
    }
}
