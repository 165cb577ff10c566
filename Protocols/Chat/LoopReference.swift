import AsyncCore

/// An object that lives on one loop, reached from any loop of a group:
/// called at once when the caller runs on the object's loop, posted through
/// that loop's handle otherwise. Calls made from one loop arrive in the
/// order made, which is what keeps one sender's lines in order.
struct LoopReference<Object: AnyObject>: Sendable {
    /// Holds the object strongly or weakly, as the reference was made.
    private final class Holder {
        let strong: Object?
        weak var weak: Object?

        init(_ object: Object, weakly: Bool) {
            strong = weakly ? nil : object
            weak = object
        }

        var object: Object? { strong ?? weak }
    }

    private let holder: LoopBound<Holder>

    /// A reference to `object`, which belongs to `loop`; made on that loop.
    /// A weak one lets the object go: calls made after that do nothing.
    init(_ object: Object, loop: EventLoop, weakly: Bool = false) {
        holder = LoopBound(Holder(object, weakly: weakly), loop: loop)
    }

    /// The object, when the caller runs on its loop (and it is still there).
    var local: Object? {
        holder.handle.isOnLoopThread ? holder.value.object : nil
    }

    /// Runs `body` with the object on its loop: now if the caller is on
    /// that loop, else during that loop's next pass.
    func call(_ body: @escaping @Sendable (Object) -> Void) {
        if holder.handle.isOnLoopThread {
            if let object = holder.value.object { body(object) }
            return
        }
        let holder = holder
        holder.handle.execute {
            if let object = holder.value.object { body(object) }
        }
    }

    /// True when both reach the same object.
    func refers(to other: LoopReference<Object>) -> Bool {
        holder === other.holder
    }
}
