/// Truncates episodes after `maxEpisodeSteps` steps (Gymnasium's `TimeLimit`).
public final class TimeLimit: Wrapper {
    public let environment: any Environment
    /// The number of steps after which `truncated` is set.
    public let maxEpisodeSteps: Int
    /// Steps taken in the current episode.
    public private(set) var elapsedSteps = 0

    /// Wraps `environment`; throws unless `maxEpisodeSteps` > 0.
    public init(_ environment: any Environment, maxEpisodeSteps: Int) throws {
        guard maxEpisodeSteps > 0 else {
            throw GymError.invalidOption("TimeLimit needs maxEpisodeSteps > 0, got \(maxEpisodeSteps)")
        }
        self.environment = environment
        self.maxEpisodeSteps = maxEpisodeSteps
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        elapsedSteps = 0
        return try environment.reset(seed: seed, options: options, into: observation)
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        var result = try environment.step(action, into: observation)
        elapsedSteps += 1
        if elapsedSteps >= maxEpisodeSteps { result.truncated = true }
        return result
    }
}
