import AsyncCore

/// One run of a compiled dialogue under one chunking: a fresh loop, fresh
/// connections, the steps in order, then the check that nothing was left
/// over. Every wait is bounded by a real-time deadline, so a server that
/// never answers fails the run instead of hanging it.
final class DialogueRun {
    enum Endpoint {
        case inProcess(ServerUnderTest.ConnectionFactory, socketBufferSize: Int?)
        case tcp(SocketAddress)
    }

    let script: CompiledDialogue
    let name: String
    let chunking: Chunking
    let server: ServerUnderTest
    let isCancelled: () -> Bool
    let loop: EventLoop
    let clock: ManualClock?
    let serverLog = ServerLog()
    var endpoint: Endpoint?
    var clients: [Client: ScriptedClient] = [:]
    var clientOrder: [Client] = []
    /// Clients whose connection a step ended (`C=`, `S=`): nothing more is owed on them.
    var finished: Set<Client> = []
    var transcript: [String] = []
    var random: SplitMix64
    var current = 0

    /// How long one loop pass may wait before the kit looks at its deadlines again.
    static let passSlice = Duration.milliseconds(50)
    /// How long the kit waits on its clients' sockets when the loop cannot wait.
    static let idleSlice = Duration.milliseconds(5)
    /// How long a TCP run watches for stray output after the last step.
    static let tcpLinger = Duration.milliseconds(50)
    /// Passes without visible change after which an in-process server counts as settled.
    static let quietPasses = 8

    init(
        script: CompiledDialogue, name: String, chunking: Chunking, server: ServerUnderTest,
        isCancelled: @escaping () -> Bool
    ) throws(DialogueFailure) {
        self.script = script
        self.name = name
        self.chunking = chunking
        self.server = server
        self.isCancelled = isCancelled
        if case .random(let seed) = chunking {
            random = SplitMix64(seed: seed)
        } else {
            random = SplitMix64(seed: 0)
        }
        let manual = server.isInProcess ? ManualClock() : nil
        do {
            loop = try manual.map { try EventLoop(clock: $0) } ?? EventLoop()
        } catch {
            throw DialogueFailure(
                kind: .serverFailed, dialogue: name, location: nil, chunking: chunking,
                expected: "an event loop for the run", received: "\(error)"
            )
        }
        clock = manual
        loop.logger = { [serverLog] line in serverLog.append(line) }
    }

    func run() throws(DialogueFailure) {
        defer { tearDown() }
        try prepareServer()
        while current < script.instructions.count {
            current = try perform(script.instructions[current])
        }
        try finish()
    }
}
