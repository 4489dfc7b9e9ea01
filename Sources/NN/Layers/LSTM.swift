import Tensors

/// A one-layer LSTM with explicit state (PyTorch's nn.LSTM gate order i, f, g, o and initialisation).
///
/// `step` advances one time step for a batch; `callAsFunction(_:state:resetMask:)` runs a sequence
/// [T, B, inputs] and zeroes the state of batch entries whose episode ended before a step.
public final class LSTM: Module {
    /// [4 hidden, inputs] (PyTorch: weight_ih_l0).
    public let inputWeight: Tensor
    /// [4 hidden, hidden] (weight_hh_l0).
    public let hiddenWeight: Tensor
    /// [4 hidden] (bias_ih_l0).
    public let inputBias: Tensor
    /// [4 hidden] (bias_hh_l0).
    public let hiddenBias: Tensor
    /// The hidden size.
    public let hiddenSize: Int

    /// The recurrent state: hidden h and cell c, each [B, hidden].
    public struct State {
        public var hidden: Tensor
        public var cell: Tensor
        /// A state of the given tensors.
        public init(hidden: Tensor, cell: Tensor) { self.hidden = hidden; self.cell = cell }
        /// Zeros for a batch.
        public static func zeros(batch: Int, hiddenSize: Int) -> State {
            State(hidden: .zeros([batch, hiddenSize]), cell: .zeros([batch, hiddenSize]))
        }
    }

    /// An LSTM initialised as PyTorch does: U(-1/sqrt(hidden), 1/sqrt(hidden)).
    public init(inputSize: Int, hiddenSize: Int, generator: inout RandomGenerator) {
        self.hiddenSize = hiddenSize
        inputWeight = Tensor.zeros([4 * hiddenSize, inputSize]).requiringGradient()
        hiddenWeight = Tensor.zeros([4 * hiddenSize, hiddenSize]).requiringGradient()
        inputBias = Tensor.zeros([4 * hiddenSize]).requiringGradient()
        hiddenBias = Tensor.zeros([4 * hiddenSize]).requiringGradient()
        for tensor in [inputWeight, hiddenWeight, inputBias, hiddenBias] {
            Initialization.uniform(tensor, bound: 1 / Float(hiddenSize).squareRoot(), generator: &generator)
        }
    }

    /// One step: input [B, inputs] and the state -> the new state (its hidden part is the output).
    public func step(_ input: Tensor, state: State) throws -> State {
        let gates = try input.linear(weight: inputWeight, bias: inputBias) + state.hidden.linear(weight: hiddenWeight, bias: hiddenBias)
        let parts = try gates.chunked(4, axis: 1)
        let inputGate = parts[0].sigmoid(), forgetGate = parts[1].sigmoid()
        let candidate = parts[2].tanh(), outputGate = parts[3].sigmoid()
        let cell = try forgetGate * state.cell + inputGate * candidate
        let hidden = try outputGate * cell.tanh()
        return State(hidden: hidden, cell: cell)
    }

    /// Runs a sequence [T, B, inputs] from `state`; `resetMask` [T, B] (1 where the episode ended
    /// before step t) zeroes the state of those entries first. Returns outputs [T, B, hidden] and the final state.
    public func callAsFunction(_ sequence: Tensor, state: State, resetMask: Tensor? = nil) throws -> (output: Tensor, state: State) {
        guard sequence.rank == 3 else {
            throw TensorError.shapeMismatch("LSTM: sequence must be [T, B, inputs], got \(sequence.shape)")
        }
        var current = state
        var outputs: [Tensor] = []
        for time in 0..<sequence.shape[0] {
            if let resetMask {
                let keep = try (1 - resetMask.slice(axis: 0, start: time, length: 1)).reshaped([sequence.shape[1], 1])
                current = State(hidden: try current.hidden * keep, cell: try current.cell * keep)
            }
            current = try step(try sequence.slice(axis: 0, start: time, length: 1).squeezingDimension(at: 0), state: current)
            outputs.append(try current.hidden.expandingDimension(at: 0))
        }
        return (try Tensor.concatenate(outputs, axis: 0), current)
    }
}
