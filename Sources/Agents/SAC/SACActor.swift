import Foundation
import NN
import Tensors

/// SAC-AE's actor: encoder -> MLP trunk -> (mean, log std); log std squashed to [minLogStd, maxLogStd];
/// a tanh-squashed Gaussian policy.
public final class SACActor: Module {
    /// The encoder (its convolutions tied to the critic's).
    public let encoder: any ObservationEncoder
    /// latent -> hidden -> hidden -> 2 |A|.
    public let trunk: Sequential
    /// Bounds of the log standard deviation (reference: -10 and 2).
    public let minLogStd: Float, maxLogStd: Float

    /// An actor over `encoder` for `actions` dimensions.
    public init(
        encoder: any ObservationEncoder, actions: Int, hidden: Int = 1024, minLogStd: Float = -10, maxLogStd: Float = 2,
        generator: inout RandomGenerator
    ) {
        self.encoder = encoder
        self.minLogStd = minLogStd
        self.maxLogStd = maxLogStd
        trunk = Sequential.multilayerPerceptron(
            [encoder.featureCount, hidden, hidden, 2 * actions], activation: .relu,
            generator: &generator)
    }

    /// The policy's (deterministic action tanh(mu), sampled action, its log-probability [B, 1]).
    public func callAsFunction(
        _ observation: Tensor, detachEncoder: Bool = false, generator: inout RandomGenerator
    ) throws
        -> (mode: Tensor, action: Tensor, logProbability: Tensor)
    {
        try policy(latent: encoder(observation, detach: detachEncoder), generator: &generator)
    }

    /// The policy from the encoder's shared features computed elsewhere (the tied convolutions'
    /// output, detached by the caller when the encoder must not learn from the actor).
    public func callAsFunction(
        sharedFeatures: Tensor, generator: inout RandomGenerator
    ) throws
        -> (mode: Tensor, action: Tensor, logProbability: Tensor)
    {
        try policy(latent: encoder.latent(fromSharedFeatures: sharedFeatures), generator: &generator)
    }

    private func policy(latent: Tensor, generator: inout RandomGenerator) throws -> (mode: Tensor, action: Tensor, logProbability: Tensor) {
        let output = try trunk(latent)
        let parts = try output.chunked(2, axis: 1)
        let logStd = (parts[1].tanh() + 1) * (0.5 * (maxLogStd - minLogStd)) + minLogStd
        let policy = TanhGaussian(mean: parts[0], logStandardDeviation: logStd)
        let sample = try policy.sample(using: &generator)
        return (policy.mode, sample.action, try sample.logProbability.reshaped([-1, 1]))
    }
}
