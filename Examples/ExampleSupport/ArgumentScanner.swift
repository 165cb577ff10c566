/// Walks a command line: flags (`--port 7007` or `--port=7007`) and
/// positional arguments, in order. Everything after `--` is positional.
///
/// ```swift
/// var scanner = ArgumentScanner(["--port", "0", "http://example.org/"])
/// while let argument = scanner.next() {
///     switch argument {
///     case .flag("--port"): port = try scanner.integer(for: "--port", in: 0...65535)
///     case .flag(let other): throw UsageError("unknown flag \(other)")
///     case .positional(let text): url = text
///     }
/// }
/// ```
public struct ArgumentScanner {
    /// One command-line argument.
    public enum Argument: Hashable {
        /// `--name` or `-n`, without any `=value` part.
        case flag(String)
        /// Any other argument.
        case positional(String)
    }

    private var remaining: ArraySlice<String>
    private var inlineValue: String?
    private var flagsEnded = false

    /// Scans `arguments`, which exclude the program's name.
    public init(_ arguments: [String]) {
        remaining = arguments[...]
    }

    /// The next argument, or nil at the end.
    public mutating func next() -> Argument? {
        inlineValue = nil
        while let argument = remaining.popFirst() {
            if flagsEnded || argument == "-" || !argument.hasPrefix("-") { return .positional(argument) }
            if argument == "--" {
                flagsEnded = true
                continue
            }
            guard let equals = argument.firstIndex(of: "=") else { return .flag(argument) }
            inlineValue = String(argument[argument.index(after: equals)...])
            return .flag(String(argument[..<equals]))
        }
        return nil
    }

    /// The value of the flag just returned by ``next()``: its `=value` part,
    /// or else the following argument.
    /// - Throws: ``UsageError`` when there is no value.
    public mutating func value(for flag: String) throws(UsageError) -> String {
        if let inline = inlineValue {
            inlineValue = nil
            return inline
        }
        guard let value = remaining.popFirst() else { throw UsageError("\(flag) needs a value") }
        return value
    }

    /// The value of the flag just returned by ``next()``, as an integer in `range`.
    /// - Throws: ``UsageError`` when the value is missing, not a decimal
    ///   integer, or out of range.
    public mutating func integer<Number: FixedWidthInteger>(
        for flag: String, in range: ClosedRange<Number>
    ) throws(UsageError) -> Number {
        let text = try value(for: flag)
        guard let number = Number(text, radix: 10), range.contains(number) else {
            throw UsageError("\(flag) needs a whole number from \(range.lowerBound) to \(range.upperBound), not '\(text)'")
        }
        return number
    }
}
