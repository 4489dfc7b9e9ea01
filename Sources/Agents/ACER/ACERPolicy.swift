import Gym
import NN
import Random
import Tensors

/// ACER's policy for evaluation: softmax of the policy head, sampled or argmax.
public final class ACERPolicy: EvaluationPolicy {
    let network: ACERNetwork
    let observationShape: [Int]

    init(network: ACERNetwork, observationShape: [Int]) {
        self.network = network
        self.observationShape = observationShape
    }

    /// The policy alone, loaded from an ACER checkpoint: builds one network, without the average
    /// network, optimizer state, workers, environments or replay.
    public convenience init(configuration: ACERConfiguration, observationSpace: Space, actionSpace: Space, checkpoint: Checkpoint) throws {
        guard case .discrete(let discrete) = actionSpace else {
            throw AgentError.unsupported("ACER needs a Discrete action space, got \(actionSpace)")
        }
        guard let activation = Activation(rawValue: configuration.activation) else {
            throw AgentError.invalidConfiguration("unknown activation \(configuration.activation)")
        }
        let shape = try ObservationRows(space: observationSpace, capacity: 1).rowShape
        var generator = RandomGenerator(seed: 0)
        let network = try ACERNetwork(observationShape: shape, actionCount: discrete.n, hiddenSizes: configuration.hiddenSizes,
                                      activation: activation, pixelTrunk: configuration.pixelTrunk, generator: &generator)
        try checkpoint.requireAlgorithm("acer")
        try checkpoint.load(into: network, prefix: "model.")
        self.init(network: network, observationShape: shape)
    }

    public func resetEpisode() {}

    public func action(for observation: ObservationBuffer, deterministic: Bool, generator: inout RandomGenerator) throws -> Action {
        let input = ObservationRows.tensor(from: observation, rowShape: observationShape)
        let logits = try withoutGradients { try network(input).logits }
        let distribution = try Categorical(logits: logits)
        return .discrete(deterministic ? try distribution.mode()[0] : distribution.sample(using: &generator)[0])
    }
}
