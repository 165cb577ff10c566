/// A non-blocking socket with asyncore's event hooks; subclass it and override
/// the hooks your protocol needs.
///
/// ```swift
/// final class Greeter: Dispatcher {
///     override func writable() -> Bool { false }
///     override func handleRead() throws {
///         let bytes = try recv(4096)
///         if !bytes.isEmpty { try send(Array("hello \(bytes.count) bytes\n".utf8)) }
///     }
/// }
///
/// final class GreeterServer: Dispatcher {
///     override func handleAccepted(socket: Socket, address: SocketAddress) throws {
///         _ = try Greeter(socket: socket, loop: loop)
///     }
/// }
///
/// let loop = try EventLoop()
/// let server = GreeterServer(loop: loop)
/// try server.listen(on: .ipv4("127.0.0.1", port: 7000))
/// try loop.run()
/// ```
///
/// The loop owns every open dispatcher (its socket map); a dispatcher leaves
/// the map when it closes. Hooks may throw: a ``SystemError`` that means the
/// peer is gone ends in ``handleClose()``, anything else goes to
/// ``handleError(_:)``. The loop calls ``handleClose()`` at most once per
/// connection, and never calls a hook on a closed dispatcher.
///
/// Bytes move through the dispatcher's transport: a socket, a file or pipe
/// (``FileDispatcher``), or a ``TransportLayer`` over the socket such as TLS
/// (``upgrade(to:)``).
open class Dispatcher: CustomStringConvertible {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop,
    // and final, so that the chat layer reads it without a call. Stored in an
    // order that leaves little padding: an idle connection pays for it.
    /// The loop this dispatcher is registered with. Held `unowned`: the loop
    /// must outlive its dispatchers.
    public unowned let loop: EventLoop
    @exclusivity(unchecked) var transport = Transport.socket
    /// Settings few dispatchers change; nil while all are the defaults.
    var options: DispatcherOptions?
    /// The socket's descriptor, or -1 before a socket is made and after close.
    @exclusivity(unchecked) public final private(set) var descriptor: Int32 = -1
    /// The registration's generation, which with the descriptor makes the
    /// token the poller hands back with each event.
    @exclusivity(unchecked) var generation: UInt32 = 0
    @exclusivity(unchecked) var mapIndex: Int32 = -1
    /// True after ``listen(backlog:)``.
    @exclusivity(unchecked) public final internal(set) var accepting = false
    /// True between ``connect(to:)`` and its outcome.
    @exclusivity(unchecked) public final internal(set) var connecting = false
    /// True for an adopted socket, and once a connect has succeeded.
    @inlinable public final var connected: Bool { isConnected }
    // Read through the inlinable getter: a direct read from another module
    // would bring back the exclusivity check.
    @usableFromInline @exclusivity(unchecked) final var isConnected = false
    /// True once the peer has finished sending (end of input was read).
    @exclusivity(unchecked) public final internal(set) var inputClosed = false
    /// What the kernel was last told to watch for.
    @exclusivity(unchecked) var registeredInterest: Interest = []
    /// What the dispatcher itself asked for in this pass (a layer may ask for more).
    @exclusivity(unchecked) var wantedInterest: Interest = []
    @exclusivity(unchecked) var disconnected = false
    @exclusivity(unchecked) var closeReported = false
    @exclusivity(unchecked) var endOfInputReported = false
    @exclusivity(unchecked) var acceptPaused = false
    /// Set by ``setReuseAddress()`` before a socket exists: the next socket made gets it.
    var reusesAddress = false

    static let defaultIgnoredLogTypes: Set<String> = ["warning"]

    /// `logInfo` messages of these types are dropped; asyncore drops warnings.
    public var ignoredLogTypes: Set<String> {
        get { options?.ignoredLogTypes ?? Dispatcher.defaultIgnoredLogTypes }
        set { madeOptions().ignoredLogTypes = newValue }
    }

    /// For a listener behind a proxy: connections from the proxy's addresses
    /// start with a PROXY protocol header naming the client, which the
    /// default ``handleAccept()`` reads before it hands the connection to
    /// ``handleAccepted(socket:address:)`` with the client's address; see
    /// ``ProxyProtocol``. Nil, the default: no header is expected.
    public var proxyProtocol: ProxyProtocol? {
        get { options?.proxyProtocol }
        set { madeOptions().proxyProtocol = newValue }
    }

