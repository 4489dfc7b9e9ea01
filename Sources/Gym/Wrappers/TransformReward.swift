/// Applies a function to every reward (Gymnasium's `TransformReward`), e.g. clipping.
public final class TransformReward: Wrapper {
    public let environment: any Environment
    private let transform: (Double) -> Double

    /// Wraps `environment`, replacing each reward r with `transform(r)`.
    public init(_ environment: any Environment, transform: @escaping (Double) -> Double) {
        self.environment = environment
        self.transform = transform
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        var result = try environment.step(action, into: observation)
        result.reward = transform(result.reward)
        return result
    }
}
