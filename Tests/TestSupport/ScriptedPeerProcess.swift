import Foundation

/// Runs the `scripted-peer` executable built next to the test bundle; shared
/// by the test targets whose transcripts double as black-box checks.
public enum ScriptedPeerProcess {
    public struct Outcome: Sendable {
        public let status: Int32
        public let output: String
        public let errors: String
    }

    public struct TimedOut: Error, CustomStringConvertible {
        public let arguments: [String]
        public var description: String { "scripted-peer \(arguments.joined(separator: " ")) did not exit in time" }
    }

    /// The binary lives in the build directory, beside the test executable
    /// (`/proc/self/exe`), because the test target depends on it.
    public static var executable: URL {
        URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("scripted-peer")
    }

    public static func run(_ arguments: [String], deadline: DispatchTimeInterval = .seconds(60)) throws -> Outcome {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        // The reports are small: they fit in the pipes' buffers until the process ends.
        if exited.wait(timeout: .now() + deadline) == .timedOut {
            process.terminate()
            throw TimedOut(arguments: arguments)
        }
        return Outcome(
            status: process.terminationStatus,
            output: String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self),
            errors: String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        )
    }
}
