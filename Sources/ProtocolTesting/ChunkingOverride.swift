/// How the sends that follow a ``DialogueStep/chunking(_:file:line:)`` step (or a
/// `!chunking` line) reach the server, whatever chunking the run uses.
public enum ChunkingOverride: String, Sendable, Hashable {
    /// As the run's ``Chunking`` says (the initial state).
    case run
    /// Always in one write: for a pipelined burst that must arrive together.
    case whole
    /// Always one byte per write.
    case bytes
}
