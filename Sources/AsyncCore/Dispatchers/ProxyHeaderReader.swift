/// Owns a connection from a trusted proxy until its PROXY protocol header is
/// read, then hands the socket to the listener as if accepted from the client
/// the header names. It never reads past the header: the bytes it does not
/// take are the client's, left in the socket for the handler.
final class ProxyHeaderReader: Dispatcher {
    private weak var listener: Dispatcher?
    private let policy: ProxyProtocol
    private let proxy: SocketAddress
    /// The header's bytes read so far; at most `policy.maxHeaderLength`.
    private var held: [UInt8] = []
    private var deadline: LoopTimer?

    init(socket: Socket, from proxy: SocketAddress, listener: Dispatcher, policy: ProxyProtocol, loop: EventLoop) throws(SystemError) {
        self.listener = listener
        self.policy = policy
        self.proxy = proxy
        try super.init(socket: socket, loop: loop)
        deadline = loop.schedule(after: policy.timeout) { [weak self] in self?.fail(.timedOut) }
    }

    override func writable() -> Bool { false }

    override func handleRead() throws {
        guard let socket else { return }
        let room = policy.maxHeaderLength - held.count
        // Look before taking: only the header's own bytes may be consumed.
        let space = UnsafeMutableRawBufferPointer(rebasing: loop.scratch[0..<min(room, loop.scratch.count)])
        guard let peeked = try socket.receive(into: space, flags: .peek) else { return }
        guard peeked > 0 else { return fail(.endedEarly) }
        let candidate = held + UnsafeRawBufferPointer(rebasing: space[0..<peeked])
        let parse = candidate.withUnsafeBytes { ProxyHeader.parse($0, maxLength: policy.maxHeaderLength) }
        switch parse {
        case .invalid(let error):
            fail(error)
        case .needMore:
            // Every byte so far belongs to the header: take them, so the
            // socket does not stay readable with bytes already seen.
            try take(peeked)
        case .complete(let header):
            try take(header.length - held.count)
            handOff(client: header.source ?? proxy)
        }
    }

    private func take(_ count: Int) throws(SystemError) {
        guard let socket, count > 0 else { return }
        var bytes = [UInt8](repeating: 0, count: count)
        var taken = 0
        while taken < count {
            let received = try bytes.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: raw[taken...])) }
            }.get()
            guard let received, received > 0 else { break }
            taken += received
        }
        held += bytes[0..<taken]
    }

    private func handOff(client: SocketAddress) {
        deadline?.cancel()
        guard let socket = releaseSocket() else { return }
        guard let listener, listener.isOpen else {
            socket.close()
            return
        }
        listener.runAsHook { try listener.handleAccepted(socket: socket, address: client) }
    }

    private func fail(_ error: ProxyHeaderError) {
        guard isOpen else { return }
        deadline?.cancel()
        loop.log("proxy: \(proxy): \(error); connection closed")
        close()
    }

    override func handleClose() {
        fail(.endedEarly)
    }
}
