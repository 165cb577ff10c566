import AsyncCore

/// A server on an event loop thread of its own, listening on a free
/// loopback port, for tests that reach it over TCP from the test thread or
/// from a child process. The loop stops when the object goes away.
///
///     let server = try ServerThread { loop in
///         let echo = try EchoServer(address: .ipv4(port: 0), mode: .line, loop: loop)
///         return try echo.localAddress.port ?? 0
///     }
///     let client = try ChildProcess(product: "echo-client", arguments: ["--port", String(server.port)])
public final class ServerThread: Sendable {
    /// The port `listen` returned.
    public let port: UInt16
    private let thread: EventLoopThread

    /// Runs `listen` on the new loop's thread: it builds the server there and
    /// returns the port it bound.
    /// - Throws: what `listen` threw; no thread is left running then.
    public init(_ listen: @escaping @Sendable (EventLoop) throws -> UInt16) throws {
        (thread, port) = try EventLoopThread.start(name: "server", listen)
    }

    deinit {
        thread.stop()
    }

    /// Stops the loop and waits for its thread to end; later calls do nothing.
    public func stop() {
        thread.stop()
    }
}
