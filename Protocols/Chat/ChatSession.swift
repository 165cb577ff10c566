import AsyncChat
import AsyncCore
import Synchronization

/// One client's connection to a ``ChatRoom``: a `ChatChannel` that reads
/// lines (CRLF or bare LF) and hands them to the room.
///
/// The room makes sessions in ``ChatRoom/admit(_:peer:)``; you rarely touch one.
/// Input is bounded by ``ChatOptions/maxLineLength`` (an overlong line is
/// answered with an error and skipped), output by
/// ``ChatOptions/maxQueuedOutput``.
public final class ChatSession: ChatChannel {
    /// The member's nick, once `/nick` was accepted.
    public internal(set) var nick: String?
    /// The client's address, as the room was told it in ``ChatRoom/admit(_:peer:)``.
    public let peer: SocketAddress?
    /// True once the session left the room (quit, idle, too slow, closed):
    /// it gets no more broadcasts.
    var hasLeft = false
    /// Names the session to the room's shared part, which may be on another loop.
    let memberNumber = ChatSession.lastMemberNumber.add(1, ordering: .relaxed).newValue
    private static let lastMemberNumber = Atomic<UInt64>(0)
    private weak var room: ChatRoom?
    private let options: ChatOptions
    private var graceTimer: LoopTimer?
    private var linesThisTurn = 0

    init(socket: Socket, peer: SocketAddress?, room: ChatRoom, loop: EventLoop) throws(SystemError) {
        self.peer = peer
        self.room = room
        options = room.options
        try super.init(socket: socket, loop: loop)
        terminator = .crlfOrLF
        maxFrameLength = options.maxLineLength
        frameOverflowPolicy = .discardFrame
        // A member flooding without reading its own replies is paused at the
        // bound; the backstop only catches a pathological reply burst.
        highWatermark = options.maxQueuedOutput
        lowWatermark = options.maxQueuedOutput / 4
        maxQueuedOutput = options.maxQueuedOutput * 4 + 65536
        idleTimeout = options.idleTimeout
    }

    public override func foundTerminator() throws {
        yieldAfterTurn()
        guard let line = takeIncomingText() else {
            room?.reject(ChatText.invalidUTF8, from: self)
            return
        }
        room?.handle(line, from: self)
    }

    /// After ``ChatOptions/maxLinesPerTurn`` lines, stops delivering lines
    /// until the next pass of the loop, so the members' sockets drain between bursts.
    private func yieldAfterTurn() {
        linesThisTurn += 1
        guard linesThisTurn >= options.maxLinesPerTurn else { return }
        linesThisTurn = 0
        pauseReading()
        loop.schedule(after: .zero) { [weak self] in self?.resumeReading() }
    }

    public override func handleFrameOverflow(length: Int) {
        room?.reject(ChatText.lineTooLong(limit: maxFrameLength), from: self)
    }

    /// A line cut off by the end of input is not a line: it is dropped quietly.
    public override func handleUnterminatedInput(_ tail: [UInt8]) {}

    public override func handleIdleTimeout() throws {
        room?.timedOut(self)
    }

    public override func close() {
        let wasOpen = isOpen
        graceTimer?.cancel()
        graceTimer = nil
        super.close()
        if wasOpen { room?.sessionClosed(self) }
    }

    /// Sends a line meant for this member alone; it is not held to the
    /// slow-reader bound (a member that does not read its replies is paused instead).
    func reply(_ line: String) {
        push(line + "\r\n")
    }

    /// Queues a broadcast line unless it would take the unsent output past
    /// the bound; false means the member is too slow.
    func deliver(_ bytes: [UInt8], bounded: Bool) -> Bool {
        if bounded, queuedOutputCount + bytes.count > options.maxQueuedOutput { return false }
        push(bytes)
        return true
    }

    /// Sends `notice`, then closes once the backlog is out, or after the
    /// grace period, whichever comes first.
    func disconnect(with notice: String, grace: Duration?) {
        reply(notice)
        closeWhenDone()
        if let grace, isOpen {
            graceTimer = loop.schedule(after: grace) { [weak self] in self?.close() }
        }
    }
}
