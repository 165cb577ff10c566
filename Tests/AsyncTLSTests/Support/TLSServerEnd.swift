#if TLS
import AsyncCore
import AsyncTLS
import TestSupport

/// A TLS server channel over one end of a socketpair, with the other end
/// left to the test as a raw peer.
struct TLSServerEnd {
    let server: LineChannel
    let layer: TLSLayer
    let peer: RawPeer

    init(loop: EventLoop, handshakeTimeout: Duration = .seconds(10)) throws {
        let (serverSocket, peerSocket) = try Socket.pair()
        server = try LineChannel(socket: serverSocket, loop: loop)
        server.reply = { "echo " + $0 }
        let context = try TLSContext(
            certificateChainFile: TestCertificates.server.chain, privateKeyFile: TestCertificates.server.key,
            handshakeTimeout: handshakeTimeout)
        layer = try TLSLayer(socket: serverSocket, context: context)
        try server.upgrade(to: layer)
        peer = RawPeer(socket: peerSocket)
    }
}
#endif
