import AsyncCore
import Synchronization

/// One message's file: made in `tmp/` with the first bytes, written in
/// order by one writer, flushed and closed, then moved into `new/` by a
/// commit round. Any thread may drive it, one step at a time.
final class MaildirFile: Sendable {
    private struct State {
        var name = ""
        var file: FileDescriptor?
        var failure: SystemError?
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
            do throws(SystemError) {
                let file: FileDescriptor
                if let open = state.file { file = open } else { file = try create(&state) }
                do throws(SystemError) {
                    try file.writeAll(bytes)
                } catch {
                    throw error.naming(directory + "/tmp/" + state.name)
                }
            } catch {
                state.failure = error
            }
        }
    }

    /// Flushes and closes the file (making it, if no byte came); the failure
    /// of any step so far, after which the file is gone.
    func finish() -> SystemError? {
        let failure = state.withLock { state -> SystemError? in
            do throws(SystemError) {
                if let failure = state.failure { throw failure }
                let file: FileDescriptor
                if let open = state.file { file = open } else { file = try create(&state) }
                state.file = nil
                let path = directory + "/tmp/" + state.name
                do throws(SystemError) {
                    try file.fsync()
                } catch {
                    try? file.close()
                    throw error.naming(path)
                }
                // Linux releases the descriptor even when close fails.
                do throws(SystemError) {
                    try file.close()
                } catch {
                    throw error.naming(path)
                }
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
            try? state.file?.close()
            state.file = nil
            if !state.name.isEmpty { try? FileDescriptor.remove(directory + "/tmp/" + state.name) }
        }
    }

    /// Makes a file of a new name in `tmp/`.
    private func create(_ state: inout State) throws(SystemError) -> FileDescriptor {
        for _ in 0..<100 {
            let name = makeName()
            do {
                let file = try FileDescriptor.open(
                    directory + "/tmp/" + name, .writeOnly, options: [.create, .exclusiveCreate], permissions: 0o600)
                state.name = name
                state.file = file
                return file
            } catch where error.isExistingFile {
                continue
            }
        }
        throw SystemError(.open, errno: .fileExists, path: directory + "/tmp")
    }
}
