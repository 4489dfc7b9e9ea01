import NN
import Tensors

/// What SAC's actor and critic put in front of their MLPs: the pixel encoder (SAC-AE) or the
/// identity (SAC from states).
public protocol ObservationEncoder: Module {
    /// The latent size.
    var featureCount: Int { get }
    /// The latent [B, featureCount]; `detach` stops gradients where the encoder's shared part ends.
    func callAsFunction(_ observation: Tensor, detach: Bool) throws -> Tensor
}

/// SAC from states: observations go to the MLPs as they are (flattened).
public final class IdentityEncoder: ObservationEncoder {
    public let featureCount: Int

    /// An encoder passing `featureCount` values through.
    public init(featureCount: Int) { self.featureCount = featureCount }

    public func callAsFunction(_ observation: Tensor, detach: Bool) throws -> Tensor {
        observation.rank == 2 ? observation : try observation.flattened()
    }
}

extension PixelEncoder: ObservationEncoder {
    public var featureCount: Int { fc.weight.shape[0] }
}

extension ObservationEncoder {
    /// The latent with gradients flowing through the whole encoder.
    public func callAsFunction(_ observation: Tensor) throws -> Tensor { try self(observation, detach: false) }
}
