// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftAsyncore",
    products: [
        .library(name: "AsyncCore", targets: ["AsyncCore"]),
        .library(name: "AsyncChat", targets: ["AsyncChat"]),
        .library(name: "ProtocolTesting", targets: ["ProtocolTesting"]),
        .library(name: "Chat", targets: ["Chat"]),
        .executable(name: "scripted-peer", targets: ["scripted-peer"]),
        .executable(name: "chat-server", targets: ["chat-server"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .target(name: "AsyncCore", dependencies: ["CSystem"]),
        .target(name: "AsyncChat", dependencies: ["AsyncCore", "CSystem"]),
        .target(name: "ProtocolTesting", dependencies: ["AsyncCore"]),
        .executableTarget(name: "scripted-peer", dependencies: ["ProtocolTesting"]),
        .target(name: "Chat", dependencies: ["AsyncChat", "AsyncCore"], path: "Protocols/Chat"),
        .executableTarget(name: "chat-server", dependencies: ["Chat", "AsyncCore"], path: "Examples/chat-server"),
        .testTarget(name: "AsyncCoreTests", dependencies: ["AsyncCore"]),
        .testTarget(name: "AsyncChatTests", dependencies: ["AsyncChat"]),
        .testTarget(
            name: "ProtocolTestingTests",
            dependencies: ["ProtocolTesting", "AsyncChat"],
            exclude: ["Transcripts"]
        ),
        .testTarget(
            name: "ChatTests",
            dependencies: ["Chat", "ProtocolTesting", "scripted-peer"],
            exclude: ["Transcripts"]
        ),
    ]
)
