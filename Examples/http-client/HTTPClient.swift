import AsyncCore
import AsyncTLS
import ExampleSupport

/// The asyncore documentation's HTTP client: connect, send one HTTP/1.0 GET,
/// copy whatever comes back to standard output until the server closes.
/// With a hook log, each hook says when it runs, as in the PyMOTW article.
final class HTTPClient: Dispatcher {
    /// Why the fetch failed: refused, reset, timed out, or output failed; nil on success.
    private(set) var failure: (any Error)?
    /// Response bytes received so far.
    private(set) var receivedCount = 0
    /// The response's status line, once it has arrived.
    private(set) var status = HTTPStatusLine()
    private var request: [UInt8]
    private let hookLog: ((String) -> Void)?
    private var deadline: LoopTimer?
    /// For https: the context, and the host the certificate must be issued for.
    private let tls: (context: TLSContext, host: String)?

    /// With a nil `timeout`, the client waits as long as the server keeps
    /// the connection; with `tls`, it speaks TLS once connected.
    init(
        url: HTTPURL, address: SocketAddress, tls: TLSContext?, timeout: Duration?, loop: EventLoop,
        hookLog: ((String) -> Void)?
    ) throws(SystemError) {
        request = Array("GET \(url.target) HTTP/1.0\r\nHost: \(url.hostHeader)\r\n\r\n".utf8)
        self.hookLog = hookLog
        self.tls = tls.map { ($0, url.host) }
        super.init(loop: loop)
        hookLog?("connecting to \(address)")
        try connect(to: address)
        if let timeout {
            deadline = loop.schedule(after: timeout) { [weak self] in
                self?.fail(TimeoutError(timeout: timeout))
            }
        }
    }

    override func readable() -> Bool {
        hookLog?("readable() -> true")
        return true
    }

    override func writable() -> Bool {
        let wanted = !request.isEmpty
        if wanted { hookLog?("writable() -> true") }
        return wanted
    }

    override func handleConnect() throws {
        hookLog?("handleConnect()")
        if let tls, let socket {
            try upgrade(to: TLSLayer(socket: socket, context: tls.context, serverName: tls.host))
            hookLog?("TLS handshake with \(tls.host) started")
        }
    }

    override func handleWrite() throws {
        let sent = try send(request)
        hookLog?("handleWrite() -> \"\(String(decoding: request[..<sent], as: UTF8.self))\"")
        request.removeFirst(sent)
    }

    override func handleRead() throws {
        let data = try recv(8192)
        hookLog?("handleRead() -> \(data.count) bytes")
        receivedCount += data.count
        status.take(data)
        try Console.writeOutput(data)
    }

    override func handleClose() {
        hookLog?("handleClose()")
        finish()
    }

    override func handleError(_ error: any Error) {
        hookLog?("handleError(\(error))")
        fail(error)
    }

    private func fail(_ error: any Error) {
        if failure == nil { failure = error }
        finish()
    }

    private func finish() {
        deadline?.cancel()
        deadline = nil
        close()
    }
}
