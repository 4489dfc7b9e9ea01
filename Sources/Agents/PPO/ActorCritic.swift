import NN
import Tensors

/// rsl_rl's MLP actor-critic: separate actor and critic MLPs; for Box actions the actor outputs the
/// mean and a learnable log standard deviation (one per action, clamped to [-20, 2] when used, so the
/// standard deviation is never negative, zero or NaN); for Discrete actions the actor outputs logits.
public final class ActorCritic: Module {
    /// Observations to action means or logits.
    public let actor: Sequential
    /// Observations to a value.
    public let critic: Sequential
    /// log std [actions] for continuous actions (nil for discrete).
    public let logStandardDeviation: Tensor?
    /// Whether actions are continuous.
    public let isContinuous: Bool

    /// A network for `observationCount` inputs and `actionCount` actions (or action values).
    public init(
        observationCount: Int, actionCount: Int, continuous: Bool, actorHiddenSizes: [Int], criticHiddenSizes: [Int],
        activation: Activation, initialNoiseStd: Float, generator: inout RandomGenerator
    ) {
        actor = Sequential.multilayerPerceptron(
            [observationCount] + actorHiddenSizes + [actionCount], activation: activation, generator: &generator)
        critic = Sequential.multilayerPerceptron(
            [observationCount] + criticHiddenSizes + [1], activation: activation, generator: &generator)
        isContinuous = continuous
        logStandardDeviation = continuous ? Tensor.full([actionCount], value: Foundation_log(initialNoiseStd)).requiringGradient() : nil
    }

    /// The policy's log-probabilities of `actions` [B], entropies [B], and the distribution parameters
    /// (means and stds, or probabilities) for the KL of the adaptive schedule.
    public func evaluate(
        _ observations: Tensor, actions: Tensor
    ) throws -> (logProbability: Tensor, entropy: Tensor, parameters: (Tensor, Tensor?)) {
        let output = try actor(observations)
        if let logStandardDeviation {
            let logStd = logStandardDeviation.clamped(min: -20, max: 2)
            let distribution = DiagonalGaussian(mean: output, logStandardDeviation: logStd)
            let entropy = try distribution.entropy()
            let broadcastEntropy = entropy.rank == 0 ? try Tensor.full([observations.shape[0]], value: 1) * entropy : entropy
            return (try distribution.logProbability(of: actions), broadcastEntropy, (output, logStd))
        }
        let distribution = try Categorical(logits: output)
        let indices = actions.scalars.map { Int($0) }
        return (try distribution.logProbability(of: indices), try distribution.entropy(), (distribution.probabilities, nil))
    }

    /// Values [B].
    public func value(_ observations: Tensor) throws -> Tensor { try critic(observations).reshaped([-1]) }
}

import Foundation
@inline(__always) func Foundation_log(_ x: Float) -> Float { Float(Foundation.log(Double(x))) }
