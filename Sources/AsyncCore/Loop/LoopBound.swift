/// A value that belongs to one event loop, wrapped so that it can be
/// carried to any thread or task, and touched only on the loop's thread.
///
/// The loop, its dispatchers and the objects built around them are not
/// `Sendable`: Swift 6 refuses to let another thread hold them. `LoopBound`
/// is how other threads keep a reference anyway. They pass it back to the
/// loop and use it there, through the loop's ``LoopHandle``:
///
/// ```swift
/// let (thread, room) = try EventLoopThread.start { loop in
///     let server = try ChatServer(address: .ipv4(port: 0), loop: loop)
///     return LoopBound(server.room, loop: loop)
/// }
/// // On any thread or in any task:
/// try await thread.handle.submit { _ in room.value.shutDown() }
/// ```
/// Reading or writing ``value`` on any other thread stops the program with
/// a precondition failure that names the loop and the thread: a data race
/// caught where it happens rather than a corruption found later. (This is
/// SwiftNIO's `NIOLoopBoundBox`.)
///
/// The box is a reference: copies share one ``value``. The value is
/// released on the loop's thread even when the last reference to the box
/// goes away on another thread, unless the loop is gone by then.
public final class LoopBound<Value>: @unchecked Sendable {
    // Sendable because `stored` is only ever read or written on the loop's
    // thread (`checked` traps anywhere else) and released there (see deinit).

    /// The handle of the loop the value belongs to.
    public let handle: LoopHandle
    /// Nil only once deinit has moved the value out.
    private var stored: Value?

    /// Wraps `value`, which belongs to `loop`. Call it on the loop's thread.
    public init(_ value: Value, loop: EventLoop) {
        handle = loop.handle
        stored = value
        checked(operation: "made")
    }

    /// The value. Only the loop's thread may read or write it; any other
    /// thread stops the program with a precondition failure.
    public var value: Value {
        get {
            checked(operation: "read")
            return stored!
        }
        set {
            checked(operation: "written")
            stored = newValue
        }
    }

    private func checked(operation: StaticString) {
        precondition(
            handle.isOnLoopThread,
            "LoopBound<\(Value.self)> \(operation) on thread '\(ThreadIdentity.currentName)', but it belongs to \(handle): "
                + "reach it through its handle (handle.submit { _ in box.value ... })"
        )
    }

    deinit {
        guard !handle.isOnLoopThread else { return }
        // The last reference went away elsewhere: the value's own deinit
        // (a dispatcher's, say) must still run on its loop. The job gets the
        // only reference: were this thread to keep one until after posting,
        // the loop could run the job first, and this thread release last.
        let holder = Unmanaged.passRetained(Holder(stored.take()))
        handle.post(.runOrAbandon { _ in holder.release() })
    }

    /// Carries the value to its loop, to be released there.
    private final class Holder {
        let value: Value?

        init(_ value: Value?) {
            self.value = value
        }
    }
}
