import Synchronization

/// One message's file: made in `tmp/` with the first bytes, written in
/// order by one writer, flushed and closed, then moved into `new/` by a
/// commit round. Any thread may drive it, one step at a time.
final class MaildirFile: Sendable {
    private struct State {
        var name = ""
        var descriptor: Int32 = -1
        var failure: MaildirError?
    }

    private let directory: String
    private let makeName: @Sendable () -> String
    private let state = Mutex(State())

    init(directory: String, makeName: @escaping @Sendable () -> String) {
        self.directory = directory
        self.makeName = makeName
    }

    /// The file's name in `tmp/` and `new/`; empty before the first bytes.
    var name: String { state.withLock { $0.name } }
    var temporaryPath: String { directory + "/tmp/" + name }
    var finalPath: String { directory + "/new/" + name }

    /// Appends `bytes`, making the file first; after a failure it does nothing.
    func append(_ bytes: UnsafeRawBufferPointer) {
        state.withLock { state in
            guard state.failure == nil else { return }
            do throws(MaildirError) {
                if state.descriptor < 0 { try create(&state) }
                try MaildirDisk.write(bytes, to: state.descriptor, path: directory + "/tmp/" + state.name)
            } catch {
                state.failure = error
            }
        }
    }

    /// Flushes and closes the file (making it, if no byte came); the failure
    /// of any step so far, after which the file is gone.
    func finish() -> MaildirError? {
        let failure = state.withLock { state -> MaildirError? in
            do throws(MaildirError) {
                if let failure = state.failure { throw failure }
                if state.descriptor < 0 { try create(&state) }
                let path = directory + "/tmp/" + state.name
                let descriptor = state.descriptor
                state.descriptor = -1
                do throws(MaildirError) {
                    try MaildirDisk.sync(descriptor, path: path)
                } catch {
                    try? MaildirDisk.close(descriptor, path: path)
                    throw error
                }
                try MaildirDisk.close(descriptor, path: path)
                return nil
            } catch {
                state.failure = error
                return error
            }
        }
        if failure != nil { discard() }
        return failure
    }

    /// Closes and removes the file, wherever it got to.
    func discard() {
        state.withLock { state in
            if state.descriptor >= 0 { try? MaildirDisk.close(state.descriptor, path: "") }
            state.descriptor = -1
            if !state.name.isEmpty { MaildirDisk.remove(directory + "/tmp/" + state.name) }
        }
    }

    private func create(_ state: inout State) throws(MaildirError) {
        for _ in 0..<100 {
            let name = makeName()
            if let descriptor = try MaildirDisk.create(directory + "/tmp/" + name) {
                state.name = name
                state.descriptor = descriptor
                return
            }
        }
        throw MaildirError(operation: "open", path: directory + "/tmp", errno: 17)
    }
}
