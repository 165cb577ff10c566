// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftAsyncore",
    products: [
        .library(name: "AsyncCore", targets: ["AsyncCore"]),
        .library(name: "AsyncChat", targets: ["AsyncChat"]),
        .library(name: "SMTP", targets: ["SMTP"]),
        .executable(name: "smtp-server", targets: ["smtp-server"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .target(name: "AsyncCore", dependencies: ["CSystem"]),
        .target(name: "AsyncChat", dependencies: ["AsyncCore", "CSystem"]),
        .target(name: "SMTP", dependencies: ["AsyncChat", "AsyncCore"], path: "Protocols/SMTP"),
        .executableTarget(name: "smtp-server", dependencies: ["SMTP", "AsyncCore"], path: "Examples/smtp-server"),
        .testTarget(name: "AsyncCoreTests", dependencies: ["AsyncCore"]),
        .testTarget(name: "AsyncChatTests", dependencies: ["AsyncChat"]),
        .testTarget(name: "SMTPTests", dependencies: ["SMTP", "AsyncChat", "AsyncCore"]),
    ]
)
