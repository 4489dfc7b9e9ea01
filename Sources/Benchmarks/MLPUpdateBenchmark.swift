import NN
import Tensors

/// One training step of a small MLP (forward, MSE loss, backward, Adam), the workload of
/// ../shared/peers/mlp_update_torch.py: PPO- and ACER-sized networks on vector observations.
public final class MLPUpdateBenchmark {
    /// A network shape of the peer script.
    public struct Configuration: Sendable {
        /// The peer's label, e.g. "2x64 tanh".
        public let name: String
        /// Layer sizes, input first.
        public let sizes: [Int]
        /// The hidden activation.
        public let activation: Activation

        /// The two shapes the peer measures: 2x64 tanh (8 -> 4) and 3x256 ELU (24 -> 4).
        public static let peerConfigurations = [
            Configuration(name: "2x64 tanh", sizes: [8, 64, 64, 4], activation: .tanh),
            Configuration(name: "3x256 elu", sizes: [24, 256, 256, 256, 4], activation: .elu),
        ]
    }

    /// The network.
    public let model: Sequential
    /// Its optimizer.
    public let optimizer: Adam
    private let inputs: Tensor
    private let targets: Tensor

    /// A benchmark for `configuration` at `batch`.
    public init(_ configuration: Configuration, batch: Int, seed: UInt64 = 0) {
        var generator = RandomGenerator(seed: seed)
        model = Sequential.multilayerPerceptron(configuration.sizes, activation: configuration.activation, generator: &generator)
        optimizer = Adam(parameters: model.namedParameters(), learningRate: 3e-4)
        inputs = Tensor.normal([batch, configuration.sizes[0]], generator: &generator)
        targets = Tensor.normal([batch, configuration.sizes.last!], generator: &generator)
    }

    /// One update; returns the loss before it.
    @discardableResult
    public func step() throws -> Float {
        let tape = GradientTape()
        let loss = try tape.record { try Loss.meanSquaredError(model(inputs), targets) }
        try optimizer.step(try tape.backward(from: loss))
        return loss.item
    }
}
