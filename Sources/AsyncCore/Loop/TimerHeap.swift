/// A binary min-heap of timers by deadline (ties fire in scheduling order).
/// Each timer knows its index, so cancelling is O(log n) and leaves no
/// tombstones behind: a server that resets an idle timeout on every line does
/// not grow the heap.
struct TimerHeap {
    private var timers: [LoopTimer] = []

    var isEmpty: Bool { timers.isEmpty }
    var count: Int { timers.count }
    var earliest: LoopTimer? { timers.first }

    mutating func insert(_ timer: LoopTimer) {
        timer.heapIndex = timers.count
        timers.append(timer)
        siftUp(timers.count - 1)
    }

    mutating func remove(_ timer: LoopTimer) {
        let index = timer.heapIndex
        guard index >= 0, index < timers.count, timers[index] === timer else { return }
        let last = timers.count - 1
        if index != last {
            timers.swapAt(index, last)
            timers[index].heapIndex = index
        }
        timers.removeLast()
        timer.heapIndex = -1
        if index < timers.count {
            siftDown(index)
            siftUp(index)
        }
    }

    mutating func popEarliest() -> LoopTimer? {
        guard let first = timers.first else { return nil }
        remove(first)
        return first
    }

    private mutating func siftUp(_ start: Int) {
        var child = start
        while child > 0 {
            let parent = (child - 1) / 2
            guard timers[child].precedes(timers[parent]) else { return }
            swap(child, parent)
            child = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var parent = start
        while true {
            let left = 2 * parent + 1
            guard left < timers.count else { return }
            var smallest = left
            if left + 1 < timers.count, timers[left + 1].precedes(timers[left]) { smallest = left + 1 }
            guard timers[smallest].precedes(timers[parent]) else { return }
            swap(parent, smallest)
            parent = smallest
        }
    }

    private mutating func swap(_ a: Int, _ b: Int) {
        timers.swapAt(a, b)
        timers[a].heapIndex = a
        timers[b].heapIndex = b
    }
}
