import AsyncChat
import AsyncCore
import ExampleSupport

/// The connection to the echo server: prints every line that comes back.
final class EchoClientChannel: ChatChannel {
    private(set) var failure: (any Error)?
    /// Runs once the connection is over, however it ended.
    var onEnd: (() -> Void)?

    override init(loop: EventLoop) {
        super.init(loop: loop)
        terminator = .crlfOrLF
    }

    override func handleConnect() throws {
        Console.printError("echo-client: connected to \(try peerAddress)")
    }

    override func foundTerminator() throws {
        try Console.writeOutput(takeIncomingData() + [10])
    }

    override func handleUnterminatedInput(_ tail: [UInt8]) {
        try? Console.writeOutput(tail + [10])
    }

    override func handleError(_ error: any Error) {
        failure = error
        close()
    }

    override func close() {
        super.close()
        let onEnd = self.onEnd
        self.onEnd = nil
        onEnd?()
    }
}
