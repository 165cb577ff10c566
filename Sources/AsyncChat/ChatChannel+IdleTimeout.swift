import AsyncCore

/// Ends a connection that received nothing for ``ChatChannel/idleTimeout``.
extension ChatChannel {
    func armIdleTimer() {
        idleTimer?.cancel()
        idleTimer = nil
        // Armed before the socket exists too: a client sets it, then connects.
        guard let idleTimeout else { return }
        lastActivity = loop.clock.now
        idleTimer = loop.schedule(after: idleTimeout) { [weak self] in self?.idleTimerFired() }
    }

    private func idleTimerFired() {
        guard let idleTimeout, isOpen else { return }
        let due = lastActivity.advanced(by: idleTimeout)
        if loop.clock.now >= due {
            idleTimer = nil
            runAsHook { try handleIdleTimeout() }
            // A handler that keeps the connection gets a new idle period.
            if idleTimer == nil, isOpen, !output.isClosePending { armIdleTimer() }
        } else {
            idleTimer = loop.schedule(at: due) { [weak self] in self?.idleTimerFired() }
        }
    }
}
