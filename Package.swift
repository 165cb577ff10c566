// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "SwiftAsyncore",
    products: [
        .library(name: "AsyncCore", targets: ["AsyncCore"]),
        .library(name: "AsyncChat", targets: ["AsyncChat"]),
        .library(name: "AsyncTLS", targets: ["AsyncTLS"]),
        .library(name: "ProtocolTesting", targets: ["ProtocolTesting"]),
        .library(name: "Echo", targets: ["Echo"]),
        .library(name: "Chat", targets: ["Chat"]),
        .library(name: "SMTP", targets: ["SMTP"]),
        .executable(name: "scripted-peer", targets: ["scripted-peer"]),
        .executable(name: "echo-server", targets: ["echo-server"]),
        .executable(name: "echo-client", targets: ["echo-client"]),
        .executable(name: "http-client", targets: ["http-client"]),
        .executable(name: "chat-server", targets: ["chat-server"]),
        .executable(name: "smtp-server", targets: ["smtp-server"]),
    ],
    // TLS on the system's OpenSSL 3 (libssl-dev to build, libssl3 to run):
    // `swift build --traits TLS`, or `traits: ["TLS"]` in a depending
    // package. Off, AsyncTLS builds without the OpenSSL headers, links no
    // libssl, and its contexts throw TLSError.unavailable.
    traits: [
        .trait(name: "TLS", description: "TLS (implicit and STARTTLS) on the system's OpenSSL 3"),
        .default(enabledTraits: []),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        // No pkgConfig: SwiftPM would run pkg-config even with the trait off.
        .systemLibrary(name: "CSSL", path: "Sources/CSSL"),
        .target(name: "AsyncCore", dependencies: ["CSystem"]),
        .target(name: "AsyncTLS", dependencies: ["AsyncCore", .target(name: "CSSL", condition: .when(traits: ["TLS"]))]),
        .target(name: "AsyncChat", dependencies: ["AsyncCore", "CSystem"]),
        .target(name: "ProtocolTesting", dependencies: ["AsyncChat", "AsyncCore", "AsyncTLS"]),
        .executableTarget(name: "scripted-peer", dependencies: ["ProtocolTesting", "ExampleSupport"]),

        .target(name: "Echo", dependencies: ["AsyncCore", "AsyncChat", "AsyncTLS"], path: "Protocols/Echo"),
        .target(name: "Chat", dependencies: ["AsyncChat", "AsyncCore"], path: "Protocols/Chat"),
        .target(name: "SMTP", dependencies: ["AsyncChat", "AsyncCore", "AsyncTLS"], path: "Protocols/SMTP"),

        // The programs' shared command-line frame (scripted-peer's too): flags,
        // exit statuses, logs, listening and stopping.
        .target(name: "ExampleSupport", dependencies: ["AsyncCore", "AsyncTLS", "ProtocolTesting"], path: "Examples/ExampleSupport"),
        .executableTarget(name: "echo-server", dependencies: ["AsyncChat", "AsyncCore", "Echo", "ExampleSupport"], path: "Examples/echo-server"),
        .executableTarget(name: "echo-client", dependencies: ["AsyncCore", "AsyncChat", "ExampleSupport"], path: "Examples/echo-client"),
        .executableTarget(name: "http-client", dependencies: ["AsyncCore", "AsyncTLS", "ExampleSupport"], path: "Examples/http-client"),
        .executableTarget(name: "chat-server", dependencies: ["Chat", "AsyncCore", "ExampleSupport"], path: "Examples/chat-server"),
        .executableTarget(name: "smtp-server", dependencies: ["AsyncCore", "SMTP", "ExampleSupport"], path: "Examples/smtp-server"),

        // A child process for AcceptExhaustionTests; a dependency of the test
        // target only so that it is built next to the test bundle.
        .executableTarget(name: "emfile-probe", dependencies: ["AsyncCore"], path: "Tests/Probes/emfile-probe"),
        // Touches a LoopBound value off its loop, for LoopBoundTests.
        .executableTarget(name: "loop-bound-probe", dependencies: ["AsyncCore"], path: "Tests/Probes/loop-bound-probe"),
        // The servers FaultTests run as child processes, built the same way.
        .executableTarget(name: "fault-probe", dependencies: ["AsyncCore", "AsyncChat", "Echo", "SMTP"], path: "Tests/Probes/fault-probe"),

        // The sample programs of the README and the DocC articles, exact copies
        // of their blocks; built next to SampleTests, which checks and runs them.
        .executableTarget(name: "sample-dispatcher-echo", dependencies: ["AsyncCore"], path: "Tests/Samples/dispatcher-echo"),
        .executableTarget(name: "sample-loop-thread", dependencies: ["AsyncCore", "SMTP"], path: "Tests/Samples/loop-thread"),
        .executableTarget(name: "sample-echo-server", dependencies: ["AsyncCore", "Echo"], path: "Tests/Samples/echo-server"),
        .executableTarget(name: "sample-chat-server", dependencies: ["AsyncCore", "Chat"], path: "Tests/Samples/chat-server"),
        .executableTarget(name: "sample-smtp-maildir", dependencies: ["AsyncCore", "SMTP"], path: "Tests/Samples/smtp-maildir"),

        // What the test targets share: child processes, built products,
        // temporary directories, deadlines, a seeded generator.
        .target(name: "TestSupport", dependencies: ["AsyncCore"], path: "Tests/TestSupport", exclude: ["Certificates"]),

        .testTarget(name: "TestSupportTests", dependencies: ["TestSupport"]),
        .testTarget(name: "AsyncCoreTests", dependencies: ["AsyncCore", "TestSupport", "emfile-probe", "loop-bound-probe"]),
        .testTarget(name: "AsyncChatTests", dependencies: ["AsyncChat", "TestSupport"]),
        .testTarget(name: "AsyncTLSTests", dependencies: ["AsyncTLS", "AsyncChat", "TestSupport"]),
        .testTarget(
            name: "ProtocolTestingTests",
            dependencies: ["ProtocolTesting", "AsyncChat", "AsyncTLS", "TestSupport"],
            exclude: ["Transcripts"]
        ),
        .testTarget(name: "EchoTests", dependencies: ["Echo", "AsyncChat", "AsyncCore", "ProtocolTesting", "TestSupport"], exclude: ["Transcripts"]),
        .testTarget(
            name: "ChatTests",
            dependencies: ["Chat", "ProtocolTesting", "TestSupport", "scripted-peer"],
            exclude: ["Transcripts"]
        ),
        .testTarget(
            name: "SMTPTests",
            dependencies: ["SMTP", "AsyncCore", "AsyncTLS", "ProtocolTesting", "TestSupport", "scripted-peer", "smtp-server"],
            exclude: ["Transcripts"]
        ),
        .testTarget(name: "FaultTests", dependencies: ["AsyncCore", "TestSupport", "fault-probe"]),
        .testTarget(
            name: "ExampleTests",
            dependencies: ["AsyncCore", "TestSupport", "echo-server", "echo-client", "http-client", "chat-server", "smtp-server", "scripted-peer"]
        ),
        .testTarget(
            name: "SampleTests",
            dependencies: [
                "AsyncChat", "AsyncCore", "AsyncTLS", "ProtocolTesting", "Echo", "Chat", "SMTP", "TestSupport",
                "sample-dispatcher-echo", "sample-loop-thread", "sample-echo-server", "sample-chat-server", "sample-smtp-maildir",
            ],
            exclude: ["Samples/Transcripts"]
        ),
    ]
)
