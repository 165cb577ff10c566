import AsyncChat
import AsyncCore
import TestSupport
import Testing
import Glibc

/// An async connection over a socketpair, its tasks run by a loop this
/// test's thread drives, and the raw peer stepped between passes.
@Suite struct AsyncConnectionTests {
    private func connection(_ options: AsyncConnectionOptions, loop: EventLoop) throws -> (AsyncConnection, Socket) {
        let (server, peer) = try Socket.pair()
        return (try AsyncConnection(socket: server, peerAddress: .unix(path: ""), options: options, loop: loop), peer)
    }

    private func send(_ bytes: [UInt8], to peer: Socket) throws -> Int {
        try bytes.withUnsafeBytes { try peer.send($0) } ?? 0
    }

    private func receiveAll(_ peer: Socket, into received: inout [UInt8]) throws -> Bool {
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = try buffer.withUnsafeMutableBytes { try peer.receive(into: $0) }
            guard let count else { return false }
            if count == 0 { return true }
            received += buffer[0..<count]
        }
    }

    @Test func aConsumerThatStopsTakingFramesStopsTheSocketReadsThenGetsEveryFrameOnce() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let (connection, peer) = try connection(AsyncConnectionOptions(terminator: .lf, maxBufferedFrames: 4), loop: loop)
            let taken = Record<[String]>([])
            let gate = AsyncStream<Void>.makeStream()
            Task(executorPreference: loop.executor) {
                var frames = connection.frames.makeAsyncIterator()
                if let first = try await frames.next() { taken.update { $0.append(String(decoding: first, as: UTF8.self)) } }
                for await _ in gate.stream { break }
                while let frame = try await frames.next() { taken.update { $0.append(String(decoding: frame, as: UTF8.self)) } }
            }
            // Lines go out 2,000 to a write; `lines` counts those fully sent.
            let batch = 2000
            var sent = 0, lines = 0, pending: [UInt8] = [], blocked = false
            let limit = 64 << 20
            try loop.run(until: {
                if pending.isEmpty { pending = Array((lines..<(lines + batch)).map { "line \($0)\n" }.joined().utf8) }
                let count = (try? send(pending, to: peer)) ?? 0
                sent += count
                pending.removeFirst(count)
                if pending.isEmpty { lines += batch }
                blocked = count == 0
                return taken.current.count == 1 && blocked || sent > limit
            })
            for _ in 0..<50 { try loop.runPass(timeout: .zero) }
            #expect(sent < 8 << 20, "the connection kept reading from a consumer that took nothing")
            gate.continuation.yield()
            try loop.run(until: {
                if !pending.isEmpty, let count = try? send(pending, to: peer) {
                    pending.removeFirst(count)
                    if pending.isEmpty { lines += batch }
                }
                return pending.isEmpty
            })
            try peer.shutdown(.write)
            try loop.run(until: { taken.current.count >= lines })
            #expect(taken.current == (0..<lines).map { "line \($0)" })
        }
    }

    @Test func writesWaitWhileThePeerDoesNotReadAndCloseSendsEverythingFirst() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let options = AsyncConnectionOptions(highWatermark: 64 << 10, lowWatermark: 16 << 10)
            let (connection, peer) = try connection(options, loop: loop)
            let chunk = (0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 / 251) }
            let written = Record(0), closed = Record(false)
            Task(executorPreference: loop.executor) {
                for _ in 0..<512 {
                    try await connection.write(chunk)
                    written.update { $0 += 1 }
                }
                try await connection.close()
                closed.update { $0 = true }
            }
            // Run until the writes stop making progress: 20 short passes in a row.
            var stalled = 0, last = -1
            while stalled < 20 {
                try loop.runPass(timeout: .milliseconds(5))
                stalled = written.current == last ? stalled + 1 : 0
                last = written.current
            }
            #expect(written.current < 512, "writes never waited for a peer that does not read")
            var received: [UInt8] = []
            try loop.run(until: { (try? receiveAll(peer, into: &received)) == true })
            #expect(closed.current)
            #expect(received.count == 512 * chunk.count)
            #expect(received == Array(repeating: chunk, count: 512).flatMap { $0 })
        }
    }

    @Test func cancellingTheWaitingTaskThrowsCancelledAndClosesTheConnection() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let (connection, peer) = try connection(AsyncConnectionOptions(terminator: .lf), loop: loop)
            let outcome = Record<ConnectionError?>(nil)
            let task = Task(executorPreference: loop.executor) {
                do throws(ConnectionError) {
                    try await connection.write("before\n")
                    for try await _ in connection.frames {}
                } catch {
                    outcome.update { $0 = error }
                }
            }
            try loop.run(until: { peer.unreadCount > 0 })
            task.cancel()
            var received: [UInt8] = []
            try loop.run(until: { outcome.current != nil && (try? receiveAll(peer, into: &received)) == true })
            #expect(outcome.current == .cancelled)
            #expect(received == Array("before\n".utf8))
        }
    }

    @Test func aTaskCancelledWhileCloseWaitsForAPeerThatNeverReadsClosesAtOnce() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let options = AsyncConnectionOptions(highWatermark: 16 << 20, lowWatermark: 1 << 20)
            let (connection, peer) = try connection(options, loop: loop)
            let size = 4 << 20
            let outcome = Record<ConnectionError?>(nil)
            let written = Record(false)
            let task = Task(executorPreference: loop.executor) {
                do throws(ConnectionError) {
                    // More than the socket buffers hold, under the high watermark:
                    // the write returns, and the rest waits in the queue.
                    try await connection.write([UInt8](repeating: 120, count: size))
                    written.update { $0 = true }
                    try await connection.close()
                    outcome.update { $0 = .closed }
                } catch {
                    outcome.update { $0 = error }
                }
            }
            try loop.run(until: { written.current })
            // close() now waits for a peer that never reads.
            for _ in 0..<10 { try loop.runPass(timeout: .milliseconds(5)) }
            #expect(outcome.current == nil)
            task.cancel()
            try loop.run(until: { outcome.current != nil })
            #expect(outcome.current == .cancelled)
            // Closed at once: what was not sent is dropped, and the peer reads the end.
            var received: [UInt8] = []
            try loop.run(until: { (try? receiveAll(peer, into: &received)) == true })
            #expect(received.count < size)
            #expect(received.allSatisfy { $0 == 120 })
        }
    }

    @Test func aCancelledTaskTakingFramesAlreadyThereLearnsItAtTheNextRead() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let (connection, peer) = try connection(AsyncConnectionOptions(terminator: .lf), loop: loop)
            let taken = Record<[String]>([])
            // Not a stream: a cancelled task would not wait for one.
            let gate = Record<UnsafeContinuation<Void, Never>?>(nil)
            Task(executorPreference: loop.executor) {
                do throws(ConnectionError) {
                    var frames = connection.frames.makeAsyncIterator()
                    guard let first = try await frames.next() else { return }
                    taken.update { $0.append(String(decoding: first, as: UTF8.self)) }
                    withUnsafeCurrentTask { $0?.cancel() }
                    // The rest of the same read: taken without asking.
                    guard let second = try await frames.next() else { return }
                    taken.update { $0.append(String(decoding: second, as: UTF8.self)) }
                    await withUnsafeContinuation { continuation in gate.update { $0 = continuation } }
                    _ = try await frames.next()
                    taken.update { $0.append("no error") }
                } catch {
                    taken.update { $0.append("\(error)") }
                }
            }
            _ = try send(Array("a\nb\n".utf8), to: peer)
            try loop.run(until: { gate.current != nil })
            #expect(taken.current == ["a", "b"])
            _ = try send(Array("c\n".utf8), to: peer)
            // The bytes are read before the task goes on: it finds "c" there.
            for _ in 0..<5 { try loop.runPass(timeout: .milliseconds(5)) }
            gate.current?.resume()
            try loop.run(until: { taken.current.count == 3 })
            #expect(taken.current == ["a", "b", "cancelled"])
        }
    }

    @Test func aFrameHeldAcrossReadsKeepsItsBytes() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let (connection, peer) = try connection(AsyncConnectionOptions(terminator: .lf), loop: loop)
            let taken = Record<[String]>([])
            let firstTaken = Record(false)
            Task(executorPreference: loop.executor) {
                // The first frame is held while the next read arrives: the
                // read's memory must not be reused under it.
                guard let first = try await connection.nextFrame() else { return }
                firstTaken.update { $0 = true }
                guard let second = try await connection.nextFrame() else { return }
                taken.update { $0 = [String(decoding: first, as: UTF8.self), String(decoding: second, as: UTF8.self)] }
            }
            _ = try send(Array("first\n".utf8), to: peer)
            try loop.run(until: { firstTaken.current })
            _ = try send(Array("other\n".utf8), to: peer)
            try loop.run(until: { !taken.current.isEmpty })
            #expect(taken.current == ["first", "other"])
        }
    }

    @Test func errorsAreTypedAndAnOverlongFrameIsSkipped() async throws {
        try await onOwnThread {
            let loop = try EventLoop()
            let (connection, peer) = try connection(AsyncConnectionOptions(terminator: .lf, maxFrameLength: 4), loop: loop)
            let seen = Record<[String]>([])
            Task(executorPreference: loop.executor) {
                while true {
                    do throws(ConnectionError) {
                        for try await frame in connection.frames { seen.update { $0.append(String(decoding: frame, as: UTF8.self)) } }
                        break
                    } catch {
                        seen.update { $0.append("\(error)") }
                    }
                }
                let tail = await connection.unterminatedInput
                seen.update { $0.append("tail \(String(decoding: tail, as: UTF8.self))") }
                try await connection.shutdownOutput()
                do { try await connection.write("late") } catch { seen.update { $0.append("\(error)") } }
                try await connection.close()
                do { try await connection.write("later") } catch { seen.update { $0.append("\(error)") } }
            }
            _ = try send(Array("ok\ntoo long\nfine\nrest".utf8), to: peer)
            try peer.shutdown(.write)
            var received: [UInt8] = []
            try loop.run(until: { seen.current.count >= 6 && (try? receiveAll(peer, into: &received)) == true })
            #expect(seen.current == [
                "ok", "incoming frame longer than the limit of 4 bytes", "fine", "tail rest",
                "output already shut down", "connection closed",
            ])
            #expect(received.isEmpty)
        }
    }

    @Test func aRefusedConnectIsASystemErrorOfTheConnectCall() async throws {
        let thread = try EventLoopThread { _ in }
        defer { thread.stop() }
        let address = try SocketAddress.nothingListening()
        let error = await withTimeLimitResult { try await AsyncConnection.connect(to: address, loop: thread.handle) }
        #expect(error == .system(SystemError(.connect, errno: .connectionRefused)))
    }

    private func withTimeLimitResult(_ body: @escaping @Sendable () async throws -> AsyncConnection) async -> ConnectionError? {
        do {
            _ = try await withTimeLimit(.seconds(20)) { try await body() }
            return nil
        } catch {
            return error as? ConnectionError
        }
    }
}
