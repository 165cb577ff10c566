import AsyncCore
import Glibc
import TestSupport
import Testing

/// A pair of connected non-blocking Unix-domain sockets of `type`
/// (`SOCK_SEQPACKET` keeps every send a separate message, so a reader can
/// count the writes a channel made).
func socketPair(type: __socket_type) throws -> (Socket, Socket) {
    var fds: [Int32] = [-1, -1]
    let flags = Int32(type.rawValue | SOCK_NONBLOCK.rawValue | SOCK_CLOEXEC.rawValue)
    guard socketpair(AF_UNIX, flags, 0, &fds) == 0 else { throw SystemError(.socketpair, errno: Errno(rawValue: errno)) }
    return (Socket(descriptor: fds[0]), Socket(descriptor: fds[1]))
}

/// Connects `client` to a fresh listener on 127.0.0.1 (port 0), calls
/// `whileConnecting` once the non-blocking connect has started, then runs
/// the loop until the connection is accepted and `client` is no longer connecting.
/// Returns the accepted server end as a raw socket.
func connectOverTCP(_ client: Dispatcher, loop: EventLoop, whileConnecting: () -> Void = {}) throws -> Socket? {
    let listener = try Socket.make()
    defer { listener.close() }
    try listener.bind(to: .ipv4(port: 0))
    try listener.listen(backlog: 1)
    try client.connect(to: try listener.localAddress())
    whileConnecting()
    var accepted: Socket?
    try loop.run(until: {
        if accepted == nil { accepted = (try? listener.accept())?.0 }
        return accepted != nil && !client.connecting
    })
    // Small writes leave at once, so chunked feeding makes small reads.
    try accepted?.setOption(.noDelay, to: 1)
    return accepted
}

extension Socket {
    /// Bytes waiting to be read (`FIONREAD`).
    var unreadCount: Int {
        var count: Int32 = 0
        _ = ioctl(descriptor, UInt(FIONREAD), &count)
        return Int(count)
    }
}

/// The reading end of a test peer: accumulates what arrives, notes end of input.
final class PeerReader {
    let socket: Socket
    private(set) var received: [UInt8] = []
    private(set) var sawEndOfInput = false
    /// How many reads returned data (one per message on a `SOCK_SEQPACKET` socket).
    private(set) var readCount = 0

    init(_ socket: Socket) {
        self.socket = socket
    }

    /// Reads everything there now, without blocking.
    func drain(sourceLocation: SourceLocation = #_sourceLocation) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while !sawEndOfInput {
            do {
                guard let count = try buffer.withUnsafeMutableBytes({ try socket.receive(into: $0) }) else { return }
                if count == 0 {
                    sawEndOfInput = true
                } else {
                    readCount += 1
                    received.append(contentsOf: buffer[0..<count])
                }
            } catch {
                Issue.record("peer read failed: \(error)", sourceLocation: sourceLocation)
                return
            }
        }
    }

    /// Runs `loop`, reading as it goes, until end of input arrives.
    func readToEnd(loop: EventLoop, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try loop.run(until: { drain(sourceLocation: sourceLocation); return sawEndOfInput }, sourceLocation: sourceLocation)
    }

    /// Runs `loop`, reading as it goes, until at least `count` bytes arrived.
    func read(count: Int, loop: EventLoop, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try loop.run(until: { drain(sourceLocation: sourceLocation); return received.count >= count || sawEndOfInput },
                     sourceLocation: sourceLocation)
    }
}

/// A peer on the loop itself, for long streams: it sends chunks from
/// `source` as fast as the socket takes them, and hands what it receives to
/// `onReceive` without keeping it.
final class StreamingPeer: Dispatcher {
    /// The next chunk to send; nil when done (then, if `shutsDownWhenDone`,
    /// the peer sends a FIN).
    var source: (() -> [UInt8]?)?
    var shutsDownWhenDone = false
    var onReceive: ((UnsafeRawBufferPointer) -> Void)?
    /// Whether the peer reads at all; a peer that never reads fills the channel's output.
    var isReading = true
    private(set) var receivedCount = 0
    private(set) var sentCount = 0
    private(set) var sawEndOfInput = false
    private var pending: [UInt8] = []
    private var pendingOffset = 0
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 18, alignment: 16)

    deinit {
        buffer.deallocate()
    }

    override func readable() -> Bool { isReading }
    override func writable() -> Bool { source != nil || pendingOffset < pending.count }

    override func handleRead() throws {
        let count = try recv(into: buffer)
        guard count > 0 else { return }
        receivedCount += count
        onReceive?(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
    }

    override func handleWrite() throws {
        while true {
            if pendingOffset == pending.count {
                guard let next = source?() else {
                    source = nil
                    if shutsDownWhenDone { try shutdownOutput() }
                    return
                }
                pending = next
                pendingOffset = 0
                continue
            }
            let sent = try send(pending[pendingOffset...])
            if sent == 0 { return }
            pendingOffset += sent
            sentCount += sent
        }
    }

    override func handleEndOfInput() throws {
        sawEndOfInput = true
        close()
    }

    override func handleClose() {
        close()
    }
}

/// The process's resident set size, from `/proc/self/statm`.
func residentBytes() -> Int {
    let descriptor = open("/proc/self/statm", O_RDONLY)
    guard descriptor >= 0 else { return 0 }
    defer { close(descriptor) }
    var text = [UInt8](repeating: 0, count: 128)
    let count = text.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
    guard count > 0 else { return 0 }
    let fields = text[0..<count].split(separator: 32)
    guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// `count` bytes of a pattern with period 251 (a prime, so it never lines up
/// with buffer sizes), starting `offset` bytes into it. Built by copying, so
/// megabytes of it are cheap in a debug build.
func patternBytes(_ count: Int, offset: Int = 0) -> [UInt8] {
    let period = (0..<251).map { UInt8($0) }
    var result: [UInt8] = []
    result.reserveCapacity(count + 502)
    result.append(contentsOf: period[(offset % 251)...])
    while result.count < count { result.append(contentsOf: period) }
    result.removeLast(result.count - count)
    return result
}

/// Byte-for-byte equality by `memcmp`: `==` on megabyte arrays is slow in a debug build.
func sameBytes(_ lhs: [UInt8], _ rhs: [UInt8]) -> Bool {
    guard lhs.count == rhs.count else { return false }
    guard !lhs.isEmpty else { return true }
    return lhs.withUnsafeBytes { left in
        rhs.withUnsafeBytes { right in memcmp(left.baseAddress!, right.baseAddress!, left.count) == 0 }
    }
}

/// True under AddressSanitizer, whose quarantine keeps freed memory resident,
/// so resident-set measurements mean nothing there.
let runningUnderAddressSanitizer = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "__asan_init") != nil