    private func madeOptions() -> DispatcherOptions {
        if let options { return options }
        let made = DispatcherOptions()
        options = made
        return made
    }

    /// A dispatcher with no socket yet: call ``listen(on:backlog:reuseAddress:)``,
    /// ``connect(to:)``, ``bind(to:)`` or ``createSocket(family:type:)`` next.
    public init(loop: EventLoop) {
        self.loop = loop
    }

    /// Adopts a connected socket (typically from ``handleAccepted(socket:address:)``),
    /// makes it non-blocking and registers it with the loop.
    /// - Throws: ``SystemError`` if the descriptor is not valid.
    public init(socket: Socket, loop: EventLoop) throws(SystemError) {
        self.loop = loop
        try adopt(socket)
    }

    // MARK: The socket

    /// The open socket, or nil (also for a file or pipe).
    public var socket: Socket? {
        guard isOpen else { return nil }
        if case .file = transport { return nil }
        return Socket(descriptor: descriptor)
    }

    /// True while the dispatcher holds an open descriptor.
    @inlinable public final var isOpen: Bool { descriptor >= 0 }

    /// The token the poller reports this registration's events with.
    var token: UInt64 { UInt64(generation) << 32 | UInt64(UInt32(bitPattern: descriptor)) }

    /// Makes a non-blocking, close-on-exec socket and registers it; a socket
    /// this dispatcher already had is closed first.
    public func createSocket(family: SocketFamily = .ipv4, type: SocketType = .stream) throws(SystemError) {
        let socket = try Socket.make(family: family, type: type)
        if reusesAddress, family != .unix {
            do {
                try socket.setOption(.reuseAddress, to: 1)
            } catch {
                socket.close()
                throw error
            }
        }
        attach(socket.descriptor, transport: .socket, connected: false)
    }

    /// Takes ownership of `socket` (asyncore's `set_socket`): non-blocking,
    /// registered, and considered connected.
    public func adopt(_ socket: Socket) throws(SystemError) {
        try Syscall.setNonBlocking(socket.descriptor)
        attach(socket.descriptor, transport: .socket, connected: true)
    }

    func attach(_ newDescriptor: Int32, transport newTransport: Transport, connected: Bool) {
        if isOpen { close() }
        descriptor = newDescriptor
        transport = newTransport
        accepting = false
        connecting = false
        isConnected = connected
        inputClosed = false
        disconnected = false
        closeReported = false
        endOfInputReported = false
        generation = loop.register(self)
        handleNewSocket()
    }

    /// Puts `layer` between this dispatcher and its socket: from now on what
    /// it sends and receives goes through the layer (TLS from the first byte,
    /// or STARTTLS in the middle of a connection). Bytes already received are
    /// not passed through it.
    /// - Throws: ``TransportError`` when the dispatcher has no socket, the
    ///   layer is over another socket, or a layer is installed already.
    open func upgrade(to layer: TransportLayer) throws(TransportError) {
        guard isOpen else { throw .noSocket }
        guard case .socket = transport else { throw .notASocketOrLayeredAlready }
        guard layer.socket.descriptor == descriptor else { throw .layerOverAnotherSocket }
        transport = .layered(layer)
        limitSetup(of: layer)
    }

    /// The layer bytes go through, if ``upgrade(to:)`` installed one.
    public var transportLayer: TransportLayer? { transport.layer }

    /// True while a layer holds bytes it took but the socket has not.
    package var transportHoldsOutput: Bool {
        transport.layer?.neededInterest.contains(.write) ?? false
    }

    // MARK: Sending

    /// Sends what the transport takes now. Returns the bytes sent: 0 when the
    /// socket would block, and 0 when the peer is gone (then ``handleClose()``
    /// follows once the running handler returns). Never raises `SIGPIPE`.
    /// - Throws: ``SystemError`` for any other failure.
    @discardableResult
    open func send(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        guard isOpen, !bytes.isEmpty else { return 0 }
        do throws(SystemError) {
            return try transport.write(descriptor, bytes) ?? 0
        } catch where error.isDisconnect {
            markDisconnected()
            return 0
        }
    }

    // MARK: Closing

    /// Closes the socket and leaves the loop's map. Idempotent; calls no hook.
    /// Subclasses that hold resources override it and call `super.close()`.
    open func close() {
        guard isOpen else { return }
        if acceptPaused { resumeAccepting() }
        accepting = false
        connecting = false
        isConnected = false
        loop.unregister(self)
        transport.layer?.detach()
        transport = .socket
        Syscall.close(descriptor)
        descriptor = -1
        connectionDidClose()
    }

