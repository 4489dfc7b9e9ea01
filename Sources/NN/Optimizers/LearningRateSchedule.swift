/// A learning rate as a function of progress (CleanRL's annealing, baselines' linear decay). Rates are
/// computed in Double and rounded once to Float32, as baselines computes them.
public enum LearningRateSchedule: Sendable, Equatable {
    /// The same rate throughout.
    case constant(Double)
    /// From `initial` at step 0 linearly to `final` at `totalSteps` (and `final` after it):
    /// initial (1 - f) + final f with f = min(1, step / totalSteps); with final 0 that is baselines'
    /// lr x max(0, 1 - progress) exactly.
    case linear(initial: Double, final: Double, totalSteps: Int)

    /// The rate at `step`.
    public func rate(atStep step: Int) -> Float {
        switch self {
        case .constant(let rate): return Float(rate)
        case .linear(let initial, let final, let totalSteps):
            let fraction = min(1, Double(max(0, step)) / Double(max(1, totalSteps)))
            return Float(initial * (1 - fraction) + final * fraction)
        }
    }
}
