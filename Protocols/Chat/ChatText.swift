/// Every line the chat server sends, in one place: the protocol's wire
/// format. Each goes out followed by CRLF.
///
/// | When | Line |
/// |---|---|
/// | on connect | `*** Welcome to the chat room` then `*** Choose a nick with /nick NAME` |
/// | `/nick alice` accepted | `*** You are now known as alice`, then for a first nick `*** In the room: alice, bob` |
/// | to the others | `*** alice has joined` / `*** alice is now known as alicia` |
/// | a plain line `hi` (to everyone, the sender too) | `<alice> hi` |
/// | `/me waves` (to everyone) | `* alice waves` |
/// | `/who` | `*** In the room: alice, bob` (by joining order) or `*** Nobody has joined yet` |
/// | `/quit` | `*** Goodbye`, then the server closes |
/// | a member leaves (to the others) | `*** alice has left` plus ` (connection closed)` or ` (idle)` when not by `/quit` |
/// | a member falls too far behind | to them `*** You are too slow to keep up; disconnecting`, to the others `*** bob was disconnected (too slow)` |
/// | idle timeout | `*** Idle for too long; disconnecting` |
/// | the server shuts down (to every connection) | `*** Server shutting down`, then the server closes |
/// | errors (the connection stays open) | lines starting `*** error: ` (see the members below) |
///
/// Lines from clients end with CRLF or a bare LF.
public enum ChatText {
    public static let welcome = "*** Welcome to the chat room"
    public static let nickPrompt = "*** Choose a nick with /nick NAME"
    public static let goodbye = "*** Goodbye"
    public static let tooSlow = "*** You are too slow to keep up; disconnecting"
    public static let idle = "*** Idle for too long; disconnecting"
    public static let shuttingDown = "*** Server shutting down"

    public static func nickAccepted(_ nick: String) -> String { "*** You are now known as \(nick)" }
    public static func alreadyKnownAs(_ nick: String) -> String { "*** You are already known as \(nick)" }
    public static func joined(_ nick: String) -> String { "*** \(nick) has joined" }
    public static func renamed(from old: String, to new: String) -> String { "*** \(old) is now known as \(new)" }
    public static func message(from nick: String, _ text: String) -> String { "<\(nick)> \(text)" }
    public static func action(by nick: String, _ text: String) -> String { "* \(nick) \(text)" }

    public static func who(_ nicks: [String]) -> String {
        nicks.isEmpty ? "*** Nobody has joined yet" : "*** In the room: " + nicks.joined(separator: ", ")
    }

    public static func left(_ nick: String, _ reason: LeaveReason) -> String {
        switch reason {
        case .quit: return "*** \(nick) has left"
        case .connectionClosed: return "*** \(nick) has left (connection closed)"
        case .idle: return "*** \(nick) has left (idle)"
        case .tooSlow: return "*** \(nick) was disconnected (too slow)"
        }
    }

    // MARK: Errors

    /// How every error line starts.
    public static let errorPrefix = "*** error: "

    public static let needNick = "*** error: choose a nick first with /nick NAME"
    public static let nickUsage = "*** error: usage: /nick NAME"
    public static let meUsage = "*** error: usage: /me ACTION"
    public static let invalidUTF8 = "*** error: line is not valid UTF-8; ignored"
    public static let controlCharacters = "*** error: line contains control characters; ignored"

    public static func invalidNick(maxLength: Int) -> String {
        "*** error: a nick is 1 to \(maxLength) letters, digits, '-' or '_', starting with a letter"
    }

    public static func nickTaken(_ nick: String) -> String { "*** error: the nick \(nick) is taken" }

    public static func unknownCommand(_ command: String) -> String {
        "*** error: unknown command /\(command); commands are /nick, /me, /who and /quit"
    }

    public static func lineTooLong(limit: Int) -> String { "*** error: line longer than \(limit) bytes; ignored" }
}
