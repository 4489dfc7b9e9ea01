import Random
import Tensors

/// SAC-AE's convolution layers one at a time (batch 128 of 9x84x84 by default), forward and
/// backward, for measuring the convolution kernels against each other and against the sgemm rate.
public struct ConvolutionBenchmark {
    /// One layer: a convolution or a transposed convolution and its input shape.
    public struct Layer: Sendable {
        /// A label, e.g. "conv 32->32 3x3 s1 @41".
        public let name: String
        /// Whether the layer is a transposed convolution.
        public let transposed: Bool
        /// Input channels, output channels, input height (= width), kernel size, stride, output padding.
        public let inputs: Int, outputs: Int, size: Int, kernel: Int, stride: Int, outputPadding: Int
        /// Whether the backward pass computes the input's gradient (not for the first convolution,
        /// whose input is the observation).
        public var computesInputGradient = true

        /// Multiply-adds x 2 of one backward pass of one image: the weight gradient, and the input
        /// gradient when computed (each as many as the forward pass).
        public var backwardFlopsPerImage: Double { flopsPerImage * (computesInputGradient ? 2 : 1) }

        /// Multiply-adds x 2 of one forward pass of one image.
        public var flopsPerImage: Double {
            let outputSize = transposed ? (size - 1) * stride + kernel + outputPadding : (size - kernel) / stride + 1
            let positions = transposed ? size * size : outputSize * outputSize
            return 2 * Double(positions * inputs * outputs * kernel * kernel)
        }
    }

    /// SAC-AE's encoder and decoder layers (Yarats et al. 2019: 4 convolutions of 32 3x3 filters, the
    /// first with stride 2, on 9x84x84 observations; the decoder mirrors them with transposed convolutions).
    public static let sacAELayers = [
        Layer(
            name: "conv 9->32 3x3 s2 @84", transposed: false, inputs: 9, outputs: 32, size: 84, kernel: 3, stride: 2, outputPadding: 0,
            computesInputGradient: false),
        Layer(name: "conv 32->32 3x3 s1 @41", transposed: false, inputs: 32, outputs: 32, size: 41, kernel: 3, stride: 1, outputPadding: 0),
        Layer(
            name: "deconv 32->32 3x3 s1 @35", transposed: true, inputs: 32, outputs: 32, size: 35, kernel: 3, stride: 1, outputPadding: 0),
        Layer(name: "deconv 32->9 3x3 s2 @41", transposed: true, inputs: 32, outputs: 9, size: 41, kernel: 3, stride: 2, outputPadding: 1),
    ]

    /// Seconds for one forward and for one backward pass (weight gradients, and input gradients when the
    /// layer computes them in SAC-AE) of `layer` over `batch` images, best of `repeats`.
    public static func measure(_ layer: Layer, batch: Int, repeats: Int) throws -> (forward: Double, backward: Double) {
        var generator = RandomGenerator(seed: 0)
        var input = Tensor.uniform([batch, layer.inputs, layer.size, layer.size], generator: &generator)
        if layer.computesInputGradient { input = input.requiringGradient() }
        let weightShape =
            layer.transposed
            ? [layer.inputs, layer.outputs, layer.kernel, layer.kernel]
            : [layer.outputs, layer.inputs, layer.kernel, layer.kernel]
        let weight = Tensor.uniform(weightShape, generator: &generator).requiringGradient()
        let bias = Tensor.zeros([layer.outputs]).requiringGradient()
        func apply() throws -> Tensor {
            layer.transposed
                ? try input.convTranspose2d(weight: weight, bias: bias, stride: layer.stride, outputPadding: layer.outputPadding)
                : try input.conv2d(weight: weight, bias: bias, stride: layer.stride)
        }
        var forward = Double.infinity, backward = Double.infinity
        for _ in 0..<(repeats + 1) {
            let tape = GradientTape()
            var output: Tensor?
            forward = min(forward, try measureSeconds { output = try tape.record { try apply() } })
            let seed = Tensor.ones(output!.shape)
            backward = min(backward, try measureSeconds { _ = try tape.backward(from: output!, seed: seed) })
        }
        return (forward, backward)
    }
}
