import AsyncCore
import Glibc
import TestSupport
import Testing

/// Dispatchers closed in the middle of a pass: no hook runs on a closed
/// dispatcher, and an event meant for a closed descriptor never reaches a new
/// dispatcher that reused its number (REFERENCE-SPEC W-3, W-4).
@Suite("Closed dispatchers")
struct ClosedDispatcherTests {
    @Test(arguments: PollerBackend.allCases)
    func noHookRunsOnADispatcherThatClosedItselfInItsFirstHook(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (mine, theirs) = try tcpPair()
        defer { theirs.close() }
        // Readable, writable and with urgent data pending, so read, write and
        // expt are all due in the same pass.
        try sendUrgent(theirs, 0x55)
        try writeAll(theirs.descriptor, Array("data".utf8))
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        dispatcher.onRead = { $0.close() }
        dispatcher.onWrite = { $0.close() }
        dispatcher.onExpt = { $0.close() }

        try loop.run(until: { !dispatcher.isOpen })
        try loop.run(timeout: .zero, count: 3)
        #expect(dispatcher.hooks == ["read"])
    }

    /// Two dispatchers ready in the same pass; whichever runs first closes the
    /// other and opens a new dispatcher at once, which usually gets the freed
    /// descriptor number.
    final class Saboteur: Dispatcher {
        weak var victim: Saboteur?
        var reads = 0
        var hooksAfterClose = 0
        var onFirstRead: ((Saboteur) throws -> Void)?
        override func writable() -> Bool { false }
        override func handleRead() throws {
            if !isOpen { hooksAfterClose += 1 }
            reads += 1
            _ = try recv(64)
            if let act = onFirstRead {
                onFirstRead = nil
                victim?.onFirstRead = nil
                try act(self)
            }
        }
        override func handleWrite() throws { if !isOpen { hooksAfterClose += 1 } }
        override func handleExpt() throws { if !isOpen { hooksAfterClose += 1 } }
        override func handleClose() { hooksAfterClose += 1; close() }
    }

    @Test(arguments: PollerBackend.allCases)
    func closingAnotherReadyDispatcherMidPassKeepsItsEventFromRunning(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let (a, aPeer) = try Socket.pair()
        let (b, bPeer) = try Socket.pair()
        defer { aPeer.close(); bPeer.close() }
        let first = try Saboteur(socket: a, loop: loop)
        let second = try Saboteur(socket: b, loop: loop)
        first.victim = second
        second.victim = first
        var closedOne: Saboteur?
        let sabotage: (Saboteur) throws -> Void = { me in
            closedOne = me.victim
            me.victim?.close()
        }
        first.onFirstRead = sabotage
        second.onFirstRead = sabotage
        try writeAll(aPeer.descriptor, [1])
        try writeAll(bPeer.descriptor, [2])

        try loop.run(until: { closedOne != nil })
        try loop.run(timeout: .zero, count: 2)
        let closed = try #require(closedOne)
        #expect(closed.reads == 0)
        #expect(closed.hooksAfterClose == 0)
        #expect(!closed.isOpen)
    }

    /// A dispatcher made to take over a freed descriptor number.
    final class Newcomer: Dispatcher {
        var hooks: [String] = []
        override func writable() -> Bool { false }
        override func handleRead() throws {
            hooks.append("read")
            _ = try recv(64)
        }
        override func handleExpt() throws { hooks.append("expt") }
        override func handleClose() { hooks.append("close"); close() }
    }

