import AsyncCore
import Glibc
import Testing

/// The typed socket API: families, types, options, shutdown directions and
/// receive flags map to the kernel's constants.
@Suite("Socket options and kinds")
struct SocketOptionTests {
    @Test(arguments: SocketFamily.allCases, SocketType.allCases)
    func makeGivesASocketOfTheFamilyAndType(family: SocketFamily, type: SocketType) throws {
        let socket = try Socket.make(family: family, type: type)
        defer { socket.close() }
        let made = try socket.familyAndType()
        #expect(made.family == family)
        #expect(made.type == type)
    }

    @Test(arguments: [SocketOption.reuseAddress, .reusePort, .keepAlive, .noDelay])
    func anOnOffOptionReadsBackAsSet(option: SocketOption) throws {
        let socket = try Socket.make()
        defer { socket.close() }
        #expect(try socket.option(option) == 0)
        try socket.setOption(option, to: 1)
        #expect(try socket.option(option) != 0)
        try socket.setOption(option, to: 0)
        #expect(try socket.option(option) == 0)
    }

    @Test func bufferSizesAreSetAsLinuxDoesIt() throws {
        let socket = try Socket.make()
        defer { socket.close() }
        try socket.setOption(.sendBufferSize, to: 8192)
        try socket.setOption(.receiveBufferSize, to: 8192)
        // Linux doubles the value for its bookkeeping.
        #expect(try socket.option(.sendBufferSize) == 16384)
        #expect(try socket.option(.receiveBufferSize) == 16384)
        #expect(SocketOption.noDelay.description == "TCP_NODELAY")
    }

    @Test func aUnixSocketRefusesATCPOption() throws {
        let (one, other) = try Socket.pair()
        defer { one.close(); other.close() }
        #expect(throws: SystemError(.setsockopt, errno: .notSupported)) { try one.setOption(.noDelay, to: 1) }
    }

    @Test func aFreshSocketHasNoPendingError() throws {
        let socket = try Socket.make()
        defer { socket.close() }
        #expect(try socket.pendingError() == nil)
    }

    @Test(arguments: [ShutdownDirection.write, .both])
    func shuttingDownOutputEndsThePeersInput(direction: ShutdownDirection) throws {
        let (one, other) = try Socket.pair()
        defer { one.close(); other.close() }
        try one.shutdown(direction)
        var byte: UInt8 = 0
        #expect(try withUnsafeMutableBytes(of: &byte) { try other.receive(into: $0) } == 0)
        #expect(throws: SystemError(.send, errno: .brokenPipe)) {
            _ = try [UInt8(1)].withUnsafeBytes { try one.send($0) }
        }
    }

    @Test func shuttingDownInputLeavesOutputOpen() throws {
        let (one, other) = try Socket.pair()
        defer { one.close(); other.close() }
        try one.shutdown(.read)
        var byte: UInt8 = 0
        #expect(try withUnsafeMutableBytes(of: &byte) { try one.receive(into: $0) } == 0)
        #expect(try [UInt8(7)].withUnsafeBytes { try one.send($0) } == 1)
        #expect(try withUnsafeMutableBytes(of: &byte) { try other.receive(into: $0) } == 1 && byte == 7)
    }

    @Test func peekLeavesTheBytesQueued() throws {
        let (one, other) = try Socket.pair()
        defer { one.close(); other.close() }
        #expect(try Array("abc".utf8).withUnsafeBytes { try one.send($0) } == 3)
        var buffer = [UInt8](repeating: 0, count: 8)
        #expect(try buffer.withUnsafeMutableBytes { try other.receive(into: $0, flags: .peek) } == 3)
        #expect(try buffer.withUnsafeMutableBytes { try other.receive(into: $0) } == 3)
        #expect(Array(buffer[..<3]) == Array("abc".utf8))
        #expect(try buffer.withUnsafeMutableBytes { try other.receive(into: $0) } == nil)
    }
}
