import Glibc

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
/// try server.bind(to: .ipv4(port: 7000))
/// try server.listen()
/// try loop.run()
/// ```
///
/// The loop owns every open dispatcher (its socket map); a dispatcher leaves
/// the map when it closes. Hooks may throw: a ``SystemError`` that means the
/// peer is gone ends in ``handleClose()``, anything else goes to
/// ``handleError(_:)``. The loop calls ``handleClose()`` at most once per
/// connection, and never calls a hook on a closed dispatcher.
open class Dispatcher: CustomStringConvertible {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop,
    // and final, so that the chat layer reads it without a call.
    /// The loop this dispatcher is registered with. Held `unowned`: the loop
    /// must outlive its dispatchers.
    public unowned let loop: EventLoop
    /// The socket's descriptor, or -1 before a socket is made and after close.
    @exclusivity(unchecked) public final private(set) var descriptor: Int32 = -1
    /// True after ``listen(backlog:)``.
    @exclusivity(unchecked) public final private(set) var accepting = false
    /// True between ``connect(to:)`` and its outcome.
    @exclusivity(unchecked) public final private(set) var connecting = false
    /// True for an adopted socket, and once a connect has succeeded.
    @inlinable public final var connected: Bool { isConnected }
    // Read through the inlinable getter: a direct read from another module
    // would bring back the exclusivity check.
    @usableFromInline @exclusivity(unchecked) final var isConnected = false
    /// True once the peer has finished sending (end of input was read).
    @exclusivity(unchecked) public final private(set) var inputClosed = false
    /// `logInfo` messages of these types are dropped; asyncore drops warnings.
    public var ignoredLogTypes: Set<String> = Dispatcher.defaultIgnoredLogTypes

    @exclusivity(unchecked) var token: UInt64 = 0
    @exclusivity(unchecked) var mapIndex = -1
    @exclusivity(unchecked) var registeredInterest: Interest = []
    @exclusivity(unchecked) var usesFileIO = false
    @exclusivity(unchecked) private var disconnected = false
    @exclusivity(unchecked) private var closeReported = false
    @exclusivity(unchecked) private var endOfInputReported = false
    @exclusivity(unchecked) private var acceptPaused = false
    private var acceptResumeTimer: LoopTimer?

    private static let defaultIgnoredLogTypes: Set<String> = ["warning"]
    private static let acceptBackoff = Duration.milliseconds(100)

    /// A dispatcher with no socket yet: call ``createSocket(family:type:)``,
    /// ``bind(to:)`` or ``connect(to:)`` next.
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

    /// The open socket, or nil.
    public var socket: Socket? { descriptor >= 0 ? Socket(descriptor: descriptor) : nil }

    /// True while the dispatcher holds an open descriptor.
    @inlinable public final var isOpen: Bool { descriptor >= 0 }

    /// Makes a non-blocking, close-on-exec socket and registers it; a socket
    /// this dispatcher already had is closed first.
    public func createSocket(family: SocketFamily = .ipv4, type: SocketType = .stream) throws(SystemError) {
        let socket = try Socket.make(family: family, type: type)
        attach(socket.descriptor, connected: false)
    }

    /// Takes ownership of `socket` (asyncore's `set_socket`): non-blocking,
    /// registered, and considered connected.
    public func adopt(_ socket: Socket) throws(SystemError) {
        try Syscall.setNonBlocking(socket.descriptor)
        attach(socket.descriptor, connected: true)
    }

    func attach(_ newDescriptor: Int32, connected: Bool) {
        if isOpen { close() }
        descriptor = newDescriptor
        accepting = false
        connecting = false
        isConnected = connected
        inputClosed = false
        disconnected = false
        closeReported = false
        endOfInputReported = false
        token = loop.register(self)
        handleNewSocket()
    }

