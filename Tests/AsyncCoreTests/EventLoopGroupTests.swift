import AsyncCore
import Glibc
import TestSupport
import Testing

/// `EventLoopGroup`: loops on threads of their own, one address served by
/// all of them, connections shared out in turn.
@Suite("Event loop group")
struct EventLoopGroupTests {
    private struct SetupFailure: Error, Equatable {}

    /// A server that does not listen: it echoes the connections it is
    /// handed and counts them, noting whether each came on its own loop.
    private final class HandedEchoServer: Dispatcher {
        var handed = 0
        var allOnItsLoop = true

        override func writable() -> Bool { false }

        override func handleAccepted(socket: Socket, address: SocketAddress) throws {
            handed += 1
            allOnItsLoop = allOnItsLoop && loop.handle.isOnLoopThread
            _ = try EchoHandler(socket: socket, loop: loop)
        }
    }

    /// A thread name prefix no other test uses, short enough for `-N` to fit Linux's 15 bytes.
    private static func uniquePrefix() -> String {
        "g\(UInt32.random(in: 0...UInt32.max) % 1_000_000)"
    }

    private static func threadNames() -> [String] {
        guard let tasks = opendir("/proc/self/task") else { return [] }
        defer { closedir(tasks) }
        var names: [String] = []
        while let entry = readdir(tasks) {
            let task = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard task.first?.isNumber == true, let file = fopen("/proc/self/task/\(task)/comm", "r") else { continue }
            var buffer = [CChar](repeating: 0, count: 64)
            if fgets(&buffer, 64, file) != nil {
                names.append(String(decoding: buffer.prefix { $0 != 0 && $0 != 10 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            fclose(file)
        }
        return names
    }

    private static func echo(_ text: String, at address: SocketAddress) throws -> [UInt8] {
        let client = try PeerSocket.connect(to: address)
        defer { client.close() }
        let line = Array(text.utf8)
        try client.send(line)
        return try client.receive(count: line.count)
    }

    @Test func theLoopsRunOnNamedThreadsAndNextGoesRoundThemInOrder() throws {
        let prefix = Self.uniquePrefix()
        let (group, names) = try EventLoopGroup.start(loops: 3, name: prefix) { loop in "\(loop.handle)" }
        #expect(names.enumerated().allSatisfy { index, name in name.hasSuffix("(thread '\(prefix)-\(index)')") }, "\(names)")
        let running = Self.threadNames()
        #expect((0..<3).allSatisfy { running.contains("\(prefix)-\($0)") })
        let handles = group.handles
        #expect((0..<6).map { _ in group.next() }.map { handle in handles.firstIndex { $0 === handle } } == [0, 1, 2, 0, 1, 2])
        group.stop()
        group.stop()
        #expect(!Self.threadNames().contains { $0.hasPrefix("\(prefix)-") })
    }

    @Test func aGroupWithoutLoopsIsRefused() throws {
        #expect(throws: EventLoopGroupError.noLoops(0)) { _ = try EventLoopGroup(loops: 0) }
        #expect("\(EventLoopGroupError.noLoops(0))" == "an event loop group needs at least one loop, not 0")
    }

    @Test func aSetupErrorIsThrownAsThrownAndTheLoopsAlreadyStartedAreStopped() throws {
        let prefix = Self.uniquePrefix()
        let attempt = SharedState(0)
        #expect(throws: SetupFailure()) {
            _ = try EventLoopGroup.start(loops: 3, name: prefix) { _ in
                var number = 0
                attempt.update { $0 += 1; number = $0 }
                if number == 3 { throw SetupFailure() }
            }
        }
        #expect(attempt.current == 3)
        #expect(!Self.threadNames().contains { $0.hasPrefix("\(prefix)-") })
    }

    @Test(arguments: [1, 2, 4])
    func servingSharesTheConnectionsOutInTurnEachOnItsServersLoop(loops: Int) throws {
        let (group, servers) = try EventLoopGroup.start(loops: loops) { loop in LoopBound(HandedEchoServer(loop: loop), loop: loop) }
        defer { group.stop() }
        let address = try group.serve(.ipv4(host: "127.0.0.1", port: 0), handingTo: servers)
        for index in 0..<(3 * loops) {
            #expect(try Self.echo("connection \(index)\n", at: address) == Array("connection \(index)\n".utf8))
        }
        for server in servers {
            let (handed, onItsLoop) = try server.handle.submitAndWait { _ in (server.value.handed, server.value.allOnItsLoop) }
            #expect(handed == 3)
            #expect(onItsLoop)
        }
    }

    @Test func theAsyncFormsStartAndServeWithoutHoldingAThread() async throws {
        let (group, servers) = try await EventLoopGroup.start(loops: 2) { loop in LoopBound(HandedEchoServer(loop: loop), loop: loop) }
        defer { group.stop() }
        let address = try await group.serve(.ipv4(host: "127.0.0.1", port: 0), handingTo: servers)
        #expect(try Self.echo("async\n", at: address) == Array("async\n".utf8))
    }

    @Test func serversMadeByTheGroupServeToo() throws {
        let group = try EventLoopGroup(loops: 2)
        defer { group.stop() }
        let address = try group.serve(.ipv4(host: "127.0.0.1", port: 0)) { loop in HandedEchoServer(loop: loop) }
        #expect(try Self.echo("made on each loop\n", at: address) == Array("made on each loop\n".utf8))
        #expect(try Self.echo("and the next\n", at: address) == Array("and the next\n".utf8))
    }

    @Test func aSecondServerCannotTakeTheGroupsPort() throws {
        let group = try EventLoopGroup(loops: 2)
        defer { group.stop() }
        let address = try group.serve(.ipv4(host: "127.0.0.1", port: 0)) { loop in HandedEchoServer(loop: loop) }
        let other = try EventLoopGroup(loops: 1)
        defer { other.stop() }
        let error = #expect(throws: SystemError.self) {
            try other.serve(address) { loop in HandedEchoServer(loop: loop) }
        }
        #expect(error?.call == .bind)
        #expect(error?.errno == .addressInUse)
    }

    @Test func servingWithoutServersIsRefused() throws {
        let group = try EventLoopGroup(loops: 1)
        defer { group.stop() }
        #expect(throws: EventLoopGroupError.noServers) {
            try group.serve(.ipv4(host: "127.0.0.1", port: 0), handingTo: [LoopBound<HandedEchoServer>]())
        }
    }

    @Test func afterStopAcceptingNewClientsAreRefusedAndOpenOnesStillServed() throws {
        let group = try EventLoopGroup(loops: 2)
        defer { group.stop() }
        let address = try group.serve(.ipv4(host: "127.0.0.1", port: 0)) { loop in HandedEchoServer(loop: loop) }
        let open = try PeerSocket.connect(to: address)
        defer { open.close() }
        try open.send(Array("before\n".utf8))
        #expect(try open.receive(count: 7) == Array("before\n".utf8))
        group.stopAccepting()
        // The close happens on the first loop's next pass: wait for it there.
        try group.handles[0].submitAndWait { _ in }
        #expect(throws: SystemError(.connect, errno: .connectionRefused)) { _ = try PeerSocket.connect(to: address) }
        try open.send(Array("after\n".utf8))
        #expect(try open.receive(count: 6) == Array("after\n".utf8))
    }
}
