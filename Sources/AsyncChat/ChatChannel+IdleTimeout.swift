import AsyncCore

/// Ends a connection that received nothing for ``ChatChannel/idleTimeout``.
extension ChatChannel {
    /// Starts an idle period now. Armed before the socket exists too: a
    /// client sets the timeout, then connects.
    func armIdleTimer() {
        guard let idle else { return }
        idle.cancel()
        idle.lastActivity = loop.clock.now
        idle.timer = loop.schedule(after: idle.duration) { [weak self] in self?.idleTimerFired() }
    }

    private func idleTimerFired() {
        guard let idle, isOpen else { return }
        let due = idle.lastActivity.advanced(by: idle.duration)
        if loop.clock.now >= due {
            idle.timer = nil
            runAsHook { try handleIdleTimeout() }
            // A handler that keeps the connection gets a new idle period.
            if self.idle === idle, idle.timer == nil, isOpen, !output.isClosePending { armIdleTimer() }
        } else {
            idle.timer = loop.schedule(at: due) { [weak self] in self?.idleTimerFired() }
        }
    }
}
