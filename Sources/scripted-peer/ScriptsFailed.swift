/// Some scripts failed: scripted-peer exits with status 1.
struct ScriptsFailed: Error, CustomStringConvertible {
    let count: Int

    var description: String { "\(count) script\(count == 1 ? "" : "s") failed" }
}
