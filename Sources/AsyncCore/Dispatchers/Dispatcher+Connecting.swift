/// Non-blocking connects.
extension Dispatcher {
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
        if let pending = transport.pendingError(descriptor, ifUnreadable: .badFileDescriptor) {
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

    private func failConnect(_ error: SystemError) {
        connecting = false
        handleError(error)
        if isOpen { close() }
        loop.settle()
    }
}
