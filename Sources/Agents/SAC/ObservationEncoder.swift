import NN
import Tensors

/// What SAC's actor and critic put in front of their MLPs: the pixel encoder (SAC-AE) or the
/// identity (SAC from states).
public protocol ObservationEncoder: Module {
    /// The latent size.
    var featureCount: Int { get }
    /// The part actor and critic share (SAC-AE: the tied convolutions' output, flattened), so that an
    /// update can compute it once and reuse it where the weights and observations are the same.
    func sharedFeatures(_ observation: Tensor) throws -> Tensor
    /// The latent [B, featureCount] from `sharedFeatures`' output (the encoder's own layers).
    func latent(fromSharedFeatures features: Tensor) throws -> Tensor
    /// Whether `other` computes the same shared features (the same tied convolution objects).
    func sharesFeatures(with other: any ObservationEncoder) -> Bool
}

/// SAC from states: observations go to the MLPs as they are (flattened).
public final class IdentityEncoder: ObservationEncoder {
    public let featureCount: Int

    /// An encoder passing `featureCount` values through.
    public init(featureCount: Int) { self.featureCount = featureCount }

    public func sharedFeatures(_ observation: Tensor) throws -> Tensor {
        observation.rank == 2 ? observation : try observation.flattened()
    }

    public func latent(fromSharedFeatures features: Tensor) throws -> Tensor { features }

    public func sharesFeatures(with other: any ObservationEncoder) -> Bool { other is IdentityEncoder }
}

extension PixelEncoder: ObservationEncoder {
    public var featureCount: Int { fc.weight.shape[0] }

    public func sharedFeatures(_ observation: Tensor) throws -> Tensor { try convolutionFeatures(observation) }

    public func latent(fromSharedFeatures features: Tensor) throws -> Tensor { try layerNorm(fc(features)).tanh() }

    public func sharesFeatures(with other: any ObservationEncoder) -> Bool {
        guard let other = other as? PixelEncoder, other.convs.count == convs.count else { return false }
        return zip(convs, other.convs).allSatisfy { $0 === $1 }
    }
}

extension ObservationEncoder {
    /// The latent [B, featureCount]; `detach` stops gradients where the shared part ends.
    public func callAsFunction(_ observation: Tensor, detach: Bool) throws -> Tensor {
        let features = try sharedFeatures(observation)
        return try latent(fromSharedFeatures: detach ? features.detached() : features)
    }

    /// The latent with gradients flowing through the whole encoder.
    public func callAsFunction(_ observation: Tensor) throws -> Tensor { try self(observation, detach: false) }
}
