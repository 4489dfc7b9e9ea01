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

    public var description: String {
        switch self {
        case .unwritable(let message), .missing(let message), .nonFinite(let message), .environmentCheckFailed(let message):
            return message
        }
    }
}
