/// Maps actions from [minAction, maxAction] linearly onto the wrapped Box action space
/// (Gymnasium's `RescaleAction`), e.g. to let a policy act in [-1, 1].
public final class RescaleAction: Wrapper {
    public let environment: any Environment
    /// The new lower bound of every coordinate.
    public let minAction: Float
    /// The new upper bound of every coordinate.
    public let maxAction: Float
    private let box: Box
    private var scratch: [Float]

    /// Wraps an environment with a bounded Float32 Box action space.
    public init(_ environment: any Environment, minAction: Float = -1, maxAction: Float = 1) throws {
        guard case .box(let box) = environment.actionSpace, box.dtype == .float32, box.isBounded else {
            throw GymError.invalidArgument("RescaleAction needs a bounded Float32 Box action space, got \(environment.actionSpace)")
        }
        guard minAction < maxAction else {
            throw GymError.invalidArgument("RescaleAction needs minAction < maxAction, got \(minAction) and \(maxAction)")
        }
        self.environment = environment
        self.minAction = minAction
        self.maxAction = maxAction
        self.box = box
        scratch = Array(repeating: 0, count: box.count)
    }

    public var actionSpace: Space { .box(Box(low: minAction, high: maxAction, shape: box.shape)) }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard case .continuous(let values) = action else { preconditionFailure("validated as continuous") }
        for index in 0..<values.count {
            let fraction = (values[index] - minAction) / (maxAction - minAction)
            let mapped = box.low[index] + fraction * (box.high[index] - box.low[index])
            scratch[index] = min(max(mapped, box.low[index]), box.high[index])
        }
        return try environment.step(.continuous(scratch), into: observation)
    }
}
