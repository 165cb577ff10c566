import AsyncChat
import AsyncCore
import TestSupport
import Testing

@Suite struct AsyncEchoSmokeTests {
    @Test func aClientExchangesLinesWithAnAsyncServer() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let options = AsyncConnectionOptions(terminator: .lf)
        let listener = try await AsyncListener.bind(to: .ipv4("127.0.0.1", port: 0), options: options, loop: thread.handle)
        let server = Task(executorPreference: thread.handle.executor) {
            await withDiscardingTaskGroup { group in
                while let connection = try? await listener.nextConnection() {
                    group.addTask {
                        do {
                            for try await line in connection.frames { try await connection.write(Array(line) + [10]) }
                            try await connection.close()
                        } catch {}
                    }
                }
            }
        }
        let received = try await withTimeLimit(.seconds(20)) {
            let client = try await AsyncConnection.connect(to: listener.localAddress, options: options, loop: thread.handle)
            try await client.write("one\ntwo\n")
            var lines: [String] = []
            for try await line in client.frames {
                lines.append(String(decoding: line, as: UTF8.self))
                if lines.count == 2 { break }
            }
            try await client.shutdownOutput()
            let end = try await client.nextFrame()
            #expect(end == nil)
            return lines
        }
        #expect(received == ["one", "two"])
        await listener.close()
        await server.value
    }
}
