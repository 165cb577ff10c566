import AsyncChat
import AsyncCore

// The README's "Async connections" example, compiled here so that it stays true.

/// Serves line echo on `listener`, each client in a child task, all on the loop's thread.
func serveLines(_ listener: AsyncListener, executor: LoopExecutor) async {
    await withTaskExecutorPreference(executor) {
        await withDiscardingTaskGroup { group in
            do {
                for try await connection in listener.connections {
                    group.addTask {
                        do {
                            for try await line in connection.frames {
                                try await connection.write(line)
                                try await connection.write("\n")
                            }
                            try await connection.close()       // after everything written is sent
                        } catch {
                            print("\(connection.peerAddress): \(error)")
                        }
                    }
                }
            } catch {
                print("listener: \(error)")
            }
        }
    }
}

func startLineServer() async throws -> (EventLoopThread, AsyncListener) {
    let thread = try EventLoopThread { _ in }
    let listener = try await AsyncListener.bind(
        to: .ipv4("127.0.0.1", port: 0), options: AsyncConnectionOptions(terminator: .lf), loop: thread.handle)
    print("listening on \(listener.localAddress)")
    return (thread, listener)
}
