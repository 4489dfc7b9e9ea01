import Gym
import Random
import Tensors

/// ACER-torch's replay of whole episodes: each environment's steps are gathered until its episode
/// ends, then the episode is stored; an off-policy batch takes `batchSize` episodes at random,
/// padded after their ends (mask 0) to the longest, so that Retrace walks each from its own end.
/// Holds at most `transitions` steps (oldest episodes are dropped).
public final class EpisodicReplay: ACERReplay {
    /// Episodes per sampled batch (ACER-torch 32).
    public let batchSize: Int
    /// Steps held at most.
    public let transitionCapacity: Int
    private let actionCount: Int
    private let rowShape: [Int]
    private let rowLength: Int
    private let inputScale: Float

    /// One stored or in-progress episode: raw observation values per step (images as 0...255).
    struct Episode {
        var observations: [Float] = []
        var actions: [Int] = []
        var rewards: [Float] = []
        var behaviour: [Float] = []
        var length: Int { actions.count }
    }
    private var episodes: [Episode] = []
    private var pending: [Episode] = []
    private(set) var storedTransitions = 0

    /// An empty replay for observations of `space`.
    public init(space: Space, transitions: Int, actionCount: Int, batchSize: Int) throws {
        let probe = try ObservationRows(space: space, capacity: 1)
        rowShape = probe.rowShape
        rowLength = probe.rowLength
        inputScale = probe.inputScale
        self.actionCount = actionCount
        self.batchSize = batchSize
        transitionCapacity = transitions
    }

    public var transitionCount: Int { episodes.isEmpty ? 0 : storedTransitions }

    public func add(_ rollout: ACERRollout) {
        let environments = rollout.environmentCount
        if pending.count != environments { pending = Array(repeating: Episode(), count: environments) }
        for t in 0..<rollout.steps {
            for environment in 0..<environments {
                let index = t * environments + environment
                pending[environment].observations.append(contentsOf: rollout.observations.rawValues(row: index))
                pending[environment].actions.append(rollout.actions[index])
                pending[environment].rewards.append(rollout.rewards[index])
                pending[environment].behaviour.append(
                    contentsOf: rollout.behaviourProbabilities[(index * actionCount)..<((index + 1) * actionCount)])
                if rollout.dones[index] > 0 {
                    episodes.append(pending[environment])
                    storedTransitions += pending[environment].length
                    pending[environment] = Episode()
                    while storedTransitions > transitionCapacity && episodes.count > 1 {
                        storedTransitions -= episodes.removeFirst().length
                    }
                }
            }
        }
    }

    public func sample(using generator: inout RandomGenerator) -> ACERBatch {
        let chosen = (0..<batchSize).map { _ in episodes[generator.integer(below: episodes.count)] }
        let steps = chosen.map(\.length).max() ?? 1
        let width = chosen.count
        let observations = Tensor.zeros([(steps + 1) * width] + rowShape)
        let scale = inputScale
        var batch = ACERBatch(
            steps: steps, batch: width, observations: observations, actions: [], rewards: [], dones: [],
            behaviourProbabilities: [], mask: [])
        for t in 0..<steps {
            for (b, episode) in chosen.enumerated() {
                let valid = t < episode.length
                if valid {
                    let target = observations.pointer + (t * width + b) * rowLength
                    for element in 0..<rowLength { target[element] = episode.observations[t * rowLength + element] * scale }
                }
                batch.actions.append(valid ? episode.actions[t] : 0)
                batch.rewards.append(valid ? episode.rewards[t] : 0)
                batch.dones.append(valid && t < episode.length - 1 ? 0 : 1)
                batch.mask.append(valid ? 1 : 0)
                if valid {
                    batch.behaviourProbabilities.append(contentsOf: episode.behaviour[(t * actionCount)..<((t + 1) * actionCount)])
                } else {
                    batch.behaviourProbabilities.append(contentsOf: Array(repeating: 1 / Float(actionCount), count: actionCount))
                }
            }
        }
        return batch
    }

    public func stateTensors() throws -> [String: Tensor] {
        // Stored episodes and the in-progress ones, concatenated, with their lengths.
        var lengths: [Float] = [Float(episodes.count)]
        var observations: [Float] = [], actions: [Float] = [], rewards: [Float] = [], behaviour: [Float] = []
        for episode in episodes + pending {
            lengths.append(Float(episode.length))
            observations.append(contentsOf: episode.observations)
            actions.append(contentsOf: episode.actions.map(Float.init))
            rewards.append(contentsOf: episode.rewards)
            behaviour.append(contentsOf: episode.behaviour)
        }
        return [
            "lengths": Tensor(lengths), "observations": Tensor(observations), "actions": Tensor(actions),
            "rewards": Tensor(rewards), "behaviour": Tensor(behaviour),
        ]
    }

    public func load(_ tensors: [String: Tensor]) throws {
        guard let lengths = tensors["lengths"]?.scalars, let observations = tensors["observations"]?.scalars,
            let actions = tensors["actions"]?.scalars, let rewards = tensors["rewards"]?.scalars,
            let behaviour = tensors["behaviour"]?.scalars,
            let storedCount = lengths.first
        else {
            throw AgentError.invalidState("the episodic replay file is incomplete")
        }
        var all: [Episode] = []
        var step = 0
        for length in lengths.dropFirst().map({ Int($0) }) {
            guard (step + length) * rowLength <= observations.count, (step + length) * actionCount <= behaviour.count else {
                throw AgentError.invalidState("the episodic replay file does not match this run's observation or action sizes")
            }
            var episode = Episode()
            episode.observations = Array(observations[(step * rowLength)..<((step + length) * rowLength)])
            episode.actions = actions[step..<(step + length)].map { Int($0) }
            episode.rewards = Array(rewards[step..<(step + length)])
            episode.behaviour = Array(behaviour[(step * actionCount)..<((step + length) * actionCount)])
            all.append(episode)
            step += length
        }
        episodes = Array(all.prefix(Int(storedCount)))
        pending = Array(all.dropFirst(Int(storedCount)))
        storedTransitions = episodes.reduce(0) { $0 + $1.length }
    }
}
