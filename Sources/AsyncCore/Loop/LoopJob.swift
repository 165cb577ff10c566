/// A closure bound for the loop thread. It is only ever run there, and
/// dropped either there or, when the loop is gone, by the thread that
/// posted it, which is what makes carrying it across threads sound.
enum LoopJob: @unchecked Sendable {
    /// Runs, or is dropped unrun when the loop is gone.
    case plain(() -> Void)
    /// Is told its fate either way: called with the loop to run, or with
    /// nil when the loop is gone and it never will.
    case runOrAbandon((EventLoop?) -> Void)

    func run(on loop: EventLoop) {
        switch self {
        case .plain(let body): body()
        case .runOrAbandon(let body): body(loop)
        }
    }

    func abandon() {
        if case .runOrAbandon(let body) = self { body(nil) }
    }
}
