import Gym
import NN
import Random
import Tensors

/// PPO's policy for evaluation: the mean (clipped to the bounds) or the most likely action, or a
/// sample; the recurrent policy carries its actor memory through the episode.
public final class PPOPolicy: EvaluationPolicy {
    let network: ActorCritic
    let memory: RecurrentMemory?
    let normalizer: RunningNormalizer?
    let observationShape: [Int]
    let actionLow: [Float], actionHigh: [Float]
    var state: LSTM.State?

    init(
        network: ActorCritic, memory: RecurrentMemory?, normalizer: RunningNormalizer?, observationShape: [Int],
        actionLow: [Float], actionHigh: [Float]
    ) {
        self.network = network
        self.memory = memory
        self.normalizer = normalizer
        self.observationShape = observationShape
        self.actionLow = actionLow
        self.actionHigh = actionHigh
    }

    /// The policy alone, loaded from a PPO checkpoint: the actor-critic, its memories and the observation
    /// statistics, without optimizer state, rollout storage or environments.
    public convenience init(configuration: PPOConfiguration, observationSpace: Space, actionSpace: Space, checkpoint: Checkpoint) throws {
        let rows = try ObservationRows(space: observationSpace, capacity: 1)
        let continuous: Bool, actionCount: Int, low: [Float], high: [Float]
        switch actionSpace {
        case .discrete(let discrete):
            (continuous, actionCount, low, high) = (false, discrete.n, [], [])
        case .box(let box) where box.dtype == .float32:
            (continuous, actionCount, low, high) = (true, box.count, box.low, box.high)
        default:
            throw AgentError.unsupported("PPO needs a Discrete or Float32 Box action space, got \(actionSpace)")
        }
        let activation = configuration.activation
        var generator = RandomGenerator(seed: 0)
        let memory =
            configuration.recurrent == .lstm
            ? RecurrentMemory(inputSize: rows.rowLength, hiddenSize: configuration.recurrentHiddenSize, generator: &generator) : nil
        let network = ActorCritic(
            observationCount: memory?.hiddenSize ?? rows.rowLength, actionCount: actionCount, continuous: continuous,
            actorHiddenSizes: configuration.actorHiddenSizes, criticHiddenSizes: configuration.criticHiddenSizes,
            activation: activation, initialNoiseStd: Float(configuration.initialNoiseStd), generator: &generator)
        let normalizer = configuration.normalizeObservations ? RunningNormalizer(size: rows.rowLength) : nil
        try PPO.loadPolicy(from: checkpoint, network: network, memory: memory, normalizer: normalizer)
        self.init(
            network: network, memory: memory, normalizer: normalizer, observationShape: rows.rowShape, actionLow: low, actionHigh: high)
    }

    public func resetEpisode() {
        state = memory.map { LSTM.State.zeros(batch: 1, hiddenSize: $0.hiddenSize) }
    }

    public func action(for observation: ObservationBuffer, deterministic: Bool, generator: inout RandomGenerator) throws -> Action {
        var x = try PPO.input(observation, observationShape: observationShape, normalizer: normalizer, update: false)
        return try withoutGradients {
            if let memory {
                let next = try memory.actorMemory.step(x, state: state ?? .zeros(batch: 1, hiddenSize: memory.hiddenSize))
                state = next
                x = next.hidden
            }
            let output = try network.actor(x)
            if let logStd = network.logStandardDeviation {
                var values = output.scalars
                if !deterministic {
                    let distribution = DiagonalGaussian(mean: output, logStandardDeviation: logStd.clamped(min: -20, max: 2))
                    values = try distribution.sample(using: &generator).scalars
                }
                return .continuous(values.enumerated().map { min(max($0.element, actionLow[$0.offset]), actionHigh[$0.offset]) })
            }
            let distribution = try Categorical(logits: output)
            return .discrete(deterministic ? try distribution.mode()[0] : distribution.sample(using: &generator)[0])
        }
    }
}
