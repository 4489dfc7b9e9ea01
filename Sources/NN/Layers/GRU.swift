import Tensors

/// A one-layer GRU with explicit state (PyTorch's nn.GRU gate order r, z, n and initialisation).
public final class GRU: Module {
    /// [3 hidden, inputs] (PyTorch: weight_ih_l0).
    public let inputWeight: Tensor
    /// [3 hidden, hidden] (weight_hh_l0).
    public let hiddenWeight: Tensor
    /// [3 hidden] (bias_ih_l0).
    public let inputBias: Tensor
    /// [3 hidden] (bias_hh_l0).
    public let hiddenBias: Tensor
    /// The hidden size.
    public let hiddenSize: Int

    /// A GRU initialised as PyTorch does: U(-1/sqrt(hidden), 1/sqrt(hidden)).
    public init(inputSize: Int, hiddenSize: Int, generator: inout RandomGenerator) {
        self.hiddenSize = hiddenSize
        inputWeight = Tensor.zeros([3 * hiddenSize, inputSize]).requiringGradient()
        hiddenWeight = Tensor.zeros([3 * hiddenSize, hiddenSize]).requiringGradient()
        inputBias = Tensor.zeros([3 * hiddenSize]).requiringGradient()
        hiddenBias = Tensor.zeros([3 * hiddenSize]).requiringGradient()
        for tensor in [inputWeight, hiddenWeight, inputBias, hiddenBias] {
            Initialization.uniform(tensor, bound: 1 / Float(hiddenSize).squareRoot(), generator: &generator)
        }
    }

    /// One step: input [B, inputs], hidden [B, hidden] -> new hidden [B, hidden].
    public func step(_ input: Tensor, hidden: Tensor) throws -> Tensor {
        let fromInput = try input.linear(weight: inputWeight, bias: inputBias).chunked(3, axis: 1)
        let fromHidden = try hidden.linear(weight: hiddenWeight, bias: hiddenBias).chunked(3, axis: 1)
        let reset = try (fromInput[0] + fromHidden[0]).sigmoid()
        let update = try (fromInput[1] + fromHidden[1]).sigmoid()
        let candidate = try (fromInput[2] + reset * fromHidden[2]).tanh()
        return try (1 - update) * candidate + update * hidden
    }

    /// Runs a sequence [T, B, inputs] from `hidden`; `resetMask` [T, B] zeroes the state of entries
    /// whose episode ended before step t. Returns outputs [T, B, hidden] and the final hidden state.
    public func callAsFunction(_ sequence: Tensor, hidden: Tensor, resetMask: Tensor? = nil) throws -> (output: Tensor, hidden: Tensor) {
        guard sequence.rank == 3 else {
            throw TensorError.shapeMismatch("GRU: sequence must be [T, B, inputs], got \(sequence.shape)")
        }
        var current = hidden
        var outputs: [Tensor] = []
        for time in 0..<sequence.shape[0] {
            if let resetMask {
                current = try current * (1 - resetMask.slice(axis: 0, start: time, length: 1)).reshaped([sequence.shape[1], 1])
            }
            current = try step(try sequence.slice(axis: 0, start: time, length: 1).squeezingDimension(at: 0), hidden: current)
            outputs.append(try current.expandingDimension(at: 0))
        }
        return (try Tensor.concatenate(outputs, axis: 0), current)
    }
}
