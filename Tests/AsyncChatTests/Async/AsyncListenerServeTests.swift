import AsyncChat
import AsyncCore
import TestSupport
import Testing

/// `AsyncListener.serve`: a handler per client in child tasks on the loop,
/// and cancellation that reaches every handler's connection.
@Suite struct AsyncListenerServeTests {
    private let options = AsyncConnectionOptions(terminator: .lf)

    private func startEcho(on thread: EventLoopThread) async throws -> (AsyncListener, Task<ConnectionError?, Never>) {
        let listener = try await AsyncListener.bind(to: .ipv4("127.0.0.1", port: 0), options: options, loop: thread.handle)
        let executor = thread.handle.executor
        let server = Task { () async -> ConnectionError? in
            do throws(ConnectionError) {
                try await listener.serve { connection in
                    do {
                        for try await line in connection.frames {
                            // Each handler runs on the loop's thread.
                            try await connection.write(executor.isCurrentThread ? line : Array("off the loop".utf8)[...])
                            try await connection.write("\n")
                        }
                        try await connection.close()
                    } catch {}
                }
                return nil
            } catch {
                return error
            }
        }
        return (listener, server)
    }

    @Test func everyClientIsServedInItsOwnTaskOnTheLoop() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let (listener, server) = try await startEcho(on: thread)
        let replies = try await withTimeLimit(.seconds(20)) {
            try await withThrowingTaskGroup(of: [String].self) { group in
                for client in 0..<3 {
                    group.addTask {
                        let connection = try await AsyncConnection.connect(to: listener.localAddress, options: options, loop: thread.handle)
                        try await connection.write("\(client) one\n\(client) two\n")
                        try await connection.shutdownOutput()
                        var lines: [String] = []
                        for try await line in connection.frames { lines.append(String(decoding: line, as: UTF8.self)) }
                        return lines
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
        }
        #expect(Set(replies) == Set((0..<3).map { ["\($0) one", "\($0) two"] }))
        await listener.close()
        let ended = try await withTimeLimit(.seconds(20)) { await server.value }
        #expect(ended == nil, "serve returns once the listener is closed")
    }

    @Test func cancellingTheServingTaskEndsEveryHandlersWaitAndTheListener() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let (listener, server) = try await startEcho(on: thread)
        let client = try await AsyncConnection.connect(to: listener.localAddress, options: options, loop: thread.handle)
        let echoed = try await withTimeLimit(.seconds(20)) {
            try await client.write("ping\n")
            return try await client.nextFrame().map { String(decoding: $0, as: UTF8.self) }
        }
        #expect(echoed == "ping")
        // The handler now waits for the client's next line.
        server.cancel()
        let ended = try await withTimeLimit(.seconds(20)) { await server.value }
        #expect(ended == .cancelled)
        // The handler's wait ended, and its connection closed: the client reads the end.
        let end = try await withTimeLimit(.seconds(20)) { try await client.nextFrame() }
        #expect(end == nil)
        await #expect(throws: ConnectionError.self) {
            _ = try await AsyncConnection.connect(to: listener.localAddress, options: options, loop: thread.handle).nextFrame()
        }
    }
}
