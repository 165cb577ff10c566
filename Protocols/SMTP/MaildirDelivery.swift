import Dispatch
import Glibc

/// A message on its way into the Maildir, on the loop's side: its file, the
/// writer queue that owns it, and the bytes not yet handed over, already
/// with LF line ends.
final class MaildirDelivery {
    let file: MaildirFile
    let queue: DispatchQueue
    private(set) var pending: [UInt8] = []
    /// The last byte taken was a CR, which a LF in the next piece drops.
    private var pendingCR = false

    init(file: MaildirFile, queue: DispatchQueue, header: [UInt8]) {
        self.file = file
        self.queue = queue
        addWithLFLineEnds(header[...])
    }

    /// Copies `piece`, each CRLF as LF, also across pieces; `memchr` finds
    /// the CRs, so the runs between them are copied at memory speed.
    func addWithLFLineEnds(_ piece: ArraySlice<UInt8>) {
        piece.withUnsafeBufferPointer { raw in
            guard let base = raw.baseAddress, !raw.isEmpty else { return }
            var start = 0
            if pendingCR {
                pendingCR = false
                if raw[0] != 10 { pending.append(13) }
            }
            var searchFrom = 0
            while searchFrom < raw.count, let found = memchr(base + searchFrom, 13, raw.count - searchFrom) {
                let index = UnsafeRawPointer(base).distance(to: UnsafeRawPointer(found))
                searchFrom = index + 1
                if index + 1 == raw.count {
                    pending.append(contentsOf: UnsafeBufferPointer(rebasing: raw[start..<index]))
                    pendingCR = true
                    return
                }
                guard raw[index + 1] == 10 else { continue }
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: raw[start..<index]))
                start = index + 1
            }
            pending.append(contentsOf: UnsafeBufferPointer(rebasing: raw[start...]))
        }
    }

    /// The content ended: a CR held back is content after all.
    func finishLine() {
        if pendingCR { pending.append(13) }
        pendingCR = false
    }

    func takePending() -> [UInt8] {
        defer { pending = [] }
        return pending
    }
}
