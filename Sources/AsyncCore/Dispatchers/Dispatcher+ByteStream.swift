import Glibc

/// Sending and receiving, through the transport.
extension Dispatcher {
    /// Sends an array's bytes; see ``send(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public final func send(_ bytes: [UInt8]) throws(SystemError) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try send(raw) } }.get()
    }

    /// Sends a slice's bytes (as ``receive(upTo:_:)`` lends them); see ``send(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public final func send(_ bytes: ArraySlice<UInt8>) throws(SystemError) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(SystemError) in try send(raw) } }.get()
    }

    /// Sends bytes from any contiguous or non-contiguous collection; see ``send(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public final func send<Bytes: Sequence>(_ bytes: Bytes) throws(SystemError) -> Int where Bytes.Element == UInt8 {
        let sent: Result<Int, SystemError>? = bytes.withContiguousStorageIfAvailable { buffer in
            Result { () throws(SystemError) -> Int in try send(UnsafeRawBufferPointer(buffer)) }
        }
        if let sent { return try sent.get() }
        let copy = Array(bytes)
        return try copy.withUnsafeBytes { raw in Result { () throws(SystemError) in try send(raw) } }.get()
    }

    /// Sends a string's UTF-8 bytes; see ``send(_:)-(UnsafeRawBufferPointer)``.
    @discardableResult
    public final func send(_ text: String) throws(SystemError) -> Int {
        try send(Array(text.utf8))
    }

    /// Sends several buffers with one system call (gather write). Returns the
    /// bytes sent; 0 when it would block or the peer is gone.
    package func send(vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int {
        guard isOpen, !vectors.isEmpty else { return 0 }
        do throws(SystemError) {
            return try transport.write(descriptor, vectors: vectors) ?? 0
        } catch where error.isDisconnect {
            markDisconnected()
            return 0
        }
    }

    /// Receives up to `maxBytes`. An empty result means nothing is there:
    /// either the socket would block, or the peer finished sending, in which
    /// case ``inputClosed`` is true and ``handleEndOfInput()`` follows once the
    /// running handler returns.
    public func recv(_ maxBytes: Int = 65536) throws(SystemError) -> [UInt8] {
        let loop = self.loop
        if maxBytes <= loop.readBuffer.count {
            // Into the shared buffer, then copied: no 64 KiB allocation per call.
            let count = loop.readBuffer.withUnsafeMutableBytes { raw in
                Result { () throws(SystemError) in try recv(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<max(0, maxBytes)])) }
            }
            return Array(loop.readBytes(try count.get()))
        }
        var bytes = [UInt8](repeating: 0, count: maxBytes)
        let count = bytes.withUnsafeMutableBytes { raw in Result { () throws(SystemError) in try recv(into: raw) } }
        bytes.removeLast(maxBytes - (try count.get()))
        return bytes
    }

    /// Receives what is there into the loop's shared read buffer and lends
    /// the bytes to `body`, without copying them: the way to read without a
    /// buffer per connection.
    ///
    /// ```swift
    /// override func handleRead() throws {
    ///     try receive { bytes in try send(bytes) }     // an echo
    /// }
    /// ```
    /// `body` runs only when bytes arrived. The bytes are lent for the call:
    /// keep a copy (`Array(bytes)`) to hold on to them.
    /// - Returns: the byte count; 0 as ``recv(_:)`` returns empty (nothing
    ///   there now, or the peer finished sending).
    /// - Throws: the ``SystemError`` of a failed receive, or what `body` threw.
    @discardableResult
    public func receive(upTo maxBytes: Int = 65536, _ body: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        try receive(upTo: maxBytes, loop: loop, body)
    }

    /// ``receive(upTo:_:)`` with the loop at hand, for hooks that already hold it.
    @discardableResult
    package func receive(upTo maxBytes: Int, loop: EventLoop, _ body: (ArraySlice<UInt8>) throws -> Void) throws -> Int {
        let count = loop.readBuffer.withUnsafeMutableBytes { raw in
            Result { () throws(SystemError) in
                try recv(into: UnsafeMutableRawBufferPointer(rebasing: raw[0..<min(max(0, maxBytes), raw.count)]))
            }
        }
        let received = try count.get()
        if received > 0 { try body(loop.readBytes(received)) }
        return received
    }

    /// Receives into `buffer`; returns the byte count, 0 as ``recv(_:)`` returns empty.
    public func recv(into buffer: UnsafeMutableRawBufferPointer) throws(SystemError) -> Int {
        guard isOpen, !inputClosed, !buffer.isEmpty else { return 0 }
        do throws(SystemError) {
            guard let count = try transport.read(descriptor, into: buffer) else { return 0 }
            if count == 0 { markInputClosed() }
            return count
        } catch where error.isDisconnect {
            markDisconnected()
            return 0
        }
    }

    /// Reads and drops what the socket holds now (at most 1 MiB), without
    /// marking the end of input: for bytes that must never be handled, such
    /// as plaintext a peer sent before a transport layer starts.
    package func discardUnreadInput() {
        guard isOpen, let socket else { return }
        let scratch = loop.scratch
        var dropped = 0
        while dropped < 1 << 20, let count = try? socket.receive(into: scratch), count > 0 {
            dropped += count
        }
    }

    /// Sends a FIN: the peer reads end of input, and can still send to us.
    /// A file or pipe has no such half-close: nothing happens.
    public func shutdownOutput() throws(SystemError) {
        guard isOpen else { return }
        do throws(SystemError) {
            try transport.shutdownOutput(descriptor)
        } catch where error.isDisconnect {
            markDisconnected()
        }
    }
}