    /// Sets `SO_REUSEADDR`, so a restarted server can bind its port at once.
    public func setReuseAddress() throws(SystemError) {
        try requireSocket(.setsockopt).setOption(.reuseAddress, to: 1)
    }

    /// Binds to `address`, making a socket of its family first if there is none.
    public func bind(to address: SocketAddress) throws(SystemError) {
        if !isOpen { try createSocket(family: address.family) }
        try requireSocket(.bind).bind(to: address)
    }

    /// Starts listening; the default backlog is the system maximum (`SOMAXCONN`),
    /// not asyncore's 5.
    public func listen(backlog: Int32 = Socket.maximumBacklog) throws(SystemError) {
        let socket = try requireSocket(.listen)
        try socket.listen(backlog: backlog)
        accepting = true
    }

    /// The address the socket is bound to.
    public var localAddress: SocketAddress {
        get throws(SystemError) { try requireSocket(.getsockname).localAddress() }
    }

    /// The connected peer's address.
    public var peerAddress: SocketAddress {
        get throws(SystemError) { try requireSocket(.getpeername).peerAddress() }
    }

    private func requireSocket(_ call: SystemCall) throws(SystemError) -> Socket {
        guard let socket else { throw SystemError(call, errno: .badFileDescriptor) }
        return socket
    }

    // MARK: Connecting

    /// Starts a non-blocking connect, making a socket of the address's family
    /// first if there is none. ``handleConnect()`` runs on the first writable
    /// event; a refused or failed connect reaches ``handleError(_:)`` as a
    /// ``SystemError`` with call `.connect`, and the dispatcher closes.
    public func connect(to address: SocketAddress) throws(SystemError) {
        if !isOpen { try createSocket(family: address.family) }
        isConnected = false
        connecting = true
        do {
            _ = try requireSocket(.connect).connect(to: address)
        } catch {
            // The failure belongs to this socket: if it is replaced before the
            // next pass (close, then connect elsewhere), the new attempt stands.
            let attempt = token
            loop.deferUntilNextPass { [self] in
                if connecting, token == attempt { failConnect(error) }
            }
        }
    }

    /// Resolves `host` (blocking; see ``SocketAddress/resolve(host:port:)``)
    /// and connects to its first address.
    public func connect(host: String, port: UInt16) throws {
        guard let address = try SocketAddress.resolve(host: host, port: port).first else {
            throw AddressError.noAddresses(host: host)
        }
        try connect(to: address)
    }

    func finishConnect(_ events: ReadyEvents) {
        if !usesFileIO, let pending = pendingSocketError(ifUnreadable: .badFileDescriptor) {
            failConnect(SystemError(.connect, errno: pending))
            return
        }
        guard events.contains(.write) else {
            // A refused connect can show as a hang-up before its error is set.
            if !events.isDisjoint(with: [.hangup, .error]) { failConnect(SystemError(.connect, errno: .connectionRefused)) }
            return
        }
        connecting = false
        isConnected = true
        invoke(loop) { try $0.handleConnect() }
    }

    /// The socket's pending error (`SO_ERROR`), or `unreadable` when it cannot be read.
    private func pendingSocketError(ifUnreadable unreadable: Errno?) -> Errno? {
        do {
            return try requireSocket(.getsockopt).pendingError()
        } catch {
            return unreadable
        }
    }

    private func failConnect(_ error: SystemError) {
        connecting = false
        handleError(error)
        if isOpen { close() }
        loop.settle()
    }

    // MARK: Accepting

    /// Accepts one pending connection: nil when none is pending, when the
    /// connection was aborted before it could be taken, or when descriptors ran
    /// out (`EMFILE`, `ENFILE`, `ENOBUFS`, `ENOMEM`). In that last case the
    /// listener stops asking for connections for 100 ms, or until another
    /// dispatcher of the loop closes, so the loop neither spins nor drops the
    /// waiting clients.
    public func accept() throws(SystemError) -> (Socket, SocketAddress)? {
        guard accepting, !acceptPaused, let socket else { return nil }
        do {
            return try socket.accept()
        } catch where error.isAbortedConnection {
            return nil
        } catch where error.isOutOfResources {
            pauseAccepting(error)
            return nil
        }
    }

