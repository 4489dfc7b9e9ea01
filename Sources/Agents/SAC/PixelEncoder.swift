import NN
import Tensors

/// SAC-AE's pixel encoder (Yarats et al. 2019): obs / 255 -> conv 3x3 stride 2 -> (layers - 1)
/// conv 3x3 stride 1, ReLU after each -> fc -> LayerNorm -> tanh.
public final class PixelEncoder: Module {
    /// The convolutions (tied between actor and critic: the same objects).
    public let convs: [Conv2d]
    /// Flattened conv features to the latent.
    public let fc: Linear
    /// Normalises the latent.
    public let layerNorm: LayerNorm
    /// Conv output side: 84 -> 41 after the stride-2 conv, minus 2 per further conv (35 for 4 layers).
    public let outputSide: Int
    /// Filters per conv (reference: 32).
    public let filters: Int

    /// An encoder for [C, side, side] observations.
    public init(
        channels: Int = 9, side: Int = 84, featureDimension: Int = 50, layers: Int = 4, filters: Int = 32,
        generator: inout RandomGenerator
    ) {
        var convs = [Conv2d(channels, filters, kernelSize: 3, stride: 2, generator: &generator)]
        for _ in 1..<layers { convs.append(Conv2d(filters, filters, kernelSize: 3, stride: 1, generator: &generator)) }
        self.convs = convs
        self.filters = filters
        outputSide = (side - 3) / 2 + 1 - 2 * (layers - 1)
        fc = Linear(filters * outputSide * outputSide, featureDimension, generator: &generator)
        layerNorm = LayerNorm(featureDimension)
    }

    /// An encoder whose convolutions are `source`'s own (weight tying: shared storage, not copies).
    public init(tyingConvolutionsOf source: PixelEncoder, featureDimension: Int = 50, generator: inout RandomGenerator) {
        convs = source.convs
        filters = source.filters
        outputSide = source.outputSide
        fc = Linear(source.fc.weight.shape[1], featureDimension, generator: &generator)
        layerNorm = LayerNorm(featureDimension)
    }

    /// The conv features [B, filters * side^2] of pixel observations already scaled to [0, 1].
    public func convolutionFeatures(_ observation: Tensor) throws -> Tensor {
        var h = observation
        for conv in convs { h = try conv(h, activation: .relu) }
        return try h.flattened()
    }
}
