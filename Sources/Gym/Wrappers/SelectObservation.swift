/// Keeps chosen values of a flat Float32 Box observation (for partially observed variants, e.g.
/// CartPole without its velocities).
public final class SelectObservation: Wrapper {
    public let environment: any Environment
    public let observationSpace: Space
    /// The kept positions of the wrapped observation, in order.
    public let indices: [Int]
    private let inner: ObservationBuffer

    /// Wraps `environment`, whose observation must be a Float32 Box, keeping `indices`.
    public init(_ environment: any Environment, keeping indices: [Int]) throws {
        guard case .box(let box) = environment.observationSpace, box.dtype == .float32 else {
            throw GymError.invalidArgument("SelectObservation needs a Float32 Box observation, got \(environment.observationSpace)")
        }
        guard !indices.isEmpty, indices.allSatisfy({ $0 >= 0 && $0 < box.count }) else {
            throw GymError.invalidArgument("SelectObservation indices \(indices) must lie in 0..<\(box.count)")
        }
        self.environment = environment
        self.indices = indices
        observationSpace = .box(Box(low: indices.map { box.low[$0] }, high: indices.map { box.high[$0] }))
        inner = ObservationBuffer(space: environment.observationSpace)
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: inner)
        copy(into: observation)
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: inner)
        copy(into: observation)
        return result
    }

    private func copy(into observation: ObservationBuffer) {
        for (position, index) in indices.enumerated() { observation.floats[position] = inner.floats[index] }
    }
}
