import AsyncCore

extension EventLoopGroup {
    /// How many dispatchers are open on the group's loops: listeners and
    /// connections. A loop that has stopped counts none.
    public func openDispatcherCount() -> Int {
        handles.reduce(0) { total, handle in total + ((try? handle.submitAndWait { loop in loop.dispatchers.count }) ?? 0) }
    }
}
