import ProtocolTesting

extension Dialogue {
    /// The sessions of a transcript that holds one case per connection, each
    /// opened by a `C+`, as dialogues of their own; a dialogue with no second
    /// `C+` is one session.
    ///
    /// Run alone, a session's chunkings cut only its own bytes: each split of
    /// each case costs one short run, where the whole file would run all its
    /// other cases again for every split (and only sample the splits past
    /// 400). Each session starts with the directives written before it, so
    /// every step keeps the settings it has in the file, and reports name the
    /// file's lines.
    var sessions: [Dialogue] {
        // A step's public face is its transcript line.
        func isDirective(_ step: DialogueStep) -> Bool { step.description.hasPrefix("!") }
        var sessions: [[DialogueStep]] = [[]]
        var directives: [DialogueStep] = []
        for step in steps {
            if step.description == "C+", sessions[sessions.count - 1].contains(where: { !isDirective($0) }) {
                sessions.append(directives)
            }
            sessions[sessions.count - 1].append(step)
            if isDirective(step) { directives.append(step) }
        }
        guard sessions.count > 1 else { return [self] }
        return sessions.map { session in
            let start = session.first { !isDirective($0) }?.location.line ?? 0
            return Dialogue("\(name), session at line \(start)", steps: session)
        }
    }
}
