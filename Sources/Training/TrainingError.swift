/// Errors of the training stack; each names the problem and the fix.
public enum TrainingError: Error, Equatable, CustomStringConvertible {
    /// A path that cannot be created or written.
    case unwritable(String)
    /// Nothing to resume or evaluate.
    case missing(String)
    /// Training stopped because a loss became NaN or infinite.
    case nonFinite(String)
    /// The environment failed the environment checker before training.
    case environmentCheckFailed(String)
    /// Another process holds the run folder.
    case busy(String)
    /// A signal stopped training after a checkpoint was saved; the status to exit with.
    case interrupted(String, exitStatus: Int32)

    public var description: String {
        switch self {
        case .unwritable(let message), .missing(let message), .nonFinite(let message), .environmentCheckFailed(let message),
            .busy(let message), .interrupted(let message, _):
            return message
        }
    }
}
