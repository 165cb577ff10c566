// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftAsyncore",
    products: [
        .library(name: "AsyncCore", targets: ["AsyncCore"]),
        .library(name: "Echo", targets: ["Echo"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .target(name: "AsyncCore", dependencies: ["CSystem"]),
        .target(name: "Echo", dependencies: ["AsyncCore"], path: "Protocols/Echo"),
        .testTarget(name: "AsyncCoreTests", dependencies: ["AsyncCore"]),
    ]
)
