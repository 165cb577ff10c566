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
        _ = try? write(Array((text + "\n").utf8), to: 2)
    }

    /// Writes all of `bytes` to standard output, after anything `print` buffered.
    /// - Throws: ``OutputError`` when the write fails (a closed pipe is `EPIPE`).
    public static func writeOutput(_ bytes: [UInt8]) throws(OutputError) {
        fflush(nil)
        try write(bytes, to: 1)
    }

    private static func write(_ bytes: [UInt8], to descriptor: Int32) throws(OutputError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { raw in
                Glibc.write(descriptor, raw.baseAddress! + offset, raw.count - offset)
            }
            if written >= 0 {
                offset += written
            } else if errno != EINTR {
                throw OutputError(errno: errno)
            }
        }
    }
}
