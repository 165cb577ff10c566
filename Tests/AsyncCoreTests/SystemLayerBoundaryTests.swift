import Foundation
import Testing

/// Guards the layering rule that only `Sources/AsyncCore/System` (and the
/// `CSystem` header module) talks to the C library's error reporting and
/// system calls directly. Everything above it — the rest of `Sources/`,
/// `Protocols/` (which users copy out of the package) and `Examples/` —
/// goes through the typed wrappers: `Errno` constants inside a
/// `SystemError`, its predicates (`isDisconnect`, `isOutOfResources`, ...),
/// `FileDescriptor`, `Socket` and the enums for families, types and options.
///
/// A code line above System fails the test when it
/// - reads or writes the C global `errno` (an `errno:` argument label naming
///   a typed `Errno` is fine),
/// - reads `.errno` off an error to compare it (ask a predicate instead),
/// - names a raw errno constant such as `ECONNRESET`,
/// - calls through `Glibc.`, or
/// - calls one of the system calls the System layer wraps (`epoll_wait`,
///   `eventfd`, `sigaction`, `fcntl`, ...).
/// Comments, documentation comments and DocC articles are not code and may
/// talk about errno freely.
@Suite("System layer boundary")
struct SystemLayerBoundaryTests {
    @Test func nothingAboveSystemTouchesErrnoOrRawSystemCalls() throws {
        let files = try Self.checkedFiles()
        #expect(files.contains { $0.hasSuffix("Sources/AsyncCore/Dispatchers/Dispatcher.swift") })
        #expect(files.contains { $0.hasSuffix("Protocols/SMTP/MaildirHandler.swift") })
        #expect(files.contains { $0.hasSuffix("Examples/ExampleSupport/Console.swift") })
        #expect(!files.contains { $0.contains("/Sources/AsyncCore/System/") })
        var violations: [String] = []
        for path in files {
            let text = try String(contentsOfFile: path, encoding: .utf8)
            violations += try Self.violations(in: text).map { "\(path.dropFirst(Self.root.count + 1)):\($0.line): \($0.rule): \($0.code)" }
        }
        #expect(violations.isEmpty, Comment(rawValue: "\n" + violations.joined(separator: "\n")))
    }

    @Test func theCheckFlagsEachKindOfViolationInCodeButNotInComments() throws {
        let flagged = try Self.violations(in: """
            if errno == EINTR { continue }
            let code = error.errno
            _ = Glibc.write(2, bytes, count)
            guard error == ECONNRESET else { return }
            _ = epoll_wait(fd, events, 64, -1)
            let x = 1 // a trailing comment about errno is fine
            """)
        #expect(flagged.map(\.line) == [1, 1, 2, 3, 4, 5])   // line 1 twice: errno and EINTR
        let clean = try Self.violations(in: """
            /// Fails with `EPIPE`; reads errno once.
            // errno == EINTR here
            /* Glibc.write(errno) */
            throw SystemError(.connect, errno: .connectionRefused)
            let url = "http://example.org" // EPIPE
            try file.fsync()
            """)
        #expect(clean.isEmpty, "\(clean)")
    }

    // MARK: The check

