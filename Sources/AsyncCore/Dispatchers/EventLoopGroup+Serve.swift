extension EventLoopGroup {
    /// Listens on `address` and shares the connections out over the loops:
    /// each is handed to one of `servers` (one per loop, made on it) through
    /// its ``Dispatcher/handleAccepted(socket:address:)``, the servers taking
    /// turns. Returns the address bound (port 0 picks a free port).
    ///
    /// ```swift
    /// let (group, servers) = try EventLoopGroup.start(loops: 4) { loop in
    ///     LoopBound(EchoServer(mode: .line, loop: loop), loop: loop)   // not listening: it serves what it is handed
    /// }
    /// let address = try group.serve(.ipv4("127.0.0.1", port: 0), handingTo: servers)
    /// ```
    /// The listening socket (with `SO_REUSEADDR` for IP addresses) lives on
    /// the first loop; a connection handed to another loop costs that loop
    /// one wake-up. With `proxyProtocol`, connections from the proxy's
    /// addresses have their PROXY header read on the first loop, and are
    /// handed over with the client's address (see ``ProxyProtocol``). Call it
    /// from a thread outside the group.
    /// - Throws: a `SystemError` naming the address when it cannot be bound
    ///   or listened on; a ``LoopHandleError`` when the first loop has stopped
    ///   or this is its own thread; ``EventLoopGroupError/noServers`` when
    ///   `servers` is empty.
    @discardableResult
    public func serve<Server: Dispatcher>(
        _ address: SocketAddress, backlog: Int32 = Socket.maximumBacklog, proxyProtocol: ProxyProtocol? = nil,
        handingTo servers: [LoopBound<Server>]
    ) throws -> SocketAddress {
        guard !servers.isEmpty else { throw EventLoopGroupError.noServers }
        let (bound, listener) = try threads[0].handle.submitAndWait { loop in
            try EventLoopGroup.listen(on: address, backlog: backlog, proxyProtocol: proxyProtocol, handingTo: servers, loop: loop)
        }
        listeners.withLock { $0.append(listener) }
        return bound
    }

    /// Listens as ``serve(_:backlog:proxyProtocol:handingTo:)-5irbe`` does, with a server
    /// `makeServer` makes on each loop.
    ///
    /// ```swift
    /// let group = try EventLoopGroup(loops: 4)
    /// let address = try group.serve(.ipv4("127.0.0.1", port: 0)) { loop in EchoServer(mode: .line, loop: loop) }
    /// ```
    /// - Throws: what `makeServer` threw, as it was thrown, and what
    ///   ``serve(_:backlog:proxyProtocol:handingTo:)-5irbe`` throws.
    @discardableResult
    public func serve<Server: Dispatcher>(
        _ address: SocketAddress, backlog: Int32 = Socket.maximumBacklog, proxyProtocol: ProxyProtocol? = nil,
        _ makeServer: @escaping @Sendable (EventLoop) throws -> Server
    ) throws -> SocketAddress {
        var servers: [LoopBound<Server>] = []
        for handle in handles {
            servers.append(try handle.submitAndWait { loop in LoopBound(try makeServer(loop), loop: loop) })
        }
        return try serve(address, backlog: backlog, proxyProtocol: proxyProtocol, handingTo: servers)
    }

    /// Listens as the blocking ``serve(_:backlog:proxyProtocol:handingTo:)-5irbe`` does,
    /// suspending the calling task (not its thread) meanwhile.
    ///
    /// ```swift
    /// let address = try await group.serve(.ipv4(port: 0), handingTo: servers)
    /// ```
    @discardableResult
    public func serve<Server: Dispatcher>(
        _ address: SocketAddress, backlog: Int32 = Socket.maximumBacklog, proxyProtocol: ProxyProtocol? = nil,
        handingTo servers: [LoopBound<Server>]
    ) async throws -> SocketAddress {
        guard !servers.isEmpty else { throw EventLoopGroupError.noServers }
        let (bound, listener) = try await threads[0].handle.submit { loop in
            try EventLoopGroup.listen(on: address, backlog: backlog, proxyProtocol: proxyProtocol, handingTo: servers, loop: loop)
        }
        listeners.withLock { $0.append(listener) }
        return bound
    }

    /// Closes the listening sockets `serve` opened, during the first loop's
    /// next pass; connections already accepted go on.
    ///
    /// ```swift
    /// group.stopAccepting()       // then tell the clients, and stop the group
    /// ```
    public func stopAccepting() {
        let open = listeners.withLock { listeners in
            defer { listeners.removeAll() }
            return listeners
        }
        for listener in open {
            listener.handle.execute { listener.value.close() }
        }
    }

    private static func listen<Server: Dispatcher>(
        on address: SocketAddress, backlog: Int32, proxyProtocol: ProxyProtocol?, handingTo servers: [LoopBound<Server>],
        loop: EventLoop
    ) throws(SystemError) -> (SocketAddress, LoopBound<Dispatcher>) {
        let acceptor = GroupAcceptor(servers: servers, loop: loop)
        acceptor.proxyProtocol = proxyProtocol
        try acceptor.listen(on: address, backlog: backlog)
        return (try acceptor.localAddress, LoopBound(acceptor, loop: loop))
    }
}
