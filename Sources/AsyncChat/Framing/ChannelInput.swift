/// What a ``ChatChannel`` holds of one connection's input between reads.
/// A new connection starts with a fresh one.
struct ChannelInput {
    /// How far the peer's input has come.
    enum Phase {
        case receiving
        /// The peer finished sending; frames already received are still to be delivered.
        case peerFinished
        /// Everything was delivered and the unterminated tail reported.
        case finished
    }

    /// Where received bytes are being handed to the handlers.
    enum Delivery {
        case idle
        case delivering
        /// ``ChatChannel/discardBuffers()`` ran inside a handler: the rest of
        /// the bytes being delivered is dropped too.
        case discarded
    }

    /// The current frame's bytes, as the default collector keeps them.
    enum Frame {
        case empty
        /// A slice of the loop's shared read buffer: copied before the read ends.
        case borrowed(ArraySlice<UInt8>)
        case owned([UInt8])
        /// The frame grew past the limit: its bytes are dropped up to its end
        /// (the terminator in force when it began, or the rest of a byte
        /// count); then `next`, a terminator the application set meanwhile,
        /// takes effect.
        case discarding(next: Terminator?)

        var bytes: ArraySlice<UInt8> {
            switch self {
            case .empty, .discarding: return []
            case .borrowed(let slice): return slice
            case .owned(let array): return array[...]
            }
        }

        var count: Int {
            switch self {
            case .empty, .discarding: return 0
            case .borrowed(let slice): return slice.count
            case .owned(let array): return array.count
            }
        }

        mutating func append(_ data: ArraySlice<UInt8>) {
            switch self {
            case .empty: self = .borrowed(data)
            case .borrowed(let slice): self = .owned(Array(slice) + data)
            case .owned(var array):
                self = .empty
                array.append(contentsOf: data)
                self = .owned(array)
            case .discarding: break
            }
        }

        /// Makes a borrowed frame the channel's own.
        mutating func own() {
            if case .borrowed(let slice) = self { self = .owned(Array(slice)) }
        }
    }

    // Stored in an order that leaves little padding.
    var frame = Frame.empty
    var phase = Phase.receiving
    var delivery = Delivery.idle
    /// Set by ``ChatChannel/pauseReading()``.
    var isPaused = false
    /// Received bytes not yet framed: a possible partial terminator, or
    /// everything that arrived while input was held.
    var unframed: [UInt8] = []
}
