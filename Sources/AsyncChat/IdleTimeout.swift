import AsyncCore

/// The idle timeout of one ``ChatChannel``: how long, when input last
/// arrived, and the timer that checks. Only a channel that sets a timeout
/// holds one, so idle connections without it cost nothing for it.
final class IdleTimeout {
    let duration: Duration
    var lastActivity: LoopInstant
    var timer: LoopTimer?

    init(duration: Duration, now: LoopInstant) {
        self.duration = duration
        lastActivity = now
    }

    func cancel() {
        timer?.cancel()
        timer = nil
    }
}
