import AsyncCore

/// Collects the lines a loop logs, in place of standard error.
final class LogCapture {
    var lines: [String] = []

    init(_ loop: EventLoop) {
        loop.logger = { [unowned self] line in lines.append(line) }
    }
}
