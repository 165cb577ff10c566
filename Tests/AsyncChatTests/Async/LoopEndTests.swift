import AsyncChat
import AsyncCore
import TestSupport
import Testing

/// What becomes of tasks when the loop they wait on goes away: every wait
/// ends with `ConnectionError.closedByLoop`, later calls fail the same way
/// at once, and the tasks that preferred the loop run to their end.
@Suite struct LoopEndTests {
    @Test func aStoppedLoopThreadEndsTheWaitsOfItsConnectionsAndListeners() async throws {
        let thread = try EventLoopThread { _ in }
        let options = AsyncConnectionOptions(terminator: .lf)
        let listener = try await AsyncListener.bind(to: .ipv4("127.0.0.1", port: 0), options: options, loop: thread.handle)
        let accepted = AsyncStream<Void>.makeStream()
        let server = Task(executorPreference: thread.handle.executor) { () async -> [ConnectionError?] in
            var outcomes: [ConnectionError?] = []
            do throws(ConnectionError) {
                guard let connection = try await listener.nextConnection() else { return [] }
                accepted.continuation.yield()
                do throws(ConnectionError) {
                    for try await _ in connection.frames {}
                    outcomes.append(nil)
                } catch {
                    outcomes.append(error)
                }
                do throws(ConnectionError) {
                    try await connection.write("late\n")
                    outcomes.append(nil)
                } catch {
                    outcomes.append(error)
                }
                _ = try await listener.nextConnection()
                outcomes.append(nil)
            } catch {
                outcomes.append(error)
            }
            return outcomes
        }
        let client = try await AsyncConnection.connect(to: listener.localAddress, options: options, loop: thread.handle)
        try await withTimeLimit(.seconds(20)) {
            for await _ in accepted.stream { break }
        }
        thread.stop()
        let outcomes = try await withTimeLimit(.seconds(20)) { await server.value }
        #expect(outcomes == [ConnectionError.closedByLoop, .closedByLoop, .closedByLoop])
        // The client's connection belonged to the same loop.
        await #expect(throws: ConnectionError.closedByLoop) { try await client.nextFrame() }
        await #expect(throws: ConnectionError.closedByLoop) { try await client.close() }
    }

    @Test func callsAfterTheLoopIsGoneFailAtOnce() async throws {
        let thread = try EventLoopThread { _ in }
        thread.stop()
        let error = try await withTimeLimit(.seconds(20)) { () async -> ConnectionError? in
            do throws(ConnectionError) {
                _ = try await AsyncConnection.connect(to: .ipv4("127.0.0.1", port: 9), loop: thread.handle)
                return nil
            } catch {
                return error
            }
        }
        #expect(error == .closedByLoop)
        await #expect(throws: SystemError(.listen, errno: .badFileDescriptor)) {
            _ = try await AsyncListener.bind(to: .ipv4("127.0.0.1", port: 0), loop: thread.handle)
        }
        // A task made for the loop after it ended still runs.
        let ran = try await withTimeLimit(.seconds(20)) {
            await Task(executorPreference: thread.handle.executor) { true }.value
        }
        #expect(ran)
    }

    @Test func aReleasedLoopEndsTheWaitOfATaskThatPreferredIt() async throws {
        var waiting: (Task<ConnectionError?, Never>, Socket)?
        try await onOwnThread { waiting = try Self.taskWaitingOnReleasedLoop() }
        let (task, peer) = try #require(waiting)
        let outcome = try await withTimeLimit(.seconds(20)) { await task.value }
        #expect(outcome == .closedByLoop)
        peer.close()
    }

    /// Drives a loop on this thread until a task that prefers it waits for a
    /// frame, then releases the loop.
    private static func taskWaitingOnReleasedLoop() throws -> (Task<ConnectionError?, Never>, Socket) {
        let loop = try EventLoop()
        let (server, peer) = try Socket.pair()
        let connection = try AsyncConnection(socket: server, peerAddress: .unix(path: ""), options: AsyncConnectionOptions(), loop: loop)
        let waiting = Record(false)
        let task = Task(executorPreference: loop.executor) { () async -> ConnectionError? in
            waiting.update { $0 = true }
            do throws(ConnectionError) {
                _ = try await connection.nextFrame()
                return nil
            } catch {
                return error
            }
        }
        try loop.run(until: { waiting.current })
        // A few more passes: the task is suspended in nextFrame by now.
        for _ in 0..<3 { try loop.runPass(timeout: .zero) }
        return (task, peer)
    }

    @Test func anActorOnALoopThatEndedStillRunsOneCallAtATime() async throws {
        let thread = try EventLoopThread { _ in }
        let tally = LoopExecutorTests.Tally(executor: thread.handle.executor)
        _ = await tally.increment()
        thread.stop()
        let count = try await withTimeLimit(.seconds(20)) {
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask { for _ in 0..<25 { _ = await tally.increment() } }
                }
            }
            return await tally.count
        }
        #expect(count == 101)
    }
}
