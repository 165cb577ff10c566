#if TLS
import AsyncCore
internal import CSSL
import Glibc

/// How records move between OpenSSL's memory buffers and the socket.
extension TLSLayer {
    /// Ciphertext read from the socket at once, at most.
    static let readChunk = 32 << 10
    /// Ciphertext the layer holds for the socket before it takes no more plaintext.
    static let maxHeldCiphertext = 64 << 10
    /// Plaintext per record OpenSSL is given at a time (a record's maximum).
    static let maxRecordPlaintext = 16 << 10
    /// A memory buffer that grew past this is replaced by a new one once
    /// empty: an idle connection keeps no burst's worth of memory.
    static let idleBufferCapacity = 4 << 10

    static func makeConnection(
        context: TLSContext, serverName: String?
    ) throws(TLSError) -> (OpaquePointer, OpaquePointer, OpaquePointer) {
        OpenSSLErrors.clear()
        guard let connection = SSL_new(context.native) else { throw .setup(reason: OpenSSLErrors.take()) }
        guard let incoming = makeMemoryBuffer(), let outgoing = makeMemoryBuffer() else {
            SSL_free(connection)
            throw .setup(reason: "out of memory")
        }
        SSL_set_bio(connection, incoming, outgoing)
        if context.isServer {
            SSL_set_accept_state(connection)
            return (connection, incoming, outgoing)
        }
        SSL_set_connect_state(connection)
        if let serverName, !serverName.isEmpty {
            if isAddressLiteral(serverName) {
                if context.trust != .anyCertificate {
                    _ = X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(connection), serverName)
                }
            } else {
                _ = cssl_SSL_set_tlsext_host_name(connection, serverName)
                if context.trust != .anyCertificate { _ = SSL_set1_host(connection, serverName) }
            }
        }
        return (connection, incoming, outgoing)
    }

    private static func makeMemoryBuffer() -> OpaquePointer? {
        guard let buffer = BIO_new(BIO_s_mem()) else { return nil }
        // Empty means "nothing yet" (retry), never end of input.
        cssl_BIO_set_mem_eof_return(buffer, -1)
        return buffer
    }

    private static func isAddressLiteral(_ name: String) -> Bool {
        name.contains(":") || name.allSatisfy { $0 == "." || $0.isASCII && $0.isNumber }
    }

    // MARK: Handshake

    /// Puts the ClientHello in the outgoing buffer; the loop sends it when
    /// the socket is writable.
    func startClientHandshake() {
        OpenSSLErrors.clear()
        let result = SSL_do_handshake(connection)
        heldCiphertext = Int(BIO_ctrl_pending(outgoing))
        if result != 1, SSL_get_error(connection, result) != SSL_ERROR_WANT_READ {
            failureReason = .handshake(reason: OpenSSLErrors.take())
            phase = .failed
        }
    }

    /// Runs the handshake as far as the bytes at hand allow, reading the
    /// socket until it has nothing more.
    func advanceHandshake() throws(SystemError) {
        while phase == .handshaking {
            OpenSSLErrors.clear()
            let result = SSL_do_handshake(connection)
            let error = result == 1 ? SSL_ERROR_NONE : SSL_get_error(connection, result)
            let reason = result == 1 ? nil : handshakeFailure(error)
            try sendHeldCiphertext()
            if result == 1 {
                phase = .established
                releaseHandshakeBuffers()
                return
            }
            if let reason { throw fail(reason, call: .recv) }
            let received = withUnsafeTemporaryAllocation(byteCount: Self.maxRecordPlaintext + 512, alignment: 8) { room in
                Result { () throws(SystemError) -> Int? in try receiveCiphertext(into: room) }
            }
            guard let count = try received.get() else { return }
            if count == 0 { throw fail(.closedDuringHandshake, call: .recv) }
        }
    }

    /// Why the handshake stopped, or nil when it only waits for the peer.
    private func handshakeFailure(_ error: Int32) -> TLSError? {
        guard error != SSL_ERROR_WANT_READ else { return nil }
        let verification = SSL_get_verify_result(connection)
        if !context.isServer, verification != X509_V_OK {
            OpenSSLErrors.clear()
            let reason = X509_verify_cert_error_string(verification).map { String(cString: $0) } ?? "error \(verification)"
            return .verification(host: serverName, reason: reason)
        }
        return .handshake(reason: OpenSSLErrors.take())
    }

    // MARK: Reading

    /// Decrypts into `buffer` what the records at hand and the socket hold:
    /// until the buffer is full or the socket has nothing more. The
    /// buffer's free part doubles as room for the ciphertext read.
    func readPlaintext(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        switch phase {
        case .failed:
            throw SystemError(.recv, errno: .protocolError)
        case .handshaking:
            try advanceHandshake()
            guard phase == .established else { return nil }
        case .established:
            break
        }
        guard let base = buffer.baseAddress, !buffer.isEmpty else { return nil }
        var total = 0
        var socketDrained = false
        // Every failure below empties the queue as it reads it, so one look
        // before the loop keeps SSL_get_error's answers true.
        OpenSSLErrors.clearIfAny()
        reading: while total < buffer.count {
            let count = SSL_read(connection, base + total, Int32(clamping: buffer.count - total))
            if count > 0 {
                total += Int(count)
                continue
            }
            switch SSL_get_error(connection, count) {
            case SSL_ERROR_WANT_READ:
                freshCiphertext = false
                // What OpenSSL owes the peer after a record (a key update).
                try sendHeldCiphertext()
                guard !peerFinished, !socketDrained else { break reading }
                let room = UnsafeMutableRawBufferPointer(start: base + total, count: min(buffer.count - total, Self.readChunk))
                guard let received = try receiveCiphertext(into: room) else { break reading }
                // A short read emptied the socket: no need to ask it again.
                if received < room.count { socketDrained = true }
            case SSL_ERROR_ZERO_RETURN:
                peerFinished = true
                receivedCloseNotify = true
                break reading
            case SSL_ERROR_WANT_WRITE:
                try sendHeldCiphertext()
                break reading
            default:
                throw fail(.connection(reason: OpenSSLErrors.take()), call: .recv)
            }
        }
        releaseIncomingIfIdle()
        if total > 0 { return total }
        guard peerFinished else { return nil }
        endReported = true
        return 0
    }

    /// Reads the socket once into `room` and hands the bytes to OpenSSL: the
    /// count, 0 at the end of input (also noted in `peerFinished`), nil when
    /// the socket has nothing now.
    private func receiveCiphertext(into room: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int? {
        guard let received = try socket.receive(into: room) else { return nil }
        guard received > 0 else {
            peerFinished = true
            return 0
        }
        guard BIO_write(incoming, room.baseAddress, Int32(received)) == Int32(received) else {
            throw fail(.setup(reason: "out of memory"), call: .recv)
        }
        freshCiphertext = true
        if received > Self.idleBufferCapacity / 2 { incomingMayHaveGrown = true }
        return received
    }

    /// The handshake's messages grew both memory buffers past what records
    /// need: start the connection with fresh ones where they are empty.
    private func releaseHandshakeBuffers() {
        if BIO_ctrl_pending(outgoing) == 0, cssl_BIO_mem_capacity(outgoing) > 0, let fresh = Self.makeMemoryBuffer() {
            SSL_set0_wbio(connection, fresh)
            outgoing = fresh
        }
        if BIO_ctrl_pending(incoming) == 0, cssl_BIO_mem_capacity(incoming) > 0, let fresh = Self.makeMemoryBuffer() {
            SSL_set0_rbio(connection, fresh)
            incoming = fresh
        }
    }

    private func releaseIncomingIfIdle() {
        guard incomingMayHaveGrown, BIO_ctrl_pending(incoming) == 0 else { return }
        incomingMayHaveGrown = false
        guard cssl_BIO_mem_capacity(incoming) > Self.idleBufferCapacity, let fresh = Self.makeMemoryBuffer() else { return }
        SSL_set0_rbio(connection, fresh)
        incoming = fresh
    }

    // MARK: Writing

    /// Whether plaintext can be taken now: the handshake is done and the
    /// socket took the records before.
    func isReadyToEncrypt() throws(SystemError) -> Bool {
        switch phase {
        case .failed:
            throw SystemError(.send, errno: .protocolError)
        case .handshaking:
            try advanceHandshake()
            guard phase == .established else { return false }
        case .established:
            break
        }
        if sentCloseNotify { throw SystemError(.send, errno: .brokenPipe) }
        if heldCiphertext > 0 { try sendHeldCiphertext() }
        return heldCiphertext == 0
    }

    /// Turns as much of `bytes` into records as the held-ciphertext bound allows.
    func encrypt(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var taken = 0
        OpenSSLErrors.clearIfAny()
        while taken < bytes.count, heldCiphertext < Self.maxHeldCiphertext {
            let count = SSL_write(connection, base + taken, Int32(min(bytes.count - taken, Self.maxRecordPlaintext)))
            guard count > 0 else {
                let error = SSL_get_error(connection, count)
                if error == SSL_ERROR_WANT_READ || error == SSL_ERROR_WANT_WRITE { break }
                throw fail(.connection(reason: OpenSSLErrors.take()), call: .send)
            }
            taken += Int(count)
            heldCiphertext = Int(BIO_ctrl_pending(outgoing))
            if heldCiphertext > Self.idleBufferCapacity / 2 { outgoingMayHaveGrown = true }
        }
        return taken
    }

    /// Sends what the socket takes of the held ciphertext, then the FIN of
    /// a pending shutdown once nothing is held.
    func sendHeldCiphertext() throws(SystemError) {
        var held = Int(BIO_ctrl_pending(outgoing))
        while held > 0 {
            var data: UnsafeMutablePointer<CChar>?
            let length = cssl_BIO_get_mem_data(outgoing, &data)
            guard let data, length > 0 else { break }
            let sent = try socket.send(UnsafeRawBufferPointer(start: data, count: length)) ?? 0
            guard sent > 0 else { break }
            discardSent(sent, of: length)
            held -= sent
        }
        heldCiphertext = held
        guard held == 0 else { return }
        if finPending {
            finPending = false
            try socket.shutdown(.write)
        }
    }

    /// Drops the first `sent` bytes of the outgoing buffer.
    private func discardSent(_ sent: Int, of length: Int) {
        guard sent < length else {
            // All of it: start again empty, or with a small buffer if a burst made it large.
            if outgoingMayHaveGrown, cssl_BIO_mem_capacity(outgoing) > Self.idleBufferCapacity, let fresh = Self.makeMemoryBuffer() {
                outgoingMayHaveGrown = false
                SSL_set0_wbio(connection, fresh)
                outgoing = fresh
            } else {
                outgoingMayHaveGrown = false
                cssl_BIO_reset(outgoing)
            }
            return
        }
        withUnsafeTemporaryAllocation(byteCount: 4096, alignment: 8) { scratch in
            var left = sent
            while left > 0 {
                let count = BIO_read(outgoing, scratch.baseAddress, Int32(min(left, scratch.count)))
                guard count > 0 else { return }
                left -= Int(count)
            }
        }
    }

    // MARK: Ending

    func sendCloseNotify() {
        guard phase == .established, !sentCloseNotify else { return }
        sentCloseNotify = true
        OpenSSLErrors.clear()
        _ = SSL_shutdown(connection)
        heldCiphertext = Int(BIO_ctrl_pending(outgoing))
    }

    /// Records why the connection failed (the loop reports it to the
    /// dispatcher), sends the alert OpenSSL wrote, and returns the error the
    /// failing call throws.
    func fail(_ reason: TLSError, call: SystemCall) -> SystemError {
        if failureReason == nil { failureReason = reason }
        phase = .failed
        try? sendHeldCiphertext()
        return SystemError(call, errno: .protocolError)
    }
}
#endif
