import AsyncCore
import Glibc
import Testing

/// `closeAll` and the loop's own end (test_asyncore's `test_closeall`, T-AC-3,
/// and the resource warning of T-AC-16 turned into a guarantee).
@Suite("Closing everything")
struct CloseAllTests {
    @Test(arguments: PollerBackend.allCases)
    func closeAllClosesEveryDispatcherAndEmptiesTheMap(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        var dispatchers: [HookRecorder] = []
        var peers: [PeerSocket] = []
        defer { peers.forEach { $0.close() } }
        for _ in 0..<10 {
            let (mine, theirs) = try Socket.pair()
            dispatchers.append(try HookRecorder(socket: mine, loop: loop))
            peers.append(PeerSocket(socket: theirs))
        }
        #expect(loop.dispatchers.count == 10)

        loop.closeAll()
        #expect(loop.dispatchers.isEmpty)
        #expect(dispatchers.allSatisfy { !$0.isOpen && $0.hooks.isEmpty })
        for peer in peers {
            #expect(try peer.receiveToEnd(within: .seconds(5)).isEmpty)
        }
        try loop.run()
    }

    @Test(arguments: PollerBackend.allCases)
    func closeAllTakesListenersAndConnectingClientsToo(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        let listener = EchoServer(loop: loop)
        try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
        try listener.listen()
        let client = Collector(loop: loop)
        try client.connect(to: try listener.localAddress)

        loop.closeAll()
        #expect(!listener.isOpen && !listener.accepting)
        #expect(!client.isOpen && !client.connecting && !client.closed)
        #expect(loop.dispatchers.isEmpty)
    }

    @Test(arguments: PollerBackend.allCases)
    func aLoopThatGoesAwayClosesTheDescriptorsItStillHolds(backend: PollerBackend) throws {
        let (mine, theirs) = try Socket.pair()
        let peer = PeerSocket(socket: theirs)
        defer { peer.close() }
        do {
            let loop = try EventLoop(backend: backend)
            _ = try Dispatcher(socket: mine, loop: loop)
        }
        #expect(try peer.receiveToEnd(within: .seconds(5)).isEmpty)
    }
}
