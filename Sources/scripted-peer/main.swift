import AsyncCore
import Glibc
import ProtocolTesting

/// Writes a line to standard output and flushes it: a parent process reads as it goes.
func printLine(_ text: String) {
    print(text)
    fflush(nil)
}

/// Writes a line to standard error, unbuffered.
func printError(_ text: String) {
    try? FileDescriptor.standardError.writeAll(Array("scripted-peer: \(text)\n".utf8))
}

signal(SIGPIPE, SIG_IGN)
let arguments = Array(CommandLine.arguments.dropFirst())
if arguments.prefix(while: { $0 != "--" }).contains(where: { $0 == "--help" || $0 == "-h" }) {
    printLine(ScriptedPeerSettings.usage)
    exit(0)
}

let settings: ScriptedPeerSettings
do {
    settings = try ScriptedPeerSettings(arguments)
} catch {
    printError("\(error)")
    printError("try 'scripted-peer --help' for more information")
    exit(2)
}

// Every script is read before any runs: a typo in the last one should not
// surface only after the first ones have talked to the server.
var dialogues: [(path: String, dialogue: Dialogue)] = []
for path in settings.scripts {
    do {
        dialogues.append((path, try Dialogue(contentsOfFile: path)))
    } catch {
        printError("\(error)")
        exit(2)
    }
}

var failed = 0
for (path, dialogue) in dialogues {
    do {
        let report = try dialogue.run(
            against: .tcp(host: settings.host, port: settings.port), chunking: settings.chunking, deadline: settings.deadline
        )
        if !settings.quiet { printLine("ok    \(path) (\(report.runs) run\(report.runs == 1 ? "" : "s"))") }
    } catch {
        if error.kind == .unsupported || error.kind == .invalidDialogue {
            printError("\(error.location.map { "\($0)" } ?? path): \(error.received)")
            exit(2)
        }
        failed += 1
        printLine("FAIL  \(path)")
        printLine(error.description.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n"))
    }
}
if !settings.quiet || failed > 0 {
    printLine("\(dialogues.count - failed) passed, \(failed) failed")
}
exit(failed == 0 ? 0 : 1)
