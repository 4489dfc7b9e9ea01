import Tensors

/// 2-D transposed convolution (PyTorch's nn.ConvTranspose2d with square kernels, same default initialisation).
public final class ConvTranspose2d: Layer {
    /// [inputs, outputs, kernel, kernel].
    public let weight: Tensor
    /// [outputs], or nil.
    public let bias: Tensor?
    /// Upsampling step.
    public let stride: Int
    /// Implicit padding removed from each side.
    public let padding: Int
    /// Extra rows and columns added on one side of the output.
    public let outputPadding: Int

    /// A transposed convolution initialised as PyTorch does (its fan-in is outputs kernel^2).
    public init(
        _ inputs: Int, _ outputs: Int, kernelSize: Int, stride: Int = 1, padding: Int = 0, outputPadding: Int = 0,
        bias: Bool = true, generator: inout RandomGenerator
    ) {
        weight = Tensor.zeros([inputs, outputs, kernelSize, kernelSize]).requiringGradient()
        self.bias = bias ? Tensor.zeros([outputs]).requiringGradient() : nil
        self.stride = stride
        self.padding = padding
        self.outputPadding = outputPadding
        let fanIn = outputs * kernelSize * kernelSize
        Initialization.pytorchDefault(weight, fanIn: fanIn, generator: &generator)
        if let bias = self.bias { Initialization.pytorchDefault(bias, fanIn: fanIn, generator: &generator) }
    }

    /// Maps [N, inputs, H, W] to [N, outputs, Ho, Wo].
    public func callAsFunction(_ input: Tensor) throws -> Tensor { try callAsFunction(input, activation: .identity) }

    /// Maps [N, inputs, H, W] to [N, outputs, Ho, Wo], then `activation` (fused into the same pass).
    public func callAsFunction(_ input: Tensor, activation: ConvolutionActivation) throws -> Tensor {
        try input.convTranspose2d(
            weight: weight, bias: bias, stride: stride, padding: padding, outputPadding: outputPadding, activation: activation)
    }
}