    struct Violation: CustomStringConvertible {
        let line: Int
        let rule: String
        let code: String
        var description: String { "\(line): \(rule): \(code)" }
    }

    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent()   // AsyncCoreTests
        url.deleteLastPathComponent()   // Tests
        return url.deletingLastPathComponent().path
    }()

    /// Every .swift file of Sources/, Protocols/ and Examples/, less the System layer.
    static func checkedFiles() throws -> [String] {
        var files: [String] = []
        for folder in ["Sources", "Protocols", "Examples"] {
            let base = root + "/" + folder
            guard let walker = FileManager.default.enumerator(atPath: base) else { continue }
            for case let relative as String in walker where relative.hasSuffix(".swift") {
                let path = base + "/" + relative
                if path.hasPrefix(root + "/Sources/AsyncCore/System/") || path.hasPrefix(root + "/Sources/CSystem/") { continue }
                files.append(path)
            }
        }
        return files.sorted()
    }

    private static let rules: [(name: String, pattern: String)] = [
        ("the C errno", #"(^|[^\w.])errno\b(?!\s*:)"#),
        ("an error's errno compared (use a SystemError predicate)", #"\.errno\b"#),
        ("a Glibc call", #"\bGlibc\."#),
        ("a raw errno constant", #"\b("# + errnoNames.joined(separator: "|") + #")\b"#),
        ("a system call the System layer wraps", #"(^|[^\w.])("# + wrappedCalls.joined(separator: "|") + #")\s*\("#),
    ]

    private static let wrappedCalls = [
        "epoll_create1", "epoll_ctl", "epoll_wait", "eventfd", "sigaction", "sigprocmask", "pthread_sigmask",
        "pthread_create", "pthread_join", "accept4", "setsockopt", "getsockopt", "fcntl", "ioctl", "fsync",
        "mkdir", "unlink", "sendmsg", "writev", "socketpair", "pipe2", "getrlimit", "setrlimit",
    ]

    /// Linux's errno names.
    private static let errnoNames = [
        "E2BIG", "EACCES", "EADDRINUSE", "EADDRNOTAVAIL", "EADV", "EAFNOSUPPORT", "EAGAIN", "EALREADY", "EBADE",
        "EBADF", "EBADFD", "EBADMSG", "EBADR", "EBADRQC", "EBADSLT", "EBFONT", "EBUSY", "ECANCELED", "ECHILD",
        "ECHRNG", "ECOMM", "ECONNABORTED", "ECONNREFUSED", "ECONNRESET", "EDEADLK", "EDEADLOCK", "EDESTADDRREQ",
        "EDOM", "EDOTDOT", "EDQUOT", "EEXIST", "EFAULT", "EFBIG", "EHOSTDOWN", "EHOSTUNREACH", "EHWPOISON", "EIDRM",
        "EILSEQ", "EINPROGRESS", "EINTR", "EINVAL", "EIO", "EISCONN", "EISDIR", "EISNAM", "EKEYEXPIRED",
        "EKEYREJECTED", "EKEYREVOKED", "EL2HLT", "EL2NSYNC", "EL3HLT", "EL3RST", "ELIBACC", "ELIBBAD", "ELIBEXEC",
        "ELIBMAX", "ELIBSCN", "ELNRNG", "ELOOP", "EMEDIUMTYPE", "EMFILE", "EMLINK", "EMSGSIZE", "EMULTIHOP",
        "ENAMETOOLONG", "ENAVAIL", "ENETDOWN", "ENETRESET", "ENETUNREACH", "ENFILE", "ENOANO", "ENOBUFS", "ENOCSI",
        "ENODATA", "ENODEV", "ENOENT", "ENOEXEC", "ENOKEY", "ENOLCK", "ENOLINK", "ENOMEDIUM", "ENOMEM", "ENOMSG",
        "ENONET", "ENOPKG", "ENOPROTOOPT", "ENOSPC", "ENOSR", "ENOSTR", "ENOSYS", "ENOTBLK", "ENOTCONN", "ENOTDIR",
        "ENOTEMPTY", "ENOTNAM", "ENOTRECOVERABLE", "ENOTSOCK", "ENOTSUP", "ENOTTY", "ENOTUNIQ", "ENXIO",
        "EOPNOTSUPP", "EOVERFLOW", "EOWNERDEAD", "EPERM", "EPFNOSUPPORT", "EPIPE", "EPROTO", "EPROTONOSUPPORT",
        "EPROTOTYPE", "ERANGE", "EREMCHG", "EREMOTE", "EREMOTEIO", "ERESTART", "ERFKILL", "EROFS", "ESHUTDOWN",
        "ESOCKTNOSUPPORT", "ESPIPE", "ESRCH", "ESRMNT", "ESTALE", "ESTRPIPE", "ETIME", "ETIMEDOUT", "ETOOMANYREFS",
        "ETXTBSY", "EUCLEAN", "EUNATCH", "EUSERS", "EWOULDBLOCK", "EXDEV", "EXFULL"
    ]

    static func violations(in text: String) throws -> [Violation] {
        let compiled = try rules.map { (name: $0.name, pattern: try Regex($0.pattern)) }
        var found: [Violation] = []
        var inBlockComment = false
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let code = codePart(of: String(line), inBlockComment: &inBlockComment)
            for rule in compiled where code.contains(rule.pattern) {
                found.append(Violation(line: index + 1, rule: rule.name, code: code.trimmingCharacters(in: .whitespaces)))
            }
        }
        return found
    }

    /// The line without its comments; string literals stay, so a
    /// `// ` inside one does not start a comment.
    private static func codePart(of line: String, inBlockComment: inout Bool) -> String {
        var code = ""
        var inString = false
        var characters = line.makeIterator()
        var previous: Character?
        while let character = characters.next() {
            if inBlockComment {
                if previous == "*" && character == "/" { inBlockComment = false; previous = nil; continue }
                previous = character
                continue
            }
            if inString {
                code.append(character)
                if character == "\"" && previous != "\\" { inString = false }
                previous = previous == "\\" && character == "\\" ? nil : character
                continue
            }
            if character == "/" && previous == "/" { code.removeLast(); return code }
            if character == "*" && previous == "/" { code.removeLast(); inBlockComment = true; previous = nil; continue }
            if character == "\"" { inString = true }
            code.append(character)
            previous = character
        }
        return code
    }
}
