import AsyncCore

extension Socket {
    /// Writes all of `bytes`, running `loop` while the socket is full, so a
    /// test can send more than the socket buffers to a server on that loop.
    public func sendAll(_ bytes: [UInt8], loop: EventLoop) throws {
        var offset = 0
        while offset < bytes.count {
            let sent = try bytes[offset...].withUnsafeBytes { try send($0) } ?? 0
            offset += sent
            if sent == 0 { try loop.runPass(timeout: .milliseconds(10)) }
        }
    }
}
