/// A block of bytes the output queue owns: `[start, end)` are still to be
/// sent; `[end, capacity)` is room for more small pushes.
struct OutputChunk {
    let storage: UnsafeMutableRawBufferPointer
    var start = 0
    var end = 0

    init(capacity: Int) {
        storage = .allocate(byteCount: capacity, alignment: 1)
    }

    var pendingCount: Int { end - start }
    var room: Int { storage.count - end }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
        guard let source = bytes.baseAddress, !bytes.isEmpty else { return }
        (storage.baseAddress! + end).copyMemory(from: source, byteCount: bytes.count)
        end += bytes.count
    }

    var pending: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: storage.baseAddress! + start, count: pendingCount)
    }

    func free() {
        storage.deallocate()
    }
}