    @Test(arguments: PollerBackend.allCases)
    func aReusedDescriptorNeverReceivesTheEventOfItsPreviousOwner(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        var reuses = 0
        // The kernel hands out the lowest free number, so the reuse happens
        // unless another test's thread opens a descriptor in between; a few
        // attempts make it certain enough.
        for _ in 0..<20 where reuses == 0 {
            // TCP, so the stale event carries urgent data: expt is the hook a
            // stale event could reach on a dispatcher not yet registered.
            let (a, aPeer) = try tcpPair()
            let (b, bPeer) = try tcpPair()
            defer { aPeer.close(); bPeer.close() }
            let first = try Saboteur(socket: a, loop: loop)
            let second = try Saboteur(socket: b, loop: loop)
            first.victim = second
            second.victim = first
            var newcomer: Newcomer?
            var newcomerPeer: Socket?
            var reused = false
            let takeover: (Saboteur) throws -> Void = { me in
                guard let victim = me.victim else { return }
                let freed = victim.descriptor
                victim.close()
                let (one, other) = try Socket.pair()
                reused = one.descriptor == freed || other.descriptor == freed
                let (own, peer) = other.descriptor == freed ? (other, one) : (one, other)
                newcomerPeer = peer
                newcomer = try Newcomer(socket: own, loop: loop)
            }
            first.onFirstRead = takeover
            second.onFirstRead = takeover
            for peer in [aPeer, bPeer] {
                try sendUrgent(peer, 0x21)
                try writeAll(peer.descriptor, [1])
            }

            try loop.run(until: { newcomer != nil })
            let arrived = try #require(newcomer)
            #expect(arrived.hooks.isEmpty)

            // The newcomer hears its own events from the next pass on.
            let peer = try #require(newcomerPeer)
            try writeAll(peer.descriptor, Array("hi".utf8))
            try loop.run(until: { arrived.hooks == ["read"] })
            peer.close()
            try loop.run(until: { !arrived.isOpen })
            #expect(arrived.hooks == ["read", "read", "close"])
            if reused { reuses += 1 }
            loop.closeAll()
        }
        #expect(reuses > 0, "no attempt reused the freed descriptor")
    }

    /// A handler that closes its own dispatcher and connects it again in the
    /// same hook: the new socket gets a new registration, so the write event
    /// the old socket was reported with in this pass never reaches the
    /// connection in progress (as a write before its connect, or as its connect).
    @Test(arguments: PollerBackend.allCases)
    func aDispatcherReconnectedInItsReadHookGetsNoStaleEventOfItsOldSocket(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        let listener = try Socket.make()
        defer { listener.close() }
        try listener.bind(to: .ipv4(host: "127.0.0.1", port: 0))
        try listener.listen(backlog: 4)
        let (mine, theirs) = try Socket.pair()
        defer { theirs.close() }
        // Readable and writable, so read and write are both due in the first pass.
        try writeAll(theirs.descriptor, Array("go".utf8))
        let dispatcher = try HookRecorder(socket: mine, loop: loop)
        let target = try listener.localAddress()
        dispatcher.onRead = { me in
            me.onRead = { _ = try $0.recv(64) }
            me.close()
            try me.connect(to: target)
        }
        dispatcher.onWrite = { _ in }
        dispatcher.onConnect = { $0.isWritable = false }

        try loop.runPass(timeout: .zero)
        #expect(dispatcher.hooks == ["read"])
        try loop.run(until: { dispatcher.hooks.contains("connect") })
        #expect(Array(dispatcher.hooks.prefix(2)) == ["read", "connect"])
        #expect(dispatcher.errors.isEmpty)
    }

    /// Handlers that close their own dispatcher do not end the pass: every
    /// other dispatcher ready in it is still served, in that same pass.
    @Test(arguments: PollerBackend.allCases)
    func dispatchersThatCloseThemselvesMidPassLeaveTheOthersServedInThatPass(backend: PollerBackend) throws {
        let loop = try EventLoop(backend: backend)
        defer { loop.closeAll() }
        var peers: [Socket] = []
        defer { peers.forEach { $0.close() } }
        var dispatchers: [HookRecorder] = []
        for index in 0..<6 {
            let (mine, theirs) = try Socket.pair()
            peers.append(theirs)
            let dispatcher = try HookRecorder(socket: mine, loop: loop)
            dispatcher.isWritable = false
            // Every other one closes itself when it reads.
            dispatcher.onRead = index % 2 == 0 ? { me in me.close() } : { me in _ = try me.recv(64) }
            dispatchers.append(dispatcher)
        }
        // Registered in the first pass; all made readable before the second.
        try loop.runPass(timeout: .zero)
        for peer in peers { try writeAll(peer.descriptor, [1]) }

        try loop.runPass(timeout: .seconds(5))
        #expect(dispatchers.map(\.hooks) == Array(repeating: ["read"], count: 6))
        #expect(dispatchers.enumerated().allSatisfy { $0.element.isOpen == ($0.offset % 2 == 1) })
        #expect(loop.dispatchers.count == 3)
    }
}
