import AsyncCore
import Glibc
import Testing

/// Error text and classification (test_asyncore's `test_strerror`, T-AC-11).
@Suite("System errors")
struct SystemErrorTests {
    @Test func messageIsTheCLibrarysText() {
        #expect(Errno(rawValue: EPERM).message == String(cString: strerror(EPERM)))
        #expect(Errno(rawValue: ECONNREFUSED).message == "Connection refused")
    }

    @Test func messageIsNeverEmpty() {
        #expect(!Errno(rawValue: -1).message.isEmpty)
        #expect(!Errno(rawValue: 0x7fff_ffff).message.isEmpty)
        for errno in Int32(0)...200 {
            #expect(!Errno(rawValue: errno).message.isEmpty, "errno \(errno)")
        }
    }

    @Test func descriptionNamesTheCallTheMessageAndTheSymbol() {
        #expect("\(SystemError(.connect, errno: .connectionRefused))" == "connect failed: Connection refused (ECONNREFUSED)")
        #expect("\(SystemError(.epollWait, errno: .badFileDescriptor))" == "epoll_wait failed: Bad file descriptor (EBADF)")
        #expect("\(SystemError(.open, errno: .noSuchFileOrDirectory, path: "/no/such"))"
            == "open /no/such failed: No such file or directory (ENOENT)")
    }

    @Test func exactlyAsyncoresDisconnectErrnosCountAsDisconnects() {
        let disconnects: Set<Int32> = [ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED, EPIPE, EBADF]
        for errno in Int32(1)...200 {
            #expect(SystemError(.recv, errno: Errno(rawValue: errno)).isDisconnect == disconnects.contains(errno), "errno \(errno)")
        }
    }
}
