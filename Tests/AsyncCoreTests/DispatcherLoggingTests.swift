import AsyncCore
import Glibc
import TestSupport
import Testing

/// A dispatcher's defaults, description and log lines (test_asyncore's
/// DispatcherTests, T-AC-6 to T-AC-10). Lines are captured through
/// `EventLoop.logger` instead of standard output and error.
@Suite("Dispatcher defaults and logging")
struct DispatcherLoggingTests {
    private struct Spam: Error, CustomStringConvertible {
        var description: String { "I don't like spam!" }
    }

    @Test(arguments: PollerBackend.allCases)
    func aPlainDispatcherIsReadableAndWritable(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let dispatcher = Dispatcher(loop: loop)
        #expect(dispatcher.readable())
        #expect(dispatcher.writable())
        #expect(!dispatcher.isOpen)
        #expect(dispatcher.descriptor == -1)
    }

    @Test(arguments: PollerBackend.allCases)
    func descriptionNamesTheClassStateAndAddress(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let fresh = Dispatcher(loop: loop)
        #expect(fresh.description == "<Dispatcher closed>")

        let listener = EchoServer(loop: loop)
        try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
        try listener.listen()
        let port = try #require(try listener.localAddress.port)
        #expect(listener.description == "<EchoServer fd \(listener.descriptor) listening 127.0.0.1:\(port)>")

        let client = Collector(loop: loop)
        try client.connect(to: try listener.localAddress)
        try loop.run(until: { client.connected })
        #expect(client.description == "<Collector fd \(client.descriptor) connected 127.0.0.1:\(port)>")
    }

    @Test(arguments: PollerBackend.allCases)
    func logWritesLogLines(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let capture = LogCapture(loop)
        let dispatcher = Dispatcher(loop: loop)
        dispatcher.log("Lovely spam! Wonderful spam!")
        dispatcher.log("I don't like spam!")
        #expect(capture.lines == ["log: Lovely spam! Wonderful spam!", "log: I don't like spam!"])
    }

    @Test(arguments: PollerBackend.allCases)
    func logInfoPrefixesTheType(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let capture = LogCapture(loop)
        let dispatcher = Dispatcher(loop: loop)
        dispatcher.logInfo("Have you got anything without spam?", type: "EGGS")
        dispatcher.logInfo("Why can't she have egg bacon spam and sausage?")
        dispatcher.logInfo("THAT'S got spam in it!", type: "SPAM")
        #expect(capture.lines == [
            "EGGS: Have you got anything without spam?",
            "info: Why can't she have egg bacon spam and sausage?",
            "SPAM: THAT'S got spam in it!",
        ])
    }

    @Test(arguments: PollerBackend.allCases)
    func unhandledEventsWarnWhenWarningsAreNotIgnored(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let capture = LogCapture(loop)
        let dispatcher = Dispatcher(loop: loop)
        dispatcher.ignoredLogTypes = []
        try dispatcher.handleExpt()
        try dispatcher.handleRead()
        try dispatcher.handleWrite()
        try dispatcher.handleConnect()
        dispatcher.handleClose()
        #expect(capture.lines == [
            "warning: unhandled incoming priority event",
            "warning: unhandled read event",
            "warning: unhandled write event",
            "warning: unhandled connect event",
            "warning: unhandled close event",
        ])
    }

    @Test(arguments: PollerBackend.allCases)
    func unhandledEventsAreSilentByDefault(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let capture = LogCapture(loop)
        let dispatcher = Dispatcher(loop: loop)
        #expect(dispatcher.ignoredLogTypes == ["warning"])
        try dispatcher.handleExpt()
        try dispatcher.handleRead()
        try dispatcher.handleWrite()
        try dispatcher.handleConnect()
        dispatcher.handleClose()
        #expect(capture.lines.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func defaultHandleAcceptedClosesTheSocketAndWarns(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let capture = LogCapture(loop)
        let dispatcher = Dispatcher(loop: loop)
        dispatcher.ignoredLogTypes = []
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        try dispatcher.handleAccepted(socket: mine, address: .unix(path: ""))
        #expect(capture.lines == ["warning: unhandled accepted event"])
        #expect(try PeerSocket(socket: theirs).receiveToEnd(within: .seconds(5)).isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func defaultHandleErrorLogsOneLineThenCloses(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let capture = LogCapture(loop)
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }

        final class Failing: Dispatcher {
            override func writable() -> Bool { false }
            override func handleRead() throws { throw Spam() }
        }
        let dispatcher = try Failing(socket: mine, loop: loop)
        let name = dispatcher.description
        try writeAll(theirs.descriptor, [0])

        try loop.run(until: { !dispatcher.isOpen })
        #expect(capture.lines == ["error: uncaptured error, closing channel \(name): I don't like spam!"])
        #expect(loop.dispatchers.isEmpty)
    }
}
