import ProtocolTesting
import Testing

@Test func greeting() throws {
    try Dialogue(contentsOfFile: "Transcripts/greeting.txt", relativeTo: #filePath)
        .run(against: chat, chunking: .all())
}
