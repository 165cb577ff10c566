import AsyncChat
import AsyncCore
import AsyncTLS

// The AsyncTLS article's samples: TLS from the first byte, after STARTTLS,
// and for a client.

/// A line channel that answers STARTTLS by starting TLS.
final class StartTLSLine: ChatChannel {
    let context: TLSContext

    init(socket: Socket, context: TLSContext, loop: EventLoop) throws {
        self.context = context
        try super.init(socket: socket, loop: loop)
    }

    // sample: tls-after-starttls
    override func foundTerminator() throws {
        if takeIncomingText() == "STARTTLS", let socket {
            push("220 Ready to start TLS\r\n")
            upgradeWhenDone(to: try TLSLayer(socket: socket, context: context))
        }
    }
    // end sample
}

/// A listener whose clients speak TLS from the first byte.
final class SecureListener: Dispatcher {
    let context: TLSContext

    init(context: TLSContext, loop: EventLoop) {
        self.context = context
        super.init(loop: loop)
    }

    // sample: tls-from-the-first-byte
    override func handleAccepted(socket: Socket, address: SocketAddress) throws {
        let channel = try StartTLSLine(socket: socket, context: context, loop: loop)
        try channel.upgrade(to: TLSLayer(socket: socket, context: context))
    }
    // end sample
}

/// A client that speaks TLS once connected.
final class SecureClient: Dispatcher {
    // sample: tls-client
    override func handleConnect() throws {
        let trust = try TLSContext(trust: .systemStore)
        if let socket { try upgrade(to: TLSLayer(socket: socket, context: trust, serverName: "example.org")) }
    }
    // end sample
}

/// The contexts the samples are made with.
func makeTLSContexts() throws -> (server: TLSContext, client: TLSContext) {
    // sample: tls-contexts
    let server = try TLSContext(certificateChainFile: "cert.pem", privateKeyFile: "key.pem")
    let client = try TLSContext(trust: .systemStore)
    // end sample
    return (server, client)
}
