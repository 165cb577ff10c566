/// The listening socket of an ``EventLoopGroup``: it accepts on its own
/// loop and hands each connection to the servers of the group's loops in
/// turn, the same number to each.
///
/// One listening socket, rather than one per loop with `SO_REUSEPORT`: the
/// two served as many lines per second on the benchmarks, and this one
/// shares connections out exactly, keeps a second server from quietly
/// taking half of a port (it gets `EADDRINUSE`), works for Unix-domain
/// sockets, and leaves no connection behind in a closed loop's backlog.
final class GroupAcceptor<Server: Dispatcher>: Dispatcher {
    private let servers: [LoopBound<Server>]
    private var nextServer = 0

    init(servers: [LoopBound<Server>], loop: EventLoop) {
        self.servers = servers
        super.init(loop: loop)
    }

    override func writable() -> Bool { false }

    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        let server = servers[nextServer]
        nextServer = (nextServer + 1) % servers.count
        if server.handle.isOnLoopThread {
            GroupAcceptor.hand(socket, address, to: server.value)
        } else {
            server.handle.post(.runOrAbandon { loop in
                guard loop != nil else { return socket.close() }
                GroupAcceptor.hand(socket, address, to: server.value)
            })
        }
    }

    /// Runs the server's accept hook as its loop would: what it throws
    /// goes to its own `handleError`.
    private static func hand(_ socket: Socket, _ address: SocketAddress, to server: Server) {
        server.runAsHook { try server.handleAccepted(socket: socket, address: address) }
    }

    /// A failure to accept one connection is logged; the listener carries on.
    override func handleError(_ error: any Error) {
        logInfo("\(self): \(error)", type: "error")
    }

    override func handleClose() {
        close()
    }
}
