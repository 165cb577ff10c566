import AsyncCore
import Glibc

/// Standard output and standard error for the examples.
///
/// Swift's `print` is block-buffered when standard output is a pipe, so a
/// line a parent process waits for (`listening on ...`) would sit in the
/// buffer; ``printLine(_:)`` flushes it at once.
/// ```swift
/// Console.printLine("listening on \(address)")
/// Console.printError("echo-server: received SIGTERM")
/// ```
public enum Console {
    /// Prints `text` and a newline to standard output, and flushes it.
    public static func printLine(_ text: String) {
        print(text)
        fflush(nil)
    }

    /// Writes `text` and a newline to standard error, unbuffered.
    public static func printError(_ text: String) {
        try? FileDescriptor.standardError.writeAll(Array((text + "\n").utf8))
    }

    /// Writes all of `bytes` to standard output, after anything `print` buffered.
    /// - Throws: ``SystemError`` with call `.write` when the write fails (a
    ///   closed pipe is `EPIPE`).
    public static func writeOutput(_ bytes: [UInt8]) throws(SystemError) {
        fflush(nil)
        try FileDescriptor.standardOutput.writeAll(bytes)
    }
}
