// A SwiftNIO echo server with swift-nio-ssl on one event loop, as the TLS
// baseline: SwiftNIO's echo handler behind NIOSSLServerHandler.
//
//   nio-tls-echo-server --cert FILE --key FILE [--host IPV4] [--port PORT]
//
// Prints "listening on HOST:PORT" first; SIGTERM ends it.
import Glibc
import NIOCore
import NIOPosix
import NIOSSL

final class EchoHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        context.write(data, promise: nil)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        context.flush()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}

var host = "127.0.0.1"
var port = 7015
var certificate: String?
var key: String?
var arguments = CommandLine.arguments.dropFirst()
while let flag = arguments.popFirst() {
    switch (flag, arguments.popFirst()) {
    case ("--host", let value?): host = value
    case ("--port", let value?) where Int(value) != nil: port = Int(value)!
    case ("--cert", let value?): certificate = value
    case ("--key", let value?): key = value
    default:
        print("usage: nio-tls-echo-server --cert FILE --key FILE [--host IPV4] [--port PORT]")
        exit(2)
    }
}
guard let certificate, let key else {
    print("usage: nio-tls-echo-server --cert FILE --key FILE [--host IPV4] [--port PORT]")
    exit(2)
}

var limit = rlimit()
getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)
limit.rlim_cur = limit.rlim_max
setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &limit)

let configuration = TLSConfiguration.makeServerConfiguration(
    certificateChain: try NIOSSLCertificate.fromPEMFile(certificate).map { .certificate($0) },
    privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem))
)
let sslContext = try NIOSSLContext(configuration: configuration)

let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let bootstrap = ServerBootstrap(group: group)
    .serverChannelOption(.backlog, value: SOMAXCONN)
    .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
    .childChannelInitializer { channel in
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
            try channel.pipeline.syncOperations.addHandler(EchoHandler())
        }
    }
let channel = try bootstrap.bind(host: host, port: port).wait()
print("listening on \(host):\(channel.localAddress?.port ?? 0)")
fflush(nil)
try channel.closeFuture.wait()
