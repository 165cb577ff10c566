import AsyncCore

/// The kit's end of one connection: a dispatcher on the run's loop that
/// keeps everything the server sends until a step consumes it.
///
/// It lives on the same loop as an in-process server, so one `runPass`
/// moves both sides, and the loop's wait wakes the kit as soon as the
/// server writes.
final class ScriptedClient: Dispatcher {
    /// How the server ended the connection.
    enum Ending: Equatable {
        /// End of input: the server closed or shut down its output.
        case closed
        /// A reset or broken connection.
        case reset
        /// Connecting failed, with the error's text.
        case failed(String)
    }

    let client: Client
    private var buffer: [UInt8] = []
    private var head = 0
    private(set) var ending: Ending?
    /// Whether the kit reads this connection; `R-` turns it off.
    var isReading = true
    /// Every byte ever received, for telling whether a pass changed anything.
    private(set) var receivedTotal = 0

    init(client: Client, socket: Socket, loop: EventLoop) throws(SystemError) {
        self.client = client
        try super.init(socket: socket, loop: loop)
    }

    init(client: Client, loop: EventLoop) {
        self.client = client
        super.init(loop: loop)
    }

    /// Received bytes no step has consumed yet.
    var unread: ArraySlice<UInt8> { buffer[head...] }

    func consume(_ count: Int) {
        head += count
        if head == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            head = 0
        } else if head > 65536, head * 2 > buffer.count {
            buffer.removeFirst(head)
            head = 0
        }
    }

    /// The bytes the kernel holds that the server has not read yet. Exact
    /// for Unix-domain sockets (the kernel charges sent data to the sender
    /// until the receiver takes it); for TCP, bytes not yet acknowledged.
    /// Bytes a transport layer (TLS) holds for the socket count as one more.
    var unconsumedBySender: Int {
        let inKernel: Int? = try? socket?.unsentByteCount()
        return (inKernel ?? 0) + (transportHoldsOutput ? 1 : 0)
    }

    override func readable() -> Bool { isReading }

    override func writable() -> Bool { false }

    override func handleConnect() throws {}

    override func handleRead() throws {
        receivedTotal += try receive { bytes in buffer.append(contentsOf: bytes) }
    }

    /// The socket stays open: a server that only shut down its output can
    /// still read, and a closed one makes the next send fail visibly.
    override func handleEndOfInput() throws {
        if ending == nil { ending = .closed }
    }

    override func handleClose() {
        if ending == nil { ending = .reset }
        close()
    }

    override func handleError(_ error: any Error) {
        if ending == nil { ending = .failed("\(error)") }
        close()
    }
}
