#if TLS
import AsyncCore
import AsyncTLS
import TestSupport

/// Both ends of a TLS connection over a socketpair, on one loop: a server
/// channel that answers each line with `reply`, and a client channel.
struct TLSPair {
    let server: LineChannel
    let client: LineChannel
    let serverLayer: TLSLayer
    let clientLayer: TLSLayer

    init(
        loop: EventLoop,
        certificate: (chain: String, key: String) = TestCertificates.server,
        trust: TLSTrust = .certificates(file: TestCertificates.authority),
        serverName: String? = "localhost",
        reply: @escaping (String) -> String? = { "echo " + $0 }
    ) throws {
        let (serverSocket, clientSocket) = try Socket.pair()
        server = try LineChannel(socket: serverSocket, loop: loop)
        server.reply = reply
        serverLayer = try TLSLayer(
            socket: serverSocket, context: TLSContext(certificateChainFile: certificate.chain, privateKeyFile: certificate.key))
        try server.upgrade(to: serverLayer)
        client = try LineChannel(socket: clientSocket, loop: loop)
        clientLayer = try TLSLayer(socket: clientSocket, context: TLSContext(trust: trust), serverName: serverName)
        try client.upgrade(to: clientLayer)
    }
}
#endif
