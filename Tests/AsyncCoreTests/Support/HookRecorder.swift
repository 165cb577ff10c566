import AsyncCore
import Testing

/// A dispatcher that records every hook the loop calls, in order, and runs the
/// closure a test set for that hook. Hooks without a closure keep the base
/// class's behaviour, except ``handleError(_:)``, which records the error and
/// closes: a test asserts `errors` is empty rather than letting a stray error
/// pass as a close.
class HookRecorder: Dispatcher {
    var hooks: [String] = []
    var errors: [any Error] = []
    var isReadable = true
    var isWritable = true

    var onRead: ((HookRecorder) throws -> Void)?
    var onWrite: ((HookRecorder) throws -> Void)?
    var onConnect: ((HookRecorder) throws -> Void)?
    var onExpt: ((HookRecorder) throws -> Void)?
    var onAccept: ((HookRecorder) throws -> Void)?
    var onAccepted: ((HookRecorder, Socket, SocketAddress) throws -> Void)?
    var onClose: ((HookRecorder) -> Void)?

    /// How many times `name` was called.
    func count(_ name: String) -> Int { hooks.filter { $0 == name }.count }

    override func readable() -> Bool { isReadable }
    override func writable() -> Bool { isWritable }

    override func handleRead() throws {
        hooks.append("read")
        if let onRead { try onRead(self) } else { try super.handleRead() }
    }

    override func handleWrite() throws {
        hooks.append("write")
        if let onWrite { try onWrite(self) } else { try super.handleWrite() }
    }

    override func handleConnect() throws {
        hooks.append("connect")
        if let onConnect { try onConnect(self) } else { try super.handleConnect() }
    }

    override func handleExpt() throws {
        hooks.append("expt")
        if let onExpt { try onExpt(self) } else { try super.handleExpt() }
    }

    override func handleAccept() throws {
        hooks.append("accept")
        if let onAccept { try onAccept(self) } else { try super.handleAccept() }
    }

    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        hooks.append("accepted")
        if let onAccepted { try onAccepted(self, socket, address) } else { try super.handleAccepted(socket: socket, address: address) }
    }

    override func handleClose() {
        hooks.append("close")
        onClose?(self)
        close()
    }

    override func handleError(_ error: any Error) {
        hooks.append("error")
        errors.append(error)
        close()
    }
}

/// A listener whose accepted connections become ``HookRecorder``s, set up by
/// `configure` before their first event.
final class RecordingServer: Dispatcher {
    var accepted: [HookRecorder] = []
    var errors: [any Error] = []
    var configure: (HookRecorder) throws -> Void = { _ in }

    /// Binds to `address` (port 0 or a fresh path) and listens.
    init(loop: EventLoop, address: SocketAddress) throws {
        super.init(loop: loop)
        try bind(to: address)
        try listen()
    }

    override func writable() -> Bool { false }

    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        let handler = try HookRecorder(socket: socket, loop: loop)
        accepted.append(handler)
        try configure(handler)
    }

    override func handleError(_ error: any Error) {
        errors.append(error)
        close()
    }
}

/// A client ``HookRecorder`` that has started connecting to `address`.
func connectingRecorder(loop: EventLoop, to address: SocketAddress) throws -> HookRecorder {
    let client = HookRecorder(loop: loop)
    try client.connect(to: address)
    return client
}
