import Gym
import NN
import Random
import Tensors

/// ACER's policy for evaluation: softmax of the policy head, sampled or argmax. Goal-conditioned ACER's
/// evaluation policy is the same with its observation taken from the "observation" entry of Dict
/// observations and scaled coordinate-wise (`GoalACERPolicy.swift` builds it).
public final class ACERPolicy: EvaluationPolicy {
    let network: ACERNetwork
    let observationShape: [Int]
    /// Multiplies each observation coordinate before the network (nil: unscaled).
    let observationScale: [Float]?
    /// The Dict entry the policy sees (nil: the whole observation).
    let observationKey: String?

    init(network: ACERNetwork, observationShape: [Int], observationScale: [Float]? = nil, observationKey: String? = nil) {
        self.network = network
        self.observationShape = observationShape
        self.observationScale = observationScale
        self.observationKey = observationKey
    }

    /// A network for observations of `space` and `actionSpace`'s actions, loaded from `checkpoint` under `prefix`.
    static func network(
        hiddenSizes: [Int], activation: Activation, pixelTrunk: PixelTrunk, observationSpace space: Space, actionSpace: Space,
        checkpoint: Checkpoint, algorithm: String, prefix: String
    ) throws -> (ACERNetwork, [Int]) {
        guard case .discrete(let discrete) = actionSpace else {
            throw AgentError.unsupported("\(algorithm) needs a Discrete action space, got \(actionSpace)")
        }
        let shape = try ObservationRows(space: space, capacity: 1).rowShape
        var generator = RandomGenerator(seed: 0)
        let network = try ACERNetwork(
            observationShape: shape, actionCount: discrete.n, hiddenSizes: hiddenSizes,
            activation: activation, pixelTrunk: pixelTrunk, generator: &generator)
        try checkpoint.requireAlgorithm(algorithm)
        try checkpoint.load(into: network, prefix: prefix)
        return (network, shape)
    }

    /// The policy alone, loaded from an ACER checkpoint: builds one network, without the average
    /// network, optimizer state, workers, environments or replay.
    public convenience init(configuration: ACERConfiguration, observationSpace: Space, actionSpace: Space, checkpoint: Checkpoint) throws {
        let (network, shape) = try Self.network(
            hiddenSizes: configuration.hiddenSizes, activation: configuration.activation,
            pixelTrunk: configuration.pixelTrunk, observationSpace: observationSpace,
            actionSpace: actionSpace, checkpoint: checkpoint, algorithm: "acer", prefix: "model.")
        self.init(network: network, observationShape: shape)
    }

    public func resetEpisode() {}

    public func action(for observation: ObservationBuffer, deterministic: Bool, generator: inout RandomGenerator) throws -> Action {
        let rows = ObservationRows.tensor(from: observationKey.map { observation[$0] } ?? observation, rowShape: observationShape)
        let input = ObservationRows.scaled(rows, by: observationScale)
        let logits = try withoutGradients { try network(input).logits }
        let distribution = try Categorical(logits: logits)
        return .discrete(deterministic ? try distribution.mode()[0] : distribution.sample(using: &generator)[0])
    }
}
