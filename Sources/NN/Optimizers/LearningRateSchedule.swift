/// A learning rate as a function of progress (CleanRL's annealing, baselines' linear decay).
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate throughout.
    case constant(Float)
    /// From `initial` at step 0 linearly to `final` at `totalSteps` (and `final` after it).
    case linear(initial: Float, final: Float, totalSteps: Int)

    /// The rate at `step`.
    public func rate(atStep step: Int) -> Float {
        switch self {
        case .constant(let rate): return rate
        case .linear(let initial, let final, let totalSteps):
            let fraction = min(1, Float(max(0, step)) / Float(max(1, totalSteps)))
            return initial + (final - initial) * fraction
        }
    }
}
