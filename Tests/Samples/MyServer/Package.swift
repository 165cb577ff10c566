// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "MyServer",
    dependencies: [
        // The path is where you cloned SwiftAsyncore; `name:` lets the targets
        // below say "SwiftAsyncore" whatever that folder is called.
        .package(name: "SwiftAsyncore", path: "../SwiftAsyncore"),
    ],
    targets: [
        .target(name: "MyServer", dependencies: [.product(name: "AsyncChat", package: "SwiftAsyncore")]),
        .testTarget(
            name: "MyServerTests",
            dependencies: ["MyServer", .product(name: "ProtocolTesting", package: "SwiftAsyncore")],
            exclude: ["Transcripts"]    // dialogues read at run time, not sources to build
        ),
    ]
)
