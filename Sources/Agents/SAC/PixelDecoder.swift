import NN
import Tensors

/// SAC-AE's decoder: fc -> ReLU -> reshape to [filters, side, side] -> (layers - 1) transposed convs
/// 3x3 stride 1 with ReLU -> transposed conv 3x3 stride 2 (output padding 1) to the image channels.
public final class PixelDecoder: Module {
    /// Latent to conv features.
    public let fc: Linear
    /// The transposed convolutions.
    public let deconvs: [ConvTranspose2d]
    private let filters: Int
    private let side: Int

    /// A decoder mirroring `PixelEncoder`'s shapes.
    public init(
        channels: Int = 9, featureDimension: Int = 50, layers: Int = 4, filters: Int = 32, side: Int = 35,
        generator: inout RandomGenerator
    ) {
        self.filters = filters
        self.side = side
        fc = Linear(featureDimension, filters * side * side, generator: &generator)
        var deconvs: [ConvTranspose2d] = []
        for _ in 1..<layers { deconvs.append(ConvTranspose2d(filters, filters, kernelSize: 3, stride: 1, generator: &generator)) }
        deconvs.append(ConvTranspose2d(filters, channels, kernelSize: 3, stride: 2, outputPadding: 1, generator: &generator))
        self.deconvs = deconvs
    }

    /// The reconstruction [B, channels, 84, 84] of latents [B, featureDimension].
    public func callAsFunction(_ latent: Tensor) throws -> Tensor {
        var h = try fc(latent).relu().reshaped([latent.shape[0], filters, side, side])
        for deconv in deconvs.dropLast() { h = try deconv(h, activation: .relu) }
        return try deconvs.last!(h)
    }
}
