import AsyncChat
import AsyncCore

// The async samples of the README and of AsyncChat's article "Async
// connections". AsyncSamplesOutsideThePackageTests also compiles this file
// as a module of its own, with public API only.

// sample: async-serve-lines
/// Line echo for every client `listener` accepts, each in a task of its own on the loop's thread.
func serveLines(_ listener: AsyncListener) async throws {
    try await listener.serve { connection in
        do {
            for try await line in connection.frames {
                try await connection.write(line)
                try await connection.write("\n")
            }
            try await connection.close()       // returns once everything written was sent
        } catch {
            print("\(connection.peerAddress): \(error)")
        }
    }
}
// end sample

// sample: async-line-server-on-a-thread
/// Starts a loop on a thread of its own and listens there for LF-terminated lines.
func startLineServer() async throws -> (EventLoopThread, AsyncListener) {
    let thread = try EventLoopThread { _ in }
    let listener = try await AsyncListener.bind(
        to: .ipv4("127.0.0.1", port: 0), options: AsyncConnectionOptions(terminator: .lf), loop: thread.handle)
    print("listening on \(listener.localAddress)")
    return (thread, listener)
}
// end sample

// sample: async-task-group
/// The same server with its task group written out: each client in a child
/// task, and every task on the loop's thread because it prefers the loop.
func serveLinesInATaskGroup(_ listener: AsyncListener, executor: LoopExecutor) async {
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
                            try await connection.close()
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
// end sample

// sample: async-ask
/// Sends one line to a line server and returns its answer.
func ask(_ question: String, at address: SocketAddress, loop: LoopHandle) async throws -> String? {
    let connection = try await AsyncConnection.connect(
        to: address, options: AsyncConnectionOptions(terminator: .lf), loop: loop)
    try await connection.write(question + "\n")
    let answer = try await connection.nextFrame()
    try await connection.close()
    return answer.map { String(decoding: $0, as: UTF8.self) }
}
// end sample

// sample: async-actor-on-the-loop
/// A count that the loop's own code and async tasks share: the actor's
/// isolation is the loop's thread.
actor ClientCount {
    let executor: LoopExecutor
    private(set) var connected = 0

    init(executor: LoopExecutor) {
        self.executor = executor
    }

    nonisolated var unownedExecutor: UnownedSerialExecutor {
        executor.asUnownedSerialExecutor()
    }

    func clientConnected() {
        connected += 1
    }
}

/// Counts a client from code the loop runs (a dispatcher's hook, a timer, a
/// closure posted with `handle.execute`): no hop, no await.
func countFromTheLoop(_ count: ClientCount) {
    count.assumeIsolated { $0.clientConnected() }
}
// end sample
