import AsyncCore
import Glibc
import Testing

/// Error text and classification (test_asyncore's `test_strerror`, T-AC-11).
@Suite("System errors")
struct SystemErrorTests {
    @Test func messageIsTheCLibrarysText() {
        #expect(SystemError.message(for: EPERM) == String(cString: strerror(EPERM)))
        #expect(SystemError.message(for: ECONNREFUSED) == "Connection refused")
    }

    @Test func messageIsNeverEmpty() {
        #expect(!SystemError.message(for: -1).isEmpty)
        #expect(!SystemError.message(for: 0x7fff_ffff).isEmpty)
        for errno in Int32(0)...200 {
            #expect(!SystemError.message(for: errno).isEmpty, "errno \(errno)")
        }
    }

    @Test func descriptionNamesTheCallTheMessageAndTheSymbol() {
        #expect("\(SystemError(.connect, errno: ECONNREFUSED))" == "connect failed: Connection refused (ECONNREFUSED)")
        #expect("\(SystemError(.epollWait, errno: EBADF))" == "epoll_wait failed: Bad file descriptor (EBADF)")
        #expect(SystemError.name(for: 4242) == "errno 4242")
    }

    @Test func exactlyAsyncoresDisconnectErrnosCountAsDisconnects() {
        let disconnects: Set<Int32> = [ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED, EPIPE, EBADF]
        for errno in Int32(1)...200 {
            #expect(SystemError(.recv, errno: errno).isDisconnect == disconnects.contains(errno), "errno \(errno)")
        }
    }
}
