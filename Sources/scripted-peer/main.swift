import ExampleSupport

CommandLineProgram.run(name: "scripted-peer", usage: ScriptedPeerSettings.usage) { arguments in
    let settings = try ScriptedPeerSettings(arguments)
    var passed = 0, failed = 0, skipped = 0
    for path in settings.scripts {
        let outcome = ScriptOutcome(running: path, settings: settings)
        switch outcome {
        case .passed: passed += 1
        case .failed: failed += 1
        case .skipped: skipped += 1
        }
        for line in outcome.lines(for: path, quiet: settings.quiet) { Console.printLine(line) }
    }
    Console.printLine("\(passed) passed, \(failed) failed, \(skipped) skipped")
    if failed > 0 { throw ScriptsFailed(count: failed) }
}
