import Foundation

/// One recorded operation: its output, its inputs and how to turn the output's gradient into the
/// inputs' gradients.
final class TapeEntry {
    let output: Tensor
    let inputs: [Tensor]
    let backward: (Tensor) throws -> [Tensor?]

    init(output: Tensor, inputs: [Tensor], backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.output = output
        self.inputs = inputs
        self.backward = backward
    }
}

/// A Wengert list: operations recorded in execution order while `record` runs, differentiated in
/// reverse order (already topological) by `backward(from:seed:)`.
///
/// ```swift
/// let tape = GradientTape()
/// let loss = try tape.record { try (model(x) - y).square().mean() }
/// let gradients = try tape.backward(from: loss)
/// let gradientOfWeight = gradients[weight]
/// ```
///
/// Gradients are returned in a store, not written into tensors. Gradients with respect to
/// intermediate tensors are in the store too, and `backward` may be called again from any recorded
/// tensor with a seed gradient (ACER's trust region back-propagates a projected gradient from the
/// policy output). Only operations inside `record` are recorded, and only when an input requires
/// gradients; nothing is recorded elsewhere, so no tape grows outside recording. Each thread has its
/// own current tape.
public final class GradientTape {
    var entries: [TapeEntry] = []

    /// An empty tape.
    public init() {}

    /// The number of recorded operations.
    public var operationCount: Int { entries.count }

    /// Runs `body` with this tape recording the operations of the current thread.
    public func record<Result>(_ body: () throws -> Result) rethrows -> Result {
        let state = AutodiffThreadState.current
        state.tapes.append(self)
        defer { state.tapes.removeLast() }
        return try body()
    }

    /// Back-propagates from `output`, whose gradient is `seed` (default 1 for a one-element
    /// output; required otherwise, with `output`'s shape). Returns the gradient of every recorded
    /// tensor that `output` depends on, and of the parameters it uses.
    public func backward(from output: Tensor, seed: Tensor? = nil) throws -> Gradients {
        try backward(from: [(output, seed)])
    }

    /// Back-propagates from several outputs at once, each with its seed gradient (nil: 1 for a
    /// one-element output), and returns the summed gradients: the gradient of
    /// sum_i <seed_i, output_i>. ACER's trust region uses it to back-propagate the projected policy
    /// gradient from the policy output together with the Q loss in one pass.
    public func backward(from outputs: [(output: Tensor, seed: Tensor?)]) throws -> Gradients {
        var gradients = Gradients()
        var last = -1
        for (output, seed) in outputs {
            let start: Tensor
            if let seed {
                guard seed.shape == output.shape || (seed.count == output.count && seed.count == 1) else {
                    throw TensorError.gradient("backward: seed shape \(describe(seed.shape)) does not match output shape \(describe(output.shape))")
                }
                start = seed
            } else {
                guard output.count == 1 else {
                    throw TensorError.gradient("backward: output of shape \(describe(output.shape)) is not a scalar: pass a seed gradient of that shape")
                }
                start = Tensor.ones(output.shape)
            }
            gradients.accumulate(start, for: output)
            if let index = entries.lastIndex(where: { $0.output === output }) {
                last = Swift.max(last, index)
            } else if !output.requiresGradient {
                throw TensorError.gradient("backward: the output was not computed on this tape from tensors that require gradients (record the computation inside tape.record and mark parameters with requiringGradient())")
            }
        }
        guard last >= 0 else { return gradients }
        try withoutGradients {
            for index in stride(from: last, through: 0, by: -1) {
                let entry = entries[index]
                guard let outputGradient = gradients[entry.output] else { continue }
                let inputGradients = try entry.backward(outputGradient)
                for (input, gradient) in zip(entry.inputs, inputGradients) {
                    guard let gradient, input.requiresGradient else { continue }
                    gradients.accumulate(gradient, for: input)
                }
            }
        }
        return gradients
    }

    /// Forgets every recorded operation (and the tensors they keep alive).
    public func reset() { entries.removeAll(keepingCapacity: true) }

    /// The tape recording on this thread, or nil (none, or inside `withoutGradients`).
    static var current: GradientTape? {
        let state = AutodiffThreadState.current
        return state.disabledDepth == 0 ? state.tapes.last : nil
    }
}

/// Runs `body` without recording anything (for rollouts, targets and evaluation).
public func withoutGradients<Result>(_ body: () throws -> Result) rethrows -> Result {
    let state = AutodiffThreadState.current
    state.disabledDepth += 1
    defer { state.disabledDepth -= 1 }
    return try body()
}

/// Records an operation on the current tape when one is recording and an input requires gradients.
@inline(__always)
func record(_ output: Tensor, _ inputs: [Tensor], _ backward: @escaping (Tensor) throws -> [Tensor?]) {
    guard let tape = GradientTape.current, inputs.contains(where: { $0.requiresGradient }) else { return }
    output.requiresGradient = true
    tape.entries.append(TapeEntry(output: output, inputs: inputs, backward: backward))
}

/// Per-thread autodiff state: the stack of recording tapes and the no-gradient depth.
final class AutodiffThreadState {
    var tapes: [GradientTape] = []
    var disabledDepth = 0

    nonisolated(unsafe) private static var key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in
            if let pointer { Unmanaged<AutodiffThreadState>.fromOpaque(pointer).release() }
        }
        return key
    }()

    static var current: AutodiffThreadState {
        if let pointer = pthread_getspecific(key) {
            return Unmanaged<AutodiffThreadState>.fromOpaque(pointer).takeUnretainedValue()
        }
        let state = AutodiffThreadState()
        pthread_setspecific(key, Unmanaged.passRetained(state).toOpaque())
        return state
    }
}
