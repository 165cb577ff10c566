/// A fixed-size byte buffer that a loop lends to one handler at a time, so
/// that no connection keeps a buffer of its own between events. It holds no
/// meaning: whoever borrows it empties it before handing it back.
package final class ScratchBuffer {
    // Hot state is @exclusivity(unchecked), for the reason given in EventLoop.
    private let storage: UnsafeMutableRawBufferPointer
    @exclusivity(unchecked) package private(set) var count = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 16)
    }

    deinit {
        storage.deallocate()
    }

    /// The bytes appended since the buffer was last emptied.
    package var bytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.baseAddress, count: count)
    }

    package var isEmpty: Bool { count == 0 }

    /// Appends `bytes`; false, appending nothing, when they do not fit.
    @inline(__always)
    package func append(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard bytes.count <= storage.count &- count else { return false }
        if let source = bytes.baseAddress {
            (storage.baseAddress.unsafelyUnwrapped + count).copyMemory(from: source, byteCount: bytes.count)
            count &+= bytes.count
        }
        return true
    }

    package func removeAll() {
        count = 0
    }
}
