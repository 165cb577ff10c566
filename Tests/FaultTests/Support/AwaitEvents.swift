import AsyncCore
import Glibc

/// Waits until `socket` has one of `events`; false once `deadline` passes first.
func awaitEvents(_ events: Int16, on socket: Socket, until deadline: Deadline) throws -> Bool {
    var descriptor = pollfd(fd: socket.descriptor, events: events, revents: 0)
    while true {
        let left = deadline.remaining
        let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000)
        let ready = poll(&descriptor, 1, milliseconds + (left > .zero ? 1 : 0))
        if ready > 0 { return true }
        if ready == 0, deadline.hasPassed { return false }
        if ready < 0, errno != EINTR { throw SystemError(.poll, errno: Errno(rawValue: errno)) }
    }
}
