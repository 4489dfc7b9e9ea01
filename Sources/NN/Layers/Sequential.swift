import Tensors

/// Layers applied in order, with an activation after each (except, optionally, the last).
public final class Sequential: Layer {
    /// The layers, named `layers.0`, `layers.1`, ...
    public let layers: [any Layer]
    /// The activation after each hidden layer.
    public let activation: Activation
    /// The activation after the last layer.
    public let outputActivation: Activation

    /// Layers with `activation` between them and `outputActivation` at the end.
    public init(_ layers: [any Layer], activation: Activation = .identity, outputActivation: Activation = .identity) {
        self.layers = layers
        self.activation = activation
        self.outputActivation = outputActivation
    }

    /// A multi-layer perceptron: Linear layers through `sizes` (e.g. [8, 64, 64, 4]).
    public static func multilayerPerceptron(
        _ sizes: [Int], activation: Activation, outputActivation: Activation = .identity,
        generator: inout RandomGenerator
    ) -> Sequential {
        precondition(sizes.count >= 2, "an MLP needs at least input and output sizes, got \(sizes)")
        let layers: [any Layer] = (0..<(sizes.count - 1)).map { Linear(sizes[$0], sizes[$0 + 1], generator: &generator) }
        return Sequential(layers, activation: activation, outputActivation: outputActivation)
    }

    /// Applies every layer.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input
        for (index, layer) in layers.enumerated() {
            x = try layer(x)
            x = index == layers.count - 1 ? outputActivation(x) : activation(x)
        }
        return x
    }
}
