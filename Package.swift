// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "SwiftAsyncore",
    products: [
        .library(name: "AsyncCore", targets: ["AsyncCore"]),
    ],
    targets: [
        .systemLibrary(name: "CSystem", path: "Sources/CSystem"),
        .target(name: "AsyncCore", dependencies: ["CSystem"]),
        .testTarget(name: "AsyncCoreTests", dependencies: ["AsyncCore"]),
    ]
)
