import Gym
import NN
import Random
import Tensors

/// SAC's policy for evaluation: tanh(mu) (deterministic) or a sample, rescaled to the action bounds.
public final class SACPolicy: EvaluationPolicy {
    let actor: SACActor
    let observationShape: [Int]
    let actionLow: [Float], actionHigh: [Float]

    init(actor: SACActor, observationShape: [Int], actionLow: [Float], actionHigh: [Float]) {
        self.actor = actor
        self.observationShape = observationShape
        self.actionLow = actionLow
        self.actionHigh = actionHigh
    }

    /// The policy alone, loaded from a checkpoint of `algorithmName` ("sac" or "sac-ae"): builds the actor
    /// and its encoder only (the critic's tied convolutions become the actor's own), so evaluating a run
    /// allocates no critics, target networks, decoder, optimizer state or replay.
    public convenience init(
        configuration: SACConfiguration, algorithmName: String, observationSpace: Space, actionSpace: Space,
        checkpoint: Checkpoint
    ) throws {
        guard case .box(let actionBox) = actionSpace, actionBox.dtype == .float32,
            actionBox.low.allSatisfy(\.isFinite), actionBox.high.allSatisfy(\.isFinite)
        else {
            throw AgentError.unsupported("SAC needs a continuous (Float32 Box) action space with finite bounds, got \(actionSpace)")
        }
        guard case .box(let observationBox) = observationSpace else {
            throw AgentError.unsupported("SAC needs Box observations (vectors or pixel images), got \(observationSpace)")
        }
        let shape = observationBox.shape
        var generator = RandomGenerator(seed: 0)
        let encoder = SAC.makeEncoder(
            configuration, observationShape: shape,
            pixel: try SAC.usesPixelEncoder(configuration, observationShape: shape), generator: &generator)
        let actor = SACActor(
            encoder: encoder, actions: actionBox.count, hidden: configuration.hiddenSize,
            minLogStd: Float(configuration.actorLogStdMin), maxLogStd: Float(configuration.actorLogStdMax),
            generator: &generator)
        try checkpoint.requireAlgorithm(algorithmName)
        try checkpoint.load(into: actor, prefix: "actor.")
        self.init(actor: actor, observationShape: shape, actionLow: actionBox.low, actionHigh: actionBox.high)
    }

    public func resetEpisode() {}

    public func action(for observation: ObservationBuffer, deterministic: Bool, generator: inout RandomGenerator) throws -> Action {
        let input = ObservationRows.tensor(from: observation, rowShape: observationShape)
        let output = try withoutGradients { try actor(input, generator: &generator) }
        let values = (deterministic ? output.mode : output.action).scalars
        return SAC.environmentAction(values[0..<actionLow.count], low: actionLow, high: actionHigh)
    }
}
