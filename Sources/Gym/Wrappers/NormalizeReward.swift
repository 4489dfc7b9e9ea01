/// Scales rewards so that their discounted return has roughly unit variance (Gymnasium's
/// `NormalizeReward`): a running discounted return is tracked and rewards are divided by its
/// standard deviation.
public final class NormalizeReward: Wrapper {
    public let environment: any Environment
    /// The discount of the tracked return (Gymnasium: 0.99).
    public let gamma: Double
    /// Added to the variance before the square root (Gymnasium: 1e-8).
    public let epsilon: Double
    /// Whether new rewards update the statistics.
    public var updatesStatistics = true
    /// The running statistics of the discounted return.
    public var statistics = RunningMeanStatistics(size: 1)

    private var discountedReturn = 0.0

    /// Wraps `environment`.
    public init(_ environment: any Environment, gamma: Double = 0.99, epsilon: Double = 1e-8) {
        self.environment = environment
        self.gamma = gamma
        self.epsilon = epsilon
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        var result = try environment.step(action, into: observation)
        discountedReturn = discountedReturn * gamma * (result.terminated ? 0 : 1) + result.reward
        if updatesStatistics { statistics.update(discountedReturn) }
        result.reward /= (statistics.variance[0] + epsilon).squareRoot()
        return result
    }
}
