import AsyncChat
import AsyncCore
import Echo
import ExampleSupport

/// Starts serving `listener` with ``AsyncLineEcho`` in a task of its own;
/// every client's task runs on the loop's thread, during its passes.
/// Made here, outside `main.swift`, whose top-level code belongs to the
/// main actor: a task made there would wait for the main actor, whose
/// thread runs the loop.
func startAsyncEcho(_ listener: AsyncListener, log: Log) {
    Task {
        await AsyncLineEcho.serve(listener) { log("\($0)") }
    }
}
