import Tensors

/// Layer normalisation over the last axis: (x - mean) / sqrt(var + eps) * weight + bias (PyTorch's nn.LayerNorm).
public final class LayerNorm: Layer {
    /// Scale, [features], initialised to ones.
    public let weight: Tensor
    /// Shift, [features], initialised to zeros.
    public let bias: Tensor
    /// Added to the variance (PyTorch: 1e-5).
    public let epsilon: Float

    /// A layer norm over `features` values.
    public init(_ features: Int, epsilon: Float = 1e-5) {
        weight = Tensor.ones([features]).requiringGradient()
        bias = Tensor.zeros([features]).requiringGradient()
        self.epsilon = epsilon
    }

    /// Normalises each row of the last axis.
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        let mean = try input.mean(axis: -1, keepingDimension: true)
        let centred = try input - mean
        let variance = try centred.square().mean(axis: -1, keepingDimension: true)
        let normalized = try centred / (variance + epsilon).squareRoot()
        return try normalized * weight + bias
    }
}