    private func pauseAccepting(_ error: SystemError) {
        acceptPaused = true
        loop.pauseAccepting(self)
        loop.log("warning: \(self) cannot accept (\(error)); pausing accepts until a descriptor is free")
        acceptResumeTimer = loop.schedule(after: Dispatcher.acceptBackoff) { [weak self] in self?.resumeAccepting() }
    }

    func resumeAccepting() {
        guard acceptPaused else { return }
        acceptPaused = false
        acceptResumeTimer?.cancel()
        acceptResumeTimer = nil
        loop.resumeAccepting(self)
    }

    // MARK: Sending and receiving

    /// Sends what the socket takes now. Returns the bytes sent: 0 when the
    /// socket would block, and 0 when the peer is gone (then ``handleClose()``
    /// follows once the running handler returns). Never raises `SIGPIPE`.
    /// - Throws: ``SystemError`` for any other failure.
    @discardableResult
    open func send(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        guard isOpen, !bytes.isEmpty else { return 0 }
        do throws(SystemError) {
            return try writeRaw(bytes) ?? 0
        } catch where error.isDisconnect {
            markDisconnected()
            return 0
        }
    }

    /// Sends bytes from any contiguous or non-contiguous collection; see ``send(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public final func send<Bytes: Sequence>(_ bytes: Bytes) throws(SystemError) -> Int where Bytes.Element == UInt8 {
        let sent: Result<Int, SystemError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SystemError) -> Int in try send(UnsafeRawBufferPointer(buffer)) }
        }
        if let sent { return try sent.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { raw in Result { () throws(SystemError) in try send(raw) } }.get()
    }

    /// Sends a string's UTF-8 bytes; see ``send(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public final func send(_ text: String) throws(SystemError) -> Int {
        try send(Array(text.utf8))
    }

    /// Sends several buffers with one system call (gather write). Returns the
    /// bytes sent; 0 when it would block or the peer is gone.
    package func send(vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int {
        guard isOpen, !vectors.isEmpty else { return 0 }
        do throws(SystemError) {
            if usesFileIO {
                return try SignalMask.withBrokenPipeHeld { () throws(SystemError) -> Int? in
                    try FileDescriptor(rawValue: descriptor).writeIfReady(vectors: vectors)
                } ?? 0
            }
            return try Socket(descriptor: descriptor).send(vectors: vectors) ?? 0
        } catch where error.isDisconnect {
            markDisconnected()
            return 0
        }
    }

    /// Receives up to `maxBytes`. An empty result means nothing is there:
    /// either the socket would block, or the peer finished sending, in which
    /// case ``inputClosed`` is true and ``handleEndOfInput()`` follows once the
    /// running handler returns.
    public func recv(_ maxBytes: Int = 65536) throws(SystemError) -> [UInt8] {
        if maxBytes <= loop.readBuffer.count {
            let count = loop.readBuffer.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try recv(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<maxBytes])) }
            }
            return Array(loop.readBuffer[0..<(try count.get())])
        }
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        let count = bytes.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try recv(into: raw) } }
        bytes.removeLast(maxBytes - (try count.get()))
        return bytes
    }

    /// Receives what is there into the loop's shared read buffer and lends
    /// the bytes to `body`, without copying them: the way to read without a
    /// buffer per connection.
    ///
    /// ```swift
    /// override func handleRead() throws {
    ///     try receive { bytes in try send(bytes) }     // an echo
    /// }
    /// ```
    /// `body` runs only when bytes arrived. The bytes are lent for the call:
    /// keep a copy (`Array(bytes)`) to hold on to them.
    /// - Returns: the byte count; 0 as ``recv(_:)`` returns empty (nothing
    ///   there now, or the peer finished sending).
    @discardableResult
    public func receive(upTo maxBytes: Int = 65536, _ body: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        try receive(upTo: maxBytes, loop: loop, body)
    }

    /// ``receive(upTo:_:)`` with the loop at hand, for hooks that already hold it.
    @discardableResult
    package func receive(upTo maxBytes: Int, loop: EventLoop, _ body: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        let count = loop.readBuffer.withUnsafeMutableBytes { raw in
            Result { () throws(SystemError) in
                try recv(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(maxBytes, raw.count)]))
            }
        }
        let received = try count.get()
        if received > 0 { try body(loop.readBytes(received)) }
        return received
    }

    /// Receives into `buffer`; returns the byte count, 0 as ``recv(_:)`` returns empty.
    public func recv(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        guard isOpen, !inputClosed, !buffer.isEmpty else { return 0 }
        do throws(SystemError) {
            guard let count = try readRaw(into: buffer) else { return 0 }
            if count == 0 { markInputClosed() }
            return count
        } catch where error.isDisconnect {
            markDisconnected()
            return 0
        }
    }

    private func readRaw(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        if usesFileIO {
            return try FileDescriptor(rawValue: descriptor).readIfReady(into: buffer)
        }
        return try Socket(descriptor: descriptor).receive(into: buffer)
    }

    private func writeRaw(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        if usesFileIO {
            return try SignalMask.withBrokenPipeHeld { () throws(SystemError) -> Int? in
                try FileDescriptor(rawValue: descriptor).writeIfReady(bytes)
            }
        }
        return try Socket(descriptor: descriptor).send(bytes)
    }

    /// Sends a FIN: the peer reads end of input, and can still send to us.
    public func shutdownOutput() throws(SystemError) {
        guard let socket, !usesFileIO else { return }
        do throws(SystemError) {
            try socket.shutdown(.write)
        } catch where error.isDisconnect {
            markDisconnected()
        }
    }

    /// Closes the socket and leaves the loop's map. Idempotent; calls no hook.
    /// Subclasses that hold resources override it and call `super.close()`.
    open func close() {
        guard isOpen else { return }
        if acceptPaused { resumeAccepting() }
        accepting = false
        connecting = false
        isConnected = false
        loop.unregister(self)
        Syscall.close(descriptor)
        descriptor = -1
        connectionDidClose()
    }

    /// Drops what belonged to the connection that just closed, so nothing of
    /// it reaches a later connection of the same dispatcher.
    func connectionDidClose() {}

    /// Closes the descriptor while the loop itself is going away.
    func abandon() {
        guard isOpen else { return }
        Syscall.close(descriptor)
        descriptor = -1
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

    /// Input is ready: call ``recv(_:)``.
    open func handleRead() throws { logInfo("unhandled read event", type: "warning") }

    /// The socket can take more output.
    open func handleWrite() throws { logInfo("unhandled write event", type: "warning") }

    /// A ``connect(to:)`` succeeded; ``connected`` is already true.
    open func handleConnect() throws { logInfo("unhandled connect event", type: "warning") }

    /// Urgent (out-of-band) data arrived.
    open func handleExpt() throws { logInfo("unhandled incoming priority event", type: "warning") }

    /// The listening socket has connections pending. The default accepts every
    /// one and hands each to ``handleAccepted(socket:address:)``.
    open func handleAccept() throws {
        var taken = 0
        while taken < 4096, let (socket, address) = try accept() {
            taken += 1
            try handleAccepted(socket: socket, address: address)
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

    // MARK: Logging

    /// Writes `log: message` to the loop's logger.
    public func log(_ message: String) {
        loop.log("log: \(message)")
    }

    /// Writes `type: message` to the loop's logger unless `type` is in ``ignoredLogTypes``.
    public func logInfo(_ message: String, type: String = "info") {
        guard !ignoredLogTypes.contains(type) else { return }
        loop.log("\(type): \(message)")
    }

    open var description: String {
        var parts = ["\(Swift.type(of: self))"]
        if !isOpen {
            parts.append("closed")
        } else {
            parts.append("fd \(descriptor)")
            if accepting { parts.append("listening") } else if connected { parts.append("connected") } else if connecting { parts.append("connecting") }
            if accepting, let address = try? localAddress { parts.append(address.description) }
            if !accepting, connected, !usesFileIO, let address = try? peerAddress { parts.append(address.description) }
        }
        return "<" + parts.joined(separator: " ") + ">"
    }

    // MARK: Event routing (called by the loop)

    func currentInterest() -> Interest {
        guard isOpen else { return [] }
        if accepting { return !acceptPaused && readable() ? .read : [] }
        var interest: Interest = []
        if !inputClosed, readable() { interest.insert(.read) }
        if connecting || writable() { interest.insert(.write) }
        return interest
    }

    /// Runs the hooks `events` call for. The loop passes itself, so no hook
    /// call pays for reaching the loop through the `unowned` reference.
    func dispatch(_ events: ReadyEvents, loop: EventLoop) {
        if accepting {
            invoke(loop) { try $0.handleAccept() }
            return
        }
        // The events belong to this registration: a hook that closes the
        // dispatcher and gives it a new socket (reconnects) must not get the
        // rest of the old socket's events.
        let registration = token
        var isSameSocket: Bool { isOpen && token == registration }
        if connecting {
            finishConnect(events)
            guard isSameSocket, connected else { return }
        }
        let interest = registeredInterest
        if interest.contains(.read), !events.isDisjoint(with: [.read, .hangup, .error, .readHangup]) {
            invoke(loop) { try $0.handleRead() }
        }
        if isSameSocket, interest.contains(.write),
           events.contains(.write) || (!interest.contains(.read) && !events.isDisjoint(with: [.hangup, .error])) {
            invoke(loop) { try $0.handleWrite() }
        }
        if isSameSocket, events.contains(.priority) {
            invoke(loop) { try $0.handleExpt() }
        }
        if isSameSocket, events.contains(.error) {
            if let pending = usesFileIO ? .brokenPipe : pendingSocketError(ifUnreadable: nil) {
                route(SystemError(.recv, errno: pending))
            }
            loop.settle()
        }
    }

    /// Runs `body` as the loop runs a hook: errors are routed to
    /// ``handleClose()`` or ``handleError(_:)``, and closes are reported after.
    package func runAsHook(_ body: () throws -> Void) {
        invoke(loop) { _ in try body() }
    }

    @inline(__always)
    func invoke(_ loop: EventLoop, _ hook: (Dispatcher) throws -> Void) {
        do {
            try hook(self)
        } catch {
            route(error)
        }
        loop.settle()
    }

    private func route(_ error: any Error) {
        if let error = error as? SystemError, error.isDisconnect {
            markDisconnected()
        } else {
            handleError(error)
        }
    }

    private func markDisconnected() {
        guard !disconnected else { return }
        disconnected = true
        loop.needsAttention(self)
    }

    private func markInputClosed() {
        guard !inputClosed else { return }
        inputClosed = true
        loop.needsAttention(self)
    }

    /// Reports what happened during the last handler, once.
    func settle() {
        guard isOpen else { return }
        if disconnected {
            reportClose()
        } else if inputClosed, !endOfInputReported {
            endOfInputReported = true
            invoke(loop) { try $0.handleEndOfInput() }
        }
    }

    /// Calls ``handleClose()`` once per connection, then makes sure its
    /// socket is closed; a socket that ``handleClose()`` connected anew stays open.
    public func reportClose() {
        guard isOpen, !closeReported else { return }
        closeReported = true
        let registration = token
        handleClose()
        if token == registration { close() }
    }
}
