/// Applies a function to every observation in place (Gymnasium's `TransformObservation`).
public final class TransformObservation: Wrapper {
    public let environment: any Environment
    /// The space of transformed observations.
    public let observationSpace: Space
    private let transform: (ObservationBuffer) -> Void

    /// Wraps `environment`; `transform` rewrites each observation in place and `observationSpace`
    /// (default: unchanged) describes the result.
    public init(
        _ environment: any Environment, observationSpace: Space? = nil,
        transform: @escaping (ObservationBuffer) -> Void
    ) {
        self.environment = environment
        self.observationSpace = observationSpace ?? environment.observationSpace
        self.transform = transform
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: observation)
        transform(observation)
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: observation)
        transform(observation)
        return result
    }
}
