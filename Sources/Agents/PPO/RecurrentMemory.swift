import NN
import Tensors

/// rsl_rl's `Memory` for the recurrent actor-critic: separate one-layer LSTMs for the actor and the
/// critic (v1 fed the actor's hidden state to the critic: a bug not copied), whose hidden outputs feed
/// the MLP heads. States are reset to zero when an episode ends.
public final class RecurrentMemory: Module {
    /// The actor's memory.
    public let actorMemory: LSTM
    /// The critic's memory.
    public let criticMemory: LSTM

    /// Memories from `inputSize` observations to `hiddenSize` features.
    public init(inputSize: Int, hiddenSize: Int, generator: inout RandomGenerator) {
        actorMemory = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
        criticMemory = LSTM(inputSize: inputSize, hiddenSize: hiddenSize, generator: &generator)
    }

    /// The hidden size.
    public var hiddenSize: Int { actorMemory.hiddenSize }
}

/// Row selection with gradients: rows `rows` of a [R, width] tensor (or [R]).
func selectRows(_ tensor: Tensor, _ rows: [Int]) throws -> Tensor {
    if tensor.rank == 1 { return try tensor.gather(axis: 0, indices: rows, indexShape: [rows.count]) }
    let width = tensor.shape[1]
    var indices = [Int]()
    indices.reserveCapacity(rows.count * width)
    for row in rows { for _ in 0..<width { indices.append(row) } }
    return try tensor.gather(axis: 0, indices: indices, indexShape: [rows.count, width])
}
