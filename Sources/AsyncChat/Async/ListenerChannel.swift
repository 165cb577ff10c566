import AsyncCore

/// The loop side of an ``AsyncListener``: it accepts only while the
/// consumer keeps up, so clients it has not asked for wait in the kernel's
/// backlog rather than in memory.
final class ListenerChannel: Dispatcher, AbandonmentObserving {
    typealias Waiter = TaskResumer<Result<AsyncConnection?, ConnectionError>>

    let options: AsyncConnectionOptions
    @exclusivity(unchecked) private var accepted: [AsyncConnection] = []
    private var waiters: [Waiter] = []
    /// Why the sequence of connections ended in an error, once it has;
    /// nil while listening, and after ``closeOnRequest()``.
    private var ending: ConnectionError?
    private var closedOnRequest = false

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

    /// The next accepted connection; nil once the listener is closed on
    /// request; nil inside when none is there yet.
    func nextConnection() -> Result<AsyncConnection?, ConnectionError>? {
        if !accepted.isEmpty { return .success(accepted.removeFirst()) }
        if isOpen { return nil }
        if let ending { return .failure(ending) }
        return .success(nil)
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

    /// ``AsyncListener/close()``: the sequence ends.
    func closeOnRequest() {
        closedOnRequest = true
        close()
    }

    func cancel() {
        if ending == nil { ending = .cancelled }
        close()
    }

    override func handleError(_ error: any Error) {
        if ending == nil, let error = error as? SystemError { ending = .system(error) }
        close()
    }

    override func handleClose() {
        close()
    }

    /// Closes at once; a close nobody asked for is the loop closing all
    /// its dispatchers.
    override func close() {
        if isOpen, ending == nil, !closedOnRequest { ending = .closedByLoop }
        super.close()
        endAccepted()
    }

    func wasAbandoned() {
        if ending == nil, !closedOnRequest { ending = .closedByLoop }
        endAccepted()
    }

    private func endAccepted() {
        // Their last reference: each closes once its output is sent.
        accepted.removeAll()
        serveWaiters()
    }
}
