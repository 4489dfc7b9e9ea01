import Gym
import NN
import Random
import Tensors

/// The evaluation policy for `swiftrl eval` and the training loop's evaluations (no goal input).
public final class GoalACERPolicy: EvaluationPolicy {
    let network: ACERNetwork
    let observationShape: [Int]
    let observationScale: [Float]?
    let usesDictObservation: Bool

    init(network: ACERNetwork, observationShape: [Int], observationScale: [Float]?, usesDictObservation: Bool) {
        self.network = network
        self.observationShape = observationShape
        self.observationScale = observationScale
        self.usesDictObservation = usesDictObservation
    }

    /// The evaluation policy alone, loaded from a goal-ACER checkpoint: builds its one network, without
    /// the exploration policy, average networks, dynamics model, goal pool, optimizers or environments.
    public convenience init(configuration: GoalACERConfiguration, observationSpace: Space, actionSpace: Space,
                            checkpoint: Checkpoint) throws {
        guard case .discrete(let discrete) = actionSpace else {
            throw AgentError.unsupported("goal-conditioned ACER needs a Discrete action space, got \(actionSpace)")
        }
        let acer = configuration.acer
        guard let activation = Activation(rawValue: acer.activation) else {
            throw AgentError.invalidConfiguration("unknown activation \(acer.activation)")
        }
        var policySpace = observationSpace, usesDictObservation = false
        if case .dict(let dict) = observationSpace {
            guard let observation = dict.spaces.first(where: { $0.key == "observation" })?.space else {
                throw AgentError.unsupported("Dict observations need an 'observation' entry for the policy, got \(observationSpace)")
            }
            policySpace = observation
            usesDictObservation = true
        }
        let shape = try ObservationRows(space: policySpace, capacity: 1).rowShape
        var generator = RandomGenerator(seed: 0)
        let network = try ACERNetwork(observationShape: shape, actionCount: discrete.n, hiddenSizes: acer.hiddenSizes,
                                      activation: activation, pixelTrunk: acer.pixelTrunk, generator: &generator)
        try checkpoint.requireAlgorithm("goal-acer")
        try checkpoint.load(into: network, prefix: "evaluation.")
        self.init(network: network, observationShape: shape, observationScale: GoalACER.observationScale(of: policySpace),
                  usesDictObservation: usesDictObservation)
    }

    public func resetEpisode() {}

    public func action(for observation: ObservationBuffer, deterministic: Bool, generator: inout RandomGenerator) throws -> Action {
        let input = GoalACER.scale(ObservationRows.tensor(from: usesDictObservation ? observation["observation"] : observation, rowShape: observationShape),
                                   by: observationScale)
        let logits = try withoutGradients { try network(input).logits }
        let distribution = try Categorical(logits: logits)
        return .discrete(deterministic ? try distribution.mode()[0] : distribution.sample(using: &generator)[0])
    }
}
