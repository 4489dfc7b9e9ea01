/// Stacks the last `count` observations along the first axis (SAC-AE's channel-concatenating
/// frame stack: three 3x84x84 frames give 9x84x84). After `reset` every slot holds the first
/// observation (Gymnasium's padding "reset").
public final class FrameStack: Wrapper {
    public let environment: any Environment
    /// How many observations are stacked.
    public let count: Int
    public let observationSpace: Space
    private let inner: ObservationBuffer
    private let frameSize: Int
    private let isBytes: Bool

    /// Wraps an environment with a Box observation space of any dtype.
    public init(_ environment: any Environment, count: Int = 3) throws {
        guard case .box(let box) = environment.observationSpace, !box.shape.isEmpty else {
            throw GymError.invalidArgument("FrameStack needs a Box observation space with at least one axis, got \(environment.observationSpace)")
        }
        guard count >= 1 else { throw GymError.invalidArgument("FrameStack needs count >= 1, got \(count)") }
        self.environment = environment
        self.count = count
        var shape = box.shape
        shape[0] *= count
        let low = Array([[Float]](repeating: box.low, count: count).joined())
        let high = Array([[Float]](repeating: box.high, count: count).joined())
        observationSpace = .box(Box(low: low, high: high, shape: shape, dtype: box.dtype))
        inner = ObservationBuffer(space: environment.observationSpace)
        frameSize = box.count
        isBytes = box.dtype == .uint8
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: inner)
        for slot in 0..<count { copyNewest(into: observation, slot: slot) }
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: inner)
        // Shift the older frames forward by one slot, then append the newest.
        if isBytes {
            let base = observation.bytes.baseAddress!
            base.update(from: base + frameSize, count: (count - 1) * frameSize)
        } else {
            let base = observation.floats.baseAddress!
            base.update(from: base + frameSize, count: (count - 1) * frameSize)
        }
        copyNewest(into: observation, slot: count - 1)
        return result
    }

    private func copyNewest(into observation: ObservationBuffer, slot: Int) {
        if isBytes {
            (observation.bytes.baseAddress! + slot * frameSize).update(from: inner.bytes.baseAddress!, count: frameSize)
        } else {
            (observation.floats.baseAddress! + slot * frameSize).update(from: inner.floats.baseAddress!, count: frameSize)
        }
    }
}
