/// Errors thrown by environments, spaces, wrappers, vector environments and the registry.
///
/// Every message names the problem and, where there is one, the fix.
public enum GymError: Error, Equatable, CustomStringConvertible {
    /// An action that is not an element of the action space.
    case invalidAction(String)
    /// An observation that does not fit the observation space or buffer it is written to.
    case invalidObservation(String)
    /// `step` called before the first `reset`.
    case stepBeforeReset(String)
    /// `step` called after an episode ended, without a `reset` in between.
    case stepAfterEpisodeEnd(String)
    /// `step`, `reset` or `render` called after `close`.
    case usedAfterClose(String)
    /// An option (constructor or reset) that is unknown or out of range.
    case invalidOption(String)
    /// A seed that is not a non-negative integer.
    case invalidSeed(String)
    /// A space whose definition is malformed (for example low > high).
    case invalidSpace(String)
    /// An environment id that is not registered.
    case unknownEnvironment(String)
    /// An id registered twice.
    case duplicateEnvironment(String)
    /// Anything else an environment rejects.
    case invalidArgument(String)
    /// A simulation whose state became NaN or infinite (the physics diverged); names the environment and step.
    case nonFiniteState(String)

    /// The message, with the problem and the fix.
    public var description: String {
        switch self {
        case .invalidAction(let message), .invalidObservation(let message), .stepBeforeReset(let message),
            .stepAfterEpisodeEnd(let message), .usedAfterClose(let message), .invalidOption(let message),
            .invalidSeed(let message), .invalidSpace(let message), .unknownEnvironment(let message),
            .duplicateEnvironment(let message), .invalidArgument(let message), .nonFiniteState(let message):
            return message
        }
    }
}
