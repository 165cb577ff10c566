import Glibc

/// A POSIX thread running one closure.
package struct SystemThread: Sendable {
    private let thread: pthread_t

    /// Starts `body` on a new thread, to be waited for with ``join()``. The
    /// corresponding C function is `pthread_create`.
    package static func start(_ body: @escaping @Sendable () -> Void) throws(SystemError) -> SystemThread {
        SystemThread(thread: try create(body, detached: false))
    }

    /// Starts `body` on a new thread that nobody waits for. The corresponding
    /// C function is `pthread_create`.
    package static func startDetached(_ body: @escaping @Sendable () -> Void) throws(SystemError) {
        _ = try create(body, detached: true)
    }

    /// Waits until the thread's closure has returned. The corresponding C
    /// function is `pthread_join`.
    package func join() {
        pthread_join(thread, nil)
    }

    /// Lets the thread's resources go when it ends, for a thread nobody
    /// will join (one that cannot wait for itself). The corresponding C
    /// function is `pthread_detach`.
    package func detach() {
        pthread_detach(thread)
    }

    private static func create(_ body: @escaping @Sendable () -> Void, detached: Bool) throws(SystemError) -> pthread_t {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        if detached { pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED)) }
        let box = Unmanaged.passRetained(Body(body)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, &attributes, { raw in
            guard let raw else { return nil }
            Unmanaged<Body>.fromOpaque(raw).takeRetainedValue().run()
            return nil
        }, box)
        guard status == 0 else {
            Unmanaged<Body>.fromOpaque(box).release()
            throw SystemError(.pthreadCreate, errno: Errno(rawValue: status))
        }
        return thread
    }

    private final class Body: Sendable {
        let run: @Sendable () -> Void
        init(_ run: @escaping @Sendable () -> Void) { self.run = run }
    }
}
