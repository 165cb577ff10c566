import TestSupport

/// Compiles sources as a module of their own against the built library, the
/// way a user's package would: strict Swift 6, no `package`-level access.
enum OutsideCompiler {
    /// The exit status of `swiftc` and what it printed on standard error;
    /// `root` is the repository's, for the system module's map. The wait
    /// for the compiler blocks a thread of its own, not the cooperative
    /// pool the asynchronous tests alongside need.
    static func compile(
        _ sources: [String], moduleName: String, root: String, extraFlags: [String] = []
    ) async throws -> (TestSupport.ExitStatus, String) {
        let output = try TemporaryDirectory()
        defer { output.remove() }
        let arguments = [
            "swiftc", "-c", "-wmo", "-parse-as-library", "-swift-version", "6",
            "-module-name", moduleName,
            "-I", try BuiltProduct.directory() + "/Modules", "-I", "\(root)/Sources/CSystem",
            // AsyncTLS built with the TLS trait loads the OpenSSL shims' module.
            "-I", "\(root)/Sources/CSSL",
            "-module-cache-path", output.path + "/cache",
            "-o", output.path + "/\(moduleName).o",
        ] + extraFlags + sources
        var outcome: (TestSupport.ExitStatus, String) = (.exited(-1), "swiftc did not run")
        try await onOwnThread {
            let compiler = try ChildProcess(
                path: "/usr/bin/env", arguments: arguments, environment: ChildProcess.inheritedEnvironment(["PATH", "HOME"]))
            outcome = (try compiler.waitForExit(within: .seconds(240)), compiler.errorText)
        }
        return outcome
    }
}
