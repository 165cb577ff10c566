import AsyncCore
import Glibc
#if TLS
internal import CSSL
#endif

/// TLS over a dispatcher's socket, on the system's OpenSSL: install it with
/// `upgrade(to:)` right after accepting or connecting (TLS from the first
/// byte), or with `ChatChannel.upgradeWhenDone(to:)` after a STARTTLS reply.
///
/// ```swift
/// let context = try TLSContext(certificateChainFile: "cert.pem", privateKeyFile: "key.pem")
///
/// final class SecureEchoServer: Dispatcher {
///     let context: TLSContext
///     init(context: TLSContext, loop: EventLoop) {
///         self.context = context
///         super.init(loop: loop)
///     }
///     override func handleAccepted(socket: Socket, address: SocketAddress) throws {
///         let channel = try LineEcho(socket: socket, loop: loop)
///         try channel.upgrade(to: TLSLayer(socket: socket, context: context))
///     }
/// }
/// ```
///
/// OpenSSL works on memory buffers, so the loop keeps the socket and its
/// readiness: the layer reads and writes the socket only when the loop
/// calls it, asks for the readiness its handshake and held records need,
/// and hands out records it has already decrypted without waiting for the
/// socket. A connection holds at most one burst of records (64 KiB) that
/// the socket has not taken; idle, it keeps no record buffers.
///
/// The handshake runs as soon as the layer is installed and must finish
/// within the context's ``TLSContext/handshakeTimeout``; what the dispatcher
/// sends meanwhile waits for it. A failure reaches `handleError(_:)` as a
/// ``TLSError``, and the connection closes. Closing sends `close_notify`;
/// `shutdownOutput()` sends it, then a FIN; the peer's `close_notify` (or a
/// plain FIN) is the end of input.
public final class TLSLayer: TransportLayer {
    /// The context the connection was made with.
    public let context: TLSContext
    /// For a client, the host name its certificate must be issued for (also
    /// sent as SNI); nil for a server.
    public let serverName: String?

    /// True once the peer ended its output with `close_notify`. At the end of
    /// input without it, the peer (or someone between) closed the TCP
    /// connection without saying goodbye: a protocol that cannot tell a
    /// complete message from a truncated one should not trust the last.
    public internal(set) var receivedCloseNotify = false

    #if TLS
    /// The connection's state in OpenSSL; it owns both memory buffers.
    let connection: OpaquePointer
    /// Ciphertext from the peer, waiting for OpenSSL.
    var incoming: OpaquePointer
    /// Ciphertext from OpenSSL, waiting for the socket.
    var outgoing: OpaquePointer
    var phase = Phase.handshaking
    /// Bytes in `outgoing`.
    var heldCiphertext = 0
    /// `incoming` got bytes since OpenSSL last asked for more: a record may be complete.
    var freshCiphertext = false
    /// The peer sent `close_notify`, or a FIN.
    var peerFinished = false
    /// The end of input was handed to the dispatcher.
    var endReported = false
    var sentCloseNotify = false
    /// A FIN follows once the held ciphertext is sent.
    var finPending = false
    /// A memory buffer may have grown past ``idleBufferCapacity`` since it
    /// was last checked: checking costs a call per read or write otherwise.
    var incomingMayHaveGrown = false
    var outgoingMayHaveGrown = false
    var failureReason: TLSError?

    enum Phase {
        case handshaking
        case established
        case failed
    }
    #endif

    /// A server's end of a connection (`context` made with a certificate and
    /// key), or a client's with no host name to check.
    /// - Throws: ``TLSError/unavailable`` when the package was built without
    ///   its `TLS` trait; ``TLSError/setup(reason:)`` when OpenSSL is out of memory.
    public convenience init(socket: Socket, context: TLSContext) throws(TLSError) {
        try self.init(socket: socket, context: context, serverName: nil)
    }

    /// A client's end of a connection to `serverName`: the server's
    /// certificate must be issued for that name (or IP address) unless the
    /// context trusts ``TLSTrust/anyCertificate``; the name is also sent as
    /// SNI. The handshake starts at once.
    /// - Throws: ``TLSError/unavailable`` when the package was built without
    ///   its `TLS` trait; ``TLSError/setup(reason:)`` when OpenSSL is out of memory.
    public init(socket: Socket, context: TLSContext, serverName: String?) throws(TLSError) {
        self.context = context
        self.serverName = context.isServer ? nil : serverName
        #if TLS
        (connection, incoming, outgoing) = try Self.makeConnection(context: context, serverName: self.serverName)
        super.init(socket: socket)
        if !context.isServer { startClientHandshake() }
        #else
        throw .unavailable
        #endif
    }

    #if TLS
    deinit {
        SSL_free(connection)
    }

    public override func read(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        try readPlaintext(into: buffer)
    }

    public override func write(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int? {
        guard try isReadyToEncrypt() else { return nil }
        let taken = try encrypt(bytes)
        try sendHeldCiphertext()
        return taken > 0 ? taken : nil
    }

    public override func write(vectors: UnsafeBufferPointer<iovec>) throws(SystemError) -> Int? {
        guard try isReadyToEncrypt() else { return nil }
        var total = 0
        for vector in vectors {
            let bytes = UnsafeRawBufferPointer(start: vector.iov_base, count: vector.iov_len)
            let taken = try encrypt(bytes)
            total += taken
            if taken < bytes.count { break }
        }
        // The records of every buffer leave in one send.
        try sendHeldCiphertext()
        return total > 0 ? total : nil
    }

    public override func shutdownOutput() throws(SystemError) {
        sendCloseNotify()
        try sendHeldCiphertext()
        if heldCiphertext == 0 {
            try socket.shutdown(.write)
        } else {
            finPending = true
        }
    }

    public override var neededInterest: TransportInterest {
        var interest: TransportInterest = []
        if phase == .handshaking { interest.insert(.read) }
        if heldCiphertext > 0 { interest.insert(.write) }
        return interest
    }

    public override func handleReadiness(_ ready: TransportInterest) throws(SystemError) {
        if ready.contains(.write) { try sendHeldCiphertext() }
        if ready.contains(.read), phase == .handshaking { try advanceHandshake() }
    }

    public override var hasBufferedInput: Bool {
        guard phase == .established else { return false }
        return freshCiphertext || SSL_pending(connection) > 0 || (peerFinished && !endReported)
    }

    public override var isEstablished: Bool { phase == .established }

    public override var setupTimeout: Duration? { context.handshakeTimeout }

    public override var failure: (any Error)? { failureReason }

    /// Says goodbye (`close_notify`) if the connection is up, without waiting
    /// for the socket to take it.
    public override func close() {
        sendCloseNotify()
        try? sendHeldCiphertext()
    }
    #endif
}
