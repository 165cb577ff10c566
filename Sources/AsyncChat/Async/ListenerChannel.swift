import AsyncCore

/// The loop side of an ``AsyncListener``: it accepts only while the
/// consumer keeps up, so clients it has not asked for wait in the kernel's
/// backlog rather than in memory.
final class ListenerChannel: Dispatcher {
    typealias Waiter = UnsafeContinuation<Result<AsyncConnection?, ConnectionError>, Never>

    let options: AsyncConnectionOptions
    private var accepted: [AsyncConnection] = []
    private var waiters: [Waiter] = []
    private var isCancelled = false

    /// Accepted connections held for the consumer, at most.
    private static let maxAccepted = 64

    init(options: AsyncConnectionOptions, loop: EventLoop) {
        self.options = options
        super.init(loop: loop)
    }

    override func readable() -> Bool {
        accepted.count < ListenerChannel.maxAccepted
    }

    override func writable() -> Bool { false }

    override func handleAccept() throws {
        while accepted.count < ListenerChannel.maxAccepted, let (socket, address) = try accept() {
            do {
                accepted.append(try AsyncConnection(socket: socket, peerAddress: address, options: options, loop: loop))
            } catch {
                socket.close()
                logInfo("cannot serve \(address): \(error)", type: "error")
            }
        }
        serveWaiters()
    }

    /// The next accepted connection; nil once the listener is closed.
    func nextConnection() -> Result<AsyncConnection?, ConnectionError>? {
        if !accepted.isEmpty { return .success(accepted.removeFirst()) }
        if isCancelled { return .failure(.cancelled) }
        return isOpen ? nil : .success(nil)
    }

    func waitForConnection(_ waiter: Waiter) {
        if let result = nextConnection() { return waiter.resume(returning: result) }
        waiters.append(waiter)
    }

    private func serveWaiters() {
        while !waiters.isEmpty, let result = nextConnection() {
            waiters.removeFirst().resume(returning: result)
        }
    }

    func cancel() {
        isCancelled = true
        close()
    }

    override func handleClose() {
        close()
    }

    override func close() {
        super.close()
        // Their last reference: each closes once its output is sent.
        accepted.removeAll()
        serveWaiters()
    }
}
