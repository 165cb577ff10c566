import AsyncCore
import Glibc

/// Where a ``ChannelOutput`` sends: the channel's connection.
protocol OutputSink: AnyObject {
    /// True while bytes can be sent: open and connected.
    var canSend: Bool { get }
    /// True while the transport holds bytes it took but has not sent yet.
    var holdsOutput: Bool { get }
    /// Sends what the connection takes now; 0 when it would block or is gone.
    func send(_ bytes: UnsafeRawBufferPointer) throws(SystemError) -> Int
    /// Sends several buffers with one call; 0 when it would block or is gone.
    func send(vectors: UnsafeMutableBufferPointer<iovec>) throws(SystemError) -> Int
    /// Sends a FIN.
    func shutdownOutput() throws(SystemError)
    /// Reads and drops what the connection holds unread (plaintext a peer
    /// sent before a transport layer starts).
    func discardUnreadInput()
}
