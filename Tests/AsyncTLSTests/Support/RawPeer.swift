import AsyncCore
import TestSupport

/// The far end of a socketpair driven by hand: sends exactly what a test
/// says, and reads what arrives while the loop runs.
struct RawPeer {
    let socket: Socket

    func send(_ bytes: [UInt8], loop: EventLoop) throws {
        var offset = 0
        let deadline = Deadline(.seconds(20))
        while offset < bytes.count {
            let sent = try bytes[offset...].withUnsafeBytes { raw in try socket.send(raw) }
            offset += sent ?? 0
            if sent == nil {
                guard !deadline.hasPassed else { throw SystemError(.send, errno: .wouldBlock) }
                try loop.runPass(timeout: .milliseconds(10))
            }
        }
    }

    /// Everything the socket holds now; nil at the end of input.
    func drain() throws -> [UInt8]? {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = try chunk.withUnsafeMutableBytes { raw in try socket.receive(into: raw) }
            guard let count else { return bytes }
            if count == 0 { return bytes.isEmpty ? nil : bytes }
            bytes += chunk[..<count]
        }
    }
}
