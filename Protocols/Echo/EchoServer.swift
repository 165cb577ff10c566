import AsyncCore
import AsyncTLS

/// An echo server: it accepts connections and hands each one to the handler
/// of its ``EchoMode``, which sends back what the client sends.
///
/// ```swift
/// let loop = try EventLoop()
/// let server = try EchoServer(address: .ipv4("127.0.0.1", port: 7007), mode: .line, loop: loop)
/// print("listening on \(try server.localAddress)")
/// try loop.run()
/// ```
/// Made without an address, it does not listen: it serves the connections
/// handed to it, one per loop of an `EventLoopGroup`:
///
/// ```swift
/// let group = try EventLoopGroup(loops: 4)
/// let address = try group.serve(.ipv4("127.0.0.1", port: 7007)) { loop in EchoServer(mode: .line, loop: loop) }
/// ```
/// Unlike the asyncore documentation's version, a client that never reads
/// its echo cannot make the server buffer without limit: see
/// ``EchoOptions/maxPendingOutput``.
public final class EchoServer: Dispatcher {
    /// How each client is echoed.
    public let mode: EchoMode
    /// The settings every accepted client gets.
    public let options: EchoOptions
    /// When set, clients speak TLS from the first byte, with this context's
    /// certificate.
    public let tls: TLSContext?
    /// Hears what happens to each client, with its address: a log's source.
    /// Clients accepted before it is set are not reported.
    ///
    /// ```swift
    /// server.onEvent = { event in print(event) }   // 127.0.0.1:50312: connected
    /// ```
    public var onEvent: ((EchoEvent) -> Void)?

    /// Binds to `address` (with `SO_REUSEADDR` for IP addresses) and listens.
    /// Port 0 picks a free port; `localAddress` tells which. With `tls`,
    /// every client speaks TLS from the first byte:
    ///
    /// ```swift
    /// let tls = try TLSContext(certificateChainFile: "cert.pem", privateKeyFile: "key.pem")
    /// let server = try EchoServer(address: .ipv4("127.0.0.1", port: 7007), tls: tls, loop: loop)
    /// ```
    /// - Throws: `SystemError` naming the address when the socket cannot be
    ///   made, bound or listened on; nothing is left registered with the loop then.
    public init(
        address: SocketAddress, mode: EchoMode = .line, options: EchoOptions = EchoOptions(), tls: TLSContext? = nil,
        loop: EventLoop
    ) throws(SystemError) {
        self.mode = mode
        self.options = options
        self.tls = tls
        super.init(loop: loop)
        try listen(on: address)
    }

    /// A server that does not listen: it echoes the connections handed to
    /// its ``handleAccepted(socket:address:)``, as an `EventLoopGroup` does;
    /// with `tls`, over TLS from the first byte.
    public init(mode: EchoMode = .line, options: EchoOptions = EchoOptions(), tls: TLSContext? = nil, loop: EventLoop) {
        self.mode = mode
        self.options = options
        self.tls = tls
        super.init(loop: loop)
    }

    /// A client that cannot be adopted is closed and logged; the listener keeps serving.
    public override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        let report = onEvent.map { report in { (kind: EchoEvent.Kind) in report(EchoEvent(peer: address, kind: kind)) } }
        let client: Dispatcher
        do {
            switch mode {
            case .raw: client = try RawEchoHandler(socket: socket, options: options, loop: loop)
            case .line: client = try LineEchoChannel(socket: socket, options: options, loop: loop)
            }
        } catch {
            socket.close()
            logInfo("cannot serve \(address): \(error)", type: "error")
            return
        }
        if let tls {
            do {
                try client.upgrade(to: TLSLayer(socket: socket, context: tls))
            } catch {
                client.close()
                logInfo("cannot serve \(address): \(error)", type: "error")
                return
            }
        }
        (client as? RawEchoHandler)?.onEvent = report
        (client as? LineEchoChannel)?.onEvent = report
        report?(.connected)
    }
}
