/// Clips continuous actions into the wrapped Box action space, so any real vector is accepted
/// (Gymnasium's `ClipAction`). NaN is still rejected.
public final class ClipAction: Wrapper {
    public let environment: any Environment
    private let box: Box
    private var scratch: [Float]

    /// Wraps an environment whose action space is a Float32 Box.
    public init(_ environment: any Environment) throws {
        guard case .box(let box) = environment.actionSpace, box.dtype == .float32 else {
            throw GymError.invalidArgument("ClipAction needs a Float32 Box action space, got \(environment.actionSpace)")
        }
        self.environment = environment
        self.box = box
        scratch = Array(repeating: 0, count: box.count)
    }

    /// Any finite vector of the right length.
    public var actionSpace: Space { .box(Box(low: -.infinity, high: .infinity, shape: box.shape)) }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        try actionSpace.validate(action: action)
        guard case .continuous(let values) = action else { preconditionFailure("validated as continuous") }
        for index in 0..<values.count { scratch[index] = min(max(values[index], box.low[index]), box.high[index]) }
        return try environment.step(.continuous(scratch), into: observation)
    }
}
