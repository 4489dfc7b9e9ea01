import NN
import Tensors

/// The DQN "Nature" convolutional trunk (Mnih et al. 2015), as baselines' ACER uses on pixels:
/// conv 32@8x8 stride 4, conv 64@4x4 stride 2, conv 64@3x3 stride 1, flatten, fc 512, ReLU after
/// each; orthogonal initialisation with gain sqrt(2), biases zero. Input [N, C, H, W] in [0, 1].
public final class NatureCNN: Layer {
    /// The three convolutions.
    public let convs: [Conv2d]
    /// Flattened features to `outputSize`.
    public let fc: Linear
    /// The feature size (512).
    public let outputSize: Int

    /// A trunk for images of `channels` x `height` x `width` (at least 36 x 36).
    public init(channels: Int, height: Int, width: Int, outputSize: Int = 512, generator: inout RandomGenerator) throws {
        func convolvedSize(_ size: Int, _ kernel: Int, _ stride: Int) -> Int { (size - kernel) / stride + 1 }
        let outputHeight = convolvedSize(convolvedSize(convolvedSize(height, 8, 4), 4, 2), 3, 1)
        let outputWidth = convolvedSize(convolvedSize(convolvedSize(width, 8, 4), 4, 2), 3, 1)
        guard outputHeight >= 1, outputWidth >= 1 else {
            throw AgentError.unsupported(
                "the Nature CNN needs images of at least 36x36, got \(height)x\(width): render larger observations (render_width/render_height)"
            )
        }
        convs = [
            Conv2d(channels, 32, kernelSize: 8, stride: 4, generator: &generator),
            Conv2d(32, 64, kernelSize: 4, stride: 2, generator: &generator),
            Conv2d(64, 64, kernelSize: 3, stride: 1, generator: &generator),
        ]
        fc = Linear(64 * outputHeight * outputWidth, outputSize, generator: &generator)
        self.outputSize = outputSize
        for conv in convs {
            Initialization.orthogonal(conv.weight, gain: Activation.relu.gain, generator: &generator)
            if let bias = conv.bias { Initialization.constant(bias, 0) }
        }
        Initialization.orthogonal(fc.weight, gain: Activation.relu.gain, generator: &generator)
        if let bias = fc.bias { Initialization.constant(bias, 0) }
    }

    /// Maps [N, C, H, W] to [N, outputSize].
    public func callAsFunction(_ input: Tensor) throws -> Tensor {
        var x = input
        for conv in convs { x = try conv(x, activation: .relu) }
        return try fc(x.flattened()).relu()
    }
}
