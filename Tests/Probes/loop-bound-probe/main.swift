// Touches a LoopBound value off its loop, for LoopBoundTests: the process
// must stop with a precondition failure naming the loop and the thread.
//
//     loop-bound-probe read|write
import AsyncCore

final class Counter {
    var count = 0
}

let operation = CommandLine.arguments.dropFirst().first ?? "read"
let (thread, counter) = try EventLoopThread.start(name: "probe-loop") { loop in
    LoopBound(Counter(), loop: loop)
}
print("started \(thread.handle)")
if operation == "write" {
    counter.value = Counter()
} else {
    print(counter.value.count)
}
print("not stopped")
