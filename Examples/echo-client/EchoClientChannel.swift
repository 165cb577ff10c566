import AsyncChat
import AsyncCore
import ExampleSupport

/// The connection to the echo server: prints every line that comes back.
final class EchoClientChannel: ChatChannel {
    private(set) var failure: (any Error)?
    /// Runs once the connection is over, however it ended.
    var onEnd: (() -> Void)?
    private let programLog: Log

    init(log: Log, loop: EventLoop) {
        self.programLog = log
        super.init(loop: loop)
        terminator = .crlfOrLF
    }

    override func handleConnect() throws {
        programLog("connected to \(try peerAddress)")
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
        if isOpen, connected, failure == nil { programLog("connection closed") }
        super.close()
        let onEnd = self.onEnd
        self.onEnd = nil
        onEnd?()
    }
}
