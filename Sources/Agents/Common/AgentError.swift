/// Errors from agents; each message names the problem and the fix.
public enum AgentError: Error, Equatable, CustomStringConvertible {
    /// The environment's spaces do not fit the algorithm.
    case unsupported(String)
    /// A hyperparameter is out of range.
    case invalidConfiguration(String)
    /// A loss or gradient became NaN or infinite.
    case nonFinite(String)
    /// Saved state does not fit the agent.
    case invalidState(String)

    public var description: String {
        switch self {
        case .unsupported(let message), .invalidConfiguration(let message), .nonFinite(let message), .invalidState(let message):
            return message
        }
    }
}
