import AsyncChat
import AsyncCore

/// Standard input, forwarded to the echo server as it arrives; at its end,
/// the server is told that nothing more will come.
final class StandardInputReader: FileDispatcher {
    private let server: ChatChannel
    /// True once standard input ended: what the server still sends are the last replies.
    private(set) var reachedEndOfInput = false

    init(server: ChatChannel, loop: EventLoop) throws(SystemError) {
        self.server = server
        try super.init(fileDescriptor: .standardInput, loop: loop)
    }

    override func writable() -> Bool { false }

    /// Input waits while the server's replies are not being read fast enough.
    override func readable() -> Bool { server.isWritable }

    override func handleRead() throws {
        let bytes = try recv(65536)
        if !bytes.isEmpty { server.push(bytes) }
    }

    override func handleEndOfInput() throws {
        handleClose()
    }

    override func handleClose() {
        reachedEndOfInput = true
        server.shutdownOutputWhenDone()
        close()
    }
}
