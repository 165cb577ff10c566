/// Binding, listening and accepting.
extension Dispatcher {
    private static let acceptBackoff = Duration.milliseconds(100)

    /// Sets `SO_REUSEADDR`, so a restarted server can bind its port at once.
    /// Called before the dispatcher has a socket, it applies to the socket
    /// that ``bind(to:)``, ``listen(on:backlog:reuseAddress:)`` or
    /// ``createSocket(family:type:)`` makes next.
    public func setReuseAddress() throws(SystemError) {
        guard let socket else {
            reusesAddress = true
            return
        }
        try socket.setOption(.reuseAddress, to: 1)
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

    /// Makes a socket for `address`, sets `SO_REUSEADDR` (for IP addresses,
    /// unless `reuseAddress` is false), binds and listens: a server in one
    /// call. Port 0 picks a free port; ``localAddress`` tells which.
    ///
    /// ```swift
    /// let server = EchoServer(loop: loop)
    /// try server.listen(on: .ipv4("127.0.0.1", port: 7007))
    /// ```
    /// - Throws: ``SystemError`` naming the address when a step fails
    ///   (`bind 127.0.0.1:7007 failed: Address already in use (EADDRINUSE)`);
    ///   the dispatcher is left without a socket then.
    public func listen(
        on address: SocketAddress, backlog: Int32 = Socket.maximumBacklog, reuseAddress: Bool = true
    ) throws(SystemError) {
        do {
            try createSocket(family: address.family)
            if reuseAddress, address.family != .unix { try requireSocket(.setsockopt).setOption(.reuseAddress, to: 1) }
            try requireSocket(.bind).bind(to: address)
            try listen(backlog: backlog)
        } catch {
            close()
            throw error.path == nil ? error.naming(address.description) : error
        }
    }

    /// The address the socket is bound to.
    public var localAddress: SocketAddress {
        get throws(SystemError) { try requireSocket(.getsockname).localAddress() }
    }

    /// The connected peer's address.
    public var peerAddress: SocketAddress {
        get throws(SystemError) { try requireSocket(.getpeername).peerAddress() }
    }

    func requireSocket(_ call: SystemCall) throws(SystemError) -> Socket {
        guard let socket else { throw SystemError(call, errno: .badFileDescriptor) }
        return socket
    }

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

    /// Leaves a connection from a trusted proxy to a ``ProxyHeaderReader``
    /// until its header is read.
    func readProxyHeader(_ socket: Socket, from proxy: SocketAddress, policy: ProxyProtocol) {
        do {
            _ = try ProxyHeaderReader(socket: socket, from: proxy, listener: self, policy: policy, loop: loop)
        } catch {
            socket.close()
            loop.log("proxy: \(proxy): \(error); connection closed")
        }
    }

    private func pauseAccepting(_ error: SystemError) {
        acceptPaused = true
        loop.log("warning: \(self) cannot accept (\(error)); pausing accepts until a descriptor is free")
        let timer = loop.schedule(after: Dispatcher.acceptBackoff) { [weak self] in self?.resumeAccepting() }
        loop.pauseAccepting(self, until: timer)
    }

    func resumeAccepting() {
        guard acceptPaused else { return }
        acceptPaused = false
        loop.resumeAccepting(self)
    }
}
