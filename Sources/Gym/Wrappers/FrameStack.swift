import Foundation

/// Stacks the last `count` observations along the first axis (SAC-AE's channel-concatenating
/// frame stack: three 3x84x84 frames give 9x84x84). After `reset` every slot holds the first
/// observation (Gymnasium's padding "reset").
public final class FrameStack: Wrapper {
    public let environment: any Environment
    /// How many observations are stacked.
    public let count: Int
    public let observationSpace: Space
    /// The latest frame from the wrapped environment.
    private let newest: ObservationBuffer
    /// The stacked frames, kept here so that callers may pass a different buffer every step.
    private let stack: ObservationBuffer
    private let frameSize: Int
    private let isBytes: Bool

    /// Wraps an environment with a Box observation space of any dtype.
    public init(_ environment: any Environment, count: Int = 3) throws {
        guard case .box(let box) = environment.observationSpace, !box.shape.isEmpty else {
            throw GymError.invalidArgument(
                "FrameStack needs a Box observation space with at least one axis, got \(environment.observationSpace)")
        }
        guard count >= 1 else { throw GymError.invalidArgument("FrameStack needs count >= 1, got \(count)") }
        self.environment = environment
        self.count = count
        var shape = box.shape
        shape[0] *= count
        let low = Array([[Float]](repeating: box.low, count: count).joined())
        let high = Array([[Float]](repeating: box.high, count: count).joined())
        observationSpace = .box(Box(low: low, high: high, shape: shape, dtype: box.dtype))
        newest = ObservationBuffer(space: environment.observationSpace)
        stack = ObservationBuffer(space: observationSpace)
        frameSize = box.count
        isBytes = box.dtype == .uint8
    }

    public func reset(seed: Int?, options: Options, into observation: ObservationBuffer) throws -> Info {
        let info = try environment.reset(seed: seed, options: options, into: newest)
        for slot in 0..<count { copyNewest(toSlot: slot) }
        observation.copy(from: stack)
        return info
    }

    public func step(_ action: Action, into observation: ObservationBuffer) throws -> StepResult {
        let result = try environment.step(action, into: newest)
        // Shift the older frames forward by one slot (overlapping regions: memmove), then append the newest.
        let elementSize = isBytes ? 1 : MemoryLayout<Float>.stride
        let base = isBytes ? UnsafeMutableRawPointer(stack.bytes.baseAddress!) : UnsafeMutableRawPointer(stack.floats.baseAddress!)
        memmove(base, base + frameSize * elementSize, (count - 1) * frameSize * elementSize)
        copyNewest(toSlot: count - 1)
        observation.copy(from: stack)
        return result
    }

    /// Copies the newest frame into slot `slot` of the stack.
    private func copyNewest(toSlot slot: Int) {
        if isBytes {
            (stack.bytes.baseAddress! + slot * frameSize).update(from: newest.bytes.baseAddress!, count: frameSize)
        } else {
            (stack.floats.baseAddress! + slot * frameSize).update(from: newest.floats.baseAddress!, count: frameSize)
        }
    }
}
