import Tensors

/// 2-D convolution over NCHW batches (PyTorch's nn.Conv2d with square kernels, same default initialisation).
public final class Conv2d: Layer {
    /// [outputs, inputs, kernel, kernel].
    public let weight: Tensor
    /// [outputs], or nil.
    public let bias: Tensor?
    /// Step between windows.
    public let stride: Int
    /// Zero padding on each side.
    public let padding: Int

    /// A convolution initialised as PyTorch does (bound 1/sqrt(inputs kernel^2)).
    public init(
        _ inputs: Int, _ outputs: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, bias: Bool = true,
        generator: inout RandomGenerator
    ) {
        weight = Tensor.zeros([outputs, inputs, kernelSize, kernelSize]).requiringGradient()
        self.bias = bias ? Tensor.zeros([outputs]).requiringGradient() : nil
        self.stride = stride
        self.padding = padding
        let fanIn = inputs * kernelSize * kernelSize
        Initialization.pytorchDefault(weight, fanIn: fanIn, generator: &generator)
        if let bias = self.bias { Initialization.pytorchDefault(bias, fanIn: fanIn, generator: &generator) }
    }

    /// Maps [N, inputs, H, W] to [N, outputs, Ho, Wo].
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try callAsFunction(input, activation: .identity) }

    /// Maps [N, inputs, H, W] to [N, outputs, Ho, Wo], then `activation` (fused into the same pass).
    public func callAsFunction(_ input: Tensor, activation: ConvolutionActivation) throws -> Tensor {
        try input.conv2d(weight: weight, bias: bias, stride: stride, padding: padding, activation: activation)
    }
}
