/// Enforces the call order of the API, and rejects negative seeds: no `step` before `reset`, after an episode ended without a
/// new `reset`, or after `close`; no `render` before `reset` (Gymnasium's `OrderEnforcing`, stricter
/// about ended episodes, whose further steps Gymnasium calls undefined behaviour).
public final class OrderEnforcing: Wrapper {
    public let environment: any Environment
    /// Whether `reset` has been called.
    public private(set) var hasReset = false
    /// Whether the current episode has ended (terminated or truncated).
    public private(set) var episodeEnded = false
    /// Whether `close` has been called.
    public private(set) var isClosed = false

    /// Wraps `environment`.
    public init(_ environment: any Environment) { self.environment = environment }

    private var name: String { "\(type(of: environment.unwrapped))" }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        if isClosed { throw GymError.usedAfterClose("\(name).reset was called after close: make a new environment") }
        // Gymnasium rejects negative seeds in every environment; here every made environment does.
        if let seed, seed < 0 { throw GymError.invalidSeed("seed \(seed) is negative: seeds are integers >= 0") }
        let info = try environment.reset(seed: seed, options: options, into: observation)
        hasReset = true
        episodeEnded = false
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        if isClosed { throw GymError.usedAfterClose("\(name).step was called after close: make a new environment") }
        if !hasReset { throw GymError.stepBeforeReset("\(name).step was called before reset: call reset(seed:options:) first") }
        if episodeEnded {
            throw GymError.stepAfterEpisodeEnd(
                "\(name).step was called after the episode ended (terminated or truncated): call reset(seed:options:) to start a new one")
        }
        let result = try environment.step(action, into: observation)
        if result.terminated || result.truncated { episodeEnded = true }
        return result
    }

    public func render() throws -> Frame? {
        if isClosed { throw GymError.usedAfterClose("\(name).render was called after close: make a new environment") }
        if !hasReset { throw GymError.stepBeforeReset("\(name).render was called before reset: call reset(seed:options:) first") }
        return try environment.render()
    }

    public func close() {
        if !isClosed { environment.close() }
        isClosed = true
    }
}
