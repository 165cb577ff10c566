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

    @Test func errnoDescribesItselfByItsSymbolicName() {
        #expect(Errno.connectionRefused.description == "ECONNREFUSED")
        #expect(Errno.wouldBlock.description == "EAGAIN")
        #expect(Errno(rawValue: EWOULDBLOCK) == .wouldBlock)
        #expect(Errno(rawValue: 4242).description == "errno 4242")
        #expect(Errno(rawValue: 0).description == "errno 0")
        #expect(Errno(rawValue: -1).description == "errno -1")
    }

    @Test func namedConstantsAreTheCValues() {
        let pairs: [(Errno, Int32)] = [
            (.notPermitted, EPERM), (.noSuchFileOrDirectory, ENOENT), (.interrupted, EINTR), (.badFileDescriptor, EBADF),
            (.wouldBlock, EAGAIN), (.noMemory, ENOMEM), (.permissionDenied, EACCES), (.fileExists, EEXIST),
            (.tooManyOpenFiles, EMFILE), (.tooManyOpenFilesInSystem, ENFILE), (.noSpace, ENOSPC), (.brokenPipe, EPIPE),
            (.addressInUse, EADDRINUSE), (.connectionAbort, ECONNABORTED), (.connectionReset, ECONNRESET),
            (.noBufferSpace, ENOBUFS), (.connectionRefused, ECONNREFUSED), (.nowInProgress, EINPROGRESS),
            (.notSupported, EOPNOTSUPP), (.diskQuotaExceeded, EDQUOT),
        ]
        for (constant, value) in pairs {
            #expect(constant.rawValue == value, "\(constant)")
            #expect(constant.message == String(cString: strerror(value)))
        }
    }

    @Test func reasonIsTheMessageAndTheSymbol() {
        #expect(SystemError(.write, errno: .noSpace).reason == "No space left on device (ENOSPC)")
        #expect(SystemError(.write, errno: .noSpace).naming("/var/mail/tmp/1").description
            == "write /var/mail/tmp/1 failed: No space left on device (ENOSPC)")
    }

    @Test func acceptFailuresAreClassifiedAsTheListenerSeesThem() {
        let aborted: Set<Int32> = [ECONNABORTED, EPROTO, EPERM, ENETDOWN, ENOPROTOOPT, EHOSTDOWN, ENONET, EHOSTUNREACH, ENETUNREACH]
        let exhausted: Set<Int32> = [EMFILE, ENFILE, ENOBUFS, ENOMEM]
        for errno in Int32(1)...200 {
            let error = SystemError(.accept, errno: Errno(rawValue: errno))
            #expect(error.isAbortedConnection == aborted.contains(errno), "errno \(errno)")
            #expect(error.isOutOfResources == exhausted.contains(errno), "errno \(errno)")
            #expect(error.isExistingFile == (errno == EEXIST), "errno \(errno)")
        }
    }

    @Test func exactlyAsyncoresDisconnectErrnosCountAsDisconnects() {
        let disconnects: Set<Int32> = [ECONNRESET, ENOTCONN, ESHUTDOWN, ECONNABORTED, EPIPE, EBADF]
        for errno in Int32(1)...200 {
            #expect(SystemError(.recv, errno: Errno(rawValue: errno)).isDisconnect == disconnects.contains(errno), "errno \(errno)")
        }
    }
}
