import Foundation
import Tensors

/// A batch of Gaussians with diagonal covariance: mean [B, d] and log standard deviation ([B, d] or [d]).
public struct DiagonalGaussian {
    /// Means [B, d].
    public let mean: Tensor
    /// Log standard deviations, broadcast against the mean.
    public let logStandardDeviation: Tensor

    /// Gaussians with the given means and log standard deviations.
    public init(mean: Tensor, logStandardDeviation: Tensor) {
        self.mean = mean
        self.logStandardDeviation = logStandardDeviation
    }

    /// Standard deviations.
    public var standardDeviation: Tensor { logStandardDeviation.exp() }

    /// log p(x) summed over the last axis, [B].
    public func logProbability(of x: Tensor) throws -> Tensor {
        let z = try (x - mean) / standardDeviation
        let perCoordinate = try (z.square() * -0.5 - logStandardDeviation) - Float(0.5 * log(2 * Double.pi))
        return try perCoordinate.sum(axis: -1)
    }

    /// The entropy summed over the last axis, [B] (or [] for an unbatched log std).
    public func entropy() throws -> Tensor {
        let perCoordinate = logStandardDeviation + Float(0.5 + 0.5 * log(2 * Double.pi))
        let broadcast = try perCoordinate + mean * 0
        return try broadcast.sum(axis: -1)
    }

    /// A reparameterised sample mean + std * noise (gradients flow to mean and log std).
    public func sample(using generator: inout RandomGenerator) throws -> Tensor {
        let noise = Tensor.normal(mean.shape, generator: &generator)
        return try mean + standardDeviation * noise
    }
}
