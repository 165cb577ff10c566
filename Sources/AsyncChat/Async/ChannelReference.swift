import AsyncCore

/// A connection's channel as other threads may hold it: they only carry
/// it, and every use happens on the channel's loop thread (checked by the
/// callers with `LoopExecutor.isCurrentThread`, or reached through the
/// loop's handle). That is what makes carrying it across threads sound.
struct ChannelReference<Channel: Dispatcher>: @unchecked Sendable {
    let channel: Channel
    let handle: LoopHandle

    init(_ channel: Channel) {
        self.channel = channel
        handle = channel.loop.handle
    }

    var executor: LoopExecutor { handle.executor }

    /// Runs `body` with the channel on its loop: at once when already
    /// there. Once the loop is gone, runs `ifLoopEnded` instead.
    func onLoop(_ body: @escaping @Sendable (Channel) -> Void, ifLoopEnded: @escaping @Sendable () -> Void = {}) {
        if executor.isCurrentThread { return body(channel) }
        let reference = self
        handle.executeOrAbandon { loop in loop == nil ? ifLoopEnded() : body(reference.channel) }
    }

    /// Runs `body` with the channel during the loop's next pass, never now:
    /// for work that must not interleave with what the caller is doing.
    func later(_ body: @escaping @Sendable (Channel) -> Void) {
        let reference = self
        handle.execute { body(reference.channel) }
    }
}
