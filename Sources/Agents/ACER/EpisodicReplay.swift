import Gym
import NN
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
    private let isImage: Bool

    /// One stored or in-progress episode: its observations per step (image rows as bytes in `pixels`,
    /// other rows in `observations`), actions, rewards and behaviour probabilities.
    struct Episode {
        var observations: [Float] = []
        var pixels: [UInt8] = []
        var actions: [Int] = []
        var rewards: [Float] = []
        var behaviour: [Float] = []
        var length: Int { actions.count }

        /// Appends row `row` of `rows` as stored (bytes for images).
        mutating func appendObservation(row: Int, of rows: ObservationRows) {
            rows.appendRow(row, toBytes: &pixels, orFloats: &observations)
        }
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
        isImage = probe.isImage
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
                pending[environment].appendObservation(row: index, of: rollout.observations)
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
                    let start = t * rowLength
                    if isImage {
                        for element in 0..<rowLength { target[element] = Float(episode.pixels[start + element]) * scale }
                    } else {
                        for element in 0..<rowLength { target[element] = episode.observations[start + element] }
                    }
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

    public func save(into checkpoint: inout Checkpoint, prefix: String) throws {
        // Stored episodes and the in-progress ones, concatenated, with their lengths.
        var lengths: [Float] = [Float(episodes.count)]
        var observations: [Float] = [], pixels: [UInt8] = [], actions: [Float] = [], rewards: [Float] = [], behaviour: [Float] = []
        for episode in episodes + pending {
            lengths.append(Float(episode.length))
            observations.append(contentsOf: episode.observations)
            pixels.append(contentsOf: episode.pixels)
            actions.append(contentsOf: episode.actions.map(Float.init))
            rewards.append(contentsOf: episode.rewards)
            behaviour.append(contentsOf: episode.behaviour)
        }
        for (name, values) in [("lengths", lengths), ("actions", actions), ("rewards", rewards), ("behaviour", behaviour)] {
            checkpoint.tensors[prefix + name] = Tensor(values)
        }
        if isImage {
            checkpoint.byteArrays[prefix + "observations"] = pixels
        } else {
            checkpoint.tensors[prefix + "observations"] = Tensor(observations)
        }
    }

    public func load(from checkpoint: Checkpoint, prefix: String) throws {
        let tensors = checkpoint.tensors
        guard let lengths = tensors[prefix + "lengths"]?.scalars, let actions = tensors[prefix + "actions"]?.scalars,
            let rewards = tensors[prefix + "rewards"]?.scalars,
            let behaviour = tensors[prefix + "behaviour"]?.scalars,
            let storedCount = lengths.first.flatMap({ Int(exactly: $0) })
        else {
            throw AgentError.invalidState("the episodic replay file is incomplete")
        }
        let episodeLengths = lengths.dropFirst().map { Int(exactly: $0) ?? -1 }
        let steps = episodeLengths.reduce(0) { $0 + max($1, 0) }
        // Image rows as bytes; Float32 rows (or images saved as Float32 by earlier versions).
        let observations = tensors[prefix + "observations"]?.scalars ?? []
        let pixels = try checkpoint.byteArrays[prefix + "observations"] ?? (isImage ? ObservationRows.pixelBytes(observations) : [])
        guard episodeLengths.allSatisfy({ $0 >= 0 }), (0...episodeLengths.count).contains(storedCount), actions.count == steps,
            rewards.count == steps, (isImage ? pixels.count : observations.count) == steps * rowLength,
            behaviour.count == steps * actionCount
        else {
            throw AgentError.invalidState(
                "the episodic replay file does not match this run's observation or action sizes (or is corrupt): \(episodeLengths.count) episodes of \(steps) steps"
            )
        }
        let savedActions = try actionIndices(actions, actionCount: actionCount)
        var all: [Episode] = []
        var step = 0
        for length in episodeLengths {
            var episode = Episode()
            let rows = (step * rowLength)..<((step + length) * rowLength)
            if isImage { episode.pixels = Array(pixels[rows]) } else { episode.observations = Array(observations[rows]) }
            episode.actions = Array(savedActions[step..<(step + length)])
            episode.rewards = Array(rewards[step..<(step + length)])
            episode.behaviour = Array(behaviour[(step * actionCount)..<((step + length) * actionCount)])
            all.append(episode)
            step += length
        }
        episodes = Array(all.prefix(storedCount))
        pending = Array(all.dropFirst(storedCount))
        storedTransitions = episodes.reduce(0) { $0 + $1.length }
    }
}
