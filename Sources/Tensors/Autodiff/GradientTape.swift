import Foundation

/// One recorded operation: its output, its inputs and how to turn the output's gradient into the
/// inputs' gradients.
final class TapeEntry {
    let output: Tensor
    let inputs: [Tensor]
    let backward: (Tensor) throws -> [Tensor?]
    /// Where the operation was recorded (its source file and line), for anomaly reports.
    let file: StaticString, line: UInt

    init(output: Tensor, inputs: [Tensor], file: StaticString, line: UInt, backward: @escaping (Tensor) throws -> [Tensor?]) {
        self.output = output
        self.inputs = inputs
        self.file = file
        self.line = line
        self.backward = backward
    }
}

/// Anomaly detection (as PyTorch's `detect_anomaly`): with SWIFTRL_DETECT_ANOMALY=1 every recorded
/// operation whose finite inputs give a NaN or infinite output, and every backward step whose finite
/// gradient gives a non-finite input gradient, throws an error naming the operation's source line.
/// Optimizers (Adam, RMSProp, SGD) report a step that makes a parameter non-finite from a finite gradient. Slow (it scans
/// every tensor); for finding where a NaN starts.
public enum AnomalyDetection {
    /// Whether SWIFTRL_DETECT_ANOMALY=1 turned the checks on for the whole process.
    static let isEnabledByEnvironment = ProcessInfo.processInfo.environment["SWIFTRL_DETECT_ANOMALY"] == "1"

    /// Whether the checks run on this thread.
    public static var isEnabled: Bool { isEnabledByEnvironment || AutodiffThreadState.current.detectsAnomalies }

    /// Runs `body` with the checks on for this thread.
    public static func detecting<Result>(_ body: () throws -> Result) rethrows -> Result {
        let state = AutodiffThreadState.current
        let previous = state.detectsAnomalies
        state.detectsAnomalies = true
        defer { state.detectsAnomalies = previous }
        return try body()
    }

    /// Throws when an optimizer step made `parameter` (named `name`) non-finite from a finite `gradient`.
    public static func checkStep(of name: String, parameter: Tensor, gradient: Tensor) throws {
        if isFinite(gradient) && !isFinite(parameter) {
            throw TensorError.gradient("anomaly: the optimizer step made \(name) non-finite from a finite gradient")
        }
    }

    /// Whether every value of `tensor` is finite.
    public static func isFinite(_ tensor: Tensor) -> Bool {
        let values = UnsafePointer(tensor.pointer)
        for index in 0..<tensor.count where !values[index].isFinite { return false }
        return true
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
                    throw TensorError.gradient(
                        "backward: seed shape \(describe(seed.shape)) does not match output shape \(describe(output.shape))")
                }
                start = seed
            } else {
                guard output.count == 1 else {
                    throw TensorError.gradient(
                        "backward: output of shape \(describe(output.shape)) is not a scalar: pass a seed gradient of that shape")
                }
                start = Tensor.ones(output.shape)
            }
            gradients.accumulate(start, for: output)
            if let index = entries.lastIndex(where: { $0.output === output }) {
                last = Swift.max(last, index)
            } else if !output.requiresGradient {
                throw TensorError.gradient(
                    "backward: the output was not computed on this tape from tensors that require gradients (record the computation inside tape.record and mark parameters with requiringGradient())"
                )
            }
        }
        guard last >= 0 else { return gradients }
        let detectsAnomalies = AnomalyDetection.isEnabled
        try withoutGradients {
            for index in stride(from: last, through: 0, by: -1) {
                let entry = entries[index]
                guard let outputGradient = gradients[entry.output] else { continue }
                let inputGradients = try entry.backward(outputGradient)
                if detectsAnomalies && AnomalyDetection.isFinite(outputGradient) {
                    for (position, gradient) in inputGradients.enumerated() {
                        guard let gradient, !AnomalyDetection.isFinite(gradient) else { continue }
                        let finiteInputs = entry.inputs.map { AnomalyDetection.isFinite($0) }
                        throw TensorError.gradient(
                            "anomaly: the backward of the operation at \(entry.file):\(entry.line) turned a finite gradient into a non-finite one (input \(position) of \(entry.inputs.count); inputs finite now: \(finiteInputs))"
                        )
                    }
                }
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
func record(
    _ output: Tensor, _ inputs: [Tensor], file: StaticString = #fileID, line: UInt = #line,
    _ backward: @escaping (Tensor) throws -> [Tensor?]
) {
    let state = AutodiffThreadState.current
    guard state.disabledDepth == 0, let tape = state.tapes.last, inputs.contains(where: { $0.requiresGradient }) else { return }
    output.requiresGradient = true
    if (AnomalyDetection.isEnabledByEnvironment || state.detectsAnomalies) && !AnomalyDetection.isFinite(output) {
        print(
            "anomaly: the operation at \(file):\(line) made a non-finite output (inputs finite: \(inputs.map(AnomalyDetection.isFinite)))")
    }
    tape.entries.append(TapeEntry(output: output, inputs: inputs, file: file, line: line, backward: backward))
}

/// Per-thread autodiff state: the stack of recording tapes and the no-gradient depth.
final class AutodiffThreadState {
    var tapes: [GradientTape] = []
    var disabledDepth = 0
    var detectsAnomalies = false

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
