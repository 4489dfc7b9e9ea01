/// Normalises Float32 observations to (obs - mean) / sqrt(var + epsilon) with running statistics
/// (Gymnasium's `NormalizeObservation`; statistics start at count 1e-4).
public final class NormalizeObservation: Wrapper {
    public let environment: any Environment
    /// Added to the variance before the square root (Gymnasium: 1e-8).
    public let epsilon: Double
    /// Whether new observations update the statistics (turn off for evaluation).
    public var updatesStatistics = true
    /// The running statistics; settable to restore them from a checkpoint.
    public var statistics: RunningMeanStatistics

    /// Wraps an environment whose observation space is a Float32 Box.
    public init(_ environment: any Environment, epsilon: Double = 1e-8) throws {
        guard case .box(let box) = environment.observationSpace, box.dtype == .float32 else {
            throw GymError.invalidArgument(
                "NormalizeObservation needs a Float32 Box observation space, got \(environment.observationSpace)")
        }
        self.environment = environment
        self.epsilon = epsilon
        statistics = RunningMeanStatistics(size: box.count)
    }

    /// Normalised observations are unbounded.
    public var observationSpace: Space {
        .box(Box(low: -.infinity, high: .infinity, shape: environment.observationSpace.shape))
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: observation)
        normalize(observation)
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: observation)
        normalize(observation)
        return result
    }

    private func normalize(_ observation: ObservationBuffer) {
        let values = observation.floats
        if updatesStatistics { statistics.update(UnsafeBufferPointer(values)) }
        for index in 0..<values.count {
            values[index] = Float((Double(values[index]) - statistics.mean[index]) / (statistics.variance[index] + epsilon).squareRoot())
        }
    }
}
