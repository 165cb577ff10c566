import CSystem
import Glibc

/// An `epoll` instance: registrations carry a 64-bit token that comes back
/// with each event.
struct Epoll {
    private let descriptor: Int32

    /// The corresponding C function is `epoll_create1`.
    init() throws(SystemError) {
        descriptor = try Syscall.retrying(.epollCreate) { epoll_create1(Int32(EPOLL_CLOEXEC)) }
    }

    /// Registers `fd`. Returns false for a descriptor epoll cannot watch (a
    /// regular file: `EPERM`), which is always ready. The corresponding C
    /// function is `epoll_ctl` (`EPOLL_CTL_ADD`).
    func add(_ fd: Int32, events: EpollEvents, token: UInt64) throws(SystemError) -> Bool {
        if control(EPOLL_CTL_ADD, fd, events: events, token: token) { return true }
        let error = Errno.current
        if error == .notPermitted { return false }
        throw SystemError(.epollCtl, errno: error)
    }

    /// Changes what a registered `fd` waits for. The corresponding C function
    /// is `epoll_ctl` (`EPOLL_CTL_MOD`).
    func modify(_ fd: Int32, events: EpollEvents, token: UInt64) throws(SystemError) {
        if control(EPOLL_CTL_MOD, fd, events: events, token: token) { return }
        throw SystemError(.epollCtl, errno: Errno.current)
    }

    /// Unregisters `fd`; a descriptor already closed (and so already gone
    /// from the set) is no error. The corresponding C function is `epoll_ctl`
    /// (`EPOLL_CTL_DEL`).
    func remove(_ fd: Int32) throws(SystemError) {
        if control(EPOLL_CTL_DEL, fd, events: [], token: 0) { return }
        let error = Errno.current
        if error == .badFileDescriptor || error == .noSuchFileOrDirectory { return }
        throw SystemError(.epollCtl, errno: error)
    }

    /// Waits up to `timeoutMS` (-1: no limit) and fills `buffer` from its
    /// start; returns how many events it holds, 0 when a signal interrupted
    /// the wait. The corresponding C function is `epoll_wait`.
    @inline(__always)
    func wait(into buffer: inout EpollEventBuffer, timeoutMS: Int32) throws(SystemError) -> Int {
        let count = buffer.events.withUnsafeMutableBufferPointer { events in
            csystem_epoll_wait(descriptor, events.baseAddress, Int32(events.count), timeoutMS)
        }
        if count >= 0 { return Int(count) }
        let error = Errno.current
        if error == .interrupted { return 0 }
        throw SystemError(.epollWait, errno: error)
    }

    /// The corresponding C function is `close`.
    func close() {
        Syscall.close(descriptor)
    }

    private func control(_ operation: Int32, _ fd: Int32, events: EpollEvents, token: UInt64) -> Bool {
        var event = epoll_event()
        event.events = events.rawValue
        event.data.u64 = token
        return epoll_ctl(descriptor, operation, fd, &event) == 0
    }
}
