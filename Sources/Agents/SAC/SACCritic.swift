import NN
import Tensors

/// SAC-AE's critic: encoder -> [latent, action] -> two Q MLPs.
public final class SACCritic: Module {
    /// The encoder (owner of the convolutions the actor ties to).
    public let encoder: any ObservationEncoder
    /// First Q head: latent + |A| -> hidden -> hidden -> 1.
    public let q1: Sequential
    /// Second Q head.
    public let q2: Sequential

    /// A critic over `encoder` for `actions` dimensions.
    public init(encoder: any ObservationEncoder, actions: Int, hidden: Int = 1024, generator: inout RandomGenerator) {
        self.encoder = encoder
        let inputs = encoder.featureCount + actions
        q1 = Sequential.multilayerPerceptron([inputs, hidden, hidden, 1], activation: .relu, generator: &generator)
        q2 = Sequential.multilayerPerceptron([inputs, hidden, hidden, 1], activation: .relu, generator: &generator)
    }

    /// Q1 and Q2 [B, 1] of (observation, action); `detachEncoder` stops gradients at the conv output.
    public func callAsFunction(_ observation: Tensor, action: Tensor, detachEncoder: Bool = false) throws -> (Tensor, Tensor) {
        try values(latent: encoder(observation, detach: detachEncoder), action: action)
    }

    /// Both Q values from the encoder's shared features computed elsewhere.
    public func callAsFunction(sharedFeatures: Tensor, action: Tensor) throws -> (Tensor, Tensor) {
        try values(latent: encoder.latent(fromSharedFeatures: sharedFeatures), action: action)
    }

    private func values(latent: Tensor, action: Tensor) throws -> (Tensor, Tensor) {
        let input = try Tensor.concatenate([latent, action], axis: 1)
        return (try q1(input), try q2(input))
    }
}