    /// Leaves the loop's map without closing the socket, and hands it over:
    /// for a dispatcher that only prepared a connection for another.
    func releaseSocket() -> Socket? {
        guard isOpen, case .socket = transport else { return nil }
        let socket = Socket(descriptor: descriptor)
        if acceptPaused { resumeAccepting() }
        accepting = false
        connecting = false
        isConnected = false
        loop.unregister(self)
        descriptor = -1
        connectionDidClose()
        return socket
    }

    /// Drops what belonged to the connection that just closed, so nothing of
    /// it reaches a later connection of the same dispatcher.
    func connectionDidClose() {}

    /// Closes the descriptor while the loop itself is going away.
    func abandon() {
        guard isOpen else { return }
        transport.layer?.detach()
        transport = .socket
        Syscall.close(descriptor)
        descriptor = -1
        (self as? any AbandonmentObserving)?.wasAbandoned()
    }

    // MARK: Hooks

    /// The dispatcher took a new socket: made, adopted, or about to connect.
    /// Runs before any other hook of that socket; the place to start
    /// per-connection state afresh, since a dispatcher may close and connect
    /// again. The default does nothing; an override calls `super`.
    open func handleNewSocket() {}

    /// Whether the loop should watch for input; asked before every pass. Default: true.
    open func readable() -> Bool { true }

    /// Whether the loop should watch for writability; asked before every pass.
    /// Default: true, as in asyncore; override it, or a connected socket's
    /// write events fire on every pass.
    open func writable() -> Bool { true }

    /// Input is ready: call ``recv(_:)`` or ``receive(upTo:_:)``.
    open func handleRead() throws { logInfo("unhandled read event", type: "warning") }

    /// The socket can take more output.
    open func handleWrite() throws { logInfo("unhandled write event", type: "warning") }

    /// A ``connect(to:)`` succeeded; ``connected`` is already true.
    open func handleConnect() throws { logInfo("unhandled connect event", type: "warning") }

    /// Urgent (out-of-band) data arrived.
    open func handleExpt() throws { logInfo("unhandled incoming priority event", type: "warning") }

    /// The listening socket has connections pending. The default accepts every
    /// one and hands each to ``handleAccepted(socket:address:)``; with
    /// ``proxyProtocol`` set, one from a trusted proxy once its header is read.
    open func handleAccept() throws {
        var taken = 0
        while taken < 4096, let (socket, address) = try accept() {
            taken += 1
            if let policy = proxyProtocol, policy.trusts(address) {
                readProxyHeader(socket, from: address, policy: policy)
            } else {
                try handleAccepted(socket: socket, address: address)
            }
        }
    }

    /// A connection was accepted; adopt `socket` into a dispatcher, or close it.
    /// The default closes it.
    open func handleAccepted(socket: Socket, address: SocketAddress) throws {
        socket.close()
        logInfo("unhandled accepted event", type: "warning")
    }

    /// The peer finished sending (end of input), while output may still be
    /// possible. The default treats it as the end of the connection:
    /// ``handleClose()``, then close.
    open func handleEndOfInput() throws {
        reportClose()
    }

    /// The connection ended: end of input, reset, or a broken pipe. Called at
    /// most once per connection; the dispatcher is closed after it returns.
    /// The default logs an unhandled-event warning and closes.
    open func handleClose() {
        logInfo("unhandled close event", type: "warning")
        close()
    }

    /// A hook threw `error`. The default logs one line naming the dispatcher
    /// and the error, then ends the connection as ``handleClose()`` does.
    open func handleError(_ error: any Error) {
        logInfo("uncaptured error, closing channel \(self): \(error)", type: "error")
        reportClose()
    }

    open var description: String {
        var parts = ["\(Swift.type(of: self))"]
        if !isOpen {
            parts.append("closed")
        } else {
            parts.append("fd \(descriptor)")
            if accepting { parts.append("listening") } else if connected { parts.append("connected") } else if connecting { parts.append("connecting") }
            if accepting, let address = try? localAddress { parts.append(address.description) }
            if !accepting, connected, socket != nil, let address = try? peerAddress { parts.append(address.description) }
        }
        return "<" + parts.joined(separator: " ") + ">"
    }
}
