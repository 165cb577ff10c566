import AsyncCore
import ProtocolTesting

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

    /// The value of the flag just returned by ``next()`` as a host to
    /// resolve: a name, an IPv4 address, or an IPv6 address with or without
    /// brackets (`::1` or `[::1]`, as in a URL); the brackets are dropped.
    /// - Throws: ``UsageError`` for an empty value, or brackets around
    ///   anything but an IPv6 address.
    public mutating func host(for flag: String) throws(UsageError) -> String {
        let text = try value(for: flag)
        guard text.hasPrefix("[") || text.hasSuffix("]") else {
            guard !text.isEmpty else { throw UsageError("\(flag) needs a host name or address") }
            return text
        }
        let inner = String(text.dropFirst().dropLast())
        guard text.count > 2, text.hasPrefix("["), text.hasSuffix("]"),
              case .ipv6? = try? SocketAddress(ip: inner, port: 0) else {
            throw UsageError("\(flag) takes brackets only around an IPv6 address, as in [::1]; not '\(text)'")
        }
        return inner
    }

    /// The value of the flag just returned by ``next()`` as a positive
    /// duration: a number and a unit, `250ms`, `1.5s`, `300s`, `5m` or `1h`,
    /// as every program and transcript writes durations.
    /// - Throws: ``UsageError`` for any other text, `0s` included.
    public mutating func duration(for flag: String) throws(UsageError) -> Duration {
        let text = try value(for: flag)
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw UsageError("\(flag) needs a positive duration such as \(ArgumentScanner.durationExamples), not '\(text)'\(Self.unitHint(text))")
        }
        return duration
    }

    /// The value of the flag just returned by ``next()`` as a timeout: a
    /// positive duration as for ``duration(for:)``, or `none` for no
    /// timeout at all (nil). Zero is no way to say "never": it is refused.
    /// - Throws: ``UsageError`` for any other text.
    public mutating func timeout(for flag: String) throws(UsageError) -> Duration? {
        let text = try value(for: flag)
        if text == "none" { return nil }
        guard let duration = DurationText.parse(text), duration > .zero else {
            throw UsageError("\(flag) needs a positive duration such as \(ArgumentScanner.durationExamples), or none; not '\(text)'\(Self.unitHint(text))")
        }
        return duration
    }

    /// The value of the flag just returned by ``next()`` as the addresses of
    /// trusted proxies, `CIDR[,CIDR...]` (`127.0.0.0/8,::1/128`): connections
    /// from them must start with a PROXY protocol header.
    /// - Throws: ``UsageError`` naming the part that is not an address range.
    public mutating func proxyProtocol(for flag: String) throws(UsageError) -> ProxyProtocol {
        let text = try value(for: flag)
        do {
            return ProxyProtocol(trustedSources: try AddressRange.list(text))
        } catch {
            throw UsageError("\(flag) needs address ranges such as 127.0.0.0/8,::1/128: \(error)")
        }
    }

    private static let durationExamples = "250ms, 1.5s, 300s or 5m"

    /// A bare number was a duration in seconds in older versions of the programs.
    private static func unitHint(_ text: String) -> String {
        guard let number = Double(text), number > 0, text.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }) else { return "" }
        return " (a number needs its unit: \(text)s)"
    }
}
