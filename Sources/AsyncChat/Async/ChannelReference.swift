import AsyncCore

/// A connection's channel as other threads may hold it: they only carry
/// it, and every use happens on the channel's loop thread (checked by the
/// callers with ``LoopExecutor/isCurrentThread``, or reached through the
/// loop's handle). That is what makes carrying it across threads sound.
struct ChannelReference<Channel: Dispatcher>: @unchecked Sendable {
    let channel: Channel
    let handle: LoopHandle

    init(_ channel: Channel) {
        self.channel = channel
        handle = channel.loop.handle
    }

    var executor: LoopExecutor { handle.executor }

    /// Runs `body` with the channel on its loop: at once when already there.
    func onLoop(_ body: @escaping @Sendable (Channel) -> Void) {
        if executor.isCurrentThread { return body(channel) }
        let reference = self
        handle.execute { body(reference.channel) }
    }
}
