import Tensors

/// y = x Wᵀ + b with W [outputs, inputs] (PyTorch's nn.Linear, same default initialisation).
public final class Linear: Layer {
    /// [outputs, inputs].
    public let weight: Tensor
    /// [outputs], or nil without bias.
    public let bias: Tensor?

    /// A layer initialised as PyTorch does: U(-1/sqrt(inputs), 1/sqrt(inputs)).
    public init(_ inputs: Int, _ outputs: Int, bias: Bool = true, generator: inout RandomGenerator) {
        weight = Tensor.zeros([outputs, inputs]).requiringGradient()
        self.bias = bias ? Tensor.zeros([outputs]).requiringGradient() : nil
        Initialization.pytorchDefault(weight, fanIn: inputs, generator: &generator)
        if let bias = self.bias { Initialization.pytorchDefault(bias, fanIn: inputs, generator: &generator) }
    }

    /// A layer over existing tensors (for tying or loading).
    public init(weight: Tensor, bias: Tensor?) {
        self.weight = weight
        self.bias = bias
    }

    /// Maps [batch, inputs] to [batch, outputs].
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        try input.linear(weight: weight, bias: bias)
    }
}
