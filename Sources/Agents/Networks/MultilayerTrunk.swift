import NN
import Tensors

/// A fully connected trunk for vector observations: Linear layers through `hiddenSizes`, each
/// followed by the activation (baselines' "mlp" network: 2 x 64 tanh), orthogonal initialisation
/// with the activation's gain, biases zero. Input [N, ...] is flattened.
public final class MultilayerTrunk: Layer {
    /// The layers.
    public let layers: [Linear]
    /// The activation after every layer.
    public let activation: Activation
    /// The feature size (the last hidden size, or the input size with no hidden layers).
    public let outputSize: Int

    /// A trunk from `inputSize` features through `hiddenSizes`.
    public init(inputSize: Int, hiddenSizes: [Int], activation: Activation, generator: inout RandomGenerator) {
        var sizes = [inputSize]
        sizes.append(contentsOf: hiddenSizes)
        layers = (0..<hiddenSizes.count).map { Linear(sizes[$0], sizes[$0 + 1], generator: &generator) }
        for layer in layers {
            Initialization.orthogonal(layer.weight, gain: activation.gain, generator: &generator)
            if let bias = layer.bias { Initialization.constant(bias, 0) }
        }
        self.activation = activation
        outputSize = sizes.last!
    }

    /// Maps [N, ...] to [N, outputSize].
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input.rank == 2 ? input : try input.flattened()
        for layer in layers { x = activation(try layer(x)) }
        return x
    }
}
