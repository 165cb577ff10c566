import AsyncChat
import AsyncCore
import Testing

final class FrameRecorder: ChatChannel {
    var frames: [[UInt8]] = []
    override func foundTerminator() throws { frames.append(takeIncomingData()) }
}

@Test(arguments: [[], [1], [3, 4], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]])
func crlfLinesSurviveAnySplit(cuts: [Int]) throws {
    let loop = try EventLoop()
    let (a, b) = try Socket.pair()
    let channel = try FrameRecorder(socket: a, loop: loop)
    channel.terminator = .crlf
    try ChunkedFeeder(peer: b, loop: loop).feed(Array("ab\r\n\r\ncde\r\n".utf8), splitAt: cuts, into: channel)
    #expect(channel.frames == [Array("ab".utf8), [], Array("cde".utf8)])
    b.close()
    loop.closeAll()
}
