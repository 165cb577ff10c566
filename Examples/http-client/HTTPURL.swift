import ExampleSupport

/// An `http://host[:port][/path]` or `https://...` URL, split into what the
/// request needs.
struct HTTPURL: CustomStringConvertible {
    /// True for `https://`: the fetch goes over TLS.
    let isSecure: Bool
    /// The host as written, without IPv6 brackets.
    let host: String
    let port: UInt16
    /// The path and query: what follows the host, `/` when nothing does. The
    /// fragment is dropped, as browsers do: it is never sent.
    let target: String
    let description: String

    /// The `Host` header's value: the host, and the port unless it is the scheme's.
    var hostHeader: String {
        let name = host.contains(":") ? "[\(host)]" : host
        return port == defaultPort ? name : "\(name):\(port)"
    }

    private var defaultPort: UInt16 { isSecure ? 443 : 80 }

    /// - Throws: ``UsageError`` naming what is wrong with `text`.
    init(parsing text: String) throws(UsageError) {
        description = text
        guard text.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value < 0x7F }) else {
            throw UsageError("the URL must be printable ASCII without spaces: '\(text)'")
        }
        let lowercased = text.lowercased()
        isSecure = lowercased.hasPrefix("https://")
        guard isSecure || lowercased.hasPrefix("http://") else {
            throw UsageError("not an http:// or https:// URL: '\(text)'")
        }
        let rest = text.dropFirst(isSecure ? 8 : 7)
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var path = rest[authorityEnd...]
        if let fragment = path.firstIndex(of: "#") { path = path[..<fragment] }
        target = path.isEmpty ? "/" : (path.first == "?" ? "/" + path : String(path))

        guard !authority.contains("@") else {
            throw UsageError("user names and passwords in URLs are not supported: \(text)")
        }
        let hostPart: Substring
        let portPart: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { throw UsageError("unclosed '[' in the URL's host: \(text)") }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            guard after.isEmpty || after.hasPrefix(":") else { throw UsageError("unexpected text after ']' in the URL's host: \(text)") }
            portPart = after.isEmpty ? nil : after.dropFirst()
        } else if let colon = authority.firstIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        } else {
            hostPart = authority
            portPart = nil
        }
        guard !hostPart.isEmpty else { throw UsageError("the URL has no host: \(text)") }
        host = String(hostPart)
        if let portPart {
            guard let number = UInt16(portPart), number > 0 else {
                throw UsageError("the URL's port must be a number from 1 to 65535, not '\(portPart)'")
            }
            port = number
        } else {
            port = isSecure ? 443 : 80
        }
    }
}
