import AsyncCore
import Glibc
import TestSupport
import Testing

/// Writes a byte stream into one end of a socketpair in chosen chunks, and
/// makes the channel on the other end read each chunk on its own: after each
/// write the loop runs until the channel's socket holds no unread byte.
/// Feeding stops early once the channel has closed.
struct ChunkedFeeder {
    let peer: Socket
    let loop: EventLoop

    func feed(_ bytes: [UInt8], splitAt cuts: [Int], into channel: Dispatcher) throws {
        var start = 0
        for end in (cuts.filter { $0 < bytes.count } + [bytes.count]) where end > start {
            guard channel.isOpen else { return }
            try bytes[start..<end].withUnsafeBytes { raw in
                var offset = 0
                while offset < raw.count {
                    offset += try peer.send(UnsafeRawBufferPointer(rebasing: raw[offset...])) ?? 0
                }
            }
            try loop.run(until: { !channel.isOpen || unreadCount(channel.descriptor) == 0 })
            try loop.runPass(timeout: .zero)
            start = end
        }
    }

    private func unreadCount(_ descriptor: Int32) -> Int32 {
        var count: Int32 = 0
        _ = ioctl(descriptor, UInt(FIONREAD), &count)
        return count
    }
}
